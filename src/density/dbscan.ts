/**
 * DBSCAN (Ester, Kriegel, Sander & Xu 1996) with scikit-learn 1.2's definitions and labels.
 *
 * - Neighbourhood of row i: the rows at distance ≤ eps, i itself included (Euclidean tested as
 *   Σ(xₜ − yₜ)² ≤ eps², as scikit-learn's trees do).
 * - Core row: Σ of sampleWeight over its neighbourhood ≥ minSamples (a count when unweighted;
 *   weights may be negative, as in scikit-learn, and then keep neighbours from being core).
 * - Clusters: connected components of core rows linked by neighbourhood, numbered 0, 1, … in
 *   order of their lowest-index core row. A non-core row with a core neighbour (border row)
 *   joins the lowest-numbered cluster among its core neighbours, which is what scikit-learn's
 *   `dbscan_inner` produces: it expands cluster 0 completely, then cluster 1, …, and a border
 *   row keeps the first cluster that reaches it. Other rows are noise (−1).
 *
 * Memory: O(n) beyond the data and the search structure; neighbourhoods are streamed, never
 * stored together (scikit-learn holds all of them). Three passes over the neighbour layer:
 * (1) core flags — Σ weights within eps, stopping once minSamples is reached (non-negative
 * weights); (2) components of core rows by union–find; (3) border labels. With the KD-tree,
 * (2) joins whole boxes of diameter ≤ eps at once and skips boxes already in the row's
 * component, and (3) keeps the lowest cluster id per box, so dense data cost about
 * O(n·log n) instead of O(Σ neighbourhood sizes). With brute force: O(n²·d), blocked.
 * Euclidean 2-D data without weights (the KD-tree's case, 'auto' or 'kd_tree') skip the tree:
 * a uniform grid of cells of diameter < eps answers the same exact tests (see gridFit), with
 * whole cells counted, joined or skipped by their boxes; the result still reports 'kd_tree'.
 * Measured (bench, one thread): 100 000 × 2-D blobs at eps 0.1 ≈ 0.11–0.17 s (KD-tree path
 * 0.58 s; scikit-learn 1.2.1 0.7–0.9 s); their first 10 000 rows at eps 0.3 ≈ 0.05 s from a
 * cold start (tree path 0.14 s), same labels.
 */
import { ClusterkitError } from '../core/errors.js';
import { type Matrix, type MatrixLike, toMatrix, checkData, checkCols } from '../core/matrix.js';
import { resolveOptions, type OptionSpec } from '../core/options.js';
import { checkAbort, type RunControl } from '../core/control.js';
import {
  buildIndex, forEachRadius, radiusCounts, queryKnn, type NeighborMetric, type NeighborAlgorithm,
} from '../neighbors/index.js';
import { DEFAULT_LEAF_SIZE, type KDTree, minRdist, maxRdist, rdistAt, boxDiameter, toRdist } from '../neighbors/kdtree.js';

export interface DbscanOptions extends RunControl {
  /** Neighbourhood radius (distance units of the metric), > 0. @defaultValue 0.5 */
  eps?: number;
  /** Σ weights (count) of a neighbourhood, the row itself included, needed for a core row. @defaultValue 5 */
  minSamples?: number;
  /** 'euclidean', 'manhattan', 'cosine', or 'precomputed' (x is an n × n distance matrix). @defaultValue 'euclidean' */
  metric?: NeighborMetric;
  /** Neighbour search: 'kd_tree', 'brute', or 'auto' (KD-tree for euclidean/manhattan with d ≤ 16). @defaultValue 'auto' */
  algorithm?: NeighborAlgorithm;
  /** KD-tree leaf size. @defaultValue 24 */
  leafSize?: number;
  /** Weight per row [n], finite (negative allowed, as scikit-learn). @defaultValue all 1 */
  sampleWeight?: ArrayLike<number> | null;
}

const isNumArray = (v: unknown): boolean => v === null || ArrayBuffer.isView(v) || Array.isArray(v);

