/**
 * The kernel layer: the only distance loops in clusterkit. Every algorithm calls these; the
 * next step (issue 4) replaces their insides with WebAssembly SIMD and threads, so callers
 * must rely only on the contracts written here.
 *
 * Conventions: flat row-major `Float32Array` with explicit sizes; caller-allocated outputs
 * marked `out`; squared Euclidean distances unless named otherwise; no allocation per row.
 *
 * Numerics: distances use ‖x−μ‖² − 2(x−μ)·(c−μ) + ‖c−μ‖² accumulated in float64, with μ the
 * mean of the centroid block (so the expansion does not cancel when data sit far from the
 * origin), clamped at 0. Ties in argmin go to the lowest centroid index (as scikit-learn).
 * `assignNearest`, `assignNearestAndSums`, `sqDistBlock`, `sqDistBlockApprox`, `centroidSums`,
 * `labelledSqDist`, `labelledBeyond`, `candidatePotentials` and `updateClosest` have WebAssembly SIMD
 * paths (./wasm.ts; they run on the worker pool of ./runtime.ts);
 * the TypeScript loops stay as the fallback and as the tests' oracle. Kernels that add up over rows
 * do so in chunks of `chunkRows(d)` rows, partial sums added in chunk order, in both backends: the
 * results are bitwise the same whatever the backend and the number of threads.
 */
import {
  assignNearestWasm, assignSumsWasm, centroidSumsWasm, chunkRows, d2Wasm, firstNonFiniteRowWasm, sumsChunkRows, labelledSqDistWasm, sqDistBlockApproxWasm,
  sqDistBlockWasm, useWasm,
} from './wasm.js';
import { firstNonFiniteIndex } from '../core/matrix.js';

/** Rows per register tile and centroids per register tile. */
const TR = 4;
const TC = 4;
/** Rows packed per cache block (the x block is copied, shifted, into a float64 scratch). */
const ROW_BLOCK = 256;

interface Packed {
  /** Shifted centroids, float64, [k × d]. */
  c: Float64Array;
  /** ‖c − μ‖², [k]. */
  cn: Float64Array;
  /** μ, [d]. */
  mu: Float64Array;
}

/** Pack k centroids shifted by their mean μ into float64. O(k·d). */
function packCentroids(c: Float32Array, k: number, d: number): Packed {
  const mu = new Float64Array(d);
  for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) mu[t]! += c[j * d + t]!;
  if (k > 0) for (let t = 0; t < d; t++) mu[t]! /= k;
  const pc = new Float64Array(k * d), cn = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = c[j * d + t]! - mu[t]!;
      pc[j * d + t] = v;
      s += v * v;
    }
    cn[j] = s;
  }
  return { c: pc, cn, mu };
}

/**
 * Copy rows of x (all of [start, start+m) or the listed ones) shifted by μ into `xb` [m × d]
 * (float64) and their squared norms into `xn` [m].
 */
function packRows(x: Float32Array, d: number, idx: Int32Array | null, start: number, m: number,
  mu: Float64Array, xb: Float64Array, xn: Float64Array): void {
  for (let r = 0; r < m; r++) {
    const i = idx ? idx[start + r]! : start + r;
    const off = i * d, o = r * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = x[off + t]! - mu[t]!;
      xb[o + t] = v;
      s += v * v;
    }
    xn[r] = s;
  }
}

/**
 * Dot products of the m packed rows against the k packed centroids, visited in register tiles;
 * `visit(r, j, dot)` is inlined by hand below in each caller for speed, so this generic
 * version serves the block kernels only.
 */
