/**
 * Exact neighbour search behind one interface: a KD-tree for Euclidean and Manhattan distances
 * in low dimension, blocked brute force through the kernel layer otherwise (cosine, high d),
 * and a scan of a user-given distance matrix for metric 'precomputed'.
 *
 * All paths give the same answers: distances are the exact row formulas of ./distance.ts in
 * float64 (Euclidean radius tests compare Σ(xₜ − yₜ)² with r², as scikit-learn's trees do),
 * kNN rows are sorted by distance then lower index, and equal distances at the k-th place keep
 * the lower index. Memory: never n × n (except the user's own precomputed matrix).
 *
 * `buildIndex` + `queryKnn` / `queryRadius` / `forEachRadius` / `radiusCounts` serve
 * estimators (DBSCAN, OPTICS, HDBSCAN) that query the same data many times;
 * `nearestNeighbors` and `radiusNeighbors` are the one-call public entries.
 *
 * One approximate path sits behind the same interface: algorithm 'nndescent' (never chosen by
 * 'auto') builds an NN-descent graph (./nndescent.ts) and answers kNN queries in the same layout
 * and distance formulas, with recall < 1; radius queries on such an index run exact brute force.
 */
import { ClusterkitError, badOption } from '../core/errors.js';
import { type Matrix, type MatrixLike, toMatrix, checkData, checkCols } from '../core/matrix.js';
import { resolveOptions, checkIntRange, type OptionSpec } from '../core/options.js';
import {
  type KDTree, type KnnResult, type RadiusResult, buildKDTree, knn, radius, radiusInto, radiusCountAt,
  NeighborBuffer, KHeap, sortPairs, concatRows, toRdist, DEFAULT_LEAF_SIZE,
} from './kdtree.js';
import { bruteKnn, bruteRadius, bruteRadiusVisit } from './brute.js';
import { fromReduced } from './distance.js';
import { type NNDescentGraph, nnDescentMatrix, searchGraph } from './nndescent.js';
import type { RunControl } from '../core/control.js';

/** Distances supported by the neighbour layer; 'precomputed' = x is an n × n distance matrix. */
export type NeighborMetric = 'euclidean' | 'manhattan' | 'cosine' | 'precomputed';
/**
 * 'auto' picks the KD-tree for euclidean/manhattan with d ≤ KD_TREE_MAX_DIM, brute force otherwise
 * (both exact). 'nndescent' is approximate: an NN-descent graph (./nndescent.ts) answers kNN
 * queries with recall < 1 (radius queries on such an index run exact brute force).
 */
export type NeighborAlgorithm = 'auto' | 'kd_tree' | 'brute' | 'nndescent';

/** The structure an index uses. */
export type IndexAlgorithm = 'kd_tree' | 'brute' | 'precomputed' | 'nndescent';

/**
 * Highest dimension for which 'auto' uses the KD-tree (as scikit-learn: brute force above 15).
 * Measured (n = 20 000, k = 10, one thread): on i.i.d. Gaussian rows the tree is 30× faster in
 * 2-D, 2.5× in 8-D and loses from d ≈ 10; on clustered rows (10 Gaussian blobs) it stays 2–4×
 * faster up to d = 24. Real data are clustered, so 16.
 */
export const KD_TREE_MAX_DIM = 16;

/** A built search structure over n rows (plain data). */
export interface NeighborIndex {
  readonly kind: 'neighbor-index';
  readonly metric: NeighborMetric;
  /** The structure used: a KD-tree, blocked brute force, the precomputed matrix, or an NN-descent graph. */
  readonly algorithm: IndexAlgorithm;
  /** Indexed rows, and columns (for precomputed: d = n). */
  readonly n: number;
  readonly d: number;
  /** The data [n × d], or the n × n distance matrix (viewed, not copied). */
  readonly data: Matrix;
  /** The KD-tree when algorithm is 'kd_tree', else null. */
  readonly tree: KDTree | null;
  /** The approximate kNN graph when algorithm is 'nndescent' (absent or null otherwise). */
  readonly graph?: NNDescentGraph | null;
}

