/**
 * KD-tree for exact nearest-neighbour and radius search in low dimension (Bentley 1975; the
 * layout follows scikit-learn's `KDTree`: one permutation of the rows, nodes as contiguous
 * position ranges, an axis-aligned bounding box per node).
 *
 * The tree holds a float64 copy of the data in tree order (`points`), so leaf scans run over
 * contiguous memory and distances are exact float64 sums of float64 differences of the float32
 * inputs: Σₜ(xₜ − yₜ)² for 'euclidean' (compared squared, as scikit-learn's `rdist`, then
 * square-rooted), Σₜ|xₜ − yₜ| for 'manhattan'. Node boxes bound these sums monotonically, so
 * pruning never changes a result, ties included.
 *
 * Splits: the dimension of widest spread, at the median position (quickselect), so the tree is
 * balanced (depth ⌈log₂(n / leafSize)⌉) whatever the data. Build O(n·d·log n), memory
 * O(n·d) float64 + O(nodes·d) for the boxes.
 *
 * Ties: k-nearest results are ordered by distance, then by lower row index; equal distances
 * at the k-th place keep the lower index (exactly: the search never prunes a node whose bound
 * equals the current k-th distance).
 */
import { ClusterkitError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { kernelThreads } from '../kernels/runtime.js';
import { parallelChunks, sharedArray, type ParallelTask } from '../kernels/parallel.js';

/** Metrics a KD-tree supports (box bounds in L2 or L1). */
export type KDTreeMetric = 'euclidean' | 'manhattan';

/**
 * The tree as plain data (columnar node table). Node 0 is the root; a leaf has left = −1.
 * Positions p in [nodeStart[v], nodeEnd[v]) hold row `index[p]`, whose coordinates are
 * `points[p·d … p·d + d)`.
 */
export interface KDTree {
  readonly kind: 'kdtree';
  readonly metric: KDTreeMetric;
  /** Rows and columns of the indexed data. */
  readonly n: number;
  readonly d: number;
  readonly leafSize: number;
  /** Data in tree order, float64 [n × d]. */
  readonly points: Float64Array;
  /** Tree position → original row [n]. */
  readonly index: Int32Array;
  /** Original row → tree position [n]. */
  readonly position: Int32Array;
  readonly nodeCount: number;
  /** Per node: first and one-past-last position [nodeCount]. */
  readonly nodeStart: Int32Array;
  readonly nodeEnd: Int32Array;
  /** Per node: children (−1 for a leaf) [nodeCount]. */
  readonly nodeLeft: Int32Array;
  readonly nodeRight: Int32Array;
  /** Per node: bounding box, [nodeCount × d] each. */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

/** k nearest neighbours of m queries, row-major [m × k], ascending distance, ties → lower index. */
export interface KnnResult {
  readonly k: number;
  /** Neighbour rows [m × k] (−1 only when fewer than k candidates exist, which the public API refuses). */
  readonly indices: Int32Array;
  /** Distances [m × k] (plain, not squared). */
  readonly distances: Float64Array;
}

/**
 * Radius neighbours of m queries in compressed-row form: query i's neighbours are
 * `indices[indptr[i] … indptr[i+1])` with `distances[…]` (plain distances), sorted by
 * distance then index unless the query asked for `sort: false` (then in no defined order).
 */
export interface RadiusResult {
  readonly indptr: Int32Array; // [m + 1]
  readonly indices: Int32Array; // [nnz]
  readonly distances: Float64Array; // [nnz]
}

/** Default leaf size: on 200 000 Gaussian rows in 2-D (k = 10) leaves of 8–40 are within 20 %, 16–24 fastest. */
export const DEFAULT_LEAF_SIZE = 24;

/**
 * Build a KD-tree over the rows of x [n × d] (copied into float64 tree order; x is not kept
 * or mutated). Cost O(n·d·log n).
 * @param leafSize maximum points per leaf (≥ 1). @defaultValue 24
 */
export function buildKDTree(x: Matrix, metric: KDTreeMetric = 'euclidean', leafSize: number = DEFAULT_LEAF_SIZE): KDTree {
  const { data, rows: n, cols: d } = x;
  if (!Number.isInteger(leafSize) || leafSize < 1) {
    throw new ClusterkitError('BAD_OPTION', `kdtree: option 'leafSize' must be an integer in [1, inf]. Got ${leafSize}.`, 'leafSize');
  }
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const minLeaf = Math.max(1, Math.floor((leafSize + 1) / 2));
  const maxNodes = 2 * Math.max(1, Math.ceil(n / minLeaf)) + 1;
  const nodeStart = new Int32Array(maxNodes), nodeEnd = new Int32Array(maxNodes);
  const nodeLeft = new Int32Array(maxNodes).fill(-1), nodeRight = new Int32Array(maxNodes).fill(-1);
  const lo = new Float64Array(maxNodes * d), hi = new Float64Array(maxNodes * d);
  let count = 1;
  nodeStart[0] = 0; nodeEnd[0] = n;
  const stack: number[] = [0];
  while (stack.length > 0) {
    const v = stack.pop()!;
    const s = nodeStart[v]!, e = nodeEnd[v]!, o = v * d;
    // bounding box
    for (let t = 0; t < d; t++) { lo[o + t] = Infinity; hi[o + t] = -Infinity; }
    for (let p = s; p < e; p++) {
      const r = perm[p]! * d;
      for (let t = 0; t < d; t++) {
        const val = data[r + t]!;
        if (val < lo[o + t]!) lo[o + t] = val;
        if (val > hi[o + t]!) hi[o + t] = val;
      }
    }
    if (e - s <= leafSize) continue;
    let dim = 0, spread = -1;
    for (let t = 0; t < d; t++) { const w = hi[o + t]! - lo[o + t]!; if (w > spread) { spread = w; dim = t; } }
    const mid = (s + e) >> 1;
    select(perm, data, d, dim, s, e - 1, mid);
    const a = count++, b = count++;
    nodeStart[a] = s; nodeEnd[a] = mid; nodeStart[b] = mid; nodeEnd[b] = e;
    nodeLeft[v] = a; nodeRight[v] = b;
    stack.push(b, a);
  }
  const points = new Float64Array(n * d), position = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const r = perm[p]!;
    position[r] = p;
    for (let t = 0; t < d; t++) points[p * d + t] = data[r * d + t]!;
  }
  return {
    kind: 'kdtree', metric, n, d, leafSize, points, index: perm, position, nodeCount: count,
    nodeStart: nodeStart.slice(0, count), nodeEnd: nodeEnd.slice(0, count),
    nodeLeft: nodeLeft.slice(0, count), nodeRight: nodeRight.slice(0, count),
    lo: lo.slice(0, count * d), hi: hi.slice(0, count * d),
  };
}

/** Quickselect: reorder perm[l..r] so that perm[k] holds the row with the k-th smallest value in column dim. */
function select(perm: Int32Array, data: Float32Array, d: number, dim: number, l: number, r: number, k: number): void {
  while (r > l) {
    // median of three as pivot
    const m = (l + r) >> 1;
    const a = data[perm[l]! * d + dim]!, b = data[perm[m]! * d + dim]!, c = data[perm[r]! * d + dim]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    let i = l, j = r;
    while (i <= j) {
      while (data[perm[i]! * d + dim]! < pivot) i++;
      while (data[perm[j]! * d + dim]! > pivot) j--;
      if (i <= j) { const t = perm[i]!; perm[i] = perm[j]!; perm[j] = t; i++; j--; }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}

/** Reduced distance (squared L2 or L1) from the query q[qo … qo+d) to the box of node v: a lower bound. */
export function minRdist(tree: KDTree, v: number, q: Float64Array, qo: number): number {
  const { d, lo, hi } = tree, o = v * d;
  let s = 0;
  if (tree.metric === 'euclidean') {
    for (let t = 0; t < d; t++) {
      const x = q[qo + t]!, a = lo[o + t]! - x, b = x - hi[o + t]!;
      const g = a > 0 ? a : b > 0 ? b : 0;
      s += g * g;
    }
  } else {
    for (let t = 0; t < d; t++) {
      const x = q[qo + t]!, a = lo[o + t]! - x, b = x - hi[o + t]!;
      s += a > 0 ? a : b > 0 ? b : 0;
    }
  }
  return s;
}

/** Reduced distance from the query to the farthest corner of node v's box: an upper bound. */
export function maxRdist(tree: KDTree, v: number, q: Float64Array, qo: number): number {
  const { d, lo, hi } = tree, o = v * d;
  let s = 0;
  const l2 = tree.metric === 'euclidean';
  for (let t = 0; t < d; t++) {
    const x = q[qo + t]!, a = x - lo[o + t]!, b = hi[o + t]! - x;
    const g = a > b ? (a < 0 ? -a : a) : (b < 0 ? -b : b);
    s += l2 ? g * g : g;
  }
  return s;
}

/** Reduced distance between query q (offset qo) and tree position p. */
export function rdistAt(tree: KDTree, p: number, q: Float64Array, qo: number): number {
  const { d, points } = tree, o = p * d;
  let s = 0;
  if (tree.metric === 'euclidean') {
    for (let t = 0; t < d; t++) { const v = q[qo + t]! - points[o + t]!; s += v * v; }
  } else {
    for (let t = 0; t < d; t++) { const v = q[qo + t]! - points[o + t]!; s += v < 0 ? -v : v; }
  }
  return s;
}

/**
 * Reduced diameter of node v's box (squared L2 or L1 of hi − lo): no two of its points are
 * farther apart (exactly, in the same float64 arithmetic as point distances).
 */
export function boxDiameter(tree: KDTree, v: number): number {
  const { d, lo, hi } = tree, o = v * d;
  let s = 0;
  for (let t = 0; t < d; t++) { const g = hi[o + t]! - lo[o + t]!; s += tree.metric === 'euclidean' ? g * g : g; }
  return s;
}

/** Reduced distance (squared for euclidean) ↔ distance. */
export function toRdist(metric: KDTreeMetric, r: number): number { return metric === 'euclidean' ? r * r : r; }
function fromRdist(metric: KDTreeMetric, r: number): number { return metric === 'euclidean' ? Math.sqrt(r) : r; }

/** Bounded max-heap of (rdist, index), "larger" = larger rdist, then larger index. */
class KHeap {
  size = 0;
  readonly dist: Float64Array;
  readonly idx: Int32Array;
  constructor(readonly k: number) { this.dist = new Float64Array(k); this.idx = new Int32Array(k); }
  reset(): void { this.size = 0; }
  /** Current bound: the k-th rdist when full, else Infinity. */
  bound(): number { return this.size < this.k ? Infinity : this.dist[0]!; }
  push(dv: number, iv: number): void {
    const { dist, idx, k } = this;
    if (this.size < k) {
      let c = this.size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (dist[p]! > dv || (dist[p] === dv && idx[p]! > iv)) break;
        dist[c] = dist[p]!; idx[c] = idx[p]!; c = p;
      }
      dist[c] = dv; idx[c] = iv;
      return;
    }
    if (dv > dist[0]! || (dv === dist[0] && iv > idx[0]!)) return;
    this.siftDown(dv, iv, k); // replace the root
  }
  /** Put (dv, iv) at the root of the first `size` heap slots and sift it down (largest on top, ties: larger index). */
  private siftDown(dv: number, iv: number, size: number): void {
    const { dist, idx } = this;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= size) break;
      let m = l;
      const r = l + 1;
      if (r < size && (dist[r]! > dist[l]! || (dist[r] === dist[l] && idx[r]! > idx[l]!))) m = r;
      if (dist[m]! < dv || (dist[m] === dv && idx[m]! < iv)) break;
      dist[c] = dist[m]!; idx[c] = idx[m]!; c = m;
    }
    dist[c] = dv; idx[c] = iv;
  }
  /**
   * Write the heap sorted ascending (rdist, index) into out[off…off+k), converting to plain
   * distances for `metric` (null = as stored); empties the heap. Missing entries get −1 / Infinity.
   */
  drainSorted(metric: KDTreeMetric | null, outIdx: Int32Array, outDist: Float64Array, off: number): void {
    const { dist, idx } = this;
    for (let t = this.size; t < this.k; t++) { outIdx[off + t] = -1; outDist[off + t] = Infinity; }
    // heap sort: repeatedly move the largest to the end
    while (this.size > 0) {
      const last = --this.size;
      const dTop = dist[0]!, iTop = idx[0]!;
      outIdx[off + last] = iTop;
      outDist[off + last] = metric === 'euclidean' ? Math.sqrt(dTop) : dTop;
      if (last === 0) break;
      this.siftDown(dist[last]!, idx[last]!, last);
    }
  }
}