function dotBlock(xb: Float64Array, m: number, cb: Float64Array, k: number, d: number,
  out: Float64Array /* [m × k] */): void {
  let r = 0;
  for (; r + TR <= m; r += TR) {
    const x0 = r * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d;
    let j = 0;
    for (; j + TC <= k; j += TC) {
      const c0 = j * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let t = 0; t < d; t++) {
        const a0 = xb[x0 + t]!, a1 = xb[x1 + t]!, a2 = xb[x2 + t]!, a3 = xb[x3 + t]!;
        const b0 = cb[c0 + t]!, b1 = cb[c1 + t]!, b2 = cb[c2 + t]!, b3 = cb[c3 + t]!;
        s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
        s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
        s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
        s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
      }
      let o = r * k + j;
      out[o] = s00; out[o + 1] = s01; out[o + 2] = s02; out[o + 3] = s03; o += k;
      out[o] = s10; out[o + 1] = s11; out[o + 2] = s12; out[o + 3] = s13; o += k;
      out[o] = s20; out[o + 1] = s21; out[o + 2] = s22; out[o + 3] = s23; o += k;
      out[o] = s30; out[o + 1] = s31; out[o + 2] = s32; out[o + 3] = s33;
    }
    for (; j < k; j++) {
      const c0 = j * d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let t = 0; t < d; t++) {
        const b = cb[c0 + t]!;
        s0 += xb[x0 + t]! * b; s1 += xb[x1 + t]! * b; s2 += xb[x2 + t]! * b; s3 += xb[x3 + t]! * b;
      }
      out[r * k + j] = s0; out[(r + 1) * k + j] = s1; out[(r + 2) * k + j] = s2; out[(r + 3) * k + j] = s3;
    }
  }
  for (; r < m; r++) {
    const x0 = r * d;
    for (let j = 0; j < k; j++) {
      const c0 = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += xb[x0 + t]! * cb[c0 + t]!;
      out[r * k + j] = s;
    }
  }
}

/** Scratch buffers reused across calls of the same shape (kernels run on one thread). */
let scratch = { xb: new Float64Array(0), xn: new Float64Array(0), dots: new Float64Array(0) };
function getScratch(m: number, d: number, k: number): typeof scratch {
  if (scratch.xb.length < m * d) scratch.xb = new Float64Array(m * d);
  if (scratch.xn.length < m) scratch.xn = new Float64Array(m);
  if (scratch.dots.length < m * k) scratch.dots = new Float64Array(m * k);
  return scratch;
}

/** Rows per block so that the dots buffer stays within ~256 KB. */
function rowsPerBlock(k: number): number {
  return Math.max(TR, Math.min(ROW_BLOCK, Math.floor(32768 / Math.max(1, k)) & ~(TR - 1)));
}

/**
 * Fused nearest-centroid assignment: for each of n rows (or of the `count` rows listed in
 * `idx`), the nearest of k centroids and its squared Euclidean distance. No n × k buffer.
 * Ties go to the lowest centroid index. Cost O(n·k·d).
 * @param x [n × d] data; @param c [k × d] centroids.
 * @param labels out [n]: written at the row's own index (also when `idx` is given).
 * @param dist2 out [n]: squared distance to the nearest centroid, ≥ 0.
 * @param second optional out [n]: squared distance to the second nearest (Infinity when k = 1).
 *
 * Dispatches to the WebAssembly SIMD kernel (./wasm.ts: float32 ranking, exact float64
 * re-evaluation of every centre rounding could promote, so exact argmin labels and exact
 * distances) when available and worth it (see `setKernelBackend`), else to `assignNearestTs`.
 */
export function assignNearest(x: Float32Array, n: number, d: number, c: Float32Array, k: number,
  labels: Int32Array, dist2: Float32Array | Float64Array, second?: Float32Array | Float64Array | null,
  idx?: Int32Array | null, count?: number): void {
  const total = idx ? (count ?? idx.length) : n;
  if (useWasm(total, k, d) && assignNearestWasm(x, n, d, c, k, labels, dist2, second, idx, count)) return;
  assignNearestTs(x, n, d, c, k, labels, dist2, second, idx, count);
}

/**
 * The TypeScript `assignNearest` (float64 expansion about the centres' mean, see the top of
 * this file): the fallback where WebAssembly SIMD is missing and the oracle of the wasm tests.
 * Same contract as `assignNearest`.
 */
export function assignNearestTs(x: Float32Array, n: number, d: number, c: Float32Array, k: number,
  labels: Int32Array, dist2: Float32Array | Float64Array, second?: Float32Array | Float64Array | null,
  idx?: Int32Array | null, count?: number): void {
  const total = idx ? (count ?? idx.length) : n;
  const P = packCentroids(c, k, d);
  const B = rowsPerBlock(k);
  const S = getScratch(B, d, k);
  for (let start = 0; start < total; start += B) {
    const m = Math.min(B, total - start);
    packRows(x, d, idx ?? null, start, m, P.mu, S.xb, S.xn);
    dotBlock(S.xb, m, P.c, k, d, S.dots);
    const dots = S.dots, cn = P.cn;
    for (let r = 0; r < m; r++) {
      const xn = S.xn[r]!, o = r * k;
      let best = Infinity, bj = 0, sec = Infinity;
      for (let j = 0; j < k; j++) {
        const v = cn[j]! - 2 * dots[o + j]!;
        if (v < best) { sec = best; best = v; bj = j; } else if (v < sec) sec = v;
      }
      const i = idx ? idx[start + r]! : start + r;
      labels[i] = bj;
      const b = xn + best;
      dist2[i] = b > 0 ? b : 0;
      if (second) { const s2 = xn + sec; second[i] = s2 > 0 ? s2 : 0; }
    }
  }
}

