/**
 * Approximate k-nearest-neighbour graph by NN-descent (Dong, Charikar & Li 2011, "Efficient
 * k-nearest neighbor graph construction for generic similarity measures", WWW '11), with the
 * refinements that pynndescent (McInnes) made standard:
 *
 * - start from a forest of random-projection trees (each leaf's rows joined all-pairs), the rest
 *   of every row's list filled with random rows;
 * - every list entry carries a new/old flag: only pairs with at least one new member are compared
 *   (the paper's "incremental search"), and a new entry turns old once it was sampled;
 * - candidate lists hold forward and reverse neighbours, at most ⌈ρ·k⌉ of each kind per row,
 *   sampled by random priority (the paper's sampling rate ρ);
 * - stop when an iteration changes fewer than δ·n·k list entries (or after maxIterations).
 *
 * Out-of-sample queries walk a search graph (the kNN graph plus up to k reverse edges per row)
 * best first from the leaf of the first tree that the query falls in, keeping candidates within
 * (1 + ε) × the current k-th distance (pynndescent's `epsilon`).
 *
 * Everything is single-threaded and seeded with the project's PCG32 (`createRng(seed)`): the same
 * seed and data give the same graph, byte for byte. Distances of the returned lists are the exact
 * row formulas of ./distance.ts (float64 sums over the float32 inputs), so results look like the
 * exact path's except that some true neighbours may be missing (recall < 1).
 *
 * Cost: about n·(2ρk)²·d per iteration (less as entries turn old), typically 5–10 iterations;
 * memory O(n·k) plus one tree, O(n·d) float64 at most for its hyperplanes.
 */
import { ClusterkitError } from '../core/errors.js';
import { type Matrix, type MatrixLike, toMatrix, checkData, checkCols } from '../core/matrix.js';
import { resolveOptions, checkIntRange, type OptionSpec } from '../core/options.js';
import { createRng, type Rng } from '../core/rng.js';
import { checkAbort, type RunControl } from '../core/control.js';
import { rdistRows, type RowMetric } from './distance.js';
import type { KnnResult } from './kdtree.js';

/** Options of {@link nnDescent}. */
export interface NNDescentOptions extends RunControl {
  /** Neighbours kept per row (the row itself excluded), in [1, n − 1]. Required. */
  k: number;
  /** @defaultValue 'euclidean' */
  metric?: RowMetric;
  /** Seed of the PCG32 generator (trees, random fill, sampling, query entry points). @defaultValue 0 */
  seed?: number;
  /** Most NN-descent iterations after the tree initialisation. @defaultValue 10 */
  maxIterations?: number;
  /** Stop once an iteration changes at most δ·n·k list entries. @defaultValue 0.001 */
  delta?: number;
  /** Sampling rate ρ: at most ⌈ρ·k⌉ new and ⌈ρ·k⌉ old candidates per row and iteration. @defaultValue 1 */
  rho?: number;
  /** Random-projection trees for the start graph; undefined = min(16, 4 + round(n^¼ / 2)). 0 = random start. */
  nTrees?: number;
  /** Most rows per tree leaf; undefined = max(10, k). */
  leafSize?: number;
  /** Default search width of out-of-sample queries (see {@link searchGraph}). @defaultValue 0.1 */
  epsilon?: number;
}

/** The options in force (defaults filled in; `nTrees`, `leafSize` resolved for the data). */
export interface ResolvedNNDescentOptions {
  readonly k: number;
  readonly metric: RowMetric;
  readonly seed: number;
  readonly maxIterations: number;
  readonly delta: number;
  readonly rho: number;
  readonly nTrees: number;
  readonly leafSize: number;
  readonly epsilon: number;
}

/** Option table of {@link nnDescent}. */
export const NNDESCENT_SPEC = {
  k: { type: 'int', min: 1, doc: 'neighbours per row, self excluded (required), ≤ n − 1' },
  metric: { type: 'enum', values: ['euclidean', 'manhattan', 'cosine'], default: 'euclidean', doc: "distance: 'euclidean', 'manhattan' or 'cosine'" },
  seed: { type: 'int', min: 0, max: Number.MAX_SAFE_INTEGER, default: 0, doc: 'PCG32 seed' },
  maxIterations: { type: 'int', min: 0, default: 10, doc: 'most NN-descent iterations after the tree start' },
  delta: { type: 'float', min: 0, max: 1, default: 0.001, doc: 'stop when an iteration changes ≤ δ·n·k entries' },
  rho: { type: 'float', min: 0, exclusiveMin: true, max: 1, default: 1, doc: 'sampling rate: ⌈ρ·k⌉ new and old candidates per row' },
  nTrees: { type: 'int', min: 0, max: 256, doc: 'random-projection trees for the start graph (default min(16, 4 + round(n^¼ / 2)))' },
  leafSize: { type: 'int', min: 2, doc: 'most rows per tree leaf (default max(10, k))' },
  epsilon: { type: 'float', min: 0, default: 0.1, doc: 'search width of out-of-sample queries: keep candidates within (1 + ε) × the k-th distance' },
} as const satisfies OptionSpec;

