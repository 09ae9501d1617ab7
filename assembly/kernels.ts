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
/** Rows whose stored label assignQRows changed (kind 9 reads and resets it per block). */
let gChanged: i32 = 0;

/** Take exact distance e of centre j (any order of j: ties go to the lowest index). */
@inline
function consider(e: f64, j: i32): void {
  if (e < gBest || (e == gBest && j < gLabel)) { gSecond = gBest; gBest = e; gLabel = j; } else if (e < gSecond) gSecond = e;
}

/**
 * Pick the nearest (and second nearest) centre of one row from its approximate values
 * a [8·np] (f32) and the exact re-evaluation described at the top. pm [np] (f32x4): the row's
 * pair minima from the tile, lane l of panel p = min(a[8p + l], a[8p + 4 + l]); they give the
 * smallest value and the panels to look into, so a row costs np vector steps, not 2·np.
 * hits [np] i32: room for scanPanels. mode: bit 0, also the second nearest distance; bit 1, label
 * only: when a single centre is within the threshold it is the nearest (the true nearest is always
 * within it), its label is taken without its exact distance and gBest is NaN.
 */
function finishRow(a: usize, pm: usize, hits: usize, np: i32, k: i32, slack: f64, mode: i32, xr: usize,
  craw: usize, d: i32): void {
  gBest = Infinity; gSecond = Infinity; gLabel = 0;
  const wantSecond = (mode & 1) != 0;
  const rowBytes = <usize>d << 2;
  // pmin/pmax are single instructions and skip NaN scores, which cannot occur with a finite
  // slack ≤ 1e30 (see below: a NaN row or centre has a non-finite bound, and no product overflows)
  const inf = f32x4.splat(Infinity);
  let m1 = inf, m2 = inf;
  const pend = pm + (<usize>np << 4);
  if (wantSecond) {
    const end = a + (<usize>np << 5);
    let m1b = inf, m2b = inf;
    for (let p = a; p < end; p += 32) {
      const v = v128.load(p), w = v128.load(p, 16);
      m2 = f32x4.pmin(m2, f32x4.pmax(m1, v));
      m1 = f32x4.pmin(m1, v);
      m2b = f32x4.pmin(m2b, f32x4.pmax(m1b, w));
      m1b = f32x4.pmin(m1b, w);
    }
    m2 = f32x4.pmin(f32x4.pmin(m2, m2b), f32x4.pmax(m1, m1b));
    m1 = f32x4.pmin(m1, m1b);
  } else {
    let m1b = inf, p = pm;
    for (; p + 32 <= pend; p += 32) {
      m1 = f32x4.pmin(m1, v128.load(p));
      m1b = f32x4.pmin(m1b, v128.load(p, 16));
    }
    if (p < pend) m1 = f32x4.pmin(m1, v128.load(p));
    m1 = f32x4.pmin(m1, m1b);
  }
  // smallest and second smallest over the lanes, branch-free in SIMD (scalar f32 min/max have
  // NaN rules that V8 compiles to data-dependent branches)
  const sw = v128.shuffle<f32>(m1, m1, 1, 0, 3, 2);
  const lo = f32x4.pmin(m1, sw), hi = f32x4.pmax(m1, sw);       // (lo01, lo01, lo23, lo23), (hi01, …)
  const lo2 = v128.shuffle<f32>(lo, lo, 2, 3, 0, 1);
  const a1: f64 = <f64>f32x4.extract_lane(f32x4.pmin(lo, lo2), 0);
  let ref = a1;
  if (wantSecond) {
    const hi2 = v128.shuffle<f32>(hi, hi, 2, 3, 0, 1);
    let sec = f32x4.pmin(f32x4.pmax(lo, lo2), f32x4.pmin(hi, hi2)); // second smallest of m1's lanes
    let s2 = f32x4.pmin(m2, v128.shuffle<f32>(m2, m2, 1, 0, 3, 2));
    s2 = f32x4.pmin(s2, v128.shuffle<f32>(s2, s2, 2, 3, 0, 1));
    sec = f32x4.pmin(sec, s2);
    ref = <f64>f32x4.extract_lane(sec, 0);
  }
  const thr = ref + slack;
  // a slack above 1e30 means ‖x̃‖·‖c̃‖ near the f32 range, where the tile could overflow
  if (!isFinite(thr) || !isFinite(a1) || slack > 1e30) {
    for (let j = 0; j < k; j++) consider(exactDist(xr, craw + <usize>j * rowBytes, d), j);
    return;
  }
  // round the threshold up to f32 and a little beyond
  let tf = <f32>thr;
  tf += abs(tf) * <f32>4.76837158203125e-7 + <f32>1e-37;
  const nHit = scanPanels(pm, np, f32x4.splat(tf), hits);
  if ((mode & 2) != 0 && nHit == 1) {
    const e = load<i32>(hits), j0 = (e >> 4) << 3;
    let bits = e & 15, count = 0, only = 0;
    while (bits != 0) {
      const j = j0 + ctz(bits);
      bits &= bits - 1;
      if (j < k && load<f32>(a + (<usize>j << 2)) <= tf) { count++; only = j; }
      if (j + 4 < k && load<f32>(a + (<usize>(j + 4) << 2)) <= tf) { count++; only = j + 4; }
    }
    if (count == 1) { gLabel = only; gBest = NaN; return; }
  }
  for (let h = 0; h < nHit; h++) {
    const e = load<i32>(hits + (<usize>h << 2));
    const j0 = (e >> 4) << 3;
    let bits = e & 15;
    while (bits != 0) {
      const j = j0 + ctz(bits);
      bits &= bits - 1;
      if (j < k && load<f32>(a + (<usize>j << 2)) <= tf) consider(exactDist(xr, craw + <usize>j * rowBytes, d), j);
      if (j + 4 < k && load<f32>(a + (<usize>(j + 4) << 2)) <= tf) consider(exactDist(xr, craw + <usize>(j + 4) * rowBytes, d), j + 4);
    }
  }
}

/**
 * Note the panels whose pair minima (pm [np] f32x4) have a lane ≤ tv: (p << 4) | lane bits, in
 * order, to hits [np] i32; returns how many. Its own small function so that V8 compiles it to a
 * tight loop (inlined, the threshold and spilled counters were recomputed and reloaded per step).
 */
function scanPanels(pm: usize, np: i32, tv: v128, hits: usize): i32 {
  let n = 0;
  for (let p = 0; p < np; p++) {
    const bits = i32x4.bitmask(f32x4.le(v128.load(pm + (<usize>p << 4)), tv));
    if (bits != 0) {
      store<i32>(hits + (<usize>n << 2), (p << 4) | bits);
      n++;
    }
  }
  return n;
}

/** a·b + c on f32x4: fused (relaxed SIMD) in the relaxed build, mul then add in the plain one. */
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Write the 8 scores v0 | v1 of one row of a tile at s and their pair minimum at pm. */
@inline
function storeRow(s: usize, pm: usize, v0: v128, v1: v128): void {
  v128.store(s, v0);
  v128.store(s, v1, 16);
  v128.store(pm, f32x4.pmin(v0, v1));
}

/**
 * Write ‖c̃‖² − 2·acc for the 4 × 8 accumulators of a tile: row q's scores at s + q·sBytes, its
 * pair minima at pm + q·pmBytes.
 */
