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

/** a·b + c on f32x4: fused (relaxed SIMD) in the relaxed build, mul then add in the plain one. */
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Write ‖c̃‖² − 2·acc for the 4 × 8 accumulators of a tile: row q at s + q·sBytes. */
@inline
function storeTile(s: usize, sBytes: usize, cn: usize, a00: v128, a01: v128, a10: v128, a11: v128,
  a20: v128, a21: v128, a30: v128, a31: v128): void {
  const n0 = v128.load(cn), n1 = v128.load(cn, 16);
  v128.store(s, f32x4.sub(n0, f32x4.add(a00, a00)));
  v128.store(s, f32x4.sub(n1, f32x4.add(a01, a01)), 16);
  v128.store(s + sBytes, f32x4.sub(n0, f32x4.add(a10, a10)));
  v128.store(s + sBytes, f32x4.sub(n1, f32x4.add(a11, a11)), 16);
  v128.store(s + 2 * sBytes, f32x4.sub(n0, f32x4.add(a20, a20)));
  v128.store(s + 2 * sBytes, f32x4.sub(n1, f32x4.add(a21, a21)), 16);
  v128.store(s + 3 * sBytes, f32x4.sub(n0, f32x4.add(a30, a30)));
  v128.store(s + 3 * sBytes, f32x4.sub(n1, f32x4.add(a31, a31)), 16);
}

/**
 * The register tile shared by assignBlock and potBlock: for one group of 4 interleaved shifted
 * rows at xg (groupBytes = 16·d) and every panel of 8 shifted centres, write the approximate
 * a_j = ‖c̃_j‖² − 2·x̃·c̃_j (f32) of row q to scratch + q·sBytes + 4j. 8 accumulators of 4 lanes.
 */
@inline
function tile4x8(xg: usize, groupBytes: usize, panels: usize, cn: usize, np: i32, scratch: usize, sBytes: usize): void {
  const xend = xg + groupBytes;
  let pc = panels;
  let so: usize = 0;
  for (let p = 0; p < np; p++) {
    let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
    let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
    for (let px = xg; px < xend; px += 16) {
      const c0 = v128.load(pc), c1 = v128.load(pc, 16);
      const b0 = v128.load32_splat(px);
      a00 = madd(b0, c0, a00); a01 = madd(b0, c1, a01);
      const b1 = v128.load32_splat(px, 4);
      a10 = madd(b1, c0, a10); a11 = madd(b1, c1, a11);
      const b2 = v128.load32_splat(px, 8);
      a20 = madd(b2, c0, a20); a21 = madd(b2, c1, a21);
      const b3 = v128.load32_splat(px, 12);
      a30 = madd(b3, c0, a30); a31 = madd(b3, c1, a31);
      pc += 32;
    }
    storeTile(scratch + so, sBytes, cn + so, a00, a01, a10, a11, a20, a21, a30, a31);
    so += 32;
  }
}

/**
 * tile4x8 on 4 rows read in place (p0 … p3, f32 [d] each) and shifted on the fly by mu [d]
 * (f32 x − mu, the same rounding as shiftRows): no interleaved copy of the rows is needed.
 */
