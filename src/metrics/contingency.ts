import { ClusterkitError } from '../core/errors.js';

/**
 * Contingency tables of two labellings, the input of every external (label-comparison) metric.
 *
 * Labels are arbitrary 32-bit integers; −1 (noise elsewhere in clusterkit) is an ordinary
 * label here, as in scikit-learn's metrics. Rows and columns follow sorted label order.
 */

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** Largest dense table `contingencyTable` will allocate (cells); use `sparseContingency` beyond. */
const MAX_DENSE_CELLS = 1 << 27;

/** Dense contingency table C [rows × cols]: C[i·cols + j] = #items with truth rowLabels[i] and prediction colLabels[j]. */
export interface ContingencyTable {
  /** Distinct truth labels, ascending [rows]. */
  readonly rowLabels: Int32Array;
  /** Distinct predicted labels, ascending [cols]. */
  readonly colLabels: Int32Array;
  /** Counts, row-major [rows × cols]. */
  readonly counts: Int32Array;
  readonly rows: number;
  readonly cols: number;
  /** Number of items (sum of counts). */
  readonly n: number;
}

/**
 * Sparse contingency table: only the nonzero cells, in row-major order (by row, then column),
 * plus the margins. Memory O(n + rows + cols) whatever the number of clusters.
 */
export interface SparseContingency {
  readonly rowLabels: Int32Array; // [rows]
  readonly colLabels: Int32Array; // [cols]
  /** Items per truth class [rows] (the a_i of the formulas). */
  readonly rowSums: Float64Array;
  /** Items per predicted cluster [cols] (the b_j). */
  readonly colSums: Float64Array;
  /** Nonzero cells: row index, column index and count [nnz]. */
  readonly cellRow: Int32Array;
  readonly cellCol: Int32Array;
  readonly cellCount: Float64Array;
  readonly n: number;
}

/**
 * Ordered-pair confusion matrix [[C00, C01], [C10, C11]] as scikit-learn's
 * `pair_confusion_matrix`: C11 = ordered pairs (i ≠ j) together in both labellings,
 * C01 = together in the prediction only, C10 = together in the truth only, C00 = apart in both.
 * Counts are twice the unordered pair counts; they sum to n(n − 1).
 */
export type PairConfusion = readonly [readonly [number, number], readonly [number, number]];

/**
 * Check one label vector: every entry an integer in [−2³¹, 2³¹ − 1]. Throws BAD_DATA naming
 * the first bad item, e.g. `adjustedRandIndex: pred[3] must be an integer label. Got 1.5.`
 */
export function checkLabelVector(labels: ArrayLike<number>, where: string, name: string): void {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new ClusterkitError('BAD_DATA', `${where}: ${name} must be an array of integer labels. Got ${labels === null ? 'null' : typeof labels}.`, name);
  }
  if (labels instanceof Int32Array) return;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
      throw new ClusterkitError('BAD_DATA',
        `${where}: ${name}[${i}] must be an integer label in [-2^31, 2^31 - 1]. Got ${String(v)}.`, name);
    }
  }
}

/**
 * Check a pair of labellings: both non-empty label vectors of equal length.
 * Throws DIM_MISMATCH (lengths differ), EMPTY_DATA (no items) or BAD_DATA (a non-integer label).
 */
export function checkLabelPair(truth: ArrayLike<number>, pred: ArrayLike<number>, where: string): void {
  checkLabelVector(truth, where, 'truth');
  checkLabelVector(pred, where, 'pred');
  if (truth.length !== pred.length) {
    throw new ClusterkitError('DIM_MISMATCH',
      `${where}: truth and pred must have equal lengths. Got ${truth.length} and ${pred.length}.`, 'pred');
  }
  if (truth.length === 0) {
    throw new ClusterkitError('EMPTY_DATA', `${where}: labels must hold at least 1 item. Got 0 items.`, 'truth');
  }
}

/** Labels mapped to 0..k−1 in ascending label order. */
export interface LabelEncoding {
  /** Distinct labels, ascending [k]. */
  readonly classes: Int32Array;
  /** Code of each item [n], in 0..k−1. */
  readonly codes: Int32Array;
  /** Items per code [k]. */
  readonly counts: Float64Array;
}

/**
 * Encode labels as 0..k−1 in sorted label order (scikit-learn's `LabelEncoder`; −1 is an
 * ordinary label and, being smallest, gets code 0 when present). Labels must be checked first.
 * Cost O(n log n).
 */
export function encodeLabels(labels: ArrayLike<number>): LabelEncoding {
  const n = labels.length;
  const sorted = Int32Array.from(labels).sort();
  let k = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[k++] = sorted[i]!;
  const classes = sorted.slice(0, k);
  const codes = new Int32Array(n), counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    let lo = 0, hi = k - 1;
    while (lo < hi) { // binary search: first class ≥ v (v is present)
      const mid = (lo + hi) >>> 1;
      if (classes[mid]! < v) lo = mid + 1; else hi = mid;
    }
    codes[i] = lo;
    counts[lo]!++;
  }
  return { classes, codes, counts };
}