/** Option table: drives validation, CLI flags and docs. */
export const DBSCAN_SPEC = {
  eps: { type: 'float', min: 0, exclusiveMin: true, default: 0.5, doc: 'neighbourhood radius (distance ≤ eps)' },
  minSamples: { type: 'int', min: 1, default: 5, doc: 'neighbourhood size (self included) for a core point' },
  metric: { type: 'enum', values: ['euclidean', 'manhattan', 'cosine', 'precomputed'], default: 'euclidean', doc: 'distance' },
  algorithm: { type: 'enum', values: ['auto', 'kd_tree', 'brute'], default: 'auto', doc: "neighbour search; 'auto' = kd_tree in low dimension" },
  leafSize: { type: 'int', min: 1, default: DEFAULT_LEAF_SIZE, doc: 'KD-tree leaf size' },
  sampleWeight: { type: 'custom', expected: 'an array of n finite numbers', check: isNumArray, doc: 'weight per row' },
} as const satisfies OptionSpec;

/** Options as stored in the result. */
export interface ResolvedDbscanOptions {
  readonly eps: number;
  readonly minSamples: number;
  readonly metric: NeighborMetric;
  /** The neighbour search resolved from the options ('kd_tree' also for the 2-D grid, which gives the tree's answers). */
  readonly algorithm: 'kd_tree' | 'brute' | 'precomputed';
  readonly leafSize: number;
  readonly weighted: boolean;
}

export interface DbscanResult {
  readonly kind: 'dbscan';
  readonly version: 1;
  readonly options: ResolvedDbscanOptions;
  /** Rows and columns of the training data (for 'precomputed': d = n). */
  readonly n: number;
  readonly d: number;
  /** Number of clusters (noise not counted); equals nClusters. */
  readonly k: number;
  readonly nClusters: number;
  /** Cluster of each row [n], 0…k−1, noise −1. */
  readonly labels: Int32Array;
  /** Core rows in ascending order [nCore] (scikit-learn's core_sample_indices_). */
  readonly coreSampleIndices: Int32Array;
  /** 1 for a core row, else 0 [n]. */
  readonly isCore: Uint8Array;
  /** Rows labelled −1. */
  readonly nNoise: number;
  /** Coordinates of the core rows [nCore × d] (scikit-learn's components_); empty for 'precomputed'. */
  readonly components: Float32Array;
  /** Degenerate but valid outcomes (all noise, one cluster). */
  readonly warnings: readonly string[];
}

const WHERE = 'dbscan';
/** Rows between abort checks and progress reports. */
const CHECK_EVERY = 4096;

/** Validate weights: length n, finite (negative allowed). Returns a float64 copy or null. */
function checkDbscanWeights(w: ArrayLike<number> | null | undefined, n: number): Float64Array | null {
  if (w === null || w === undefined) return null;
  if (w.length !== n) {
    throw new ClusterkitError('DIM_MISMATCH', `${WHERE}: option 'sampleWeight' must have one weight per row (${n}). Got ${w.length}.`, 'sampleWeight');
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = Number(w[i]);
    if (!Number.isFinite(v)) {
      throw new ClusterkitError('BAD_OPTION', `${WHERE}: option 'sampleWeight' must hold finite numbers. Got ${w[i]} at row ${i}.`, 'sampleWeight');
    }
    out[i] = v;
  }
  return out;
}

/** Union–find root with path halving. */
function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) { parent[i] = parent[parent[i]!]!; i = parent[i]!; }
  return i;
}

/** Join the components of i and j; the root is the lower index. */
function union(parent: Int32Array, i: number, j: number): void {
  const a = find(parent, i), b = find(parent, j);
  if (a !== b) { if (a < b) parent[b] = a; else parent[a] = b; }
}

/**
 * KD-tree shortcut for the core components. A node whose box diameter is ≤ eps ("clique"
 * node) has all its rows within eps of each other, so its core rows form one component: they
 * are joined once up front, and a core row whose ball contains the whole node joins the node's
 * first core row only; a clique node already in the row's component is skipped (unions only
 * merge, so it has nothing left to join). Other nodes are opened down to their rows. The
 * result equals joining every pair of core rows within eps.
 */
