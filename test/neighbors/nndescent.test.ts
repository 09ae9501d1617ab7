import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import { makeBlobs } from '../../src/datasets/generators.js';
import {
  nnDescent, searchGraph, nearestNeighbors, buildIndex, queryKnn, queryRadius, bruteKnn, rdistRows, type NNDescentGraph,
} from '../../src/neighbors/index.js';
import { bundled } from '../helpers/data.js';
import { throwsCode } from '../helpers/errors.js';

type Metric = 'euclidean' | 'manhattan' | 'cosine';
interface Knn { indices: Int32Array; distances: Float64Array; k: number }

/**
 * Recall@k against exact search, tie-aware (as ann-benchmarks): the share of returned
 * neighbours whose distance is at most the exact k-th distance of their query. Distances on
 * both sides are the same exact float64 formulas, so no tolerance is needed.
 */
function recall(approx: Knn, exact: Knn): number {
  const k = exact.k, m = exact.indices.length / k;
  let hit = 0;
  for (let i = 0; i < m; i++) {
    const kth = exact.distances[i * k + k - 1]!;
    for (let t = 0; t < k; t++) if (approx.distances[i * approx.k + t]! <= kth) hit++;
  }
  return hit / (m * k);
}

/** Share of exact neighbour ids found (strict recall; ties may lower it). */
function idRecall(approx: Knn, exact: Knn): number {
  const k = exact.k, m = exact.indices.length / k;
  let hit = 0;
  for (let i = 0; i < m; i++) {
    const got = new Set(Array.from(approx.indices.subarray(i * approx.k, i * approx.k + k)));
    for (let t = 0; t < k; t++) if (got.has(exact.indices[i * k + t]!)) hit++;
  }
  return hit / (m * k);
}

function gaussian(n: number, d: number, seed: number): Matrix {
  const rng = createRng(seed), data = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) data[i] = rng.normal();
  return { data, rows: n, cols: d };
}

/** Every list is sorted by (distance, index), holds no repeats, and never the row itself. */
function checkLists(g: Knn, n: number, self: boolean): void {
  const k = g.k;
  for (let i = 0; i < g.indices.length / k; i++) {
    const seen = new Set<number>();
    for (let t = 0; t < k; t++) {
      const j = g.indices[i * k + t]!, dv = g.distances[i * k + t]!;
      assert.ok(j >= 0 && j < n, `row ${i}: index ${j}`);
      if (self) assert.notEqual(j, i, `row ${i} lists itself`);
      assert.ok(!seen.has(j), `row ${i} repeats ${j}`);
      seen.add(j);
      if (t > 0) {
        const pd = g.distances[i * k + t - 1]!, pj = g.indices[i * k + t - 1]!;
        assert.ok(pd < dv || (pd === dv && pj < j), `row ${i} not sorted at ${t}`);
      }
    }
  }
}

const blobs = makeBlobs({ n: 5000, d: 32, centers: 10, clusterStd: 2, seed: 5 }).x;
const exactBlobs = bruteKnn(blobs, null, 10, 'euclidean');

