// k-means known answers: test/fixtures/kmeans.json is a copy of shared/reference/kmeans.json,
// made by scikit-learn 1.2.1 (its "how" field has the exact calls; make_reference.py wrote it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kmeans from '../../src/centroid/kmeans.js';
import { ClusterkitError } from '../../src/core/errors.js';
import type { Matrix } from '../../src/core/matrix.js';
import { bundled, fixture, fromRows, standardise, ari } from '../helpers/data.js';
import { createRng } from '../../src/core/rng.js';
import { labelledSqDist } from '../../src/kernels/index.js';

const K = fixture('kmeans.json');
const wineStd = (): Matrix => {
  const s = fixture('internal_metrics.json').wine_standardised.X_standardised as number[][];
  return fromRows(s);
};
const sets: Record<string, () => Matrix> = {
  iris: () => bundled('iris').x,
  wine_standardised: wineStd,
  digits: () => bundled('digits').x,
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

for (const name of Object.keys(sets)) {
  for (const run of ['tol_1e-4', 'tol_0_maxiter_20', 'tol_0_maxiter_3']) {
    test(`kmeans.fit(${name}) from sklearn's start with ${run} reproduces sklearn's labels, n_iter and inertia`, () => {
      const ref = K[name][run];
      const X = sets[name]!();
      const maxIter = run === 'tol_0_maxiter_3' ? 3 : run === 'tol_0_maxiter_20' ? 20 : 300;
      const tol = run === 'tol_1e-4' ? 1e-4 : 0;
      const lloyd = kmeans.fit(X, { k: K[name].k, init: K[name].init_centers, algorithm: 'lloyd', maxIter, tol });
      assert.deepEqual(Array.from(lloyd.labels), ref.labels);
      assert.equal(lloyd.nIter, ref.n_iter);
      assert.ok(rel(lloyd.inertia, ref.inertia) < 1e-6, `inertia ${lloyd.inertia} vs ${ref.inertia}`);
      const c = ref.cluster_centers.flat() as number[];
      c.forEach((v, i) => assert.ok(Math.abs(lloyd.centroids[i]! - v) <= 1e-5 * Math.max(1, Math.abs(v)), `centre value ${i}`));
      for (const algorithm of ['hamerly', 'elkan'] as const) {
        const acc = kmeans.fit(X, { k: K[name].k, init: K[name].init_centers, algorithm, maxIter, tol });
        assert.deepEqual(acc.labels, lloyd.labels, `${algorithm} labels equal Lloyd's`);
        assert.equal(acc.nIter, lloyd.nIter);
        assert.ok(rel(acc.inertia, lloyd.inertia) < 1e-9);
      }
      if (run === 'tol_0_maxiter_3') assert.equal(lloyd.converged, false);
      else assert.equal(lloyd.converged, true);
    });
  }
}

test('kmeans.fit(iris, sampleWeight) reproduces sklearn\'s weighted run', () => {
  const ref = K.iris_weighted;
  const X = bundled('iris').x;
  const r = kmeans.fit(X, { k: 3, init: ref.init_centers, sampleWeight: ref.sample_weight, algorithm: 'lloyd', tol: 1e-4 });
  assert.deepEqual(Array.from(r.labels), ref.labels);
  assert.equal(r.nIter, ref.n_iter);
  assert.ok(rel(r.inertia, ref.inertia) < 1e-6);
  const h = kmeans.fit(X, { k: 3, init: ref.init_centers, sampleWeight: ref.sample_weight, algorithm: 'hamerly', tol: 1e-4 });
  assert.deepEqual(h.labels, r.labels);
});

test('kmeans.fit with integer weights equals fitting the rows repeated that many times', () => {
  const { x } = bundled('iris');
  const w = Array.from({ length: x.rows }, (_, i) => 1 + (i % 3));
  const rows: number[] = [];
  for (let i = 0; i < x.rows; i++) for (let r = 0; r < w[i]!; r++) rows.push(...x.data.subarray(i * 4, i * 4 + 4));
  const rep = { data: Float32Array.from(rows), rows: rows.length / 4, cols: 4 };
  const init = K.iris.init_centers;
  const a = kmeans.fit(x, { k: 3, init, sampleWeight: w, tol: 0 });
  const b = kmeans.fit(rep, { k: 3, init, tol: 0 });
  assert.ok(rel(a.inertia, b.inertia) < 1e-9);
  a.centroids.forEach((v, i) => assert.ok(Math.abs(v - b.centroids[i]!) < 1e-5));
});

// Quality band: sklearn KMeans(n_init=10, random_state=s) for s = 0..9 (fixture seeded_band; the
// breast cancer band was made by test/fixtures/make_breast_cancer_band.py with sklearn 1.2.1).
const BC = fixture('kmeans_breast_cancer_band.json');
const bandSets: Record<string, { X: () => Matrix; y: () => Int32Array; k: number; band: { runs: { ari_vs_true: number; inertia: number }[] } }> = {
  iris: { X: sets.iris!, y: () => bundled('iris').y, k: 3, band: K.iris.seeded_band },
  wine_standardised: { X: sets.wine_standardised!, y: () => bundled('wine').y, k: 3, band: K.wine_standardised.seeded_band },
  breast_cancer_standardised: { X: () => standardise(bundled('breast_cancer').x), y: () => bundled('breast_cancer').y, k: 2,
    band: BC.breast_cancer_standardised.seeded_band },
  digits: { X: sets.digits!, y: () => bundled('digits').y, k: 10, band: K.digits.seeded_band },
};
for (const name of Object.keys(bandSets)) {
  test(`kmeans.fit(${name}, nInit 10) over seeds 0–9 lands within sklearn's quality band`, () => {
    const { band, k } = bandSets[name]!;
    const X = bandSets[name]!.X();
    const y = bandSets[name]!.y();
    let sumAri = 0, sumIn = 0;
    for (let s = 0; s < 10; s++) {
      const r = kmeans.fit(X, { k, nInit: 10, seed: s });
      sumAri += ari(y, r.labels); sumIn += r.inertia;
    }
    const refAri = band.runs.reduce((a: number, r: { ari_vs_true: number }) => a + r.ari_vs_true, 0) / band.runs.length;
    const refIn = band.runs.reduce((a: number, r: { inertia: number }) => a + r.inertia, 0) / band.runs.length;
    assert.ok(Math.abs(sumAri / 10 - refAri) <= 0.02, `mean ARI ${sumAri / 10} vs sklearn ${refAri}`);
    assert.ok(sumIn / 10 <= refIn * 1.005, `mean inertia ${sumIn / 10} vs sklearn ${refIn}`);
  });
}

test('kmeans.fit on a generated 3000 × 8 set gives identical labels with lloyd, hamerly and elkan', () => {
  const rng = createRng(7);
  const n = 3000, d = 8, data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) data[i * d + t] = (i % 12) * 0.7 + rng.normal() * 1.5 + 100;
  const X = { data, rows: n, cols: d };
  const base = kmeans.fit(X, { k: 12, nInit: 1, seed: 3, algorithm: 'lloyd', tol: 0 });
  for (const algorithm of ['hamerly', 'elkan'] as const) {
    const r = kmeans.fit(X, { k: 12, nInit: 1, seed: 3, algorithm, tol: 0 });
    assert.deepEqual(r.labels, base.labels);
    assert.equal(r.nIter, base.nIter);
    const lloydDist = base.history.reduce((a, h) => a + h.distances, 0);
    const accDist = r.history.reduce((a, h) => a + h.distances, 0);
    assert.ok(accDist < lloydDist, `${algorithm} evaluates fewer distances (${accDist} < ${lloydDist})`);
  }
});

