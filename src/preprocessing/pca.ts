/**
 * Principal component analysis through the covariance matrix: C = X_cᵀX_c / (n − 1) [d × d],
 * accumulated in float64, then decomposed by cyclic Jacobi (./eigen.ts). Equals scikit-learn's
 * `PCA(svd_solver='full')` up to rounding: the components are the right singular vectors of
 * X_c, explainedVariance = S² / (n − 1).
 *
 * Cost: O(n·d²) for C plus O(d³) for the eigensolver (and O(n·d·k) for the sign rule), memory
 * O(d²). Meant for d up to about 1000; for wide sparse data use a truncated SVD instead.
 * Squaring the data in C loses accuracy only for components whose variance is below
 * ~1e-16 × the largest; those are noise at float32 input precision anyway.
 *
 * Sign convention (deterministic): scikit-learn 1.2 applies `svd_flip(U, Vt)` with
 * u_based_decision = True: each component's sign makes the sample score with the largest
 * |value| (first such sample on exact ties) positive. We compute the scores X_c·v and apply the
 * same rule, so signs match scikit-learn except when two samples' |scores| tie to within
 * rounding (or a component has zero variance).
 */
import { ClusterkitError } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { checkIntRange, resolveOptions, type OptionSpec } from '../core/options.js';
import { symmetricEigen } from './eigen.js';
import { fitData, transformData } from './common.js';

/** Options of {@link fit}. */
export interface PcaOptions {
  /** Number of components k, in [1, min(n, d)]. @defaultValue min(n, d) (null means the same) */
  nComponents?: number | null;
  /** Subtract the column means first. `false` decomposes the second-moment matrix XᵀX / (n − 1)
   *  instead; its explainedVariance is then λ of that matrix, not the variance of the scores
   *  (unlike scikit-learn's TruncatedSVD). @defaultValue true */
  center?: boolean;
  /** Divide the scores by √explainedVariance so that each has unit variance. @defaultValue false */
  whiten?: boolean;
}

export interface ResolvedPcaOptions {
  readonly nComponents: number;
  readonly center: boolean;
  readonly whiten: boolean;
}

export const PCA_SPEC = {
  nComponents: { type: 'int', min: 1, nullable: true, doc: 'Number of components in [1, min(n, d)]. @defaultValue min(n, d)' },
  center: { type: 'bool', default: true, doc: 'Subtract column means. @defaultValue true' },
  whiten: { type: 'bool', default: false, doc: 'Scale scores to unit variance. @defaultValue false' },
} as const satisfies OptionSpec;

/** A fitted PCA (plain data). */
export interface PcaResult {
  readonly kind: 'pca';
  readonly version: 1;
  readonly options: ResolvedPcaOptions;
  readonly nFeatures: number;
  readonly nSamples: number;
  /** Column means subtracted before projecting, [d] (zeros when center is false). */
  readonly mean: Float64Array;
  /** Principal axes as orthonormal rows, [k × d], by decreasing variance. */
  readonly components: Float64Array;
  /** Variance of the data along each component (ddof = 1), [k]. */
  readonly explainedVariance: Float64Array;
  /** explainedVariance / total variance (trace of C), [k]; 0 when the total is 0. */
  readonly explainedVarianceRatio: Float64Array;
  /** Singular values of X_c: √(explainedVariance·(n − 1)), [k]. */
  readonly singularValues: Float64Array;
  /** Mean of the eigenvalues not kept (scikit-learn's noise_variance_); 0 when k = min(n, d). */
  readonly noiseVariance: number;
}

/**
 * Fit PCA on x [n × d]. See the module comment for cost and sign convention. With n = 1 the
 * divisor n − 1 is taken as 1.
 * Throws EMPTY_DATA / BAD_DATA (NaN, ±Infinity) naming row and column, BAD_OPTION when
 * nComponents is outside [1, min(n, d)].
 */