/** kNN answer of the public entry: [m × k] neighbours, ascending distance, ties → lower index. */
export interface NeighborsResult extends KnnResult {
  readonly metric: NeighborMetric;
  readonly algorithm: IndexAlgorithm;
}

/** Radius answer of the public entry (CSR rows, see RadiusResult). */
export interface RadiusNeighborsResult extends RadiusResult {
  readonly metric: NeighborMetric;
  readonly algorithm: IndexAlgorithm;
}

export interface IndexOptions extends RunControl {
  /** @defaultValue 'euclidean' */
  metric?: NeighborMetric;
  /** @defaultValue 'auto' */
  algorithm?: NeighborAlgorithm;
  /** KD-tree leaf size (for 'nndescent': rows per random-projection-tree leaf, default max(10, nNeighbors)). @defaultValue 24 */
  leafSize?: number;
  /** 'nndescent' only: neighbours kept per row in the graph, in [1, n − 1]. @defaultValue buildIndex: 15; nearestNeighbors: ⌈1.5·k⌉ (queries null), else max(⌈1.5·k⌉, 15) */
  nNeighbors?: number;
  /** 'nndescent' only: PCG32 seed. @defaultValue 0 */
  seed?: number;
  /** 'nndescent' only: most iterations. @defaultValue 10 */
  maxIterations?: number;
  /** 'nndescent' only: stop when an iteration changes ≤ δ·n·k entries. @defaultValue 0.001 */
  delta?: number;
  /** 'nndescent' only: sampling rate ρ in (0, 1]. @defaultValue 1 */
  rho?: number;
  /** 'nndescent' only: random-projection trees of the start graph. @defaultValue min(16, 4 + round(n^¼ / 2)) */
  nTrees?: number;
  /** 'nndescent' only: search width ε of out-of-sample queries. @defaultValue 0.1 */
  epsilon?: number;
}

export interface NearestNeighborsOptions extends IndexOptions {
  /** Neighbours per query, in [1, available rows]. Required. */
  k: number;
  /** Query rows [m × d] (for 'precomputed': distances [m × n] to the indexed rows); null = the rows of x. @defaultValue null */
  queries?: MatrixLike | null;
  /** With queries null: whether a row is its own neighbour (other rows at distance 0 always count).
   *  @defaultValue false (as scikit-learn's `kneighbors()` without X) */
  includeSelf?: boolean;
}

export interface RadiusNeighborsOptions extends IndexOptions {
  /** Radius (plain distance units, ≥ 0); neighbours have distance ≤ radius. Required. */
  radius: number;
  queries?: MatrixLike | null;
  /** @defaultValue false */
  includeSelf?: boolean;
  /** Sort each row by distance then index; false leaves rows in search order (faster). @defaultValue true */
  sort?: boolean;
}

const METRICS = ['euclidean', 'manhattan', 'cosine', 'precomputed'] as const;
const isMatrixLike = (v: unknown): boolean => v === null || (typeof v === 'object' && v !== null);

const INDEX_SPEC = {
  metric: { type: 'enum', values: METRICS, default: 'euclidean', doc: "distance: 'euclidean', 'manhattan', 'cosine' or 'precomputed' (x is n × n distances)" },
  algorithm: { type: 'enum', values: ['auto', 'kd_tree', 'brute'], default: 'auto', doc: "'kd_tree', 'brute'; 'auto' = kd_tree for euclidean/manhattan with d ≤ 16" },
  leafSize: { type: 'int', min: 1, default: DEFAULT_LEAF_SIZE, doc: 'KD-tree leaf size' },
} as const satisfies OptionSpec;

