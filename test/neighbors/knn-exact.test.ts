import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';
import { buildKDTree, knn, knnInto, KHeap, nearestNeighbors, coreDistances, buildIndex } from '../../src/neighbors/index.js';

/**
 * Clustered integer grid data with many exact ties: `centers` integer centres in [0, 40)^d, each
 * row a centre plus integer offsets in [−2, 2], and a block of `dups` identical rows (more than
 * k rows at distance 0 from each other).
 */
function gridClusters(n: number, d: number, seed: number, centers = 6, dups = 25): Matrix {
  const rng = createRng(seed), data = new Float32Array(n * d);
  const c = Array.from({ length: centers * d }, () => rng.int(40));
  for (let i = 0; i < n; i++) {
    const g = i < dups ? 0 : rng.int(centers);
    for (let t = 0; t < d; t++) data[i * d + t] = c[g * d + t]! + (i < dups ? 0 : rng.int(5) - 2);
  }
  // shuffle rows so duplicates and clusters are spread over the row indices
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    for (let t = 0; t < d; t++) { const v = data[i * d + t]!; data[i * d + t] = data[j * d + t]!; data[j * d + t] = v; }
  }
  return { data, rows: n, cols: d };
}

/** Plain brute-force reference: float64 Σ (x − y)² (or |x − y|) in column order, sorted by (distance, index). */
function bruteRef(x: Matrix, q: Matrix | null, k: number, includeSelf: boolean, metric: 'euclidean' | 'manhattan') {
  const Q = q ?? x, d = x.cols, idx = new Int32Array(Q.rows * k), dist = new Float64Array(Q.rows * k);
  const order = Array.from({ length: x.rows }, (_, j) => j), all = new Float64Array(x.rows);
  for (let i = 0; i < Q.rows; i++) {
    for (let j = 0; j < x.rows; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const u = Q.data[i * d + t]! - x.data[j * d + t]!;
        s += metric === 'euclidean' ? u * u : Math.abs(u);
      }
      all[j] = q === null && !includeSelf && j === i ? Infinity : s;
    }
    const o = order.slice().sort((a, b) => all[a]! - all[b]! || a - b);
    if (k > o.length) throw new Error('k too large');
    for (let t = 0; t < k; t++) {
      idx[i * k + t] = o[t]!;
      dist[i * k + t] = metric === 'euclidean' ? Math.sqrt(all[o[t]!]!) : all[o[t]!]!;
    }
  }
  return { idx, dist };
}

/** The first k of each row of a reference computed with kk ≥ k neighbours. */
function prefix(ref: { idx: Int32Array; dist: Float64Array }, kk: number, k: number): { idx: Int32Array; dist: Float64Array } {
  const m = ref.idx.length / kk, idx = new Int32Array(m * k), dist = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let t = 0; t < k; t++) { idx[i * k + t] = ref.idx[i * kk + t]!; dist[i * k + t] = ref.dist[i * kk + t]!; }
  return { idx, dist };
}

function assertSame(got: { indices: Int32Array; distances: Float64Array }, ref: { idx: Int32Array; dist: Float64Array }, what: string): void {
  assert.deepEqual(Array.from(got.indices), Array.from(ref.idx), `${what}: indices`);
  // distances must be bit-identical (same float64 sums), not merely close
  assert.deepEqual(Array.from(got.distances), Array.from(ref.dist), `${what}: distances`);
}

describe('neighbors: optimised KD-tree kNN equals brute force exactly', () => {
  for (const d of [2, 5, 10]) {
    it(`knn(tree, null, k) on clustered integer grid data in ${d}-D equals plain brute force for k = 1, 5, 20 (ties → lower index)`, () => {
      const x = gridClusters(600, d, 31 + d);
      const refs = [false, true].map((includeSelf) => bruteRef(x, null, 20, includeSelf, 'euclidean'));
      for (const leafSize of [1, 5, 24]) {
        const tree = buildKDTree(x, 'euclidean', leafSize);
        for (const k of [1, 5, 20]) {
          for (const includeSelf of [false, true]) {
            assertSame(knn(tree, null, k, { includeSelf }), prefix(refs[includeSelf ? 1 : 0]!, 20, k),
              `d=${d} leaf=${leafSize} k=${k} self=${includeSelf}`);
          }
        }
      }
    });
  }

  it('knn(tree, queries, k) and the manhattan tree equal plain brute force on grid data with ties', () => {
    const x = gridClusters(600, 5, 7), q = gridClusters(150, 5, 8, 6, 3);
    const rq = bruteRef(x, q, 20, false, 'euclidean'), rm = bruteRef(x, null, 20, false, 'manhattan');
    for (const k of [1, 5, 20]) {
      assertSame(knn(buildKDTree(x), q, k), prefix(rq, 20, k), `queries k=${k}`);
      assertSame(knn(buildKDTree(x, 'manhattan', 8), null, k), prefix(rm, 20, k), `manhattan k=${k}`);
    }
  });

  it('nearestNeighbors, coreDistances and knnInto agree with brute force on 10-D clustered grid data', () => {
    const x = gridClusters(500, 10, 99);
    const ref = bruteRef(x, null, 20, true, 'euclidean');
    const cd = coreDistances(buildIndex(x), 20);
    for (let i = 0; i < x.rows; i++) assert.equal(cd[i], ref.dist[i * 20 + 19], `row ${i} core distance`);
    const nn = nearestNeighbors(x, { k: 5 });
    assertSame(nn, prefix(bruteRef(x, null, 20, false, 'euclidean'), 20, 5), 'nearestNeighbors k=5');
    // single query through knnInto (no warm start)
    const tree = buildKDTree(x), heap = new KHeap(20), oi = new Int32Array(20), od = new Float64Array(20);
    knnInto(tree, tree.points, tree.position[3]! * 10, heap, -1);
    heap.drainSorted('euclidean', oi, od, 0);
    assert.deepEqual(Array.from(oi), Array.from(ref.idx.subarray(60, 80)));
    assert.deepEqual(Array.from(od), Array.from(ref.dist.subarray(60, 80)));
  });

  it('knn(tree, null, n − 1) returns every other row, including k equal to all available rows', () => {
    const x = gridClusters(40, 3, 5, 2, 10);
    const tree = buildKDTree(x, 'euclidean', 4);
    assertSame(knn(tree, null, 39), bruteRef(x, null, 39, false, 'euclidean'), 'k = n − 1');
    assertSame(knn(tree, null, 40, { includeSelf: true }), bruteRef(x, null, 40, true, 'euclidean'), 'k = n with self');
  });
});
