import { ClusterkitError } from '../core/errors.js';
import { checkData, takeRows, toMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import { checkIntRange, resolveOptions, type OptionSpec } from '../core/options.js';
import { createRng } from '../core/rng.js';
import { centroidSums, cosineBlock, sqDistBlock, sqDistRow } from '../kernels/index.js';
import { checkLabelVector, encodeLabels } from './contingency.js';

/**
 * Internal clustering metrics: judge a labelling of data X [n × d] without a reference.
 *
 * Conventions (scikit-learn 1.2.1): labels are arbitrary 32-bit integers mapped to clusters in
 * sorted order; **−1 is an ordinary cluster here, not noise** (as in scikit-learn; drop noise
 * rows first if they should not count). Silhouette, Davies–Bouldin and Calinski–Harabasz need
 * 2 ≤ #clusters ≤ n − 1 (BAD_DATA otherwise). X is float32 (the Matrix type); every sum and
 * distance is accumulated in float64. X is read, never mutated.
 */

/** Distance used by the silhouette. Cosine distance = 1 − cos(x, y), in [0, 2]. */
export type SilhouetteMetric = 'euclidean' | 'cosine';

export interface SilhouetteOptions {
  /** @defaultValue 'euclidean' */
  metric?: SilhouetteMetric;
}

export interface SilhouetteScoreOptions extends SilhouetteOptions {
  /**
   * Score a random subset of this many rows (distances among the subset only, as
   * scikit-learn's `silhouette_score(sample_size=…)`); an integer in [2, n]. null = all rows.
   * @defaultValue null
   */
  sampleSize?: number | null;
  /** Seed of the subset draw (PCG32 `createRng`; not numpy's stream). @defaultValue 0 */
  seed?: number;
}

const METRIC_ENTRY = {
  type: 'enum', values: ['euclidean', 'cosine'], default: 'euclidean',
  doc: "distance between rows: 'euclidean' or 'cosine' (1 − cos)",
} as const;

/** Option spec of `silhouetteSamples`. */
export const SILHOUETTE_SAMPLES_SPEC = { metric: METRIC_ENTRY } as const satisfies OptionSpec;

/** Option spec of `silhouetteScore`. */
export const SILHOUETTE_SPEC = {
  metric: METRIC_ENTRY,
  sampleSize: { type: 'int', min: 2, nullable: true, doc: 'score a seeded random subset of this many rows (null = all rows)' },
  seed: { type: 'int', min: 0, max: Number.MAX_SAFE_INTEGER, default: 0, doc: 'seed of the subset draw' },
} as const satisfies OptionSpec;

interface ResolvedSilhouette { metric: SilhouetteMetric; sampleSize?: number | null; seed: number }

/** Upper bound on the distance block (float64 cells): n × (rows per block) ≤ 2^21 (16 MB). */
const BLOCK_CELLS = 1 << 21;
/** Rows whose distances to all n rows are computed per kernel call. */
const ROW_BLOCK = 64;

interface Prepared {
  m: Matrix;
  codes: Int32Array;
  counts: Float64Array;
  k: number;
}

/** Validate X and labels; encode labels as 0..k−1 (sorted label order). */
function prepare(X: MatrixLike, labels: ArrayLike<number>, where: string): Prepared {
  const m = toMatrix(X, where);
  checkData(m, where);
  checkLabelVector(labels, where, 'labels');
  if (labels.length !== m.rows) {
    throw new ClusterkitError('DIM_MISMATCH',
      `${where}: labels must have one entry per row of X (${m.rows}). Got ${labels.length}.`, 'labels');
  }
  const e = encodeLabels(labels);
  return { m, codes: e.codes, counts: e.counts, k: e.classes.length };
}

/** scikit-learn's `check_number_of_labels`: 2 ≤ k ≤ n − 1. */
function checkClusterCount(k: number, n: number, where: string, sample = false): void {
  if (k < 2 || k > n - 1) {
    const of = sample ? ` in the sample of ${n} rows` : '';
    throw new ClusterkitError('BAD_DATA',
      `${where}: the number of clusters${of} must be in [2, n - 1 = ${n - 1}]. Got ${k}.`, 'labels');
  }
}

/**
 * Silhouette of every row from encoded labels. Distances come from the kernel layer in blocks
 * of B rows ([n × B] buffer, never n × n); per row, distances are summed per cluster in row
 * order (as scikit-learn's `_silhouette_reduce`). The self-distance is skipped.
 */
function silhouetteCore(p: Prepared, metric: SilhouetteMetric): Float64Array {
  const { m, codes, counts, k } = p;
  const n = m.rows, d = m.cols, x = m.data;
  const B = Math.max(1, Math.min(ROW_BLOCK, n, Math.floor(BLOCK_CELLS / n)));
  const dist = new Float64Array(n * B);
  const sums = new Float64Array(B * k);
  const out = new Float64Array(n);
  const euclid = metric === 'euclidean';
  for (let start = 0; start < n; start += B) {
    const nb = Math.min(B, n - start);
    const blk = x.subarray(start * d, (start + nb) * d);
    // dist[i·nb + r] = distance between row i and row start + r (squared when euclidean).
    if (euclid) sqDistBlock(x, n, blk, nb, d, dist); else cosineBlock(x, n, blk, nb, d, dist);
    // The self-distance does not count (adding an exact 0 leaves the sums unchanged).
    for (let r = 0; r < nb; r++) dist[(start + r) * nb + r] = 0;
    sums.fill(0, 0, nb * k);
    for (let i = 0; i < n; i++) {
      const o = i * nb, ci = codes[i]!;
      if (euclid) for (let r = 0; r < nb; r++) sums[r * k + ci]! += Math.sqrt(dist[o + r]!);
      else for (let r = 0; r < nb; r++) sums[r * k + ci]! += dist[o + r]!;
    }
    for (let r = 0; r < nb; r++) {
      const i = start + r, own = codes[i]!, size = counts[own]!;
      if (size <= 1) { out[i] = 0; continue; } // singleton cluster: 0 by convention
      const a = sums[r * k + own]! / (size - 1);
      let b = Infinity;
      for (let c = 0; c < k; c++) if (c !== own) b = Math.min(b, sums[r * k + c]! / counts[c]!);
      const den = Math.max(a, b);
      out[i] = den > 0 ? (b - a) / den : 0;
    }
  }
  return out;
}

/**
 * Silhouette coefficient of every row (Rousseeuw 1987): s(i) = (b − a) / max(a, b), with a the
 * mean distance from i to the other members of its cluster and b the smallest mean distance
 * from i to the members of another cluster; in [−1, 1]. Members of singleton clusters get 0,
 * and so does a row with a = b = 0 (scikit-learn's `silhouette_samples`).
 *
 * Exact: O(n²·d) time; distances come from the kernel layer (`sqDistBlock` then √, or
 * `cosineBlock`) in row blocks, memory O(n · 64) — never n × n. Differs from scikit-learn only
 * for all-zero rows under 'cosine', whose distance to themselves scikit-learn counts as 1
 * (clusterkit skips the self-distance for both metrics).
 * @param X [n × d] data; @param labels [n] integer labels (−1 is an ordinary cluster).
 * @returns [n] silhouettes (float64).
 * Throws DIM_MISMATCH (labels length ≠ n), BAD_DATA (non-finite X, non-integer labels,
 * #clusters outside [2, n − 1]), EMPTY_DATA, BAD_OPTION / UNKNOWN_OPTION.
 */
export function silhouetteSamples(X: MatrixLike, labels: ArrayLike<number>, options?: SilhouetteOptions): Float64Array {
  const where = 'silhouetteSamples';
  const o = resolveOptions<{ metric: SilhouetteMetric }>(where, SILHOUETTE_SAMPLES_SPEC, options);
  const p = prepare(X, labels, where);
  checkClusterCount(p.k, p.m.rows, where);
  return silhouetteCore(p, o.metric);
}

/**
 * Mean silhouette coefficient, in [−1, 1] (scikit-learn's `silhouette_score`).
 *
 * With `sampleSize` s, scores a random subset of s rows drawn without replacement by PCG32
 * from `seed` (partial Fisher–Yates), using distances among the subset only, as scikit-learn
 * does with `sample_size` (but scikit-learn's numpy draw is not reproduced): same seed, same
 * subset, same value; cost O(s²·d). The subset must hold 2..s − 1 clusters.
 * Otherwise exact, as `silhouetteSamples` (O(n²·d)). Throws as `silhouetteSamples`, and
 * BAD_OPTION when sampleSize is not in [2, n].
 */
export function silhouetteScore(X: MatrixLike, labels: ArrayLike<number>, options?: SilhouetteScoreOptions): number {
  const where = 'silhouetteScore';
  const o = resolveOptions<ResolvedSilhouette>(where, SILHOUETTE_SPEC, options);
  let p = prepare(X, labels, where);
  const n = p.m.rows;
  const sampled = o.sampleSize !== undefined && o.sampleSize !== null;
  if (sampled) {
    const s = o.sampleSize as number;
    checkIntRange(where, 'sampleSize', s, 2, n, 'n');
    const rng = createRng(o.seed);
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let t = 0; t < s; t++) {
      const j = t + rng.int(n - t);
      const tmp = perm[t]!; perm[t] = perm[j]!; perm[j] = tmp;
    }
    const idx = perm.slice(0, s).sort();
    const sub = new Int32Array(s);
    for (let t = 0; t < s; t++) sub[t] = labels[idx[t]!]!;
    const e = encodeLabels(sub);
    p = { m: takeRows(p.m, idx), codes: e.codes, counts: e.counts, k: e.classes.length };
  }
  checkClusterCount(p.k, p.m.rows, where, sampled);
  const sil = silhouetteCore(p, o.metric);
  let sum = 0;
  for (let i = 0; i < sil.length; i++) sum += sil[i]!;
  return sum / sil.length;
}