@inline
function storeTile(s: usize, sBytes: usize, pm: usize, pmBytes: usize, cn: usize, a00: v128, a01: v128, a10: v128,
  a11: v128, a20: v128, a21: v128, a30: v128, a31: v128): void {
  const n0 = v128.load(cn), n1 = v128.load(cn, 16);
  storeRow(s, pm, f32x4.sub(n0, f32x4.add(a00, a00)), f32x4.sub(n1, f32x4.add(a01, a01)));
  storeRow(s + sBytes, pm + pmBytes, f32x4.sub(n0, f32x4.add(a10, a10)), f32x4.sub(n1, f32x4.add(a11, a11)));
  storeRow(s + 2 * sBytes, pm + 2 * pmBytes, f32x4.sub(n0, f32x4.add(a20, a20)), f32x4.sub(n1, f32x4.add(a21, a21)));
  storeRow(s + 3 * sBytes, pm + 3 * pmBytes, f32x4.sub(n0, f32x4.add(a30, a30)), f32x4.sub(n1, f32x4.add(a31, a31)));
}

/**
 * The register tile shared by assignBlock and potBlock: for one group of 4 interleaved shifted
 * rows at xg (groupBytes = 16·d) and every panel of 8 shifted centres, write the approximate
 * a_j = ‖c̃_j‖² − 2·x̃·c̃_j (f32) of row q to scratch + q·sBytes + 4j. 8 accumulators of 4 lanes.
 */
function tile4x8(xg: usize, groupBytes: usize, panels: usize, cn: usize, np: i32, scratch: usize, sBytes: usize,
  pm: usize): void {
  const pmBytes = <usize>np << 4;
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
    storeTile(scratch + so, sBytes, pm + (so >> 1), pmBytes, cn + so, a00, a01, a10, a11, a20, a21, a30, a31);
    so += 32;
  }
}

/**
 * tile4x8 on 4 rows read in place (p0 … p3, f32 [d] each) and shifted on the fly by mu [d]
 * (f32 x − mu, the same rounding as shiftRows): no interleaved copy of the rows is needed.
 */
function tile4x8rows(p0: usize, p1: usize, p2: usize, p3: usize, mu: usize, d: i32, panels: usize, cn: usize, np: i32,
  scratch: usize, sBytes: usize, pm: usize): void {
  const pmBytes = <usize>np << 4;
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
    storeTile(scratch + so, sBytes, pm + (so >> 1), pmBytes, cn + so, a00, a01, a10, a11, a20, a21, a30, a31);
    so += 32;
  }
}

/**
 * Nearest-centre assignment of a block of m rows.
 * xs: shifted rows in 4-row interleaved layout (shiftRows); xn [m] f64 their ‖x̃‖²;
 * raw [m × d] f32 the unshifted rows; panels: shifted centres, kp = 8·np of them (padding
 * centres are zero), laid out [np][d][8]; cn [kp] f32 their ‖c̃‖² (+∞ for padding); craw [k × d]
 * f32 raw centres; cmax ≥ max_j ‖c̃_j‖; scratch: the tile scratch of scratchHits.
 * Outputs: lab [m] i32, best [m] f64 and (when wantSecond) second [m] f64 exact squared distances.
 */