/**
 * Squared Euclidean distances between every row of a [na × d] and every row of b [nb × d].
 * out [na × nb] (float32 or float64), clamped at 0. Cost O(na·nb·d), memory O(out).
 */
export function sqDistBlock(a: Float32Array, na: number, b: Float32Array, nb: number, d: number,
  out: Float32Array | Float64Array): void {
  const P = packCentroids(b, nb, d);
  // WebAssembly float64 SIMD path: bitwise the same result (same sums in the same order)
  if (useWasm(na, nb, d) && sqDistBlockWasm(a, na, d, P.c, P.cn, P.mu, nb, out)) return;
  const B = rowsPerBlock(nb);
  const S = getScratch(B, d, nb);
  for (let start = 0; start < na; start += B) {
    const m = Math.min(B, na - start);
    packRows(a, d, null, start, m, P.mu, S.xb, S.xn);
    dotBlock(S.xb, m, P.c, nb, d, S.dots);
    for (let r = 0; r < m; r++) {
      const xn = S.xn[r]!, o = (start + r) * nb;
      for (let j = 0; j < nb; j++) {
        const v = xn + P.cn[j]! - 2 * S.dots[r * nb + j]!;
        out[o + j] = v > 0 ? v : 0;
      }
    }
  }
}

/**
 * Screening distances for neighbour search: out [mq × nb] estimates of ‖q_r − b_j‖² (may be
 * slightly negative) and tol [mq] with |out[r·nb + j] − ‖q_r − b_j‖²| ≤ tol[r] for every j.
 * Settle candidates with exact distances. On the WebAssembly path a float32 register tile on the
 * worker pool (error ≈ d·2⁻²⁴·‖q − μ‖·max‖b − μ‖); else the float64 `sqDistBlock` with its bound.
 */
export function sqDistBlockApprox(q: Float32Array, mq: number, b: Float32Array, nb: number, d: number,
  out: Float64Array, tol: Float64Array): void {
  if (useWasm(mq, nb, d) && sqDistBlockApproxWasm(q, mq, b, nb, d, out, tol)) return;
  sqDistBlock(q, mq, b, nb, d, out);
  const P = packCentroids(b, nb, d);
  let cmax = 0;
  for (let j = 0; j < nb; j++) if (P.cn[j]! > cmax) cmax = P.cn[j]!;
  for (let r = 0; r < mq; r++) {
    let s = 0;
    for (let t = 0; t < d; t++) { const v = q[r * d + t]! - P.mu[t]!; s += v * v; }
    tol[r] = 16 * (d + 4) * 2 ** -52 * (s + cmax) + 1e-300;
  }
}

/** Inner products a·bᵀ: out [na × nb]. Cost O(na·nb·d). */
export function innerBlock(a: Float32Array, na: number, b: Float32Array, nb: number, d: number,
  out: Float32Array | Float64Array): void {
  const bb = Float64Array.from(b.subarray(0, nb * d));
  const zero = new Float64Array(d);
  const B = rowsPerBlock(nb);
  const S = getScratch(B, d, nb);
  for (let start = 0; start < na; start += B) {
    const m = Math.min(B, na - start);
    packRows(a, d, null, start, m, zero, S.xb, S.xn);
    dotBlock(S.xb, m, bb, nb, d, S.dots);
    for (let r = 0; r < m * nb; r++) out[start * nb + r] = S.dots[r]!;
  }
}

/**
 * Cosine distances 1 − a·b / (‖a‖‖b‖) between rows: out [na × nb], in [0, 2]. A zero row has
 * distance 1 to everything (cosine similarity taken as 0, as scikit-learn's normalisation does).
 */
export function cosineBlock(a: Float32Array, na: number, b: Float32Array, nb: number, d: number,
  out: Float32Array | Float64Array): void {
  innerBlock(a, na, b, nb, d, out);
  const na2 = new Float64Array(na), nb2 = new Float64Array(nb);
  rowNorms2(a, na, d, na2);
  rowNorms2(b, nb, d, nb2);
  for (let i = 0; i < na; i++) {
    const ai = Math.sqrt(na2[i]!);
    for (let j = 0; j < nb; j++) {
      const den = ai * Math.sqrt(nb2[j]!);
      const v = den > 0 ? 1 - out[i * nb + j]! / den : 1;
      out[i * nb + j] = v < 0 ? 0 : v > 2 ? 2 : v;
    }
  }
}

