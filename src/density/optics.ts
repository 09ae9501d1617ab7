/**
 * OPTICS (Ankerst, Breunig, Kriegel & Sander 1999) with scikit-learn 1.2.1's rules, so the
 * ordering, reachability and predecessors equal `sklearn.cluster.OPTICS` on the same float64
 * values, and its two extractions: ξ-steep clusters (`clusterOpticsXi`, Schubert & Gertz 2018
 * as scikit-learn implements it, with predecessor correction) and a DBSCAN-like cut at a
 * radius (`clusterOpticsDbscan`).
 *
 * Rules followed (scikit-learn 1.2.1 `compute_optics_graph`):
 * - core distance of row i = distance to its minSamples-th nearest row counting i itself;
 *   infinite when it exceeds maxEps;
 * - start at row 0; after processing row p with a finite core distance, every unprocessed row q
 *   within maxEps gets reach(q) ← min(reach(q), max(core(p), dist(p, q))), recording p as q's
 *   predecessor when it lowers; the next row is the unprocessed one with the smallest
 *   reachability, ties → lowest row index (so an exhausted component continues at the lowest
 *   unprocessed row);
 * - core and reachability distances are rounded like `numpy.around(v, 15)` (v·10¹⁵, round half
 *   to even, ÷10¹⁵) before any comparison, which turns near-equal values into exact ties —
 *   and OPTICS has many (all neighbours of p inside its core distance get reach = core(p)).
 *
 * Infinity in results: the first row of each component has no reachability, and rows that are
 * not core within maxEps have no core distance. Results hold no Infinity (they are plain JSON),
 * so these are stored as −1 (`UNDEFINED_DISTANCE`); `reachabilityPlot(result)` gives the
 * reachability in ordering with Infinity restored.
 *
 * Cost: maxEps = ∞ (the default) makes every step update every unprocessed row — O(n²)
 * distance evaluations in O(n) memory, as scikit-learn; a finite maxEps uses radius queries
 * of the neighbour layer and a heap (O(Σ neighbourhoods · log n)).
 */
import { ClusterkitError, badOption } from '../core/errors.js';
import { type MatrixLike, toMatrix, checkData } from '../core/matrix.js';
import { resolveOptions, checkIntRange, type OptionSpec } from '../core/options.js';
import { checkAbort, type RunControl } from '../core/control.js';
import {
  buildIndex, coreDistances as knnCoreDistances, forEachRadius, type NeighborMetric, type NeighborAlgorithm, type NeighborIndex,
} from '../neighbors/index.js';
import { DEFAULT_LEAF_SIZE } from '../neighbors/kdtree.js';
import { rowNorms2 } from '../kernels/index.js';

/** Stored in `reachability` and `coreDistances` for "infinite" (unreachable / never core). */
export const UNDEFINED_DISTANCE = -1;

export interface OpticsOptions extends RunControl {
  /** Neighbours (the row itself included) that make a core row, an integer ≥ 2, or a fraction of n
   *  in (0, 1) (then max(2, ⌊fraction·n⌋), as scikit-learn). Also bounds the non-steep run inside
   *  ξ steep areas. @defaultValue 5 */
  minSamples?: number;
  /** Largest neighbourhood radius; null = ∞ (every distance counts, O(n²)). @defaultValue null */
  maxEps?: number | null;
  /** 'euclidean', 'manhattan', 'cosine' or 'precomputed' (x is an n × n distance matrix). @defaultValue 'euclidean' */
  metric?: NeighborMetric;
  /** Neighbour search for core distances and radius queries. @defaultValue 'auto' */
  algorithm?: NeighborAlgorithm;
  /** KD-tree leaf size. @defaultValue 24 */
  leafSize?: number;
  /** How `labels` are extracted: ξ-steep areas or a DBSCAN-like cut at eps. @defaultValue 'xi' */
  clusterMethod?: 'xi' | 'dbscan';
  /** Cut radius for clusterMethod 'dbscan'; null = maxEps. Must be ≤ maxEps. @defaultValue null */
  eps?: number | null;
  /** Minimum steepness of a cluster boundary in the reachability plot, in [0, 1]. @defaultValue 0.05 */
  xi?: number;
  /** Correct ξ clusters with the predecessors (scikit-learn 1.2.1's rule). @defaultValue true */
  predecessorCorrection?: boolean;
  /** Minimum ξ cluster size: an integer ≥ 2, a fraction of n in (0, 1], or null = minSamples. @defaultValue null */
  minClusterSize?: number | null;
}