function treeUnion(tree: KDTree, eps: number, isCore: Uint8Array, parent: Int32Array,
  progress: (done: number) => void): void {
  const { nodeCount, nodeLeft, nodeRight, nodeStart, nodeEnd, index, d, points } = tree;
  const rr = toRdist(tree.metric, eps);
  const clique = new Uint8Array(nodeCount), firstCore = new Int32Array(nodeCount).fill(-1);
  for (let v = nodeCount - 1; v >= 0; v--) { // children have larger ids than their parent
    clique[v] = boxDiameter(tree, v) <= rr ? 1 : 0;
    const l = nodeLeft[v]!;
    if (l < 0) {
      for (let p = nodeStart[v]!; p < nodeEnd[v]!; p++) if (isCore[index[p]!]) { firstCore[v] = index[p]!; break; }
    } else firstCore[v] = firstCore[l]! >= 0 ? firstCore[l]! : firstCore[nodeRight[v]!]!;
  }
  // join the core rows of each topmost clique node
  const stack: number[] = [0];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (clique[v]) {
      const f = firstCore[v]!;
      if (f >= 0) for (let p = nodeStart[v]!; p < nodeEnd[v]!; p++) if (isCore[index[p]!]) union(parent, f, index[p]!);
      continue;
    }
    if (nodeLeft[v]! >= 0) stack.push(nodeRight[v]!, nodeLeft[v]!);
  }
  // core rows in tree order (neighbouring queries join the same components early)
  const st = new Int32Array(256);
  let done = 0;
  for (let pos = 0; pos < tree.n; pos++) {
    const i = index[pos]!;
    if (!isCore[i]) continue;
    const qo = pos * d;
    let top = 0;
    st[top++] = 0;
    while (top > 0) {
      const v = st[--top]!;
      if (firstCore[v]! < 0) continue;
      // a clique node already in i's component has nothing left to join
      if (clique[v] && find(parent, firstCore[v]!) === find(parent, i)) continue;
      if (minRdist(tree, v, points, qo) > rr) continue;
      const inside = maxRdist(tree, v, points, qo) <= rr;
      if (inside && clique[v]) { union(parent, i, firstCore[v]!); continue; }
      const l = nodeLeft[v]!;
      if (l >= 0) { st[top++] = nodeRight[v]!; st[top++] = l; continue; }
      for (let p = nodeStart[v]!; p < nodeEnd[v]!; p++) {
        const j = index[p]!;
        if (j > i && isCore[j] && (inside || rdistAt(tree, p, points, qo) <= rr)) union(parent, i, j); // each pair once
      }
    }
    if (++done % CHECK_EVERY === 0) progress(done);
  }
}

/**
 * KD-tree shortcut for border labels: each node keeps the lowest cluster id among its core rows;
 * a node wholly inside the ball contributes that id, and nodes whose lowest id cannot improve
 * the current best are skipped. Equals the minimum over all core rows within eps.
 */
function treeBorder(tree: KDTree, eps: number, isCore: Uint8Array, labels: Int32Array, nonCore: Int32Array,
  progress: (done: number) => void): void {
  const { nodeCount, nodeLeft, nodeRight, nodeStart, nodeEnd, index, d, points } = tree;
  const rr = toRdist(tree.metric, eps);
  const NONE = 0x7fffffff;
  const minLabel = new Int32Array(nodeCount).fill(NONE);
  for (let v = nodeCount - 1; v >= 0; v--) {
    const l = nodeLeft[v]!;
    if (l < 0) {
      let m = NONE;
      for (let p = nodeStart[v]!; p < nodeEnd[v]!; p++) { const j = index[p]!; if (isCore[j] && labels[j]! < m) m = labels[j]!; }
      minLabel[v] = m;
    } else minLabel[v] = Math.min(minLabel[l]!, minLabel[nodeRight[v]!]!);
  }
  const st = new Int32Array(256);
  for (let t = 0; t < nonCore.length; t++) {
    const i = nonCore[t]!, qo = tree.position[i]! * d;
    let best = NONE, top = 0;
    st[top++] = 0;
    while (top > 0) {
      const v = st[--top]!;
      if (minLabel[v]! >= best || minRdist(tree, v, points, qo) > rr) continue;
      if (maxRdist(tree, v, points, qo) <= rr) { best = minLabel[v]!; continue; }
      const l = nodeLeft[v]!;
      if (l >= 0) { st[top++] = nodeRight[v]!; st[top++] = l; continue; }
      for (let p = nodeStart[v]!; p < nodeEnd[v]!; p++) {
        const j = index[p]!;
        if (isCore[j] && labels[j]! < best && rdistAt(tree, p, points, qo) <= rr) best = labels[j]!;
      }
    }
    labels[i] = best === NONE ? -1 : best;
    if ((t + 1) % CHECK_EVERY === 0) progress(t + 1);
  }
}

