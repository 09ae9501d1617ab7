// k-medoids (FasterPAM and alternating). No k-medoids reference is installed (scikit-learn-extra
// and the `kmedoids` package are absent), so the known answers are exhaustive searches: the optimal
// medoids of small random sets and of iris (k = 3, all 551 300 triples), computed here in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kmedoids from '../../src/centroid/kmedoids.js';
import { ClusterkitError } from '../../src/core/errors.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import type { Matrix } from '../../src/core/matrix.js';
import { createRng } from '../../src/core/rng.js';
import { bundled, fromRows, ari } from '../helpers/data.js';

type Metric = 'euclidean' | 'sqeuclidean' | 'manhattan' | 'cosine';

/** Independent float64 distance between rows i and j. */
function dist(x: Matrix, i: number, j: number, metric: Metric = 'euclidean'): number {
  const d = x.cols, a = x.data;
  let s = 0, na = 0, nb = 0;
  for (let t = 0; t < d; t++) {
    const u = a[i * d + t]!, v = a[j * d + t]!;
    if (metric === 'manhattan') s += Math.abs(u - v);
    else if (metric === 'cosine') { s += u * v; na += u * u; nb += v * v; } else s += (u - v) ** 2;
  }
  if (metric === 'euclidean') return Math.sqrt(s);
  if (metric === 'cosine') return i === j ? 0 : na * nb === 0 ? 1 : 1 - s / Math.sqrt(na * nb);
  return s;
}

/** Full float64 distance matrix [n × n]. */
function matrix(x: Matrix, metric: Metric = 'euclidean'): Float64Array {
  const n = x.rows, D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * n + j] = dist(x, i, j, metric);
  return D;
}

/** Total deviation of a medoid set under D [n × n]. */
function td(D: Float64Array, n: number, med: ArrayLike<number>): number {
  let s = 0;
  for (let o = 0; o < n; o++) {
    let m = Infinity;
    for (let j = 0; j < med.length; j++) m = Math.min(m, D[med[j]! * n + o]!);
    s += m;
  }
  return s;
}

/** Optimal TD over all k-subsets (exhaustive). */
function bruteForce(D: Float64Array, n: number, k: number): number {
  let best = Infinity;
  const chosen: number[] = [];
  const rec = (start: number): void => {
    if (chosen.length === k) { best = Math.min(best, td(D, n, chosen)); return; }
    for (let j = start; j < n; j++) { chosen.push(j); rec(j + 1); chosen.pop(); }
  };
  rec(0);
  return best;
}

/** Largest TD decrease from swapping one medoid for one non-medoid (0 at a swap-local optimum). */
function bestSingleSwap(D: Float64Array, n: number, med: Int32Array): number {
  const base = td(D, n, med);
  let best = 0;
  for (let j = 0; j < med.length; j++) for (let c = 0; c < n; c++) {
    if (Array.from(med).includes(c)) continue;
    const m = Array.from(med); m[j] = c;
    best = Math.max(best, base - td(D, n, m));
  }
  return best;
}

/** Small random 2-D set with one-decimal coordinates. */
function smallSet(seed: number): { x: Matrix; k: number } {
  const rng = createRng(seed), n = 8 + rng.int(5), k = 2 + rng.int(2);
  const data = new Float32Array(n * 2);
  for (let i = 0; i < n * 2; i++) data[i] = Math.round(rng.normal() * 100) / 10;
  return { x: { data, rows: n, cols: 2 }, k };
}

