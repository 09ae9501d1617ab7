/**
 * Row normalisation, as scikit-learn's `normalize(X, norm)`: each row divided by its l2, l1 or
 * max-abs norm (norms accumulated in float64). Rows whose norm is 0 stay 0.
 */
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { resolveOptions, type OptionSpec } from '../core/options.js';
import { fitData } from './common.js';

/** Which row norm to divide by. */
export type RowNorm = 'l2' | 'l1' | 'max';

export const NORMALIZE_SPEC = {
  norm: { type: 'enum', values: ['l2', 'l1', 'max'], default: 'l2', doc: "Row norm: 'l2', 'l1' or 'max' (largest |value|). @defaultValue 'l2'" },
} as const satisfies OptionSpec;

/**
 * Scale every row of x [n × d] to unit `norm`: a new Matrix [n × d] (x is not mutated). O(n·d).
 * Stateless, so there is no fit. Useful before cosine/spherical k-means.
 * Throws EMPTY_DATA / BAD_DATA naming row and column, BAD_OPTION for an unknown norm.
 * @param norm @defaultValue 'l2'
 */
export function normalizeRows(x: MatrixLike, norm: RowNorm = 'l2'): Matrix {
  const W = 'normalizeRows';
  const o = resolveOptions<{ norm: RowNorm }>(W, NORMALIZE_SPEC, { norm });
  const m = fitData(x, W);
  const { rows: n, cols: d, data } = m;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const off = i * d;
    let s = 0;
    if (o.norm === 'l2') {
      for (let j = 0; j < d; j++) s += data[off + j]! * data[off + j]!;
      s = Math.sqrt(s);
    } else if (o.norm === 'l1') {
      for (let j = 0; j < d; j++) s += Math.abs(data[off + j]!);
    } else {
      for (let j = 0; j < d; j++) s = Math.max(s, Math.abs(data[off + j]!));
    }
    if (s === 0) continue;
    for (let j = 0; j < d; j++) out[off + j] = data[off + j]! / s;
  }
  return { data: out, rows: n, cols: d };
}