export { KHeap };

/** Traversal stacks shared by kNN queries (depth-first, ≤ 2 entries per level: < 256 entries). */
/** Relative slack of the kNN distance filter (its rounding differs from the exact sum's by < 2·d·2⁻⁵³ relative). */
const FILTER_SLACK = 1 + 1e-10;
const knnStack = new Int32Array(256);
const knnStackBound = new Float64Array(256);

/**
 * One kNN search for the query at q[qo…] into `heap` (not reset here), skipping row `self`
 * (−1 = none). `limit` is a known upper
 * bound on the k-th reduced distance (Infinity = none): it must be the exact rdist of k distinct
 * candidate rows (computed by `rdistAt`), so pruning boxes and points strictly beyond it never
 * changes the result. Depth-first, nearer child first; a box or point is skipped only when its
 * bound is strictly greater than the current k-th rdist, so ties at the k-th place still reach
 * the heap, which keeps the lower index.
 */
function knnSearch(tree: KDTree, q: Float64Array, qo: number, heap: KHeap, self: number, limit: number): void {
  const { d, points, index, nodeStart, nodeEnd, nodeLeft, nodeRight, lo, hi } = tree;
  const l2 = tree.metric === 'euclidean';
  const k = heap.k, hd = heap.dist;
  // even cut points for the unrolled early-exit scan: h ≤ h2 ≤ d − (d mod 2)
  const h = Math.min(d >> 1 << 1, 2 * Math.round(d / 6)), h2 = Math.max(h, Math.min(d >> 1 << 1, 2 * Math.round(d / 3)));
  const hb = d >> 1;
  const stack = knnStack, sb = knnStackBound;
  let top = 0;
  stack[top] = 0; sb[top] = 0; top++;
  let bnd = heap.size < k ? limit : Math.min(limit, hd[0]!);
  while (top > 0) {
    top--;
    if (sb[top]! > bnd) continue;
    const v = stack[top]!;
    const l = nodeLeft[v]!;
    if (l < 0) {
      const e = nodeEnd[v]!;
      for (let p = nodeStart[v]!; p < e; p++) {
        const o = p * d;
        let s = 0, t = 0;
        if (l2) {
          // filter: two running sums (even / odd terms), early exits after about a third and two
          // thirds of the terms; it differs from the exact sum by a few ulps at most, so points
          // are rejected only beyond bnd·(1 + 1e−10), and survivors get the exact sum below
          const cut = bnd * FILTER_SLACK;
          let s1 = 0;
          for (; t < h; t += 2) { const u = q[qo + t]! - points[o + t]!, w = q[qo + t + 1]! - points[o + t + 1]!; s += u * u; s1 += w * w; }
          if (s + s1 > cut) continue;
          for (; t < h2; t += 2) { const u = q[qo + t]! - points[o + t]!, w = q[qo + t + 1]! - points[o + t + 1]!; s += u * u; s1 += w * w; }
          if (s + s1 > cut) continue;
          for (; t + 1 < d; t += 2) { const u = q[qo + t]! - points[o + t]!, w = q[qo + t + 1]! - points[o + t + 1]!; s += u * u; s1 += w * w; }
          if (t < d) { const u = q[qo + t]! - points[o + t]!; s += u * u; t++; }
          if (s + s1 > cut) continue;
          // exact reduced distance, same summation order as rdistAt
          s = 0;
          for (let c = 0; c < d; c++) { const u = q[qo + c]! - points[o + c]!; s += u * u; }
          if (s > bnd) continue;
        } else {
          for (; t < d; t++) { const u = q[qo + t]! - points[o + t]!; s += u < 0 ? -u : u; if (s > bnd) break; }
        }
        if (t < d) continue;
        const i = index[p]!;
        if (i === self) continue;
        heap.push(s, i);
        if (heap.size === k && hd[0]! < bnd) bnd = hd[0]!;
      }
      continue;
    }
    const r = nodeRight[v]!, ol = l * d, or = r * d;
    let bl = 0, br = 0;
    if (l2) {
      // both children's box bounds; when both are beyond bnd half way, both children are pruned
      // (the sums only grow)
      let t = 0;
      for (; t < hb; t++) {
        const x = q[qo + t]!;
        let a = lo[ol + t]! - x, b = x - hi[ol + t]!;
        let g = a > 0 ? a : b > 0 ? b : 0;
        bl += g * g;
        a = lo[or + t]! - x; b = x - hi[or + t]!;
        g = a > 0 ? a : b > 0 ? b : 0;
        br += g * g;
      }
      if (bl > bnd && br > bnd) continue;
      for (; t < d; t++) {
        const x = q[qo + t]!;
        let a = lo[ol + t]! - x, b = x - hi[ol + t]!;
        let g = a > 0 ? a : b > 0 ? b : 0;
        bl += g * g;
        a = lo[or + t]! - x; b = x - hi[or + t]!;
        g = a > 0 ? a : b > 0 ? b : 0;
        br += g * g;
      }
    } else {
      for (let t = 0; t < d; t++) {
        const x = q[qo + t]!;
        let a = lo[ol + t]! - x, b = x - hi[ol + t]!;
        bl += a > 0 ? a : b > 0 ? b : 0;
        a = lo[or + t]! - x; b = x - hi[or + t]!;
        br += a > 0 ? a : b > 0 ? b : 0;
      }
    }
    // push the farther child first so the nearer one is searched first
    if (bl <= br) {
      if (br <= bnd) { stack[top] = r; sb[top] = br; top++; }
      if (bl <= bnd) { stack[top] = l; sb[top] = bl; top++; }
    } else {
      if (bl <= bnd) { stack[top] = l; sb[top] = bl; top++; }
      if (br <= bnd) { stack[top] = r; sb[top] = br; top++; }
    }
  }
}