test('kmedoids.fit (FasterPAM, BUILD) finds the exhaustive-search optimum on most small random sets, and a swap-local optimum on all', () => {
  let hits = 0;
  for (let s = 0; s < 20; s++) {
    const { x, k } = smallSet(100 + s);
    const n = x.rows, D = matrix(x), opt = bruteForce(D, n, k);
    const r = kmedoids.fit(x, { k });
    assert.ok(Math.abs(r.loss - td(D, n, r.medoids)) < 1e-5 * r.loss, 'reported TD = recomputed TD');
    assert.ok(r.loss >= opt * (1 - 1e-6));
    assert.ok(bestSingleSwap(D, n, r.medoids) <= 1e-5 * r.loss, `set ${s}: no single swap improves the result`);
    if (Math.abs(r.loss - opt) <= 1e-5 * opt) hits++;
    if (s === 0) assert.ok(Math.abs(r.loss - opt) <= 1e-5 * opt, 'set 0 (n = 11, k = 3) reaches the optimum');
    for (const init of ['random', 'k-means++'] as const) {
      const q = kmedoids.fit(x, { k, init, seed: s });
      assert.ok(bestSingleSwap(D, n, q.medoids) <= 1e-5 * q.loss, `set ${s}, init ${init}: swap-local optimum`);
    }
  }
  assert.ok(hits >= 16, `optimum reached on ${hits} of 20 sets`);
});

test('kmedoids.fit(iris, k 3) with BUILD + FasterPAM reaches the exhaustive optimum (medoids 7, 78, 112; TD 98.131155)', () => {
  const { x, y } = bundled('iris');
  const n = x.rows, D = matrix(x);
  // exhaustive search over all triples
  let best = Infinity, arg = [-1, -1, -1];
  const m = new Float64Array(n);
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) {
    for (let o = 0; o < n; o++) m[o] = Math.min(D[a * n + o]!, D[b * n + o]!);
    for (let c = b + 1; c < n; c++) {
      let s = 0;
      for (let o = 0; o < n; o++) { const v = D[c * n + o]!; s += v < m[o]! ? v : m[o]!; }
      if (s < best) { best = s; arg = [a, b, c]; }
    }
  }
  assert.deepEqual(arg, [7, 78, 112]);
  assert.ok(Math.abs(best - 98.131155) < 1e-5);
  const r = kmedoids.fit(x, { k: 3 });
  assert.deepEqual(Array.from(r.medoids).sort((p, q) => p - q), arg);
  assert.ok(Math.abs(r.loss - best) < 1e-5 * best);
  assert.ok(ari(y, r.labels) > 0.7);
  assert.equal(r.converged, true);
  assert.equal(r.matrixCached, true);
});

test('kmedoids.fit(iris, k 3): FasterPAM\'s TD is at most the alternating method\'s (BUILD start; mean over random starts), ARI > 0.7', () => {
  // From one random start FasterPAM can stop in a worse swap-local optimum than the alternating
  // method finds (both are local searches), so the comparison is exact for BUILD and on average otherwise.
  const { x, y } = bundled('iris');
  const fpB = kmedoids.fit(x, { k: 3 }), altB = kmedoids.fit(x, { k: 3, method: 'alternating' });
  assert.ok(fpB.loss <= altB.loss * (1 + 1e-9));
  assert.ok(ari(y, fpB.labels) > 0.7 && ari(y, altB.labels) > 0.7);
  let sumFp = 0, sumAlt = 0, runs = 0;
  for (const init of ['random', 'k-means++'] as const) {
    for (let seed = 0; seed < 6; seed++) {
      const fp = kmedoids.fit(x, { k: 3, init, seed });
      const alt = kmedoids.fit(x, { k: 3, init, seed, method: 'alternating' });
      assert.equal(fp.initLoss, alt.initLoss, 'same start');
      assert.ok(fp.loss <= fp.initLoss && alt.loss <= alt.initLoss);
      assert.ok(ari(y, fp.labels) > 0.7, `${init}, seed ${seed}: ARI ${ari(y, fp.labels)}`);
      assert.equal(alt.swapLosses.length, 0);
      sumFp += fp.loss; sumAlt += alt.loss; runs++;
    }
  }
  assert.ok(sumFp <= sumAlt, `mean TD ${sumFp / runs} (FasterPAM) vs ${sumAlt / runs} (alternating)`);
});

