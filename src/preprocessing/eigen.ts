/**
 * Eigen-decomposition of a dense real symmetric matrix, two independent methods (float64):
 *
 * - `'tridiagonal-qr'` (default): Householder reduction to tridiagonal form, then implicit
 *   symmetric QR steps with Wilkinson shifts (Golub & Van Loan, Matrix Computations, 4th ed.,
 *   Alg. 8.3.1 and 8.3.3), rotations accumulated into the eigenvectors. About 9·d³ flops with
 *   contiguous memory access: d = 300 in ~0.2 s, d = 1000 in a few seconds on a laptop.
 * - `'jacobi'`: cyclic Jacobi with Rutishauser's thresholds (Golub & Van Loan §8.5). About 4·d³
 *   flops per sweep (mostly strided), 6–12 sweeps; ~10× slower, kept as an independent check
 *   and for its high relative accuracy on tiny eigenvalues.
 *
 * Both are O(d³) time and O(d²) memory; eigenvectors are orthonormal to working precision.
 */
import { ClusterkitError } from '../core/errors.js';

/** Result of {@link symmetricEigen}. */
export interface SymmetricEigen {
  /** Eigenvalues, [d], in descending order. */
  readonly values: Float64Array;
  /** Eigenvectors as rows, [d × d] row-major: row i belongs to values[i]. Signs are arbitrary. */
  readonly vectors: Float64Array;
  /** Jacobi sweeps used. */
  readonly sweeps: number;
}

/** Most Jacobi sweeps before giving up; convergence is quadratic, so 60 is never reached in practice. */
const MAX_SWEEPS = 60;
/** Most QR steps per eigenvalue before giving up (LAPACK's dsteqr allows 30). */
const MAX_QR_STEPS = 30;

/** Which algorithm {@link symmetricEigen} runs. */
export type EigenMethod = 'tridiagonal-qr' | 'jacobi';

/**
 * Eigenvalues and eigenvectors of the symmetric matrix `a` [d × d] (row-major; the upper
 * triangle is read and mirrored). The input is not mutated. Values are sorted descending; ties
 * keep the order in which they converged.
 * Throws BAD_DATA for a length that is not d², a non-finite entry, or no convergence.
 * @param method @defaultValue 'tridiagonal-qr'
 */
export function symmetricEigen(a: ArrayLike<number>, d: number, method: EigenMethod = 'tridiagonal-qr'): SymmetricEigen {
  const W = 'symmetricEigen';
  if (!Number.isInteger(d) || d < 0 || a.length !== d * d) {
    throw new ClusterkitError('BAD_DATA', `${W}: matrix must be d × d = ${d * d} values. Got ${a.length}.`);
  }
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = a[i * d + j]!;
      if (!Number.isFinite(v)) throw new ClusterkitError('BAD_DATA', `${W}: matrix must be finite. Got ${v} at row ${i}, column ${j}.`);
      A[i * d + j] = v; A[j * d + i] = v;
    }
  }
  if (method === 'jacobi') return jacobi(A, d);
  if (method !== 'tridiagonal-qr') {
    throw new ClusterkitError('BAD_OPTION', `${W}: option 'method' must be one of 'tridiagonal-qr', 'jacobi'. Got ${JSON.stringify(method)}.`, 'method');
  }
  return tridiagonalQr(A, d);
}

