import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as dbscan from '../../src/density/dbscan.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import { createRng } from '../../src/core/rng.js';
import { rowRange, type Matrix } from '../../src/core/matrix.js';
import { csvMatrix, fixture, fromRows, ari } from '../helpers/data.js';
import { throwsCode } from '../helpers/errors.js';

interface Run {
  eps: number; min_samples: number; n_clusters: number; n_noise: number; n_core: number;
  labels: number[]; core_sample_indices: number[];
  ambiguous_border_points: { indices: number[]; candidate_clusters: number[][] };
  r_dbscan: { cluster: number[] };
}
const FIX = fixture<{ how: string; runs: Run[] }>('dbscan.json');
const X = csvMatrix('data/noisy2d.features.csv');

describe('dbscan.fit on noisy2d vs scikit-learn 1.2.1 and R dbscan 1.1-11 (test/fixtures/dbscan.json)', () => {
  for (const run of FIX.runs) {
    it(`dbscan.fit(noisy2d, {eps: ${run.eps}, minSamples: ${run.min_samples}}) gives sklearn's core set, noise and labels`, () => {
      const r = dbscan.fit(X, { eps: run.eps, minSamples: run.min_samples });
      assert.equal(r.options.algorithm, 'kd_tree');
      assert.deepEqual(Array.from(r.coreSampleIndices), run.core_sample_indices);
      assert.equal(r.nClusters, run.n_clusters);
      assert.equal(r.nNoise, run.n_noise);
      const amb = new Map(run.ambiguous_border_points.indices.map((i, t) => [i, run.ambiguous_border_points.candidate_clusters[t]!]));
      for (let i = 0; i < X.rows; i++) {
        if (amb.has(i)) assert.ok(amb.get(i)!.includes(r.labels[i]!), `ambiguous row ${i}`);
        else assert.equal(r.labels[i], run.labels[i], `row ${i}`);
      }
      // same numbering and border rule as sklearn's dbscan_inner: equal everywhere, ambiguous rows included
      assert.deepEqual(Array.from(r.labels), run.labels);
      // R numbers clusters 1.. with 0 = noise, same order here
      assert.deepEqual(Array.from(r.labels, (l) => l + 1), run.r_dbscan.cluster);
      assert.equal(r.isCore.reduce((a, b) => a + b, 0), run.n_core);
    });
  }
});

describe('dbscan.fit: search paths and metrics agree', () => {
  const x = rowRange(X, 0, 1500);
  it('dbscan.fit(x, {algorithm}) gives the same labels with the KD-tree, brute force and a precomputed matrix', () => {
    const a = dbscan.fit(x, { eps: 0.35, minSamples: 8, algorithm: 'kd_tree' });
    const b = dbscan.fit(x, { eps: 0.35, minSamples: 8, algorithm: 'brute' });
    assert.deepEqual(b.labels, a.labels);
    assert.deepEqual(b.coreSampleIndices, a.coreSampleIndices);
    const D = pairwise(x, (u, v) => Math.sqrt(u.reduce((s, ui, t) => s + (ui - v[t]!) ** 2, 0)));
    const c = dbscan.fit(D, { eps: 0.35, minSamples: 8, metric: 'precomputed' });
    assert.equal(c.options.algorithm, 'precomputed');
    assert.equal(c.components.length, 0);
    assert.ok(ari(c.labels, a.labels) > 0.999);
    assert.ok(a.nClusters >= 3);
  });

  it('dbscan.fit(x, {metric: "manhattan"}) and {metric: "cosine"} equal precomputed L1 and cosine distances', () => {
    const y = rowRange(X, 0, 600);
    const l1 = dbscan.fit(y, { eps: 0.45, minSamples: 6, metric: 'manhattan' });
    const l1b = dbscan.fit(y, { eps: 0.45, minSamples: 6, metric: 'manhattan', algorithm: 'brute' });
    assert.deepEqual(l1b.labels, l1.labels);
    const D1 = pairwise(y, (u, v) => u.reduce((s, ui, t) => s + Math.abs(ui - v[t]!), 0));
    assert.deepEqual(dbscan.fit(D1, { eps: 0.45, minSamples: 6, metric: 'precomputed' }).coreSampleIndices, l1.coreSampleIndices);
    const cos = dbscan.fit(y, { eps: 0.002, minSamples: 6, metric: 'cosine' });
    assert.equal(cos.options.algorithm, 'brute');
    const Dc = pairwise(y, (u, v) => {
      const dot = u.reduce((s, ui, t) => s + ui * v[t]!, 0), nu = Math.hypot(...u), nv = Math.hypot(...v);
      return Math.min(2, Math.max(0, 1 - dot / (nu * nv)));
    });
    const cosP = dbscan.fit(Dc, { eps: 0.002, minSamples: 6, metric: 'precomputed' });
    assert.ok(ari(cosP.labels, cos.labels) > 0.99);
    assert.ok(cos.nClusters >= 2);
  });
});

