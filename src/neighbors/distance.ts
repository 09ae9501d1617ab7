/**
 * Exact distances between single rows, float64 sums over float32 inputs in column order. The
 * kernel layer (src/kernels) computes blocks of distances fast but by the expansion
 * ‖x‖² − 2x·y + ‖y‖², which is not exact; neighbour search screens with the kernels and settles
 * each kept candidate with these, so results (and ties) are those of the plain definitions:
 * - euclidean √Σ(xₜ − yₜ)² (radius tests compare Σ(xₜ − yₜ)² with r², as scikit-learn's trees),
 * - manhattan Σ|xₜ − yₜ|,
 * - cosine 1 − x·y / (‖x‖‖y‖), clamped to [0, 2], and 1 when either row is zero (the kernel
 *   layer's `cosineBlock` convention).
 */
export type RowMetric = 'euclidean' | 'manhattan' | 'cosine';

/** Squared Euclidean distance between a[ao…ao+d) and b[bo…bo+d). */
export function sqEuclidean(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) { const v = a[ao + t]! - b[bo + t]!; s += v * v; }
  return s;
}

/** Manhattan distance between a[ao…ao+d) and b[bo…bo+d). */
export function manhattan(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) { const v = a[ao + t]! - b[bo + t]!; s += v < 0 ? -v : v; }
  return s;
}

/** Cosine distance given the rows and their squared norms. */
export function cosine(a: ArrayLike<number>, ao: number, na2: number, b: ArrayLike<number>, bo: number, nb2: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += a[ao + t]! * b[bo + t]!;
  const den = Math.sqrt(na2) * Math.sqrt(nb2);
  const v = den > 0 ? 1 - s / den : 1;
  return v < 0 ? 0 : v > 2 ? 2 : v;
}

/**
 * "Reduced" distance used for comparisons: squared for euclidean, the distance itself
 * otherwise. `norms2` holds squared row norms (only read for cosine).
 */
export function rdistRows(metric: RowMetric, a: ArrayLike<number>, i: number, na2: number,
  b: ArrayLike<number>, j: number, nb2: number, d: number): number {
  if (metric === 'euclidean') return sqEuclidean(a, i * d, b, j * d, d);
  if (metric === 'manhattan') return manhattan(a, i * d, b, j * d, d);
  return cosine(a, i * d, na2, b, j * d, nb2, d);
}

/** Reduced distance → distance, and back. */
export function fromReduced(metric: string, r: number): number { return metric === 'euclidean' ? Math.sqrt(r) : r; }
export function toReduced(metric: string, r: number): number { return metric === 'euclidean' ? r * r : r; }