/** Jacobi on the full symmetric copy A (overwritten). */
function jacobi(A: Float64Array, d: number): SymmetricEigen {
  const W = 'symmetricEigen';
  const V = new Float64Array(d * d);
  for (let i = 0; i < d; i++) V[i * d + i] = 1;

  let sweeps = 0;
  for (; sweeps < MAX_SWEEPS; sweeps++) {
    let off = 0, diag = 0;
    for (let i = 0; i < d; i++) {
      diag += A[i * d + i]! * A[i * d + i]!;
      for (let j = i + 1; j < d; j++) off += A[i * d + j]! * A[i * d + j]!;
    }
    if (off === 0 || off <= 1e-30 * diag) break;
    // Early sweeps skip small entries (threshold), later ones rotate everything non-negligible.
    const thresh = sweeps < 3 ? (0.2 * Math.sqrt(off)) / (d * d) : 0;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = A[p * d + q]!;
        const app = A[p * d + p]!, aqq = A[q * d + q]!;
        // An entry below rounding relative to both diagonals is set to zero without rotating.
        if (sweeps > 3 && Math.abs(apq) * 1e18 <= Math.abs(app) && Math.abs(apq) * 1e18 <= Math.abs(aqq)) {
          A[p * d + q] = 0; A[q * d + p] = 0;
          continue;
        }
        if (apq === 0 || Math.abs(apq) <= thresh) continue;
        // Rotation angle: t = tan θ, the smaller root of t² + 2·t·cot 2θ − 1 = 0.
        const h = aqq - app;
        let t: number;
        if (Math.abs(h) * 1e-18 >= Math.abs(apq) && Math.abs(h) > 0) t = apq / h;
        else {
          const theta = (0.5 * h) / apq;
          t = 1 / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
          if (theta < 0) t = -t;
        }
        const c = 1 / Math.sqrt(1 + t * t), s = t * c, tau = s / (1 + c);
        A[p * d + p] = app - t * apq;
        A[q * d + q] = aqq + t * apq;
        A[p * d + q] = 0; A[q * d + p] = 0;
        for (let r = 0; r < d; r++) {
          if (r === p || r === q) continue;
          const arp = A[r * d + p]!, arq = A[r * d + q]!;
          const np = arp - s * (arq + tau * arp);
          const nq = arq + s * (arp - tau * arq);
          A[r * d + p] = np; A[p * d + r] = np;
          A[r * d + q] = nq; A[q * d + r] = nq;
        }
        // Accumulate the rotation into the eigenvector rows p and q (V holds vectors as rows).
        for (let r = 0; r < d; r++) {
          const vp = V[p * d + r]!, vq = V[q * d + r]!;
          V[p * d + r] = vp - s * (vq + tau * vp);
          V[q * d + r] = vq + s * (vp - tau * vq);
        }
      }
    }
  }
  if (sweeps >= MAX_SWEEPS) {
    throw new ClusterkitError('BAD_DATA', `${W}: Jacobi iteration must converge within ${MAX_SWEEPS} sweeps. Got no convergence (d = ${d}).`);
  }
  const diag = new Float64Array(d);
  for (let i = 0; i < d; i++) diag[i] = A[i * d + i]!;
  return sorted(diag, V, d, sweeps);
}

/** Sort eigenpairs (values[i], row i of V) by descending value, stable. */
function sorted(vals: Float64Array, V: Float64Array, d: number, sweeps: number): SymmetricEigen {
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => vals[j]! - vals[i]! || i - j);
  const values = new Float64Array(d), vectors = new Float64Array(d * d);
  order.forEach((src, dst) => {
    values[dst] = vals[src]!;
    vectors.set(V.subarray(src * d, src * d + d), dst * d);
  });
  return { values, vectors, sweeps };
}

/**
 * Householder tridiagonalisation A = Q·T·Qᵀ, then shifted QR on T. `Y` holds Qᵀ (and at the end
 * the eigenvectors) as rows, so every rotation combines two contiguous rows. A is overwritten.
 * `sweeps` reports the number of QR steps.
 */
