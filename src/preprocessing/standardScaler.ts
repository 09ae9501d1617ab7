/**
 * Standardisation per column: z = (x − mean) / scale, with the population standard deviation
 * (ddof = 0) as scale, as scikit-learn's `StandardScaler`. Statistics are accumulated in float64
 * (two passes: mean, then centred sum of squares); `transform` rounds once to float32.
 */
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { resolveOptions, type OptionSpec } from '../core/options.js';
import { fitData, transformData } from './common.js';

/** Options of {@link fit}. */
export interface StandardScalerOptions {
  /** Subtract the column mean. @defaultValue true */
  withMean?: boolean;
  /** Divide by the column standard deviation. @defaultValue true */
  withStd?: boolean;
}

export type ResolvedStandardScalerOptions = Required<StandardScalerOptions>;

export const STANDARD_SCALER_SPEC = {
  withMean: { type: 'bool', default: true, doc: 'Subtract the column mean. @defaultValue true' },
  withStd: { type: 'bool', default: true, doc: 'Divide by the population standard deviation. @defaultValue true' },
} as const satisfies OptionSpec;

/** A fitted standard scaler (plain data; JSON round-trips with core/json). */
export interface StandardScalerResult {
  readonly kind: 'standard-scaler';
  readonly version: 1;
  readonly options: ResolvedStandardScalerOptions;
  /** Number of columns d seen at fit. */
  readonly nFeatures: number;
  /** Number of rows n seen at fit. */
  readonly nSamples: number;
  /** Column means, [d] (zeros when withMean is false). */
  readonly mean: Float64Array;
  /** Population variances, [d] (always computed). */
  readonly variance: Float64Array;
  /** Divisor per column, [d]: √variance, or 1 for a constant column (or when withStd is false). */
  readonly scale: Float64Array;
}

/**
 * Learn column means and population standard deviations of x [n × d]. O(n·d).
 * A column is constant when its variance is within float64 rounding of 0 (scikit-learn 1.2's
 * `_is_constant_feature`: var ≤ n·ε·var + (n·mean·ε)²); its scale is 1, so it maps to 0.
 * Throws EMPTY_DATA / BAD_DATA (NaN, ±Infinity) naming row and column.
 */
export function fit(x: MatrixLike, options: StandardScalerOptions = {}): StandardScalerResult {
  const W = 'standardScaler.fit';
  const o = resolveOptions<ResolvedStandardScalerOptions>(W, STANDARD_SCALER_SPEC, options);
  const m = fitData(x, W);
  const { rows: n, cols: d, data } = m;
  const mu = new Float64Array(d), variance = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mu[j]! /= n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]! - mu[j]!;
      variance[j]! += v * v;
    }
  }
  const eps = Number.EPSILON, scale = new Float64Array(d).fill(1);
  for (let j = 0; j < d; j++) {
    variance[j]! /= n;
    const bound = n * eps * variance[j]! + (n * mu[j]! * eps) ** 2;
    if (o.withStd && variance[j]! > bound) scale[j] = Math.sqrt(variance[j]!);
  }
  return {
    kind: 'standard-scaler', version: 1, options: o, nFeatures: d, nSamples: n,
    mean: o.withMean ? mu : new Float64Array(d), variance, scale,
  };
}

/**
 * Standardise x [m × d] with a fitted model: a new Matrix (x is not mutated).
 * Throws DIM_MISMATCH when x does not have the fitted d columns, BAD_DATA for non-finite cells,
 * BAD_MODEL for something that is not a standard-scaler result.
 */
export function transform(model: StandardScalerResult, x: MatrixLike): Matrix {
  const m = transformData(model, 'standard-scaler', x, 'standardScaler.transform');
  const { rows: n, cols: d, data } = m;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = (data[i * d + j]! - model.mean[j]!) / model.scale[j]!;
  }
  return { data: out, rows: n, cols: d };
}

/** Undo {@link transform}: x = z·scale + mean, a new Matrix [m × d]. */
export function inverseTransform(model: StandardScalerResult, z: MatrixLike): Matrix {
  const m = transformData(model, 'standard-scaler', z, 'standardScaler.inverseTransform');
  const { rows: n, cols: d, data } = m;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = data[i * d + j]! * model.scale[j]! + model.mean[j]!;
  }
  return { data: out, rows: n, cols: d };
}

/** fit then transform on the same data: `{ model, x }`. */
export function fitTransform(x: MatrixLike, options: StandardScalerOptions = {}): { model: StandardScalerResult; x: Matrix } {
  const model = fit(x, options);
  return { model, x: transform(model, x) };
}