@inline
function tile4x8rows(p0: usize, p1: usize, p2: usize, p3: usize, mu: usize, d: i32, panels: usize, cn: usize, np: i32,
  scratch: usize, sBytes: usize): void {
  const end = <usize>d << 2;
  let pc = panels;
  let so: usize = 0;
  for (let p = 0; p < np; p++) {
    let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
    let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
    for (let o: usize = 0; o < end; o += 4) {
      const c0 = v128.load(pc), c1 = v128.load(pc, 16);
      const mv = v128.load32_splat(mu + o);
      const b0 = f32x4.sub(v128.load32_splat(p0 + o), mv);
      a00 = madd(b0, c0, a00); a01 = madd(b0, c1, a01);
      const b1 = f32x4.sub(v128.load32_splat(p1 + o), mv);
      a10 = madd(b1, c0, a10); a11 = madd(b1, c1, a11);
      const b2 = f32x4.sub(v128.load32_splat(p2 + o), mv);
      a20 = madd(b2, c0, a20); a21 = madd(b2, c1, a21);
      const b3 = f32x4.sub(v128.load32_splat(p3 + o), mv);
      a30 = madd(b3, c0, a30); a31 = madd(b3, c1, a31);
      pc += 32;
    }
    storeTile(scratch + so, sBytes, cn + so, a00, a01, a10, a11, a20, a21, a30, a31);
    so += 32;
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
  const sBytes = <usize>kp << 2;
  const rowBytes = <usize>d << 2;
  const quad: f64 = 8 * U * cmax * cmax;
  const lin: f64 = 2 * (2 * <f64>d + 6) * U * cmax;
  const under: f64 = (<f64>d + 4) * 4.7e-38;
  const inflate: f64 = 1 + 2 * (<f64>d + 2) * U;
  for (let r = 0; r < m; r += 4) {
    tile4x8(xs + (<usize>(r >> 2)) * groupBytes, groupBytes, panels, cn, np, scratch, sBytes);
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

// ---------------------------------------------------------------------------------------------
// Parallel jobs. A job is a record of f64 slots in memory (written by src/kernels/wasm.ts);
// runChunk(job, c, tid) does chunk c of it with thread tid's scratch. Each chunk writes only its
// own rows of the outputs and its own slot of the partial sums, so the result does not depend on
// which thread ran which chunk; the JavaScript side sums the partials in chunk order.

const KIND_ASSIGN: i32 = 1;
const KIND_SUMS: i32 = 2;
const KIND_POT: i32 = 3;
const KIND_DIST: i32 = 4;
const KIND_LABELLED: i32 = 5;

@inline
function slot(job: usize, i: i32): f64 {
  return load<f64>(job + (<usize>i << 3));
}

@inline
function ptr(job: usize, i: i32): usize {
  return <usize>load<f64>(job + (<usize>i << 3));
}

@inline
function align16(b: usize): usize {
  return (b + 15) & ~(<usize>15);
}

/**
 * Bound on |(‖x̃‖² + a_j) − ‖x − c_j‖²| for a row with computed ‖x̃‖² = x2, any centre with
 * ‖c̃_j‖ ≤ cmax: the a_j bound of the top of this file (quad + lin·X + underflow) plus the
 * rounding of ‖x̃‖² itself (relative 2(d + 6)u). Used by the D² and screening kernels.
 */
@inline
function estBound(x2: f64, d: i32, cmax: f64): f64 {
  const X = sqrt(x2 * (1 + 2 * (<f64>d + 2) * U));
  return 8 * U * cmax * cmax + 2 * (2 * <f64>d + 6) * U * cmax * X + (<f64>d + 4) * 4.7e-38
    + x2 * 2 * (<f64>d + 6) * U + 1e-300;
}

/** Run chunk c of the job at `job` on thread tid (0 = the calling thread). */
export function runChunk(job: usize, c: i32, tid: i32): void {
  const kind = <i32>slot(job, 0);
  if (kind == KIND_ASSIGN) assignChunk(job, c, tid);
  else if (kind == KIND_SUMS) sumsChunk(job, c);
  else if (kind == KIND_POT) potChunk(job, c, tid);
  else if (kind == KIND_DIST) distChunk(job, c, tid);
  else if (kind == KIND_LABELLED) labelledChunk(job, c);
}

/**
 * Scratch of thread tid for a chunk of B rows in d dims against kp padded centres:
 * raw [B × d] f32 (gathered rows) | xs [⌈B/4⌉·4 × d] f32 | xn [B] f64 | scores [4 × kp] f32.
 */
@inline
function scratchRaw(base: usize, stride: usize, tid: i32): usize {
  return base + <usize>tid * stride;
}

/**
 * Assignment job (kind 1). Slots: 1 x (raw rows, f32 [n × d]), 2 idx (i32 positions, 0 = rows
 * in order), 3 total, 4 d, 5 B, 6 mu, 7 panels, 8 cn, 9 np, 10 craw, 11 k, 12 cmax, 13 wantSecond,
 * 14 lab, 15 best, 16 second (outputs by position), 17 scratch base, 18 scratch stride.
 */
function assignChunk(job: usize, c: i32, tid: i32): void {
  const x = ptr(job, 1), idx = ptr(job, 2), total = <i32>slot(job, 3), d = <i32>slot(job, 4), B = <i32>slot(job, 5);
  const start = c * B;
  const m = min(B, total - start);
  if (m <= 0) return;
  const np = <i32>slot(job, 9);
  const rowBytes = <usize>d << 2;
  const raw0 = scratchRaw(ptr(job, 17), ptr(job, 18), tid);
  const xs = raw0 + align16(<usize>B * rowBytes);
  const xn = xs + align16(<usize>((B + 3) & ~3) * rowBytes);
  const scr = xn + align16(<usize>B << 3);
  let raw: usize;
  if (idx != 0) {
    raw = raw0;
    for (let r = 0; r < m; r++) {
      const i = load<i32>(idx + (<usize>(start + r) << 2));
      memory.copy(raw0 + <usize>r * rowBytes, x + <usize>i * rowBytes, rowBytes);
    }
  } else {
    raw = x + <usize>start * rowBytes;
  }
  shiftRows(raw, m, d, ptr(job, 6), xs, xn);
  assignBlock(xs, xn, raw, m, d, ptr(job, 7), ptr(job, 8), np, ptr(job, 10), <i32>slot(job, 11), slot(job, 12),
    scr, ptr(job, 14) + (<usize>start << 2), ptr(job, 15) + (<usize>start << 3), ptr(job, 16) + (<usize>start << 3),
    <i32>slot(job, 13));
}

/**
 * Weighted per-cluster sums of chunk c (kind 2). Slots: 1 x (f32 [n × d]), 2 n, 3 d, 4 k,
 * 5 labels (i32 [n]), 6 weights (f64 [n], 0 = all ones), 7 B, 8 partials (f64, chunk c at
 * c·(k·d + k): sums [k × d] then wsum [k]). Rows are added in order, each in f64 — the same
 * operations, in the same order, as the TypeScript centroidSums, so the partials are bitwise equal.
 */
function sumsChunk(job: usize, c: i32): void {
  const x = ptr(job, 1), n = <i32>slot(job, 2), d = <i32>slot(job, 3), k = <i32>slot(job, 4);
  const labels = ptr(job, 5), weights = ptr(job, 6), B = <i32>slot(job, 7);
  const stride = <usize>(k * d + k);
  const sums = ptr(job, 8) + ((<usize>c * stride) << 3);
  const wsum = sums + ((<usize>k * <usize>d) << 3);
  memory.fill(sums, 0, stride << 3);
  const start = c * B, end = min(n, start + B);
  const rowBytes = <usize>d << 2;
  for (let i = start; i < end; i++) {
    const l = load<i32>(labels + (<usize>i << 2));
    if (l < 0) continue;
    const w: f64 = weights != 0 ? load<f64>(weights + (<usize>i << 3)) : 1.0;
    const xr = x + <usize>i * rowBytes;
    const sr = sums + ((<usize>l * <usize>d) << 3);
    let t = 0;
    if (weights != 0) {
      const wv = f64x2.splat(w);
      for (; t + 4 <= d; t += 4) {
        const xv = v128.load(xr + (<usize>t << 2));
        const lo = f64x2.promote_low_f32x4(xv);
        const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(xv, xv, 2, 3, 0, 1));
        const p = sr + (<usize>t << 3);
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(wv, lo)));
        v128.store(p, f64x2.add(v128.load(p, 16), f64x2.mul(wv, hi)), 16);
      }
    } else {
      for (; t + 4 <= d; t += 4) {
        const xv = v128.load(xr + (<usize>t << 2));
        const lo = f64x2.promote_low_f32x4(xv);
        const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(xv, xv, 2, 3, 0, 1));
        const p = sr + (<usize>t << 3);
        v128.store(p, f64x2.add(v128.load(p), lo));
        v128.store(p, f64x2.add(v128.load(p, 16), hi), 16);
      }
    }
    for (; t < d; t++) {
      const p = sr + (<usize>t << 3);
      store<f64>(p, load<f64>(p) + w * <f64>load<f32>(xr + (<usize>t << 2)));
    }
    const q = wsum + (<usize>l << 3);
    store<f64>(q, load<f64>(q) + w);
  }
}