function pairwise(x: Matrix, f: (u: number[], v: number[]) => number): Matrix {
  const n = x.rows, d = x.cols, rows = Array.from({ length: n }, (_, i) => Array.from(x.data.subarray(i * d, i * d + d)));
  const D = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * n + j] = f(rows[i]!, rows[j]!);
  return { data: D, rows: n, cols: n };
}

describe('dbscan.fit: small known answers', () => {
  // two groups on a line, 0..3 and 10..13, and a bridge row at 6.5 (at distance exactly 3.5 of both: a border row of both)
  const line = fromRows([[0], [1], [2], [3], [10], [11], [12], [13], [6.5], [40]]);

  it('dbscan.fit(line, {eps: 3.5, minSamples: 4}) labels a border row touching two clusters with the lower cluster', () => {
    const r = dbscan.fit(line, { eps: 3.5, minSamples: 4 });
    assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, 1, 1, 1, 1, 0, -1]);
    assert.deepEqual(Array.from(r.coreSampleIndices), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(Array.from(r.components), [0, 1, 2, 3, 10, 11, 12, 13]);
    // rows permuted so the right group comes first: it becomes cluster 0 and takes the border row
    const perm = [4, 5, 6, 7, 0, 1, 2, 3, 8, 9];
    const p = dbscan.fit(fromRows(perm.map((i) => [line.data[i]!])), { eps: 3.5, minSamples: 4 });
    assert.deepEqual(Array.from(p.labels), [0, 0, 0, 0, 1, 1, 1, 1, 0, -1]);
  });

  it('dbscan.fit(x, {sampleWeight}) counts weights: weight 3 acts as 3 copies, a negative weight blocks a core', () => {
    const x = fromRows([[0], [0.4], [5], [5.3], [5.6]]);
    const r = dbscan.fit(x, { eps: 0.5, minSamples: 4, sampleWeight: [3, 1, 1, 1, 1] });
    assert.deepEqual(Array.from(r.coreSampleIndices), [0, 1]);
    assert.deepEqual(Array.from(r.labels), [0, 0, -1, -1, -1]);
    const copies = dbscan.fit(fromRows([[0], [0], [0], [0.4], [5], [5.3], [5.6]]), { eps: 0.5, minSamples: 4 });
    assert.deepEqual(Array.from(copies.labels), [0, 0, 0, 0, -1, -1, -1]);
    const neg = dbscan.fit(x, { eps: 0.5, minSamples: 2, sampleWeight: [1, 1, 1, 1, -1] });
    // row 3 (5.3) sums 1 + 1 − 1 = 1 < 2 and row 4 (5.6) sums 1 − 1 = 0: not core; row 4 has no core neighbour
    assert.deepEqual(Array.from(neg.isCore), [1, 1, 1, 0, 0]);
    assert.deepEqual(Array.from(neg.labels), [0, 0, 1, 1, -1]);
  });

  it('dbscan.fit(x, {eps: 0.01}) on spread rows warns that every row is noise, and the result survives JSON', () => {
    const r = dbscan.fit(fromRows([[0, 0], [1, 1], [2, 2]]), { eps: 0.01, minSamples: 2 });
    assert.deepEqual(Array.from(r.labels), [-1, -1, -1]);
    assert.equal(r.nClusters, 0);
    assert.match(r.warnings[0]!, /no core point/);
    const back = fromJSON<dbscan.DbscanResult>(toJSON(r));
    assert.deepEqual(back, r);
  });

  it('dbscan.predictNearestCore(model, X) returns the fit labels of core and noise rows, −1 far away', () => {
    const x = rowRange(X, 0, 2000);
    const r = dbscan.fit(x, { eps: 0.3, minSamples: 10 });
    const back = fromJSON<dbscan.DbscanResult>(toJSON(r));
    const p = dbscan.predictNearestCore(back, x);
    for (let i = 0; i < x.rows; i++) if (r.isCore[i] || r.labels[i] === -1) assert.equal(p[i], r.labels[i], `row ${i}`);
    let agree = 0;
    for (let i = 0; i < x.rows; i++) if (p[i] === r.labels[i]) agree++;
    assert.ok(agree >= x.rows - 5);
    assert.deepEqual(Array.from(dbscan.predictNearestCore(r, [[1e4, 1e4]])), [-1]);
    throwsCode(() => dbscan.predictNearestCore(r, [[1, 2, 3]]), 'DIM_MISMATCH', 'must have 2 columns', 'Got 3');
  });
});