/** k nearest rows of the query at q[qo…] into `heap` (reset first), skipping row `self` (−1 = none). */
export function knnInto(tree: KDTree, q: Float64Array, qo: number, heap: KHeap, self: number): void {
  heap.reset();
  knnSearch(tree, q, qo, heap, self, Infinity);
}

/**
 * k nearest neighbours in the tree of each query row (queries [m × d]), or of each indexed row
 * itself when `queries` is null. With `queries` null and `includeSelf` false (the default) a
 * row is never its own neighbour (other rows at distance 0 are). Cost ≈ O(m·k·log n) in low d.
 *
 * Self-queries run in tree order: each query first measures its distances to the previous
 * query's k neighbours (a nearby point, so they give a tight exact upper bound on its k-th
 * distance), then searches the tree pruning by that bound from the start. The result is the
 * same as a plain search (see knnSearch).
 * @returns [m × k] indices and plain distances, ascending, ties → lower index.
 */
export function knn(tree: KDTree, queries: Matrix | null, k: number, options: { includeSelf?: boolean } = {}): KnnResult {
  const { d, n } = tree;
  const self = queries === null && !options.includeSelf;
  const m = queries ? queries.rows : n;
  const heap = new KHeap(k);
  if (queries === null) {
    const leaves = treeLeaves(tree);
    if (n >= PARALLEL_MIN_ROWS && kernelThreads() > 1) {
      // ranges of whole leaves with ≥ CHUNK_ROWS rows each: boundaries fixed by the tree alone
      const bounds: number[] = [0];
      for (let l = 0, rows = 0; l < leaves.length; l++) {
        rows += tree.nodeEnd[leaves[l]!]! - tree.nodeStart[leaves[l]!]!;
        if (rows >= CHUNK_ROWS && l + 1 < leaves.length) { bounds.push(l + 1); rows = 0; }
      }
      bounds.push(leaves.length);
      const args: KnnSelfArgs = {
        tree, k, self, leaves, bounds: Int32Array.from(bounds),
        indices: sharedArray(Int32Array, n * k, 4), distances: sharedArray(Float64Array, n * k, 8),
      };
      parallelChunks(KNN_SELF_TASK, args, bounds.length - 1);
      return { k, indices: args.indices, distances: args.distances };
    }
    const indices = new Int32Array(m * k), distances = new Float64Array(m * k);
    knnSelfLeaves(tree, k, self, leaves, 0, leaves.length, indices, distances);
    return { k, indices, distances };
  }
  const indices = new Int32Array(m * k), distances = new Float64Array(m * k);
  const q = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < d; t++) q[t] = queries!.data[i * d + t]!;
    knnInto(tree, q, 0, heap, -1);
    heap.drainSorted(tree.metric, indices, distances, i * k);
  }
  return { k, indices, distances };
}

