// Bisecting k-means. Known answers: test/fixtures/centroid_family.json (scikit-learn 1.2.1
// BisectingKMeans: its docstring example and seeded quality bands on iris and digits; the fixture's
// "how" field and test/fixtures/make_centroid_family.py say how they were made).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bisecting from '../../src/centroid/bisecting.js';
import { ClusterkitError } from '../../src/core/errors.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import type { Matrix } from '../../src/core/matrix.js';
import { createRng } from '../../src/core/rng.js';
import { bundled, fixture, fromRows, ari } from '../helpers/data.js';

const F = fixture('centroid_family.json');
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

/** Check the tree's bookkeeping against the data and labels. */
function checkTree(r: bisecting.BisectingKMeansResult, x: Matrix, w?: number[]): void {
  const t = r.tree, m = t.parent.length, d = x.cols;
  assert.equal(m, 2 * r.k - 1);
  assert.equal(t.parent[0], -1);
  assert.equal(t.size[0], x.rows);
  const counts = new Array<number>(r.k).fill(0);
  for (const l of r.labels) counts[l]!++;
  const leafLabels: number[] = [];
  const dfs = (v: number): void => {
    if (t.left[v]! < 0) { leafLabels.push(t.label[v]!); return; }
    dfs(t.left[v]!); dfs(t.right[v]!);
  };
  dfs(0);
  assert.deepEqual(leafLabels, Array.from({ length: r.k }, (_, j) => j), 'leaves are labelled 0..k−1 depth-first, left first');
  let leafInertia = 0;
  for (let v = 0; v < m; v++) {
    const l = t.left[v]!, rr = t.right[v]!;
    if (l >= 0) {
      assert.equal(t.size[l]! + t.size[rr]!, t.size[v], `sizes of node ${v}'s children add up`);
      assert.ok(Math.abs(t.weight[l]! + t.weight[rr]! - t.weight[v]!) < 1e-9 * t.weight[v]!);
      assert.equal(t.parent[l], v); assert.equal(t.parent[rr], v);
      assert.equal(t.depth[l], t.depth[v]! + 1);
      assert.equal(t.label[v], -1);
      assert.ok(t.splitStep[v]! >= 0);
    } else {
      assert.equal(t.size[v], counts[t.label[v]!], `leaf ${v} holds the rows of its label`);
      assert.equal(t.splitStep[v], -1);
      leafInertia += t.inertia[v]!;
      for (let q = 0; q < d; q++) assert.equal(t.centres[v * d + q], r.centroids[t.label[v]! * d + q]);
    }
  }
  assert.ok(Math.abs(leafInertia - r.inertia) < 1e-9 * Math.max(1, r.inertia), `Σ leaf inertia ${leafInertia} = inertia ${r.inertia}`);
  let ws = 0;
  for (let i = 0; i < x.rows; i++) ws += w ? w[i]! : 1;
  assert.ok(Math.abs(t.weight[0]! - ws) < 1e-9 * ws);
}

test('bisecting.fit on scikit-learn\'s docstring example gives its partition, centres and inertia 24', () => {
  const ref = F.bisecting.docstring;
  const r = bisecting.fit(ref.X, { k: 3 });
  assert.ok(ari(r.labels, ref.labels) === 1, `labels ${Array.from(r.labels)}`);
  // the same centre for each cluster (label ids may differ)
  for (let i = 0; i < 9; i++) {
    const ours = Array.from(r.centroids.subarray(r.labels[i]! * 2, r.labels[i]! * 2 + 2));
    assert.deepEqual(ours, ref.cluster_centers[ref.labels[i]]);
  }
  assert.equal(r.inertia, ref.inertia);
  const p = bisecting.predict(r, ref.predict_X);
  const mapping = new Map<number, number>();
  for (let i = 0; i < 9; i++) mapping.set(ref.labels[i], r.labels[i]!);
  assert.deepEqual(Array.from(p), ref.predict.map((l: number) => mapping.get(l)));
  checkTree(r, fromRows(ref.X));
});

for (const strategy of ['biggest_inertia', 'largest_cluster'] as const) {
  test(`bisecting.fit(iris, ${strategy}) over seeds 0–9 lands in scikit-learn's BisectingKMeans band`, () => {
    const { x, y } = bundled('iris');
    const band = F.bisecting.iris[strategy];
    const inertias: number[] = [], aris: number[] = [];
    for (let s = 0; s < 10; s++) {
      const r = bisecting.fit(x, { k: 3, seed: s, bisectingStrategy: strategy });
      inertias.push(r.inertia); aris.push(ari(y, r.labels));
      checkTree(r, x);
    }
    assert.ok(mean(inertias) <= band.inertia_mean * 1.01, `mean inertia ${mean(inertias)} vs sklearn ${band.inertia_mean}`);
    assert.ok(Math.abs(mean(aris) - band.ari_mean) <= 0.05, `mean ARI ${mean(aris)} vs sklearn ${band.ari_mean}`);
  });
}

