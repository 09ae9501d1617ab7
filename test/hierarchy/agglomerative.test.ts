import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agglomerative, linkage, fcluster } from '../../src/hierarchy/index.js';
import { ClusterkitError } from '../../src/core/errors.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import { toArrays, csrFromTriplets, type Matrix } from '../../src/core/matrix.js';
import { bundled, fixture, ari } from '../helpers/data.js';

const isCode = (code: string, re?: RegExp) => (e: unknown): boolean =>
  e instanceof ClusterkitError && e.code === code && (!re || re.test(e.message));
const { x: iris, y: irisY } = bundled('iris');
const REF = fixture<{ iris: Record<string, { fcluster_maxclust_3: number[] }>; tiny12: { points: number[][] } }>('linkage.json');

function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const ab = new Map<number, number>(), ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]!) ?? b[i]) !== b[i] || (ba.get(b[i]!) ?? a[i]) !== a[i]) return false;
    ab.set(a[i]!, b[i]!); ba.set(b[i]!, a[i]!);
  }
  return true;
}

test('agglomerative.fit(iris, {k: 3}) uses ward by default and gives SciPy\'s ward maxclust-3 partition', () => {
  const r = agglomerative.fit(iris, { k: 3 });
  assert.equal(r.kind, 'agglomerative');
  assert.equal(r.options.linkage, 'ward');
  assert.equal(r.k, 3);
  assert.equal(new Set(r.labels).size, 3);
  assert.ok(samePartition(r.labels, REF.iris.ward!.fcluster_maxclust_3));
  assert.equal(r.z.length, 4 * 149);
  // clusters numbered by lowest row
  assert.equal(r.labels[0], 0);
  assert.ok(ari(r.labels, irisY) > 0.7);
});

test('agglomerative.fit labels equal predict(model, X), also after a JSON round trip, and predict gives new rows the nearest row\'s label', () => {
  for (const linkageMethod of ['ward', 'single', 'average'] as const) {
    for (const metric of linkageMethod === 'ward' ? ['euclidean'] as const : ['euclidean', 'manhattan', 'cosine'] as const) {
      const r = agglomerative.fit(iris, { k: 3, linkage: linkageMethod, metric });
      assert.deepEqual(agglomerative.predict(r, iris), r.labels, `${linkageMethod} ${metric}`);
      const back = fromJSON<agglomerative.AgglomerativeResult>(toJSON(r));
      assert.deepEqual(agglomerative.predict(back, iris), r.labels);
    }
  }
  const r = agglomerative.fit([[0, 0], [0, 1], [10, 10], [10, 11]], { k: 2, linkage: 'single' });
  assert.deepEqual(Array.from(r.labels), [0, 0, 1, 1]);
  assert.deepEqual(Array.from(agglomerative.predict(r, [[9, 9], [1, 0]])), [1, 0]);
});

test('agglomerative.fit on number[][] and on a Matrix gives the same bytes', () => {
  const a = agglomerative.fit(iris, { k: 4, linkage: 'complete' }), b = agglomerative.fit(toArrays(iris), { k: 4, linkage: 'complete' });
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(a.z, b.z);
});

test('agglomerative.fit with k gives exactly k clusters even where fcluster maxclust gives fewer (tied heights)', () => {
  // tiny12 has many tied heights: cutting at a tie, SciPy's maxclust returns fewer clusters
  const x: Matrix = { data: Float32Array.from(REF.tiny12.points.flat()), rows: 12, cols: 2 };
  let sawFewer = false;
  for (let k = 1; k <= 12; k++) {
    const r = agglomerative.fit(x, { k, linkage: 'single' });
    assert.equal(new Set(r.labels).size, k);
    const f = new Set(fcluster(r.z, { k })).size;
    assert.ok(f <= k);
    if (f < k) sawFewer = true;
  }
  assert.ok(sawFewer);
});

