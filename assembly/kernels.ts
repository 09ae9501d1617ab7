// AssemblyScript source of clusterkit's WebAssembly SIMD128 kernels (not TypeScript: built by
// scripts/build.mjs with asc into src/kernels/wasm/kernels.wasm.ts; src/kernels/wasm.ts drives it).
//
// Every pointer is a byte offset into the module's own linear memory; the JavaScript side lays
// the buffers out and grows the memory. float32 is called f32, float64 f64.
//
// assignBlock finds, for a block of rows, the nearest centre in two stages:
//  1. approximate: a_j = ‖c̃_j‖² − 2·x̃·c̃_j in f32 SIMD (x̃ = x − m, c̃ = c − m, m = the centres'
//     mean rounded to f32), a tile of 4 rows × 8 centres per pass over d;
//  2. exact: every centre whose a_j lies within 2E of the smallest (of the second smallest when
//     the second distance is wanted) is re-evaluated as Σ(x − c)² in f64 from the raw f32 values,
//     and the winner(s) come from these exact values, ties → lowest centre index.
// E bounds |a_j − (‖c−m‖² − 2(x−m)·(c−m))| (forward error of the f32 computation): with
// u = 2⁻²⁴, X = ‖x − m‖ and C = max_j ‖c_j − m‖, to first order
//   |error| ≤ 4u·C² + (2d + 6)·u·X·C,
// (rounding of the shifted inputs 2u, f32 recursive dot γ_d ≈ d·u, f32 ‖c̃‖² and the final
// subtraction); we use twice that plus an underflow term. The true nearest (and second nearest)
// centre is then always in the re-evaluated set, so labels are those of the exact f64 argmin.
// A row whose bound is not finite (huge, infinite or NaN values) has all k centres evaluated exactly.

const U: f64 = 5.960464477539063e-8; // 2^-24, unit roundoff of f32

/** Start of free memory (the JavaScript side allocates from here, 16-byte aligned). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/**
 * Shift m raw rows (row-major [m × d] f32 at `raw`) by `mu` [d] into the 4-row interleaved layout
 * xs[g][t][q] = raw[4g + q][t] − mu[t] (f32), zero rows up to a multiple of 4, and write each
 * row's ‖x̃‖² to xn [m] (f64; summed in f32 lanes for full groups, relative error ≤ (d + 2)·u).
 */