/** The leaves of the tree in node order [leaves]. */
export function treeLeaves(tree: KDTree): Int32Array {
  const { nodeLeft, nodeCount } = tree;
  let c = 0;
  for (let v = 0; v < nodeCount; v++) if (nodeLeft[v]! < 0) c++;
  const out = new Int32Array(c);
  c = 0;
  for (let v = 0; v < nodeCount; v++) if (nodeLeft[v]! < 0) out[c++] = v;
  return out;
}

/**
 * The k nearest neighbours of the indexed rows in leaves[from … to) (see `knn`, queries null),
 * written at each row's own place of indices/distances [n × k]. Each query is warm-started from
 * the previous query of the range (none for the first), so any split into ranges gives the same
 * result: the parallel path runs one range per chunk.
 */
export function knnSelfLeaves(tree: KDTree, k: number, self: boolean, leaves: Int32Array, from: number, to: number,
  indices: Int32Array, distances: Float64Array): void {
  const { d, n, points, index, position, nodeStart, nodeEnd } = tree;
  const heap = new KHeap(k);
  const avail = self ? n - 1 : n;
  const seed = new Float64Array(k);
  let prev = -1; // original row of the previous query (its result is in indices[prev·k …])
  for (let l = from; l < to; l++) {
    const v = leaves[l]!;
    const s = nodeStart[v]!, e = nodeEnd[v]!;
    for (let p = s; p < e; p++) {
      const i = index[p]!, qo = p * d, skip = self ? i : -1;
      // warm start: exact rdists to the previous query's k neighbours (k distinct rows ≠ i)
      let limit = Infinity;
      if (prev >= 0 && k <= avail) {
        let c = 0, hasSelf = false;
        for (let t = 0; t < k; t++) {
          const j = indices[prev * k + t]!;
          if (j === skip) { hasSelf = true; continue; }
          seed[c++] = rdistAt(tree, position[j]!, points, qo);
        }
        // i was among them: the previous query itself (never in its own list here) replaces it
        if (hasSelf) seed[c++] = rdistAt(tree, position[prev]!, points, qo);
        if (c === k) { let mx = 0; for (let t = 0; t < k; t++) if (seed[t]! > mx) mx = seed[t]!; limit = mx; }
      }
      heap.reset();
      knnSearch(tree, points, qo, heap, skip, limit);
      heap.drainSorted(tree.metric, indices, distances, i * k);
      prev = i;
    }
  }
}