/**
 * Sparse contingency table of two labellings (validated; see `checkLabelPair`).
 * Cost O(n + rows + cols + nnz log nnz); never allocates rows × cols.
 */
export function sparseContingency(truth: ArrayLike<number>, pred: ArrayLike<number>, where = 'sparseContingency'): SparseContingency {
  checkLabelPair(truth, pred, where);
  const n = truth.length;
  const t = encodeLabels(truth), p = encodeLabels(pred);
  const r = t.classes.length, c = p.classes.length;
  // Bucket items by truth code (counting sort), then count predicted codes within each bucket.
  const start = new Int32Array(r + 1);
  for (let i = 0; i < n; i++) start[t.codes[i]! + 1]!++;
  for (let a = 0; a < r; a++) start[a + 1]! += start[a]!;
  const fill = start.slice(0, r), order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[t.codes[i]!]!++] = i;
  const tally = new Int32Array(c), touched = new Int32Array(c);
  const cr = new Int32Array(n), cc = new Int32Array(n), cv = new Float64Array(n); // nnz ≤ n
  let nnz = 0;
  for (let a = 0; a < r; a++) {
    let m = 0;
    for (let s = start[a]!; s < start[a + 1]!; s++) {
      const j = p.codes[order[s]!]!;
      if (tally[j]! === 0) touched[m++] = j;
      tally[j]!++;
    }
    const cols = touched.subarray(0, m).sort();
    for (let q = 0; q < m; q++) {
      const j = cols[q]!;
      cr[nnz] = a; cc[nnz] = j; cv[nnz] = tally[j]!;
      nnz++;
      tally[j] = 0;
    }
  }
  return {
    rowLabels: t.classes, colLabels: p.classes, rowSums: t.counts, colSums: p.counts,
    cellRow: cr.slice(0, nnz), cellCol: cc.slice(0, nnz), cellCount: cv.slice(0, nnz), n,
  };
}

/**
 * Dense contingency table of two labellings: rows = truth labels, columns = predicted labels,
 * both in ascending label order (scikit-learn's `contingency_matrix`).
 * Throws DIM_MISMATCH / EMPTY_DATA / BAD_DATA as `checkLabelPair`, and BAD_DATA when the table
 * would exceed 2^27 cells (use `sparseContingency`). Memory O(rows × cols).
 */
export function contingencyTable(truth: ArrayLike<number>, pred: ArrayLike<number>): ContingencyTable {
  const s = sparseContingency(truth, pred, 'contingencyTable');
  const rows = s.rowLabels.length, cols = s.colLabels.length;
  if (rows * cols > MAX_DENSE_CELLS) {
    throw new ClusterkitError('BAD_DATA',
      `contingencyTable: the table must have at most 2^27 cells (use sparseContingency). Got ${rows} × ${cols}.`);
  }
  const counts = new Int32Array(rows * cols);
  for (let q = 0; q < s.cellCount.length; q++) counts[s.cellRow[q]! * cols + s.cellCol[q]!] = s.cellCount[q]!;
  return { rowLabels: s.rowLabels, colLabels: s.colLabels, counts, rows, cols, n: s.n };
}

/** Pair confusion matrix from a sparse contingency table (see `PairConfusion`). Exact for n < 2^26. */
export function pairConfusionFrom(s: SparseContingency): PairConfusion {
  const n = s.n;
  let sumSq = 0, rowSq = 0, colSq = 0;
  for (let q = 0; q < s.cellCount.length; q++) sumSq += s.cellCount[q]! * s.cellCount[q]!;
  for (let a = 0; a < s.rowSums.length; a++) rowSq += s.rowSums[a]! * s.rowSums[a]!;
  for (let b = 0; b < s.colSums.length; b++) colSq += s.colSums[b]! * s.colSums[b]!;
  const c11 = sumSq - n;
  const c01 = colSq - sumSq;
  const c10 = rowSq - sumSq;
  const c00 = n * n - c01 - c10 - sumSq;
  return [[c00, c01], [c10, c11]];
}

/**
 * Ordered-pair confusion matrix of two labellings, as scikit-learn's `pair_confusion_matrix`
 * ([[C00, C01], [C10, C11]], summing to n(n − 1)). Throws as `checkLabelPair`. Cost O(n).
 */
export function pairConfusionMatrix(truth: ArrayLike<number>, pred: ArrayLike<number>): PairConfusion {
  return pairConfusionFrom(sparseContingency(truth, pred, 'pairConfusionMatrix'));
}
