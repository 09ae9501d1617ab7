// linearSumAssignment: scipy's documented example, brute force over all matchings on small
// random matrices (square and rectangular, min and max), and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearSumAssignment } from '../../src/metrics/index.js';
import { ClusterkitError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';

/** Best total over all injective maps of the shorter side into the longer one (brute force). */
function bruteForce(cost: Float64Array, rows: number, cols: number, maximize: boolean): number {
  const t = rows > cols;
  const r = t ? cols : rows, c = t ? rows : cols;
  const at = (i: number, j: number): number => (t ? cost[j * cols + i]! : cost[i * cols + j]!);
  let best = maximize ? -Infinity : Infinity;
  const used = new Uint8Array(c);
  const go = (i: number, acc: number): void => {
    if (i === r) { best = maximize ? Math.max(best, acc) : Math.min(best, acc); return; }
    for (let j = 0; j < c; j++) {
      if (used[j]) continue;
      used[j] = 1; go(i + 1, acc + at(i, j)); used[j] = 0;
    }
  };
  go(0, 0);
  return best;
}

test("linearSumAssignment solves scipy's documented 3 × 3 example: rows 0,1,2 → columns 1,0,2, total 5", () => {
  const r = linearSumAssignment([4, 1, 3, 2, 0, 5, 3, 2, 2], 3, 3);
  assert.deepEqual(Array.from(r.rowInd), [0, 1, 2]);
  assert.deepEqual(Array.from(r.colInd), [1, 0, 2]);
  assert.equal(r.total, 5);
});

test('linearSumAssignment equals the brute-force optimum on random square and rectangular matrices', () => {
  const rng = createRng(7);
  for (let trial = 0; trial < 200; trial++) {
    const rows = 1 + rng.int(6), cols = 1 + rng.int(6);
    const integer = trial % 2 === 0; // small integers make ties common
    const cost = new Float64Array(rows * cols);
    for (let q = 0; q < cost.length; q++) cost[q] = integer ? rng.int(5) : (rng.next() - 0.3) * 100;
    for (const maximize of [false, true]) {
      const r = linearSumAssignment(cost, rows, cols, { maximize });
      const k = Math.min(rows, cols);
      assert.equal(r.rowInd.length, k);
      assert.equal(new Set(r.rowInd).size, k);
      assert.equal(new Set(r.colInd).size, k);
      for (let t = 1; t < k; t++) assert.ok(r.rowInd[t]! > r.rowInd[t - 1]!, 'rows ascending');
      let total = 0;
      for (let t = 0; t < k; t++) total += cost[r.rowInd[t]! * cols + r.colInd[t]!]!;
      assert.equal(r.total, total);
      const best = bruteForce(cost, rows, cols, maximize);
      assert.ok(Math.abs(r.total - best) <= 1e-9 * Math.max(1, Math.abs(best)),
        `${rows} × ${cols} ${maximize ? 'max' : 'min'}: got ${r.total}, optimum ${best}`);
    }
  }
});

test('linearSumAssignment handles a 60 × 80 problem in float64 and a maximise/minimise duality', () => {
  const rng = createRng(3);
  const rows = 60, cols = 80, cost = new Float64Array(rows * cols);
  for (let q = 0; q < cost.length; q++) cost[q] = rng.next();
  const mx = linearSumAssignment(cost, rows, cols, { maximize: true });
  const neg = cost.map((v) => -v);
  const mn = linearSumAssignment(neg, rows, cols);
  assert.ok(Math.abs(mx.total + mn.total) < 1e-12);
  // Transposed problem has the same optimum.
  const tr = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) tr[j * rows + i] = cost[i * cols + j]!;
  assert.ok(Math.abs(linearSumAssignment(tr, cols, rows, { maximize: true }).total - mx.total) < 1e-12);
});

test('linearSumAssignment of an empty matrix returns no pairs', () => {
  const r = linearSumAssignment([], 0, 3);
  assert.equal(r.rowInd.length, 0);
  assert.equal(r.total, 0);
});

test('linearSumAssignment refuses a wrong shape, a non-finite cost and unknown options', () => {
  const check = (fn: () => unknown, code: string, re: RegExp): void => {
    assert.throws(fn, (e: unknown) => e instanceof ClusterkitError && e.code === code && re.test(e.message));
  };
  check(() => linearSumAssignment([1, 2, 3], 2, 2), 'BAD_DATA',
    /^linearSumAssignment: cost length must be rows × cols = 4\. Got 3\.$/);
  check(() => linearSumAssignment([1, NaN, 3, 4], 2, 2), 'BAD_DATA',
    /^linearSumAssignment: cost must be finite\. Got NaN at row 0, column 1\.$/);
  check(() => linearSumAssignment([1, 2, Infinity, 4], 2, 2), 'BAD_DATA', /Got Infinity at row 1, column 0\./);
  check(() => linearSumAssignment([1], 1, 1, { maximise: true } as never), 'UNKNOWN_OPTION', /unknown option 'maximise'/);
  check(() => linearSumAssignment([1], 1, 1, { maximize: 1 } as never), 'BAD_OPTION',
    /option 'maximize' must be true or false\. Got 1\./);
});