/** Cell side factor below eps/√2: two rows of one cell are then within eps in float64 arithmetic too. */
const GRID_SHRINK = 1 - 1e-7;

/** What the grid path returns: the flags, labels (border rows included) and cluster count. */
interface GridOutcome { isCore: Uint8Array; labels: Int32Array; nClusters: number }

/**
 * Euclidean 2-D without weights on a uniform grid of square cells of side s = eps/√2·(1 − 10⁻⁷),
 * padded by two empty cells on each side. Two rows of one cell are within eps (cell diameter
 * < eps, with room for the rounding of the cell coordinates and of the float64 sum); rows within
 * eps lie at most two cells apart on each axis (eps/s < 2), so each row looks at the 5 × 5 cells
 * around its own, testing Σ(x − y)² ≤ eps² exactly as the KD-tree does. Hence the same core
 * flags, components and labels as the tree path, with no tree: core counts stop at minSamples
 * (a cell of ≥ minSamples rows is all core); core rows of one cell form one component, and two
 * cells are joined once any pair of their core rows is within eps (cells already joined are not
 * tested); a border row takes the lowest cluster id among the cells holding a core row within eps
 * (all core rows of a cell share one id). O(n) cells and memory; time O(n · rows per cell).
 * Returns null when the grid would exceed max(4n, 65 536) cells (sparse outliers, tiny eps): the
 * caller then uses the tree.
 */
function gridFit(x: Float32Array, n: number, eps: number, minSamples: number,
  progress: (done: number) => void): GridOutcome | null {
  // one function per stage: each is compiled (and tiered up) on its own, which matters on a cold
  // start, where most of a 10⁴-row fit is spent before the optimising compiler has run
  const g = gridBuild(x, n, eps);
  if (!g) return null;
  const coreP = gridCore(g, minSamples);
  progress(n);
  const cr = gridCompact(g, coreP);
  const parent = gridUnion(g, cr);
  progress(2 * n);
  return gridLabels(g, coreP, cr, parent);
}

/** The grid: rows sorted by cell, their coordinates in that order, cell offsets and boxes. */
interface Grid {
  n: number; nCells: number; rr: number;
  /** Cell of each row [n]; first sorted position of each cell [nCells + 1]; row at each position [n]. */
  cellOf: Int32Array; start: Int32Array; order: Int32Array;
  px: Float64Array; py: Float64Array;
  /** The 24 other cells of the 5 × 5 block, nearest first; the 12 after a cell in memory. */
  off: Int32Array; fwd: Int32Array;
  /** Bounding box per cell (of all its rows, then of its core rows). */
  bx0: Float64Array; bx1: Float64Array; by0: Float64Array; by1: Float64Array;
}

/** Core rows per cell, compacted in sorted order: cell c's are cx/cy[cStart[c] … cStart[c + 1]). */
interface CoreRows { cStart: Int32Array; cx: Float64Array; cy: Float64Array; nc: number }

function gridBuild(x: Float32Array, n: number, eps: number): Grid | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = x[2 * i]!, b = x[2 * i + 1]!;
    if (a < x0) x0 = a;
    if (a > x1) x1 = a;
    if (b < y0) y0 = b;
    if (b > y1) y1 = b;
  }
  const s = eps / Math.SQRT2 * GRID_SHRINK, rr = eps * eps;
  const W = Math.floor((x1 - x0) / s) + 5, H = Math.floor((y1 - y0) / s) + 5;
  if (!(W * H <= Math.max(4 * n, 65536))) return null;
  const nCells = W * H;
  // rows sorted by cell (counting sort, ascending row within a cell), coordinates in that order
  const cellOf = new Int32Array(n), start = new Int32Array(nCells + 1);
  for (let i = 0; i < n; i++) {
    const c = (Math.floor((x[2 * i]! - x0) / s) + 2) + (Math.floor((x[2 * i + 1]! - y0) / s) + 2) * W;
    cellOf[i] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < nCells; c++) start[c + 1] += start[c]!;
  const fill = start.slice(0, nCells), order = new Int32Array(n), px = new Float64Array(n), py = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = fill[cellOf[i]!]!++;
    order[p] = i; px[p] = x[2 * i]!; py[p] = x[2 * i + 1]!;
  }
  // the 24 other cells of the 5 × 5 block, nearest first (the 8 adjacent, then the outer ring);
  // fwd: those after c in memory (dy > 0, or dy = 0 and dx > 0), for pairs of cells
  const off = new Int32Array(24), fwd = new Int32Array(12);
  for (let ring = 1, t = 0, f = 0; ring <= 2; ring++) {
    for (let dy = -ring; dy <= ring; dy++) {
      for (let dx = -ring; dx <= ring; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        off[t++] = dy * W + dx;
        if (dy > 0 || (dy === 0 && dx > 0)) fwd[f++] = dy * W + dx;
      }
    }
  }
  // bounding box of each cell's rows: a cell wholly within eps of a row counts at once, one wholly
  // beyond is skipped (box bounds are monotone in the same float64 sums, so exact)
  const bx0 = new Float64Array(nCells), bx1 = new Float64Array(nCells), by0 = new Float64Array(nCells), by1 = new Float64Array(nCells);
  for (let c = 0; c < nCells; c++) {
    const a = start[c]!, b = start[c + 1]!;
    if (a === b) continue;
    let lx = px[a]!, hx = lx, ly = py[a]!, hy = ly;
    for (let p = a + 1; p < b; p++) {
      const u = px[p]!, v = py[p]!;
      if (u < lx) lx = u; else if (u > hx) hx = u;
      if (v < ly) ly = v; else if (v > hy) hy = v;
    }
    bx0[c] = lx; bx1[c] = hx; by0[c] = ly; by1[c] = hy;
  }
  return { n, nCells, rr, cellOf, start, order, px, py, off, fwd, bx0, bx1, by0, by1 };
}