/** Rows from which `knn` over the indexed rows runs on worker threads; rows per chunk. */
const PARALLEL_MIN_ROWS = 16384;
const CHUNK_ROWS = 2048;

interface KnnSelfArgs {
  tree: KDTree; k: number; self: boolean; leaves: Int32Array; bounds: Int32Array;
  indices: Int32Array; distances: Float64Array;
}

/** Chunk c of the parallel `knn` over the indexed rows (run by src/kernels/parallel.ts workers). */
export function knnSelfChunk(a: KnnSelfArgs, c: number): void {
  knnSelfLeaves(a.tree, a.k, a.self, a.leaves, a.bounds[c]!, a.bounds[c + 1]!, a.indices, a.distances);
}

const KNN_SELF_TASK: ParallelTask<KnnSelfArgs> = { module: import.meta.url, name: 'knnSelfChunk', run: knnSelfChunk };

/** Growable buffer of (index, rdist) pairs used by radius queries. */
export class NeighborBuffer {
  count = 0;
  idx = new Int32Array(64);
  dist = new Float64Array(64);
  push(i: number, r: number): void {
    if (this.count === this.idx.length) {
      const ni = new Int32Array(this.count * 2); ni.set(this.idx); this.idx = ni;
      const nd = new Float64Array(this.count * 2); nd.set(this.dist); this.dist = nd;
    }
    this.idx[this.count] = i; this.dist[this.count++] = r;
  }
}