/**
 * D² job of k-means++ (kind 3), chunk c of B rows against m candidate centres. Slots: 1 x
 * (f32 [n × d]), 2 n, 3 d, 4 B, 5 mu, 6 panels, 7 cn, 8 np, 9 craw (f32 [m × d]), 10 m, 11 cmax,
 * 12 closest (f64 [n]), 13 weights (f64 [n] or 0), 14 partials (f64, chunk c at c·m),
 * 15 scratch base, 16 scratch stride, 17 mode (0: partials[j] = Σ w·min(closest, d_j);
 * 1: closest = min(closest, d_0), m = 1), 18 inPlace (1: read the rows in place, shifting them
 * by mu in the tile, with their ‖x − mu‖² given in 19 xn (f64 [n]); 0: shift into scratch here),
 * 20 mins (f64 [m × n] or 0), 21 flags (u8 [n]): mode 0 also writes min(closest_i, d_ij) there
 * (the closest array after choosing candidate j) for the rows it flags 1; rows flagged 0 have
 * min(closest_i, d_ij) = closest_i for every j and are not written.
 * d_j is the exact f64 Σ(x − c_j)² (exactDist), evaluated only where the f32 estimate, less its
 * rounding bound, does not already show d_j ≥ closest (then min(closest, d_j) = closest).
 */