/** 1. Core flags by sorted position; counts include the row itself and stop at minSamples. */
function gridCore(g: Grid, minSamples: number): Uint8Array {
  const { n, nCells, rr, start, px, py, off, bx0, bx1, by0, by1 } = g;
  const coreP = new Uint8Array(n);
  for (let c = 0; c < nCells; c++) {
    const a = start[c]!, b = start[c + 1]!, m = b - a;
    if (m === 0) continue;
    if (m >= minSamples) { coreP.fill(1, a, b); continue; }
    let all = m; // every row of the 5 × 5 block: fewer than minSamples means no core row here
    for (let t = 0; t < 24 && all < minSamples; t++) all += start[c + off[t]! + 1]! - start[c + off[t]!]!;
    if (all < minSamples) continue;
    for (let p = a; p < b; p++) {
      const qx = px[p]!, qy = py[p]!;
      let cnt = m;
      for (let t = 0; t < 24 && cnt < minSamples; t++) {
        const c2 = c + off[t]!, e = start[c2 + 1]!;
        if (e === start[c2]) continue;
        const ax = bx0[c2]! - qx, bx = qx - bx1[c2]!, ay = by0[c2]! - qy, by = qy - by1[c2]!;
        const gx = ax > 0 ? ax : bx > 0 ? bx : 0, gy = ay > 0 ? ay : by > 0 ? by : 0;
        if (gx * gx + gy * gy > rr) continue;
        const fx = ax < bx ? -ax : -bx, fy = ay < by ? -ay : -by; // farthest corner: max(qx − x0, x1 − qx)
        if (fx * fx + fy * fy <= rr) { cnt += e - start[c2]!; continue; }
        for (let q = start[c2]!; q < e; q++) {
          const u = qx - px[q]!, v = qy - py[q]!;
          if (u * u + v * v <= rr && ++cnt >= minSamples) break;
        }
      }
      if (cnt >= minSamples) coreP[p] = 1;
    }
  }
  return coreP;
}

/** Core rows per cell, compacted; the cell boxes now bound the core rows only. */
function gridCompact(g: Grid, coreP: Uint8Array): CoreRows {
  const { n, nCells, start, px, py, bx0, bx1, by0, by1 } = g;
  const cStart = new Int32Array(nCells + 1), cx = new Float64Array(n), cy = new Float64Array(n);
  let nc = 0;
  for (let c = 0; c < nCells; c++) {
    cStart[c] = nc;
    const a = start[c]!, b = start[c + 1]!;
    if (a === b) continue;
    let lx = Infinity, hx = -Infinity, ly = Infinity, hy = -Infinity;
    for (let p = a; p < b; p++) {
      if (!coreP[p]) continue;
      const u = px[p]!, v = py[p]!;
      cx[nc] = u; cy[nc] = v; nc++;
      if (u < lx) lx = u;
      if (u > hx) hx = u;
      if (v < ly) ly = v;
      if (v > hy) hy = v;
    }
    bx0[c] = lx; bx1[c] = hx; by0[c] = ly; by1[c] = hy;
  }
  cStart[nCells] = nc;
  return { cStart, cx, cy, nc };
}