/**
 * Rows within reduced radius rr (rdist ≤ rr) of the query q[qo…], appended to buf as
 * (row, rdist); row `self` skipped (−1 = none). When `withDist` is false the distances of
 * points in boxes wholly inside the ball are not computed (stored as −1).
 */
export function radiusInto(tree: KDTree, q: Float64Array, qo: number, rr: number, buf: NeighborBuffer, self: number, withDist = true): void {
  const { nodeLeft, nodeRight, nodeStart, nodeEnd, index } = tree;
  const stack = radiusStack;
  let top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const v = stack[--top]!;
    if (minRdist(tree, v, q, qo) > rr) continue;
    const s = nodeStart[v]!, e = nodeEnd[v]!;
    if (!withDist && maxRdist(tree, v, q, qo) <= rr) {
      for (let p = s; p < e; p++) { const i = index[p]!; if (i !== self) buf.push(i, -1); }
      continue;
    }
    const l = nodeLeft[v]!;
    if (l < 0) {
      for (let p = s; p < e; p++) {
        const i = index[p]!;
        if (i === self) continue;
        const r = rdistAt(tree, p, q, qo);
        if (r <= rr) buf.push(i, r);
      }
      continue;
    }
    stack[top++] = nodeRight[v]!;
    stack[top++] = l;
  }
}
/** Traversal stack shared by radius queries (depth ≤ 2·log₂ n + 2 < 128 entries). */
const radiusStack = new Int32Array(256);