function assignBlock(xs: usize, xn: usize, raw: usize, m: i32, d: i32,
  panels: usize, cn: usize, np: i32, craw: usize, k: i32, cmax: f64,
  scratch: usize, lab: usize, best: usize, second: usize, wantSecond: i32): void {
  const kp = np << 3;
  const groupBytes = <usize>d << 4;      // 4 interleaved rows
  const sBytes = <usize>kp << 2, pm = scratch + (<usize>kp << 4), pmBytes = <usize>np << 4, hits = scratchHits(scratch, kp);
  const rowBytes = <usize>d << 2;
  const quad: f64 = 8 * U * cmax * cmax;
  const lin: f64 = 2 * (2 * <f64>d + 6) * U * cmax;
  const under: f64 = (<f64>d + 4) * 4.7e-38;
  const inflate: f64 = 1 + 2 * (<f64>d + 2) * U;
  for (let r = 0; r < m; r += 4) {
    tile4x8(xs + (<usize>(r >> 2)) * groupBytes, groupBytes, panels, cn, np, scratch, sBytes, pm);
    const qn = min(4, m - r);
    for (let q = 0; q < qn; q++) {
      const i = r + q;
      const x2 = load<f64>(xn + (<usize>i << 3));
      const X = sqrt(x2 * inflate);
      const slack = 2 * (quad + lin * X + under);
      finishRow(scratch + <usize>q * sBytes, pm + <usize>q * pmBytes, hits, np, k, slack, wantSecond != 0 ? 1 : 0,
        raw + <usize>i * rowBytes, craw, d);
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
const KIND_QUANT: i32 = 6;
const KIND_ASSIGN_Q: i32 = 7;
const KIND_ASSIGN_SUMS: i32 = 9;
const KIND_DIST64: i32 = 10;

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

/**
 * The tile scratch (for kp = 8·np padded centres, one per thread): scores [4][kp] f32 (16·kp
 * bytes), pair minima [4][np] f32x4 (8·kp), tileQ's 2·s_i [4] f32 (16), then finishRow's hits
 * [np] i32 (kp/2), which start here; potChunk's pending rows ([B] × 8 bytes) follow, 16-aligned.
 */
@inline
function scratchHits(scratch: usize, kp: i32): usize {
  return scratch + (<usize>kp << 4) + (<usize>kp << 3) + 16;
}

/** Run chunk c of the job at `job` on thread tid (0 = the calling thread). */
export function runChunk(job: usize, c: i32, tid: i32): void {
  const kind = <i32>slot(job, 0);
  if (kind == KIND_ASSIGN) assignChunk(job, c, tid);
  else if (kind == KIND_SUMS) sumsChunk(job, c);
  else if (kind == KIND_POT) potChunk(job, c, tid);
  else if (kind == KIND_DIST) distChunk(job, c, tid);
  else if (kind == KIND_LABELLED) labelledChunk(job, c);
  else if (kind == KIND_QUANT) quantChunk(job, c);
  else if (kind == KIND_ASSIGN_Q) assignQChunk(job, c, tid);
  else if (kind == KIND_ASSIGN_SUMS) assignSumsChunk(job, c, tid);
  else if (kind == KIND_DIST64) dist64Chunk(job, c, tid);
}

/**
 * Assignment and centroid sums in one pass (kind 9), for rows in order (slot 2 idx = 0): chunk c
 * covers the sums chunk of S = slot 24 rows (a multiple of B); it assigns them B at a time as
 * kind 7 does, then adds the B rows, just labelled and still in cache, to its partial sums
 * (slot 25, (k·d + k + 3) f64 per chunk: kind 2's sums and weight sums, then Σ w·best over the
 * chunk's rows in order, the number of rows whose label changed and Σ w·‖x − μ‖² from the image's
 * row norms; slot 26 weights, f64 or 0): the
 * same labels, distances and sums as kind 7 followed by kind 2, with the data read once instead of
 * twice. The label output (slot 19) holds the previous labels on entry (−1 = none). Slot 27 = 1:
 * labels only (finishRow mode bit 1): rows whose nearest centre the estimates settle get no exact
 * distance (best = NaN, and so the inertia partial).
 */
function assignSumsChunk(job: usize, c: i32, tid: i32): void {
  const total = <i32>slot(job, 3), d = <i32>slot(job, 4), B = <i32>slot(job, 5), k = <i32>slot(job, 14);
  const S = <i32>slot(job, 24), x = ptr(job, 1), lab = ptr(job, 19), best = ptr(job, 20), weights = ptr(job, 26);
  const stride = <usize>(k * d + k + 3), info = ptr(job, 7);
  const sums = ptr(job, 25) + ((<usize>c * stride) << 3);
  memory.fill(sums, 0, stride << 3);
  const end = min(total, (c + 1) * S);
  let inertia: f64 = 0, changed = 0, spread: f64 = 0;
  for (let start = c * S; start < end; start += B) {
    const m = min(B, end - start);
    gChanged = 0;
    assignQRows(job, start, m, tid);
    changed += gChanged;
    addRows(x, start, start + m, d, k, lab, weights, sums);
    for (let i = start; i < start + m; i++) {
      const v = load<f64>(best + (<usize>i << 3)), x2 = load<f64>(info + (<usize>i << 5), 24);
      const w: f64 = weights != 0 ? load<f64>(weights + (<usize>i << 3)) : 1;
      inertia += weights != 0 ? w * v : v;
      spread += weights != 0 ? w * x2 : x2;
    }
  }
  const tail = sums + ((stride - 3) << 3);
  store<f64>(tail, inertia);
  store<f64>(tail, <f64>changed, 8);
  store<f64>(tail, spread, 16);
}

/**
 * Scratch of thread tid for a chunk of B rows in d dims against kp padded centres:
 * raw [B × d] f32 (gathered rows) | xs [⌈B/4⌉·4 × d] f32 | xn [B] f64 | scores [4 × kp] f32 |
 * pair minima [4 × kp/8] f32x4 (the int16 jobs use only the last two).
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
  memory.fill(sums, 0, stride << 3);
  const start = c * B;
  addRows(x, start, min(n, start + B), d, k, labels, weights, sums);
}

/**
 * Add rows start … end − 1 of x (f32 [· × d]) with labels[i] ≥ 0 (i32, indexed by row) and
 * weights (f64 or 0 = ones) into sums [k × d] then wsum [k] (f64, at sums): each row in order,
 * in f64 — the TypeScript centroidSums' operations in its order.
 */
function addRows(x: usize, start: i32, end: i32, d: i32, k: i32, labels: usize, weights: usize, sums: usize): void {
  const wsum = sums + ((<usize>k * <usize>d) << 3);
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
 * 12 closest (f64 [n]), 13 weights (f64 [n] or 0), 14 partials (f64, 2m + 1 per chunk at
 * c·(2m + 1)), 15 scratch base, 16 scratch stride, 17 mode, 18 inPlace (1: read the rows in
 * place, shifting them by mu in the tile, with their ‖x − mu‖² given in 19 xn (f64 [n]); 0: shift
 * into scratch here), 20 mins (f64 [m × n] or 0), 21 flags (u8 [n]), 22 image (i16, 0 = none),
 * 23 info, 24 dp, 25 cs (cn = slot 7 = cs + 32·np), 26 R, 27 F, 28 Cn.
 * Mode 0 (potentials): the chunk's partials are C = Σ w·closest over its rows with a finite
 * closest, G_j = Σ w·(closest − d_j) over those rows with d_j < closest, D_j = Σ w·min(closest,
 * d_j) over the rows with a non-finite closest (rows in order, each sum in f64): Σ w·min(closest,
 * d_j) = (C − G_j) + D_j, which the JavaScript side adds in chunk order (the TypeScript kernel
 * computes the same sums). With mins, also min(closest_i, d_ij) (the closest array after choosing
 * candidate j) for the rows it flags 1; rows flagged 0 have min(closest_i, d_ij) = closest_i for
 * every j and are not written. Mode 1 (update, m = 1): closest = min(closest, d_0).
 * With an image the rows' estimates come from the int16 tile (tileQ, bound qBoundRow; panels and
 * cn then hold the quantised candidates) and slots 5, 18, 19 are not used.
 * d_j is the exact f64 Σ(x − c_j)² (exactDist), evaluated only where the estimate, less its
 * error bound, does not already show d_j ≥ closest (then min(closest, d_j) = closest).
 */
function potChunk(job: usize, c: i32, tid: i32): void {
  const x = ptr(job, 1), n = <i32>slot(job, 2), d = <i32>slot(job, 3), B = <i32>slot(job, 4);
  const start = c * B;
  const m = min(B, n - start);
  if (m <= 0) return;
  const np = <i32>slot(job, 8), kp = np << 3;
  const craw = ptr(job, 9), mc = <i32>slot(job, 10), cmax = slot(job, 11);
  const closest = ptr(job, 12), weights = ptr(job, 13), mode = <i32>slot(job, 17);
  const part = ptr(job, 14) + ((<usize>c * <usize>(2 * mc + 1)) << 3);
  const mins = ptr(job, 20), colBytes = <usize>n << 3, flags = ptr(job, 21);
  const rowBytes = <usize>d << 2;
  const raw0 = scratchRaw(ptr(job, 15), ptr(job, 16), tid);
  const xs0 = raw0 + align16(<usize>B * rowBytes);
  const xn0 = xs0 + align16(<usize>((B + 3) & ~3) * rowBytes);
  const scr = xn0 + align16(<usize>B << 3);
  const raw = x + <usize>start * rowBytes;
  const img = ptr(job, 22), info = ptr(job, 23), pairBytes = <usize>slot(job, 24) << 1;
  const R = slot(job, 26), F = slot(job, 27), Cn = slot(job, 28);
  // every slot read once, here: inside the loops V8 would redo each load and its f64 → u32 check
  const mu = ptr(job, 5), panels = ptr(job, 6), cn = ptr(job, 7), cs = ptr(job, 25);
  if (img != 0) qBoundSet(R, F, Cn, d, true);
  const inPlace = ptr(job, 18) != 0;
  const xs = xs0;
  let xn = xn0;
  if (img != 0) xn = 0;
  else if (inPlace) xn = ptr(job, 19) + (<usize>start << 3);
  else shiftRows(raw, m, d, mu, xs, xn);
  const groupBytes = <usize>d << 4, sBytes = <usize>kp << 2;
  // mode 0 partials of this chunk: C = Σ w·closest over rows with a finite closest, then G_j =
  // Σ w·(closest − d_j) over those rows where d_j < closest, then D_j = Σ w·min(closest, d_j) over
  // the other rows; the JavaScript side adds (C − G_j) + D_j in chunk order
  if (mode == 0) memory.fill(part, 0, <usize>(2 * mc + 1) << 3);
  let C: f64 = 0;
  const G = part + 8, D = part + 8 + (<usize>mc << 3);
  // pending rows of mode 0 (row offset, bits of the candidates to evaluate): after the tile scratch
  const pend = align16(scratchHits(scr, kp) + (<usize>kp >> 1));
  let nPend = 0;
  for (let r = 0; r < m; r += 4) {
    if (img != 0) {
      const last = start + m - 1, i0 = start + r, i1 = min(i0 + 1, last), i2 = min(i0 + 2, last), i3 = min(i0 + 3, last);
      tileQRows(img, info, pairBytes, i0, i1, i2, i3, panels, np, scr, cs);
    } else if (inPlace) {
      const last = m - 1; // rows past the end repeat the last one (their scores are not used)
      const p0 = raw + <usize>r * rowBytes, p1 = raw + <usize>min(r + 1, last) * rowBytes;
      const p2 = raw + <usize>min(r + 2, last) * rowBytes, p3 = raw + <usize>min(r + 3, last) * rowBytes;
      tile4x8rows(p0, p1, p2, p3, mu, d, panels, cn, np, scr, sBytes, scr + (<usize>kp << 4));
    } else {
      tile4x8(xs + (<usize>(r >> 2)) * groupBytes, groupBytes, panels, cn, np, scr, sBytes, scr + (<usize>kp << 4));
    }
    const qn = min(4, m - r);
    for (let q = 0; q < qn; q++) {
      const i = start + r + q;
      const inf = info + (<usize>i << 5);
      const x2 = img != 0 ? load<f64>(inf, 24) : load<f64>(xn + (<usize>(r + q) << 3));
      // |estimate − true d_j| ≤ bound (twice the proven bound: generous)
      const bound = img != 0 ? 2 * qBoundRow(inf) : 2 * estBound(x2, d, cmax);
      const cp = closest + (<usize>i << 3);
      const cl = load<f64>(cp);
      const clHi = cl + abs(cl) * 1e-12;
      const xr = raw + <usize>(r + q) * rowBytes;
      const sq = scr + <usize>q * sBytes;
      if (mode == 0) {
        const w: f64 = weights != 0 ? load<f64>(weights + (<usize>i << 3)) : 1.0;
        if (!isFinite(cl)) { // no screening: every d_j exactly, min(closest, d_j) into D_j
          for (let j = 0; j < mc; j++) {
            const e = exactDist(xr, craw + <usize>j * rowBytes, d);
            const v = e < cl ? e : cl;
            const pj = D + (<usize>j << 3);
            store<f64>(pj, load<f64>(pj) + w * v);
            if (mins != 0) store<f64>(mins + <usize>j * colBytes + (<usize>i << 3), v);
          }
          if (mins != 0) store<u8>(flags + <usize>i, 1);
          continue;
        }
        C += w * cl;
        if (mc <= 28) {
          // the candidates the estimate cannot rule out (est − bound ≥ clHi shows d_j ≥ closest),
          // first all at once: a_j ≥ T (rounded up to f32) rules out every j — the common case
          const T: f64 = clHi + bound - x2;
          if (isFinite(T)) {
            let tf = <f32>T;
            tf += abs(tf) * <f32>4.76837158203125e-7 + <f32>1e-37;
            const tv = f32x4.splat(tf);
            let low = 0;
            for (let o = 0; o < mc; o += 4) low |= i32x4.bitmask(f32x4.lt(v128.load(sq + (<usize>o << 2)), tv)) << o;
            if ((low & ((1 << mc) - 1)) == 0) {
              if (mins != 0) store<u8>(flags + <usize>i, 0); // mins not written: all equal closest
              continue;
            }
          }
          let need = 0;
          for (let j = 0; j < mc; j++) {
            const est: f64 = x2 + <f64>load<f32>(sq + (<usize>j << 2));
            if (!(est - bound >= clHi)) need |= 1 << j;
          }
          // settled after the chunk's tiles (below)
          store<i32>(pend + (<usize>nPend << 3), r + q);
          store<i32>(pend + (<usize>nPend << 3), need, 4);
          nPend++;
          continue;
        }
        for (let j = 0; j < mc; j++) {
          const est: f64 = x2 + <f64>load<f32>(sq + (<usize>j << 2));
          let v = cl;
          if (!(est - bound >= clHi)) {
            const e = exactDist(xr, craw + <usize>j * rowBytes, d);
            if (e < cl) {
              v = e;
              const pj = G + (<usize>j << 3);
              store<f64>(pj, load<f64>(pj) + w * (cl - e));
            }
          }
          if (mins != 0) store<f64>(mins + <usize>j * colBytes + (<usize>i << 3), v);
        }
        if (mins != 0) store<u8>(flags + <usize>i, 1);
      } else {
        const est: f64 = x2 + <f64>load<f32>(sq);
        if (!(est - bound >= clHi)) {
          const e = exactDist(xr, craw, d);
          if (e < cl) store<f64>(cp, e);
        }
      }
    }
  }
  // mode 0: the pending rows, in order: exact d_j for the candidates their estimates left open.
  // First a tight loop touching their cache lines, so that many rows' memory loads overlap
  // instead of each exact evaluation waiting for its row (the tile read the int16 image only).
  let t = 0;
  for (let h = 0; h < nPend; h++) {
    const xr = raw + <usize>load<i32>(pend + (<usize>h << 3)) * rowBytes;
    for (let o: usize = 0; o < rowBytes; o += 64) t |= load<i32>(xr + o);
    t |= load<i32>(xr + rowBytes - 4);
  }
  gSink |= t;
  for (let h = 0; h < nPend; h++) {
    const rq = load<i32>(pend + (<usize>h << 3));
    let need = load<i32>(pend + (<usize>h << 3), 4);
    const i = start + rq;
    const cl = load<f64>(closest + (<usize>i << 3));
    const w: f64 = weights != 0 ? load<f64>(weights + (<usize>i << 3)) : 1.0;
    const xr = raw + <usize>rq * rowBytes;
    if (mins != 0) {
      for (let j = 0; j < mc; j++) store<f64>(mins + <usize>j * colBytes + (<usize>i << 3), cl);
      store<u8>(flags + <usize>i, 1);
    }
    while (need != 0) {
      const j = ctz(need);
      need &= need - 1;
      const e = exactDist(xr, craw + <usize>j * rowBytes, d);
      if (e < cl) {
        const pj = G + (<usize>j << 3);
        store<f64>(pj, load<f64>(pj) + w * (cl - e));
        if (mins != 0) store<f64>(mins + <usize>j * colBytes + (<usize>i << 3), e);
      }
    }
  }
  if (mode == 0) store<f64>(part, C);
}

/** Where loads made only to bring memory into cache leave their bits (so they are not removed). */
let gSink: i32 = 0;

/** gSink (exported so that the touching loads count as used). */
export function sink(): i32 {
  return gSink;
}

/**
 * Fold nc chunk partials into out (f64 [len]): out[t] += part[c·stride + t] for c = 0 … nc − 1 in
 * order — each element's additions in chunk order, the same as a scalar loop over c then t.
 */
export function addPartials(out: usize, part: usize, nc: i32, stride: i32, len: i32): void {
  for (let c = 0; c < nc; c++) {
    const p = part + ((<usize>c * <usize>stride) << 3);
    let t = 0;
    for (; t + 2 <= len; t += 2) {
      const o = <usize>t << 3;
      v128.store(out + o, f64x2.add(v128.load(out + o), v128.load(p + o)));
    }
    if (t < len) store<f64>(out + (<usize>t << 3), load<f64>(out + (<usize>t << 3)) + load<f64>(p + (<usize>t << 3)));
  }
}

/**
 * Column means of m rows of x (f32 [n × d]) spread evenly over it, rows ⌊j·n/m⌋ for j = 0 … m − 1:
 * out (f64 [d]) = their sums (rows in order, f64) / m.
 */
export function sampleMean(x: usize, n: i32, d: i32, m: i32, out: usize): void {
  memory.fill(out, 0, <usize>d << 3);
  for (let j = 0; j < m; j++) {
    const i = <i32>floor(<f64>j * <f64>n / <f64>m);
    const xr = x + (<usize>i * <usize>d << 2);
    for (let t = 0; t < d; t++) {
      const o = out + (<usize>t << 3);
      store<f64>(o, load<f64>(o) + <f64>load<f32>(xr + (<usize>t << 2)));
    }
  }
  for (let t = 0; t < d; t++) {
    const o = out + (<usize>t << 3);
    store<f64>(o, load<f64>(o) / <f64>m);
  }
}

/**
 * Quantise k centres c (f32 [k × d]) against an int16 image with centre mu (f64 [d]) and level Q:
 * panels [⌈k/8⌉][dp/2][8][2] i16 of q_j (padding 0), cs [8·⌈k/8⌉] f32 scales s_j (padding 0), cn
 * [8·⌈k/8⌉] f32 ‖c_j − μ‖² (padding +∞), and at out (f64 [3]) the bound's maxima R = max ‖s_j q_j‖,
 * F = max ‖c̃_j − s_j q_j‖ and Cn = max ‖c̃_j‖² (NaN when a centre is not finite). s_j is
 * max_t |c_jt − μ_t| / Q rounded to f32 (0 outside [1e-9, 1e9]), q_jt = round((c_jt − μ_t)/s_j)
 * clamped to [−Q, Q]; every quantity is computed from the values actually stored, so the bound
 * holds whatever the rounding.
 */
export function quantCentres(c: usize, k: i32, d: i32, mu: usize, Q: f64, dp: i32, panels: usize, cs: usize,
  cn: usize, out: usize): void {
  const np = (k + 7) >> 3, kp = np << 3, half = dp >> 1;
  memory.fill(panels, 0, <usize>(kp * dp) << 1);
  for (let j = 0; j < kp; j++) {
    store<f32>(cs + (<usize>j << 2), 0);
    store<f32>(cn + (<usize>j << 2), Infinity);
  }
  let R: f64 = 0, F: f64 = 0, Cn: f64 = 0;
  for (let j = 0; j < k; j++) {
    const cr = c + (<usize>(j * d) << 2);
    let amax: f64 = 0, n2: f64 = 0;
    for (let t = 0; t < d; t++) {
      const v = <f64>load<f32>(cr + (<usize>t << 2)) - load<f64>(mu + (<usize>t << 3));
      amax = max(amax, abs(v));
      n2 += v * v;
    }
    const s: f32 = amax >= 1e-9 && amax <= 1e9 ? <f32>(amax / Q) : 0;
    const inv: f64 = s > 0 ? 1 / <f64>s : 0;
    let P: f64 = 0, E: f64 = 0;
    const base = panels + (<usize>(((j >> 3) * half * 8 + (j & 7)) * 2) << 1);
    for (let t = 0; t < d; t++) {
      const v = <f64>load<f32>(cr + (<usize>t << 2)) - load<f64>(mu + (<usize>t << 3));
      let y = floor(v * inv + 0.5);
      y = y == y ? min(Q, max(-Q, y)) : 0; // a NaN centre: q = 0 (its NaN norm sends the call elsewhere)
      store<i16>(base + (<usize>((t >> 1) * 16 + (t & 1)) << 1), <i16>(<i32>y));
      const sq = <f64>s * y;
      P += sq * sq;
      E += (v - sq) * (v - sq);
    }
    store<f32>(cs + (<usize>j << 2), s);
    store<f32>(cn + (<usize>j << 2), <f32>n2);
    R = max(R, sqrt(P));
    F = max(F, sqrt(E));
    Cn = max(Cn, n2);
  }
  store<f64>(out, R);
  store<f64>(out, F, 8);
  store<f64>(out, Cn, 16);
}

/** dst[i] = col[i] where flags[i] ≠ 0 (f64 [n] each, flags u8 [n]): the D² cache's update. */
export function mergeFlagged(dst: usize, col: usize, flags: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(dst + o, select<f64>(load<f64>(col + o), load<f64>(dst + o), load<u8>(flags + <usize>i) != 0));
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
    tile4x8(xs + (<usize>(r >> 2)) * groupBytes, groupBytes, ptr(job, 6), ptr(job, 7), np, scr, sBytes,
      scr + (<usize>kp << 4));
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
 * float64 distance block (kind 10), chunk c of B rows: shiftRows64 then sqdistBlock64 for rows
 * c·B … of a (raw f32 [m × d]), written to out + c·B·nb (f64 [m × nb]). Slots: 1 a, 2 m, 3 d, 4 B,
 * 5 mu (f64 [d]), 6 panels, 7 cn, 8 np, 9 nb, 10 out, 11 scratch base, 12 scratch stride (per
 * thread: xs [⌈B/4⌉·4 × d] f64 then xn [B] f64). Each row's distances are sqdistBlock64's for it
 * alone: the same bits on any number of threads.
 */
function dist64Chunk(job: usize, c: i32, tid: i32): void {
  const a = ptr(job, 1), m = <i32>slot(job, 2), d = <i32>slot(job, 3), B = <i32>slot(job, 4);
  const start = c * B, rows = min(B, m - start);
  if (rows <= 0) return;
  const nb = <i32>slot(job, 9);
  const xs = ptr(job, 11) + <usize>tid * ptr(job, 12), xn = xs + (<usize>((B + 3) & ~3) * <usize>d << 3);
  shiftRows64(a + (<usize>start * <usize>d << 2), rows, d, ptr(job, 5), xs, xn);
  sqdistBlock64(xs, xn, rows, d, ptr(job, 6), ptr(job, 7), <i32>slot(job, 8), nb, ptr(job, 10) + (<usize>start * <usize>nb << 3));
}

/**
 * Σ w_i·‖x_i − c_{l_i}‖² over chunk c (kind 5), rows with l_i < 0 skipped. Slots: 1 x (f32 [n × d]),
 * 2 n, 3 d, 4 labels (i32 [n]), 5 centres ([k × d], f64, or f32 when slot 10 is 1), 6 weights
 * (f64 [n] or 0), 7 B, 8 partials (f64 [chunks]), 9 out (f64 [n]: each row's squared distance, or
 * 0 = not wanted), 10 centres are f32, 11 thr (f64 [k] or 0), 12 miss (i32 [n]), 13 counts (i32
 * [chunks]): with thr, the rows whose squared distance is not below thr[l] are listed in order at
 * miss + 4·c·B and their number in counts[c]. Each row's sum is exactDist's (four running sums over
 * t mod 4, (s0 + s2) + (s1 + s3), then the tail in order), rows are added in order: the TypeScript
 * kernel's operations exactly.
 */
function labelledChunk(job: usize, c: i32): void {
  const x = ptr(job, 1), n = <i32>slot(job, 2), d = <i32>slot(job, 3), labels = ptr(job, 4);
  const centres = ptr(job, 5), weights = ptr(job, 6), B = <i32>slot(job, 7), out = ptr(job, 9);
  const c32 = <i32>slot(job, 10) != 0, thr = ptr(job, 11);
  const start = c * B, end = min(n, start + B);
  const rowBytes = <usize>d << 2;
  const miss = ptr(job, 12) + (<usize>start << 2);
  let total: f64 = 0, nm = 0;
  // two rows at a time: their sums are independent chains (one row's is latency-bound)
  for (let i = start; i < end; i += 2) {
    const la = load<i32>(labels + (<usize>i << 2));
    const lb = i + 1 < end ? load<i32>(labels + (<usize>(i + 1) << 2)) : -1;
    if (la < 0 && lb < 0) continue;
    const xa = x + <usize>(la >= 0 ? i : i + 1) * rowBytes, xb = x + <usize>(lb >= 0 ? i + 1 : i) * rowBytes;
    const ka = la >= 0 ? la : lb, kb = lb >= 0 ? lb : la;
    if (c32) exactDistPair(xa, centres + <usize>ka * rowBytes, xb, centres + <usize>kb * rowBytes, d, false);
    else exactDistPair(xa, centres + ((<usize>ka * <usize>d) << 3), xb, centres + ((<usize>kb * <usize>d) << 3), d, true);
    for (let q = 0; q < 2; q++) {
      const l = q == 0 ? la : lb;
      if (l < 0) continue;
      const r = i + q, s = q == 0 ? gPairA : gPairB;
      if (out != 0) store<f64>(out + (<usize>r << 3), s);
      if (thr != 0 && !(s < load<f64>(thr + (<usize>l << 3)))) { store<i32>(miss + (<usize>nm << 2), r); nm++; }
      total += weights != 0 ? load<f64>(weights + (<usize>r << 3)) * s : s;
    }
  }
  store<f64>(ptr(job, 8) + (<usize>c << 3), total);
  if (thr != 0) store<i32>(ptr(job, 13) + (<usize>c << 2), nm);
}

// Results of exactDistPair.
let gPairA: f64 = 0;
let gPairB: f64 = 0;

/**
 * exactDist of two rows xa, xb (f32 [d]) to centres ca, cb ([d], f32, or f64 with c64), each with
 * exactDist's order of sums; the results go to gPairA, gPairB.
 */
@inline
function exactDistPair(xa: usize, ca: usize, xb: usize, cb: usize, d: i32, c64: bool): void {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), b0 = f64x2.splat(0), b1 = f64x2.splat(0);
  let t = 0;
  for (; t + 4 <= d; t += 4) {
    const xv = v128.load(xa + (<usize>t << 2)), yv = v128.load(xb + (<usize>t << 2));
    const cl = centreLow(ca, t, c64), ch = centreHigh(ca, t, c64), el0 = centreLow(cb, t, c64), eh0 = centreHigh(cb, t, c64);
    const dl = f64x2.sub(f64x2.promote_low_f32x4(xv), cl);
    const dh = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(xv, xv, 2, 3, 0, 1)), ch);
    const el = f64x2.sub(f64x2.promote_low_f32x4(yv), el0);
    const eh = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(yv, yv, 2, 3, 0, 1)), eh0);
    a0 = f64x2.add(a0, f64x2.mul(dl, dl));
    a1 = f64x2.add(a1, f64x2.mul(dh, dh));
    b0 = f64x2.add(b0, f64x2.mul(el, el));
    b1 = f64x2.add(b1, f64x2.mul(eh, eh));
  }
  a0 = f64x2.add(a0, a1);
  b0 = f64x2.add(b0, b1);
  let sa = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  let sb = f64x2.extract_lane(b0, 0) + f64x2.extract_lane(b0, 1);
  for (; t < d; t++) {
    const v = <f64>load<f32>(xa + (<usize>t << 2)) - centreAt(ca, t, c64);
    const w = <f64>load<f32>(xb + (<usize>t << 2)) - centreAt(cb, t, c64);
    sa += v * v;
    sb += w * w;
  }
  gPairA = sa;
  gPairB = sb;
}