/** 2. Components over cells (union–find, root = lowest cell): each cell's core rows are one; neighbouring cells join once a core pair is within eps. */
function gridUnion(g: Grid, cr: CoreRows): Int32Array {
  const { nCells, rr, fwd, bx0, bx1, by0, by1 } = g, { cStart, cx, cy } = cr;
  const parent = new Int32Array(nCells);
  for (let c = 0; c < nCells; c++) parent[c] = c;
  for (let c = 0; c < nCells; c++) {
    const a = cStart[c]!, b = cStart[c + 1]!;
    if (a === b) continue;
    for (let t = 0; t < 12; t++) {
      const c2 = c + fwd[t]!, a2 = cStart[c2]!, b2 = cStart[c2 + 1]!;
      if (a2 === b2) continue;
      // box to box: farthest corners within eps join at once, nearest sides beyond eps never do
      const ax = bx0[c2]! - bx1[c]!, bx = bx0[c]! - bx1[c2]!, ay = by0[c2]! - by1[c]!, by = by0[c]! - by1[c2]!;
      const gx = ax > 0 ? ax : bx > 0 ? bx : 0, gy = ay > 0 ? ay : by > 0 ? by : 0;
      if (gx * gx + gy * gy > rr) continue;
      let r1 = c, r2 = c2; // roots (path halving)
      while (parent[r1] !== r1) { parent[r1] = parent[parent[r1]!]!; r1 = parent[r1]!; }
      while (parent[r2] !== r2) { parent[r2] = parent[parent[r2]!]!; r2 = parent[r2]!; }
      if (r1 === r2) continue;
      const fx = Math.max(bx1[c2]! - bx0[c]!, bx1[c]! - bx0[c2]!), fy = Math.max(by1[c2]! - by0[c]!, by1[c]! - by0[c2]!);
      let hit = fx * fx + fy * fy <= rr;
      for (let p = a; p < b && !hit; p++) {
        const qx = cx[p]!, qy = cy[p]!;
        for (let q = a2; q < b2; q++) {
          const u = qx - cx[q]!, v = qy - cy[q]!;
          if (u * u + v * v <= rr) { hit = true; break; }
        }
      }
      if (hit) { if (r1 < r2) parent[r2] = r1; else parent[r1] = r2; }
    }
  }
  for (let c = 0; c < nCells; c++) parent[c] = parent[parent[c]!]!; // roots are lower: one pass flattens
  return parent;
}

/** 3–4. Clusters numbered by their lowest-index core row; border rows take the lowest cluster id among cells with a core row within eps (all core rows of a cell share one id). */
function gridLabels(g: Grid, coreP: Uint8Array, cr: CoreRows, parent: Int32Array): GridOutcome {
  const { n, nCells, rr, cellOf, start, order, px, py, off, bx0, bx1, by0, by1 } = g, { cStart, cx, cy, nc } = cr;
  const isCore = new Uint8Array(n), labels = new Int32Array(n).fill(-1), compLabel = new Int32Array(nCells).fill(-1);
  for (let p = 0; p < n; p++) if (coreP[p]) isCore[order[p]!] = 1;
  let nClusters = 0;
  for (let i = 0; i < n; i++) {
    if (!isCore[i]) continue;
    const r = parent[cellOf[i]!]!;
    if (compLabel[r]! < 0) compLabel[r] = nClusters++;
    labels[i] = compLabel[r]!;
  }
  const NONE = 0x7fffffff, cellLabel = new Int32Array(nCells).fill(NONE);
  for (let c = 0; c < nCells; c++) if (cStart[c + 1]! > cStart[c]!) cellLabel[c] = compLabel[parent[c]!]!;
  if (nc > 0) {
    for (let c = 0; c < nCells; c++) {
      for (let p = start[c]!; p < start[c + 1]!; p++) {
        if (coreP[p]) continue;
        const qx = px[p]!, qy = py[p]!;
        let best = cellLabel[c]!;
        for (let t = 0; t < 24; t++) {
          const c2 = c + off[t]!, L = cellLabel[c2]!;
          if (L >= best) continue;
          const ax = bx0[c2]! - qx, bx = qx - bx1[c2]!, ay = by0[c2]! - qy, by = qy - by1[c2]!;
          const gx = ax > 0 ? ax : bx > 0 ? bx : 0, gy = ay > 0 ? ay : by > 0 ? by : 0;
          if (gx * gx + gy * gy > rr) continue;
          const fx = ax < bx ? -ax : -bx, fy = ay < by ? -ay : -by;
          if (fx * fx + fy * fy <= rr) { best = L; continue; }
          const e = cStart[c2 + 1]!;
          for (let q = cStart[c2]!; q < e; q++) {
            const u = qx - cx[q]!, v = qy - cy[q]!;
            if (u * u + v * v <= rr) { best = L; break; }
          }
        }
        if (best !== NONE) labels[order[p]!] = best;
      }
    }
  }
  return { isCore, labels, nClusters };
}