/** Option table: drives validation, CLI flags and docs. */
export const OPTICS_SPEC = {
  minSamples: { type: 'float', min: 0, exclusiveMin: true, default: 5, doc: 'neighbourhood size (self included) for a core point: an integer ≥ 2, or a fraction of n in (0, 1)' },
  maxEps: { type: 'float', min: 0, nullable: true, doc: 'largest neighbourhood radius (default: unlimited)' },
  metric: { type: 'enum', values: ['euclidean', 'manhattan', 'cosine', 'precomputed'], default: 'euclidean', doc: 'distance' },
  algorithm: { type: 'enum', values: ['auto', 'kd_tree', 'brute'], default: 'auto', doc: "neighbour search; 'auto' = kd_tree in low dimension" },
  leafSize: { type: 'int', min: 1, default: DEFAULT_LEAF_SIZE, doc: 'KD-tree leaf size' },
  clusterMethod: { type: 'enum', values: ['xi', 'dbscan'], default: 'xi', doc: "label extraction: 'xi' or 'dbscan' (cut at eps)" },
  eps: { type: 'float', min: 0, nullable: true, doc: "cut radius for clusterMethod 'dbscan' (default: maxEps)" },
  xi: { type: 'float', min: 0, max: 1, default: 0.05, doc: 'minimum steepness of a cluster boundary' },
  predecessorCorrection: { type: 'bool', default: true, doc: 'correct xi clusters with predecessors' },
  minClusterSize: { type: 'float', min: 0, exclusiveMin: true, nullable: true, doc: 'minimum xi cluster size: an integer ≥ 2 or a fraction of n in (0, 1) (default: minSamples)' },
} as const satisfies OptionSpec;

export interface ResolvedOpticsOptions {
  /** minSamples as a count (fractions resolved). */
  readonly minSamples: number;
  /** null = ∞. */
  readonly maxEps: number | null;
  readonly metric: NeighborMetric;
  readonly algorithm: 'kd_tree' | 'brute' | 'precomputed';
  readonly leafSize: number;
  readonly clusterMethod: 'xi' | 'dbscan';
  readonly eps: number | null;
  readonly xi: number;
  readonly predecessorCorrection: boolean;
  /** As a count (fractions and null resolved). */
  readonly minClusterSize: number;
}

/** The OPTICS graph: what the extractions read. Distances use −1 for "infinite". */
export interface OpticsGraph {
  /** Rows in processing order [n]. */
  readonly ordering: Int32Array;
  /** Reachability of each row (indexed by row, not position) [n]; −1 = none (first of a component). */
  readonly reachability: Float64Array;
  /** Core distance of each row [n]; −1 = not core within maxEps. */
  readonly coreDistances: Float64Array;
  /** Row that set each row's reachability [n]; −1 = none. */
  readonly predecessor: Int32Array;
}

export interface OpticsResult extends OpticsGraph {
  readonly kind: 'optics';
  readonly version: 1;
  readonly options: ResolvedOpticsOptions;
  readonly n: number;
  readonly d: number;
  /** Number of clusters in `labels`; equals nClusters. */
  readonly k: number;
  readonly nClusters: number;
  /** Cluster of each row [n] by clusterMethod, noise −1. */
  readonly labels: Int32Array;
  /** ξ clusters as [start, end] positions in `ordering`, inclusive, [c × 2] row-major, nested ones
   *  first (scikit-learn's cluster_hierarchy_); empty for clusterMethod 'dbscan'. */
  readonly clusterHierarchy: Int32Array;
  readonly warnings: readonly string[];
}

const WHERE = 'optics';
const TWO52 = 4503599627370496;

/** numpy.around(v, 15) for v ≥ 0: rint(v·10¹⁵)/10¹⁵ with round half to even; Infinity stays. */
export function round15(v: number): number {
  if (v === Infinity) return v;
  const y = v * 1e15;
  const r = y < TWO52 ? (y + TWO52) - TWO52 : y;
  return r / 1e15;
}