/**
 * A random-projection tree as plain data (node table). Internal node v splits by the sign of
 * `offsets[v] + planes[v·d … v·d + d) · x` (negative → left); a leaf (left = −1) holds the rows
 * `points[start[v] … end[v])`. `angular`: hyperplanes through the origin (cosine).
 */
export interface RPTree {
  readonly kind: 'rp-tree';
  readonly angular: boolean;
  readonly d: number;
  readonly nodeCount: number;
  readonly left: Int32Array; // [nodeCount]
  readonly right: Int32Array; // [nodeCount]
  readonly start: Int32Array; // [nodeCount]
  readonly end: Int32Array; // [nodeCount]
  readonly offsets: Float64Array; // [nodeCount]
  readonly planes: Float64Array; // [nodeCount × d] (zero for leaves)
  readonly points: Int32Array; // [n], rows in leaf order
}

/** One NN-descent iteration: list entries changed and distances computed. */
export interface NNDescentIteration {
  readonly iteration: number;
  readonly updates: number;
  readonly distanceEvaluations: number;
}

/** The approximate kNN graph and what search needs (plain data, no methods). */
export interface NNDescentGraph {
  readonly kind: 'nndescent-graph';
  readonly version: 1;
  readonly options: ResolvedNNDescentOptions;
  readonly n: number;
  readonly d: number;
  readonly k: number;
  /** Neighbours of each row [n × k], ascending distance, ties → lower index; never the row itself. */
  readonly indices: Int32Array;
  /** Plain distances [n × k] (exact row formulas of ./distance.ts). */
  readonly distances: Float64Array;
  /** Iterations run after the start graph, and whether the δ rule stopped them. */
  readonly iterations: number;
  readonly converged: boolean;
  /** Start graph (iteration 0) and each iteration. */
  readonly history: readonly NNDescentIteration[];
  /** Search graph for queries, CSR: row i's edges are searchIndices[searchIndptr[i] … searchIndptr[i + 1]). */
  readonly searchIndptr: Int32Array; // [n + 1]
  readonly searchIndices: Int32Array; // [edges] ≤ 2·n·k
  /** The first tree of the start forest: entry points of queries. */
  readonly tree: RPTree;
}

// ------------------------------------------------------------------------------------ distances

/** Reduced distance (squared for euclidean) between row i of a and row j of b; float64 sums in column order. */
type RowDist = (a: Float32Array, i: number, j: number) => number;

/**
 * The distance loops of NN-descent and graph search. Manhattan sums exactly as ./distance.ts
 * (same order, so the same bits). Euclidean keeps four partial sums (≈ 20 % faster in V8) and
 * cosine uses precomputed inverse norms: their last bits may differ from ./distance.ts, so the
 * final lists are re-measured with the exact formulas and re-sorted.
 */
function makeDist(metric: RowMetric, x: Float32Array, d: number, invNorm: Float64Array | null, qInvNorm: () => number): RowDist {
  if (metric === 'euclidean') {
    const d4 = d - (d & 3);
    return (a, i, j) => {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t = 0;
      const ao = i * d, bo = j * d;
      for (; t < d4; t += 4) {
        const v0 = a[ao + t]! - x[bo + t]!, v1 = a[ao + t + 1]! - x[bo + t + 1]!;
        const v2 = a[ao + t + 2]! - x[bo + t + 2]!, v3 = a[ao + t + 3]! - x[bo + t + 3]!;
        s0 += v0 * v0; s1 += v1 * v1; s2 += v2 * v2; s3 += v3 * v3;
      }
      for (; t < d; t++) { const v = a[ao + t]! - x[bo + t]!; s0 += v * v; }
      return (s0 + s1) + (s2 + s3);
    };
  }
  if (metric === 'manhattan') {
    return (a, i, j) => {
      let s = 0;
      const ao = i * d, bo = j * d;
      for (let t = 0; t < d; t++) { const v = a[ao + t]! - x[bo + t]!; s += v < 0 ? -v : v; }
      return s;
    };
  }
  const inv = invNorm!;
  return (a, i, j) => {
    let s = 0;
    const ao = i * d, bo = j * d;
    for (let t = 0; t < d; t++) s += a[ao + t]! * x[bo + t]!;
    const f = (a === x ? inv[i]! : qInvNorm()) * inv[j]!;
    if (f === 0) return 1;
    const v = 1 - s * f;
    return v < 0 ? 0 : v > 2 ? 2 : v;
  };
}