/** Cluster means in float64 from encoded labels, optionally weighted: [k × d]; wsum [k]. */
function clusterMeans(m: Matrix, codes: Int32Array, k: number, weights: Float64Array | null):
  { means: Float64Array; wsum: Float64Array } {
  const d = m.cols, means = new Float64Array(k * d), wsum = new Float64Array(k);
  centroidSums(m.data, m.rows, d, codes, weights, k, means, wsum);
  for (let c = 0; c < k; c++) {
    const w = wsum[c]!;
    if (w > 0) for (let t = 0; t < d; t++) means[c * d + t]! /= w;
  }
  return { means, wsum };
}

/** Squared distance between two float64 vectors (means); O(d). The kernels take float32 rows only. */
function sqDist64(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) { const v = a[i * d + t]! - b[j * d + t]!; s += v * v; }
  return s;
}

/**
 * Davies–Bouldin index (Davies & Bouldin 1979), ≥ 0, lower is better: the mean over clusters i
 * of maxⱼ≠ᵢ (sᵢ + sⱼ) / ‖μᵢ − μⱼ‖, with μ the cluster means and sᵢ the mean Euclidean distance
 * of cluster i's members to μᵢ. As scikit-learn's `davies_bouldin_score`: 0 when all sᵢ or all
 * centroid distances are ≤ 1e-8, and coincident centroids add 0 to the max. Cost O(n·d + k²·d).
 * @param X [n × d]; @param labels [n] (−1 is an ordinary cluster). Throws as `silhouetteSamples`.
 */
