// logGamma known answers: values of CPython 3.11.7 math.lgamma (C lgamma), printed with %.17g.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logGamma } from '../../src/metrics/index.js';
import { logFactorials } from '../../src/metrics/special.js';

const PY: Array<[number, number]> = [
  [0.5, 0.57236494292470042], [1.5, -0.12078223763524543], [3, 0.69314718055994495], [10, 12.801827480081467],
  [14.9, 24.924132002217277], [15, 25.191221182738683], [20.5, 40.831500974530798], [101, 363.73937555556347],
  [2001, 13206.524350513806], [1000001, 12815518.384658169],
];

test("logGamma agrees with C's lgamma to 5e-15 absolute (and 1e-15 relative above 15)", () => {
  for (const [x, y] of PY) {
    const tol = Math.max(5e-15, 1e-15 * Math.abs(y));
    assert.ok(Math.abs(logGamma(x) - y) <= tol, `x = ${x}: got ${logGamma(x)}, expected ${y}`);
  }
  assert.equal(logGamma(1), 0);
  assert.equal(logGamma(2), 0);
  assert.ok(Number.isNaN(logGamma(0)));
  assert.ok(Number.isNaN(logGamma(-1)));
});

test('logFactorials(n) lists ln k! for k = 0..n', () => {
  const t = logFactorials(30);
  assert.equal(t.length, 31);
  assert.equal(t[0], 0);
  assert.equal(t[1], 0);
  assert.equal(t[5], Math.log(120));
  assert.ok(Math.abs(t[30]! - logGamma(31)) === 0);
  for (let k = 1; k <= 30; k++) assert.ok(Math.abs(t[k]! - t[k - 1]! - Math.log(k)) < 1e-13 * Math.max(1, t[k]!));
});
