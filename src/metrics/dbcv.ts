import { ClusterkitError } from '../core/errors.js';
import { checkData, takeRows, toMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import { resolveOptions, type OptionSpec } from '../core/options.js';
import { cosineBlock, l1Block, sqDistBlock } from '../kernels/index.js';
import { checkLabelVector } from './contingency.js';

/**
 * Density-Based Clustering Validation (DBCV, Moulavi, Jaskowiak, Campello, Zimek & Sander,
 * SDM 2014), computed as `hdbscan.validity.validity_index(X, labels, metric, per_cluster_scores=True)`
 * of the scikit-learn-contrib hdbscan library (0.8.x) does, step for step:
 *
 * 1. Clusters are the labels ≥ 0; every negative label is noise and belongs to no cluster, but
 *    noise rows count in n.
 * 2. All-points core distance of member i of cluster C (|C| = m), with exponent D = the number of
 *    columns: core(i) = (Σ_{j ∈ C, dist(i,j) ≠ 0} dist(i,j)^−D / (m − 1))^(−1/D). Zero distances
 *    (duplicates, the point itself) add nothing but still count in m − 1. When every distance in
 *    the cluster is 0, all its core distances are 0.
 * 3. Mutual reachability inside C: mr(i,j) = max(dist(i,j), core(i), core(j)); its minimum
 *    spanning tree is built by the library's Prim (start at the cluster's first row, equal
 *    distances go to the lowest index). Each edge is then re-attached, as the library does, to
 *    the lowest-index node already in the tree whose mr distance to the new node is within
 *    numpy's `isclose` (|a − w| ≤ 1e-8 + 1e-5·|w|) of the edge weight.
 * 4. Internal nodes are the tree nodes of degree > 1 (none: the cluster's first row alone);
 *    density sparseness DSC(C) is the largest weight among edges joining two internal nodes, or
 *    among all tree edges when there is no such edge (as the authors' MATLAB code).
 * 5. Density separation DSPC(Cᵢ, Cⱼ) = min over internal nodes a of Cᵢ and b of Cⱼ of
 *    max(dist(a,b), core(a), core(b)).
 * 6. V(C) = (min_j DSPC(C, Cⱼ) − DSC(C)) / max(min_j DSPC, DSC(C)), in [−1, 1];
 *    score = Σ_C (|C| / n) · V(C), n = all rows, noise included.
 *
 * Metrics: 'manhattan' is the library's metric='cityblock' (the library fails on the name
 * 'manhattan', which SciPy's cdist does not know); 'cosine' matches the library except for all-zero
 * rows, which are at distance 1 from everything here (the library's separation step, SciPy's cdist,
 * gives NaN for them).
 *
 * Edge cases, as the library: no cluster (all labels negative) → score 0 and empty arrays;
 * exactly one cluster → its separation is +∞ and V = score = NaN (the library's NaN; the
 * reference fixtures store it as null); DSC = DSPC = 0 → V = NaN. A cluster of one row makes
 * the library fail (a max over no MST edge); here it is a BAD_DATA error naming the cluster.
 *
 * Cost O(Σ_C |C|²·d + (Σ_C |I_C|)²·d) time, I_C the internal nodes; memory O(n·d) for the
 * gathered rows plus O(64·|C|) per cluster (distances come from the kernel layer in blocks,
 * and the tree is grown by Prim with one row of distances at a time): never |C| × |C|.
 * Distances are computed in float64 from the float32 Matrix; the library works on float64
 * input, so on float32-rounded data the two agree to about 1e-9 relative (a float64 CSV read
 * into float32 moves the score itself by up to ~1e-6).
 */

/** Distance between rows. 'manhattan' = L1 (the library's 'cityblock'); 'cosine' = 1 − cos (a zero row is at distance 1 from everything). */
export type DbcvMetric = 'euclidean' | 'manhattan' | 'cosine';

export interface DbcvOptions {
  /** Distance between rows (the library's `metric`). @defaultValue 'euclidean' */
  metric?: DbcvMetric;
  /**
   * Exponent D of the all-points core distance. null = the number of columns, which is what the
   * library always uses for data (it reads `d` only with metric='precomputed').
   * @defaultValue null
   */
  d?: number | null;
  /**
   * Build the trees and separations on raw distances, without core distances (the library's
   * `mst_raw_dist=True`). @defaultValue false
   */
  mstRawDist?: boolean;
}

/** Option spec of `dbcv`. */
export const DBCV_SPEC = {
  metric: {
    type: 'enum', values: ['euclidean', 'manhattan', 'cosine'], default: 'euclidean',
    doc: "distance between rows: 'euclidean', 'manhattan' or 'cosine' (1 − cos)",
  },
  d: { type: 'float', min: 0, exclusiveMin: true, nullable: true, doc: 'exponent of the all-points core distance (null = number of columns)' },
  mstRawDist: { type: 'bool', default: false, doc: 'trees and separations on raw distances (no core distances)' },
} as const satisfies OptionSpec;

/** DBCV of a labelling; arrays are aligned with `clusters`. */
export interface DbcvResult {
  /** Σ_C (|C| / n) · V(C), in [−1, 1]; 0 with no cluster, NaN with exactly one (as the library). */
  readonly score: number;
  /** Cluster ids present (labels ≥ 0), ascending [k]. */
  readonly clusters: Int32Array;
  /** Validity V(C) of each cluster [k]. */
  readonly perCluster: Float64Array;
  /** Members per cluster [k]. */
  readonly sizes: Int32Array;
  /** Density sparseness DSC(C): largest internal mutual-reachability MST edge [k]. */
  readonly sparseness: Float64Array;
  /** Smallest density separation to another cluster [k] (+∞ with one cluster). */
  readonly separation: Float64Array;
}

interface Resolved { metric: DbcvMetric; d?: number | null; mstRawDist: boolean }

/** Cells of one distance block (float64): [rows × 64] with rows × 64 ≤ 2^21 (16 MB). */
const BLOCK_CELLS = 1 << 21;
const COL_BLOCK = 64;

/** Distances (plain, not squared) between every row of a [na × d] and every row of b [nb × d]: out [na × nb]. */
function distBlock(metric: DbcvMetric, a: Float32Array, na: number, b: Float32Array, nb: number, d: number, out: Float64Array): void {
  if (metric === 'euclidean') {
    sqDistBlock(a, na, b, nb, d, out);
    const len = na * nb;
    for (let t = 0; t < len; t++) out[t] = Math.sqrt(out[t]!);
  } else if (metric === 'manhattan') l1Block(a, na, b, nb, d, out);
  else cosineBlock(a, na, b, nb, d, out);
}

/** Columns per block for a [rows × B] float64 buffer. */
function colBlock(rows: number): number {
  return Math.max(1, Math.min(COL_BLOCK, rows, Math.floor(BLOCK_CELLS / Math.max(1, rows))));
}

/** b^e for a non-negative integer e, by squaring (a few ulps from Math.pow, much faster). */
function intPow(b: number, e: number): number {
  let r = 1;
  while (e > 0) {
    if (e & 1) r *= b;
    b *= b;
    e >>>= 1;
  }
  return r;
}

/**
 * All-points core distances of the m rows of `sub` (the library's `all_points_core_distance`).
 * dist^−D is taken from the squared distance for 'euclidean' ((1/s)^(D/2), by squaring when D is
 * an integer) and by squaring from 1/dist for the other metrics; Math.pow for fractional D.
 */
function coreDistances(sub: Matrix, metric: DbcvMetric, D: number): Float64Array {
  const m = sub.rows, d = sub.cols, x = sub.data;
  const sums = new Float64Array(m);
  const B = colBlock(m);
  const dist = new Float64Array(m * B);
  const euclid = metric === 'euclidean', intD = Number.isInteger(D) && D <= 64;
  const half = D >>> 1, odd = (D & 1) === 1;
  for (let start = 0; start < m; start += B) {
    const nb = Math.min(B, m - start);
    // dist[i·nb + r] = distance (squared for euclidean) between row i and row start + r
    const blk = x.subarray(start * d, (start + nb) * d);
    if (euclid) sqDistBlock(x, m, blk, nb, d, dist); else distBlock(metric, x, m, blk, nb, d, dist);
    for (let r = 0; r < nb; r++) dist[(start + r) * nb + r] = 0; // the point itself adds nothing
    for (let i = 0; i < m; i++) {
      const o = i * nb;
      for (let r = 0; r < nb; r++) {
        const v = dist[o + r]!;
        if (v === 0) continue;
        let w: number;
        if (!intD) w = euclid ? Math.pow(v, -D / 2) : Math.pow(1 / v, D);
        else if (euclid) w = odd ? intPow(1 / v, half) / Math.sqrt(v) : intPow(1 / v, half);
        else w = intPow(1 / v, D);
        sums[start + r]! += w;
      }
    }
  }
  let total = 0;
  for (let i = 0; i < m; i++) { sums[i]! /= m - 1; total += sums[i]!; }
  if (total === 0) return new Float64Array(m);
  for (let i = 0; i < m; i++) sums[i] = Math.pow(sums[i]!, -1 / D);
  return sums;
}

/** numpy.isclose(a, b) with its defaults (rtol 1e-5, atol 1e-8); equal infinities are close. */
function isClose(a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b);
}

