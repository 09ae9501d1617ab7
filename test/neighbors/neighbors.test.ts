import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import {
  nearestNeighbors, radiusNeighbors, buildIndex, buildKDTree, knn, radius, forEachRadius, radiusCounts, coreDistances,
  queryKnn,
} from '../../src/neighbors/index.js';
import { throwsCode } from '../helpers/errors.js';

function randomMatrix(n: number, d: number, seed: number, grid = 0): Matrix {
  const rng = createRng(seed), data = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) data[i] = grid > 0 ? rng.int(grid) : rng.normal();
  return { data, rows: n, cols: d };
}

type Metric = 'euclidean' | 'manhattan' | 'cosine';
/** Independent scalar reference: float64 distance of two rows by the plain definition. */
function dist(metric: Metric, a: Matrix, i: number, b: Matrix, j: number): number {
  const d = a.cols;
  let s = 0, na = 0, nb = 0;
  for (let t = 0; t < d; t++) {
    const u = a.data[i * d + t]!, v = b.data[j * d + t]!;
    if (metric === 'euclidean') s += (u - v) * (u - v);
    else if (metric === 'manhattan') s += Math.abs(u - v);
    else { s += u * v; na += u * u; nb += v * v; }
  }
  if (metric === 'euclidean') return Math.sqrt(s);
  if (metric === 'manhattan') return s;
  const den = Math.sqrt(na) * Math.sqrt(nb);
  return den > 0 ? Math.min(2, Math.max(0, 1 - s / den)) : 1;
}

/** Reference kNN: all distances of a row, then k scans for the smallest (distance, index). */
function refKnn(metric: Metric, x: Matrix, q: Matrix | null, k: number, includeSelf: boolean): { idx: number[][]; dist: number[][] } {
  const Q = q ?? x, idx: number[][] = [], dd: number[][] = [];
  const all = new Float64Array(x.rows);
  for (let i = 0; i < Q.rows; i++) {
    for (let j = 0; j < x.rows; j++) all[j] = q || includeSelf || j !== i ? dist(metric, Q, i, x, j) : Infinity;
    const ri: number[] = [], rd: number[] = [];
    for (let t = 0; t < k; t++) {
      let b = -1;
      for (let j = 0; j < x.rows; j++) if (all[j]! < Infinity && (b < 0 || all[j]! < all[b]!)) b = j;
      ri.push(b); rd.push(all[b]!); all[b] = Infinity;
    }
    idx.push(ri); dd.push(rd);
  }
  return { idx, dist: dd };
}

function assertKnnEqual(res: { indices: Int32Array; distances: Float64Array; k: number }, ref: { idx: number[][]; dist: number[][] }): void {
  const k = res.k;
  for (let i = 0; i < ref.idx.length; i++) {
    assert.deepEqual(Array.from(res.indices.subarray(i * k, i * k + k)), ref.idx[i], `row ${i} indices`);
    const got = Array.from(res.distances.subarray(i * k, i * k + k));
    for (let t = 0; t < k; t++) assert.ok(Math.abs(got[t]! - ref.dist[i]![t]!) <= 1e-12 * (1 + ref.dist[i]![t]!), `row ${i} distance ${t}`);
  }
}

