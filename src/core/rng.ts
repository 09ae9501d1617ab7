/**
 * The one seeded pseudo-random generator behind every random choice in clusterkit:
 * PCG32 (O'Neill 2014, "PCG XSH RR 64/32", the `pcg32_random_r` reference), on 64-bit
 * state held in BigInt-free 32-bit halves so it runs identically on every JS engine.
 *
 * Same seed and stream → same sequence on every machine. `fork(i)` derives an independent
 * stream for restart i or worker i, so results never depend on scheduling.
 */
export interface Rng {
  /** Next 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform integer in [0, n). n must be in [1, 2^32]. Unbiased (rejection sampling). */
  int(n: number): number;
  /** Standard normal variate (Box–Muller, both values used). */
  normal(): number;
  /** An independent generator for sub-task `stream` (restart, worker, chunk). */
  fork(stream: number): Rng;
}

// 64-bit arithmetic on (hi, lo) uint32 pairs.
const MUL_HI = 0x5851f42d;
const MUL_LO = 0x4c957f2d; // 6364136223846793005

function mul64(ahi: number, alo: number, bhi: number, blo: number): [number, number] {
  // (ahi·2^32 + alo)(bhi·2^32 + blo) mod 2^64
  const a0 = alo & 0xffff, a1 = alo >>> 16, b0 = blo & 0xffff, b1 = blo >>> 16;
  let lo = a0 * b0;
  let mid = a1 * b0 + (lo >>> 16);
  let mid2 = a0 * b1 + (mid & 0xffff);
  const loOut = ((mid2 & 0xffff) << 16 | (lo & 0xffff)) >>> 0;
  let carry = (mid >>> 16) + (mid2 >>> 16) + a1 * b1;
  const hiOut = (carry + Math.imul(ahi, blo) + Math.imul(alo, bhi)) >>> 0;
  return [hiOut, loOut];
}

function add64(ahi: number, alo: number, bhi: number, blo: number): [number, number] {
  const lo = (alo + blo) >>> 0;
  const c = lo < alo ? 1 : 0;
  return [(ahi + bhi + c) >>> 0, lo];
}

class Pcg32 implements Rng {
  private hi = 0;
  private lo = 0;
  private incHi: number;
  private incLo: number;
  private spare = NaN;
  constructor(private readonly seed: number, private readonly stream: number) {
    // inc = (stream << 1) | 1 ; stream and seed are taken as 53-bit integers split in halves.
    const sHi = Math.floor(stream / 0x100000000) >>> 0, sLo = stream >>> 0;
    this.incHi = ((sHi << 1) | (sLo >>> 31)) >>> 0;
    this.incLo = ((sLo << 1) | 1) >>> 0;
    this.nextU32();
    const seedHi = Math.floor(seed / 0x100000000) >>> 0, seedLo = seed >>> 0;
    [this.hi, this.lo] = add64(this.hi, this.lo, seedHi, seedLo);
    this.nextU32();
  }
  nextU32(): number {
    const oldHi = this.hi, oldLo = this.lo;
    [this.hi, this.lo] = add64(...mul64(oldHi, oldLo, MUL_HI, MUL_LO), this.incHi, this.incLo);
    // xorshifted = ((old >> 18) ^ old) >> 27 ; rot = old >> 59
    const xHi = (oldHi >>> 18) ^ oldHi;
    const xLo = ((oldLo >>> 18) | (oldHi << 14)) ^ oldLo;
    const xs = ((xLo >>> 27) | (xHi << 5)) >>> 0;
    const rot = oldHi >>> 27;
    return ((xs >>> rot) | (xs << ((-rot) & 31))) >>> 0;
  }
  next(): number {
    const a = this.nextU32() >>> 5, b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
  int(n: number): number {
    if (n <= 1) return 0;
    const limit = 0x100000000 - (0x100000000 % n);
    let r: number;
    do r = this.nextU32(); while (r >= limit);
    return r % n;
  }
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  fork(stream: number): Rng {
    // A child seeded from this generator's seed and a distinct stream id; independent of how
    // many numbers the parent has drawn, so forks are stable under code changes elsewhere.
    return new Pcg32(this.seed ^ 0x9e3779b9, (this.stream * 1000003 + stream + 1) % 0x20000000000000);
  }
}

/**
 * Create the seeded generator. `seed` is a non-negative integer up to 2^53 (default 0).
 * Reference check: PCG32 with seed 42 and stream 54 gives 0xa15c02b7, 0x7b47f409, … as in
 * the PCG reference implementation (`pcg32-demo`), tested in test/core/rng.test.ts.
 */
export function createRng(seed = 0, stream = 54): Rng {
  return new Pcg32(seed, stream);
}