/** Options of the approximate 'nndescent' algorithm (no defaults here: given only with it). */
const APPROX_SPEC = {
  nNeighbors: { type: 'int', min: 1, doc: "'nndescent': neighbours kept per row in the graph (default 15; nearestNeighbors: ⌈1.5·k⌉)" },
  seed: { type: 'int', min: 0, max: Number.MAX_SAFE_INTEGER, doc: "'nndescent': PCG32 seed (default 0)" },
  maxIterations: { type: 'int', min: 0, doc: "'nndescent': most iterations (default 10)" },
  delta: { type: 'float', min: 0, max: 1, doc: "'nndescent': stop when an iteration changes ≤ δ·n·k entries (default 0.001)" },
  rho: { type: 'float', min: 0, exclusiveMin: true, max: 1, doc: "'nndescent': sampling rate ρ (default 1)" },
  nTrees: { type: 'int', min: 0, max: 256, doc: "'nndescent': random-projection trees of the start graph (default min(16, 4 + round(n^¼ / 2)))" },
  epsilon: { type: 'float', min: 0, doc: "'nndescent': search width ε of out-of-sample queries (default 0.1)" },
} as const satisfies OptionSpec;
const APPROX_KEYS = Object.keys(APPROX_SPEC) as (keyof typeof APPROX_SPEC)[];
/** Graph degree of buildIndex with 'nndescent' when nNeighbors is not given. */
const DEFAULT_GRAPH_K = 15;

/** Index options with 'nndescent' allowed (buildIndex, nearestNeighbors). */
const KNN_INDEX_SPEC = {
  ...INDEX_SPEC,
  algorithm: { type: 'enum', values: ['auto', 'kd_tree', 'brute', 'nndescent'], default: 'auto', doc: "'kd_tree', 'brute' (exact), 'nndescent' (approximate); 'auto' = kd_tree for euclidean/manhattan with d ≤ 16, else brute" },
  ...APPROX_SPEC,
} as const satisfies OptionSpec;

/** Option table of `nearestNeighbors`. */
export const NEAREST_NEIGHBORS_SPEC = {
  k: { type: 'int', min: 1, doc: 'neighbours per query (required)' },
  ...KNN_INDEX_SPEC,
  queries: { type: 'custom', expected: 'a Matrix, an array of rows, or null', check: isMatrixLike, doc: 'query rows (default: the data rows)' },
  includeSelf: { type: 'bool', default: false, doc: 'a data row is its own neighbour (queries null only)' },
} as const satisfies OptionSpec;

/** Option table of `radiusNeighbors`. */
export const RADIUS_NEIGHBORS_SPEC = {
  radius: { type: 'float', min: 0, doc: 'radius, distance ≤ radius (required)' },
  ...INDEX_SPEC,
  queries: { type: 'custom', expected: 'a Matrix, an array of rows, or null', check: isMatrixLike, doc: 'query rows (default: the data rows)' },
  includeSelf: { type: 'bool', default: false, doc: 'a data row is its own neighbour (queries null only)' },
  sort: { type: 'bool', default: true, doc: 'sort each row by distance then index' },
} as const satisfies OptionSpec;

/** Check a precomputed distance matrix: square (when `square`), finite, non-negative. */
export function checkPrecomputed(m: Matrix, where: string, square: boolean, n?: number): void {
  if (square && m.rows !== m.cols) {
    throw new ClusterkitError('BAD_DATA', `${where}: a precomputed distance matrix must be square (n × n). Got ${m.rows} × ${m.cols}.`);
  }
  if (n !== undefined && m.cols !== n) {
    throw new ClusterkitError('DIM_MISMATCH', `${where}: precomputed query distances must have ${n} columns (one per indexed row). Got ${m.cols}.`);
  }
  const a = m.data;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!(v >= 0) || v === Infinity) {
      throw new ClusterkitError('BAD_DATA', `${where}: precomputed distances must be finite and non-negative. Got ${v} at row ${Math.floor(i / m.cols)}, column ${i % m.cols}.`);
    }
  }
}