/**
 * Fit DBSCAN. x [n × d] (or an n × n distance matrix with metric 'precomputed') is viewed,
 * not copied (the KD-tree keeps its own float64 copy) and never mutated.
 * @throws ClusterkitError BAD_OPTION / UNKNOWN_OPTION / BAD_DATA / EMPTY_DATA / DIM_MISMATCH / ABORTED.
 */
export function fit(x: MatrixLike, options: DbscanOptions = {}): DbscanResult {
  const o = resolveOptions<Required<Omit<DbscanOptions, 'sampleWeight' | 'onProgress' | 'signal'>> &
    Pick<DbscanOptions, 'sampleWeight' | 'onProgress' | 'signal'>>(WHERE, DBSCAN_SPEC, options);
  const X = toMatrix(x, WHERE);
  checkData(X, WHERE);
  const n = X.rows;
  const w = checkDbscanWeights(o.sampleWeight, n);
  const total = 3 * n;
  const progress = (done: number): void => { checkAbort(o.signal, WHERE); o.onProgress?.({ stage: WHERE, done, total }); };
  checkAbort(o.signal, WHERE);
  // euclidean 2-D without weights: the grid gives the tree's answers without building it
  const grid = o.metric === 'euclidean' && X.cols === 2 && w === null && o.algorithm !== 'brute'
    ? gridFit(X.data, n, o.eps, o.minSamples, progress) : null;
  const { isCore, labels, nClusters, algorithm } = grid ? { ...grid, algorithm: 'kd_tree' as const }
    : indexFit(X, o, w, progress);
  o.onProgress?.({ stage: WHERE, done: total, total });
  let nNoise = 0, nCore = 0;
  for (let i = 0; i < n; i++) { if (labels[i] === -1) nNoise++; nCore += isCore[i]!; }
  const core = new Int32Array(nCore);
  for (let i = 0, a = 0; i < n; i++) if (isCore[i]) core[a++] = i;

  const warnings: string[] = [];
  if (nCore === 0) {
    warnings.push(`${WHERE}: no core point (no neighbourhood within eps = ${o.eps} reaches minSamples = ${o.minSamples}); every row is noise. Increase eps or lower minSamples.`);
  } else if (nClusters === 1 && nNoise === 0) {
    warnings.push(`${WHERE}: one cluster holds every row; eps = ${o.eps} may be too large.`);
  }
  let components = new Float32Array(0);
  if (o.metric !== 'precomputed') { // the core rows (a plain loop: no view per row)
    const d = X.cols, src = X.data;
    components = new Float32Array(nCore * d);
    for (let t = 0; t < nCore; t++) for (let j = 0, a = core[t]! * d; j < d; j++) components[t * d + j] = src[a + j]!;
  }
  return {
    kind: 'dbscan', version: 1,
    options: { eps: o.eps, minSamples: o.minSamples, metric: o.metric, algorithm, leafSize: o.leafSize, weighted: w !== null },
    n, d: X.cols, k: nClusters, nClusters, labels, coreSampleIndices: core, isCore, nNoise, components, warnings,
  };
}