test('agglomerative.fit with distanceThreshold keeps the merges below it (k = 1 + heights ≥ t)', () => {
  const x = [[0], [1], [3], [6], [10]];
  const cases: [number, number[]][] = [[0.5, [0, 1, 2, 3, 4]], [1, [0, 1, 2, 3, 4]], [1.5, [0, 0, 1, 2, 3]], [3.5, [0, 0, 0, 0, 1]], [100, [0, 0, 0, 0, 0]]];
  for (const [t, labels] of cases) {
    const r = agglomerative.fit(x, { distanceThreshold: t, linkage: 'single' });
    assert.deepEqual(Array.from(r.labels), labels, `t = ${t}`);
    assert.equal(r.k, new Set(labels).size);
    assert.equal(r.options.distanceThreshold, t);
    assert.equal(r.options.k, null);
  }
  // same partition as a threshold just above a height via fcluster 'distance' (≤ t)
  const w = agglomerative.fit(iris, { distanceThreshold: 10 });
  assert.ok(samePartition(w.labels, fcluster(linkage(iris, { method: 'ward' }), { distance: 10 })));
});

test('agglomerative.fit with a connectivity graph restricts merges and still labels every row', () => {
  // two rows of 5 points 0.5 apart; graph only along each row (steps of 1), joined by one long edge
  const pts: number[][] = [];
  for (let i = 0; i < 5; i++) pts.push([i, 0]);
  for (let i = 0; i < 5; i++) pts.push([i, 0.5]);
  const r: number[] = [], c: number[] = [];
  for (let i = 0; i < 4; i++) { r.push(i, 5 + i); c.push(i + 1, 6 + i); }
  r.push(0); c.push(9);
  const g = csrFromTriplets(10, 10, r, c, r.map(() => 1));
  const free = agglomerative.fit(pts, { k: 2, linkage: 'single' });
  const tied = agglomerative.fit(pts, { k: 2, linkage: 'single', connectivity: g });
  assert.equal(tied.options.connectivity, true);
  // without the graph the vertical gaps (0.5) merge first; with it only the chain edges exist
  assert.equal(free.labels[0], free.labels[5]);
  assert.deepEqual(Array.from(tied.labels), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
});

test('agglomerative.fit refuses both or neither of k and distanceThreshold, k > n, a non-Euclidean ward, NaN, and a wrong dimension at predict', () => {
  assert.throws(() => agglomerative.fit(iris, {}), isCode('BAD_OPTION', /exactly one of options 'k' and 'distanceThreshold' must be given\. Got neither/));
  assert.throws(() => agglomerative.fit(iris, { k: 2, distanceThreshold: 1 }), isCode('BAD_OPTION', /Got both/));
  assert.throws(() => agglomerative.fit([[1, 2], [3, 4]], { k: 3 }), isCode('BAD_OPTION', /option 'k' must be an integer in \[1, n = 2\]\. Got 3/));
  assert.throws(() => agglomerative.fit(iris, { k: 2, distanceThreshold: null, metric: 'cosine' }), isCode('BAD_OPTION', /option 'metric' must be 'euclidean' with method 'ward'/));
  assert.throws(() => agglomerative.fit(iris, { k: 2, linkage: 'nope' as never }), isCode('BAD_OPTION', /'linkage'/));
  assert.throws(() => agglomerative.fit(iris, { k: 2, distanceThreshold: undefined, seed: 0 } as never), isCode('UNKNOWN_OPTION', /'seed'/));
  assert.throws(() => agglomerative.fit([[1, 2], [3, NaN], [5, 6]], { k: 2 }), isCode('BAD_DATA', /row 1, column 1/));
  const m = agglomerative.fit(iris, { k: 3 });
  assert.throws(() => agglomerative.predict(m, [[1, 2, 3]]), isCode('DIM_MISMATCH'));
  assert.throws(() => agglomerative.predict({ kind: 'kmeans' } as never, iris), isCode('BAD_MODEL'));
});

test('agglomerative.fit on a single row gives one cluster', () => {
  const r = agglomerative.fit([[1, 2]], { k: 1 });
  assert.deepEqual(Array.from(r.labels), [0]);
  assert.equal(r.z.length, 0);
});
