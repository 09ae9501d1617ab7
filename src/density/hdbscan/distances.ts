/**
 * Distances for HDBSCAN, all through the kernel layer. Values are kept in "units": the squared
 * distance for euclidean (what the kernels return), the plain distance for manhattan and cosine,
 * so comparisons need no square roots; `toDistance` converts a unit value to a distance.
 *
 * Blocks are screened with the kernels; every kept neighbour is then settled by the exact row
 * form (float64 sum of squared float32 differences), so core distances, MST weights and ties are
 * those of the plain definition and do not depend on block layout.
 */
import { sqDistBlock, sqDistRow, l1Block, cosineBlock } from '../../kernels/index.js';

export type HdbscanMetric = 'euclidean' | 'manhattan' | 'cosine';

/** Unit value → distance (√ for euclidean). */
export function toDistance(metric: HdbscanMetric, u: number): number {
  return metric === 'euclidean' ? Math.sqrt(u) : u;
}

/** Units between every row of a [na × d] and every row of b [nb × d]: out [na × nb]. */
export function unitsBlock(metric: HdbscanMetric, a: Float32Array, na: number, b: Float32Array, nb: number, d: number,
  out: Float64Array): void {
  if (metric === 'euclidean') sqDistBlock(a, na, b, nb, d, out);
  else if (metric === 'manhattan') l1Block(a, na, b, nb, d, out);
  else cosineBlock(a, na, b, nb, d, out);
}

const one = new Float64Array(1);
/** Exact units between row i of x [· × d] and row j of y [· × d]. */
export function unitsRow(metric: HdbscanMetric, x: Float32Array, i: number, y: Float32Array, j: number, d: number): number {
  if (metric === 'euclidean') return sqDistRow(x, i, y, j, d);
  const a = x.subarray(i * d, i * d + d), b = y.subarray(j * d, j * d + d);
  if (metric === 'manhattan') l1Block(a, 1, b, 1, d, one);
  else cosineBlock(a, 1, b, 1, d, one);
  return one[0]!;
}

/** Cells per screening block (rows × reference rows), float64: 32 MB. */
const BLOCK_CELLS = 1 << 22;

/**
 * The k nearest reference rows of each query row, by blocked brute force through the kernels:
 * idx [nq × k] and units [nq × k], ascending (ties → lower reference index). Exact units.
 * `k` must be ≤ nr. A query that is also a reference row finds itself at 0 (the caller decides
 * whether the point counts). Cost O(nq·nr·d), memory O(block + nq·k).
 */
export function bruteKnn(metric: HdbscanMetric, q: Float32Array, nq: number, ref: Float32Array, nr: number, d: number,
  k: number, onBlock?: (done: number) => void): { idx: Int32Array; units: Float64Array } {
  const idx = new Int32Array(nq * k), units = new Float64Array(nq * k);
  const B = Math.max(8, Math.min(nq, Math.floor(BLOCK_CELLS / Math.max(1, nr))));
  const blk = new Float64Array(Math.min(B, nq) * nr);
  const hv = new Float64Array(k), hi = new Int32Array(k);
  for (let s = 0; s < nq; s += B) {
    const m = Math.min(B, nq - s);
    unitsBlock(metric, q.subarray(s * d, (s + m) * d), m, ref, nr, d, blk);
    for (let r = 0; r < m; r++) {
      // insertion-sorted list of the k smallest screened values
      let cnt = 0;
      const o = r * nr;
      for (let j = 0; j < nr; j++) {
        const v = blk[o + j]!;
        if (cnt === k && !(v < hv[k - 1]!)) continue;
        let p = cnt < k ? cnt++ : k - 1;
        while (p > 0 && hv[p - 1]! > v) { hv[p] = hv[p - 1]!; hi[p] = hi[p - 1]!; p--; }
        hv[p] = v; hi[p] = j;
      }
      // settle the kept neighbours exactly, then re-sort them (value, index)
      const qi = s + r, out = qi * k;
      for (let t = 0; t < k; t++) { idx[out + t] = hi[t]!; units[out + t] = unitsRow(metric, q, qi, ref, hi[t]!, d); }
      sortPairs(idx, units, out, k);
    }
    onBlock?.(s + m);
  }
  return { idx, units };
}

/** Insertion sort of (units, idx) pairs in [o, o + k) by value, then index. */
function sortPairs(idx: Int32Array, units: Float64Array, o: number, k: number): void {
  for (let a = o + 1; a < o + k; a++) {
    const v = units[a]!, i = idx[a]!;
    let b = a;
    while (b > o && (units[b - 1]! > v || (units[b - 1] === v && idx[b - 1]! > i))) { units[b] = units[b - 1]!; idx[b] = idx[b - 1]!; b--; }
    units[b] = v; idx[b] = i;
  }
}