test('kmedoids.fit TD never increases: across every FasterPAM swap and every alternating iteration', () => {
  const rng = createRng(5), n = 400, d = 3, data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) data[i * d + t] = (i % 8) * 3 * (t === i % 3 ? 1 : 0) + rng.normal();
  const x = { data, rows: n, cols: d };
  const fp = kmedoids.fit(x, { k: 8, init: 'random', seed: 1 });
  assert.ok(fp.nSwaps >= 5, `${fp.nSwaps} swaps`);
  assert.equal(fp.swapLosses.length, fp.nSwaps);
  let prev = fp.initLoss;
  for (const l of fp.swapLosses) { assert.ok(l < prev, `swap lowers TD: ${l} < ${prev}`); prev = l; }
  assert.ok(Math.abs(fp.loss - prev) < 1e-5 * prev);
  assert.equal(fp.history.reduce((s, h) => s + h.swaps, 0), fp.nSwaps);
  const alt = kmedoids.fit(x, { k: 8, init: 'random', seed: 1, method: 'alternating' });
  prev = alt.initLoss;
  for (const h of alt.history) { assert.ok(h.loss <= prev * (1 + 1e-12)); prev = h.loss; }
});

test('kmedoids.fit on a precomputed Euclidean matrix gives the same medoids, labels and TD as on the data', () => {
  const { x } = bundled('iris');
  const n = x.rows, D = { data: Float32Array.from(matrix(x)), rows: n, cols: n };
  for (const method of ['fasterpam', 'alternating'] as const) {
    const a = kmedoids.fit(x, { k: 4, method });
    const b = kmedoids.fit(D, { k: 4, method, precomputed: true });
    assert.deepEqual(b.medoids, a.medoids);
    assert.deepEqual(b.labels, a.labels);
    assert.ok(Math.abs(a.loss - b.loss) < 1e-5 * a.loss);
    assert.equal(b.options.metric, 'precomputed');
    assert.equal(b.medoidRows.length, 0);
    assert.deepEqual(kmedoids.predict(b, D), b.labels);
  }
});

test('kmedoids.fit recomputing distance rows (maxMatrixN 0) gives the same bytes as with the matrix held', () => {
  const { x } = bundled('wine');
  for (const metric of ['euclidean', 'cosine'] as const) {
    const a = kmedoids.fit(x, { k: 5, metric });
    const b = kmedoids.fit(x, { k: 5, metric, maxMatrixN: 0 });
    assert.equal(a.matrixCached, true);
    assert.equal(b.matrixCached, false);
    assert.deepEqual(b.medoids, a.medoids);
    assert.deepEqual(b.labels, a.labels);
    assert.deepEqual(b.swapLosses, a.swapLosses);
    assert.equal(b.loss, a.loss);
  }
});

for (const metric of ['euclidean', 'sqeuclidean', 'manhattan', 'cosine'] as const) {
  test(`kmedoids.fit with metric ${metric}: TD recomputed independently, labels are nearest medoids, predict equals them`, () => {
    const { x } = bundled('wine');
    const r = kmedoids.fit(x, { k: 3, metric });
    const n = x.rows;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const own = dist(x, i, r.medoids[r.labels[i]!]!, metric);
      s += own;
      for (let j = 0; j < 3; j++) assert.ok(own <= dist(x, i, r.medoids[j]!, metric) * (1 + 1e-5) + 1e-6);
    }
    assert.ok(Math.abs(s - r.loss) < 1e-5 * s, `${s} vs ${r.loss}`);
    assert.deepEqual(kmedoids.predict(r, x), r.labels);
    const t = kmedoids.transform(r, x);
    for (let i = 0; i < 20; i++) for (let j = 0; j < 3; j++) {
      const want = dist(x, i, r.medoids[j]!, metric);
      assert.ok(Math.abs(t[i * 3 + j]! - want) <= 1e-5 * Math.max(1, want));
    }
    const D = matrix(x, metric);
    assert.ok(bestSingleSwap(D, n, r.medoids) <= 1e-5 * r.loss, 'swap-local optimum');
  });
}