/** Resolve a size given as a count or a fraction of n (scikit-learn: fraction → max(2, ⌊f·n⌋)). */
function resolveSize(v: number, n: number, param: string): number {
  if (v >= 1 && (!Number.isInteger(v) || v < 2)) badOption(WHERE, param, 'an integer ≥ 2 or a fraction in (0, 1)', v);
  if (v > n) badOption(WHERE, param, `at most the number of rows (${n})`, v);
  return v < 1 ? Math.max(2, Math.trunc(v * n)) : v;
}

/** Binary min-heap of (reach, row) with lazy deletion; ties → lower row. */
class ReachHeap {
  private r = new Float64Array(64);
  private i = new Int32Array(64);
  size = 0;
  push(rv: number, iv: number): void {
    if (this.size === this.r.length) {
      const nr = new Float64Array(this.size * 2); nr.set(this.r); this.r = nr;
      const ni = new Int32Array(this.size * 2); ni.set(this.i); this.i = ni;
    }
    const { r, i } = this;
    let c = this.size++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (r[p]! < rv || (r[p] === rv && i[p]! < iv)) break;
      r[c] = r[p]!; i[c] = i[p]!; c = p;
    }
    r[c] = rv; i[c] = iv;
  }
  /** Remove and return the smallest row (reach in this.topReach). */
  topReach = 0;
  pop(): number {
    const { r, i } = this;
    const out = i[0]!;
    this.topReach = r[0]!;
    const last = --this.size;
    if (last > 0) {
      const rv = r[last]!, iv = i[last]!;
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= last) break;
        let m = l;
        if (l + 1 < last && (r[l + 1]! < r[l]! || (r[l + 1] === r[l] && i[l + 1]! < i[l]!))) m = l + 1;
        if (rv < r[m]! || (rv === r[m] && iv < i[m]!)) break;
        r[c] = r[m]!; i[c] = i[m]!; c = m;
      }
      r[c] = rv; i[c] = iv;
    }
    return out;
  }
}

/**
 * The unlimited-radius ordering for data metrics: every step computes the distances from the
 * processed row p to all unprocessed rows (exact row formulas), lowers their reachabilities and
 * finds the next row in the same pass. The unprocessed rows are kept compact, in ascending row
 * order (so the first minimum is the lowest row), with their float64 coordinates alongside for
 * sequential access; removed rows leave a NaN hole until the next compaction. O(n²·d) time,
 * O(n·d) memory.
 */
function denseOrder(index: NeighborIndex, core: Float64Array, reach: Float64Array, pred: Int32Array,
  ordering: Int32Array, ctl: RunControl): void {
  const n = index.n, d = index.d, x = index.data.data, metric = index.metric;
  const ux = new Float64Array(n * d), uid = new Int32Array(n), ur = new Float64Array(n).fill(Infinity);
  const un2 = metric === 'cosine' ? new Float64Array(n) : null;
  for (let i = 0; i < n * d; i++) ux[i] = x[i]!;
  for (let i = 0; i < n; i++) uid[i] = i;
  if (un2) rowNorms2(x, n, d, un2);
  const pc = new Float64Array(d);
  let m = n, holes = 0, pos = 0;
  for (let step = 0; step < n; step++) {
    if (step % 1024 === 0) { checkAbort(ctl.signal, WHERE); ctl.onProgress?.({ stage: WHERE, done: step, total: n }); }
    const p = uid[pos]!;
    ordering[step] = p;
    for (let u = 0; u < d; u++) pc[u] = ux[pos * d + u]!;
    const pn = un2 ? Math.sqrt(un2[pos]!) : 0;
    ur[pos] = NaN; // hole: NaN never compares below anything
    if (++holes > 64 + (m >> 3)) {
      // compact the live entries, keeping their order
      let w = 0;
      for (let t = 0; t < m; t++) {
        if (ur[t] !== ur[t]) continue;
        if (w !== t) {
          uid[w] = uid[t]!; ur[w] = ur[t]!;
          if (un2) un2[w] = un2[t]!;
          for (let u = 0; u < d; u++) ux[w * d + u] = ux[t * d + u]!;
        }
        w++;
      }
      m = w; holes = 0;
    }
    const cp = core[p]!;
    let best = -1, bestR = Infinity;
    for (let t = 0; t < m; t++) {
      let rq = ur[t]!;
      if (rq !== rq) continue;
      let dv: number;
      const o = t * d;
      if (metric === 'euclidean') {
        let s2 = 0;
        for (let u = 0; u < d; u++) { const v = pc[u]! - ux[o + u]!; s2 += v * v; }
        dv = Math.sqrt(s2);
      } else if (metric === 'manhattan') {
        let s1 = 0;
        for (let u = 0; u < d; u++) { const v = pc[u]! - ux[o + u]!; s1 += v < 0 ? -v : v; }
        dv = s1;
      } else {
        let sd = 0;
        for (let u = 0; u < d; u++) sd += pc[u]! * ux[o + u]!;
        const den = pn * Math.sqrt(un2![t]!);
        const v = den > 0 ? 1 - sd / den : 1;
        dv = v < 0 ? 0 : v > 2 ? 2 : v;
      }
      const raw = dv > cp ? dv : cp;
      // rounding moves a value by < 1e-15·(1 + v): only values this close to rq can lower it
      if (raw < rq + 4e-15 * (1 + raw)) {
        const r = round15(raw);
        if (r < rq) { const q = uid[t]!; ur[t] = r; reach[q] = r; pred[q] = p; rq = r; }
      }
      if (best < 0 || rq < bestR) { bestR = rq; best = t; }
    }
    pos = best < 0 ? 0 : best;
  }
}