function inverseNorms(x: Float32Array, n: number, d: number): Float64Array {
  const inv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = i * d, e = t + d; t < e; t++) s += x[t]! * x[t]!;
    inv[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  return inv;
}

function squaredNorms(x: Float32Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = i * d, e = t + d; t < e; t++) s += x[t]! * x[t]!;
    out[i] = s;
  }
  return out;
}

// ------------------------------------------------------------------------------------ bounded heaps

/**
 * Push (dv, j) into row i's neighbour list, a max-heap of K slots at offset i·K (empty slots:
 * index −1, distance Infinity). Kept only when dv is below the current largest and j is not in
 * the list. Returns 1 when the list changed.
 */
function heapPush(hIdx: Int32Array, hDist: Float64Array, hFlag: Uint8Array, K: number, i: number, dv: number, j: number, flag: number): number {
  const o = i * K;
  if (!(dv < hDist[o]!)) return 0;
  for (let t = o, e = o + K; t < e; t++) if (hIdx[t] === j) return 0;
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= K) break;
    let m = l;
    if (l + 1 < K && hDist[o + l + 1]! > hDist[o + l]!) m = l + 1;
    if (hDist[o + m]! <= dv) break;
    hDist[o + c] = hDist[o + m]!; hIdx[o + c] = hIdx[o + m]!; hFlag[o + c] = hFlag[o + m]!;
    c = m;
  }
  hDist[o + c] = dv; hIdx[o + c] = j; hFlag[o + c] = flag;
  return 1;
}

/** Candidate list push: keep the M entries of lowest random priority, no duplicates (max-heap on priority). */
function candPush(cIdx: Int32Array, cPri: Float64Array, M: number, i: number, pr: number, j: number): void {
  const o = i * M;
  if (!(pr < cPri[o]!)) return;
  for (let t = o, e = o + M; t < e; t++) if (cIdx[t] === j) return;
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= M) break;
    let m = l;
    if (l + 1 < M && cPri[o + l + 1]! > cPri[o + l]!) m = l + 1;
    if (cPri[o + m]! <= pr) break;
    cPri[o + c] = cPri[o + m]!; cIdx[o + c] = cIdx[o + m]!;
    c = m;
  }
  cPri[o + c] = pr; cIdx[o + c] = j;
}

// ------------------------------------------------------------------------------------ RP trees

/**
 * Build one random-projection tree over the rows of x (pynndescent's split: the hyperplane
 * halfway between two random rows of the node, or through the origin between their directions
 * for `angular`; rows on the plane go to a random side; a split leaving one side empty becomes
 * a split of the node's rows in two halves). Calls `onLeaf(points, start, end)` for each leaf.
 * Keeps the node table when `keep` (else returns null). Cost O(n·d·depth).
 */
function buildRPTree(x: Float32Array, n: number, d: number, angular: boolean, invNorm: Float64Array | null,
  leafSize: number, rng: Rng, keep: boolean, onLeaf: (points: Int32Array, s: number, e: number) => void): RPTree | null {
  const points = new Int32Array(n);
  for (let i = 0; i < n; i++) points[i] = i;
  const left: number[] = [], right: number[] = [], start: number[] = [], end: number[] = [], offsets: number[] = [];
  const planeOf: number[] = []; // node → plane slot (−1 for leaves)
  const planeStore: Float64Array[] = [];
  const plane = new Float64Array(d), margin = new Float64Array(n), side = new Uint8Array(n);
  const newNode = (s: number, e: number): number => {
    left.push(-1); right.push(-1); start.push(s); end.push(e); offsets.push(0); planeOf.push(-1);
    return left.length - 1;
  };
  const stack: number[] = [newNode(0, n)];
  const tmp = new Int32Array(n);
  while (stack.length > 0) {
    const v = stack.pop()!, s = start[v]!, e = end[v]!, cnt = e - s;
    if (cnt <= leafSize) { onLeaf(points, s, e); continue; }
    const ia = points[s + rng.int(cnt)]!;
    let ib = points[s + rng.int(cnt - 1)]!;
    if (ib === ia) ib = points[e - 1]!; // the draw skipped the last slot: use it for the repeated row
    let offset = 0;
    const ao = ia * d, bo = ib * d;
    if (angular) {
      const fa = invNorm![ia]!, fb = invNorm![ib]!;
      for (let t = 0; t < d; t++) plane[t] = x[ao + t]! * fa - x[bo + t]! * fb;
    } else {
      for (let t = 0; t < d; t++) {
        const diff = x[ao + t]! - x[bo + t]!;
        plane[t] = diff;
        offset -= diff * (x[ao + t]! + x[bo + t]!) / 2;
      }
    }
    let nl = 0;
    for (let p = s; p < e; p++) {
      const r = points[p]! * d;
      let m = offset;
      for (let t = 0; t < d; t++) m += plane[t]! * x[r + t]!;
      margin[p] = m;
      const sd = m < 0 ? 0 : m > 0 ? 1 : rng.nextU32() & 1;
      side[p] = sd;
      if (sd === 0) nl++;
    }
    if (nl === 0 || nl === cnt) {
      // degenerate split (all rows on one side): halves in the current order
      nl = cnt >> 1;
      for (let p = s; p < e; p++) side[p] = p - s < nl ? 0 : 1;
    }
    // stable partition of points[s … e) by side
    let a = s, b = 0;
    for (let p = s; p < e; p++) { if (side[p] === 0) points[a++] = points[p]!; else tmp[b++] = points[p]!; }
    for (let q = 0; q < b; q++) points[a + q] = tmp[q]!;
    const l = newNode(s, s + nl), r = newNode(s + nl, e);
    left[v] = l; right[v] = r; offsets[v] = offset;
    if (keep) { planeOf[v] = planeStore.length; planeStore.push(plane.slice()); }
    stack.push(r, l);
  }
  if (!keep) return null;
  const nodeCount = left.length, planes = new Float64Array(nodeCount * d);
  for (let v = 0; v < nodeCount; v++) if (planeOf[v]! >= 0) planes.set(planeStore[planeOf[v]!]!, v * d);
  return {
    kind: 'rp-tree', angular, d, nodeCount, left: Int32Array.from(left), right: Int32Array.from(right),
    start: Int32Array.from(start), end: Int32Array.from(end), offsets: Float64Array.from(offsets), planes, points,
  };
}