export function shiftRows(raw: usize, m: i32, d: i32, mu: usize, xs: usize, xn: usize): void {
  const m4 = (m + 3) & ~3;
  const rowBytes = <usize>d << 2;
  let r = 0;
  // full groups of 4 rows: SIMD shift, 4×4 transposes into the interleaved layout
  for (; r + 4 <= m; r += 4) {
    const src0 = raw + <usize>r * rowBytes, src1 = src0 + rowBytes, src2 = src1 + rowBytes, src3 = src2 + rowBytes;
    const dst = xs + <usize>r * rowBytes;
    let n0 = f32x4.splat(0), n1 = f32x4.splat(0), n2 = f32x4.splat(0), n3 = f32x4.splat(0);
    let t = 0;
    for (; t + 4 <= d; t += 4) {
      const o = <usize>t << 2;
      const mv = v128.load(mu + o);
      const v0 = f32x4.sub(v128.load(src0 + o), mv), v1 = f32x4.sub(v128.load(src1 + o), mv);
      const v2 = f32x4.sub(v128.load(src2 + o), mv), v3 = f32x4.sub(v128.load(src3 + o), mv);
      n0 = f32x4.add(n0, f32x4.mul(v0, v0)); n1 = f32x4.add(n1, f32x4.mul(v1, v1));
      n2 = f32x4.add(n2, f32x4.mul(v2, v2)); n3 = f32x4.add(n3, f32x4.mul(v3, v3));
      const lo01 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5), lo23 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
      const hi01 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7), hi23 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
      const p = dst + (o << 2);
      v128.store(p, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
      v128.store(p, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7), 16);
      v128.store(p, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5), 32);
      v128.store(p, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7), 48);
    }
    let s0: f64 = <f64>f32x4.extract_lane(n0, 0) + <f64>f32x4.extract_lane(n0, 1) + <f64>f32x4.extract_lane(n0, 2) + <f64>f32x4.extract_lane(n0, 3);
    let s1: f64 = <f64>f32x4.extract_lane(n1, 0) + <f64>f32x4.extract_lane(n1, 1) + <f64>f32x4.extract_lane(n1, 2) + <f64>f32x4.extract_lane(n1, 3);
    let s2: f64 = <f64>f32x4.extract_lane(n2, 0) + <f64>f32x4.extract_lane(n2, 1) + <f64>f32x4.extract_lane(n2, 2) + <f64>f32x4.extract_lane(n2, 3);
    let s3: f64 = <f64>f32x4.extract_lane(n3, 0) + <f64>f32x4.extract_lane(n3, 1) + <f64>f32x4.extract_lane(n3, 2) + <f64>f32x4.extract_lane(n3, 3);
    for (; t < d; t++) {
      const o = <usize>t << 2, mt = load<f32>(mu + o), p = dst + (o << 2);
      const v0: f32 = load<f32>(src0 + o) - mt, v1: f32 = load<f32>(src1 + o) - mt;
      const v2: f32 = load<f32>(src2 + o) - mt, v3: f32 = load<f32>(src3 + o) - mt;
      store<f32>(p, v0); store<f32>(p, v1, 4); store<f32>(p, v2, 8); store<f32>(p, v3, 12);
      s0 += <f64>v0 * <f64>v0; s1 += <f64>v1 * <f64>v1; s2 += <f64>v2 * <f64>v2; s3 += <f64>v3 * <f64>v3;
    }
    const q = xn + (<usize>r << 3);
    store<f64>(q, s0); store<f64>(q, s1, 8); store<f64>(q, s2, 16); store<f64>(q, s3, 24);
  }
  // last partial group: scalar, zero rows up to a multiple of 4
  for (; r < m4; r++) {
    const g = r >> 2, q = r & 3;
    const dst = xs + ((<usize>g * <usize>d) << 4) + (<usize>q << 2);
    if (r >= m) {
      for (let t = 0; t < d; t++) store<f32>(dst + (<usize>t << 4), 0);
      continue;
    }
    const src = raw + <usize>r * rowBytes;
    let s: f64 = 0;
    for (let t = 0; t < d; t++) {
      const v: f32 = load<f32>(src + (<usize>t << 2)) - load<f32>(mu + (<usize>t << 2));
      store<f32>(dst + (<usize>t << 4), v);
      s += <f64>v * <f64>v;
    }
    store<f64>(xn + (<usize>r << 3), s);
  }
}

/** Σ(x_t − c_t)² in f64 over d f32 values at xp and cp (differences and squares exact in f64). */
@inline
function exactDist(xp: usize, cp: usize, d: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let t = 0;
  for (; t + 4 <= d; t += 4) {
    const o = <usize>t << 2;
    const xv = v128.load(xp + o), cv = v128.load(cp + o);
    const dl = f64x2.sub(f64x2.promote_low_f32x4(xv), f64x2.promote_low_f32x4(cv));
    const xh = v128.shuffle<f32>(xv, xv, 2, 3, 0, 1), ch = v128.shuffle<f32>(cv, cv, 2, 3, 0, 1);
    const dh = f64x2.sub(f64x2.promote_low_f32x4(xh), f64x2.promote_low_f32x4(ch));
    a0 = f64x2.add(a0, f64x2.mul(dl, dl));
    a1 = f64x2.add(a1, f64x2.mul(dh, dh));
  }
  a0 = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  for (; t < d; t++) {
    const o = <usize>t << 2;
    const v = <f64>load<f32>(xp + o) - <f64>load<f32>(cp + o);
    s += v * v;
  }
  return s;
}

// Results of finishRow (module globals: cheaper than memory round trips).
let gBest: f64 = 0;
let gSecond: f64 = 0;
let gLabel: i32 = 0;