function tridiagonalQr(A: Float64Array, d: number): SymmetricEigen {
  const diag = new Float64Array(d), off = new Float64Array(Math.max(d - 1, 0));
  const vs = new Float64Array(d * d); // Householder vector of step k in row k (entries k+1 … d−1)
  const betas = new Float64Array(d);
  const p = new Float64Array(d);
  // 1. Reduction: step k zeroes A[k][k+2 …] (and the mirror) with H = I − β·v·vᵀ on k+1 … d−1.
  for (let k = 0; k + 2 < d; k++) {
    const rk = k * d;
    let norm2 = 0;
    for (let i = k + 1; i < d; i++) norm2 += A[rk + i]! * A[rk + i]!;
    const x0 = A[rk + k + 1]!;
    const tail2 = norm2 - x0 * x0;
    if (tail2 === 0) continue; // already tridiagonal in this row; H = I
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    const v = vs.subarray(rk, rk + d);
    for (let i = k + 1; i < d; i++) v[i] = A[rk + i]!;
    v[k + 1] = x0 - alpha;
    const vtv = tail2 + v[k + 1]! * v[k + 1]!;
    const beta = 2 / vtv;
    betas[k] = beta;
    // p = β·B·v over the trailing block B = A[k+1 …, k+1 …]; w = p − (β/2)(pᵀv)·v.
    let pv = 0;
    for (let i = k + 1; i < d; i++) {
      const ri = i * d;
      let s = 0;
      for (let j = k + 1; j < d; j++) s += A[ri + j]! * v[j]!;
      p[i] = beta * s;
      pv += p[i]! * v[i]!;
    }
    const half = 0.5 * beta * pv;
    for (let i = k + 1; i < d; i++) p[i] = p[i]! - half * v[i]!;
    // B ← B − v·wᵀ − w·vᵀ
    for (let i = k + 1; i < d; i++) {
      const ri = i * d, vi = v[i]!, wi = p[i]!;
      for (let j = k + 1; j < d; j++) A[ri + j] = A[ri + j]! - vi * p[j]! - wi * v[j]!;
    }
    A[rk + k + 1] = alpha; A[(k + 1) * d + k] = alpha;
    for (let i = k + 2; i < d; i++) { A[rk + i] = 0; A[i * d + k] = 0; }
  }
  for (let i = 0; i < d; i++) diag[i] = A[i * d + i]!;
  for (let i = 0; i + 1 < d; i++) off[i] = A[i * d + i + 1]!;
  // 2. Q = H_0·H_1⋯H_m, so Qᵀ = H_m⋯H_1·H_0 (each H symmetric): start from I and apply H_k on
  //    the right for k = m, …, 0 (backward accumulation: rows and columns ≤ k stay untouched);
  //    row r of Y changes by −β·(Y_r·v)·vᵀ on columns k+1 … d−1.
  const Y = new Float64Array(d * d);
  for (let i = 0; i < d; i++) Y[i * d + i] = 1;
  for (let k = d - 3; k >= 0; k--) {
    const beta = betas[k]!;
    if (beta === 0) continue;
    const v = vs.subarray(k * d, k * d + d);
    for (let r = k + 1; r < d; r++) {
      const rr = r * d;
      let s = 0;
      for (let j = k + 1; j < d; j++) s += Y[rr + j]! * v[j]!;
      if (s === 0) continue;
      s *= beta;
      for (let j = k + 1; j < d; j++) Y[rr + j] = Y[rr + j]! - s * v[j]!;
    }
  }
  // Y now holds Qᵀ; T's eigenvectors z give A's as Q·z, i.e. rows of Zᵀ·Qᵀ: rotations below act
  // on rows of Y.
  // 3. Implicit symmetric QR with Wilkinson shift on the unreduced block [l, h].
  const eps = Number.EPSILON;
  let steps = 0, h = d - 1, stepsHere = 0;
  while (h > 0) {
    if (Math.abs(off[h - 1]!) <= eps * (Math.abs(diag[h - 1]!) + Math.abs(diag[h]!)) || Math.abs(off[h - 1]!) < 1e-300) {
      off[h - 1] = 0; h--; stepsHere = 0;
      continue;
    }
    let l = h - 1;
    while (l > 0 && Math.abs(off[l - 1]!) > eps * (Math.abs(diag[l - 1]!) + Math.abs(diag[l]!)) && Math.abs(off[l - 1]!) >= 1e-300) l--;
    if (l > 0) off[l - 1] = 0;
    if (++stepsHere > MAX_QR_STEPS) {
      throw new ClusterkitError('BAD_DATA', `symmetricEigen: QR iteration must converge within ${MAX_QR_STEPS} steps per eigenvalue. Got no convergence at index ${h} (d = ${d}).`);
    }
    steps++;
    const dd = 0.5 * (diag[h - 1]! - diag[h]!), bb = off[h - 1]!;
    const mu = diag[h]! - (bb * bb) / (dd + (dd >= 0 ? 1 : -1) * Math.hypot(dd, bb));
    let x = diag[l]! - mu, z = off[l]!;
    for (let k = l; k < h; k++) {
      // Rotation on coordinates (k, k+1): new_k = c·old_k − s·old_{k+1}, new_{k+1} = s·old_k + c·old_{k+1},
      // with (c, s) chosen so that s·x + c·z = 0.
      const r = Math.hypot(x, z);
      const c = r === 0 ? 1 : x / r, s = r === 0 ? 0 : -z / r;
      if (k > l) off[k - 1] = r; // (k−1, k) after zeroing the bulge at (k−1, k+1)
      const pk = diag[k]!, q = off[k]!, rk1 = diag[k + 1]!;
      diag[k] = c * c * pk - 2 * c * s * q + s * s * rk1;
      diag[k + 1] = s * s * pk + 2 * c * s * q + c * c * rk1;
      off[k] = c * s * (pk - rk1) + (c * c - s * s) * q;
      if (k + 1 < h) {
        const next = off[k + 1]!;
        x = off[k]!;
        z = -s * next; // new bulge at (k, k+2)
        off[k + 1] = c * next;
      }
      const rowK = k * d, rowK1 = (k + 1) * d;
      for (let j = 0; j < d; j++) {
        const yk = Y[rowK + j]!, yk1 = Y[rowK1 + j]!;
        Y[rowK + j] = c * yk - s * yk1;
        Y[rowK1 + j] = s * yk + c * yk1;
      }
    }
  }
  return sorted(diag, Y, d, steps);
}
