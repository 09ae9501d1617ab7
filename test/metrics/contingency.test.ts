// Contingency tables and label validation (known answers by hand).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contingencyTable, encodeLabels, pairConfusionMatrix, sparseContingency } from '../../src/metrics/index.js';
import { ClusterkitError } from '../../src/core/errors.js';

test('contingencyTable counts items per (truth, pred) pair with labels sorted, -1 first', () => {
  const t = contingencyTable([3, -1, 3, 0, -1, 0], [7, 7, 2, 2, 7, -1]);
  assert.deepEqual(Array.from(t.rowLabels), [-1, 0, 3]);
  assert.deepEqual(Array.from(t.colLabels), [-1, 2, 7]);
  // rows -1: {7, 7}; 0: {2, -1}; 3: {7, 2}
  assert.deepEqual(Array.from(t.counts), [0, 0, 2, 1, 1, 0, 0, 1, 1]);
  assert.equal(t.rows, 3); assert.equal(t.cols, 3); assert.equal(t.n, 6);
});

test('sparseContingency lists only nonzero cells, row-major, with the margins', () => {
  const s = sparseContingency([3, -1, 3, 0, -1, 0], [7, 7, 2, 2, 7, -1]);
  assert.deepEqual(Array.from(s.cellRow), [0, 1, 1, 2, 2]);
  assert.deepEqual(Array.from(s.cellCol), [2, 0, 1, 1, 2]);
  assert.deepEqual(Array.from(s.cellCount), [2, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(s.rowSums), [2, 2, 2]);
  assert.deepEqual(Array.from(s.colSums), [1, 2, 3]);
});

test('sparseContingency of all-singleton labellings on 100 000 items needs no dense table', () => {
  const n = 100000, a = new Int32Array(n), b = new Int32Array(n);
  for (let i = 0; i < n; i++) { a[i] = i; b[i] = n - i; }
  const s = sparseContingency(a, b);
  assert.equal(s.cellCount.length, n);
  assert.deepEqual(pairConfusionMatrix(a, b), [[n * n - n, 0], [0, 0]]);
});

test('pairConfusionMatrix counts ordered pairs of distinct items, summing to n(n - 1)', () => {
  // truth {0,1,2}{3}; pred {0,1}{2,3} (items by index). Unordered pairs: together in both (0,1);
  // pred only (2,3); truth only (0,2), (1,2); apart in both (0,3), (1,3). Ordered: twice each.
  const c = pairConfusionMatrix([0, 0, 0, 1], [5, 5, 6, 6]);
  assert.deepEqual(c, [[4, 2], [4, 2]]);
  assert.equal(c[0][0] + c[0][1] + c[1][0] + c[1][1], 4 * 3);
});

test('encodeLabels maps labels to 0..k-1 in sorted order and counts them', () => {
  const e = encodeLabels([10, -1, 10, 4]);
  assert.deepEqual(Array.from(e.classes), [-1, 4, 10]);
  assert.deepEqual(Array.from(e.codes), [2, 0, 2, 1]);
  assert.deepEqual(Array.from(e.counts), [1, 1, 2]);
});

test('contingencyTable refuses different lengths, empty input and non-integer labels', () => {
  const check = (fn: () => unknown, code: string, re: RegExp, param: string): void => {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof ClusterkitError);
      assert.equal(e.code, code);
      assert.match(e.message, re);
      assert.equal(e.param, param);
      return true;
    });
  };
  check(() => contingencyTable([1, 2], [1, 2, 3]), 'DIM_MISMATCH',
    /^contingencyTable: truth and pred must have equal lengths\. Got 2 and 3\.$/, 'pred');
  check(() => contingencyTable(new Int32Array(0), new Int32Array(0)), 'EMPTY_DATA',
    /^contingencyTable: labels must hold at least 1 item\. Got 0 items\.$/, 'truth');
  check(() => contingencyTable([0, 0.25], [0, 1]), 'BAD_DATA',
    /^contingencyTable: truth\[1\] must be an integer label in \[-2\^31, 2\^31 - 1\]\. Got 0\.25\.$/, 'truth');
  check(() => pairConfusionMatrix([0, 1], Float64Array.from([0, Infinity])), 'BAD_DATA',
    /^pairConfusionMatrix: pred\[1\] must be .*Got Infinity\.$/, 'pred');
  check(() => sparseContingency(null as unknown as number[], [0]), 'BAD_DATA',
    /^sparseContingency: truth must be an array of integer labels\. Got null\.$/, 'truth');
});