test('bisecting.fit(digits, k 10) over seeds 0–4 stays within scikit-learn\'s band', () => {
  const { x, y } = bundled('digits');
  const band = F.bisecting.digits.biggest_inertia;
  const inertias: number[] = [], aris: number[] = [];
  for (let s = 0; s < 5; s++) {
    const r = bisecting.fit(x, { k: 10, seed: s });
    inertias.push(r.inertia); aris.push(ari(y, r.labels));
    if (s === 0) { checkTree(r, x); assert.deepEqual(bisecting.predict(r, x), r.labels); }
  }
  assert.ok(mean(inertias) <= band.inertia_mean * 1.01, `mean inertia ${mean(inertias)} vs sklearn ${band.inertia_mean}`);
  assert.ok(mean(aris) >= band.ari_mean - 0.05, `mean ARI ${mean(aris)} vs sklearn ${band.ari_mean}`);
});

for (const strategy of ['biggest_inertia', 'largest_cluster'] as const) {
  test(`bisecting.fit with ${strategy} always splits the leaf with the largest ${strategy === 'biggest_inertia' ? 'inertia' : 'size'}`, () => {
    const { x } = bundled('wine');
    const r = bisecting.fit(x, { k: 8, bisectingStrategy: strategy, seed: 1 });
    const t = r.tree, score = (v: number): number => strategy === 'biggest_inertia' ? t.inertia[v]! : t.size[v]!;
    const leaves = new Set<number>([0]);
    for (let s = 0; s < r.k - 1; s++) {
      const v = t.splitStep.indexOf(s);
      assert.ok(leaves.has(v), `split ${s} divides a current leaf`);
      if (s > 0) for (const u of leaves) assert.ok(score(v) >= score(u), `split ${s}: node ${v} vs leaf ${u}`);
      assert.equal(r.history[s]!.node, v);
      leaves.delete(v); leaves.add(t.left[v]!); leaves.add(t.right[v]!);
    }
    assert.equal(r.history.length, 7);
  });
}

test('bisecting.predict descends the tree, which can differ from the nearest leaf centre', () => {
  // Ten rows at 0, five at 10, five at 20: the root splits {0} | {10, 20} (centres 0 and 15), then
  // {10, 20} splits. A row at 7 is nearer 0 than 15, so it descends left, though 10 is the nearest leaf.
  const rng = createRng(1), rows: number[][] = [];
  for (let i = 0; i < 10; i++) rows.push([0 + 0.01 * rng.normal()]);
  for (let i = 0; i < 5; i++) rows.push([10 + 0.01 * rng.normal()]);
  for (let i = 0; i < 5; i++) rows.push([20 + 0.01 * rng.normal()]);
  const r = bisecting.fit(rows, { k: 3, nInit: 5 });
  const leafOf = (v: number): number => r.labels[rows.findIndex((q) => Math.abs(q[0]! - v) < 1)]!;
  assert.deepEqual(Array.from(bisecting.predict(r, [[7], [12], [19]])), [leafOf(0), leafOf(10), leafOf(20)]);
  const t = bisecting.transform(r, [[7]]);
  assert.ok(t[leafOf(10)]! < t[leafOf(0)]!, 'the leaf centre at 10 is nearer than the one at 0');
  assert.deepEqual(bisecting.predict(r, rows), r.labels);
});

test('bisecting.fit with k = 1 gives the weighted mean and its inertia', () => {
  const r = bisecting.fit([[0], [1], [4]], { k: 1, sampleWeight: [1, 1, 2] });
  assert.deepEqual(Array.from(r.centroids), [9 / 4]);
  assert.ok(Math.abs(r.inertia - ((9 / 4) ** 2 + (5 / 4) ** 2 + 2 * (7 / 4) ** 2)) < 1e-6);
  assert.deepEqual(Array.from(r.labels), [0, 0, 0]);
  assert.equal(r.history.length, 0);
});