@inline
function consider(e: f64, j: i32): void {
  if (e < gBest) { gSecond = gBest; gBest = e; gLabel = j; } else if (e < gSecond) gSecond = e;
}

/**
 * Pick the nearest (and second nearest) centre of one row from its approximate values
 * a [kp] (f32) and the exact re-evaluation described at the top.
 */
function finishRow(a: usize, kp: i32, k: i32, slack: f64, wantSecond: bool, xr: usize, craw: usize, d: i32): void {
  gBest = Infinity; gSecond = Infinity; gLabel = 0;
  const rowBytes = <usize>d << 2;
  let m1 = f32x4.splat(Infinity), m2 = f32x4.splat(Infinity);
  const end = a + (<usize>kp << 2);
  if (wantSecond) {
    for (let p = a; p < end; p += 16) {
      const v = v128.load(p);
      m2 = f32x4.min(m2, f32x4.max(m1, v));
      m1 = f32x4.min(m1, v);
    }
  } else {
    for (let p = a; p < end; p += 16) m1 = f32x4.min(m1, v128.load(p));
  }
  // smallest and second smallest over the lanes
  const l0 = f32x4.extract_lane(m1, 0), l1 = f32x4.extract_lane(m1, 1);
  const l2 = f32x4.extract_lane(m1, 2), l3 = f32x4.extract_lane(m1, 3);
  const lo01 = min(l0, l1), hi01 = max(l0, l1), lo23 = min(l2, l3), hi23 = max(l2, l3);
  const a1: f64 = <f64>min(lo01, lo23);
  let ref = a1;
  if (wantSecond) {
    const sec1 = min(max(lo01, lo23), min(hi01, hi23));
    const s2 = min(min(f32x4.extract_lane(m2, 0), f32x4.extract_lane(m2, 1)),
      min(f32x4.extract_lane(m2, 2), f32x4.extract_lane(m2, 3)));
    ref = <f64>min(sec1, s2);
  }
  const thr = ref + slack;
  if (!isFinite(thr) || !isFinite(a1)) {
    for (let j = 0; j < k; j++) consider(exactDist(xr, craw + <usize>j * rowBytes, d), j);
    return;
  }
  // round the threshold up to f32 and a little beyond
  let tf = <f32>thr;
  tf += abs(tf) * <f32>4.76837158203125e-7 + <f32>1e-37;
  const tv = f32x4.splat(tf);
  let j0 = 0;
  for (let p = a; p < end; p += 16, j0 += 4) {
    let bits = i32x4.bitmask(f32x4.le(v128.load(p), tv));
    while (bits != 0) {
      const j = j0 + ctz(bits);
      bits &= bits - 1;
      if (j < k) consider(exactDist(xr, craw + <usize>j * rowBytes, d), j);
    }
  }
}

/**
 * Nearest-centre assignment of a block of m rows.
 * xs: shifted rows in 4-row interleaved layout (shiftRows); xn [m] f64 their ‖x̃‖²;
 * raw [m × d] f32 the unshifted rows; panels: shifted centres, kp = 8·np of them (padding
 * centres are zero), laid out [np][d][8]; cn [kp] f32 their ‖c̃‖² (+∞ for padding); craw [k × d]
 * f32 raw centres; cmax ≥ max_j ‖c̃_j‖; scratch [4 × kp] f32.
 * Outputs: lab [m] i32, best [m] f64 and (when wantSecond) second [m] f64 exact squared distances.
 */
