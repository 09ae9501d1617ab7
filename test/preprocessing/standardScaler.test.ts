// StandardScaler. Known answer: test/fixtures/wine_standardised.json (scikit-learn 1.2.1
// StandardScaler on wine, float64; see its "how").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as standardScaler from '../../src/preprocessing/standardScaler.js';
import { fromJSON, toJSON } from '../../src/core/json.js';
import { dataset, fromRows, readFixture, throwsCode } from './_data.js';

const EPS32 = 2 ** -24; // unit roundoff of float32

describe('standardScaler', () => {
  it('standardScaler.transform(fit(wine), wine) equals scikit-learn StandardScaler within float32 rounding', () => {
    const ref = readFixture<{ how: string; X_standardised: number[][] }>('wine_standardised.json');
    const x = dataset('wine');
    const model = standardScaler.fit(x);
    const z = standardScaler.transform(model, x);
    assert.equal(z.rows, 178);
    assert.equal(z.cols, 13);
    assert.equal(ref.X_standardised.length, 178);
    // Tolerance per cell: the reference reads the CSV as float64, we hold float32, so the input
    // carries a relative error ≤ 2^-24 that (x − μ)/σ amplifies by |x|/σ; the output is rounded
    // once more to float32 (≤ 2^-24·|z|). Bound: 2·2^-24·(|x|/σ + |z|). Observed: ≤ 0.91 of 1×.
    let maxErr = 0;
    for (let i = 0; i < 178; i++) {
      for (let j = 0; j < 13; j++) {
        const want = ref.X_standardised[i]![j]!, got = z.data[i * 13 + j]!;
        const tol = 2 * EPS32 * (Math.abs(x.data[i * 13 + j]!) / model.scale[j]! + Math.abs(want));
        assert.ok(Math.abs(got - want) <= tol, `row ${i}, column ${j}: ${got} vs ${want}, tol ${tol}`);
        maxErr = Math.max(maxErr, Math.abs(got - want));
      }
    }
    assert.ok(maxErr < 1e-6, `max abs error ${maxErr}`);
  });

  it('standardScaler.fit(x) gives column means and population standard deviations', () => {
    const x = fromRows([[1, 10], [2, 20], [3, 30], [6, 60]]);
    const m = standardScaler.fit(x);
    assert.equal(m.kind, 'standard-scaler');
    assert.equal(m.version, 1);
    assert.deepEqual(Array.from(m.mean), [3, 30]);
    assert.deepEqual(Array.from(m.variance), [3.5, 350]); // (4 + 1 + 0 + 9) / 4
    assert.deepEqual(Array.from(m.scale), [Math.sqrt(3.5), Math.sqrt(350)]);
    const z = standardScaler.transform(m, x);
    let s0 = 0, q0 = 0;
    for (let i = 0; i < 4; i++) { s0 += z.data[i * 2]!; q0 += z.data[i * 2]! ** 2; }
    assert.ok(Math.abs(s0) < 1e-6);
    assert.ok(Math.abs(q0 / 4 - 1) < 1e-6);
  });

  it('standardScaler.fit(x) gives a constant column scale 1, so it maps to 0 (as scikit-learn)', () => {
    const x = fromRows([[5, 1], [5, 2], [5, 3]]);
    const m = standardScaler.fit(x);
    assert.equal(m.scale[0], 1);
    assert.equal(m.variance[0], 0);
    const z = standardScaler.transform(m, x);
    assert.deepEqual([z.data[0], z.data[2], z.data[4]], [0, 0, 0]);
  });

  it('standardScaler.fit(x, {withMean: false, withStd: false}) keeps the data unchanged', () => {
    const x = fromRows([[1, 2], [3, 5]]);
    const m = standardScaler.fit(x, { withMean: false, withStd: false });
    assert.deepEqual(Array.from(standardScaler.transform(m, x).data), [1, 2, 3, 5]);
  });

  it('standardScaler.inverseTransform(model, transform(model, x)) gives back x', () => {
    const x = dataset('wine');
    const m = standardScaler.fit(x);
    const back = standardScaler.inverseTransform(m, standardScaler.transform(m, x));
    for (let t = 0; t < x.data.length; t++) assert.ok(Math.abs(back.data[t]! - x.data[t]!) <= 1e-6 * Math.max(1, Math.abs(x.data[t]!)));
  });

  it('standardScaler.transform does not mutate its input and accepts number[][]', () => {
    const rows = [[1, 2], [3, 4], [5, 9]];
    const x = fromRows(rows), copy = x.data.slice();
    const m = standardScaler.fit(rows);
    assert.deepEqual(standardScaler.transform(m, rows).data, standardScaler.transform(m, x).data);
    assert.deepEqual(x.data, copy);
  });

  it('standardScaler.transform(fromJSON(toJSON(model)), x) equals the original transform', () => {
    const x = dataset('iris');
    const m = standardScaler.fit(x);
    const m2 = fromJSON<standardScaler.StandardScalerResult>(toJSON(m));
    assert.deepEqual(standardScaler.transform(m2, x).data, standardScaler.transform(m, x).data);
  });

  it('standardScaler.transform refuses a different column count, and fit refuses NaN and empty data', () => {
    const m = standardScaler.fit(fromRows([[1, 2], [3, 4]]));
    throwsCode(() => standardScaler.transform(m, fromRows([[1, 2, 3]])), 'DIM_MISMATCH', 'standardScaler.transform', 'must have 2 columns', 'Got 3');
    throwsCode(() => standardScaler.fit(fromRows([[1, 2], [NaN, 4]])), 'BAD_DATA', 'standardScaler.fit', 'row 1, column 0');
    throwsCode(() => standardScaler.fit({ data: new Float32Array(0), rows: 0, cols: 3 }), 'EMPTY_DATA', 'standardScaler.fit');
    throwsCode(() => standardScaler.fit(fromRows([[1]]), { withMean: 1 } as never), 'BAD_OPTION', "'withMean'", 'true or false');
    throwsCode(() => standardScaler.fit(fromRows([[1]]), { with_mean: true } as never), 'UNKNOWN_OPTION', "'with_mean'");
    throwsCode(() => standardScaler.transform({ ...m, kind: 'pca' } as never, fromRows([[1, 2]])), 'BAD_MODEL', "'standard-scaler'");
  });
});
