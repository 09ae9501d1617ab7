/**
 * Distances for HDBSCAN, all through the kernel layer. Values are kept in "units": the squared
 * distance for euclidean (what the kernels return), the plain distance for manhattan and cosine,
 * so comparisons need no square roots; `toDistance` converts a unit value to a distance.
 *
 * `unitsRow` is the exact row form (float64 sums over the float32 values, as the neighbour layer's
 * distances); `unitsBlock` with a single-row b computes the same values for euclidean (the
 * kernel shifts by b itself, so it sums squared differences exactly), so MST weights, core
 * distances and their ties are those of the plain definition.
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