test('kmeans.fit is deterministic: same seed gives the same bytes, another seed another start', () => {
  const { x } = bundled('digits');
  const a = kmeans.fit(x, { k: 10, nInit: 2, seed: 5 }), b = kmeans.fit(x, { k: 10, nInit: 2, seed: 5 });
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(a.centroids, b.centroids);
  const c = kmeans.fit(x, { k: 10, nInit: 1, seed: 6, maxIter: 1 });
  const e = kmeans.fit(x, { k: 10, nInit: 1, seed: 5, maxIter: 1 });
  assert.notDeepEqual(c.centroids, e.centroids);
});

test('kmeans.fit history: Lloyd inertia never rises, and predict(model, X) equals the fit labels', () => {
  const { x } = bundled('digits');
  const r = kmeans.fit(x, { k: 10, nInit: 1, algorithm: 'lloyd', tol: 0 });
  for (let i = 1; i < r.history.length; i++) assert.ok(r.history[i]!.inertia <= r.history[i - 1]!.inertia * (1 + 1e-12));
  assert.deepEqual(kmeans.predict(r, x), r.labels);
  assert.ok(Math.abs(-kmeans.score(r, x) - r.inertia) < 1e-6 * r.inertia);
  const t = kmeans.transform(r, x);
  assert.equal(t.length, x.rows * 10);
  for (let i = 0; i < 50; i++) {
    let bj = 0; for (let j = 1; j < 10; j++) if (t[i * 10 + j]! < t[i * 10 + bj]!) bj = j;
    assert.equal(bj, r.labels[i]);
  }
});