interface ClusterTree {
  /** Local indices (into the cluster's rows) of the internal nodes, ascending. */
  internal: Int32Array;
  /** Density sparseness. */
  dsc: number;
}

/**
 * Minimum spanning tree of the cluster's mutual-reachability graph by the library's Prim
 * (`mst_linkage_core` then the `isclose` re-attachment of `internal_minimum_spanning_tree`),
 * one row of distances at a time: O(m²·d) time, O(m) memory.
 */
function clusterTree(sub: Matrix, core: Float64Array | null, metric: DbcvMetric): ClusterTree {
  const m = sub.rows, d = sub.cols, x = sub.data;
  const row = new Float64Array(m); // mr distances from the current node to every node
  const best = new Float64Array(m).fill(Infinity);
  const rank = new Int32Array(m).fill(-1); // step at which a node joined the tree (0 for node 0)
  const parent = new Int32Array(m - 1), child = new Int32Array(m - 1), weight = new Float64Array(m - 1);
  const fillRow = (cur: number): void => {
    distBlock(metric, x, m, x.subarray(cur * d, cur * d + d), 1, d, row);
    if (core) {
      const cc = core[cur]!;
      for (let j = 0; j < m; j++) {
        let v = row[j]!;
        if (cc > v) v = cc;
        if (core[j]! > v) v = core[j]!;
        row[j] = v;
      }
    }
  };
  /** Re-attach edge e (its child is the node whose row is in `row`): lowest-index earlier node at an isclose weight. */
  const reattach = (e: number): void => {
    const v = child[e]!, w = weight[e]!;
    for (let j = 0; j < m; j++) {
      if (j !== v && rank[j]! >= 0 && rank[j]! < rank[v]! && isClose(row[j]!, w)) { parent[e] = j; return; }
    }
    // The library asserts a candidate exists; the Prim parent always qualifies, so this is unreachable.
  };
  let cur = 0;
  rank[0] = 0;
  for (let step = 1; step < m; step++) {
    fillRow(cur);
    if (step >= 3) reattach(step - 2); // edge step − 2 added `cur`; edge 0 keeps node 0 as its parent
    let arg = -1, min = Infinity;
    for (let j = 0; j < m; j++) {
      if (rank[j]! >= 0) continue;
      const r = row[j]!;
      if (!(best[j]! < r)) best[j] = r; // np.where(left < right, left, right)
      if (arg < 0 || best[j]! < min) { min = best[j]!; arg = j; }
    }
    parent[step - 1] = cur; child[step - 1] = arg; weight[step - 1] = min;
    rank[arg] = step;
    cur = arg;
  }
  if (m >= 3) { fillRow(cur); reattach(m - 2); }
  const deg = new Int32Array(m);
  for (let e = 0; e < m - 1; e++) { deg[parent[e]!]!++; deg[child[e]!]!++; }
  const isInternal = new Uint8Array(m);
  let count = 0;
  for (let i = 0; i < m; i++) if (deg[i]! > 1) { isInternal[i] = 1; count++; }
  if (count === 0) { isInternal[0] = 1; count = 1; }
  const internal = new Int32Array(count);
  for (let i = 0, t = 0; i < m; i++) if (isInternal[i]) internal[t++] = i;
  let dsc = -Infinity, any = false;
  for (let e = 0; e < m - 1; e++) {
    if (isInternal[parent[e]!] && isInternal[child[e]!]) { any = true; if (weight[e]! > dsc) dsc = weight[e]!; }
  }
  if (!any) for (let e = 0; e < m - 1; e++) if (weight[e]! > dsc) dsc = weight[e]!;
  return { internal, dsc };
}