/**
 * Build the search structure over the rows of x [n × d] (or an n × n distance matrix with
 * metric 'precomputed'). The KD-tree copies the data (float64, tree order); brute force and
 * precomputed view x without copying. Never mutates x.
 *
 * algorithm 'nndescent' builds an approximate kNN graph of `nNeighbors` neighbours per row
 * (./nndescent.ts; views x) that later kNN queries walk: seeded, so the same options give the
 * same index. `onProgress` / `signal` are passed to it. Cost ≈ n·(2ρk)²·d per iteration.
 * @throws BAD_OPTION for a KD-tree with cosine/precomputed, NN-descent with precomputed, or
 *   NN-descent options with another algorithm; BAD_DATA/EMPTY_DATA for bad data.
 */
export function buildIndex(x: MatrixLike, options: IndexOptions = {}, where = 'neighbors'): NeighborIndex {
  const o = resolveOptions<Required<Pick<IndexOptions, 'metric' | 'algorithm' | 'leafSize'>> & IndexOptions>(where, KNN_INDEX_SPEC, options);
  if (o.algorithm !== 'nndescent') {
    for (const key of APPROX_KEYS) {
      if (o[key] !== undefined) {
        throw new ClusterkitError('BAD_OPTION',
          `${where}: option '${key}' must be left out unless algorithm is 'nndescent'. Got ${o[key]} with algorithm '${o.algorithm}'.`, key);
      }
    }
  }
  const X = toMatrix(x, where);
  checkData(X, where);
  if (o.algorithm === 'nndescent') {
    if (o.metric === 'precomputed') badOption(where, 'algorithm', "'auto' or 'brute' with metric 'precomputed'", o.algorithm);
    if (X.rows < 2) throw new ClusterkitError('BAD_DATA', `${where}: data must have at least 2 rows for algorithm 'nndescent'. Got ${X.rows}.`);
    if (o.nNeighbors !== undefined) checkIntRange(where, 'nNeighbors', o.nNeighbors, 1, X.rows - 1, 'n − 1');
    const graph = nnDescentMatrix(X, {
      k: o.nNeighbors ?? Math.min(DEFAULT_GRAPH_K, X.rows - 1), metric: o.metric, seed: o.seed, maxIterations: o.maxIterations,
      delta: o.delta, rho: o.rho, nTrees: o.nTrees, leafSize: options.leafSize, epsilon: o.epsilon, onProgress: o.onProgress, signal: o.signal,
    }, where);
    return { kind: 'neighbor-index', metric: o.metric, algorithm: 'nndescent', n: X.rows, d: X.cols, data: X, tree: null, graph };
  }
  if (o.metric === 'precomputed') {
    checkPrecomputed(X, where, true);
    if (o.algorithm === 'kd_tree') badOption(where, 'algorithm', "'auto' or 'brute' with metric 'precomputed'", o.algorithm);
    return { kind: 'neighbor-index', metric: o.metric, algorithm: 'precomputed', n: X.rows, d: X.cols, data: X, tree: null };
  }
  const treeOk = o.metric === 'euclidean' || o.metric === 'manhattan';
  if (o.algorithm === 'kd_tree' && !treeOk) badOption(where, 'algorithm', "'auto' or 'brute' with metric 'cosine'", o.algorithm);
  const useTree = o.algorithm === 'kd_tree' || (o.algorithm === 'auto' && treeOk && X.cols <= KD_TREE_MAX_DIM);
  const tree = useTree ? buildKDTree(X, o.metric as 'euclidean' | 'manhattan', o.leafSize) : null;
  return { kind: 'neighbor-index', metric: o.metric, algorithm: useTree ? 'kd_tree' : 'brute', n: X.rows, d: X.cols, data: X, tree };
}

/** Resolve query rows against an index (checks columns and finiteness). */
function queryMatrix(index: NeighborIndex, queries: MatrixLike | null | undefined, where: string): Matrix | null {
  if (queries === null || queries === undefined) return null;
  const Q = toMatrix(queries, `${where}: option 'queries'`);
  checkData(Q, `${where}: option 'queries'`);
  if (index.metric === 'precomputed') checkPrecomputed(Q, `${where}: option 'queries'`, false, index.n);
  else checkCols(Q, index.d, `${where}: option 'queries'`);
  return Q;
}

