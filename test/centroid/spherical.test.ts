// Spherical k-means. No reference implementation is installed for it (scikit-learn has none), so
// the known answers are hand-computed toys and generated directions with a known truth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as spherical from '../../src/centroid/spherical.js';
import { ClusterkitError } from '../../src/core/errors.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import type { Matrix } from '../../src/core/matrix.js';
import { createRng } from '../../src/core/rng.js';
import { bundled, fromRows, ari } from '../helpers/data.js';

/** k random unit directions in d dims; each row = (direction + σ·noise) × a scale in [0.5, 20]. */
function directions(n: number, k: number, d: number, sigma: number, seed: number): { x: Matrix; y: Int32Array; dirs: Float64Array } {
  const rng = createRng(seed), dirs = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) { const v = rng.normal(); dirs[j * d + t] = v; s += v * v; }
    for (let t = 0; t < d; t++) dirs[j * d + t]! /= Math.sqrt(s);
  }
  const data = new Float32Array(n * d), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(k), scale = 0.5 + 19.5 * rng.next();
    y[i] = c;
    for (let t = 0; t < d; t++) data[i * d + t] = (dirs[c * d + t]! + sigma * rng.normal()) * scale;
  }
  return { x: { data, rows: n, cols: d }, y, dirs };
}

/** 1 − cos between row i of x and centre j of c, in float64 from the raw values. */
function cosDist(x: Float32Array, i: number, c: Float32Array, j: number, d: number): number {
  let dot = 0, a = 0, b = 0;
  for (let t = 0; t < d; t++) { dot += x[i * d + t]! * c[j * d + t]!; a += x[i * d + t]! ** 2; b += c[j * d + t]! ** 2; }
  return a === 0 ? 1 : 1 - dot / Math.sqrt(a * b);
}

test('spherical.fit on 1500 rows around 5 directions at random scales recovers the directions (ARI ≥ 0.99)', () => {
  const d = 8, k = 5;
  const { x, y, dirs } = directions(1500, k, d, 0.15, 1);
  const r = spherical.fit(x, { k, seed: 3 });
  assert.equal(r.kind, 'spherical-kmeans');
  assert.ok(ari(y, r.labels) >= 0.99, `ARI ${ari(y, r.labels)}`);
  for (let j = 0; j < k; j++) {
    let norm = 0, best = -1;
    for (let t = 0; t < d; t++) norm += r.centroids[j * d + t]! ** 2;
    assert.ok(Math.abs(Math.sqrt(norm) - 1) < 1e-6, 'unit-norm centres');
    for (let q = 0; q < k; q++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += r.centroids[j * d + t]! * dirs[q * d + t]!;
      best = Math.max(best, dot);
    }
    assert.ok(best > 0.99, `centre ${j}: cos ${best} to the nearest true direction`);
  }
});

test('spherical.fit on a hand-made 2-D toy gives mean directions at 5° and 95° and Σ(1 − cos) = 4(1 − cos 5°)', () => {
  const deg = Math.PI / 180, at = (a: number, s: number): number[] => [s * Math.cos(a * deg), s * Math.sin(a * deg)];
  const X = fromRows([at(0, 1), at(10, 3), at(90, 0.5), at(100, 7)]);
  const r = spherical.fit(X, { k: 2, init: [[1, 0], [0, 1]] });
  assert.deepEqual(Array.from(r.labels), [0, 0, 1, 1]);
  const want = [...at(5, 1), ...at(95, 1)];
  want.forEach((v, i) => assert.ok(Math.abs(r.centroids[i]! - v) < 1e-6, `centre value ${i}: ${r.centroids[i]} vs ${v}`));
  assert.ok(Math.abs(r.cosineDistanceSum - 4 * (1 - Math.cos(5 * deg))) < 1e-6);
  assert.equal(r.converged, true);
  assert.equal(r.options.init, 'given');
});