export function daviesBouldin(X: MatrixLike, labels: ArrayLike<number>): number {
  const where = 'daviesBouldin';
  const { m, codes, counts, k } = prepare(X, labels, where);
  const n = m.rows, d = m.cols;
  checkClusterCount(k, n, where);
  const { means } = clusterMeans(m, codes, k, null);
  const intra = new Float64Array(k);
  for (let i = 0; i < n; i++) intra[codes[i]!]! += Math.sqrt(sqDistRow(m.data, i, means, codes[i]!, d));
  let intraZero = true;
  for (let c = 0; c < k; c++) { intra[c]! /= counts[c]!; if (Math.abs(intra[c]!) > 1e-8) intraZero = false; }
  const cd = new Float64Array(k * k);
  let centZero = true;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const v = a === b ? 0 : Math.sqrt(sqDist64(means, a, means, b, d));
      cd[a * k + b] = v;
      if (v > 1e-8) centZero = false;
    }
  }
  if (intraZero || centZero) return 0;
  let total = 0;
  for (let a = 0; a < k; a++) {
    let worst = 0;
    for (let b = 0; b < k; b++) {
      const dist = cd[a * k + b]!;
      if (dist === 0) continue; // scikit-learn: distance 0 → ∞ → ratio 0
      worst = Math.max(worst, (intra[a]! + intra[b]!) / dist);
    }
    total += worst;
  }
  return total / k;
}