/**
 * k nearest indexed rows of each query (queries [m × d]; null = the indexed rows themselves,
 * each excluded from its own list unless `includeSelf`).
 * On an 'nndescent' index the answer is approximate (same layout, recall < 1): its own graph for
 * the indexed rows when k ≤ its degree, else a graph search of width `epsilon` (default: the
 * index's, 0.1).
 * @returns [m × k] indices and plain distances, ascending, ties → lower index.
 * @throws BAD_OPTION when k exceeds the available rows.
 */
export function queryKnn(index: NeighborIndex, queries: MatrixLike | null, k: number,
  options: { includeSelf?: boolean; epsilon?: number } = {}, where = 'neighbors'): KnnResult {
  const Q = queryMatrix(index, queries, where);
  const includeSelf = options.includeSelf ?? false;
  const avail = Q === null && !includeSelf ? index.n - 1 : index.n;
  checkIntRange(where, 'k', k, 1, avail, Q === null && !includeSelf ? 'n − 1' : 'n');
  if (index.tree) return knn(index.tree, Q, k, { includeSelf });
  if (index.graph) return searchGraph(index.graph, index.data, Q, k, { includeSelf, epsilon: options.epsilon }, where);
  if (index.algorithm === 'brute') return bruteKnn(index.data, Q, k, index.metric as 'euclidean', includeSelf);
  // precomputed: select per row
  const D = Q ?? index.data, n = index.n, m = D.rows;
  const indices = new Int32Array(m * k), distances = new Float64Array(m * k);
  const heap = new KHeap(k);
  for (let i = 0; i < m; i++) {
    heap.reset();
    const self = Q === null && !includeSelf ? i : -1, o = i * n;
    for (let j = 0; j < n; j++) {
      if (j === self) continue;
      const v = D.data[o + j]!;
      if (heap.size < k || v <= heap.dist[0]!) heap.push(v, j);
    }
    heap.drainSorted(null, indices, distances, i * k);
  }
  return { k, indices, distances };
}

/**
 * Radius neighbours (distance ≤ r) of each query, as CSR rows (see RadiusResult); queries null
 * = the indexed rows, each excluded unless `includeSelf`. Memory O(total neighbours).
 */
export function queryRadius(index: NeighborIndex, queries: MatrixLike | null, r: number,
  options: { includeSelf?: boolean; sort?: boolean } = {}, where = 'neighbors'): RadiusResult {
  const Q = queryMatrix(index, queries, where);
  if (!(r >= 0) || !Number.isFinite(r)) badOption(where, 'radius', 'a finite number in [0, inf]', r);
  if (index.tree) return radius(index.tree, Q, r, options);
  if (index.algorithm === 'brute' || index.algorithm === 'nndescent') return bruteRadius(index.data, Q, r, index.metric as 'euclidean', options);
  const D = Q ?? index.data, n = index.n, m = D.rows;
  const indptr = new Int32Array(m + 1), rowsIdx: Int32Array[] = [], rowsDist: Float64Array[] = [];
  let nnz = 0;
  for (let i = 0; i < m; i++) {
    const buf = new NeighborBuffer(), self = Q === null && !options.includeSelf ? i : -1;
    for (let j = 0; j < n; j++) { const v = D.data[i * n + j]!; if (v <= r && j !== self) buf.push(j, v); }
    const ci = buf.idx.slice(0, buf.count), cd = buf.dist.slice(0, buf.count);
    if (options.sort !== false) sortPairs(ci, cd);
    rowsIdx.push(ci); rowsDist.push(cd); nnz += ci.length; indptr[i + 1] = nnz;
  }
  return concatRows(indptr, rowsIdx, rowsDist, nnz);
}

/**
 * Stream the radius neighbourhoods (distance ≤ r) of indexed rows without storing them all:
 * `visit(i, idx, dist, count)` gets row i and its `count` neighbours in `idx[0…count)` with plain
 * distances in `dist` (when `distances` is false, dist may hold −1 for some entries). The arrays
 * are reused after the call returns. Rows: the listed ones, or all (rows null) in an unspecified
 * order. Memory O(largest neighbourhood + block).
 */