/** Squared L2 norm of each row: out [n]. */
export function rowNorms2(x: Float32Array, n: number, d: number, out: Float32Array | Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * d;
    for (let t = 0; t < d; t++) { const v = x[o + t]!; s += v * v; }
    out[i] = s;
  }
}

/** Exact squared distance between row i of x and row j of c (both [· × d]); float64 sum of squared differences. */
export function sqDistRow(x: Float32Array | Float64Array, i: number, c: Float32Array | Float64Array, j: number, d: number): number {
  let s = 0;
  const a = i * d, b = j * d;
  for (let t = 0; t < d; t++) { const v = x[a + t]! - c[b + t]!; s += v * v; }
  return s;
}

/**
 * A Lloyd step's two kernels: `assignNearest(x, n, d, c, k, labels, dist2)` then
 * `centroidSums(x, n, d, labels, weights, k, sums, wsum)` with the new labels — the same results to
 * the bit, in one pass over the data where the int16 screening applies (pinned rows), else the two
 * calls. Also returns how many labels changed and the step's inertia Σ w_i·dist2_i (rows added
 * within chunks of `sumsChunkRows(d)` rows, chunks in order: the same bits on every backend and
 * thread count). @param labels in: the previous labels (−1 = none), out: the new ones [n];
 * @param dist2 out [n], or null for labels and sums only (then the screening needs no exact
 * distance for rows whose nearest centre it settles, and the inertia is NaN);
 * @param sums out [k × d]; @param wsum out [k]. `ref`, when the step had it at no cost (the int16
 * path, from its row norms), is a centre μ [d] near the rows' mean and Σ w_i‖x_i − μ‖² (float64).
 */
export function assignNearestAndSums(x: Float32Array, n: number, d: number, c: Float32Array, k: number,
  labels: Int32Array, dist2: Float32Array | Float64Array | null, weights: Float32Array | Float64Array | null,
  sums: Float64Array, wsum: Float64Array): { inertia: number; changed: number; ref: { mu: Float64Array; x2: number } | null } {
  if (useWasm(n, k, d)) {
    const r = assignSumsWasm(x, n, d, c, k, labels, dist2, weights, sums, wsum);
    if (r) return r;
  }
  const prev = labels.slice(0, n);
  const dd = dist2 ?? new Float64Array(n);
  assignNearest(x, n, d, c, k, labels, dd);
  centroidSums(x, n, d, labels, weights, k, sums, wsum);
  let changed = 0, inertia = 0;
  for (let i = 0; i < n; i++) if (labels[i] !== prev[i]) changed++;
  const B = sumsChunkRows(d);
  for (let s0 = 0; s0 < n; s0 += B) {
    const end = Math.min(n, s0 + B);
    let part = 0;
    for (let i = s0; i < end; i++) part += weights ? weights[i]! * dd[i]! : dd[i]!;
    inertia += part;
  }
  return { inertia: dist2 ? inertia : NaN, changed, ref: null };
}

/**
 * Weighted per-cluster sums: sums[l·d + t] = Σ w_i · x[i·d + t] and wsum[l] = Σ w_i over the rows
 * i with label l ≥ 0 (labels −1 are skipped). `weights` null = all 1. float64 accumulation, row
 * by row within chunks of `sumsChunkRows(d)` rows, chunk partials added in order (so every backend
 * and thread count gives the same bits). @param sums out [k × d]; @param wsum out [k].
 */
export function centroidSums(x: Float32Array, n: number, d: number, labels: Int32Array,
  weights: Float32Array | Float64Array | null, k: number, sums: Float64Array, wsum: Float64Array): void {
  if (useWasm(n, k, d) && centroidSumsWasm(x, n, d, labels, weights, k, sums, wsum)) return;
  sums.fill(0, 0, k * d);
  wsum.fill(0, 0, k);
  const B = sumsChunkRows(d);
  const ps = new Float64Array(k * d), pw = new Float64Array(k);
  for (let s0 = 0; s0 < n; s0 += B) {
    ps.fill(0);
    pw.fill(0);
    const end = Math.min(n, s0 + B);
    for (let i = s0; i < end; i++) {
      const l = labels[i]!;
      if (l < 0) continue;
      const w = weights ? weights[i]! : 1;
      const o = i * d, s = l * d;
      for (let t = 0; t < d; t++) ps[s + t]! += w * x[o + t]!;
      pw[l]! += w;
    }
    for (let t = 0; t < k * d; t++) sums[t]! += ps[t]!;
    for (let j = 0; j < k; j++) wsum[j]! += pw[j]!;
  }
}