describe('neighbors: k nearest neighbours', () => {
  for (const d of [2, 5, 20]) {
    it(`knn(tree, null, k) on 2000 random rows in ${d}-D equals the reference for k = 1 and 10 (tree and brute)`, () => {
      const x = randomMatrix(2000, d, d * 100);
      const ref = refKnn('euclidean', x, null, 10, false);
      const ref1 = { idx: ref.idx.map((r) => r.slice(0, 1)), dist: ref.dist.map((r) => r.slice(0, 1)) };
      const tree = buildKDTree(x);
      assertKnnEqual(knn(tree, null, 10), ref);
      assertKnnEqual(knn(tree, null, 1), ref1);
      assertKnnEqual(nearestNeighbors(x, { k: 10, algorithm: 'brute' }), ref);
      assertKnnEqual(nearestNeighbors(x, { k: 1, algorithm: 'brute' }), ref1);
    });
  }

  it('nearestNeighbors(x, {k: 10}) resolves exact ties by the lower index on integer grid data (tree and brute)', () => {
    const x = randomMatrix(1500, 2, 7, 12); // 144 grid cells: duplicates and equal distances everywhere
    for (const includeSelf of [false, true]) {
      const ref = refKnn('euclidean', x, null, 10, includeSelf);
      assertKnnEqual(nearestNeighbors(x, { k: 10, algorithm: 'kd_tree', includeSelf, leafSize: 5 }), ref);
      assertKnnEqual(nearestNeighbors(x, { k: 10, algorithm: 'brute', includeSelf }), ref);
    }
    const refL1 = refKnn('manhattan', x, null, 10, false);
    assertKnnEqual(nearestNeighbors(x, { k: 10, metric: 'manhattan', algorithm: 'kd_tree' }), refL1);
    assertKnnEqual(nearestNeighbors(x, { k: 10, metric: 'manhattan', algorithm: 'brute' }), refL1);
  });

  it('nearestNeighbors(x, {metric: "manhattan"}) with the tree equals brute force in 3-D and 7-D', () => {
    for (const d of [3, 7]) {
      const x = randomMatrix(1200, d, d), q = randomMatrix(300, d, 99);
      const ref = refKnn('manhattan', x, q, 5, false);
      assertKnnEqual(nearestNeighbors(x, { k: 5, metric: 'manhattan', queries: q, algorithm: 'kd_tree' }), ref);
      assertKnnEqual(nearestNeighbors(x, { k: 5, metric: 'manhattan', queries: q, algorithm: 'brute' }), ref);
    }
  });

  it('nearestNeighbors(x, {metric: "cosine"}) equals the plain formula, a zero row at distance 1 from all', () => {
    const x = randomMatrix(900, 12, 3);
    x.data.fill(0, 5 * 12, 6 * 12); // row 5 is zero
    const res = nearestNeighbors(x, { k: 7, metric: 'cosine' });
    assert.equal(res.algorithm, 'brute');
    assertKnnEqual(res, refKnn('cosine', x, null, 7, false));
    assert.deepEqual(Array.from(res.distances.subarray(5 * 7, 6 * 7)), [1, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual(Array.from(res.indices.subarray(5 * 7, 6 * 7)), [0, 1, 2, 3, 4, 6, 7]);
  });

  it('nearestNeighbors(x, {queries}) on far-from-origin data keeps exact distances (tree = brute = reference)', () => {
    const x = randomMatrix(1000, 4, 11);
    for (let i = 0; i < x.data.length; i++) x.data[i] = 1000 + x.data[i]! * 0.01;
    const q = randomMatrix(50, 4, 12);
    for (let i = 0; i < q.data.length; i++) q.data[i] = 1000 + q.data[i]! * 0.01;
    const ref = refKnn('euclidean', x, q, 10, false);
    assertKnnEqual(nearestNeighbors(x, { k: 10, queries: q, algorithm: 'kd_tree' }), ref);
    assertKnnEqual(nearestNeighbors(x, { k: 10, queries: q, algorithm: 'brute' }), ref);
  });

  it('nearestNeighbors(D, {metric: "precomputed"}) takes neighbours from the distance matrix', () => {
    const x = randomMatrix(200, 3, 5), n = 200;
    const D = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * n + j] = dist('euclidean', x, i, x, j);
    const res = nearestNeighbors({ data: D, rows: n, cols: n }, { k: 6, metric: 'precomputed' });
    assert.equal(res.algorithm, 'precomputed');
    const tree = nearestNeighbors(x, { k: 6 });
    assert.deepEqual(res.indices, tree.indices);
    for (let i = 0; i < res.distances.length; i++) assert.equal(res.distances[i], Math.fround(tree.distances[i]!));
  });

  it('nearestNeighbors(x, {algorithm: "auto"}) uses the tree up to 16 columns and brute force above', () => {
    assert.equal(nearestNeighbors(randomMatrix(100, 16, 1), { k: 2 }).algorithm, 'kd_tree');
    assert.equal(nearestNeighbors(randomMatrix(100, 17, 1), { k: 2 }).algorithm, 'brute');
    assert.equal(nearestNeighbors(randomMatrix(100, 2, 1), { k: 2, metric: 'cosine' }).algorithm, 'brute');
  });

  it('coreDistances(index, m) is the distance to the m-th neighbour counting the row itself', () => {
    const x = randomMatrix(500, 2, 8);
    const index = buildIndex(x);
    const core = coreDistances(index, 5);
    const ref = refKnn('euclidean', x, null, 4, false);
    for (let i = 0; i < 500; i++) assert.equal(core[i], ref.dist[i]![3]);
    assert.deepEqual(Array.from(coreDistances(index, 1)), new Array(500).fill(0));
  });

  it('the tree is plain data: a JSON round trip answers the same queries', () => {
    const x = randomMatrix(300, 3, 4);
    const tree = buildKDTree(x, 'euclidean', 16);
    const back = fromJSON<typeof tree>(toJSON(tree));
    assert.deepEqual(knn(back, null, 4), knn(tree, null, 4));
    assert.ok(tree.nodeCount >= 2 * Math.ceil(300 / 16) - 1);
  });
});

describe('neighbors: radius queries', () => {
  function refRadius(metric: Metric, x: Matrix, q: Matrix | null, r: number, includeSelf: boolean): number[][] {
    const Q = q ?? x, out: number[][] = [];
    for (let i = 0; i < Q.rows; i++) {
      const row: number[] = [];
      for (let j = 0; j < x.rows; j++) {
        if (!q && !includeSelf && i === j) continue;
        // euclidean: compare squared sums with r², as the implementation documents
        let s = 0;
        for (let t = 0; t < x.cols; t++) { const v = Q.data[i * x.cols + t]! - x.data[j * x.cols + t]!; s += metric === 'euclidean' ? v * v : Math.abs(v); }
        if (metric === 'euclidean' ? s <= r * r : metric === 'manhattan' ? s <= r : dist(metric, Q, i, x, j) <= r) row.push(j);
      }
      out.push(row);
    }
    return out;
  }
  const asSets = (res: { indptr: Int32Array; indices: Int32Array }): number[][] =>
    Array.from({ length: res.indptr.length - 1 }, (_, i) => Array.from(res.indices.subarray(res.indptr[i]!, res.indptr[i + 1]!)).sort((a, b) => a - b));

  for (const [d, r] of [[2, 0.2], [5, 1.0], [20, 4.5]] as const) {
    it(`radiusNeighbors(x, {radius: ${r}}) on 2000 rows in ${d}-D gives the same sets with the tree and brute force`, () => {
      const x = randomMatrix(2000, d, d + 1);
      const ref = refRadius('euclidean', x, null, r, false);
      const a = radiusNeighbors(x, { radius: r, algorithm: 'kd_tree' }), b = radiusNeighbors(x, { radius: r, algorithm: 'brute' });
      assert.deepEqual(asSets(a), ref);
      assert.deepEqual(asSets(b), ref);
      assert.deepEqual(a.indices, b.indices); // both sorted by distance then index
      assert.deepEqual(a.distances, b.distances);
      const total = ref.reduce((s, row) => s + row.length, 0);
      assert.ok(total > 2000, `radius ${r} should find neighbours (found ${total})`);
    });
  }

  it('radiusNeighbors(x, {radius, includeSelf: true}) on grid data includes points exactly at the radius', () => {
    const x = randomMatrix(800, 2, 21, 10);
    for (const metric of ['euclidean', 'manhattan'] as const) {
      const ref = refRadius(metric, x, null, 2, true);
      assert.deepEqual(asSets(radiusNeighbors(x, { radius: 2, metric, includeSelf: true, algorithm: 'kd_tree', leafSize: 3 })), ref);
      assert.deepEqual(asSets(radiusNeighbors(x, { radius: 2, metric, includeSelf: true, algorithm: 'brute' })), ref);
    }
  });

  it('radiusNeighbors(x, {metric: "cosine", queries}) equals the plain formula', () => {
    const x = randomMatrix(700, 8, 31), q = randomMatrix(40, 8, 32);
    assert.deepEqual(asSets(radiusNeighbors(x, { radius: 0.4, metric: 'cosine', queries: q })), refRadius('cosine', x, q, 0.4, false));
  });

  it('forEachRadius and radiusCounts agree with radiusNeighbors, weighted counts sum the weights', () => {
    const x = randomMatrix(1000, 2, 41);
    for (const algorithm of ['kd_tree', 'brute'] as const) {
      const index = buildIndex(x, { algorithm });
      const full = radiusNeighbors(x, { radius: 0.3, includeSelf: true, algorithm });
      const seen = new Int32Array(1000).fill(-1);
      forEachRadius(index, null, 0.3, { includeSelf: true, distances: false }, (i, _idx, _d, count) => { seen[i] = count; });
      const counts = radiusCounts(index, 0.3, null);
      const w = Float64Array.from({ length: 1000 }, (_, i) => i % 3);
      const wc = radiusCounts(index, 0.3, w);
      const capped = radiusCounts(index, 0.3, null, 5); // exact below 5, some value ≥ 5 otherwise
      for (let i = 0; i < 1000; i++) assert.ok(counts[i]! < 5 ? capped[i] === counts[i] : capped[i]! >= 5 && capped[i]! <= counts[i]!);
      for (let i = 0; i < 1000; i++) {
        const c = full.indptr[i + 1]! - full.indptr[i]!;
        assert.equal(seen[i], c);
        assert.equal(counts[i], c);
        let s = 0;
        for (let t = full.indptr[i]!; t < full.indptr[i + 1]!; t++) s += w[full.indices[t]!]!;
        assert.equal(wc[i], s);
      }
      const some = Int32Array.from([5, 1, 999]);
      const got: number[] = [];
      forEachRadius(index, some, 0.3, {}, (i, idx, dd, count) => {
        got.push(i);
        for (let t = 0; t < count; t++) assert.ok(dd[t]! <= 0.3 && idx[t] !== i);
      });
      assert.deepEqual(got, [5, 1, 999]);
    }
  });

  it('radius(tree, q, r) for far queries returns empty rows, and queryKnn on one row works', () => {
    const x = randomMatrix(100, 2, 51);
    const tree = buildKDTree(x);
    const res = radius(tree, { data: Float32Array.from([100, 100]), rows: 1, cols: 2 }, 1);
    assert.deepEqual(Array.from(res.indptr), [0, 0]);
    const one = queryKnn(buildIndex({ data: Float32Array.from([1, 2]), rows: 1, cols: 2 }), null, 1, { includeSelf: true });
    assert.deepEqual(Array.from(one.indices), [0]);
    assert.deepEqual(Array.from(one.distances), [0]);
  });
});

describe('neighbors: errors', () => {
  const x = randomMatrix(20, 3, 1);
  it('nearestNeighbors(x, {k: 20}) refuses k above n − 1 (the row itself excluded)', () => {
    throwsCode(() => nearestNeighbors(x, { k: 20 }), 'BAD_OPTION', "option 'k'", 'n − 1 = 19', 'Got 20');
    assert.equal(nearestNeighbors(x, { k: 20, includeSelf: true }).k, 20);
  });
  it('nearestNeighbors(x, {}) requires k and names bad options', () => {
    throwsCode(() => nearestNeighbors(x, {} as never), 'BAD_OPTION', "option 'k'");
    throwsCode(() => nearestNeighbors(x, { k: 2, metric: 'cosinus' as never }), 'BAD_OPTION', "option 'metric'", 'cosinus');
    throwsCode(() => nearestNeighbors(x, { k: 2, metric: 'cosine', algorithm: 'kd_tree' }), 'BAD_OPTION', "option 'algorithm'");
    throwsCode(() => nearestNeighbors(x, { k: 2, leafSize: 0 }), 'BAD_OPTION', "option 'leafSize'");
    throwsCode(() => nearestNeighbors(x, { k: 2, foo: 1 } as never), 'UNKNOWN_OPTION', "'foo'");
    throwsCode(() => radiusNeighbors(x, { radius: -1 }), 'BAD_OPTION', "option 'radius'", 'Got -1');
  });
  it('nearestNeighbors refuses wrong query columns, non-square or negative precomputed matrices, NaN data', () => {
    throwsCode(() => nearestNeighbors(x, { k: 2, queries: [[1, 2]] }), 'DIM_MISMATCH', 'must have 3 columns', 'Got 2');
    throwsCode(() => nearestNeighbors(x, { k: 2, metric: 'precomputed' }), 'BAD_DATA', 'square', 'Got 20 × 3');
    throwsCode(() => nearestNeighbors([[0, -1], [1, 0]], { k: 1, metric: 'precomputed' }), 'BAD_DATA', 'non-negative', 'row 0, column 1');
    throwsCode(() => nearestNeighbors([[0, NaN], [1, 0]], { k: 1 }), 'BAD_DATA', 'finite', 'row 0, column 1');
  });
});