export function forEachRadius(index: NeighborIndex, rows: Int32Array | null, r: number,
  options: { includeSelf?: boolean; distances?: boolean },
  visit: (i: number, idx: Int32Array, dist: Float64Array, count: number) => void): void {
  const includeSelf = options.includeSelf ?? false, withDist = options.distances ?? true;
  const metric = index.metric;
  if (index.tree) {
    const tree = index.tree, d = tree.d, rr = toRdist(tree.metric, r), buf = new NeighborBuffer();
    const m = rows ? rows.length : index.n;
    for (let t = 0; t < m; t++) {
      const i = rows ? rows[t]! : tree.index[t]!; // all rows: tree order, for locality
      buf.count = 0;
      radiusInto(tree, tree.points, tree.position[i]! * d, rr, buf, includeSelf ? -1 : i, withDist);
      if (withDist && metric === 'euclidean') for (let u = 0; u < buf.count; u++) buf.dist[u] = Math.sqrt(buf.dist[u]!);
      visit(i, buf.idx, buf.dist, buf.count);
    }
    return;
  }
  if (index.algorithm === 'brute' || index.algorithm === 'nndescent') {
    bruteRadiusVisit(index.data, null, rows, r, metric as 'euclidean', includeSelf, (q, buf) => {
      if (withDist) for (let u = 0; u < buf.count; u++) buf.dist[u] = fromReduced(metric, buf.dist[u]!);
      visit(rows ? rows[q]! : q, buf.idx, buf.dist, buf.count);
    });
    return;
  }
  const D = index.data, n = index.n, buf = new NeighborBuffer();
  const m = rows ? rows.length : n;
  for (let t = 0; t < m; t++) {
    const i = rows ? rows[t]! : t;
    buf.count = 0;
    for (let j = 0; j < n; j++) { const v = D.data[i * n + j]!; if (v <= r && (includeSelf || j !== i)) buf.push(j, v); }
    visit(i, buf.idx, buf.dist, buf.count);
  }
}

/**
 * Σ of weights (count when weights is null) of the indexed rows within distance r of each
 * indexed row, the row itself included: out [n] float64. The KD-tree adds whole boxes inside
 * the ball without distance computations. With non-integer weights the sum's rounding
 * depends on the visit order. With a finite `limit` and non-negative weights, a row's search
 * may stop once its sum reaches the limit (the value is then some sum ≥ limit): enough to test
 * sum ≥ limit, much faster in dense data.
 */
export function radiusCounts(index: NeighborIndex, r: number, weights: Float64Array | null, limit = Infinity): Float64Array {
  const n = index.n, out = new Float64Array(n);
  if (index.tree) {
    const tree = index.tree, d = tree.d, rr = toRdist(tree.metric, r);
    let lim = limit;
    if (weights) for (let i = 0; i < n; i++) if (weights[i]! < 0) { lim = Infinity; break; }
    for (let p = 0; p < n; p++) out[tree.index[p]!] = radiusCountAt(tree, tree.points, p * d, rr, weights, -1, lim);
    return out;
  }
  forEachRadius(index, null, r, { includeSelf: true, distances: false }, (i, idx, _dist, count) => {
    let s = 0;
    if (weights) for (let t = 0; t < count; t++) s += weights[idx[t]!]!;
    else s = count;
    out[i] = s;
  });
  return out;
}

/**
 * Core distances: distance from each indexed row to its `minSamples`-th nearest row counting
 * the row itself (scikit-learn OPTICS / HDBSCAN, R dbscan `minPts`): out [n]. minSamples = 1
 * gives 0. Cost one kNN query per row.
 */
export function coreDistances(index: NeighborIndex, minSamples: number, where = 'neighbors'): Float64Array {
  checkIntRange(where, 'minSamples', minSamples, 1, index.n, 'n');
  const res = queryKnn(index, null, minSamples, { includeSelf: true }, where);
  const out = new Float64Array(index.n);
  for (let i = 0; i < index.n; i++) out[i] = res.distances[i * minSamples + minSamples - 1]!;
  return out;
}

