// PCA. Known answers: scikit-learn's PCA on raw iris (explained_variance_ratio_ and the first two
// components_, widely printed, e.g. `PCA().fit(load_iris().data)` with scikit-learn 1.2), and an
// independent float64 covariance + power iteration written in this file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as pca from '../../src/preprocessing/pca.js';
import { fromJSON, toJSON } from '../../src/core/json.js';
import type { Matrix } from '../../src/core/matrix.js';
import { dataset, fromRows, throwsCode } from './_data.js';

/** Sample covariance (ddof = 1) in float64, computed directly. */
function covariance(x: Matrix): { mean: number[]; c: number[][] } {
  const { rows: n, cols: d, data } = x;
  const mean = Array.from({ length: d }, (_, j) => { let s = 0; for (let i = 0; i < n; i++) s += data[i * d + j]!; return s / n; });
  const c = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => {
    let s = 0; for (let i = 0; i < n; i++) s += (data[i * d + a]! - mean[a]!) * (data[i * d + b]! - mean[b]!);
    return s / (n - 1);
  }));
  return { mean, c };
}

/** Eigenvalues by power iteration with deflation (float64); fine for well-separated spectra. */
function powerEigenvalues(c0: number[][], k: number): number[] {
  const d = c0.length, c = c0.map((r) => r.slice()), out: number[] = [];
  for (let e = 0; e < k; e++) {
    let v = Array.from({ length: d }, (_, i) => 1 + i / d), lam = 0;
    for (let it = 0; it < 5000; it++) {
      const w = c.map((r) => r.reduce((s, x, j) => s + x * v[j]!, 0));
      const nrm = Math.hypot(...w);
      if (nrm === 0) break;
      const next = w.map((x) => x / nrm);
      const delta = Math.hypot(...next.map((x, i) => x - v[i]!));
      v = next; lam = nrm;
      if (delta < 1e-15) break;
    }
    out.push(lam);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) c[a]![b]! -= lam * v[a]! * v[b]!;
  }
  return out;
}