/** Leaf of `tree` that row qi of q [· × d] falls in (margin 0 → left). Returns the node. */
function descend(tree: RPTree, q: Float32Array, qi: number): number {
  const d = tree.d, qo = qi * d;
  let v = 0;
  while (tree.left[v]! >= 0) {
    let m = tree.offsets[v]!;
    const po = v * d;
    for (let t = 0; t < d; t++) m += tree.planes[po + t]! * q[qo + t]!;
    v = m > 0 ? tree.right[v]! : tree.left[v]!;
  }
  return v;
}

// ------------------------------------------------------------------------------------ NN-descent

/**
 * Approximate k nearest neighbours of every row of x [n × d] by NN-descent (see the module
 * comment). x is viewed, not copied or mutated.
 * @returns the graph: indices and plain distances [n × k] (ascending, ties → lower index, the
 *   row itself never listed; other rows at distance 0 may be), plus the search structure.
 * @throws BAD_OPTION for bad options (k > n − 1 included); BAD_DATA / EMPTY_DATA for bad data;
 *   ABORTED when `signal` fires (checked between trees and iterations).
 * Cost about n·(2ρk)²·d distance terms per iteration; memory O(n·k) + the first tree.
 */
export function nnDescent(x: MatrixLike, options: NNDescentOptions): NNDescentGraph {
  const where = 'nnDescent';
  if (options === null || typeof options !== 'object' || options.k === undefined) {
    throw new ClusterkitError('BAD_OPTION', `${where}: option 'k' must be given (neighbours per row). Got undefined.`, 'k');
  }
  const X = toMatrix(x, where);
  checkData(X, where);
  return nnDescentMatrix(X, options, where);
}