export function assignBlock(xs: usize, xn: usize, raw: usize, m: i32, d: i32,
  panels: usize, cn: usize, np: i32, craw: usize, k: i32, cmax: f64,
  scratch: usize, lab: usize, best: usize, second: usize, wantSecond: i32): void {
  const kp = np << 3;
  const groupBytes = <usize>d << 4;      // 4 interleaved rows
  const pairBytes = <usize>d << 5;       // 8 interleaved centres
  const sBytes = <usize>kp << 2;
  const rowBytes = <usize>d << 2;
  const quad: f64 = 8 * U * cmax * cmax;
  const lin: f64 = 2 * (2 * <f64>d + 6) * U * cmax;
  const under: f64 = (<f64>d + 4) * 4.7e-38;
  const inflate: f64 = 1 + 2 * (<f64>d + 2) * U;
  for (let r = 0; r < m; r += 4) {
    const xg = xs + (<usize>(r >> 2)) * groupBytes;
    const xend = xg + groupBytes;
    let pc = panels;
    let so: usize = 0;
    for (let p = 0; p < np; p++) {
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      for (let px = xg; px < xend; px += 16) {
        const c0 = v128.load(pc), c1 = v128.load(pc, 16);
        const b0 = v128.load32_splat(px);
        a00 = f32x4.add(a00, f32x4.mul(b0, c0)); a01 = f32x4.add(a01, f32x4.mul(b0, c1));
        const b1 = v128.load32_splat(px, 4);
        a10 = f32x4.add(a10, f32x4.mul(b1, c0)); a11 = f32x4.add(a11, f32x4.mul(b1, c1));
        const b2 = v128.load32_splat(px, 8);
        a20 = f32x4.add(a20, f32x4.mul(b2, c0)); a21 = f32x4.add(a21, f32x4.mul(b2, c1));
        const b3 = v128.load32_splat(px, 12);
        a30 = f32x4.add(a30, f32x4.mul(b3, c0)); a31 = f32x4.add(a31, f32x4.mul(b3, c1));
        pc += 32;
      }
      const n0 = v128.load(cn + so), n1 = v128.load(cn + so, 16);
      const s0 = scratch + so;
      v128.store(s0, f32x4.sub(n0, f32x4.add(a00, a00)));
      v128.store(s0, f32x4.sub(n1, f32x4.add(a01, a01)), 16);
      v128.store(s0 + sBytes, f32x4.sub(n0, f32x4.add(a10, a10)));
      v128.store(s0 + sBytes, f32x4.sub(n1, f32x4.add(a11, a11)), 16);
      v128.store(s0 + 2 * sBytes, f32x4.sub(n0, f32x4.add(a20, a20)));
      v128.store(s0 + 2 * sBytes, f32x4.sub(n1, f32x4.add(a21, a21)), 16);
      v128.store(s0 + 3 * sBytes, f32x4.sub(n0, f32x4.add(a30, a30)));
      v128.store(s0 + 3 * sBytes, f32x4.sub(n1, f32x4.add(a31, a31)), 16);
      so += 32;
    }
    const qn = min(4, m - r);
    for (let q = 0; q < qn; q++) {
      const i = r + q;
      const x2 = load<f64>(xn + (<usize>i << 3));
      const X = sqrt(x2 * inflate);
      const slack = 2 * (quad + lin * X + under);
      finishRow(scratch + <usize>q * sBytes, kp, k, slack, wantSecond != 0, raw + <usize>i * rowBytes, craw, d);
      store<i32>(lab + (<usize>i << 2), gLabel);
      store<f64>(best + (<usize>i << 3), gBest);
      if (wantSecond) store<f64>(second + (<usize>i << 3), gSecond);
    }
  }
}

/**
 * Shift m raw rows (f32 [m × d]) by mu (f64 [d]) into float64 4-row interleaved layout
 * xs[g][t][q] (zero rows up to a multiple of 4) and write ‖x − mu‖² (sequential f64 sum, the
 * TypeScript kernel's order) to xn [m].
 */
export function shiftRows64(raw: usize, m: i32, d: i32, mu: usize, xs: usize, xn: usize): void {
  const m4 = (m + 3) & ~3;
  for (let r = 0; r < m4; r++) {
    const dst = xs + ((<usize>(r >> 2) * <usize>d) << 5) + (<usize>(r & 3) << 3);
    if (r >= m) {
      for (let t = 0; t < d; t++) store<f64>(dst + (<usize>t << 5), 0);
      continue;
    }
    const src = raw + ((<usize>r * <usize>d) << 2);
    let s: f64 = 0;
    for (let t = 0; t < d; t++) {
      const v: f64 = <f64>load<f32>(src + (<usize>t << 2)) - load<f64>(mu + (<usize>t << 3));
      store<f64>(dst + (<usize>t << 5), v);
      s += v * v;
    }
    store<f64>(xn + (<usize>r << 3), s);
  }
}