/**
 * Compute the OPTICS graph (ordering, reachability, core distances, predecessors) without
 * extracting clusters. Distances are float64 from the float32 inputs. Infinity appears here as
 * Infinity (this is the working form; `fit` stores −1).
 */
function opticsGraph(index: NeighborIndex, minSamples: number, maxEps: number, ctl: RunControl): {
  ordering: Int32Array; reach: Float64Array; core: Float64Array; pred: Int32Array;
} {
  const n = index.n, d = index.d, x = index.data.data, metric = index.metric;
  const core = knnCoreDistances(index, minSamples, WHERE);
  for (let i = 0; i < n; i++) core[i] = core[i]! > maxEps ? Infinity : round15(core[i]!);
  const reach = new Float64Array(n).fill(Infinity), pred = new Int32Array(n).fill(-1);
  const ordering = new Int32Array(n), processed = new Uint8Array(n);
  const STEP = 1024;
  if (maxEps === Infinity && metric !== 'precomputed') {
    denseOrder(index, core, reach, pred, ordering, ctl);
  } else if (maxEps === Infinity) {
    // precomputed, unlimited: every step scans row p of the matrix
    let p = 0;
    for (let step = 0; step < n; step++) {
      if (step % STEP === 0) { checkAbort(ctl.signal, WHERE); ctl.onProgress?.({ stage: WHERE, done: step, total: n }); }
      ordering[step] = p;
      processed[p] = 1;
      const cp = core[p]!, row = p * n;
      let best = -1, bestR = Infinity;
      for (let q = 0; q < n; q++) {
        if (processed[q]) continue;
        const dv = x[row + q]!;
        let rq = reach[q]!;
        const r = round15(dv > cp ? dv : cp);
        if (r < rq) { reach[q] = r; pred[q] = p; rq = r; }
        if (best < 0 || rq < bestR) { bestR = rq; best = q; }
      }
      p = best;
    }
  } else {
    // finite maxEps: radius neighbourhoods and a heap of candidate reachabilities
    const heap = new ReachHeap();
    let nextFree = 0, step = 0;
    const one = new Int32Array(1);
    while (step < n) {
      let p = -1;
      while (heap.size > 0) {
        const q = heap.pop();
        if (!processed[q] && heap.topReach === reach[q]) { p = q; break; }
      }
      if (p < 0) { while (processed[nextFree]) nextFree++; p = nextFree; }
      if (step % STEP === 0) { checkAbort(ctl.signal, WHERE); ctl.onProgress?.({ stage: WHERE, done: step, total: n }); }
      ordering[step++] = p;
      processed[p] = 1;
      const cp = core[p]!;
      if (cp === Infinity) continue;
      one[0] = p;
      forEachRadius(index, one, maxEps, { includeSelf: false, distances: true }, (_i, idx, dist, count) => {
        for (let t = 0; t < count; t++) {
          const q = idx[t]!;
          if (processed[q]) continue;
          const dv = dist[t]!;
          const r = round15(dv > cp ? dv : cp);
          if (r < reach[q]!) { reach[q] = r; pred[q] = p; heap.push(r, q); }
        }
      });
    }
  }
  ctl.onProgress?.({ stage: WHERE, done: n, total: n });
  return { ordering, reach, core, pred };
}