describe('nnDescent', () => {
  it('nnDescent(blobs 5000 × 32, k = 10) finds ≥ 90 % of the exact neighbours (0.933 measured), with exact distances', () => {
    const g = nnDescent(blobs, { k: 10 });
    const r = recall(g, exactBlobs), ri = idRecall(g, exactBlobs);
    assert.ok(r >= 0.9 && r < 1, `recall ${r}`);
    assert.ok(ri >= 0.9, `id recall ${ri}`);
    assert.ok(g.converged, 'stopped by the δ rule');
    assert.ok(g.iterations >= 1 && g.iterations <= 10, `iterations ${g.iterations}`);
    assert.equal(g.history.length, g.iterations + 1);
    checkLists(g, 5000, true);
    // distances are the exact row formula of distance.ts
    for (let i = 0; i < 5000; i += 97) {
      for (let t = 0; t < 10; t++) {
        const j = g.indices[i * 10 + t]!;
        assert.equal(g.distances[i * 10 + t], Math.sqrt(rdistRows('euclidean', blobs.data, i, 0, blobs.data, j, 0, 32)));
      }
    }
    // much less work than all pairs
    const evals = g.history.reduce((a, h) => a + h.distanceEvaluations, 0);
    assert.ok(evals < 0.25 * 5000 * 4999 / 2, `distance evaluations ${evals}`);
  });

  it('nnDescent(blobs 5000 × 32, k = 15) holds ≥ 95 % of the exact 10 nearest in its first 10 (0.988 measured)', () => {
    const g = nnDescent(blobs, { k: 15 });
    const r = recall(g, exactBlobs);
    assert.ok(r >= 0.95, `recall ${r}`);
    assert.ok(idRecall(g, exactBlobs) >= 0.95, `id recall ${idRecall(g, exactBlobs)}`);
  });

  it('nnDescent(x, {seed}) gives the same graph for the same seed, another for another seed', () => {
    const x = gaussian(1500, 12, 3);
    const a = nnDescent(x, { k: 8, seed: 11 }), b = nnDescent(x, { k: 8, seed: 11 }), c = nnDescent(x, { k: 8, seed: 12 });
    assert.deepEqual(a.indices, b.indices);
    assert.deepEqual(a.distances, b.distances);
    assert.deepEqual(a.history, b.history);
    assert.deepEqual(a.searchIndices, b.searchIndices);
    assert.notDeepEqual(a.history, c.history);
    const ex = bruteKnn(x, null, 8, 'euclidean');
    assert.ok(recall(a, ex) >= 0.9 && recall(c, ex) >= 0.9, `recall ${recall(a, ex)}, ${recall(c, ex)}`);
  });

  it('nnDescent(x, {metric: "cosine"}) matches exact cosine search at ≥ 90 % (≥ 95 % with degree 15) with exact cosine distances', () => {
    const g = nnDescent(blobs, { k: 10, metric: 'cosine' });
    const ex = bruteKnn(blobs, null, 10, 'cosine');
    const r = recall(g, ex);
    assert.ok(r >= 0.9, `recall ${r}`);
    const nn = nearestNeighbors(blobs, { k: 10, metric: 'cosine', algorithm: 'nndescent' });
    assert.ok(recall(nn, ex) >= 0.95, `recall ${recall(nn, ex)}`);
    checkLists(g, 5000, true);
    const n2 = (i: number): number => rdistRows('euclidean', blobs.data, i, 0, new Float32Array(32), 0, 0, 32);
    for (let i = 0; i < 5000; i += 101) {
      const j = g.indices[i * 10]!;
      assert.equal(g.distances[i * 10], rdistRows('cosine', blobs.data, i, n2(i), blobs.data, j, n2(j), 32));
    }
  });

  it('nnDescent(x, {metric: "manhattan"}) matches exact manhattan search at ≥ 95 %', () => {
    const x = gaussian(2000, 8, 9);
    const g = nnDescent(x, { k: 10, metric: 'manhattan' });
    const r = recall(g, bruteKnn(x, null, 10, 'manhattan'));
    assert.ok(r >= 0.95, `recall ${r}`);
  });

  it('nnDescent(x, {leafSize ≥ n}) is exact: the one leaf joins all pairs', () => {
    const x = gaussian(60, 5, 21);
    for (const metric of ['euclidean', 'manhattan', 'cosine'] as const) {
      const g = nnDescent(x, { k: 7, metric, leafSize: 60 });
      const ex = bruteKnn(x, null, 7, metric);
      assert.deepEqual(g.indices, ex.indices, metric);
      assert.deepEqual(g.distances, ex.distances, metric);
    }
  });

  it('nnDescent(x, {rho: 0.5}) samples half the candidates and still reaches ≥ 80 % recall', () => {
    const full = nnDescent(blobs, { k: 10 }), half = nnDescent(blobs, { k: 10, rho: 0.5 });
    const ev = (g: NNDescentGraph): number => g.history.slice(1).reduce((a, h) => a + h.distanceEvaluations, 0) / Math.max(1, g.iterations);
    assert.ok(ev(half) < 0.6 * ev(full), `evaluations per iteration ${ev(half)} vs ${ev(full)}`);
    assert.ok(recall(half, exactBlobs) >= 0.8, `recall ${recall(half, exactBlobs)}`);
  });

  it('nnDescent(x, {maxIterations: 0, nTrees: 0}) returns the random start graph (low recall), more iterations raise it', () => {
    const x = gaussian(3000, 10, 4);
    const ex = bruteKnn(x, null, 10, 'euclidean');
    const r0 = recall(nnDescent(x, { k: 10, maxIterations: 0, nTrees: 0 }), ex);
    const r2 = recall(nnDescent(x, { k: 10, maxIterations: 2, nTrees: 0 }), ex);
    const r10 = recall(nnDescent(x, { k: 10, nTrees: 0 }), ex);
    assert.ok(r0 < 0.05, `random start recall ${r0}`);
    assert.ok(r2 > r0 && r10 >= r2 && r10 >= 0.9, `recall ${r0} → ${r2} → ${r10}`);
  });

  it('nnDescent(x, {onProgress, signal}) reports trees and iterations, and an aborted signal throws ABORTED', () => {
    const seen: string[] = [];
    nnDescent(gaussian(500, 4, 1), { k: 5, nTrees: 3, onProgress: (p) => seen.push(`${p.stage} ${p.done}/${p.total}`) });
    assert.ok(seen.includes('nndescent: trees 3/3'), seen.join(', '));
    assert.ok(seen.includes('nndescent 1/10'), seen.join(', '));
    const ac = new AbortController();
    ac.abort();
    throwsCode(() => nnDescent(gaussian(500, 4, 1), { k: 5, signal: ac.signal }), 'ABORTED', 'nnDescent', 'aborted');
  });

  it('nnDescent(x, bad options) names the parameter', () => {
    const x = gaussian(100, 3, 1);
    throwsCode(() => nnDescent(x, { k: 100 }), 'BAD_OPTION', "option 'k'", '[1, n − 1 = 99]', 'Got 100');
    throwsCode(() => nnDescent(x, { k: 0 }), 'BAD_OPTION', "option 'k'");
    throwsCode(() => nnDescent(x, {} as { k: number }), 'BAD_OPTION', "option 'k' must be given");
    throwsCode(() => nnDescent(x, { k: 5, rho: 0 }), 'BAD_OPTION', "nnDescent: option 'rho' must be a finite number in (0, 1]. Got 0.");
    throwsCode(() => nnDescent(x, { k: 5, rho: 1.5 }), 'BAD_OPTION', "option 'rho'");
    throwsCode(() => nnDescent(x, { k: 5, delta: -0.1 }), 'BAD_OPTION', "option 'delta'", '[0, 1]');
    throwsCode(() => nnDescent(x, { k: 5, maxIterations: 2.5 }), 'BAD_OPTION', "option 'maxIterations'", 'an integer');
    throwsCode(() => nnDescent(x, { k: 5, seed: -1 }), 'BAD_OPTION', "option 'seed'");
    throwsCode(() => nnDescent(x, { k: 5, leafSize: 1 }), 'BAD_OPTION', "option 'leafSize'");
    throwsCode(() => nnDescent(x, { k: 5, metric: 'precomputed' as Metric }), 'BAD_OPTION', "option 'metric'", "'cosine'");
    throwsCode(() => nnDescent(x, { k: 5, epsilon: -1 }), 'BAD_OPTION', "option 'epsilon'");
    throwsCode(() => nnDescent(x, { k: 5, iterations: 3 } as { k: number }), 'UNKNOWN_OPTION', "unknown option 'iterations'");
    throwsCode(() => nnDescent({ data: new Float32Array([1, NaN]), rows: 2, cols: 1 }, { k: 1 }), 'BAD_DATA', 'row 1, column 0');
    throwsCode(() => nnDescent({ data: new Float32Array([1]), rows: 1, cols: 1 }, { k: 1 }), 'BAD_DATA', 'at least 2 rows');
  });

  it('nnDescent(x) gives a graph that survives a JSON round trip and searches alike', () => {
    const x = gaussian(800, 6, 8);
    const g = nnDescent(x, { k: 6 });
    const back = fromJSON<NNDescentGraph>(toJSON(g));
    const q = gaussian(50, 6, 99);
    assert.deepEqual(searchGraph(back, x, q, 5), searchGraph(g, x, q, 5));
  });
});

