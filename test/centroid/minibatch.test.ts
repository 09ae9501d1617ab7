// Mini-batch k-means. Quality bands: test/fixtures/centroid_family.json (scikit-learn 1.2.1
// MiniBatchKMeans, seeds 0–9; its "how" field and test/fixtures/make_centroid_family.py say how)
// and test/fixtures/kmeans.json (scikit-learn 1.2.1 KMeans seeded band). Exact numbers cannot match
// scikit-learn (numpy's generator vs PCG32), so runs are compared as bands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as minibatch from '../../src/centroid/minibatch.js';
import * as kmeans from '../../src/centroid/kmeans.js';
import { ClusterkitError } from '../../src/core/errors.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import type { Matrix } from '../../src/core/matrix.js';
import { createRng } from '../../src/core/rng.js';
import { bundled, fixture, fromRows, ari } from '../helpers/data.js';

const F = fixture('centroid_family.json');
const KM = fixture('kmeans.json');
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

/** Isotropic Gaussian blobs around k centres on a grid 20 apart (std 1): well separated. */
function blobs(n: number, k: number, d: number, seed: number): { x: Matrix; y: Int32Array } {
  const rng = createRng(seed), data = new Float32Array(n * d), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(k); y[i] = c;
    for (let t = 0; t < d; t++) data[i * d + t] = (t === c % d ? 20 * (1 + Math.floor(c / d)) : 0) + rng.normal();
  }
  return { x: { data, rows: n, cols: d }, y };
}

/** Largest distance from a centre of a to its nearest centre of b (both [k × d]). */
function centreGap(a: Float32Array, b: Float32Array, k: number, d: number): number {
  let worst = 0;
  for (let j = 0; j < k; j++) {
    let best = Infinity;
    for (let q = 0; q < k; q++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (a[j * d + t]! - b[q * d + t]!) ** 2;
      best = Math.min(best, s);
    }
    worst = Math.max(worst, Math.sqrt(best));
  }
  return worst;
}

test('minibatch.fit on 3000 well-separated blobs with batchSize 256 recovers the partition (ARI ≥ 0.99)', () => {
  const { x, y } = blobs(3000, 6, 5, 1);
  const r = minibatch.fit(x, { k: 6, batchSize: 256, seed: 2 });
  assert.equal(r.kind, 'minibatch-kmeans');
  assert.ok(ari(y, r.labels) >= 0.99, `ARI ${ari(y, r.labels)}`);
  assert.ok(r.nSteps > 1 && r.nSteps <= Math.floor(100 * 3000 / 256));
  assert.equal(r.nIter, Math.ceil(r.nSteps * 256 / 3000));
  assert.equal(r.history.reduce((s, h) => s + h.steps, 0), r.nSteps);
  assert.equal(r.history.length, r.nIter);
});

test('minibatch.fit(digits) over seeds 0–4 lands in scikit-learn\'s MiniBatchKMeans band and within 3% of full k-means', () => {
  const { x, y } = bundled('digits');
  const band = F.minibatch.digits.seeded_band;
  const fullMean = mean(KM.digits.seeded_band.runs.map((r: { inertia: number }) => r.inertia));
  const inertias: number[] = [], aris: number[] = [];
  for (let s = 0; s < 5; s++) {
    const r = minibatch.fit(x, { k: 10, seed: s });
    inertias.push(r.inertia); aris.push(ari(y, r.labels));
    assert.ok(r.converged, 'stopped by maxNoImprovement well before 175 steps');
  }
  // sklearn MiniBatchKMeans averages 1.0324 × full k-means on digits; per seed it ranges 1.005–1.074.
  assert.ok(mean(inertias) <= band.inertia_mean * 1.01, `mean inertia ${mean(inertias)} vs sklearn ${band.inertia_mean}`);
  assert.ok(mean(inertias) <= fullMean * 1.03, `mean inertia ${mean(inertias)} vs full k-means ${fullMean}`);
  assert.ok(Math.min(...inertias) <= fullMean * 1.01);
  assert.ok(Math.abs(mean(aris) - band.ari_mean) <= 0.05, `mean ARI ${mean(aris)} vs sklearn ${band.ari_mean}`);
});

