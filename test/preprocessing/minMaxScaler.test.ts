import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as minMaxScaler from '../../src/preprocessing/minMaxScaler.js';
import { dataset, fromRows, throwsCode } from './_data.js';

describe('minMaxScaler', () => {
  it('minMaxScaler.transform(fit(wine), wine) puts every column exactly in [0, 1], reaching both ends', () => {
    const x = dataset('wine');
    const m = minMaxScaler.fit(x);
    const z = minMaxScaler.transform(m, x);
    for (let j = 0; j < 13; j++) {
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < 178; i++) { lo = Math.min(lo, z.data[i * 13 + j]!); hi = Math.max(hi, z.data[i * 13 + j]!); }
      assert.equal(lo, 0, `column ${j} min`);
      assert.equal(hi, 1, `column ${j} max`);
    }
  });

  it('minMaxScaler.fit(x, {featureRange: [-1, 3]}) maps minima to -1 and maxima to 3 linearly', () => {
    const x = fromRows([[0, 10], [5, 20], [10, 40]]);
    const m = minMaxScaler.fit(x, { featureRange: [-1, 3] });
    assert.deepEqual(Array.from(m.dataMin), [0, 10]);
    assert.deepEqual(Array.from(m.dataMax), [10, 40]);
    assert.deepEqual(Array.from(m.scale), [0.4, 4 / 30]);
    assert.deepEqual(Array.from(minMaxScaler.transform(m, x).data), [-1, -1, 1, Math.fround(-1 + 40 / 30), 3, 3]);
  });

  it('minMaxScaler.fit(x) maps a constant column to the low end of the range (as scikit-learn)', () => {
    const x = fromRows([[7, 1], [7, 2]]);
    const m = minMaxScaler.fit(x, { featureRange: [2, 5] });
    const z = minMaxScaler.transform(m, x);
    assert.equal(z.data[0], 2);
    assert.equal(z.data[2], 2);
  });

  it('minMaxScaler.transform clips new data to the range only with clip: true', () => {
    const x = fromRows([[0], [10]]);
    const plain = minMaxScaler.fit(x), clipped = minMaxScaler.fit(x, { clip: true });
    const y = fromRows([[-5], [20]]);
    assert.deepEqual(Array.from(minMaxScaler.transform(plain, y).data), [-0.5, 2]);
    assert.deepEqual(Array.from(minMaxScaler.transform(clipped, y).data), [0, 1]);
  });

  it('minMaxScaler.inverseTransform(model, transform(model, x)) gives back x', () => {
    const x = dataset('iris');
    const m = minMaxScaler.fit(x);
    const back = minMaxScaler.inverseTransform(m, minMaxScaler.transform(m, x));
    for (let t = 0; t < x.data.length; t++) assert.ok(Math.abs(back.data[t]! - x.data[t]!) <= 1e-6 * Math.abs(x.data[t]!));
  });

  it('minMaxScaler.fit refuses a bad featureRange, and transform a wrong column count', () => {
    throwsCode(() => minMaxScaler.fit(fromRows([[1]]), { featureRange: [1, 1] }), 'BAD_OPTION', "'featureRange'", 'lo < hi');
    throwsCode(() => minMaxScaler.fit(fromRows([[1]]), { featureRange: [0] as never }), 'BAD_OPTION', "'featureRange'");
    const m = minMaxScaler.fit(fromRows([[1, 2]]));
    throwsCode(() => minMaxScaler.transform(m, fromRows([[1]])), 'DIM_MISMATCH', 'minMaxScaler.transform', 'must have 2 columns', 'Got 1');
    throwsCode(() => minMaxScaler.fit(fromRows([[1, Infinity]])), 'BAD_DATA', 'row 0, column 1');
  });
});