/**
 * Calinski–Harabasz index (variance ratio criterion, Caliński & Harabasz 1974), ≥ 0, higher is
 * better: [B / (k − 1)] / [W / (n − k)] with B = Σ_c n_c ‖μ_c − μ‖² and W = Σᵢ ‖xᵢ − μ_{c(i)}‖².
 * 1 when W = 0 (scikit-learn's `calinski_harabasz_score`). Cost O(n·d).
 * @param X [n × d]; @param labels [n] (−1 is an ordinary cluster). Throws as `silhouetteSamples`.
 */
export function calinskiHarabasz(X: MatrixLike, labels: ArrayLike<number>): number {
  const where = 'calinskiHarabasz';
  const { m, codes, counts, k } = prepare(X, labels, where);
  const n = m.rows, d = m.cols;
  checkClusterCount(k, n, where);
  const { means } = clusterMeans(m, codes, k, null);
  const overall = clusterMeans(m, new Int32Array(n), 1, null).means;
  let extra = 0, intra = 0;
  for (let c = 0; c < k; c++) extra += counts[c]! * sqDist64(means, c, overall, 0, d);
  for (let i = 0; i < n; i++) intra += sqDistRow(m.data, i, means, codes[i]!, d);
  return intra === 0 ? 1 : (extra * (n - k)) / (intra * (k - 1));
}

/**
 * Inertia: Σᵢ wᵢ ‖xᵢ − μ_{c(i)}‖² (squared Euclidean units), μ_c the (weighted) mean of
 * cluster c — the k-means objective at the labelling's own means. Any number of clusters
 * (k = 1 gives the total sum of squares about the mean); −1 is an ordinary cluster.
 * Cost O(n·d).
 * @param X [n × d]; @param labels [n]; @param weights [n] finite, ≥ 0, or null for all 1.
 * Throws DIM_MISMATCH (a length ≠ n), BAD_DATA (non-finite X, bad label or weight), EMPTY_DATA.
 */
export function inertia(X: MatrixLike, labels: ArrayLike<number>, weights: ArrayLike<number> | null = null): number {
  const where = 'inertia';
  const { m, codes, k } = prepare(X, labels, where);
  const n = m.rows, d = m.cols;
  let w: Float64Array | null = null;
  if (weights !== null && weights !== undefined) {
    if (weights.length !== n) {
      throw new ClusterkitError('DIM_MISMATCH',
        `${where}: weights must have one entry per row of X (${n}). Got ${weights.length}.`, 'weights');
    }
    w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = weights[i];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new ClusterkitError('BAD_DATA', `${where}: weights[${i}] must be a finite number ≥ 0. Got ${String(v)}.`, 'weights');
      }
      w[i] = v;
    }
  }
  const { means } = clusterMeans(m, codes, k, w);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    if (wi !== 0) total += wi * sqDistRow(m.data, i, means, codes[i]!, d);
  }
  return total;
}
