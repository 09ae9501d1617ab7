import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRows } from '../../src/preprocessing/normalize.js';
import { dataset, fromRows, throwsCode } from './_data.js';

describe('normalizeRows', () => {
  it('normalizeRows(digits) gives every nonzero row unit l2 norm and keeps directions', () => {
    const x = dataset('digits');
    const z = normalizeRows(x);
    const d = x.cols;
    for (let i = 0; i < x.rows; i++) {
      let s = 0, orig = 0;
      for (let j = 0; j < d; j++) { s += z.data[i * d + j]! ** 2; orig += x.data[i * d + j]! ** 2; }
      assert.ok(Math.abs(Math.sqrt(s) - 1) < 1e-6, `row ${i}: norm ${Math.sqrt(s)}`);
      for (let j = 0; j < d; j++) assert.ok(Math.abs(z.data[i * d + j]! * Math.sqrt(orig) - x.data[i * d + j]!) < 1e-5);
    }
  });

  it('normalizeRows(x) keeps zero rows zero and does not mutate x', () => {
    const x = fromRows([[0, 0, 0], [3, 0, 4]]), copy = x.data.slice();
    assert.deepEqual(Array.from(normalizeRows(x).data), [0, 0, 0, 0.6000000238418579, 0, 0.800000011920929]);
    assert.deepEqual(x.data, copy);
  });

  it("normalizeRows(x, 'l1') and (x, 'max') divide by the sum of |values| and the largest |value|", () => {
    const x = fromRows([[1, -3], [0, 0], [-2, 2]]);
    assert.deepEqual(Array.from(normalizeRows(x, 'l1').data), [0.25, -0.75, 0, 0, -0.5, 0.5]);
    assert.deepEqual(Array.from(normalizeRows(x, 'max').data), [1 / 3, -1, 0, 0, -1, 1].map(Math.fround));
  });

  it('normalizeRows refuses an unknown norm and NaN data', () => {
    throwsCode(() => normalizeRows(fromRows([[1]]), 'l3' as never), 'BAD_OPTION', "option 'norm'", "'l2', 'l1', 'max'", 'Got "l3"');
    throwsCode(() => normalizeRows(fromRows([[1, NaN]])), 'BAD_DATA', 'normalizeRows', 'row 0, column 1');
  });
});