test('minibatch.fit(iris) over seeds 0–9 lands in scikit-learn\'s MiniBatchKMeans band', () => {
  const { x, y } = bundled('iris');
  const band = F.minibatch.iris.seeded_band;
  const inertias: number[] = [], aris: number[] = [];
  for (let s = 0; s < 10; s++) {
    const r = minibatch.fit(x, { k: 3, seed: s });
    inertias.push(r.inertia); aris.push(ari(y, r.labels));
  }
  assert.ok(mean(inertias) <= band.inertia_mean * 1.01, `mean inertia ${mean(inertias)} vs sklearn ${band.inertia_mean}`);
  assert.ok(Math.abs(mean(aris) - band.ari_mean) <= 0.05, `mean ARI ${mean(aris)} vs sklearn ${band.ari_mean}`);
});

test('minibatch.partialFit over shuffled chunks of 30 iris rows approaches the full-batch k-means centres', () => {
  const { x } = bundled('iris');
  const n = x.rows, d = x.cols;
  const full = kmeans.fit(x, { k: 3, init: KM.iris.init_centers });
  const rng = createRng(3);
  let state: minibatch.MiniBatchKMeansState | null = null;
  const gaps: number[] = [];
  for (let epoch = 0; epoch < 20; epoch++) {
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [perm[i], perm[j]] = [perm[j]!, perm[i]!]; }
    for (let s = 0; s < n; s += 30) {
      const rows = perm.slice(s, s + 30), data = new Float32Array(rows.length * d);
      rows.forEach((r, t) => data.set(x.data.subarray(r * d, r * d + d), t * d));
      state = minibatch.partialFit(state, { data, rows: rows.length, cols: d }, { k: 3 });
    }
    if (epoch % 5 === 4) gaps.push(centreGap(state!.centroids, full.centroids, 3, d));
  }
  const st = state!;
  assert.equal(st.nSteps, 100);
  assert.equal(st.nSeen, 3000);
  assert.ok(gaps[gaps.length - 1]! < 0.06, `centre gap ${gaps.join(', ')}`);
  assert.ok(gaps[gaps.length - 1]! < gaps[0]!, 'the gap shrinks with more chunks');
  assert.ok(ari(minibatch.predict(st, x), full.labels) >= 0.97, 'at most a few boundary rows differ');
  assert.ok(-minibatch.score(st, x) < full.inertia * 1.002);
});

test('minibatch.partialFit makes scikit-learn\'s count-weighted update: hand-computed two-chunk example', () => {
  // Centres 0 and 10. Chunk 1: rows 1, 2 go to centre 0 → (0·0 + 1 + 2)/2 = 1.5, count 2; row 9 to
  // centre 1 → 9, count 1. Chunk 2: row 3 with weight 2 → (1.5·2 + 2·3)/(2 + 2) = 2.25, count 4.
  const s1 = minibatch.partialFit(null, [[1], [2], [9]], { k: 2, init: [[0], [10]] });
  assert.deepEqual(Array.from(s1.centroids), [1.5, 9]);
  assert.deepEqual(Array.from(s1.counts), [2, 1]);
  assert.equal(s1.lastBatchInertia, 1 + 4 + 1);
  const s2 = minibatch.partialFit(s1, [[3]], { sampleWeight: [2] });
  assert.deepEqual(Array.from(s2.centroids), [2.25, 9]);
  assert.deepEqual(Array.from(s2.counts), [4, 1]);
  assert.equal(s2.lastBatchInertia, 2 * 1.5 * 1.5);
  assert.deepEqual(Array.from(s1.centroids), [1.5, 9], 'the old state is not mutated');
  assert.deepEqual(Array.from(minibatch.predict(s2, [[0], [7], [100]])), [0, 1, 1]);
});

test('minibatch.partialFit reassigns a centre that attracts no rows to a row of the chunk', () => {
  // Centre (1000, 1000) gets nothing; its count stays 0, below 0.01 × the largest, so it moves to a
  // random row of the chunk and its count becomes the smallest other count.
  const chunk = [[0, 0], [0, 1], [1, 0], [10, 0], [10, 1], [11, 0]];
  const s = minibatch.partialFit(null, chunk, { k: 3, init: [[0, 0], [10, 0], [1000, 1000]] });
  const c2 = Array.from(s.centroids.subarray(4, 6));
  assert.ok(chunk.some((r) => r[0] === c2[0] && r[1] === c2[1]), `moved to a chunk row: ${c2}`);
  assert.equal(s.counts[2], 3);
});