test('bisecting.fit with sample weights keeps the tree weights and weighted inertia consistent', () => {
  const { x } = bundled('iris');
  const w = Array.from({ length: x.rows }, (_, i) => (i % 5 === 0 ? 0 : 1 + (i % 3)));
  const r = bisecting.fit(x, { k: 4, sampleWeight: w, init: 'k-means++', nInit: 3 });
  checkTree(r, x, w);
  let s = 0;
  for (let i = 0; i < x.rows; i++) {
    let dd = 0;
    for (let t = 0; t < 4; t++) dd += (x.data[i * 4 + t]! - r.centroids[r.labels[i]! * 4 + t]!) ** 2;
    s += w[i]! * dd;
  }
  assert.ok(Math.abs(s - r.inertia) < 1e-5 * s);
  assert.equal(r.options.weighted, true);
});

test('bisecting.fit with fewer distinct points than k keeps an empty leaf and warns', () => {
  const X = [[1, 1], [1, 1], [1, 1], [2, 2]];
  const r = bisecting.fit(X, { k: 3 });
  assert.equal(r.k, 3);
  assert.equal(new Set(r.labels).size, 2);
  assert.equal(r.inertia, 0);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /split 1 of node 2 \(3 rows\) left its (left|right) child empty: the rows are identical/);
  assert.deepEqual(bisecting.predict(r, X), r.labels);
  checkTree(r, fromRows(X));
});

test('bisecting.fit is deterministic: same seed gives the same bytes; results survive a JSON round trip', () => {
  const { x } = bundled('wine');
  const a = bisecting.fit(x, { k: 5, seed: 3 }), b = bisecting.fit(x, { k: 5, seed: 3 });
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(a.tree, b.tree);
  assert.deepEqual(a.centroids, b.centroids);
  const back = fromJSON<bisecting.BisectingKMeansResult>(toJSON(a));
  assert.deepEqual(bisecting.predict(back, x), a.labels);
  assert.deepEqual(back.tree.centres, a.tree.centres);
});

test('bisecting.fit with an aborted signal throws ABORTED, and onProgress is called per split', () => {
  const ac = new AbortController(); ac.abort();
  assert.throws(() => bisecting.fit([[1], [2]], { k: 2, signal: ac.signal }), (e: unknown) => e instanceof ClusterkitError && e.code === 'ABORTED');
  let calls = 0;
  bisecting.fit(bundled('iris').x, { k: 5, onProgress: () => { calls++; } });
  assert.equal(calls, 4);
});

const bad: [string, () => unknown, string, RegExp][] = [
  ['k > n', () => bisecting.fit([[1], [2]], { k: 3 }), 'BAD_OPTION', /bisecting-kmeans: option 'k' must be an integer in \[1, n = 2\]\. Got 3\./],
  ['k missing', () => bisecting.fit([[1]], {} as bisecting.BisectingKMeansOptions), 'BAD_OPTION', /option 'k' must be given/],
  ['a bad strategy', () => bisecting.fit([[1]], { k: 1, bisectingStrategy: 'widest' as 'largest_cluster' }), 'BAD_OPTION', /'bisectingStrategy' must be one of 'biggest_inertia', 'largest_cluster'\. Got "widest"\./],
  ['a bad init', () => bisecting.fit([[1]], { k: 1, init: 'k-means||' as 'random' }), 'BAD_OPTION', /'init' must be one of 'random', 'k-means\+\+'\. Got "k-means\|\|"\./],
  ['nInit 0', () => bisecting.fit([[1]], { k: 1, nInit: 0 }), 'BAD_OPTION', /'nInit' must be an integer in \[1, inf\]\. Got 0\./],
  ['unknown option', () => bisecting.fit([[1]], { k: 1, strategy: 'x' } as bisecting.BisectingKMeansOptions), 'UNKNOWN_OPTION', /unknown option 'strategy'/],
  ['a negative weight', () => bisecting.fit([[1], [2]], { k: 1, sampleWeight: [1, -1] }), 'BAD_OPTION', /non-negative numbers\. Got -1 at row 1/],
  ['empty input', () => bisecting.fit([], { k: 1 }), 'EMPTY_DATA', /at least 1 row\. Got 0 rows/],
  ['predict data of the wrong dimension', () => bisecting.predict(bisecting.fit([[1, 2], [3, 4]], { k: 2 }), [[1]]), 'DIM_MISMATCH', /predict: data must have 2 columns, as the fitted model\. Got 1\./],
];
for (const [what, call, code, msg] of bad) {
  test(`bisecting refuses ${what} with a clear error`, () => {
    assert.throws(call, (e: unknown) => e instanceof ClusterkitError && e.code === code && msg.test(e.message));
  });
}