/** Centre values t, t + 1 as f64x2 (f32 centres promoted exactly). */
@inline
function centreLow(c: usize, t: i32, c64: bool): v128 {
  return c64 ? v128.load(c + (<usize>t << 3)) : f64x2.promote_low_f32x4(v128.load64_zero(c + (<usize>t << 2)));
}

/** Centre values t + 2, t + 3 as f64x2. */
@inline
function centreHigh(c: usize, t: i32, c64: bool): v128 {
  return c64 ? v128.load(c + (<usize>t << 3), 16) : f64x2.promote_low_f32x4(v128.load64_zero(c + (<usize>t << 2), 8));
}

/** Centre value t as f64. */
@inline
function centreAt(c: usize, t: i32, c64: bool): f64 {
  return c64 ? load<f64>(c + (<usize>t << 3)) : <f64>load<f32>(c + (<usize>t << 2));
}

// ---------------------------------------------------------------------------------------------
// Quantised screening (int16). For pinned rows the JavaScript side keeps an int16 image of the
// data centred on μ, a float32 centre near its mean (runtime.ts pinnedMean, rounded; exact as a
// real): x̃_i = x_i − μ ≈ s_i·q_i with s_i = max_t |x̃_it| / Q rounded to f32 and q_i ∈ [−Q, Q]^dp
// (dp = d rounded up to a multiple of 4, zero padded; Q ≤ √((2³¹ − 1)/dp), so no integer dot
// product can overflow). Centres are quantised the same way on every call. i32x4.dot_i16x8_s
// (pmaddwd: 8 multiply-adds per instruction, exact) then gives x̃·c̃_j ≈ s_i·s_j·(q_i·q_j) at twice
// the rate of the float32 tile. With e_i = x̃_i − s_i q_i and e_j = c̃_j − s_j q_j,
//   |x̃_i·c̃_j − s_i s_j q_i·q_j| ≤ ‖s_i q_i‖·‖e_j‖ + ‖e_i‖·‖s_j q_j‖ + ‖e_i‖·‖e_j‖,
// so bounds P_i ≥ ‖s_i q_i‖, E_i ≥ ‖e_i‖ of the row (quantChunk proves them without a residual
// pass) and the centres' maxima R = max ‖s_j q_j‖, F = max ‖e_j‖ (computed exactly per call) bound
// the estimate a_ij = ‖c̃_j‖² − 2 s_i s_j q_i·q_j (see qBoundSet); the exact stage is the float32
// path's (finishRow, exactDist on the raw values), so labels and distances are the same as there.
// Rows whose largest centred value lies outside [1e-9, 1e9] get s_i = 0: the whole row counts as
// error (E_i = ‖x̃_i‖), which keeps the bound true without f32 under- or overflow; a non-finite
// row has a non-finite bound and is evaluated exactly against every centre.