describe('nearestNeighbors with algorithm "nndescent"', () => {
  it('nearestNeighbors(digits, {k: 10, algorithm: "nndescent"}) finds ≥ 95 % of the exact neighbours', () => {
    const { x } = bundled('digits');
    assert.equal(x.rows, 1797);
    const a = nearestNeighbors(x, { k: 10, algorithm: 'nndescent' });
    const e = nearestNeighbors(x, { k: 10, algorithm: 'brute' });
    assert.equal(a.algorithm, 'nndescent');
    const r = recall(a, e);
    assert.ok(r >= 0.95, `recall ${r}`);
    assert.ok(idRecall(a, e) >= 0.9, `id recall ${idRecall(a, e)}`);
    checkLists(a, 1797, true);
  });

  it('nearestNeighbors(x, {algorithm: "nndescent"}) keeps the exact path\'s self rules: duplicates count, the row itself only with includeSelf', () => {
    const x = gaussian(60, 5, 21);
    x.data.copyWithin(17 * 5, 5 * 5, 6 * 5); // row 17 = row 5
    for (const metric of ['euclidean', 'manhattan', 'cosine'] as const) {
      for (const includeSelf of [false, true]) {
        const a = nearestNeighbors(x, { k: 6, metric, includeSelf, algorithm: 'nndescent', leafSize: 60 });
        const e = nearestNeighbors(x, { k: 6, metric, includeSelf, algorithm: 'brute' });
        assert.deepEqual(a.indices, e.indices, `${metric} includeSelf ${includeSelf}`);
        assert.deepEqual(a.distances, e.distances, `${metric} includeSelf ${includeSelf}`);
      }
    }
    const a = nearestNeighbors(x, { k: 3, algorithm: 'nndescent', leafSize: 60 });
    assert.deepEqual(Array.from(a.indices.subarray(5 * 3, 5 * 3 + 1)), [17]);
    assert.equal(a.distances[5 * 3], 0);
    const s = nearestNeighbors(x, { k: 3, algorithm: 'nndescent', includeSelf: true, leafSize: 60 });
    assert.deepEqual(Array.from(s.indices.subarray(17 * 3, 17 * 3 + 2)), [5, 17]); // ties → lower index
  });

  it('nearestNeighbors(blobs 5000 × 32, {k: 10, algorithm: "nndescent"}) finds ≥ 95 % (degree 15); with includeSelf each row comes first', () => {
    const a0 = nearestNeighbors(blobs, { k: 10, algorithm: 'nndescent' });
    assert.ok(recall(a0, exactBlobs) >= 0.95, `recall ${recall(a0, exactBlobs)}`);
    const a = nearestNeighbors(blobs, { k: 10, algorithm: 'nndescent', includeSelf: true });
    const e = nearestNeighbors(blobs, { k: 10, algorithm: 'brute', includeSelf: true });
    for (let i = 0; i < 5000; i++) assert.equal(a.indices[i * 10], i);
    assert.ok(recall(a, e) >= 0.95, `recall ${recall(a, e)}`);
  });

  it('nearestNeighbors(x, {algorithm: "nndescent", queries}) answers out-of-sample queries at ≥ 95 % recall; a wider ε finds more', () => {
    const all = makeBlobs({ n: 5500, d: 32, centers: 10, clusterStd: 2, seed: 5 }).x;
    const x: Matrix = { data: all.data.subarray(0, 5000 * 32), rows: 5000, cols: 32 };
    const q: Matrix = { data: all.data.subarray(5000 * 32), rows: 500, cols: 32 };
    const e = nearestNeighbors(x, { k: 10, queries: q });
    const a = nearestNeighbors(x, { k: 10, queries: q, algorithm: 'nndescent' });
    assert.ok(recall(a, e) >= 0.95, `recall ${recall(a, e)}`);
    const index = buildIndex(x, { algorithm: 'nndescent', nNeighbors: 10 });
    const r0 = recall(queryKnn(index, q, 10, { epsilon: 0 }), e), r3 = recall(queryKnn(index, q, 10, { epsilon: 0.3 }), e);
    assert.ok(r3 >= r0 && r3 >= 0.95, `recall ε = 0: ${r0}, ε = 0.3: ${r3}`);
    checkLists(queryKnn(index, q, 10), 5000, false);
  });

  it('queryKnn(nndescent index, null, k > nNeighbors) searches the graph for the indexed rows', () => {
    const index = buildIndex(blobs, { algorithm: 'nndescent', nNeighbors: 6 });
    assert.equal(index.algorithm, 'nndescent');
    assert.equal(index.graph!.k, 6);
    const a = queryKnn(index, null, 10), s = queryKnn(index, null, 10, { includeSelf: true });
    checkLists(a, 5000, true);
    assert.ok(recall(a, exactBlobs) >= 0.95, `recall ${recall(a, exactBlobs)}`);
    for (let i = 0; i < 5000; i++) assert.equal(s.indices[i * 10], i);
  });

  it('queryRadius(nndescent index, …) is exact (brute force over the indexed rows)', () => {
    const x = gaussian(400, 4, 2);
    const ia = buildIndex(x, { algorithm: 'nndescent' }), ib = buildIndex(x, { algorithm: 'brute' });
    assert.deepEqual(queryRadius(ia, null, 1.2), queryRadius(ib, null, 1.2));
  });

  it('nearestNeighbors(x) with algorithm "auto" stays exact (KD-tree or brute force)', () => {
    assert.equal(nearestNeighbors(gaussian(200, 3, 1), { k: 3 }).algorithm, 'kd_tree');
    const r = nearestNeighbors(blobs, { k: 10 });
    assert.equal(r.algorithm, 'brute');
    assert.deepEqual(r.indices, exactBlobs.indices);
  });

  it('nearestNeighbors/buildIndex refuse NN-descent options without algorithm "nndescent", and bad values', () => {
    const x = gaussian(100, 3, 1);
    throwsCode(() => nearestNeighbors(x, { k: 3, rho: 0.5 }), 'BAD_OPTION',
      "nearestNeighbors: option 'rho' must be left out unless algorithm is 'nndescent'. Got 0.5 with algorithm 'auto'.");
    throwsCode(() => buildIndex(x, { algorithm: 'kd_tree', seed: 1 }), 'BAD_OPTION', "option 'seed'", "algorithm 'kd_tree'");
    throwsCode(() => nearestNeighbors(x, { k: 3, algorithm: 'nndescent', rho: 2 }), 'BAD_OPTION', "nearestNeighbors: option 'rho'", '(0, 1]');
    throwsCode(() => nearestNeighbors(x, { k: 3, algorithm: 'nndescent', nNeighbors: 100 }), 'BAD_OPTION', "option 'nNeighbors'", 'n − 1 = 99');
    throwsCode(() => nearestNeighbors(x, { k: 100, algorithm: 'nndescent' }), 'BAD_OPTION', "option 'k'", 'n − 1 = 99');
    throwsCode(() => nearestNeighbors(x, { k: 3, algorithm: 'nndescent', metric: 'precomputed' }), 'BAD_OPTION', "option 'algorithm'", "'precomputed'");
    throwsCode(() => nearestNeighbors(x, { k: 3, algorithm: 'hnsw' as 'nndescent' }), 'BAD_OPTION', "option 'algorithm'", "'nndescent'");
    const index = buildIndex(x, { algorithm: 'nndescent' });
    throwsCode(() => queryKnn(index, x, 3, { epsilon: -0.5 }), 'BAD_OPTION', "option 'epsilon'", 'Got -0.5');
    throwsCode(() => queryKnn(index, gaussian(5, 4, 1), 3), 'DIM_MISMATCH', 'must have 3 columns');
  });

  it('nearestNeighbors(x, {algorithm: "nndescent", seed}) is deterministic for a seed', () => {
    const x = gaussian(1000, 20, 6);
    const a = nearestNeighbors(x, { k: 5, algorithm: 'nndescent', seed: 3 });
    const b = nearestNeighbors(x, { k: 5, algorithm: 'nndescent', seed: 3 });
    assert.deepEqual(a, b);
  });
});