/** nnDescent on a checked Matrix; `where` names the public entry in messages. */
export function nnDescentMatrix(X: Matrix, options: NNDescentOptions, where: string): NNDescentGraph {
  const o = resolveOptions<Required<Omit<NNDescentOptions, 'nTrees' | 'leafSize' | 'onProgress' | 'signal'>> & NNDescentOptions>(where, NNDESCENT_SPEC, options);
  const { data: x0, rows: n, cols: d } = X;
  if (n < 2) throw new ClusterkitError('BAD_DATA', `${where}: data must have at least 2 rows for a neighbour graph. Got ${n}.`);
  checkIntRange(where, 'k', o.k, 1, n - 1, 'n − 1');
  const K = o.k, metric = o.metric;
  const nTrees = o.nTrees ?? Math.min(16, 4 + Math.round(n ** 0.25 / 2));
  const leafSize = o.leafSize ?? Math.max(10, K);
  const resolved: ResolvedNNDescentOptions = {
    k: K, metric, seed: o.seed, maxIterations: o.maxIterations, delta: o.delta, rho: o.rho, nTrees, leafSize, epsilon: o.epsilon,
  };
  const rng = createRng(o.seed);
  const invNorm0 = metric === 'cosine' ? inverseNorms(x0, n, d) : null;
  const hIdx = new Int32Array(n * K).fill(-1), hDist = new Float64Array(n * K).fill(Infinity), hFlag = new Uint8Array(n * K);
  const history: NNDescentIteration[] = [];
  let evals = 0, updates = 0;

  // ---- start graph: RP-tree leaves joined all-pairs, then random fill
  const onLeaf = (pts: Int32Array, s: number, e: number): void => {
    for (let a = s; a < e; a++) {
      const p = pts[a]!;
      for (let b = a + 1; b < e; b++) {
        const q = pts[b]!, dv = dist(x, p, q);
        updates += heapPush(hIdx, hDist, hFlag, K, p, dv, q, 1) + heapPush(hIdx, hDist, hFlag, K, q, dv, p, 1);
      }
      evals += e - a - 1;
    }
  };
  // Tree 0 is kept for queries. Its leaf order also becomes the working row order: NN-descent
  // compares rows that are mostly near each other, so rows in tree order share cache lines and
  // pages (a float32 copy of x; results are mapped back to the caller's row numbers at the end).
  const tree = buildRPTree(x0, n, d, metric === 'cosine', invNorm0, leafSize, rng.fork(0), true, () => {})!;
  const toOrig = tree.points, toWork = new Int32Array(n);
  for (let p = 0; p < n; p++) toWork[toOrig[p]!] = p;
  const x = new Float32Array(n * d);
  for (let p = 0; p < n; p++) x.set(x0.subarray(toOrig[p]! * d, toOrig[p]! * d + d), p * d);
  const invNorm = metric === 'cosine' ? inverseNorms(x, n, d) : null;
  const dist = makeDist(metric, x, d, invNorm, () => 0);
  if (nTrees > 0) {
    // tree 0's leaves are consecutive runs of the working order
    const ident = new Int32Array(n);
    for (let p = 0; p < n; p++) ident[p] = p;
    for (let v = 0; v < tree.nodeCount; v++) if (tree.left[v]! < 0) onLeaf(ident, tree.start[v]!, tree.end[v]!);
  }
  for (let t = 1; t < nTrees; t++) {
    checkAbort(o.signal, where);
    buildRPTree(x, n, d, metric === 'cosine', invNorm, leafSize, rng.fork(t), false, onLeaf);
    o.onProgress?.({ stage: 'nndescent: trees', done: t + 1, total: nTrees });
  }
  const fill = rng.fork(1_000_003);
  for (let i = 0; i < n; i++) {
    const oi = i * K;
    // empty slots are Infinity; after a full list the root is finite
    for (let tries = 0; hDist[oi]! === Infinity && tries < 4 * K + 16; tries++) {
      const j = fill.int(n);
      if (j === i) continue;
      const dv = dist(x, i, j);
      evals++;
      updates += heapPush(hIdx, hDist, hFlag, K, i, dv, j, 1);
    }
    if (hDist[oi]! === Infinity) {
      // small n or bad luck: scan rows in order until the list is full
      for (let j = 0; j < n && hDist[oi]! === Infinity; j++) {
        if (j === i) continue;
        evals++;
        heapPush(hIdx, hDist, hFlag, K, i, dist(x, i, j), j, 1);
      }
    }
  }
  history.push({ iteration: 0, updates, distanceEvaluations: evals });

  // ---- NN-descent iterations
  const M = Math.max(1, Math.min(K, Math.ceil(o.rho * K)));
  const newIdx = new Int32Array(n * M), newPri = new Float64Array(n * M);
  const oldIdx = new Int32Array(n * M), oldPri = new Float64Array(n * M);
  const nList = new Int32Array(M), oList = new Int32Array(M);
  const sample = rng.fork(2_000_003);
  let iterations = 0, converged = false;
  for (let it = 1; it <= o.maxIterations; it++) {
    checkAbort(o.signal, where);
    // Sampling priorities: 2·n·k draws per iteration, from xorshift32 (Marsaglia 2003) seeded by
    // the PCG32 stream: PCG32 in 32-bit halves allocates per draw, this is a few integer ops.
    let xs = sample.nextU32() | 1;
    newIdx.fill(-1); newPri.fill(Infinity); oldIdx.fill(-1); oldPri.fill(Infinity);
    for (let i = 0; i < n; i++) {
      for (let t = i * K, e = t + K; t < e; t++) {
        const j = hIdx[t]!;
        if (j < 0) continue;
        xs ^= xs << 13; xs ^= xs >>> 17; xs ^= xs << 5;
        const pr = xs >>> 0;
        if (hFlag[t] === 1) { candPush(newIdx, newPri, M, i, pr, j); candPush(newIdx, newPri, M, j, pr, i); }
        else { candPush(oldIdx, oldPri, M, i, pr, j); candPush(oldIdx, oldPri, M, j, pr, i); }
      }
    }
    // sampled new entries turn old
    for (let i = 0; i < n; i++) {
      const co = i * M;
      for (let t = i * K, e = t + K; t < e; t++) {
        if (hFlag[t] !== 1) continue;
        const j = hIdx[t]!;
        for (let u = co; u < co + M; u++) if (newIdx[u] === j) { hFlag[t] = 0; break; }
      }
    }
    let c = 0, ev = 0;
    for (let i = 0; i < n; i++) {
      let nn = 0, no = 0;
      for (let u = i * M, e = u + M; u < e; u++) {
        const a = newIdx[u]!, b = oldIdx[u]!;
        if (a >= 0) nList[nn++] = a;
        if (b >= 0) oList[no++] = b;
      }
      for (let a = 0; a < nn; a++) {
        const p = nList[a]!;
        for (let b = a + 1; b < nn; b++) {
          const q = nList[b]!;
          const dv = dist(x, p, q);
          ev++;
          if (dv < hDist[p * K]! || dv < hDist[q * K]!) {
            c += heapPush(hIdx, hDist, hFlag, K, p, dv, q, 1) + heapPush(hIdx, hDist, hFlag, K, q, dv, p, 1);
          }
        }
        for (let b = 0; b < no; b++) {
          const q = oList[b]!;
          if (q === p) continue;
          const dv = dist(x, p, q);
          ev++;
          if (dv < hDist[p * K]! || dv < hDist[q * K]!) {
            c += heapPush(hIdx, hDist, hFlag, K, p, dv, q, 1) + heapPush(hIdx, hDist, hFlag, K, q, dv, p, 1);
          }
        }
      }
    }
    evals += ev;
    iterations = it;
    history.push({ iteration: it, updates: c, distanceEvaluations: ev });
    o.onProgress?.({ stage: 'nndescent', done: it, total: o.maxIterations });
    if (c <= o.delta * n * K) { converged = true; break; }
  }

  // ---- final lists in the caller's row numbers: exact distances, sorted by (distance, index)
  const norms2 = metric === 'cosine' ? squaredNorms(x0, n, d) : null;
  const indices = new Int32Array(n * K), distances = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    const o2 = i * K, w = toWork[i]! * K;
    for (let t = 0; t < K; t++) {
      const j = toOrig[hIdx[w + t]!]!;
      indices[o2 + t] = j;
      distances[o2 + t] = metric !== 'manhattan' ? rdistRows(metric, x0, i, norms2 ? norms2[i]! : 0, x0, j, norms2 ? norms2[j]! : 0, d) : hDist[w + t]!;
    }
    sortRow(indices, distances, o2, K);
    if (metric === 'euclidean') for (let t = o2; t < o2 + K; t++) distances[t] = Math.sqrt(distances[t]!);
  }
  const { indptr, adj } = searchGraphOf(indices, distances, n, K);
  return {
    kind: 'nndescent-graph', version: 1, options: resolved, n, d, k: K, indices, distances,
    iterations, converged, history, searchIndptr: indptr, searchIndices: adj, tree,
  };
}