test('kmedoids.fit edge cases: k = 1 is the exact 1-medoid, k = n has TD 0, duplicates warn', () => {
  const X = fromRows([[0, 0], [1, 0], [2, 0], [10, 0], [3, 0]]);
  for (const init of ['build', 'random'] as const) {
    const one = kmedoids.fit(X, { k: 1, init, seed: 3 });
    assert.deepEqual(Array.from(one.medoids), [2]);
    assert.equal(one.loss, 2 + 1 + 0 + 8 + 1);
  }
  const all = kmedoids.fit(X, { k: 5 });
  assert.equal(all.loss, 0);
  assert.deepEqual(Array.from(all.medoids).sort((a, b) => a - b), [0, 1, 2, 3, 4]);
  const dup = kmedoids.fit([[1, 1], [1, 1], [1, 1], [5, 5]], { k: 3 });
  assert.equal(dup.loss, 0);
  assert.equal(dup.warnings.length, 1);
  assert.match(dup.warnings[0]!, /1 medoids are at distance 0 from another medoid/);
});

test('kmedoids.fit with given medoid indices starts there; predict on a precomputed model reads the medoid columns', () => {
  const X = fromRows([[0], [1], [2], [10], [11], [12]]);
  const r = kmedoids.fit(X, { k: 2, init: [0, 1], maxIter: 1 });
  assert.equal(r.options.init, 'given');
  assert.equal(r.initLoss, 0 + 0 + 1 + 9 + 10 + 11);
  const best = kmedoids.fit(X, { k: 2, init: [0, 1] });
  assert.deepEqual(Array.from(best.medoids).sort((a, b) => a - b), [1, 4]);
  assert.equal(best.loss, 4);
  const D = { data: Float32Array.from(matrix(X)), rows: 6, cols: 6 };
  const p = kmedoids.fit(D, { k: 2, precomputed: true });
  const q = fromRows([[5, 4, 3, 5, 6, 7], [20, 19, 18, 10, 9, 8]]);
  const lab = kmedoids.predict(p, q);
  assert.equal(lab[0], p.labels[1]);
  assert.equal(lab[1], p.labels[4]);
});

test('kmedoids.fit is deterministic (same seed, same bytes), leaves the input alone and survives a JSON round trip', () => {
  const { x } = bundled('wine');
  const copy = x.data.slice();
  const a = kmedoids.fit(x, { k: 4, init: 'k-means++', seed: 8 }), b = kmedoids.fit(x, { k: 4, init: 'k-means++', seed: 8 });
  assert.deepEqual(a.medoids, b.medoids);
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(a.swapLosses, b.swapLosses);
  assert.deepEqual(x.data, copy);
  const c = kmedoids.fit(x, { k: 4, init: 'random', seed: 9, maxIter: 1 }), e = kmedoids.fit(x, { k: 4, init: 'random', seed: 8, maxIter: 1 });
  assert.notEqual(c.initLoss, e.initLoss);
  const back = fromJSON<kmedoids.KMedoidsResult>(toJSON(a));
  assert.deepEqual(kmedoids.predict(back, x), a.labels);
});

test('kmedoids.fit with an aborted signal throws ABORTED, and onProgress is called per pass', () => {
  const ac = new AbortController(); ac.abort();
  assert.throws(() => kmedoids.fit([[1], [2]], { k: 1, signal: ac.signal }), (e: unknown) => e instanceof ClusterkitError && e.code === 'ABORTED');
  let calls = 0;
  const r = kmedoids.fit(bundled('iris').x, { k: 3, init: 'random', onProgress: () => { calls++; } });
  assert.equal(calls, r.nIter);
});