/** min over a ∈ A, b ∈ B of max(dist(a,b), coreA[a], coreB[b]) (raw distance when the cores are null). */
function separation(metric: DbcvMetric, a: Matrix, coreA: Float64Array | null, b: Matrix, coreB: Float64Array | null): number {
  const na = a.rows, nbAll = b.rows, d = a.cols;
  const B = colBlock(na);
  const dist = new Float64Array(na * B);
  let min = Infinity;
  for (let start = 0; start < nbAll; start += B) {
    const nb = Math.min(B, nbAll - start);
    distBlock(metric, a.data, na, b.data.subarray(start * d, (start + nb) * d), nb, d, dist);
    for (let i = 0; i < na; i++) {
      const ci = coreA ? coreA[i]! : 0;
      for (let r = 0; r < nb; r++) {
        let v = dist[i * nb + r]!;
        if (coreA) {
          if (ci > v) v = ci;
          const cj = coreB![start + r]!;
          if (cj > v) v = cj;
        }
        if (v < min) min = v;
      }
    }
  }
  return min;
}

/**
 * Density-Based Clustering Validation index of a labelling (Moulavi et al. 2014), exactly as the
 * hdbscan library's `validity_index(X, labels, metric, d=None, per_cluster_scores=True,
 * mst_raw_dist=False)`; the definition, its edge cases and the cost are in this file's header.
 * Higher is better; in [−1, 1].
 * @param x [n × d] data (read, never mutated).
 * @param labels [n] integer labels; every negative label is noise (left out of the clusters,
 *   counted in n).
 * @returns the score and, per cluster present (ascending id), its validity, size, sparseness
 *   and separation.
 * Throws DIM_MISMATCH (labels length ≠ n), BAD_DATA (non-finite x, non-integer labels, a
 * cluster of one row), EMPTY_DATA, BAD_OPTION / UNKNOWN_OPTION.
 */
