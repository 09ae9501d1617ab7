import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { symmetricEigen, type EigenMethod } from '../../src/preprocessing/eigen.js';
import { createRng } from '../../src/core/rng.js';
import { throwsCode } from './_data.js';

function randomSymmetric(d: number, seed: number): Float64Array {
  const rng = createRng(seed), a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) a[i * d + j] = a[j * d + i] = rng.next() - 0.5;
  return a;
}

/** max |A·v − λ·v| and max |VVᵀ − I| over all pairs. */
function errors(a: Float64Array, d: number, values: Float64Array, vectors: Float64Array): [number, number] {
  let res = 0, orth = 0;
  for (let i = 0; i < d; i++) {
    for (let r = 0; r < d; r++) {
      let s = 0; for (let c = 0; c < d; c++) s += a[r * d + c]! * vectors[i * d + c]!;
      res = Math.max(res, Math.abs(s - values[i]! * vectors[i * d + r]!));
    }
    for (let j = 0; j < d; j++) {
      let s = 0; for (let c = 0; c < d; c++) s += vectors[i * d + c]! * vectors[j * d + c]!;
      orth = Math.max(orth, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return [res, orth];
}

const METHODS: EigenMethod[] = ['tridiagonal-qr', 'jacobi'];

describe('symmetricEigen', () => {
  for (const method of METHODS) {
    it(`symmetricEigen(a, d, '${method}') gives orthonormal eigenvectors with residual < 1e-12 on random matrices`, () => {
      for (const d of [1, 2, 3, 7, 16, 61]) {
        const a = randomSymmetric(d, d);
        const e = symmetricEigen(a, d, method);
        const [res, orth] = errors(a, d, e.values, e.vectors);
        assert.ok(res < 1e-12 * d, `d = ${d}: residual ${res}`);
        assert.ok(orth < 1e-12 * d, `d = ${d}: orthogonality ${orth}`);
        for (let i = 1; i < d; i++) assert.ok(e.values[i - 1]! >= e.values[i]!, 'descending');
        let tr = 0, sum = 0; for (let i = 0; i < d; i++) { tr += a[i * d + i]!; sum += e.values[i]!; }
        assert.ok(Math.abs(tr - sum) < 1e-12 * d);
      }
    });

    it(`symmetricEigen(T, 8, '${method}') finds 2 − 2cos(kπ/9) for the second-difference matrix`, () => {
      const d = 8, a = new Float64Array(d * d);
      for (let i = 0; i < d; i++) { a[i * d + i] = 2; if (i + 1 < d) a[i * d + i + 1] = a[(i + 1) * d + i] = -1; }
      const e = symmetricEigen(a, d, method);
      const want = Array.from({ length: d }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (d + 1))).sort((x, y) => y - x);
      want.forEach((w, i) => assert.ok(Math.abs(e.values[i]! - w) < 1e-14, `${i}: ${e.values[i]} vs ${w}`));
    });

    it(`symmetricEigen(a, d, '${method}') handles zero, identity, diagonal and rank-one matrices`, () => {
      assert.deepEqual(Array.from(symmetricEigen(new Float64Array(9), 3, method).values), [0, 0, 0]);
      const eye = symmetricEigen(Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), 3, method);
      assert.deepEqual(Array.from(eye.values), [1, 1, 1]);
      assert.deepEqual(Array.from(symmetricEigen([1, 0, 0, 0, 3, 0, 0, 0, 2], 3, method).values), [3, 2, 1]);
      const r1 = [1, 2, 3, 2, 4, 6, 3, 6, 9];
      const e = symmetricEigen(r1, 3, method);
      assert.ok(Math.abs(e.values[0]! - 14) < 1e-13);
      assert.ok(Math.abs(e.values[1]!) < 1e-13 && Math.abs(e.values[2]!) < 1e-13);
      const v = Array.from(e.vectors.subarray(0, 3)).map((t) => t * Math.sign(e.vectors[0]!));
      [1, 2, 3].forEach((w, j) => assert.ok(Math.abs(v[j]! - w / Math.sqrt(14)) < 1e-13));
    });
  }

  it("symmetricEigen(a, d) with 'tridiagonal-qr' and 'jacobi' agree on the eigenvalues of a 120 × 120 matrix", () => {
    const a = randomSymmetric(120, 5);
    const q = symmetricEigen(a, 120), j = symmetricEigen(a, 120, 'jacobi');
    for (let i = 0; i < 120; i++) assert.ok(Math.abs(q.values[i]! - j.values[i]!) < 1e-12, `${i}`);
  });

  it('symmetricEigen does not mutate its input and refuses bad shapes and non-finite entries', () => {
    const a = randomSymmetric(5, 1), copy = a.slice();
    symmetricEigen(a, 5);
    symmetricEigen(a, 5, 'jacobi');
    assert.deepEqual(a, copy);
    throwsCode(() => symmetricEigen([1, 2, 3], 2), 'BAD_DATA', 'd × d = 4', 'Got 3');
    throwsCode(() => symmetricEigen([1, NaN, NaN, 1], 2), 'BAD_DATA', 'finite', 'row 0, column 1');
    throwsCode(() => symmetricEigen([1], 1, 'lapack' as never), 'BAD_OPTION', "'method'");
  });
});