const sq = (rows: number[][]): Matrix => fromRows(rows);
const bad: [string, () => unknown, string, RegExp][] = [
  ['k > n', () => kmedoids.fit([[1], [2]], { k: 3 }), 'BAD_OPTION', /kmedoids: option 'k' must be an integer in \[1, n = 2\]\. Got 3\./],
  ['k missing', () => kmedoids.fit([[1]], {} as kmedoids.KMedoidsOptions), 'BAD_OPTION', /option 'k' must be given/],
  ['an unknown metric', () => kmedoids.fit([[1]], { k: 1, metric: 'chebyshev' as 'cosine' }), 'BAD_OPTION', /'metric' must be one of 'euclidean', 'sqeuclidean', 'manhattan', 'cosine'\. Got "chebyshev"\./],
  ['an unknown method', () => kmedoids.fit([[1]], { k: 1, method: 'pam' as 'alternating' }), 'BAD_OPTION', /'method' must be one of 'fasterpam', 'alternating'\. Got "pam"\./],
  ['a bad init string', () => kmedoids.fit([[1]], { k: 1, init: 'greedy' as 'build' }), 'BAD_OPTION', /'init' must be 'build', 'k-means\+\+', 'random' or k row indices\. Got "greedy"\./],
  ['init of the wrong length', () => kmedoids.fit([[1], [2], [3]], { k: 2, init: [0] }), 'DIM_MISMATCH', /'init' must hold k = 2 row indices\. Got 1\./],
  ['repeated init indices', () => kmedoids.fit([[1], [2], [3]], { k: 2, init: [1, 1] }), 'BAD_OPTION', /'init' must hold distinct row indices in \[0, 2\]\. Got 1 at position 1\./],
  ['an init index out of range', () => kmedoids.fit([[1], [2], [3]], { k: 2, init: [0, 3] }), 'BAD_OPTION', /distinct row indices in \[0, 2\]\. Got 3 at position 1\./],
  ['a non-square precomputed matrix', () => kmedoids.fit(sq([[0, 1, 2], [1, 0, 3]]), { k: 1, precomputed: true }), 'BAD_DATA', /precomputed distances must be a square n × n matrix\. Got 2 × 3\./],
  ['an asymmetric precomputed matrix', () => kmedoids.fit(sq([[0, 1, 2], [1, 0, 3], [2, 3.5, 0]]), { k: 1, precomputed: true }), 'BAD_DATA', /must be symmetric \(within 0\.00001 × the largest entry\)\. Got 3 at row 1, column 2 and 3\.5 at row 2, column 1\./],
  ['a non-zero diagonal', () => kmedoids.fit(sq([[0, 1], [1, 0.5]]), { k: 1, precomputed: true }), 'BAD_DATA', /must have a zero diagonal\. Got 0\.5 at row 1, column 1\./],
  ['a negative distance', () => kmedoids.fit(sq([[0, -1], [-1, 0]]), { k: 1, precomputed: true }), 'BAD_DATA', /must be non-negative\. Got -1 at row 0, column 1\./],
  ['a NaN distance', () => kmedoids.fit(sq([[0, NaN], [NaN, 0]]), { k: 1, precomputed: true }), 'BAD_DATA', /must be finite\. Got NaN at row 0, column 1/],
  ['unknown option', () => kmedoids.fit([[1]], { k: 1, distance: 'l1' } as kmedoids.KMedoidsOptions), 'UNKNOWN_OPTION', /unknown option 'distance'/],
  ['predict data of the wrong dimension', () => kmedoids.predict(kmedoids.fit([[1, 2], [3, 4]], { k: 1 }), [[1]]), 'DIM_MISMATCH', /predict: data must have 2 columns, as the fitted model\. Got 1\./],
  ['predict distances with the wrong width', () => kmedoids.predict(kmedoids.fit(sq([[0, 1], [1, 0]]), { k: 1, precomputed: true }), [[1, 2, 3]]), 'DIM_MISMATCH', /predict: precomputed distances must have one column per training row \(2\)\. Got 3\./],
];
for (const [what, call, code, msg] of bad) {
  test(`kmedoids refuses ${what} with a clear error`, () => {
    assert.throws(call, (e: unknown) => e instanceof ClusterkitError && e.code === code && msg.test(e.message));
  });
}