/** The neighbour-layer path (KD-tree, brute force or precomputed): core flags, labels, cluster count. */
function indexFit(X: Matrix, o: { eps: number; minSamples: number; metric: NeighborMetric; algorithm: NeighborAlgorithm; leafSize: number },
  w: Float64Array | null, progress: (done: number) => void): GridOutcome & { algorithm: ResolvedDbscanOptions['algorithm'] } {
  const n = X.rows;
  const index = buildIndex(X, { metric: o.metric, algorithm: o.algorithm, leafSize: o.leafSize }, WHERE);

  // 1. core flags from Σ weights within eps (the row itself included)
  const counts = radiusCounts(index, o.eps, w, o.minSamples); // only sum ≥ minSamples matters
  const isCore = new Uint8Array(n);
  let nCore = 0;
  for (let i = 0; i < n; i++) if (counts[i]! >= o.minSamples) { isCore[i] = 1; nCore++; }
  progress(n);
  const core = new Int32Array(nCore), nonCore = new Int32Array(n - nCore);
  for (let i = 0, a = 0, b = 0; i < n; i++) if (isCore[i]) core[a++] = i; else nonCore[b++] = i;

  // 2. components of the core rows (union–find; the larger root index points to the smaller)
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  if (index.tree) treeUnion(index.tree, o.eps, isCore, parent, (t) => progress(n + t));
  else {
    let seen = 0;
    forEachRadius(index, core, o.eps, { includeSelf: false, distances: false }, (i, idx, _dist, count) => {
      for (let t = 0; t < count; t++) {
        const j = idx[t]!;
        if (j <= i || !isCore[j]) continue; // each core pair once
        union(parent, i, j);
      }
      if (++seen % CHECK_EVERY === 0) progress(n + seen);
    });
  }

  // 3. number clusters by their lowest-index core row (roots are the lowest index of their component)
  const labels = new Int32Array(n).fill(-1);
  let nClusters = 0;
  for (let t = 0; t < nCore; t++) {
    const i = core[t]!, r = find(parent, i);
    if (r === i) labels[i] = nClusters++;
    else labels[i] = labels[r]!;
  }

  // 4. border rows: the lowest cluster id among core neighbours
  if (nCore > 0 && index.tree) treeBorder(index.tree, o.eps, isCore, labels, nonCore, (t) => progress(n + nCore + t));
  else if (nCore > 0) {
    let seen = 0;
    forEachRadius(index, nonCore, o.eps, { includeSelf: false, distances: false }, (i, idx, _dist, count) => {
      let best = -1;
      for (let t = 0; t < count; t++) {
        const j = idx[t]!;
        if (isCore[j] && (best < 0 || labels[j]! < best)) best = labels[j]!;
      }
      labels[i] = best;
      if (++seen % CHECK_EVERY === 0) progress(n + nCore + seen);
    });
  }
  // DBSCAN asks for 'auto', 'kd_tree' or 'brute' (exact search), never an approximate index
  return { isCore, labels, nClusters, algorithm: index.algorithm as ResolvedDbscanOptions['algorithm'] };
}

/**
 * Label new rows by their nearest core row of the model, if it lies within eps, else −1 (noise).
 * Not part of scikit-learn's DBSCAN (which has no predict): an approximation, named as such.
 * On the training rows it returns the fit labels for core rows and noise, and for a border row
 * the cluster of its nearest core neighbour (which can differ from the fit label when the row
 * touches two clusters). Unavailable for metric 'precomputed'. Cost: one 1-NN query per row.
 * @param x [m × d]. @returns labels [m].
 */
export function predictNearestCore(model: DbscanResult, x: MatrixLike): Int32Array {
  const where = `${WHERE}.predictNearestCore`;
  if (model.options.metric === 'precomputed') {
    throw new ClusterkitError('BAD_OPTION', `${where}: the model must use a data metric, not 'precomputed' (it stores no core coordinates). Got metric 'precomputed'.`, 'metric');
  }
  const X = toMatrix(x, where);
  checkData(X, where);
  checkCols(X, model.d, where);
  const m = X.rows, out = new Int32Array(m).fill(-1);
  const nCore = model.coreSampleIndices.length;
  if (nCore === 0) return out;
  const cores: Matrix = { data: model.components, rows: nCore, cols: model.d };
  const algorithm = model.options.algorithm === 'precomputed' ? 'auto' : model.options.algorithm;
  const index = buildIndex(cores, { metric: model.options.metric, algorithm, leafSize: model.options.leafSize }, where);
  const res = queryKnn(index, X, 1, {}, where);
  for (let i = 0; i < m; i++) {
    if (res.distances[i]! <= model.options.eps) out[i] = model.labels[model.coreSampleIndices[res.indices[i]!]!]!;
  }
  return out;
}