test('minibatch.fit reassigns a far-away given centre and reports it in the history', () => {
  const { x } = blobs(600, 3, 2, 4);
  const r = minibatch.fit(x, { k: 3, init: [[20, 0], [0, 20], [1000, 1000]], batchSize: 100 });
  assert.ok(r.history.reduce((s, h) => s + h.reassigned, 0) >= 1);
  for (let i = 0; i < r.centroids.length; i++) assert.ok(Math.abs(r.centroids[i]!) < 50);
  assert.equal(new Set(r.labels).size, 3);
});

test('minibatch.fit stops early by maxNoImprovement or tol, and runs every step when both are off', () => {
  const { x } = blobs(1000, 3, 2, 5);
  const early = minibatch.fit(x, { k: 3, batchSize: 100, maxIter: 50 });
  assert.equal(early.converged, true);
  assert.ok(early.nSteps < 500);
  const all = minibatch.fit(x, { k: 3, batchSize: 100, maxIter: 5, maxNoImprovement: null });
  assert.equal(all.converged, false);
  assert.equal(all.nSteps, 50);
  assert.equal(all.nIter, 5);
  assert.equal(all.history.length, 5);
  assert.ok(all.history.every((h) => h.steps === 10));
  const tol = minibatch.fit(x, { k: 3, batchSize: 100, maxIter: 50, maxNoImprovement: null, tol: 1e-2 });
  assert.equal(tol.converged, true);
  assert.ok(tol.nSteps < 500);
});

test('minibatch.fit is deterministic: same seed gives the same bytes, another seed another run', () => {
  const { x } = blobs(2000, 5, 4, 6);
  const a = minibatch.fit(x, { k: 5, batchSize: 128, seed: 9 }), b = minibatch.fit(x, { k: 5, batchSize: 128, seed: 9 });
  assert.deepEqual(a.centroids, b.centroids);
  assert.deepEqual(a.labels, b.labels);
  assert.equal(a.inertia, b.inertia);
  const c = minibatch.fit(x, { k: 5, batchSize: 128, seed: 10 });
  assert.notDeepEqual(c.centroids, a.centroids);
});

test('minibatch.predict(model, X) equals the fit labels; score is −inertia; transform agrees', () => {
  const { x } = bundled('iris');
  const r = minibatch.fit(x, { k: 3 });
  assert.deepEqual(minibatch.predict(r, x), r.labels);
  assert.ok(Math.abs(-minibatch.score(r, x) - r.inertia) < 1e-9 * r.inertia);
  const t = minibatch.transform(r, x);
  for (let i = 0; i < x.rows; i++) {
    let bj = 0; for (let j = 1; j < 3; j++) if (t[i * 3 + j]! < t[i * 3 + bj]!) bj = j;
    assert.equal(bj, r.labels[i]);
  }
  let recomputed = 0;
  for (let i = 0; i < x.rows; i++) recomputed += t[i * 3 + r.labels[i]!]! ** 2;
  assert.ok(Math.abs(recomputed - r.inertia) < 1e-4 * r.inertia);
});

test('minibatch.fit with sample weights: zero-weight rows never move the centres', () => {
  const { x } = blobs(500, 2, 2, 7);
  const rows = Array.from({ length: x.rows }, (_, i) => Array.from(x.data.subarray(i * 2, i * 2 + 2)));
  const w = rows.map(() => 1);
  rows.push([500, 500], [-500, 500]); w.push(0, 0);
  const r = minibatch.fit(fromRows(rows), { k: 2, sampleWeight: w, batchSize: 64 });
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(r.centroids[i]!) < 30, `centre value ${r.centroids[i]}`);
  assert.equal(r.options.weighted, true);
});

test('minibatch results and partialFit states survive a JSON round trip', () => {
  const { x } = bundled('iris');
  const r = minibatch.fit(x, { k: 3 });
  const back = fromJSON<minibatch.MiniBatchKMeansResult>(toJSON(r));
  assert.deepEqual(minibatch.predict(back, x), r.labels);
  const s = minibatch.partialFit(null, x, { k: 3, seed: 4 });
  const s2 = fromJSON<minibatch.MiniBatchKMeansState>(toJSON(s));
  assert.deepEqual(minibatch.partialFit(s2, x).centroids, minibatch.partialFit(s, x).centroids);
});