/**
 * Σ_i w_i·‖x_i − c_{labels[i]}‖² (the inertia of a labelling) over rows with labels[i] ≥ 0; each
 * row's squared distance in float64 as `exactSqDist` (four running sums), rows added within
 * chunks of `chunkRows(d)` rows and chunks in order: the same bits on every backend and thread count.
 * @param centres [k × d], float64 or float32; @param weights [n] or null (all 1);
 * @param out optional [n]: each labelled row's squared distance (rows with label < 0 untouched).
 */
export function labelledSqDist(x: Float32Array, n: number, d: number, labels: Int32Array,
  centres: Float64Array | Float32Array, k: number, weights: Float32Array | Float64Array | null,
  out: Float64Array | null = null): number {
  return labelled(x, n, d, labels, centres, k, weights, out, null);
}

/**
 * `labelledSqDist` that also lists the rows whose squared distance to their centre is not below
 * thr[label]: their indices in ascending order go to idx [n] (out), their number to `count`.
 * Rows with label < 0 are skipped. @param thr [k] squared distances.
 */
export function labelledBeyond(x: Float32Array, n: number, d: number, labels: Int32Array, centres: Float64Array | Float32Array,
  k: number, weights: Float32Array | Float64Array | null, thr: Float64Array, idx: Int32Array): { inertia: number; count: number } {
  const beyond = { thr, idx, count: 0 };
  const inertia = labelled(x, n, d, labels, centres, k, weights, null, beyond);
  return { inertia, count: beyond.count };
}

/** labelledSqDist and labelledBeyond: the WebAssembly job, else the same sums in TypeScript. */
function labelled(x: Float32Array, n: number, d: number, labels: Int32Array, centres: Float64Array | Float32Array,
  k: number, weights: Float32Array | Float64Array | null, out: Float64Array | null,
  beyond: { thr: Float64Array; idx: Int32Array; count: number } | null): number {
  if (useWasm(n, k, d)) {
    const v = labelledSqDistWasm(x, n, d, labels, centres, k, weights, out, beyond);
    if (v !== null) return v;
  }
  const B = chunkRows(d);
  let total = 0;
  if (beyond) beyond.count = 0;
  for (let s0 = 0; s0 < n; s0 += B) {
    const end = Math.min(n, s0 + B);
    let part = 0;
    for (let i = s0; i < end; i++) {
      const l = labels[i]!;
      if (l < 0) continue;
      const v = exactSqDist(x, i, centres, l, d);
      if (out) out[i] = v;
      if (beyond && !(v < beyond.thr[l]!)) beyond.idx[beyond.count++] = i;
      part += weights ? weights[i]! * v : v;
    }
    total += part;
  }
  return total;
}

/**
 * Flat index of the first value of x [n × d] that is NaN or ±∞, or −1. Pinned rows with d ≤ 256
 * (WebAssembly path) get it from their int16 image, made now if it is not yet (its float64 row
 * norms are not finite exactly for such rows), so a fit that follows pays no separate pass;
 * otherwise one pass in JavaScript (`firstNonFiniteIndex`).
 */
export function firstNonFinite(x: Float32Array, n: number, d: number): number {
  if (useWasm(n, 8, d)) {
    const r = firstNonFiniteRowWasm(x, n, d);
    if (r === -1) return -1;
    if (r !== null) {
      for (let t = 0; t < d; t++) { const v = x[r * d + t]!; if (v - v !== 0) return r * d + t; }
      // nothing wrong in that row: the image's centre itself was not finite; scan everything
    }
  }
  return firstNonFiniteIndex(x, n, d);
}

/**
 * Exact squared distance Σ(x_t − c_t)² in float64 between row i of x [· × d] (float32) and row j of
 * c [· × d] (float32 or float64): four running sums over t mod 4, combined as (s0 + s2) + (s1 + s3), then the
 * last d mod 4 terms in order — the order of the WebAssembly kernel's exact evaluation.
 */