export function fit(x: MatrixLike, options: PcaOptions = {}): PcaResult {
  const W = 'pca.fit';
  const r = resolveOptions<{ nComponents?: number | null; center: boolean; whiten: boolean }>(W, PCA_SPEC, options);
  const m = fitData(x, W);
  const { rows: n, cols: d, data } = m;
  const kMax = Math.min(n, d);
  const k = r.nComponents ?? kMax;
  checkIntRange(W, 'nComponents', k, 1, kMax, 'min(n, d)');
  const o: ResolvedPcaOptions = { nComponents: k, center: r.center, whiten: r.whiten };

  const mean = new Float64Array(d);
  if (o.center) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
    for (let j = 0; j < d; j++) mean[j]! /= n;
  }
  // Upper triangle of Σ (x − μ)(x − μ)ᵀ, four centred rows per pass over C (fewer loads and
  // stores of C per multiply-add), then the remaining rows one at a time.
  const C = new Float64Array(d * d), xb = new Float64Array(4 * d);
  const x0 = xb.subarray(0, d), x1 = xb.subarray(d, 2 * d), x2 = xb.subarray(2 * d, 3 * d), x3 = xb.subarray(3 * d);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    for (let r = 0; r < 4; r++) for (let j = 0; j < d; j++) xb[r * d + j] = data[(i + r) * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const a0 = x0[a]!, a1 = x1[a]!, a2 = x2[a]!, a3 = x3[a]!, row = a * d;
      for (let b = a; b < d; b++) C[row + b]! += a0 * x0[b]! + a1 * x1[b]! + a2 * x2[b]! + a3 * x3[b]!;
    }
  }
  for (; i < n; i++) {
    for (let j = 0; j < d; j++) x0[j] = data[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const va = x0[a]!, row = a * d;
      for (let b = a; b < d; b++) C[row + b]! += va * x0[b]!;
    }
  }
  const dof = Math.max(n - 1, 1);
  let trace = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = C[a * d + b]! / dof;
      C[a * d + b] = v; C[b * d + a] = v;
    }
    trace += C[a * d + a]!;
  }
  const eig = symmetricEigen(C, d);

  const components = eig.vectors.slice(0, k * d);
  const explainedVariance = new Float64Array(k), explainedVarianceRatio = new Float64Array(k), singularValues = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const lam = Math.max(eig.values[c]!, 0);
    explainedVariance[c] = lam;
    explainedVarianceRatio[c] = trace > 0 ? lam / trace : 0;
    singularValues[c] = Math.sqrt(lam * dof);
  }
  let noise = 0;
  for (let c = k; c < kMax; c++) noise += Math.max(eig.values[c]!, 0);
  const noiseVariance = k < kMax ? noise / (kMax - k) : 0;

  flipSigns(data, n, d, mean, components, k);
  return {
    kind: 'pca', version: 1, options: o, nFeatures: d, nSamples: n, mean, components,
    explainedVariance, explainedVarianceRatio, singularValues, noiseVariance,
  };
}

/** svd_flip with u_based_decision: make the largest-|score| sample of each component positive. */
function flipSigns(data: Float32Array, n: number, d: number, mean: Float64Array, comp: Float64Array, k: number): void {
  const best = new Float64Array(k), bestAbs = new Float64Array(k).fill(-1), xc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) xc[j] = data[i * d + j]! - mean[j]!;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += xc[j]! * comp[c * d + j]!;
      if (Math.abs(s) > bestAbs[c]!) { bestAbs[c] = Math.abs(s); best[c] = s; }
    }
  }
  for (let c = 0; c < k; c++) {
    if (best[c]! < 0) for (let j = 0; j < d; j++) comp[c * d + j] = -comp[c * d + j]!;
  }
}

/**
 * Project x [m × d] on the components: (x − mean)·componentsᵀ, a new Matrix [m × k]; divided by
 * √explainedVariance per component when fitted with whiten (a zero-variance component gives 0).
 * O(m·d·k). Throws DIM_MISMATCH when x does not have the fitted d columns, BAD_DATA, BAD_MODEL.
 */
export function transform(model: PcaResult, x: MatrixLike): Matrix {
  const m = transformData(model, 'pca', x, 'pca.transform');
  const { rows: n, cols: d, data } = m;
  const k = model.options.nComponents, comp = model.components;
  const div = whitenDivisors(model);
  const out = new Float32Array(n * k), xc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) xc[j] = data[i * d + j]! - model.mean[j]!;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += xc[j]! * comp[c * d + j]!;
      out[i * k + c] = div[c] === 0 ? 0 : s / div[c]!;
    }
  }
  return { data: out, rows: n, cols: k };
}

/**
 * Map scores z [m × k] back to the input space: z·components (times √explainedVariance when
 * whitened) + mean, a new Matrix [m × d]. Exact reconstruction when k = d.
 * Throws DIM_MISMATCH when z does not have k columns.
 */
export function inverseTransform(model: PcaResult, z: MatrixLike): Matrix {
  const W = 'pca.inverseTransform';
  const k = model?.options?.nComponents ?? 0;
  const m = transformData({ kind: model?.kind, version: model?.version, nFeatures: k }, 'pca', z, W);
  const d = model.nFeatures, comp = model.components, div = whitenDivisors(model);
  const out = new Float32Array(m.rows * d), acc = new Float64Array(d);
  for (let i = 0; i < m.rows; i++) {
    acc.set(model.mean);
    for (let c = 0; c < k; c++) {
      const s = m.data[i * k + c]! * div[c]!;
      if (s === 0) continue;
      for (let j = 0; j < d; j++) acc[j]! += s * comp[c * d + j]!;
    }
    out.set(acc, i * d);
  }
  return { data: out, rows: m.rows, cols: d };
}

/** fit then transform on the same data: `{ model, x }` with x the scores [n × k]. */
export function fitTransform(x: MatrixLike, options: PcaOptions = {}): { model: PcaResult; x: Matrix } {
  const model = fit(x, options);
  return { model, x: transform(model, x) };
}

function whitenDivisors(model: PcaResult): Float64Array {
  const k = model.options.nComponents, div = new Float64Array(k).fill(1);
  if (model.options.whiten) for (let c = 0; c < k; c++) div[c] = Math.sqrt(model.explainedVariance[c]!);
  if (model.components.length !== k * model.nFeatures) {
    throw new ClusterkitError('BAD_MODEL', `pca: components must hold nComponents × nFeatures = ${k * model.nFeatures} values. Got ${model.components.length}.`);
  }
  return div;
}