test('spherical.fit ignores row scale: rows multiplied by positive factors keep their labels', () => {
  const { x } = directions(400, 4, 6, 0.2, 2);
  const scaled = Float32Array.from(x.data, (v, i) => v * (1 + (Math.floor(i / 6) % 7) * 3));
  const a = spherical.fit(x, { k: 4, seed: 1 });
  const b = spherical.fit({ data: scaled, rows: x.rows, cols: 6 }, { k: 4, seed: 1 });
  assert.ok(ari(a.labels, b.labels) === 1);
  assert.ok(Math.abs(a.cosineDistanceSum - b.cosineDistanceSum) < 1e-4 * a.cosineDistanceSum);
});

test('spherical.fit history: Σ(1 − cos) never rises, and the reported objective matches an independent recomputation', () => {
  const { x } = bundled('digits');
  const r = spherical.fit(x, { k: 10, nInit: 1, tol: 0, seed: 2 });
  for (let i = 1; i < r.history.length; i++) {
    assert.ok(r.history[i]!.cosineDistanceSum <= r.history[i - 1]!.cosineDistanceSum * (1 + 1e-9), `iteration ${i + 1}`);
  }
  let s = 0;
  for (let i = 0; i < x.rows; i++) s += cosDist(x.data, i, r.centroids, r.labels[i]!, x.cols);
  assert.ok(Math.abs(s - r.cosineDistanceSum) < 1e-5 * s, `${s} vs ${r.cosineDistanceSum}`);
  // every row's label is its centre of highest cosine (within float32 round-off)
  for (let i = 0; i < x.rows; i++) {
    const own = cosDist(x.data, i, r.centroids, r.labels[i]!, x.cols);
    for (let j = 0; j < 10; j++) assert.ok(own <= cosDist(x.data, i, r.centroids, j, x.cols) + 1e-6);
  }
});

test('spherical.predict(model, X) equals the fit labels, and transform gives 1 − cos', () => {
  const { x } = directions(300, 3, 5, 0.3, 4);
  const r = spherical.fit(x, { k: 3 });
  assert.deepEqual(spherical.predict(r, x), r.labels);
  const t = spherical.transform(r, x);
  for (let i = 0; i < 50; i++) for (let j = 0; j < 3; j++) {
    assert.ok(Math.abs(t[i * 3 + j]! - cosDist(x.data, i, r.centroids, j, 5)) < 1e-5);
  }
  const back = fromJSON<spherical.SphericalKMeansResult>(toJSON(r));
  assert.deepEqual(spherical.predict(back, x), r.labels);
});

test('spherical.fit keeps zero rows with a warning: label 0, cosine distance 1, no effect on the centres', () => {
  const base = [[1, 0], [2, 0.1], [0, 1], [0.1, 3]];
  const withZeros = fromRows([...base, [0, 0], [0, 0]]);
  const a = spherical.fit(fromRows(base), { k: 2, init: [[1, 0], [0, 1]] });
  const b = spherical.fit(withZeros, { k: 2, init: [[1, 0], [0, 1]] });
  assert.equal(b.zeroRows, 2);
  assert.equal(b.warnings.length, 1);
  assert.match(b.warnings[0]!, /2 rows of zero norm have no direction; they get label 0 and cosine distance 1/);
  assert.deepEqual(Array.from(b.labels.subarray(4)), [0, 0]);
  assert.deepEqual(b.centroids, a.centroids);
  assert.ok(Math.abs(b.cosineDistanceSum - (a.cosineDistanceSum + 2)) < 1e-9);
  assert.deepEqual(Array.from(spherical.predict(b, [[0, 0], [0, 5]])), [0, 1]);
  const r = spherical.fit(withZeros, { k: 2, init: 'random', nInit: 3 });
  for (let j = 0; j < 2; j++) assert.ok(Math.abs(Math.hypot(r.centroids[2 * j]!, r.centroids[2 * j + 1]!) - 1) < 1e-6, 'zero rows are never seeds');
  assert.equal(new Set(r.labels.subarray(0, 4)).size, 2);
});