export function exactSqDist(x: Float32Array, i: number, c: Float32Array | Float64Array, j: number, d: number): number {
  const a = i * d, b = j * d;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t = 0;
  for (; t + 4 <= d; t += 4) {
    const v0 = x[a + t]! - c[b + t]!, v1 = x[a + t + 1]! - c[b + t + 1]!;
    const v2 = x[a + t + 2]! - c[b + t + 2]!, v3 = x[a + t + 3]! - c[b + t + 3]!;
    s0 += v0 * v0; s1 += v1 * v1; s2 += v2 * v2; s3 += v3 * v3;
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; t < d; t++) { const v = x[a + t]! - c[b + t]!; s += v * v; }
  return s;
}

/**
 * The D² update of k-means++ / k-means‖: for each candidate centre (rows of cand [m × d]),
 * the potential Σ_i w_i · min(closest[i], ‖x_i − cand‖²), written to pot [m], with exact float64
 * distances (`exactSqDist`), summed per chunk of `chunkRows(d)` rows as (C − G_j) + D_j (see the
 * body; chunks added in order) so that pairs with d_ij ≥ closest[i] need no evaluation. closest [n] is
 * read only; lower it with `updateClosest` once a candidate is chosen, or give `mins` [m × n] to
 * receive min(closest[i], ‖x_i − cand_j‖²) per candidate (row j·n + i: the closest array after
 * choosing candidate j, bitwise what `updateClosest` would make). The WebAssembly path rules
 * most pairs out with a float32 estimate and its rounding bound, and runs on the worker pool.
 */
export function candidatePotentials(x: Float32Array, n: number, d: number, cand: Float32Array, m: number,
  closest: Float64Array, weights: Float32Array | Float64Array | null, pot: Float64Array, mins: Float64Array | null = null): void {
  if (useWasm(n, m, d) && d2Wasm('potentials', x, n, d, cand, m, closest, weights, pot, mins)) return;
  pot.fill(0, 0, m);
  const B = chunkRows(d);
  // per chunk: C = Σ w·closest over rows with a finite closest, G_j = Σ w·(closest − d_j) over
  // those rows with d_j < closest, D_j = Σ w·min(closest, d_j) over the other rows; the chunk adds
  // (C − G_j) + D_j = Σ w·min(closest, d_j). Rows with d_j ≥ closest add nothing to G_j, so a kernel
  // that skips them (the WebAssembly path rules most out unevaluated) gets the same sums to the bit.
  const G = new Float64Array(m), D = new Float64Array(m);
  for (let s = 0; s < n; s += B) {
    G.fill(0);
    D.fill(0);
    let C = 0;
    const end = Math.min(n, s + B);
    for (let i = s; i < end; i++) {
      const cl = closest[i]!, w = weights ? weights[i]! : 1, finite = Number.isFinite(cl);
      if (finite) C += w * cl;
      for (let j = 0; j < m; j++) {
        const e = exactSqDist(x, i, cand, j, d);
        const v = e < cl ? e : cl;
        if (!finite) D[j]! += w * v;
        else if (e < cl) G[j]! += w * (cl - e);
        if (mins) mins[j * n + i] = v;
      }
    }
    for (let j = 0; j < m; j++) pot[j]! += (C - G[j]!) + D[j]!;
  }
}

/** Lower closest[i] to the exact ‖x_i − c‖² (`exactSqDist`) for one centre c [d] (the D² update after choosing a centre). */
export function updateClosest(x: Float32Array, n: number, d: number, c: Float32Array, closest: Float64Array): void {
  // (work measured as n × 8 × d: the float32 tile is 8 centres wide even for one)
  if (useWasm(n, 8, d) && d2Wasm('update', x, n, d, c, 1, closest, null, null)) return;
  for (let i = 0; i < n; i++) {
    const e = exactSqDist(x, i, c, 0, d);
    if (e < closest[i]!) closest[i] = e;
  }
}

/**
 * Manhattan (L1) distances Σₜ|aᵢₜ − bⱼₜ| between every row of a [na × d] and of b [nb × d]:
 * out [na × nb], float64 sums. Cost O(na·nb·d).
 */
export function l1Block(a: Float32Array, na: number, b: Float32Array, nb: number, d: number,
  out: Float32Array | Float64Array): void {
  for (let i = 0; i < na; i++) {
    const ai = i * d;
    for (let j = 0; j < nb; j++) {
      const bj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) { const v = a[ai + t]! - b[bj + t]!; s += v < 0 ? -v : v; }
      out[i * nb + j] = s;
    }
  }
}