describe('dbscan.fit: options and errors', () => {
  const x = fromRows([[0, 0], [1, 1], [2, 2]]);
  it('dbscan.fit refuses bad option values naming the parameter', () => {
    throwsCode(() => dbscan.fit(x, { eps: 0 }), 'BAD_OPTION', "option 'eps'", '(0, inf]', 'Got 0');
    throwsCode(() => dbscan.fit(x, { minSamples: 0 }), 'BAD_OPTION', "option 'minSamples'", 'Got 0');
    throwsCode(() => dbscan.fit(x, { minSamples: 2.5 }), 'BAD_OPTION', "option 'minSamples'");
    throwsCode(() => dbscan.fit(x, { metric: 'chebyshev' as never }), 'BAD_OPTION', "option 'metric'", 'chebyshev');
    throwsCode(() => dbscan.fit(x, { algorithm: 'ball_tree' as never }), 'BAD_OPTION', "option 'algorithm'");
    throwsCode(() => dbscan.fit(x, { metric: 'cosine', algorithm: 'kd_tree' }), 'BAD_OPTION', "option 'algorithm'");
    throwsCode(() => dbscan.fit(x, { sampleWeight: [1, 2] }), 'DIM_MISMATCH', "option 'sampleWeight'", '(3)', 'Got 2');
    throwsCode(() => dbscan.fit(x, { sampleWeight: [1, NaN, 1] }), 'BAD_OPTION', "option 'sampleWeight'", 'row 1');
    throwsCode(() => dbscan.fit(x, { epsilon: 1 } as never), 'UNKNOWN_OPTION', "'epsilon'");
    throwsCode(() => dbscan.fit(x, { metric: 'precomputed' }), 'BAD_DATA', 'square');
    throwsCode(() => dbscan.fit([[0, Infinity]]), 'BAD_DATA', 'row 0, column 1');
    throwsCode(() => dbscan.fit([]), 'EMPTY_DATA');
    throwsCode(() => dbscan.predictNearestCore(dbscan.fit([[0, 1], [1, 0]], { metric: 'precomputed' }), [[0, 1]]), 'BAD_OPTION', "'precomputed'");
  });

  it('dbscan.fit(x, {signal}) stops with ABORTED; onProgress reaches the total', () => {
    const ac = new AbortController();
    ac.abort();
    throwsCode(() => dbscan.fit(X, { eps: 0.3, signal: ac.signal }), 'ABORTED');
    let last = { done: 0, total: 1 };
    dbscan.fit(rowRange(X, 0, 500), { eps: 0.3, onProgress: (p) => { last = p; } });
    assert.equal(last.done, last.total);
  });
});

describe('dbscan.fit: memory', () => {
  it('dbscan.fit on 200 000 rows stays within 64 MB of extra memory during the run (no n × n, no stored neighbourhoods)', () => {
    const n = 200_000, data = new Float32Array(2 * n);
    const rng = createRng(7), rnd = (): number => rng.next();
    for (let i = 0; i < n; i++) {
      const c = i % 5; // five dense squares and a sparse background
      data[2 * i] = i % 10 === 9 ? rnd() * 50 : c * 10 + rnd() * 2;
      data[2 * i + 1] = i % 10 === 9 ? rnd() * 50 : c * 7 + rnd() * 2;
    }
    const used = (): number => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
    const base = used();
    let peak = 0;
    const r = dbscan.fit({ data, rows: n, cols: 2 }, { eps: 0.05, minSamples: 10, onProgress: () => { peak = Math.max(peak, used() - base); } });
    peak = Math.max(peak, used() - base);
    assert.equal(r.nClusters, 5);
    assert.ok(peak < 64 * 2 ** 20, `extra memory ${(peak / 2 ** 20).toFixed(1)} MB`);
  });
});