/**
 * Fit OPTICS and extract labels by `clusterMethod`. x [n × d] (or an n × n distance matrix with
 * metric 'precomputed') is viewed, not copied, and never mutated.
 * @throws ClusterkitError BAD_OPTION / UNKNOWN_OPTION / BAD_DATA / EMPTY_DATA / ABORTED.
 */
export function fit(x: MatrixLike, options: OpticsOptions = {}): OpticsResult {
  const o = resolveOptions<Required<Omit<OpticsOptions, 'onProgress' | 'signal' | 'maxEps' | 'eps' | 'minClusterSize'>> &
    Pick<OpticsOptions, 'onProgress' | 'signal' | 'maxEps' | 'eps' | 'minClusterSize'>>(WHERE, OPTICS_SPEC, options);
  const X = toMatrix(x, WHERE);
  checkData(X, WHERE);
  const n = X.rows;
  const minSamples = resolveSize(o.minSamples, n, 'minSamples');
  checkIntRange(WHERE, 'minSamples', minSamples, 2, n, 'n');
  const minClusterSize = o.minClusterSize === null || o.minClusterSize === undefined ? minSamples : resolveSize(o.minClusterSize, n, 'minClusterSize');
  const maxEps = o.maxEps ?? Infinity;
  const eps = o.eps ?? null;
  if (o.clusterMethod === 'dbscan' && eps !== null && eps > maxEps) badOption(WHERE, 'eps', `at most maxEps = ${maxEps}`, eps);
  const index = buildIndex(X, { metric: o.metric, algorithm: o.algorithm, leafSize: o.leafSize }, WHERE);
  checkAbort(o.signal, WHERE);
  const g = opticsGraph(index, minSamples, maxEps, o);
  const warnings: string[] = [];
  if (g.reach.every((v) => v === Infinity)) {
    warnings.push(`${WHERE}: all reachability values are infinite; set a larger maxEps (now ${maxEps}) or every row is an outlier.`);
  }
  const graph: OpticsGraph = {
    ordering: g.ordering,
    reachability: g.reach.map((v) => (v === Infinity ? UNDEFINED_DISTANCE : v)),
    coreDistances: g.core.map((v) => (v === Infinity ? UNDEFINED_DISTANCE : v)),
    predecessor: g.pred,
  };
  let labels: Int32Array, clusterHierarchy: Int32Array;
  if (o.clusterMethod === 'xi') {
    const xi = clusterOpticsXi(graph, { minSamples, minClusterSize, xi: o.xi, predecessorCorrection: o.predecessorCorrection });
    labels = xi.labels; clusterHierarchy = xi.clusters;
  } else {
    const cut = eps ?? maxEps;
    if (cut === Infinity) badOption(WHERE, 'eps', "a finite number (or a finite maxEps) with clusterMethod 'dbscan'", eps);
    labels = clusterOpticsDbscan(graph, cut);
    clusterHierarchy = new Int32Array(0);
  }
  let nClusters = 0;
  for (let i = 0; i < n; i++) if (labels[i]! + 1 > nClusters) nClusters = labels[i]! + 1;
  return {
    kind: 'optics', version: 1,
    options: {
      // the spec admits only exact searches ('auto' | 'kd_tree' | 'brute'), so never 'nndescent' here
      minSamples, maxEps: o.maxEps ?? null, metric: o.metric, algorithm: index.algorithm as 'kd_tree' | 'brute' | 'precomputed', leafSize: o.leafSize,
      clusterMethod: o.clusterMethod, eps, xi: o.xi, predecessorCorrection: o.predecessorCorrection, minClusterSize,
    },
    n, d: X.cols, k: nClusters, nClusters, labels, clusterHierarchy, warnings, ...graph,
  };
}

/** Reachability in processing order [n] with Infinity for "none" (for plots; not JSON-safe). */
export function reachabilityPlot(graph: OpticsGraph): Float64Array {
  const n = graph.ordering.length, out = new Float64Array(n);
  for (let t = 0; t < n; t++) { const v = graph.reachability[graph.ordering[t]!]!; out[t] = v < 0 ? Infinity : v; }
  return out;
}