/**
 * Squared distances of m shifted rows (shiftRows64) to nb shifted centres, float64:
 * out[r·nb + j] = (‖x̃_r‖² + ‖c̃_j‖²) − 2·x̃_r·c̃_j, clamped at 0 (NaN → 0), every dot product
 * summed over t in order, so the result is bitwise that of the TypeScript kernel.
 * panels: np panels of 4 centres, [np][d][4] f64 (padding centres zero); cn [4·np] f64.
 */
export function sqdistBlock64(xs: usize, xn: usize, m: i32, d: i32, panels: usize, cn: usize, np: i32, nb: i32, out: usize): void {
  const groupBytes = <usize>d << 5, panelBytes = <usize>d << 5;
  const zero = f64x2.splat(0);
  for (let r = 0; r < m; r += 4) {
    const xg = xs + <usize>(r >> 2) * groupBytes, xend = xg + groupBytes;
    const qn = min(4, m - r);
    for (let p = 0; p < np; p++) {
      let pc = panels + <usize>p * panelBytes;
      let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a10 = f64x2.splat(0), a11 = f64x2.splat(0);
      let a20 = f64x2.splat(0), a21 = f64x2.splat(0), a30 = f64x2.splat(0), a31 = f64x2.splat(0);
      for (let px = xg; px < xend; px += 32) {
        const c0 = v128.load(pc), c1 = v128.load(pc, 16);
        const b0 = v128.load64_splat(px);
        a00 = f64x2.add(a00, f64x2.mul(b0, c0)); a01 = f64x2.add(a01, f64x2.mul(b0, c1));
        const b1 = v128.load64_splat(px, 8);
        a10 = f64x2.add(a10, f64x2.mul(b1, c0)); a11 = f64x2.add(a11, f64x2.mul(b1, c1));
        const b2 = v128.load64_splat(px, 16);
        a20 = f64x2.add(a20, f64x2.mul(b2, c0)); a21 = f64x2.add(a21, f64x2.mul(b2, c1));
        const b3 = v128.load64_splat(px, 24);
        a30 = f64x2.add(a30, f64x2.mul(b3, c0)); a31 = f64x2.add(a31, f64x2.mul(b3, c1));
        pc += 32;
      }
      const j0 = p << 2;
      const cn0 = v128.load(cn + (<usize>j0 << 3)), cn1 = v128.load(cn + (<usize>j0 << 3), 16);
      const full = j0 + 4 <= nb;
      for (let q = 0; q < qn; q++) {
        const d0 = q == 0 ? a00 : q == 1 ? a10 : q == 2 ? a20 : a30;
        const d1 = q == 0 ? a01 : q == 1 ? a11 : q == 2 ? a21 : a31;
        const xv = v128.load64_splat(xn + (<usize>(r + q) << 3));
        let v0 = f64x2.sub(f64x2.add(xv, cn0), f64x2.add(d0, d0));
        let v1 = f64x2.sub(f64x2.add(xv, cn1), f64x2.add(d1, d1));
        v0 = v128.bitselect(v0, zero, f64x2.gt(v0, zero));
        v1 = v128.bitselect(v1, zero, f64x2.gt(v1, zero));
        const o = out + ((<usize>(r + q) * <usize>nb + <usize>j0) << 3);
        if (full) {
          v128.store(o, v0); v128.store(o, v1, 16);
        } else {
          store<f64>(o, f64x2.extract_lane(v0, 0));
          if (j0 + 1 < nb) store<f64>(o, f64x2.extract_lane(v0, 1), 8);
          if (j0 + 2 < nb) store<f64>(o, f64x2.extract_lane(v1, 0), 16);
        }
      }
    }
  }
}