/**
 * k nearest neighbours of query rows, or of every row of x (queries null). Picks the KD-tree
 * for euclidean/manhattan with d ≤ KD_TREE_MAX_DIM ('auto'), else blocked brute force.
 * algorithm 'nndescent' (never picked by 'auto') answers approximately from an NN-descent graph
 * of degree `nNeighbors` (default ⌈1.5·k⌉, for queries at least 15), seeded by `seed`.
 * @param x [n × d] data, or an n × n distance matrix with metric 'precomputed'.
 * @returns indices and distances [m × k] row-major, ascending, ties → lower index.
 * Cost: tree O(n·d·log n) build + ≈ O(m·k·log n) queries in low d; brute O(m·n·d);
 * nndescent ≈ n·(2ρk)²·d per iteration, 5–10 iterations.
 */
export function nearestNeighbors(x: MatrixLike, options: NearestNeighborsOptions): NeighborsResult {
  const where = 'nearestNeighbors';
  if (options === null || typeof options !== 'object' || options.k === undefined) {
    throw new ClusterkitError('BAD_OPTION', `${where}: option 'k' must be given (neighbours per query). Got undefined.`, 'k');
  }
  const o = resolveOptions<Required<Omit<NearestNeighborsOptions, 'queries'>> & Pick<NearestNeighborsOptions, 'queries'>>(where, NEAREST_NEIGHBORS_SPEC, options);
  const io: IndexOptions = {
    metric: o.metric, algorithm: o.algorithm, leafSize: options.leafSize, nNeighbors: o.nNeighbors, seed: o.seed,
    maxIterations: o.maxIterations, delta: o.delta, rho: o.rho, nTrees: o.nTrees, epsilon: o.epsilon, onProgress: o.onProgress, signal: o.signal,
  };
  if (o.algorithm === 'nndescent' && o.nNeighbors === undefined) {
    // Graph degree ⌈1.5·k⌉ (at least 15 to search from): NN-descent's lists settle in local optima,
    // and a longer list holds more of the true k nearest (100 000 × 64 blobs, k = 15: recall
    // 0.92 with degree 15, 0.98 with 22, for ~20 % more time).
    x = toMatrix(x, where);
    const self = o.queries === null || o.queries === undefined, kk = Math.ceil(1.5 * o.k);
    io.nNeighbors = Math.max(1, Math.min(self ? kk : Math.max(kk, DEFAULT_GRAPH_K), x.rows - 1));
  }
  const index = buildIndex(x, io, where);
  const res = queryKnn(index, o.queries ?? null, o.k, { includeSelf: o.includeSelf, epsilon: o.epsilon }, where);
  return { ...res, metric: index.metric, algorithm: index.algorithm };
}

/**
 * Radius neighbours (distance ≤ radius) of query rows, or of every row of x (queries null),
 * as CSR rows. Same structures and exactness as `nearestNeighbors`. Memory O(total neighbours).
 */
export function radiusNeighbors(x: MatrixLike, options: RadiusNeighborsOptions): RadiusNeighborsResult {
  const where = 'radiusNeighbors';
  if (options === null || typeof options !== 'object' || options.radius === undefined) {
    throw new ClusterkitError('BAD_OPTION', `${where}: option 'radius' must be given (a distance ≥ 0). Got undefined.`, 'radius');
  }
  const o = resolveOptions<Required<Omit<RadiusNeighborsOptions, 'queries'>> & Pick<RadiusNeighborsOptions, 'queries'>>(where, RADIUS_NEIGHBORS_SPEC, options);
  const index = buildIndex(x, { metric: o.metric, algorithm: o.algorithm, leafSize: o.leafSize }, where);
  const res = queryRadius(index, o.queries ?? null, o.radius, { includeSelf: o.includeSelf, sort: o.sort }, where);
  return { ...res, metric: index.metric, algorithm: index.algorithm };
}