/**
 * DBSCAN-like labels from an OPTICS graph at radius eps (scikit-learn `cluster_optics_dbscan`):
 * walking the ordering, a row whose reachability exceeds eps (or is undefined) starts a new
 * cluster if its core distance is ≤ eps, and is noise otherwise; other rows join the current
 * cluster (rows before the first start are noise). Close to DBSCAN(eps) when eps is near maxEps,
 * not equal (border rows can differ). @returns labels [n], noise −1. Cost O(n).
 */
export function clusterOpticsDbscan(graph: OpticsGraph, eps: number): Int32Array {
  const where = `${WHERE}.clusterOpticsDbscan`;
  if (typeof eps !== 'number' || !(eps >= 0) || eps === Infinity) badOption(where, 'eps', 'a finite number ≥ 0', eps);
  const { ordering, reachability: R, coreDistances: C } = graph;
  const n = ordering.length, labels = new Int32Array(n);
  let c = -1;
  for (let t = 0; t < n; t++) {
    const i = ordering[t]!;
    const far = R[i]! < 0 || R[i]! > eps, nearCore = C[i]! >= 0 && C[i]! <= eps;
    if (far && nearCore) c++;
    labels[i] = far && !nearCore ? -1 : c;
  }
  return labels;
}

/** Options of `clusterOpticsXi`. */
export interface XiOptions {
  /** The minSamples of the fit (a count ≥ 2): bounds the non-steep run inside a steep area. */
  minSamples: number;
  /** Minimum cluster size (count ≥ 2); default minSamples. */
  minClusterSize?: number;
  /** Steepness in [0, 1]. @defaultValue 0.05 */
  xi?: number;
  /** @defaultValue true */
  predecessorCorrection?: boolean;
}

/**
 * ξ-steep cluster extraction from an OPTICS graph (scikit-learn 1.2.1 `cluster_optics_xi`,
 * Algorithm 2 of Schubert & Gertz 2018). A point of the reachability plot r (in ordering, with
 * r[n] = ∞) is steep upward when r[i]/r[i+1] ≤ 1 − ξ and steep downward when ≥ 1/(1 − ξ);
 * steep areas may hold at most minSamples consecutive non-steep points. Each steep-up area
 * closes clusters with the steep-down areas still open, trimmed as in the paper (§4.3) and,
 * with predecessor correction, shortened at the end until the end row's predecessor lies in
 * the cluster. Clusters smaller than minClusterSize are dropped. Labels: clusters in
 * `clusters` order (nested ones first), a cluster labelled only if none of its rows already is.
 *
 * scikit-learn 1.2.1's predecessor check compares `ordering[predecessor]` with the rows in the
 * cluster, i.e. the predecessor's row number is read as a position; this is reproduced as is
 * (later scikit-learn versions compare the predecessor row itself).
 * @returns labels [n] (noise −1) and clusters [c × 2] (start, end positions, inclusive).
 */