// Expected PCA values checked with scikit-learn 1.2.1 (Debian python3-sklearn) on data/iris.features.csv:
//   PCA().fit(X).explained_variance_ratio_ and .components_[:2] (printed to 8 digits).
describe('pca', () => {
  const iris = dataset('iris');

  it("pca.fit(iris).explainedVarianceRatio equals scikit-learn's [0.92461872, 0.05306648, 0.01710261, 0.00521218] within 1e-6", () => {
    const m = pca.fit(iris);
    const want = [0.92461872, 0.05306648, 0.01710261, 0.00521218];
    assert.equal(m.explainedVarianceRatio.length, 4);
    want.forEach((w, c) => assert.ok(Math.abs(m.explainedVarianceRatio[c]! - w) < 1e-6, `component ${c}: ${m.explainedVarianceRatio[c]}`));
    const sum = m.explainedVarianceRatio.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-12);
  });

  it('pca.fit(iris).explainedVariance equals the covariance eigenvalues found by power iteration', () => {
    const m = pca.fit(iris);
    const { c } = covariance(iris);
    const lam = powerEigenvalues(c, 4);
    lam.forEach((l, i) => assert.ok(Math.abs(m.explainedVariance[i]! - l) <= 1e-9 * lam[0]!, `eigenvalue ${i}: ${m.explainedVariance[i]} vs ${l}`));
    // sklearn's explained_variance_ on iris: [4.22824171, 0.24267075, 0.0782095, 0.02383509]
    [4.22824171, 0.24267075, 0.0782095, 0.02383509].forEach((w, i) => assert.ok(Math.abs(m.explainedVariance[i]! - w) < 1e-6));
    m.singularValues.forEach((s, i) => assert.ok(Math.abs(s * s / 149 - m.explainedVariance[i]!) < 1e-12));
    assert.equal(m.noiseVariance, 0);
    assert.ok(Math.abs(pca.fit(iris, { nComponents: 2 }).noiseVariance - (lam[2]! + lam[3]!) / 2) < 1e-9);
  });

  it('pca.fit(x).components are orthonormal rows and eigenvectors of the covariance', () => {
    for (const x of [iris, dataset('wine')]) {
      const m = pca.fit(x), d = x.cols, k = m.options.nComponents;
      const { c } = covariance(x);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          let s = 0; for (let j = 0; j < d; j++) s += m.components[a * d + j]! * m.components[b * d + j]!;
          assert.ok(Math.abs(s - (a === b ? 1 : 0)) < 1e-12, `<v${a}, v${b}> = ${s}`);
        }
        for (let r = 0; r < d; r++) {
          let s = 0; for (let j = 0; j < d; j++) s += c[r]![j]! * m.components[a * d + j]!;
          assert.ok(Math.abs(s - m.explainedVariance[a]! * m.components[a * d + r]!) < 1e-9 * m.explainedVariance[0]!);
        }
      }
    }
  });

  it("pca.fit(iris) gives scikit-learn's component signs (svd_flip, u-based) and values", () => {
    const m = pca.fit(iris, { nComponents: 2 });
    const want = [[0.36138659, -0.08452251, 0.85667061, 0.3582892], [0.65658877, 0.73016143, -0.17337266, -0.07548102]];
    want.forEach((w, c) => w.forEach((v, j) => assert.ok(Math.abs(m.components[c * 4 + j]! - v) < 1e-6, `component ${c}, feature ${j}`)));
  });

  it('pca.fit(x) makes the sample score with the largest |value| positive for every component', () => {
    const x = dataset('wine');
    const m = pca.fit(x);
    const z = pca.transform(m, x), k = z.cols;
    for (let c = 0; c < k; c++) {
      let best = 0;
      for (let i = 0; i < z.rows; i++) if (Math.abs(z.data[i * k + c]!) > Math.abs(best)) best = z.data[i * k + c]!;
      assert.ok(best > 0, `component ${c}`);
    }
  });

  it('pca.transform(model, x) equals (x − mean)·componentsᵀ computed directly', () => {
    const m = pca.fit(iris, { nComponents: 3 });
    const z = pca.transform(m, iris);
    assert.equal(z.rows, 150);
    assert.equal(z.cols, 3);
    for (let i = 0; i < 150; i++) {
      for (let c = 0; c < 3; c++) {
        let s = 0; for (let j = 0; j < 4; j++) s += (iris.data[i * 4 + j]! - m.mean[j]!) * m.components[c * 4 + j]!;
        assert.ok(Math.abs(z.data[i * 3 + c]! - s) <= 1e-6 * Math.max(1, Math.abs(s)));
      }
    }
    // Score variances (ddof = 1) equal explainedVariance.
    for (let c = 0; c < 3; c++) {
      let s = 0; for (let i = 0; i < 150; i++) s += z.data[i * 3 + c]! ** 2;
      assert.ok(Math.abs(s / 149 - m.explainedVariance[c]!) < 1e-5 * m.explainedVariance[c]!);
    }
  });

  it('pca.fit(x, {whiten: true}) gives scores with unit variance', () => {
    const m = pca.fit(iris, { whiten: true });
    const z = pca.transform(m, iris);
    for (let c = 0; c < 4; c++) {
      let s = 0; for (let i = 0; i < 150; i++) s += z.data[i * 4 + c]! ** 2;
      assert.ok(Math.abs(s / 149 - 1) < 1e-5, `component ${c}: ${s / 149}`);
    }
    const back = pca.inverseTransform(m, z);
    for (let t = 0; t < iris.data.length; t++) assert.ok(Math.abs(back.data[t]! - iris.data[t]!) < 1e-5);
  });

  it('pca.inverseTransform(model, transform(model, x)) reconstructs x when k = d and projects when k < d', () => {
    const full = pca.fit(iris);
    const back = pca.inverseTransform(full, pca.transform(full, iris));
    for (let t = 0; t < iris.data.length; t++) assert.ok(Math.abs(back.data[t]! - iris.data[t]!) < 1e-5);
    const two = pca.fit(iris, { nComponents: 2 });
    const proj = pca.inverseTransform(two, pca.transform(two, iris));
    let err = 0;
    for (let t = 0; t < iris.data.length; t++) err += (proj.data[t]! - iris.data[t]!) ** 2;
    // Residual sum of squares = (n − 1)·(λ₃ + λ₄).
    assert.ok(Math.abs(err - 149 * (full.explainedVariance[2]! + full.explainedVariance[3]!)) < 1e-3);
  });

  it('pca.fit(x, {center: false}) decomposes XᵀX / (n − 1) and keeps a zero mean', () => {
    const x = fromRows([[1, 0], [0, 2], [1, 2]]);
    const m = pca.fit(x, { center: false });
    assert.deepEqual(Array.from(m.mean), [0, 0]);
    // XᵀX / 2 = [[1, 1], [1, 4]]: eigenvalues (5 ± √13) / 2.
    assert.ok(Math.abs(m.explainedVariance[0]! - (5 + Math.sqrt(13)) / 2) < 1e-12);
    assert.ok(Math.abs(m.explainedVariance[1]! - (5 - Math.sqrt(13)) / 2) < 1e-12);
  });

  it('pca.fit(x) with fewer rows than columns allows nComponents up to n', () => {
    const x = dataset('digits');
    const few: Matrix = { data: x.data.slice(0, 3 * 64), rows: 3, cols: 64 };
    const m = pca.fit(few);
    assert.equal(m.options.nComponents, 3);
    assert.ok(m.explainedVariance[2]! < 1e-9 * m.explainedVariance[0]!); // 3 centred points span 2 dimensions
    throwsCode(() => pca.fit(few, { nComponents: 4 }), 'BAD_OPTION', "option 'nComponents'", 'min(n, d) = 3', 'Got 4');
  });

  it('pca.transform(fromJSON(toJSON(model)), x) equals the original transform', () => {
    const m = pca.fit(iris, { nComponents: 2 });
    const m2 = fromJSON<pca.PcaResult>(toJSON(m));
    assert.deepEqual(pca.transform(m2, iris).data, pca.transform(m, iris).data);
  });

  it('pca.fit and pca.transform refuse bad input with the right codes', () => {
    throwsCode(() => pca.fit(iris, { nComponents: 5 }), 'BAD_OPTION', "pca.fit: option 'nComponents' must be an integer in [1, min(n, d) = 4]. Got 5.");
    throwsCode(() => pca.fit(iris, { nComponents: 0 }), 'BAD_OPTION', "'nComponents'");
    throwsCode(() => pca.fit(iris, { nComponent: 2 } as never), 'UNKNOWN_OPTION', "'nComponent'");
    throwsCode(() => pca.fit(fromRows([[1, 2], [NaN, 3]])), 'BAD_DATA', 'pca.fit', 'row 1, column 0');
    throwsCode(() => pca.fit({ data: new Float32Array(0), rows: 0, cols: 4 }), 'EMPTY_DATA', 'pca.fit');
    const m = pca.fit(iris, { nComponents: 2 });
    throwsCode(() => pca.transform(m, fromRows([[1, 2, 3]])), 'DIM_MISMATCH', 'pca.transform: data must have 4 columns', 'Got 3');
    throwsCode(() => pca.inverseTransform(m, fromRows([[1, 2, 3]])), 'DIM_MISMATCH', 'pca.inverseTransform: data must have 2 columns');
    throwsCode(() => pca.transform({ ...m, version: 2 } as never, iris), 'BAD_MODEL', "'pca' result of version 1");
  });
});