test('spherical.fit with weights equals fitting rows repeated that many times (from the same start)', () => {
  const { x } = directions(120, 3, 4, 0.4, 5);
  const w = Array.from({ length: x.rows }, (_, i) => 1 + (i % 3));
  const rows: number[][] = [];
  for (let i = 0; i < x.rows; i++) for (let r = 0; r < w[i]!; r++) rows.push(Array.from(x.data.subarray(i * 4, i * 4 + 4)));
  const init = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]];
  const a = spherical.fit(x, { k: 3, init, sampleWeight: w, tol: 0 });
  const b = spherical.fit(fromRows(rows), { k: 3, init, tol: 0 });
  a.centroids.forEach((v, i) => assert.ok(Math.abs(v - b.centroids[i]!) < 1e-6));
  assert.ok(Math.abs(a.cosineDistanceSum - b.cosineDistanceSum) < 1e-6 * b.cosineDistanceSum);
});

test('spherical.fit is deterministic: same seed gives the same bytes, and the input is not mutated', () => {
  const { x } = directions(500, 4, 6, 0.3, 6);
  const copy = x.data.slice();
  const a = spherical.fit(x, { k: 4, seed: 7, nInit: 2 }), b = spherical.fit(x, { k: 4, seed: 7, nInit: 2 });
  assert.deepEqual(a.centroids, b.centroids);
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(x.data, copy);
  const c = spherical.fit(x, { k: 4, seed: 8, nInit: 1, maxIter: 1 }), e = spherical.fit(x, { k: 4, seed: 7, nInit: 1, maxIter: 1 });
  assert.notDeepEqual(c.centroids, e.centroids);
});

test('spherical.fit with an aborted signal throws ABORTED, and onProgress is called per iteration', () => {
  const ac = new AbortController(); ac.abort();
  assert.throws(() => spherical.fit([[1, 0], [0, 1]], { k: 1, signal: ac.signal }), (e: unknown) => e instanceof ClusterkitError && e.code === 'ABORTED');
  let calls = 0;
  const r = spherical.fit(bundled('iris').x, { k: 3, nInit: 1, onProgress: () => { calls++; } });
  assert.equal(calls, r.nIter);
});

const bad: [string, () => unknown, string, RegExp][] = [
  ['k > n', () => spherical.fit([[1, 0], [0, 1]], { k: 3 }), 'BAD_OPTION', /spherical-kmeans: option 'k' must be an integer in \[1, n = 2\]\. Got 3\./],
  ['fewer non-zero rows than k', () => spherical.fit([[1, 0], [0, 0], [0, 0]], { k: 2 }), 'BAD_DATA', /must have at least k = 2 non-zero rows \(zero rows have no direction\)\. Got 1\./],
  ['a zero given centroid', () => spherical.fit([[1, 0], [0, 1]], { k: 2, init: [[1, 0], [0, 0]] }), 'BAD_OPTION', /'init' must hold non-zero centroids \(they are normalised\)\. Got a zero vector at centroid 1\./],
  ['init wrong shape', () => spherical.fit([[1, 0], [0, 1]], { k: 2, init: [[1, 0]] }), 'DIM_MISMATCH', /'init' must be 2 × 2 centroids/],
  ['negative tol', () => spherical.fit([[1, 0]], { k: 1, tol: -1 }), 'BAD_OPTION', /'tol' must be a finite number in \[0, inf\]\. Got -1\./],
  ['unknown option', () => spherical.fit([[1, 0]], { k: 1, metric: 'cosine' } as spherical.SphericalKMeansOptions), 'UNKNOWN_OPTION', /unknown option 'metric'/],
  ['Infinity cell', () => spherical.fit([[1, Infinity]], { k: 1 }), 'BAD_DATA', /Got Infinity at row 0, column 1/],
  ['predict data of the wrong dimension', () => spherical.predict(spherical.fit([[1, 0], [0, 1]], { k: 1 }), [[1, 2, 3]]), 'DIM_MISMATCH', /predict: data must have 2 columns, as the fitted model\. Got 3\./],
];
for (const [what, call, code, msg] of bad) {
  test(`spherical.fit refuses ${what} with a clear error`, () => {
    assert.throws(call, (e: unknown) => e instanceof ClusterkitError && e.code === code && msg.test(e.message));
  });
}