/**
 * Bound on |a_ij − (‖c̃_j‖² − 2·x̃_i·c̃_j)| for every centre of a call with maxima R, F and
 * Cn ≥ max ‖c̃_j‖²: the quantisation term above, 2(P·F + E·R + E·F), the f32 rounding of ‖c̃_j‖²,
 * of the conversion and of the two products (≤ 4u·Cn + 16u·P·R), and the float64 rounding of the
 * centring and of the norms (the 1e-9 factor and 1e-15·(x2 + Cn + 2·X·√Cn) ≤ 2e-15·(x2 + Cn)).
 * It is linear in the row's P, E and x2 = ‖x̃‖²: qBoundSet puts the call's coefficients in
 * module globals, qBoundRow evaluates it for the row image info at `inf` (f64: s, P, E, x2).
 * withRow adds the error of the row's computed x2 (needed where x2 + a_ij is compared with an
 * exact distance).
 */
@inline
function qBoundSet(R: f64, F: f64, Cn: f64, d: i32, withRow: bool): void {
  gqP = 2 * F * (1 + 1e-9) + 16 * U * R;
  gqE = 2 * (R + F) * (1 + 1e-9);
  gqX = 2e-15 + (withRow ? (<f64>d + 4) * 2.3e-16 : 0);
  gq0 = 4 * U * Cn + 2e-15 * Cn + 1e-300;
}