test('kmeans.fit history: each Lloyd step\'s inertia (from its sums) is that of its assignment, weighted or not, far from the origin too', () => {
  const { x } = bundled('digits');
  const shifted = { ...x, data: x.data.map((v) => v + 1000) }; // μ-centred expansion: no cancellation
  const w = new Float64Array(x.rows).map((_, i) => 0.5 + (i % 4));
  for (const [X, weights] of [[x, undefined], [shifted, w]] as const) {
    const init = X.data.slice(0, 10 * X.cols);
    const r = kmeans.fit(X, { k: 10, init: { data: init, rows: 10, cols: X.cols }, algorithm: 'lloyd', tol: 0, maxIter: 6, sampleWeight: weights });
    // step 1 assigned to init; step t + 1 to the centres after t steps (a fit with maxIter t)
    for (let t = 0; t < 4; t++) {
      const c = t === 0 ? init : kmeans.fit(X, { k: 10, init: { data: init, rows: 10, cols: X.cols }, algorithm: 'lloyd', tol: 0, maxIter: t, sampleWeight: weights }).centroids;
      const lab = kmeans.predict({ ...r, centroids: c }, X);
      const exact = labelledSqDist(X.data, X.rows, X.cols, lab, c, 10, weights ?? null);
      assert.ok(Math.abs(r.history[t]!.inertia - exact) <= 1e-10 * exact, `step ${t + 1}: ${r.history[t]!.inertia} vs ${exact}`);
    }
  }
});

test('kmeans.fit: more clusters give lower inertia, and the inputs are not mutated', () => {
  const { x } = bundled('iris');
  const copy = x.data.slice();
  let last = Infinity;
  for (const k of [1, 2, 3, 5, 8]) {
    const r = kmeans.fit(x, { k, nInit: 5 });
    assert.ok(r.inertia < last); last = r.inertia;
  }
  assert.deepEqual(x.data, copy);
});

test('kmeans.fit on permuted rows gives the same partition from the same start (up to row order)', () => {
  const { x } = bundled('iris');
  const init = K.iris.init_centers;
  const perm = Array.from({ length: x.rows }, (_, i) => (i * 37) % x.rows);
  const px = fromRows(perm.map((i) => Array.from(x.data.subarray(i * 4, i * 4 + 4))));
  const a = kmeans.fit(x, { k: 3, init, tol: 0 }), b = kmeans.fit(px, { k: 3, init, tol: 0 });
  perm.forEach((i, t) => assert.equal(b.labels[t], a.labels[i]));
});