/**
 * Σ weights of the rows within reduced radius rr of query q[qo…] (count when weights is null),
 * including any row at distance 0; row `self` skipped (−1 = none). Boxes wholly inside the
 * ball are added without distance computations. Weights are indexed by original row.
 * With a finite `limit` (weights non-negative), the search stops as soon as the sum reaches
 * it and returns a value ≥ limit (nearer boxes are visited first); below the limit the sum is exact.
 */
export function radiusCountAt(tree: KDTree, q: Float64Array, qo: number, rr: number, weights: Float64Array | null, self: number,
  limit = Infinity): number {
  const { nodeLeft, nodeRight, nodeStart, nodeEnd, index } = tree;
  const stack = radiusStack;
  let top = 0, total = 0;
  stack[top++] = 0;
  while (top > 0) {
    const v = stack[--top]!;
    if (minRdist(tree, v, q, qo) > rr) continue;
    const s = nodeStart[v]!, e = nodeEnd[v]!;
    if (maxRdist(tree, v, q, qo) <= rr) {
      if (weights) for (let p = s; p < e; p++) { const i = index[p]!; if (i !== self) total += weights[i]!; }
      else { total += e - s; if (self >= 0 && tree.position[self]! >= s && tree.position[self]! < e) total--; }
      if (total >= limit) return total;
      continue;
    }
    const l = nodeLeft[v]!;
    if (l < 0) {
      for (let p = s; p < e; p++) {
        const i = index[p]!;
        if (i === self) continue;
        if (rdistAt(tree, p, q, qo) <= rr) total += weights ? weights[i]! : 1;
      }
      if (total >= limit) return total;
      continue;
    }
    const r = nodeRight[v]!;
    if (limit !== Infinity && minRdist(tree, r, q, qo) < minRdist(tree, l, q, qo)) { stack[top++] = l; stack[top++] = r; }
    else { stack[top++] = r; stack[top++] = l; }
  }
  return total;
}