let gqP: f64 = 0;
let gqE: f64 = 0;
let gqX: f64 = 0;
let gq0: f64 = 0;

@inline
function qBoundRow(inf: usize): f64 {
  return gqP * load<f64>(inf, 8) + gqE * load<f64>(inf, 16) + gqX * load<f64>(inf, 24) + gq0;
}

/**
 * Quantise chunk c of the pinned rows (kind 6). Slots: 1 x (f32 [n × d]), 2 n, 3 d, 4 B, 5 mu
 * (f32 [d]: the centre μ, exact as a real), 6 Q, 7 dp, 8 image (i16 [n × dp], written), 9 info
 * (f64 [n × 4], written: s_i (an f32 value), P_i, E_i, x2_i = ‖x̃_i‖² (float64 sum)), 10 bad (i32
 * [chunks], written: the chunk's first row whose x2 is not finite, −1 for none; with μ finite that
 * is its first row holding a value that is not finite, as no square of a float32 overflows float64).
 * Pass 1 (float64, exact differences): amax = max_t |x_t − μ_t| and x2. Pass 2 (float32 SIMD):
 * q_t = nearest(fl(fl(x_t − μ_t)·fl(1/s))). Then |fl(x_t − μ_t)/s| ≤ Q(1 + 2.1u), the two products
 * move it by at most Q·(1 + 2.1u)·2.0001u ≤ 0.004 (Q ≤ 32767), so |x̃_t − s·q_t| ≤ 0.504·s +
 * u·|x̃_t| and, over the row, E_i = 0.504·s·√d + u·X_i (X_i = √x2_i) bounds ‖x̃_i − s_i q_i‖ and
 * P_i = X_i + E_i bounds ‖s_i q_i‖: no residual pass is needed. A row with s = 0 (largest value
 * outside [1e-9, 1e9] or NaN) has q = 0, P = 0 and E = X (a NaN E for a NaN row).
 */