test('kmeans.fit edge cases: k = 1, k = n, d = 1, fewer distinct points than k, number[][] input', () => {
  const one = kmeans.fit([[1], [2], [3], [10]], { k: 1 });
  assert.deepEqual(Array.from(one.centroids), [4]);
  assert.ok(Math.abs(one.inertia - (9 + 4 + 1 + 36)) < 1e-9);
  const all = kmeans.fit([[0, 0], [5, 5], [9, 1]], { k: 3 });
  assert.equal(all.inertia, 0);
  assert.equal(new Set(all.labels).size, 3);
  const dup = kmeans.fit([[1, 1], [1, 1], [1, 1], [2, 2]], { k: 3 });
  assert.equal(dup.warnings.length, 1);
  assert.match(dup.warnings[0]!, /fewer than k = 3/);
  const arr = kmeans.fit([[1, 2], [1, 3], [8, 9], [9, 9]], { k: 2, seed: 1 });
  const typed = kmeans.fit(fromRows([[1, 2], [1, 3], [8, 9], [9, 9]]), { k: 2, seed: 1 });
  assert.deepEqual(arr.labels, typed.labels);
});

test('kmeans.fit empties no cluster: a start with a far-away centre is relocated to the farthest row', () => {
  // Centre 2 at (100, 100) attracts nobody in the first assignment; sklearn moves it to the row
  // farthest from its centre, here (10, 0).
  const X = fromRows([[0, 0], [0, 1], [1, 0], [10, 0], [11, 0]]);
  const r = kmeans.fit(X, { k: 3, init: [[0, 0], [10.5, 0], [100, 100]], algorithm: 'lloyd', tol: 0 });
  assert.equal(new Set(r.labels).size, 3);
  for (const algorithm of ['hamerly', 'elkan'] as const) {
    assert.deepEqual(kmeans.fit(X, { k: 3, init: [[0, 0], [10.5, 0], [100, 100]], algorithm, tol: 0 }).labels, r.labels);
  }
});

const bad: [string, () => unknown, string, RegExp][] = [
  ['k > n', () => kmeans.fit([[1], [2]], { k: 3 }), 'BAD_OPTION', /option 'k' must be an integer in \[1, n = 2\]\. Got 3\./],
  ['k < 1', () => kmeans.fit([[1], [2]], { k: 0 }), 'BAD_OPTION', /option 'k' must be an integer in \[1, inf\]\. Got 0\./],
  ['k missing', () => kmeans.fit([[1], [2]], {} as kmeans.KMeansOptions), 'BAD_OPTION', /option 'k' must be given/],
  ['NaN cell', () => kmeans.fit([[1, 2], [NaN, 3]], { k: 1 }), 'BAD_DATA', /must be finite\. Got NaN at row 1, column 0/],
  ['Infinity cell', () => kmeans.fit([[1, Infinity]], { k: 1 }), 'BAD_DATA', /Got Infinity at row 0, column 1/],
  ['empty input', () => kmeans.fit([], { k: 1 }), 'EMPTY_DATA', /at least 1 row\. Got 0 rows/],
  ['ragged rows', () => kmeans.fit([[1, 2], [3]], { k: 1 }), 'BAD_DATA', /row 1 must have 2 values like row 0\. Got 1/],
  ['unknown option', () => kmeans.fit([[1]], { k: 1, nInt: 3 } as kmeans.KMeansOptions), 'UNKNOWN_OPTION', /unknown option 'nInt'/],
  ['bad algorithm', () => kmeans.fit([[1]], { k: 1, algorithm: 'fast' as 'lloyd' }), 'BAD_OPTION', /'algorithm' must be one of 'auto', 'lloyd', 'hamerly', 'elkan'\. Got "fast"/],
  ['negative tol', () => kmeans.fit([[1]], { k: 1, tol: -1 }), 'BAD_OPTION', /'tol' must be a finite number in \[0, inf\]\. Got -1/],
  ['init wrong shape', () => kmeans.fit([[1, 2], [3, 4]], { k: 2, init: [[1, 2]] }), 'DIM_MISMATCH', /'init' must be 2 × 2 centroids/],
  ['weights wrong length', () => kmeans.fit([[1], [2]], { k: 1, sampleWeight: [1] }), 'DIM_MISMATCH', /one weight per row \(2\)\. Got 1/],
  ['negative weight', () => kmeans.fit([[1], [2]], { k: 1, sampleWeight: [1, -2] }), 'BAD_OPTION', /non-negative numbers\. Got -2 at row 1/],
];
for (const [what, call, code, msg] of bad) {
  test(`kmeans.fit refuses ${what} with a clear error`, () => {
    assert.throws(call, (e: unknown) => e instanceof ClusterkitError && e.code === code && msg.test(e.message));
  });
}