/** Insertion sort of idx/dist[o … o + len) by (distance, index). */
function sortRow(idx: Int32Array, dist: Float64Array, o: number, len: number): void {
  for (let a = o + 1; a < o + len; a++) {
    const dv = dist[a]!, iv = idx[a]!;
    let b = a - 1;
    while (b >= o && (dist[b]! > dv || (dist[b] === dv && idx[b]! > iv))) { dist[b + 1] = dist[b]!; idx[b + 1] = idx[b]!; b--; }
    dist[b + 1] = dv; idx[b + 1] = iv;
  }
}

/**
 * Search graph: each row's k graph neighbours, then up to k rows that list it (reverse edges,
 * nearest first, ties → lower index), without repeats. CSR over n rows.
 */
function searchGraphOf(indices: Int32Array, distances: Float64Array, n: number, K: number): { indptr: Int32Array; adj: Int32Array } {
  const rc = new Int32Array(n + 1);
  for (let e = 0; e < n * K; e++) rc[indices[e]! + 1]!++;
  for (let i = 0; i < n; i++) rc[i + 1]! += rc[i]!;
  const rIdx = new Int32Array(n * K), rDist = new Float64Array(n * K), fillAt = rc.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let t = i * K; t < i * K + K; t++) { const j = indices[t]!, p = fillAt[j]!++; rIdx[p] = i; rDist[p] = distances[t]!; }
  }
  const indptr = new Int32Array(n + 1), adj = new Int32Array(2 * n * K), stamp = new Int32Array(n).fill(-1);
  let m = 0;
  for (let i = 0; i < n; i++) {
    stamp[i] = i;
    for (let t = i * K; t < i * K + K; t++) { const j = indices[t]!; if (stamp[j] !== i) { stamp[j] = i; adj[m++] = j; } }
    const s = rc[i]!, len = rc[i + 1]! - s;
    // reverse rows were filled in increasing i, so they are index-ordered; sort by distance (stable on index)
    sortRow(rIdx, rDist, s, len);
    let added = 0;
    for (let p = s; p < s + len && added < K; p++) { const j = rIdx[p]!; if (stamp[j] !== i) { stamp[j] = i; adj[m++] = j; added++; } }
    indptr[i + 1] = m;
  }
  return { indptr, adj: adj.slice(0, m) };
}