function quantChunk(job: usize, c: i32): void {
  const x = ptr(job, 1), n = <i32>slot(job, 2), d = <i32>slot(job, 3), B = <i32>slot(job, 4);
  const mu = ptr(job, 5), Q: f64 = slot(job, 6), dp = <i32>slot(job, 7), img = ptr(job, 8), info = ptr(job, 9);
  const start = c * B, end = min(n, start + B);
  let bad = -1;
  const rowBytes = <usize>d << 2;
  const d4 = d & ~3;
  const sqrtD = sqrt(<f64>d);
  for (let i = start; i < end; i++) {
    const xr = x + <usize>i * rowBytes, qr = img + ((<usize>i * <usize>dp) << 1);
    // pass 1: largest |x − μ| and ‖x − μ‖², four columns per step (pmax drops a NaN, but a NaN row
    // still gets a NaN x2, hence a NaN E and a bound that is not finite)
    let am = f64x2.splat(0), sv = f64x2.splat(0), am2 = f64x2.splat(0), sv2 = f64x2.splat(0);
    let t = 0;
    for (; t < d4; t += 4) {
      const o = <usize>t << 2;
      const xv = v128.load(xr + o), mv = v128.load(mu + o);
      const v = f64x2.sub(f64x2.promote_low_f32x4(xv), f64x2.promote_low_f32x4(mv));
      const w = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(xv, xv, 2, 3, 0, 1)),
        f64x2.promote_low_f32x4(v128.shuffle<f32>(mv, mv, 2, 3, 0, 1)));
      am = f64x2.pmax(am, f64x2.abs(v));
      am2 = f64x2.pmax(am2, f64x2.abs(w));
      sv = f64x2.add(sv, f64x2.mul(v, v));
      sv2 = f64x2.add(sv2, f64x2.mul(w, w));
    }
    am = f64x2.pmax(am, am2);
    sv = f64x2.add(sv, sv2);
    let amax = max(f64x2.extract_lane(am, 0), f64x2.extract_lane(am, 1));
    let x2 = f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
    for (; t < d; t++) {
      const v = <f64>load<f32>(xr + (<usize>t << 2)) - <f64>load<f32>(mu + (<usize>t << 2));
      amax = max(amax, abs(v));
      x2 += v * v;
    }
    if (bad < 0 && !(x2 - x2 == 0)) bad = i;
    const X = sqrt(x2);
    let s: f32 = 0;
    if (amax >= 1e-9 && amax <= 1e9) s = <f32>(amax / Q);
    const o = info + (<usize>i << 5);
    if (s == 0) {
      memory.fill(qr, 0, <usize>dp << 1);
      store<f64>(o, 0); store<f64>(o, 0, 8); store<f64>(o, X * (1 + 1e-15), 16); store<f64>(o, x2, 24);
      continue;
    }
    // pass 2: float32, four columns per step
    const inv = f32x4.splat(<f32>1 / s);
    for (t = 0; t < d4; t += 4) {
      const y = f32x4.mul(f32x4.sub(v128.load(xr + (<usize>t << 2)), v128.load(mu + (<usize>t << 2))), inv);
      const qi = i32x4.trunc_sat_f32x4_s(f32x4.nearest(y));
      v128.store64_lane(qr + (<usize>t << 1), i16x8.narrow_i32x4_s(qi, qi), 0);
    }
    const invs: f32 = <f32>1 / s;
    for (; t < d; t++) {
      const y: f32 = (load<f32>(xr + (<usize>t << 2)) - load<f32>(mu + (<usize>t << 2))) * invs;
      store<i16>(qr + (<usize>t << 1), <i16>(<i32>nearest(y)));
    }
    for (; t < dp; t++) store<i16>(qr + (<usize>t << 1), 0);
    const E = 0.504 * <f64>s * sqrtD + 1.2e-7 * X;
    store<f64>(o, <f64>s); store<f64>(o, X + E, 8); store<f64>(o, E, 16); store<f64>(o, x2, 24);
  }
  store<i32>(ptr(job, 10) + (<usize>c << 2), bad);
}

/**
 * The int16 register tile: 4 image rows (p0 … p3, i16 [dp] each, pairBytes = 2·dp, dp a multiple
 * of 4) × every panel of 8 quantised centres ([np][dp/2][8][2] i16), exact i32 dot products
 * (4 columns per loop step), then the scores a_j = ‖c̃_j‖² − (f32(q·q_j)·s_j)·(2 s_i) as f32.
 * cc: the centres' scales cs [8·np] f32 (padding 0) then cn [8·np] f32 ‖c̃_j‖² (padding +∞).
 * scratch (sBytes = 32·np): scores [4][8·np] f32 (row q at scratch + q·sBytes), pair minima
 * [4][np] f32x4 at scratch + 4·sBytes (storeRow), and, read here, the rows' 2·s_i [4] f32 at
 * scratch + 6·sBytes. Few arguments and its own function: V8 keeps the 8 accumulators in registers.
 */