test('minibatch.fit with an aborted signal throws ABORTED, and onProgress is called once per step', () => {
  const ac = new AbortController(); ac.abort();
  assert.throws(() => minibatch.fit([[1], [2]], { k: 1, signal: ac.signal }), (e: unknown) => e instanceof ClusterkitError && e.code === 'ABORTED');
  assert.throws(() => minibatch.partialFit(null, [[1], [2]], { k: 1, signal: ac.signal }), (e: unknown) => e instanceof ClusterkitError && e.code === 'ABORTED');
  let calls = 0;
  const r = minibatch.fit(bundled('iris').x, { k: 3, onProgress: () => { calls++; } });
  assert.equal(calls, r.nSteps);
});

const state = (): minibatch.MiniBatchKMeansState => minibatch.partialFit(null, [[0, 0], [1, 1], [5, 5]], { k: 2 });
const bad: [string, () => unknown, string, RegExp][] = [
  ['k > n', () => minibatch.fit([[1], [2]], { k: 3 }), 'BAD_OPTION', /minibatch-kmeans: option 'k' must be an integer in \[1, n = 2\]\. Got 3\./],
  ['k missing', () => minibatch.fit([[1]], {} as minibatch.MiniBatchKMeansOptions), 'BAD_OPTION', /option 'k' must be given/],
  ['batchSize 0', () => minibatch.fit([[1]], { k: 1, batchSize: 0 }), 'BAD_OPTION', /option 'batchSize' must be an integer in \[1, inf\]\. Got 0\./],
  ['negative reassignmentRatio', () => minibatch.fit([[1]], { k: 1, reassignmentRatio: -0.5 }), 'BAD_OPTION', /'reassignmentRatio' must be a finite number in \[0, inf\]\. Got -0\.5/],
  ['fractional maxNoImprovement', () => minibatch.fit([[1]], { k: 1, maxNoImprovement: 1.5 }), 'BAD_OPTION', /'maxNoImprovement' must be an integer/],
  ['unknown option', () => minibatch.fit([[1]], { k: 1, batch: 3 } as minibatch.MiniBatchKMeansOptions), 'UNKNOWN_OPTION', /unknown option 'batch'/],
  ['bad init string', () => minibatch.fit([[1]], { k: 1, init: 'k-means||' as 'random' }), 'BAD_OPTION', /'init' must be 'k-means\+\+', 'random' or \[k × d\] centroids\. Got "k-means\|\|"/],
  ['init wrong shape', () => minibatch.fit([[1, 2], [3, 4]], { k: 2, init: [[1, 2]] }), 'DIM_MISMATCH', /'init' must be 2 × 2 centroids/],
  ['NaN cell', () => minibatch.fit([[1], [NaN]], { k: 1 }), 'BAD_DATA', /must be finite\. Got NaN at row 1, column 0/],
  ['weights wrong length', () => minibatch.fit([[1], [2]], { k: 1, sampleWeight: [1] }), 'DIM_MISMATCH', /one weight per row \(2\)\. Got 1/],
  ['a first chunk smaller than k', () => minibatch.partialFit(null, [[1], [2]], { k: 3 }), 'BAD_OPTION', /partialFit: option 'k' must be an integer in \[1, n = 2\]\. Got 3\./],
  ['changing k after the first call', () => minibatch.partialFit(state(), [[1, 1]], { k: 3 }), 'BAD_OPTION', /option 'k' must equal the state's value 2 \(options are fixed by the first call\)\. Got 3\./],
  ['a chunk of the wrong dimension', () => minibatch.partialFit(state(), [[1, 1, 1]]), 'DIM_MISMATCH', /partialFit: data must have 2 columns, as the fitted model\. Got 3\./],
  ['a state that is not one', () => minibatch.partialFit({ kind: 'kmeans' } as unknown as minibatch.MiniBatchKMeansState, [[1, 1]]), 'BAD_MODEL', /state must be a 'minibatch-kmeans-state'/],
  ['predict data of the wrong dimension', () => minibatch.predict(state(), [[1, 2, 3]]), 'DIM_MISMATCH', /predict: data must have 2 columns, as the fitted model\. Got 3\./],
];
for (const [what, call, code, msg] of bad) {
  test(`minibatch refuses ${what} with a clear error`, () => {
    assert.throws(call, (e: unknown) => e instanceof ClusterkitError && e.code === code && msg.test(e.message));
  });
}