export function dbcv(x: MatrixLike, labels: ArrayLike<number>, options?: DbcvOptions): DbcvResult {
  const where = 'dbcv';
  const o = resolveOptions<Resolved>(where, DBCV_SPEC, options);
  const mtx = toMatrix(x, where);
  checkData(mtx, where);
  checkLabelVector(labels, where, 'labels');
  const n = mtx.rows;
  if (labels.length !== n) {
    throw new ClusterkitError('DIM_MISMATCH', `${where}: labels must have one entry per row of X (${n}). Got ${labels.length}.`, 'labels');
  }
  const D = o.d ?? mtx.cols;
  // Cluster ids present (labels ≥ 0), ascending, and their members in row order.
  const ids = Array.from(new Set(Array.from(labels).filter((v) => v >= 0))).sort((a, b) => a - b);
  const k = ids.length;
  const slot = new Map<number, number>(ids.map((id, c) => [id, c]));
  const members: number[][] = ids.map(() => []);
  for (let i = 0; i < n; i++) { const c = slot.get(labels[i]!); if (c !== undefined) members[c]!.push(i); }
  const clusters = Int32Array.from(ids), sizes = Int32Array.from(members.map((mm) => mm.length));
  const perCluster = new Float64Array(k), sparseness = new Float64Array(k), sep = new Float64Array(k).fill(Infinity);
  if (k === 0) return { score: 0, clusters, perCluster, sizes, sparseness, separation: sep };
  for (let c = 0; c < k; c++) {
    if (members[c]!.length < 2) {
      throw new ClusterkitError('BAD_DATA',
        `${where}: cluster ${ids[c]} must have at least 2 rows (density sparseness needs an MST edge). Got 1 (row ${members[c]![0]}).`, 'labels');
    }
  }
  const inner: Matrix[] = [], innerCore: (Float64Array | null)[] = [];
  for (let c = 0; c < k; c++) {
    const sub = takeRows(mtx, members[c]!);
    const core = o.mstRawDist ? null : coreDistances(sub, o.metric, D);
    const t = clusterTree(sub, core, o.metric);
    sparseness[c] = t.dsc;
    inner.push(takeRows(sub, t.internal));
    innerCore.push(core ? Float64Array.from(t.internal, (i) => core[i]!) : null);
  }
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const s = separation(o.metric, inner[a]!, innerCore[a] ?? null, inner[b]!, innerCore[b] ?? null);
      if (s < sep[a]!) sep[a] = s;
      if (s < sep[b]!) sep[b] = s;
    }
  }
  let score = 0;
  for (let c = 0; c < k; c++) {
    const s = sep[c]!, dsc = sparseness[c]!;
    perCluster[c] = (s - dsc) / Math.max(s, dsc);
    score += (sizes[c]! / n) * perCluster[c]!;
  }
  return { score, clusters, perCluster, sizes, sparseness, separation: sep };
}