function potChunk(job: usize, c: i32, tid: i32): void {
  const x = ptr(job, 1), n = <i32>slot(job, 2), d = <i32>slot(job, 3), B = <i32>slot(job, 4);
  const start = c * B;
  const m = min(B, n - start);
  if (m <= 0) return;
  const np = <i32>slot(job, 8), kp = np << 3;
  const craw = ptr(job, 9), mc = <i32>slot(job, 10), cmax = slot(job, 11);
  const closest = ptr(job, 12), weights = ptr(job, 13), mode = <i32>slot(job, 17);
  const part = ptr(job, 14) + ((<usize>c * <usize>mc) << 3);
  const mins = ptr(job, 20), colBytes = <usize>n << 3, flags = ptr(job, 21);
  const rowBytes = <usize>d << 2;
  const raw0 = scratchRaw(ptr(job, 15), ptr(job, 16), tid);
  const xs0 = raw0 + align16(<usize>B * rowBytes);
  const xn0 = xs0 + align16(<usize>((B + 3) & ~3) * rowBytes);
  const scr = xn0 + align16(<usize>B << 3);
  const raw = x + <usize>start * rowBytes;
  const inPlace = ptr(job, 18) != 0;
  const xs = xs0;
  let xn = xn0;
  if (inPlace) xn = ptr(job, 19) + (<usize>start << 3);
  else shiftRows(raw, m, d, ptr(job, 5), xs, xn);
  const groupBytes = <usize>d << 4, sBytes = <usize>kp << 2;
  if (mode == 0) for (let j = 0; j < mc; j++) store<f64>(part + (<usize>j << 3), 0);
  for (let r = 0; r < m; r += 4) {
    if (inPlace) {
      const last = m - 1; // rows past the end repeat the last one (their scores are not used)
      const p0 = raw + <usize>r * rowBytes, p1 = raw + <usize>min(r + 1, last) * rowBytes;
      const p2 = raw + <usize>min(r + 2, last) * rowBytes, p3 = raw + <usize>min(r + 3, last) * rowBytes;
      tile4x8rows(p0, p1, p2, p3, ptr(job, 5), d, ptr(job, 6), ptr(job, 7), np, scr, sBytes);
    } else {
      tile4x8(xs + (<usize>(r >> 2)) * groupBytes, groupBytes, ptr(job, 6), ptr(job, 7), np, scr, sBytes);
    }
    const qn = min(4, m - r);
    for (let q = 0; q < qn; q++) {
      const i = start + r + q;
      const x2 = load<f64>(xn + (<usize>(r + q) << 3));
      // |estimate − true d_j| ≤ bound (twice estBound: generous)
      const bound = 2 * estBound(x2, d, cmax);
      const cp = closest + (<usize>i << 3);
      const cl = load<f64>(cp);
      const clHi = cl + abs(cl) * 1e-12;
      const xr = raw + <usize>(r + q) * rowBytes;
      const sq = scr + <usize>q * sBytes;
      if (mode == 0) {
        const w: f64 = weights != 0 ? load<f64>(weights + (<usize>i << 3)) : 1.0;
        // quick test on all candidates at once: a_j ≥ T (rounded up to f32) means est − bound ≥ clHi,
        // so min(closest, d_j) = closest for every j — the common case once a few centres are chosen
        const T: f64 = clHi + bound - x2;
        if (mc <= 28 && isFinite(T)) {
          let tf = <f32>T;
          tf += abs(tf) * <f32>4.76837158203125e-7 + <f32>1e-37;
          const tv = f32x4.splat(tf);
          let low = 0;
          for (let o = 0; o < mc; o += 4) low |= i32x4.bitmask(f32x4.lt(v128.load(sq + (<usize>o << 2)), tv)) << o;
          if ((low & ((1 << mc) - 1)) == 0) {
            const wv = w * cl;
            for (let j = 0; j < mc; j++) {
              const pj = part + (<usize>j << 3);
              store<f64>(pj, load<f64>(pj) + wv);
            }
            if (mins != 0) store<u8>(flags + <usize>i, 0); // mins not written: all equal closest
            continue;
          }
        }
        for (let j = 0; j < mc; j++) {
          const est: f64 = x2 + <f64>load<f32>(sq + (<usize>j << 2));
          let v = cl;
          if (!(est - bound >= clHi)) {
            const e = exactDist(xr, craw + <usize>j * rowBytes, d);
            if (e < cl) v = e;
          }
          const pj = part + (<usize>j << 3);
          store<f64>(pj, load<f64>(pj) + w * v);
          if (mins != 0) store<f64>(mins + <usize>j * colBytes + (<usize>i << 3), v);
          if (mins != 0) store<u8>(flags + <usize>i, 1);
        }
      } else {
        const est: f64 = x2 + <f64>load<f32>(sq);
        if (!(est - bound >= clHi)) {
          const e = exactDist(xr, craw, d);
          if (e < cl) store<f64>(cp, e);
        }
      }
    }
  }
}