test('kmeans.predict refuses data of the wrong dimension', () => {
  const r = kmeans.fit([[1, 2], [3, 4]], { k: 1 });
  assert.throws(() => kmeans.predict(r, [[1, 2, 3]]), (e: unknown) => e instanceof ClusterkitError &&
    e.code === 'DIM_MISMATCH' && /must have 2 columns, as the fitted model\. Got 3/.test(e.message));
});

test('kmeans.fit with an aborted signal throws ABORTED, and onProgress is called per iteration', () => {
  const ac = new AbortController(); ac.abort();
  assert.throws(() => kmeans.fit([[1], [2]], { k: 1, signal: ac.signal }), (e: unknown) => e instanceof ClusterkitError && e.code === 'ABORTED');
  let calls = 0;
  const r = kmeans.fit(bundled('iris').x, { k: 3, nInit: 2, onProgress: () => { calls++; } });
  assert.ok(calls >= r.nIter);
});

test('kmeans.fit with init k-means|| and random also reach the iris optimum band', () => {
  const { x, y } = bundled('iris');
  for (const init of ['k-means||', 'random'] as const) {
    const r = kmeans.fit(x, { k: 3, init, nInit: 10 });
    assert.ok(r.inertia < 78.86, `${init}: ${r.inertia}`);
    assert.ok(ari(y, r.labels) > 0.7);
  }
});

test('kmeans.fit stopped by maxIter returns the labels of a full assignment to its final centroids (bounded final E-step) for lloyd, hamerly and elkan', () => {
  const rng = createRng(31);
  for (const [n, d, k, spread] of [[3000, 8, 12, 0.6], [2500, 3, 40, 3], [1200, 16, 5, 0.2]] as const) {
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) data[i * d + t] = (i % 7) * 1.3 + rng.normal() * spread;
    for (let i = 0; i < 40; i++) data.copyWithin((i + 100) * d, i * d, i * d + d); // duplicate rows
    const X: Matrix = { data, rows: n, cols: d };
    for (const algorithm of ['lloyd', 'hamerly', 'elkan'] as const) {
      for (const maxIter of [1, 2, 3, 5]) {
        const r = kmeans.fit(X, { k, algorithm, maxIter, tol: 0, nInit: 1, seed: 4 });
        if (r.converged && r.nIter < maxIter) continue; // stopped with no label changes: no final step
        const full = kmeans.predict(r, X);
        assert.deepEqual(r.labels, full, `n ${n} k ${k} ${algorithm} maxIter ${maxIter}`);
        // the fit's inertia is that of the float32 centroids it returns: score's up to the order of
        // the sums, and labelledSqDist's of the final labels to the bit (Lloyd keeps most rows' distances)
        const again = -kmeans.score(r, X);
        assert.ok(Math.abs(r.inertia - again) <= 1e-12 * again, `${algorithm} inertia ${r.inertia} vs ${again}`);
        assert.equal(r.inertia, labelledSqDist(X.data, n, d, r.labels, r.centroids, k, null), `${algorithm} maxIter ${maxIter}`);
      }
    }
  }
});
