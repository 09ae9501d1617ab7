/**
 * Condensed distance matrices (SciPy's `pdist` layout): the upper triangle of an n × n
 * symmetric matrix, row by row, without the diagonal. Pair (i, j), i < j, sits at
 * `n·i − i(i+1)/2 + (j − i − 1)`; the length is n(n−1)/2. Indices are plain doubles (never `| 0`),
 * so n may exceed 65 535 (the length then exceeds 2³¹).
 *
 * Distances from data rows go through the kernel layer in row blocks: the block of rows
 * [s, e) against rows [s, n) (`sqDistBlock`, `l1Block` or `cosineBlock`), so only the upper
 * triangle is computed and the scratch stays near 8 MB.
 */
import { ClusterkitError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { checkAbort, type RunControl } from '../core/control.js';
import { sqDistBlock, sqDistRow, l1Block, cosineBlock } from '../kernels/index.js';

/** Dissimilarities between data rows. */
export type LinkageMetric = 'euclidean' | 'sqeuclidean' | 'manhattan' | 'cosine';

/** A condensed distance matrix (float64 or float32), length n(n−1)/2. */
export type Condensed = Float64Array | Float32Array;

/** Position of pair (i, j), i ≠ j, in the condensed matrix of n points. */
export function condensedIndex(n: number, i: number, j: number): number {
  if (i > j) { const t = i; i = j; j = t; }
  return n * i - (i * (i + 1)) / 2 + (j - i - 1);
}

/** n(n−1)/2: the length of the condensed matrix of n points. */
export function condensedLength(n: number): number {
  return (n * (n - 1)) / 2;
}

/**
 * The n of a condensed matrix of length m (m = n(n−1)/2, n ≥ 2). Throws BAD_DATA naming
 * `where` and `param` when m is not of that form.
 */
export function condensedN(m: number, where: string, param = 'precomputed'): number {
  const n = Math.round((1 + Math.sqrt(1 + 8 * m)) / 2);
  if (!(m >= 1) || condensedLength(n) !== m) {
    const lo = Math.floor((1 + Math.sqrt(1 + 8 * Math.max(m, 0))) / 2);
    throw new ClusterkitError('BAD_DATA',
      `${where}: option '${param}' must have length n(n−1)/2 for some n ≥ 2 (1, 3, 6, 10, …; the nearest are ${condensedLength(Math.max(lo, 2))} and ${condensedLength(Math.max(lo, 2) + 1)}). Got length ${m}.`, param);
  }
  return n;
}

/**
 * Check that every condensed distance is finite and ≥ 0; throws BAD_DATA naming the first bad
 * pair (i, j).
 */
export function checkCondensed(y: Condensed, n: number, where: string, param = 'precomputed'): void {
  for (let t = 0; t < y.length; t++) {
    const v = y[t]!;
    if (!(v >= 0) || v === Infinity) {
      // locate (i, j) of position t
      let i = 0, start = 0;
      while (start + (n - i - 1) <= t) { start += n - i - 1; i++; }
      const j = i + 1 + (t - start);
      throw new ClusterkitError('BAD_DATA', `${where}: option '${param}' must hold finite non-negative distances. Got ${v} for pair (${i}, ${j}) at position ${t}.`, param);
    }
  }
}

/**
 * Pairwise distances of the rows of X under `metric`, condensed, written into `out`
 * (Float32Array: each distance rounded once to float32; Float64Array: kept in float64).
 * Euclidean distances are √ of the kernel's squared distances (float64 accumulation about the
 * block mean). Cost O(n²·d / 2) time; memory `out` plus ~8 MB of scratch.
 * Calls `onProgress` per row block (stage 'linkage: distances') and checks `signal`.
 */
export function pdistInto(X: Matrix, metric: LinkageMetric, out: Condensed, ctl: RunControl = {}, where = 'linkage'): void {
  const { data, rows: n, cols: d } = X;
  const budget = 1 << 20; // float64 entries of scratch (8 MB)
  let blk = new Float64Array(0);
  let s = 0;
  while (s < n - 1) {
    checkAbort(ctl.signal, where);
    const nb = n - s; // rows [s, n)
    const m = Math.max(1, Math.min(256, Math.floor(budget / nb), n - 1 - s));
    if (blk.length < m * nb) blk = new Float64Array(m * nb);
    const a = data.subarray(s * d, (s + m) * d), b = data.subarray(s * d, n * d);
    if (metric === 'manhattan') l1Block(a, m, b, nb, d, blk);
    else if (metric === 'cosine') cosineBlock(a, m, b, nb, d, blk);
    else sqDistBlock(a, m, b, nb, d, blk);
    const root = metric === 'euclidean';
    for (let r = 0; r < m; r++) {
      const i = s + r;
      let o = condensedIndex(n, i, i + 1);
      const row = r * nb;
      // columns j = i+1 … n−1 are at block columns (j − s)
      for (let c = r + 1; c < nb; c++) {
        const v = blk[row + c]!;
        out[o++] = root ? Math.sqrt(v) : v;
      }
    }
    s += m;
    ctl.onProgress?.({ stage: `${where}: distances`, done: s, total: n - 1 });
  }
}

/**
 * Distance between rows i and j of X under `metric`, through the kernel layer: Euclidean
 * family by `sqDistRow` (exact float64 Σ(xᵢ − xⱼ)²), Manhattan and cosine by a 1 × 1
 * `l1Block` / `cosineBlock`. Used for graph edges. `tmp`: scratch of length ≥ 1.
 */
export function rowDistance(X: Matrix, metric: LinkageMetric, i: number, j: number, tmp: Float64Array): number {
  const d = X.cols;
  if (metric === 'euclidean') return Math.sqrt(sqDistRow(X.data, i, X.data, j, d));
  if (metric === 'sqeuclidean') return sqDistRow(X.data, i, X.data, j, d);
  const a = X.data.subarray(i * d, i * d + d), b = X.data.subarray(j * d, j * d + d);
  if (metric === 'manhattan') l1Block(a, 1, b, 1, d, tmp);
  else cosineBlock(a, 1, b, 1, d, tmp);
  return tmp[0]!;
}