function tileQ(p0: usize, p1: usize, p2: usize, p3: usize, pairBytes: usize, panels: usize, np: i32,
  scratch: usize, cc: usize): void {
  const sBytes = <usize>np << 5, pmBytes = <usize>np << 4;
  let pc = panels;
  let so: usize = 0;
  for (let p = 0; p < np; p++) {
    let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a10 = i32x4.splat(0), a11 = i32x4.splat(0);
    let a20 = i32x4.splat(0), a21 = i32x4.splat(0), a30 = i32x4.splat(0), a31 = i32x4.splat(0);
    for (let o: usize = 0; o < pairBytes; o += 4) {
      const c0 = v128.load(pc), c1 = v128.load(pc, 16);
      const b0 = v128.load32_splat(p0 + o);
      a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b0, c0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b0, c1));
      const b1 = v128.load32_splat(p1 + o);
      a10 = i32x4.add(a10, i32x4.dot_i16x8_s(b1, c0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(b1, c1));
      const b2 = v128.load32_splat(p2 + o);
      a20 = i32x4.add(a20, i32x4.dot_i16x8_s(b2, c0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(b2, c1));
      const b3 = v128.load32_splat(p3 + o);
      a30 = i32x4.add(a30, i32x4.dot_i16x8_s(b3, c0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(b3, c1));
      pc += 32;
    }
    const o = scratch + so, m = scratch + 4 * sBytes + (so >> 1), tq = scratch + 6 * sBytes;
    const s0 = v128.load(cc + so), s1 = v128.load(cc + so, 16);
    const n0 = v128.load(cc + sBytes + so), n1 = v128.load(cc + sBytes + so, 16);
    let t = v128.load32_splat(tq);
    storeRow(o, m, f32x4.sub(n0, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(a00), s0), t)),
      f32x4.sub(n1, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(a01), s1), t)));
    t = v128.load32_splat(tq, 4);
    storeRow(o + sBytes, m + pmBytes, f32x4.sub(n0, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(a10), s0), t)),
      f32x4.sub(n1, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(a11), s1), t)));
    t = v128.load32_splat(tq, 8);
    storeRow(o + 2 * sBytes, m + 2 * pmBytes, f32x4.sub(n0, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(a20), s0), t)),
      f32x4.sub(n1, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(a21), s1), t)));
    t = v128.load32_splat(tq, 12);
    storeRow(o + 3 * sBytes, m + 3 * pmBytes, f32x4.sub(n0, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(a30), s0), t)),
      f32x4.sub(n1, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(a31), s1), t)));
    so += 32;
  }
}

/** Run tileQ on image rows i0 … i3 (their 2·s_i from info go to the scratch first). */
@inline
function tileQRows(img: usize, info: usize, pairBytes: usize, i0: i32, i1: i32, i2: i32, i3: i32, panels: usize,
  np: i32, scratch: usize, cc: usize): void {
  const tq = scratch + (<usize>np << 5) * 6;
  store<f32>(tq, twoScale(info, i0)); store<f32>(tq, twoScale(info, i1), 4);
  store<f32>(tq, twoScale(info, i2), 8); store<f32>(tq, twoScale(info, i3), 12);
  tileQ(img + <usize>i0 * pairBytes, img + <usize>i1 * pairBytes, img + <usize>i2 * pairBytes,
    img + <usize>i3 * pairBytes, pairBytes, panels, np, scratch, cc);
}

/** Row index at position pos of a job: idx[pos] when there is an index list, else pos. */
@inline
function rowAt(idx: usize, pos: i32): i32 {
  return idx != 0 ? load<i32>(idx + (<usize>pos << 2)) : pos;
}

/** 2·s_i (exact) from the row image info at `info` for row i. */
@inline
function twoScale(info: usize, i: i32): f32 {
  return <f32>(2 * load<f64>(info + (<usize>i << 5)));
}

/**
 * Assignment on the int16 image (kind 7): assignChunk's contract with the quantised tile.
 * Slots: 1 x (raw f32 [n × d], for the exact stage), 2 idx (i32 rows, 0 = rows in order),
 * 3 total, 4 d, 5 B, 6 image, 7 info, 8 dp, 9 panels, 10 cs, 11 cn (= cs + 32·np), 12 np, 13 craw (f32 [k × d]),
 * 14 k, 15 R, 16 F, 17 Cn, 18 wantSecond, 19 lab, 20 best, 21 second (outputs by position),
 * 22 scratch base, 23 scratch stride (the tile scratch of scratchHits), 24–26 kind 9's, 27 labels
 * only (0 for kind 7).
 */
function assignQChunk(job: usize, c: i32, tid: i32): void {
  const B = <i32>slot(job, 5), start = c * B;
  assignQRows(job, start, min(B, <i32>slot(job, 3) - start), tid);
}

/** assignQChunk's work on positions start … start + m − 1 (a multiple-of-4 start). */
function assignQRows(job: usize, start: i32, m: i32, tid: i32): void {
  if (m <= 0) return;
  const x = ptr(job, 1), idx = ptr(job, 2), d = <i32>slot(job, 4);
  const img = ptr(job, 6), info = ptr(job, 7), dp = <i32>slot(job, 8);
  const panels = ptr(job, 9), cs = ptr(job, 10), np = <i32>slot(job, 12);
  const craw = ptr(job, 13), k = <i32>slot(job, 14);
  const R = slot(job, 15), F = slot(job, 16), Cn = slot(job, 17), want = <i32>slot(job, 18) != 0;
  const mode = (want ? 1 : 0) | (<i32>slot(job, 27) != 0 ? 2 : 0); // slot 27: label only (kind 9)
  const lab = ptr(job, 19), best = ptr(job, 20), second = ptr(job, 21);
  const scr = scratchRaw(ptr(job, 22), ptr(job, 23), tid);
  const sBytes = <usize>(np << 3) << 2, pairBytes = <usize>dp << 1, rowBytes = <usize>d << 2;
  const pm = scr + (<usize>(np << 3) << 4), pmBytes = <usize>np << 4, hits = scratchHits(scr, np << 3);
  qBoundSet(R, F, Cn, d, false);
  const last = start + m - 1; // rows past the end repeat the last one (their scores are not used)
  // every row's exact stage reads its raw row, which the tile did not: rows listed by idx are
  // scattered, so touch them first in a tight loop (their loads overlap) and the exact stage finds
  // them in cache (rows in order stream well without it: measured slower with it)
  if (idx != 0) {
    let t = 0;
    for (let r = 0; r < m; r++) {
      const xr = x + <usize>load<i32>(idx + (<usize>(start + r) << 2)) * rowBytes;
      for (let o: usize = 0; o < rowBytes; o += 64) t |= load<i32>(xr + o);
      t |= load<i32>(xr + rowBytes - 4);
    }
    gSink |= t;
  }
  for (let r = 0; r < m; r += 4) {
    const pos = start + r;
    const i0 = rowAt(idx, pos), i1 = rowAt(idx, min(pos + 1, last));
    const i2 = rowAt(idx, min(pos + 2, last)), i3 = rowAt(idx, min(pos + 3, last));
    tileQRows(img, info, pairBytes, i0, i1, i2, i3, panels, np, scr, cs);
    const qn = min(4, m - r);
    for (let q = 0; q < qn; q++) {
      const i = q == 0 ? i0 : q == 1 ? i1 : q == 2 ? i2 : i3;
      const slack = 2 * qBoundRow(info + (<usize>i << 5));
      finishRow(scr + <usize>q * sBytes, pm + <usize>q * pmBytes, hits, np, k, slack, mode, x + <usize>i * rowBytes, craw, d);
      const o = pos + q, lp = lab + (<usize>o << 2);
      gChanged += <i32>(load<i32>(lp) != gLabel);
      store<i32>(lp, gLabel);
      store<f64>(best + (<usize>o << 3), gBest);
      if (want) store<f64>(second + (<usize>o << 3), gSecond);
    }
  }
}