/**
 * Radius neighbours (distance ≤ r; for 'euclidean' tested as Σ(x−y)² ≤ r², as scikit-learn's
 * KD-tree does) of each query row, or of each indexed row when `queries` is null (itself
 * excluded unless `includeSelf`). Memory O(total neighbours).
 * @param options.sort order each row by distance then index. @defaultValue true
 */
export function radius(tree: KDTree, queries: Matrix | null, r: number,
  options: { includeSelf?: boolean; sort?: boolean } = {}): RadiusResult {
  const { d, n } = tree;
  const m = queries ? queries.rows : n;
  const rr = toRdist(tree.metric, r);
  const buf = new NeighborBuffer();
  const indptr = new Int32Array(m + 1);
  const q = new Float64Array(d);
  const rowsIdx: Int32Array[] = [], rowsDist: Float64Array[] = [];
  let nnz = 0;
  for (let i = 0; i < m; i++) {
    buf.count = 0;
    if (queries) {
      for (let t = 0; t < d; t++) q[t] = queries.data[i * d + t]!;
      radiusInto(tree, q, 0, rr, buf, -1);
    } else {
      radiusInto(tree, tree.points, tree.position[i]! * d, rr, buf, options.includeSelf ? -1 : i);
    }
    const ci = buf.idx.slice(0, buf.count), cd = buf.dist.slice(0, buf.count);
    if (options.sort !== false) sortPairs(ci, cd);
    for (let t = 0; t < cd.length; t++) cd[t] = fromRdist(tree.metric, cd[t]!);
    rowsIdx.push(ci); rowsDist.push(cd);
    nnz += buf.count;
    indptr[i + 1] = nnz;
  }
  return concatRows(indptr, rowsIdx, rowsDist, nnz);
}

/** Sort (index, dist) pairs in place by dist, then index. */
export function sortPairs(idx: Int32Array, dist: Float64Array): void {
  const m = idx.length;
  if (m < 2) return;
  const order = Array.from({ length: m }, (_, t) => t).sort((a, b) => dist[a]! - dist[b]! || idx[a]! - idx[b]!);
  const ci = idx.slice(), cd = dist.slice();
  for (let t = 0; t < m; t++) { idx[t] = ci[order[t]!]!; dist[t] = cd[order[t]!]!; }
}

/** Join per-row arrays into one CSR result. */
export function concatRows(indptr: Int32Array, rowsIdx: Int32Array[], rowsDist: Float64Array[], nnz: number): RadiusResult {
  const indices = new Int32Array(nnz), distances = new Float64Array(nnz);
  for (let i = 0; i < rowsIdx.length; i++) { indices.set(rowsIdx[i]!, indptr[i]!); distances.set(rowsDist[i]!, indptr[i]!); }
  return { indptr, indices, distances };
}