// ------------------------------------------------------------------------------------ search

/** Options of {@link searchGraph}. */
export interface GraphSearchOptions {
  /** Search width ε ≥ 0: candidates within (1 + ε) × the current k-th distance are expanded. @defaultValue graph.options.epsilon */
  epsilon?: number;
  /** With queries null: whether a row is its own neighbour. @defaultValue false */
  includeSelf?: boolean;
}

/**
 * Approximate k nearest rows of `data` (the [n × d] rows the graph was built on) for each query
 * row ([m × d]), or for each data row when `queries` is null (the row itself excluded unless
 * `includeSelf`, other rows at distance 0 kept, as the exact path does).
 *
 * With queries null and k ≤ graph.k the graph's own lists answer (no search). Otherwise a
 * best-first walk of the search graph starts from the query's leaf in the first RP tree (plus
 * random rows up to k + 1 starts; for data rows: the row and its graph neighbours).
 * @returns [m × k] indices and plain distances (exact formulas), ascending, ties → lower index.
 * Cost per query ≈ visited rows × d; larger ε visits more rows and finds more true neighbours.
 */
export function searchGraph(graph: NNDescentGraph, data: Matrix, queries: Matrix | null, k: number,
  options: GraphSearchOptions = {}, where = 'searchGraph'): KnnResult {
  const { n, d } = graph;
  const metric = graph.options.metric;
  if (data.rows !== n || data.cols !== d) {
    throw new ClusterkitError('DIM_MISMATCH', `${where}: data must be the ${n} × ${d} rows the graph was built on. Got ${data.rows} × ${data.cols}.`);
  }
  if (queries) checkCols(queries, d, `${where}: queries`);
  const epsilon = options.epsilon ?? graph.options.epsilon;
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) {
    throw new ClusterkitError('BAD_OPTION', `${where}: option 'epsilon' must be a finite number in [0, inf]. Got ${epsilon}.`, 'epsilon');
  }
  const includeSelf = options.includeSelf ?? false;
  const skipSelf = queries === null && !includeSelf;
  checkIntRange(where, 'k', k, 1, skipSelf ? n - 1 : n, skipSelf ? 'n − 1' : 'n');
  const x = data.data;
  const m = queries ? queries.rows : n;
  const indices = new Int32Array(m * k), distances = new Float64Array(m * k);
  const norms2 = metric === 'cosine' ? squaredNorms(x, n, d) : null;
  const qNorms2 = metric === 'cosine' && queries ? squaredNorms(queries.data, m, d) : norms2;

  if (queries === null && k <= graph.k) {
    // the graph answers; with includeSelf the row joins its list at its exact self-distance
    for (let i = 0; i < m; i++) {
      const o = i * k, go = i * graph.k;
      if (!includeSelf) {
        indices.set(graph.indices.subarray(go, go + k), o);
        distances.set(graph.distances.subarray(go, go + k), o);
        continue;
      }
      const selfD = rdistRows(metric, x, i, norms2 ? norms2[i]! : 0, x, i, norms2 ? norms2[i]! : 0, d);
      const sd = metric === 'euclidean' ? Math.sqrt(selfD) : selfD;
      let t = 0, g = 0;
      for (let u = 0; u < k; u++) {
        const gd = graph.distances[go + g]!, gi = graph.indices[go + g]!;
        if (t === 0 && (g >= graph.k || sd < gd || (sd === gd && i < gi))) { indices[o + u] = i; distances[o + u] = sd; t = 1; }
        else { indices[o + u] = gi; distances[o + u] = gd; g++; }
      }
    }
    return { k, indices, distances };
  }

  const qdata = queries ? queries.data : x;
  const invNorm = metric === 'cosine' ? inverseNorms(x, n, d) : null;
  let qInv = 0;
  const dist = makeDist(metric, x, d, invNorm, () => qInv);
  const qInvAll = metric === 'cosine' && queries ? inverseNorms(queries.data, m, d) : invNorm;
  const scale = metric === 'euclidean' ? (1 + epsilon) * (1 + epsilon) : 1 + epsilon;
  const stamp = new Int32Array(n).fill(-1);
  const rIdx = new Int32Array(k), rDist = new Float64Array(k);
  let cap = 1024, cDist = new Float64Array(cap), cIdx = new Int32Array(cap);
  const rng = createRng(graph.options.seed).fork(3_000_017);
  const { searchIndptr: ip, searchIndices: adj, tree } = graph;
  const nStart = Math.min(n, k + 1);

  for (let qi = 0; qi < m; qi++) {
    const self = queries === null ? qi : -1, excl = skipSelf ? qi : -1;
    if (qInvAll) qInv = qInvAll[qi]!;
    rIdx.fill(-1); rDist.fill(Infinity);
    let cn = 0; // candidate min-heap size
    const visit = (j: number): void => {
      stamp[j] = qi;
      const dv = dist(qdata, qi, j);
      if (j !== excl && dv < rDist[0]!) heapPushPlain(rIdx, rDist, k, dv, j);
      // candidate push (min-heap)
      if (cn === cap) {
        cap *= 2;
        const nd = new Float64Array(cap); nd.set(cDist); cDist = nd;
        const ni = new Int32Array(cap); ni.set(cIdx); cIdx = ni;
      }
      let c = cn++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (cDist[p]! <= dv) break;
        cDist[c] = cDist[p]!; cIdx[c] = cIdx[p]!; c = p;
      }
      cDist[c] = dv; cIdx[c] = j;
    };
    // starts
    let started = 0;
    if (self >= 0) {
      visit(self); started++;
      for (let e = ip[self]!; e < ip[self + 1]!; e++) { const j = adj[e]!; if (stamp[j] !== qi) { visit(j); started++; } }
    } else {
      const leaf = descend(tree, qdata, qi);
      for (let p = tree.start[leaf]!; p < tree.end[leaf]!; p++) { const j = tree.points[p]!; if (stamp[j] !== qi) { visit(j); started++; } }
    }
    for (let tries = 0; started < nStart && tries < 8 * nStart; tries++) {
      const j = rng.int(n);
      if (stamp[j] !== qi) { visit(j); started++; }
    }
    for (let j = 0; started < nStart && j < n; j++) if (stamp[j] !== qi) { visit(j); started++; }
    // best-first walk
    while (cn > 0) {
      const dc = cDist[0]!, c = cIdx[0]!;
      // pop the root
      cn--;
      if (cn > 0) {
        const dv = cDist[cn]!, iv = cIdx[cn]!;
        let h = 0;
        for (;;) {
          const l = 2 * h + 1;
          if (l >= cn) break;
          let s = l;
          if (l + 1 < cn && cDist[l + 1]! < cDist[l]!) s = l + 1;
          if (cDist[s]! >= dv) break;
          cDist[h] = cDist[s]!; cIdx[h] = cIdx[s]!; h = s;
        }
        cDist[h] = dv; cIdx[h] = iv;
      }
      if (dc > rDist[0]! * scale) break;
      for (let e = ip[c]!, ee = ip[c + 1]!; e < ee; e++) {
        const j = adj[e]!;
        if (stamp[j] === qi) continue;
        stamp[j] = qi;
        const dv = dist(qdata, qi, j);
        if (dv >= rDist[0]! * scale) continue;
        if (j !== excl && dv < rDist[0]!) heapPushPlain(rIdx, rDist, k, dv, j);
        if (cn === cap) {
          cap *= 2;
          const nd = new Float64Array(cap); nd.set(cDist); cDist = nd;
          const ni = new Int32Array(cap); ni.set(cIdx); cIdx = ni;
        }
        let h = cn++;
        while (h > 0) {
          const p = (h - 1) >> 1;
          if (cDist[p]! <= dv) break;
          cDist[h] = cDist[p]!; cIdx[h] = cIdx[p]!; h = p;
        }
        cDist[h] = dv; cIdx[h] = j;
      }
    }
    // exact distances, sorted
    const o = qi * k;
    for (let t = 0; t < k; t++) {
      const j = rIdx[t]!;
      indices[o + t] = j;
      distances[o + t] = metric !== 'manhattan' ? rdistRows(metric, qdata, qi, qNorms2 ? qNorms2[qi]! : 0, x, j, norms2 ? norms2[j]! : 0, d) : rDist[t]!;
    }
    sortRow(indices, distances, o, k);
    if (metric === 'euclidean') for (let t = o; t < o + k; t++) distances[t] = Math.sqrt(distances[t]!);
  }
  return { k, indices, distances };
}

/** Push into a k-slot max-heap of (distance, index) whose empty slots are Infinity (caller checked dv < root). */
function heapPushPlain(idx: Int32Array, dist: Float64Array, K: number, dv: number, j: number): void {
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= K) break;
    let m = l;
    if (l + 1 < K && dist[l + 1]! > dist[l]!) m = l + 1;
    if (dist[m]! <= dv) break;
    dist[c] = dist[m]!; idx[c] = idx[m]!; c = m;
  }
  dist[c] = dv; idx[c] = j;
}