export function clusterOpticsXi(graph: OpticsGraph, options: XiOptions): { labels: Int32Array; clusters: Int32Array } {
  const where = `${WHERE}.clusterOpticsXi`;
  const { ordering } = graph, n = ordering.length;
  const minSamples = options.minSamples;
  if (!Number.isInteger(minSamples) || minSamples < 2) badOption(where, 'minSamples', 'an integer ≥ 2', minSamples);
  const minClusterSize = options.minClusterSize ?? minSamples;
  if (!Number.isInteger(minClusterSize) || minClusterSize < 2) badOption(where, 'minClusterSize', 'an integer ≥ 2', minClusterSize);
  const xi = options.xi ?? 0.05;
  if (typeof xi !== 'number' || !(xi >= 0 && xi <= 1)) badOption(where, 'xi', 'a finite number in [0, 1]', xi);
  const correct = options.predecessorCorrection ?? true;
  if (graph.reachability.length !== n || graph.predecessor.length !== n) {
    throw new ClusterkitError('DIM_MISMATCH', `${where}: reachability and predecessor must have one value per row (${n}). Got ${graph.reachability.length} and ${graph.predecessor.length}.`);
  }
  // plot in ordering, with ∞ appended
  const rp = new Float64Array(n + 1), pp = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const i = ordering[t]!, v = graph.reachability[i]!;
    rp[t] = v < 0 ? Infinity : v;
    pp[t] = graph.predecessor[i]!;
  }
  rp[n] = Infinity;
  const xc = 1 - xi;
  const steepUp = new Uint8Array(n), steepDown = new Uint8Array(n), down = new Uint8Array(n), up = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    const ratio = rp[t]! / rp[t + 1]!; // NaN for ∞/∞ and 0/0: no flag set
    steepUp[t] = ratio <= xc ? 1 : 0;
    steepDown[t] = ratio >= 1 / xc ? 1 : 0;
    down[t] = ratio > 1 ? 1 : 0;
    up[t] = ratio < 1 ? 1 : 0;
  }
  const extend = (steep: Uint8Array, xward: Uint8Array, start: number): number => {
    let nonX = 0, end = start;
    for (let t = start; t < n; t++) {
      if (steep[t]) { nonX = 0; end = t; } else if (!xward[t]) { nonX++; if (nonX > minSamples) break; } else return end;
    }
    return end;
  };
  interface Sda { start: number; end: number; mib: number }
  let sdas: Sda[] = [];
  const filter = (mib: number): Sda[] => {
    if (mib === Infinity) return [];
    const res = sdas.filter((s) => mib <= rp[s.start]! * xc);
    for (const s of res) s.mib = Math.max(s.mib, mib);
    return res;
  };
  const correctPred = (s: number, e: number): [number, number] | null => {
    while (s < e) {
      if (rp[s]! > rp[e]!) return [s, e];
      const pe = ordering[pp[e]! < 0 ? n + pp[e]! : pp[e]!]!; // sklearn 1.2.1: ordering[predecessor] (−1 → last)
      for (let i = s; i < e; i++) if (pe === ordering[i]) return [s, e];
      e--;
    }
    return null;
  };
  const clusters: [number, number][] = [];
  let index = 0, mib = 0;
  for (let si = 0; si < n; si++) {
    if (!steepUp[si] && !steepDown[si]) continue;
    if (si < index) continue;
    for (let t = index; t <= si; t++) if (rp[t]! > mib) mib = rp[t]!;
    if (steepDown[si]) {
      sdas = filter(mib);
      const end = extend(steepDown, up, si);
      sdas.push({ start: si, end, mib: 0 });
      index = end + 1;
      mib = rp[index]!;
    } else {
      sdas = filter(mib);
      const uStart = si, uEnd = extend(steepUp, down, uStart);
      index = uEnd + 1;
      mib = rp[index]!;
      const found: [number, number][] = [];
      for (const D of sdas) {
        let cStart = D.start, cEnd = uEnd;
        if (rp[cEnd + 1]! * xc < D.mib) continue;
        const dMax = rp[D.start]!;
        if (dMax * xc >= rp[cEnd + 1]!) {
          while (rp[cStart + 1]! > rp[cEnd + 1]! && cStart < D.end) cStart++;
        } else if (rp[cEnd + 1]! * xc >= dMax) {
          while (rp[cEnd - 1]! > dMax && cEnd > uStart) cEnd--;
        }
        if (correct) {
          const c = correctPred(cStart, cEnd);
          if (c === null) continue;
          [cStart, cEnd] = c;
        }
        if (cEnd - cStart + 1 < minClusterSize) continue;
        if (cStart > D.end) continue;
        if (cEnd < uStart) continue;
        found.push([cStart, cEnd]);
      }
      found.reverse();
      clusters.push(...found);
    }
  }
  // labels: by position, then mapped to rows
  const byPos = new Int32Array(n).fill(-1);
  let label = 0;
  for (const [s, e] of clusters) {
    let free = true;
    for (let t = s; t <= e; t++) if (byPos[t] !== -1) { free = false; break; }
    if (!free) continue;
    byPos.fill(label++, s, e + 1);
  }
  const labels = new Int32Array(n);
  for (let t = 0; t < n; t++) labels[ordering[t]!] = byPos[t]!;
  const flat = new Int32Array(clusters.length * 2);
  clusters.forEach(([s, e], c) => { flat[2 * c] = s; flat[2 * c + 1] = e; });
  return { labels, clusters: flat };
}