/**
 * Screening distances (kind 4), chunk c of B query rows against nb data rows packed as panels.
 * Slots: 1 q (raw f32 [mq × d]), 2 mq, 3 d, 4 B, 5 mu, 6 panels, 7 cn, 8 np, 9 nb, 10 cmax,
 * 11 out (f64 [mq × nb]): ‖q̃‖² + a_j, the f32 estimate of ‖q − b_j‖²; 12 tol (f64 [mq]): a bound
 * on |out − ‖q − b_j‖²| for every j of the row (the bound of the top of this file plus ‖q̃‖²'s);
 * 13 scratch base, 14 scratch stride.
 */
function distChunk(job: usize, c: i32, tid: i32): void {
  const q = ptr(job, 1), mq = <i32>slot(job, 2), d = <i32>slot(job, 3), B = <i32>slot(job, 4);
  const start = c * B;
  const m = min(B, mq - start);
  if (m <= 0) return;
  const np = <i32>slot(job, 8), kp = np << 3, nb = <i32>slot(job, 9), cmax = slot(job, 10);
  const out = ptr(job, 11), tol = ptr(job, 12);
  const rowBytes = <usize>d << 2;
  const raw0 = scratchRaw(ptr(job, 13), ptr(job, 14), tid);
  const xs = raw0 + align16(<usize>B * rowBytes);
  const xn = xs + align16(<usize>((B + 3) & ~3) * rowBytes);
  const scr = xn + align16(<usize>B << 3);
  shiftRows(q + <usize>start * rowBytes, m, d, ptr(job, 5), xs, xn);
  const groupBytes = <usize>d << 4, sBytes = <usize>kp << 2;
  for (let r = 0; r < m; r += 4) {
    tile4x8(xs + (<usize>(r >> 2)) * groupBytes, groupBytes, ptr(job, 6), ptr(job, 7), np, scr, sBytes);
    const qn = min(4, m - r);
    for (let t = 0; t < qn; t++) {
      const i = start + r + t;
      const x2 = load<f64>(xn + (<usize>(r + t) << 3));
      store<f64>(tol + (<usize>i << 3), estBound(x2, d, cmax));
      const sq = scr + <usize>t * sBytes;
      const o = out + ((<usize>i * <usize>nb) << 3);
      for (let j = 0; j < nb; j++) store<f64>(o + (<usize>j << 3), x2 + <f64>load<f32>(sq + (<usize>j << 2)));
    }
  }
}

/**
 * Σ w_i·‖x_i − c_{l_i}‖² over chunk c (kind 5), rows with l_i < 0 skipped. Slots: 1 x (f32 [n × d]),
 * 2 n, 3 d, 4 labels (i32 [n]), 5 centres (f64 [k × d]), 6 weights (f64 [n] or 0), 7 B,
 * 8 partials (f64 [chunks]). Each row's sum runs over t in order in f64, then rows are added in
 * order: the TypeScript kernel's operations exactly.
 */
function labelledChunk(job: usize, c: i32): void {
  const x = ptr(job, 1), n = <i32>slot(job, 2), d = <i32>slot(job, 3), labels = ptr(job, 4);
  const centres = ptr(job, 5), weights = ptr(job, 6), B = <i32>slot(job, 7);
  const start = c * B, end = min(n, start + B);
  const rowBytes = <usize>d << 2;
  let total: f64 = 0;
  for (let i = start; i < end; i++) {
    const l = load<i32>(labels + (<usize>i << 2));
    if (l < 0) continue;
    const xr = x + <usize>i * rowBytes, cr = centres + ((<usize>l * <usize>d) << 3);
    let s: f64 = 0;
    for (let t = 0; t < d; t++) {
      const v = <f64>load<f32>(xr + (<usize>t << 2)) - load<f64>(cr + (<usize>t << 3));
      s += v * v;
    }
    total += weights != 0 ? load<f64>(weights + (<usize>i << 3)) * s : s;
  }
  store<f64>(ptr(job, 8) + (<usize>c << 3), total);
}
