/**
 * Rescale each column linearly so that the fitted data span `featureRange` [lo, hi], as
 * scikit-learn's `MinMaxScaler`: x′ = x·scale + min with scale = (hi − lo) / (max − min) and
 * min = lo − dataMin·scale. Statistics in float64; `transform` rounds once to float32.
 */
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { resolveOptions, type OptionSpec } from '../core/options.js';
import { fitData, transformData } from './common.js';

/** Options of {@link fit}. */
export interface MinMaxScalerOptions {
  /** Target range [lo, hi] with lo < hi. @defaultValue [0, 1] */
  featureRange?: readonly [number, number];
  /** Clip transformed values of new data to the range. @defaultValue false */
  clip?: boolean;
}

export interface ResolvedMinMaxScalerOptions {
  readonly featureRange: readonly [number, number];
  readonly clip: boolean;
}

export const MIN_MAX_SCALER_SPEC = {
  featureRange: {
    type: 'custom', expected: 'a pair [lo, hi] of finite numbers with lo < hi',
    check: (v) => Array.isArray(v) && v.length === 2 && v.every((t) => typeof t === 'number' && Number.isFinite(t)) && v[0] < v[1],
    doc: 'Target range [lo, hi]. @defaultValue [0, 1]',
  },
  clip: { type: 'bool', default: false, doc: 'Clip transformed values to the range. @defaultValue false' },
} as const satisfies OptionSpec;

/** A fitted min-max scaler (plain data). */
export interface MinMaxScalerResult {
  readonly kind: 'min-max-scaler';
  readonly version: 1;
  readonly options: ResolvedMinMaxScalerOptions;
  readonly nFeatures: number;
  readonly nSamples: number;
  /** Column minima and maxima of the fitted data, [d] each. */
  readonly dataMin: Float64Array;
  readonly dataMax: Float64Array;
  /** Per-column factor and offset, [d] each: x′ = x·scale + min. */
  readonly scale: Float64Array;
  readonly min: Float64Array;
}

/**
 * Learn column minima and maxima of x [n × d]. O(n·d). A constant column (range below
 * 10·ε, scikit-learn's `_handle_zeros_in_scale`) gets a range of 1, so it maps to lo.
 * Throws EMPTY_DATA / BAD_DATA naming row and column.
 */
export function fit(x: MatrixLike, options: MinMaxScalerOptions = {}): MinMaxScalerResult {
  const W = 'minMaxScaler.fit';
  const r = resolveOptions<{ featureRange?: readonly [number, number]; clip: boolean }>(W, MIN_MAX_SCALER_SPEC, options);
  const o: ResolvedMinMaxScalerOptions = { featureRange: [...(r.featureRange ?? [0, 1])] as [number, number], clip: r.clip };
  const m = fitData(x, W);
  const { rows: n, cols: d, data } = m;
  const lo = new Float64Array(d).fill(Infinity), hi = new Float64Array(d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]!;
      if (v < lo[j]!) lo[j] = v;
      if (v > hi[j]!) hi[j] = v;
    }
  }
  const [a, b] = o.featureRange;
  const scale = new Float64Array(d), min = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let range = hi[j]! - lo[j]!;
    if (range < 10 * Number.EPSILON) range = 1;
    scale[j] = (b - a) / range;
    min[j] = a - lo[j]! * scale[j]!;
  }
  return { kind: 'min-max-scaler', version: 1, options: o, nFeatures: d, nSamples: n, dataMin: lo, dataMax: hi, scale, min };
}

/**
 * Rescale x [m × d]: a new Matrix. New data may fall outside the range unless `clip` was set.
 * Throws DIM_MISMATCH / BAD_DATA / BAD_MODEL as the other transforms.
 */
export function transform(model: MinMaxScalerResult, x: MatrixLike): Matrix {
  const m = transformData(model, 'min-max-scaler', x, 'minMaxScaler.transform');
  const { rows: n, cols: d, data } = m;
  const [a, b] = model.options.featureRange, clip = model.options.clip;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      // a + (x − dataMin)·scale equals x·scale + min, and gives exactly lo at the fitted minimum.
      let v = a + (data[i * d + j]! - model.dataMin[j]!) * model.scale[j]!;
      if (clip) v = v < a ? a : v > b ? b : v;
      out[i * d + j] = v;
    }
  }
  return { data: out, rows: n, cols: d };
}

/** Undo {@link transform}: x = dataMin + (x′ − lo) / scale, a new Matrix [m × d]. */
export function inverseTransform(model: MinMaxScalerResult, z: MatrixLike): Matrix {
  const m = transformData(model, 'min-max-scaler', z, 'minMaxScaler.inverseTransform');
  const { rows: n, cols: d, data } = m;
  const lo = model.options.featureRange[0];
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = model.dataMin[j]! + (data[i * d + j]! - lo) / model.scale[j]!;
  }
  return { data: out, rows: n, cols: d };
}

/** fit then transform on the same data: `{ model, x }`. */
export function fitTransform(x: MatrixLike, options: MinMaxScalerOptions = {}): { model: MinMaxScalerResult; x: Matrix } {
  const model = fit(x, options);
  return { model, x: transform(model, x) };
}
