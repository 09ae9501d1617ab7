/**
 * WebAssembly SIMD128 path of the kernel layer (source: assembly/kernels.ts, AssemblyScript,
 * embedded as base64 by scripts/build.mjs in ./wasm-module.ts). Loaded synchronously on first
 * use with `new WebAssembly.Module` + `new WebAssembly.Instance`: no fs, no fetch, so it runs the
 * same in Node and in a browser bundle; ./runtime.ts owns the module, its memory and the worker
 * pool. `assignNearestWasm`, `centroidSumsWasm`, `candidatePotentialsWasm` and
 * `updateClosestWasm` run as parallel jobs (chunks of rows whose boundaries depend only on n and
 * d, partial sums added in chunk order: the same result for any number of threads), and so does
 * `sqDistBlockWasm` (row chunks, each row's distances its own). Rows pinned with `pinRows` are used in place;
 * other rows are copied in per call, in pieces that fit the memory limit.
 *
 * Numerics of `assignNearestWasm` (see assembly/kernels.ts for the bounds): candidate centres
 * are ranked with int16 dot products on the pinned rows' int16 image (d ≤ QUANT_MAX_D) or with
 * float32 SIMD dot products over data shifted by the centres' mean, and every centre that the
 * screening's proven error could put first (or second) is re-evaluated exactly as Σ(x − c)² in
 * float64. Labels are therefore those of the exact argmin (ties → lowest index), and the
 * reported distances are exact float64 sums, whichever screening ran; they may differ from the
 * TypeScript kernel's only where two centres are within float64 rounding of each other.
 */
import {
  alloc, f32, f64, getRuntime, i32, kernelThreads, memoryHeadroom, pinnedCentring, pinnedImage, pinnedMean, pinnedPtr,
  release, runJob, runtimeInfo, type KernelInfo, type Runtime,
} from './runtime.js';

/** The runtime when the WebAssembly kernels are loaded, else null. */
function load(): Runtime | null {
  return getRuntime();
}

/** True when the WebAssembly SIMD kernels loaded (WebAssembly with SIMD128 present). */
export function wasmKernelsAvailable(): boolean {
  return load() !== null;
}

/** Which implementation the dispatching kernels use: see `setKernelBackend`. */
export type KernelBackend = 'wasm' | 'ts' | 'auto';

function envBackend(): KernelBackend {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.['CLUSTERKIT_KERNELS'];
  return v === 'wasm' || v === 'ts' ? v : 'auto';
}

let backend: KernelBackend = envBackend();

/**
 * Choose the kernel implementation: 'auto' (default) uses WebAssembly SIMD when it is available
 * and the call is large enough to gain from it, 'wasm' uses it whenever available, 'ts' always
 * uses the TypeScript kernels. In Node the environment variable CLUSTERKIT_KERNELS=wasm|ts sets
 * the initial value. Returns the previous setting.
 */
export function setKernelBackend(b: KernelBackend): KernelBackend {
  const prev = backend;
  backend = b;
  return prev;
}

/**
 * What the kernel layer runs on here: backend ('wasm' when the WebAssembly kernels are loaded and
 * the backend setting is not 'ts'), SIMD128, relaxed SIMD, threads used by parallel kernels (the
 * calling thread included) and whether the memory is shared.
 */
export function kernelInfo(): KernelInfo {
  const r = runtimeInfo();
  return { backend: r.simd && backend !== 'ts' ? 'wasm' : 'ts', ...r };
}

/** The current kernel backend setting. */
export function getKernelBackend(): KernelBackend {
  return backend;
}

/**
 * 'auto' keeps the TypeScript kernel when rows × centres × d < WASM_MIN_WORK or centres × d <
 * WASM_MIN_KD: there the per-call packing and the per-row exact re-evaluation cost more than
 * the SIMD saves (measured crossover on Node 20, x86-64: e.g. n = 1000, d = k = 2 runs 0.8×).
 */
const WASM_MIN_WORK = 2000;
const WASM_MIN_KD = 6;

/** Whether a dispatching kernel takes the WebAssembly path for `rows` rows against k centres in d dims. */
export function useWasm(rows: number, k: number, d: number): boolean {
  if (backend === 'ts') return false;
  if (backend === 'auto' && (rows * k * d < WASM_MIN_WORK || k * d < WASM_MIN_KD)) return false;
  return load() !== null;
}

/**
 * Rows per chunk of the parallel jobs for d columns: the raw and shifted copies of a chunk stay
 * within 128 KB each (a multiple of 4, 4 … 1024). The TypeScript kernels use the same chunks, so
 * the two backends add partial sums in the same order.
 */
export function chunkRows(d: number): number {
  return Math.max(4, Math.min(1024, Math.floor(32768 / Math.max(1, d)))) & ~3;
}

/**
 * Rows per chunk of `centroidSums`: larger than chunkRows, since every chunk zeroes and hands back
 * a k × d partial (a multiple of chunkRows(d), so pieces of data stay whole chunks).
 */
export function sumsChunkRows(d: number): number {
  return chunkRows(d) * Math.max(1, Math.floor(8192 / chunkRows(d)));
}

const align16 = (b: number): number => (b + 15) & ~15;

/** Blocks taken from module memory for one call, given back together by `free`. */
class Scope {
  private readonly blocks: Array<[number, number]> = [];
  ok = true;
  constructor(private readonly rt: Runtime) {}
  take(bytes: number): number {
    const p = alloc(this.rt, bytes);
    if (p < 0) { this.ok = false; return 0; }
    this.blocks.push([p, bytes]);
    return p;
  }
  free(): void {
    for (let i = this.blocks.length - 1; i >= 0; i--) release(this.rt, this.blocks[i]![0], this.blocks[i]![1]);
    this.blocks.length = 0;
  }
}

/** Write a job record: kind then the slots in order (f64, see assembly/kernels.ts). */
function writeJob(rt: Runtime, ptr: number, slots: number[]): void {
  f64(rt, ptr, slots.length).set(slots);
}

/** Bytes of the register tiles' scratch for kp padded centres (see assembly scratchHits). */
function tileScratch(kp: number): number {
  return align16(24 * kp + 16 + kp / 2);
}

/** Per-thread scratch for chunks of B rows × d against kp padded centres (see assembly scratchRaw). */
function scratchStride(B: number, d: number, kp: number): number {
  return align16(4 * B * d) + align16(4 * ((B + 3) & ~3) * d) + align16(8 * B) + tileScratch(kp) + 8 * B;
}

/**
 * Rows per piece for a call over n rows: all of them (rounded up to a multiple of `unit`) when
 * the rows are in module memory already, else a multiple of `unit` whose copy and per-row
 * buffers (`bytesPerRow`) fit in min(64 MB, half the memory headroom), at least `unit`.
 */
function pieceRows(rt: Runtime, n: number, unit: number, bytesPerRow: number, inMemory: boolean): number {
  const all = Math.ceil(n / unit) * unit;
  if (inMemory) return all;
  const fit = Math.floor(Math.min(64 * 2 ** 20, memoryHeadroom(rt) / 2) / bytesPerRow / unit) * unit;
  return Math.min(all, Math.max(unit, fit));
}

/**
 * The rows of x a call works on, in module memory: the pinned copy when x is pinned (one visit),
 * else pieces of `rows` rows copied in one after another. `visit(ptr, start, m)` gets the
 * pointer of row 0 as if all rows were there (so ptr + 4·start·d is row `start`).
 */
function forRows(rt: Runtime, S: Scope, x: Float32Array, n: number, d: number, rows: number,
  visit: (ptr: number, start: number, rows: number) => void): boolean {
  const pinned = pinnedPtr(rt, x);
  if (pinned >= 0) { visit(pinned, 0, n); return true; }
  const p = S.take(4 * Math.min(rows, n) * d);
  if (!S.ok) return false;
  for (let start = 0; start < n; start += rows) {
    const m = Math.min(rows, n - start);
    f32(rt, p, m * d).set(x.subarray(start * d, (start + m) * d));
    visit(p - 4 * start * d, start, m);
  }
  return true;
}

/** Largest shifted-centre norm the float32 path accepts (beyond it float32 squares overflow). */
const CMAX_LIMIT = 1e15;

/**
 * Pack k centres for the f32 tile: panels [np][d][8] of c − μ (μ = the centres' mean rounded to
 * f32), their norms (padding +∞), the raw copy. Returns null when the centres are too large for
 * float32 (the caller falls back to TypeScript).
 */
function packPanels(rt: Runtime, S: Scope, c: Float32Array, k: number, d: number, shift?: Float32Array):
  { pMu: number; pPanels: number; pCn: number; pCraw: number; np: number; cmax: number } | null {
  let mu32 = shift;
  if (!mu32) {
    const mu = new Float64Array(d);
    for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) mu[t]! += c[j * d + t]!;
    mu32 = new Float32Array(d);
    for (let t = 0; t < d; t++) mu32[t] = mu[t]! / k;
  }
  const np = Math.ceil(k / 8), kp = np * 8;
  const pMu = S.take(4 * d), pPanels = S.take(4 * kp * d), pCn = S.take(4 * kp), pCraw = S.take(4 * k * d);
  if (!S.ok) return null;
  f32(rt, pMu, d).set(mu32);
  const panels = f32(rt, pPanels, kp * d), cn = f32(rt, pCn, kp);
  panels.fill(0);
  let cmax2 = 0;
  for (let j = 0; j < kp; j++) {
    if (j >= k) { cn[j] = Infinity; continue; }
    const base = (j >> 3) * d * 8 + (j & 7);
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = Math.fround(c[j * d + t]! - mu32[t]!);
      panels[base + t * 8] = v;
      s += v * v;
    }
    cn[j] = s;
    if (s > cmax2 || s !== s) cmax2 = s; // a NaN sticks
  }
  const cmax = Math.sqrt(cmax2) * (1 + 1e-6);
  if (!(cmax <= CMAX_LIMIT)) return null;
  f32(rt, pCraw, k * d).set(c.subarray(0, k * d));
  return { pMu, pPanels, pCn, pCraw, np, cmax };
}

// ---------------------------------------------------------------------------------------------
// Quantised screening: an int16 image of pinned rows (assembly/kernels.ts, "Quantised screening",
// has the layout and the error bound). The image is made once per pin, on first use, by a
// parallel job; assignment and the D² kernels then screen with the int16 tile (twice the
// multiply-add rate of the float32 tile) and settle every candidate exactly, as before.

/** Widest rows that get an int16 image: Q shrinks as 1/√d, so the bound (and re-evaluations) grow. */
export const QUANT_MAX_D = 256;

function envQuant(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.['CLUSTERKIT_QUANT'] !== '0';
}

let quantOn = envQuant();

/**
 * Turn the int16 screening of pinned rows on (default; CLUSTERKIT_QUANT=0 starts it off) or off.
 * Results are the same either way (every candidate is settled in float64); only the speed
 * differs. Returns the previous setting.
 */
export function setQuantScreening(on: boolean): boolean {
  const prev = quantOn;
  quantOn = on;
  return prev;
}

/** Jobs screened on an int16 image so far (for tests and the bench: which path ran). */
let quantJobs = 0;

/** How many assignment and D² jobs have run on the int16 screening. */
export function quantJobCount(): number {
  return quantJobs;
}

/** The int16 image of pinned rows x: rows [n × dp] i16 at img, info [n × 4] f64 at info. */
interface QuantImage { img: number; info: number; mu: Float64Array; Q: number; dp: number; bad: number; nc: number }

/** Largest |q| for dp columns: dp·Q² < 2³¹ keeps every int16 dot product inside int32. */
function quantLevels(dp: number): number {
  return Math.min(32767, Math.floor(Math.sqrt((2 ** 31 - 1) / dp)));
}

/**
 * The int16 image of pinned rows x [n × d], made on first use and kept with the pin (job kind 6:
 * x − μ with μ = pinnedMean, per-row scale, norms, and per chunk of chunkRows(d) rows the first row
 * with a value that is not finite); null when screening is off, d is above QUANT_MAX_D, x is not
 * pinned or there is no room (n·(2·dp + 32) bytes + 4 per chunk).
 */
function pinnedQuant(rt: Runtime, x: Float32Array, n: number, d: number): QuantImage | null {
  if (!quantOn || d > QUANT_MAX_D || n < 1) return null;
  const dp = (d + 3) & ~3, Q = quantLevels(dp), B = chunkRows(d), nc = Math.ceil(n / B);
  const imgBytes = align16(2 * n * dp), bytes = imgBytes + 32 * n + 4 * nc;
  const m64 = pinnedMean(rt, x, n, d);
  if (!m64) return null;
  const mu32 = Float32Array.from(m64), mu = Float64Array.from(mu32); // the centre, exact in float32
  const ptr = pinnedImage(rt, x, n, d, (rows) => {
    if (bytes > memoryHeadroom(rt) / 2) return null;
    const p = alloc(rt, bytes);
    if (p < 0) return null;
    const S = new Scope(rt);
    try {
      const pMu = S.take(4 * d), pJob = S.take(8 * 16);
      if (!S.ok) { release(rt, p, bytes); return null; }
      f32(rt, pMu, d).set(mu32);
      writeJob(rt, pJob, [6, rows, n, d, B, pMu, Q, dp, p, p + imgBytes, p + imgBytes + 32 * n]);
      runJob(rt, pJob, nc, 4 * n * d);
    } finally {
      S.free();
    }
    return [p, bytes];
  });
  return ptr === null ? null : { img: ptr, info: ptr + imgBytes, mu, Q, dp, bad: ptr + imgBytes + 32 * n, nc };
}

/**
 * The first row of x [n × d] holding a value that is not finite (−1: none), read from the int16
 * image of pinned rows (made now if it is not yet: the fit that follows uses it), whose float64
 * ‖x_i − μ‖² is not finite exactly for such rows when μ is finite. null when there is no image;
 * the caller then scans the values (and must when μ itself is not finite: the row found has
 * nothing wrong then).
 */
export function firstNonFiniteRowWasm(x: Float32Array, n: number, d: number): number | null {
  const rt = load();
  if (!rt) return null;
  const qi = pinnedQuant(rt, x, n, d);
  if (!qi) return null;
  const bad = i32(rt, qi.bad, qi.nc);
  for (let c = 0; c < qi.nc; c++) if (bad[c]! >= 0) return bad[c]!;
  return -1;
}

/**
 * Quantise k centres c [k × d] against an image (quantCentres in assembly/kernels.ts): panels
 * [np][dp/2][8][2] i16 of q_j, scales cs [8·np] f32 (padding 0) followed by cn [8·np] f32 ‖c − μ‖²
 * (padding +∞), the raw copy, and the maxima R, F, Cn of the bound. null when a centre is not
 * finite or too large for the f32 epilogue (the caller takes the float32 path, which has its own
 * fallback).
 */
function packQuant(rt: Runtime, S: Scope, c: Float32Array, k: number, d: number, qi: QuantImage):
  { pPanels: number; pCs: number; pCn: number; pCraw: number; np: number; R: number; F: number; Cn: number } | null {
  const { mu, Q, dp } = qi;
  const np = Math.ceil(k / 8), kp = np * 8;
  const pPanels = S.take(2 * kp * dp), pCs = S.take(8 * kp), pCn = pCs + 4 * kp, pCraw = S.take(4 * k * d);
  const pMu = S.take(8 * d), pOut = S.take(24);
  if (!S.ok) return null;
  f32(rt, pCraw, k * d).set(c.subarray(0, k * d));
  f64(rt, pMu, d).set(mu);
  rt.K.quantCentres(pCraw, k, d, pMu, Q, dp, pPanels, pCs, pCn, pOut);
  const o = f64(rt, pOut, 3), R = o[0]!, F = o[1]!, Cn = o[2]!;
  if (!(Cn <= 1e30)) return null; // NaN, ±∞ or too large for the f32 epilogue
  return { pPanels, pCs, pCn, pCraw, np, R, F, Cn };
}

/**
 * centroidSums' inputs and outputs when assignQuant also sums the rows by their new labels, with
 * the step's inertia Σ w·dist2 (per sums chunk, chunks in order) and the number of changed labels.
 */
interface FusedSums {
  weights: Float32Array | Float64Array | null; sums: Float64Array; wsum: Float64Array; inertia: number; changed: number;
  /** No distances wanted: rows the estimates settle get none (inertia NaN). */
  labelOnly: boolean;
  /** Out: the image's centre μ [d] and Σ w_i‖x_i − μ‖² (its float64 row norms). */
  mu: Float64Array | null; spread: number;
}

/**
 * assignNearestWasm on the int16 image (job kind 7), or with `fused` also centroidSums with the
 * new labels (kind 9, rows in order only); false when it does not apply.
 */
function assignQuant(rt: Runtime, x: Float32Array, n: number, d: number, c: Float32Array, k: number,
  labels: Int32Array, dist2: Float32Array | Float64Array, second: Float32Array | Float64Array | null | undefined,
  idx: Int32Array | null | undefined, total: number, fused: FusedSums | null = null): boolean {
  const qi = pinnedQuant(rt, x, n, d);
  if (!qi || (fused && idx)) return false;
  const S = new Scope(rt);
  try {
    const P = packQuant(rt, S, c, k, d, qi);
    if (!P) return false;
    const B = chunkRows(d), stride = tileScratch(P.np * 8), want = second ? 1 : 0;
    const pScratch = S.take(stride * kernelThreads()), pJob = S.take(8 * 32);
    const pIdx = idx ? S.take(4 * total) : 0;
    const pLab = S.take(4 * total), pBest = S.take(8 * total), pSec = S.take(want ? 8 * total : 8);
    // fused: the sums chunks of centroidSums (sumsChunkRows rows, a multiple of B), partials alike
    const SB = sumsChunkRows(d), ks = k * d + k + 3, nsc = Math.ceil(total / SB);
    const pPart = fused ? S.take(8 * ks * nsc) : 0, pAcc = fused ? S.take(8 * ks) : 0, pW = fused?.weights ? S.take(8 * total) : 0;
    if (!S.ok) return false;
    if (idx) i32(rt, pIdx, total).set(idx.subarray(0, total));
    if (pW) f64(rt, pW, total).set(fused!.weights!.subarray(0, total));
    if (fused) i32(rt, pLab, total).set(labels.subarray(0, total)); // kind 9 counts the labels it changes
    writeJob(rt, pJob, [fused ? 9 : 7, pinnedPtr(rt, x), pIdx, total, d, B, qi.img, qi.info, qi.dp, P.pPanels, P.pCs,
      P.pCn, P.np, P.pCraw, k, P.R, P.F, P.Cn, want, pLab, pBest, pSec, pScratch, stride, SB, pPart, pW, fused?.labelOnly ? 1 : 0]);
    runJob(rt, pJob, fused ? nsc : Math.ceil(total / B), total * k * d);
    quantJobs++;
    if (fused) {
      const acc = f64(rt, pAcc, ks);
      acc.fill(0);
      rt.K.addPartials(pAcc, pPart, nsc, ks, ks); // sums, weight sums, inertia, changed: chunk order
      sumsOut(rt, pAcc, k, d, fused.sums, fused.wsum);
      fused.inertia = acc[ks - 3]!;
      fused.changed = acc[ks - 2]!;
      fused.spread = acc[ks - 1]!;
      fused.mu = qi.mu;
    }
    const lab = i32(rt, pLab, total), best = f64(rt, pBest, total), sec = want ? f64(rt, pSec, total) : null;
    if (idx) {
      for (let r = 0; r < total; r++) {
        const i = idx[r]!;
        labels[i] = lab[r]!;
        dist2[i] = best[r]!;
        if (second) second[i] = sec![r]!;
      }
    } else {
      labels.set(lab);
      if (!fused?.labelOnly) dist2.set(best);
      if (second) second.set(sec!);
    }
    return true;
  } finally {
    S.free();
  }
}

/**
 * `assignNearest` followed by `centroidSums` with the new labels, in one pass over the data (the
 * int16 screening of pinned rows only): the same labels, distances, sums and weight sums to the
 * bit, with the inertia and changed count of `assignNearestAndSums` (dense.ts). labels holds the
 * previous labels on entry; dist2 null: labels only (rows the estimates settle get no exact
 * distance, inertia NaN). `ref`: the image's centre μ and Σ w_i‖x_i − μ‖², summed by the step. Returns null (writing nothing) when that path does not apply; the
 * caller then makes the two calls.
 */
export function assignSumsWasm(x: Float32Array, n: number, d: number, c: Float32Array, k: number, labels: Int32Array,
  dist2: Float32Array | Float64Array | null, weights: Float32Array | Float64Array | null, sums: Float64Array,
  wsum: Float64Array): { inertia: number; changed: number; ref: { mu: Float64Array; x2: number } | null } | null {
  const rt = load();
  if (!rt || k < 1 || d < 1 || n === 0) return null;
  const fused: FusedSums = { weights, sums, wsum, inertia: 0, changed: 0, labelOnly: dist2 === null, mu: null, spread: 0 };
  if (!assignQuant(rt, x, n, d, c, k, labels, dist2 ?? new Float64Array(0), null, null, n, fused)) return null;
  return { inertia: dist2 ? fused.inertia : NaN, changed: fused.changed, ref: { mu: fused.mu!.slice(), x2: fused.spread } };
}

/**
 * `assignNearest` on the WebAssembly SIMD path, run as a parallel job; same contract as
 * `assignNearestTs` in dense.ts. Returns false (writing nothing) when the path is unavailable or
 * unsuitable: no SIMD, k < 1, centres too large for float32, or no memory; the caller then runs
 * the TypeScript kernel.
 */
export function assignNearestWasm(x: Float32Array, n: number, d: number, c: Float32Array, k: number,
  labels: Int32Array, dist2: Float32Array | Float64Array, second?: Float32Array | Float64Array | null,
  idx?: Int32Array | null, count?: number): boolean {
  const rt = load();
  if (!rt || k < 1 || d < 1) return false;
  const total = idx ? (count ?? idx.length) : n;
  if (total === 0) return true;
  if (assignQuant(rt, x, n, d, c, k, labels, dist2, second, idx, total)) return true;
  const S = new Scope(rt);
  try {
    const P = packPanels(rt, S, c, k, d);
    if (!P) return false;
    const B = chunkRows(d), kp = P.np * 8;
    const threads = kernelThreads();
    const stride = scratchStride(B, d, kp);
    const pScratch = S.take(stride * threads), pJob = S.take(8 * 32);
    if (!S.ok) return false;
    const want = second ? 1 : 0;
    const pinned = pinnedPtr(rt, x);
    // outputs by position for one piece of at most `cap` positions
    const run = (xPtr: number, idxPtr: number, m: number, pLab: number, pBest: number, pSec: number): void => {
      writeJob(rt, pJob, [1, xPtr, idxPtr, m, d, B, P.pMu, P.pPanels, P.pCn, P.np, P.pCraw, k, P.cmax, want,
        pLab, pBest, pSec, pScratch, stride]);
      runJob(rt, pJob, Math.ceil(m / B), m * k * d);
    };
    if (idx && pinned >= 0) {
      const pIdx = S.take(4 * total), pLab = S.take(4 * total), pBest = S.take(8 * total), pSec = S.take(want ? 8 * total : 8);
      if (!S.ok) return false;
      i32(rt, pIdx, total).set(idx.subarray(0, total));
      run(pinned, pIdx, total, pLab, pBest, pSec);
      const lab = i32(rt, pLab, total), best = f64(rt, pBest, total), sec = want ? f64(rt, pSec, total) : null;
      for (let r = 0; r < total; r++) {
        const i = idx[r]!;
        labels[i] = lab[r]!;
        dist2[i] = best[r]!;
        if (second) second[i] = sec![r]!;
      }
      return true;
    }
    if (idx) {
      // gather the listed rows into pieces, then assign each piece in order
      const cap = pieceRows(rt, total, B, 4 * d + 24, false);
      const pRows = S.take(4 * cap * d), pLab = S.take(4 * cap), pBest = S.take(8 * cap), pSec = S.take(want ? 8 * cap : 8);
      if (!S.ok) return false;
      for (let start = 0; start < total; start += cap) {
        const m = Math.min(cap, total - start);
        const rows = f32(rt, pRows, m * d);
        for (let r = 0; r < m; r++) {
          const i = idx[start + r]!;
          if (d >= 16) rows.set(x.subarray(i * d, i * d + d), r * d);
          else for (let t = 0; t < d; t++) rows[r * d + t] = x[i * d + t]!;
        }
        run(pRows, 0, m, pLab, pBest, pSec);
        const lab = i32(rt, pLab, m), best = f64(rt, pBest, m), sec = want ? f64(rt, pSec, m) : null;
        for (let r = 0; r < m; r++) {
          const i = idx[start + r]!;
          labels[i] = lab[r]!;
          dist2[i] = best[r]!;
          if (second) second[i] = sec![r]!;
        }
      }
      return true;
    }
    const cap = pieceRows(rt, n, B, 4 * d + 24, pinned >= 0);
    const pLab = S.take(4 * cap), pBest = S.take(8 * cap), pSec = S.take(want ? 8 * cap : 8);
    if (!S.ok) return false;
    const ok = forRows(rt, S, x, n, d, cap, (ptr, start, m) => {
      run(ptr + 4 * start * d, 0, m, pLab, pBest, pSec);
      labels.set(i32(rt, pLab, m), start);
      dist2.set(f64(rt, pBest, m), start);
      if (second) second.set(f64(rt, pSec, m), start);
    });
    return ok;
  } finally {
    S.free();
  }
}

/**
 * `centroidSums` as a parallel job: per chunk of `sumsChunkRows(d)` rows, f64 partial sums; the
 * partials are added in chunk order, exactly as the TypeScript kernel does, so the result is
 * bitwise the same. Returns false when the path is unavailable.
 */
export function centroidSumsWasm(x: Float32Array, n: number, d: number, labels: Int32Array,
  weights: Float32Array | Float64Array | null, k: number, sums: Float64Array, wsum: Float64Array): boolean {
  const rt = load();
  if (!rt || k < 1 || d < 1) return false;
  sums.fill(0, 0, k * d);
  wsum.fill(0, 0, k);
  if (n === 0) return true;
  const S = new Scope(rt);
  try {
    const B = sumsChunkRows(d), stride = k * d + k;
    const pinned = pinnedPtr(rt, x);
    const cap = pieceRows(rt, n, B, 4 * d + 12 + (8 * stride) / B, pinned >= 0);
    const pieceChunks = Math.ceil(Math.min(cap, n) / B);
    const pLab = S.take(4 * Math.min(cap, n)), pW = weights ? S.take(8 * Math.min(cap, n)) : 0;
    const pPart = S.take(8 * stride * pieceChunks), pAcc = S.take(8 * stride), pJob = S.take(8 * 32);
    if (!S.ok) return false;
    f64(rt, pAcc, stride).fill(0);
    const ok = forRows(rt, S, x, n, d, cap, (ptr, start, m) => {
      i32(rt, pLab, m).set(labels.subarray(start, start + m));
      if (weights) f64(rt, pW, m).set(weights.subarray(start, start + m));
      writeJob(rt, pJob, [2, ptr + 4 * start * d, m, d, k, pLab, pW, B, pPart]);
      const nc = Math.ceil(m / B);
      runJob(rt, pJob, nc, m * d * 4);
      rt.K.addPartials(pAcc, pPart, nc, stride, stride);
    });
    if (ok) sumsOut(rt, pAcc, k, d, sums, wsum);
    return ok;
  } finally {
    S.free();
  }
}

/**
 * Copy the folded partials at pAcc ([k × d] sums then [k] weight sums, f64; see addPartials in
 * assembly/kernels.ts, which adds chunk partials in chunk order, the order every backend uses, so
 * the bits agree) out to sums and wsum.
 */
function sumsOut(rt: Runtime, pAcc: number, k: number, d: number, sums: Float64Array, wsum: Float64Array): void {
  sums.set(f64(rt, pAcc, k * d));
  wsum.set(f64(rt, pAcc + 8 * k * d, k));
}

/**
 * `labelledSqDist` as a parallel job: per chunk of `chunkRows(d)` rows a partial sum, added in
 * chunk order (the TypeScript kernel's order, bitwise); with `out`, each row's squared distance;
 * with `beyond`, the rows whose squared distance is not below thr[label] (`labelledBeyond`).
 * Returns null when the path is unavailable.
 */
export function labelledSqDistWasm(x: Float32Array, n: number, d: number, labels: Int32Array,
  centres: Float64Array | Float32Array, k: number, weights: Float32Array | Float64Array | null,
  out: Float64Array | null = null, beyond: { thr: Float64Array; idx: Int32Array; count: number } | null = null): number | null {
  const rt = load();
  if (!rt || k < 1 || d < 1) return null;
  if (n === 0) return 0;
  const S = new Scope(rt);
  try {
    const B = chunkRows(d);
    const pinned = pinnedPtr(rt, x);
    const cap = pieceRows(rt, n, B, 4 * d + 12 + (out ? 8 : 0) + (beyond ? 4 : 0), pinned >= 0);
    const rows = Math.min(cap, n), nc0 = Math.ceil(rows / B);
    const c32 = centres instanceof Float32Array;
    const pLab = S.take(4 * rows), pW = weights ? S.take(8 * rows) : 0, pC = S.take((c32 ? 4 : 8) * k * d);
    const pOut = out ? S.take(8 * rows) : 0;
    const pThr = beyond ? S.take(8 * k) : 0, pMiss = beyond ? S.take(4 * rows) : 0, pCnt = beyond ? S.take(4 * nc0) : 0;
    const pPart = S.take(8 * nc0), pJob = S.take(8 * 32);
    if (!S.ok) return null;
    if (c32) f32(rt, pC, k * d).set(centres.subarray(0, k * d));
    else f64(rt, pC, k * d).set(centres.subarray(0, k * d));
    if (beyond) { f64(rt, pThr, k).set(beyond.thr.subarray(0, k)); beyond.count = 0; }
    let total = 0;
    const ok = forRows(rt, S, x, n, d, cap, (ptr, start, m) => {
      i32(rt, pLab, m).set(labels.subarray(start, start + m));
      if (weights) f64(rt, pW, m).set(weights.subarray(start, start + m));
      // rows with a label < 0 are not written by the job: they keep the caller's values
      if (out) f64(rt, pOut, m).set(out.subarray(start, start + m));
      writeJob(rt, pJob, [5, ptr + 4 * start * d, m, d, pLab, pC, pW, B, pPart, pOut, c32 ? 1 : 0, pThr, pMiss, pCnt]);
      const nc = Math.ceil(m / B);
      runJob(rt, pJob, nc, m * d * 2);
      const part = f64(rt, pPart, nc);
      for (let c = 0; c < nc; c++) total += part[c]!;
      if (out) out.set(f64(rt, pOut, m), start);
      if (beyond) {
        const cnt = i32(rt, pCnt, nc), miss = i32(rt, pMiss, m);
        for (let c = 0; c < nc; c++) {
          for (let r = 0; r < cnt[c]!; r++) beyond.idx[beyond.count++] = start + miss[c * B + r]!;
        }
      }
    });
    return ok ? total : null;
  } finally {
    S.free();
  }
}

/** Module memory left by the last pinned potentials call (see d2Wasm), or null. */
let d2Cache: {
  rt: Runtime; x: Float32Array; n: number; d: number; m: number; cand: Float32Array; closest: Float64Array;
  ptr: number; bytes: number;
} | null = null;

function dropD2Cache(): void {
  if (d2Cache) { release(d2Cache.rt, d2Cache.ptr, d2Cache.bytes); d2Cache = null; }
}

/**
 * updateClosest from the last potentials call when it is the same data and closest array, the
 * centre is one of its candidates and closest has not changed since: copy that candidate's
 * updated array (bitwise what the update computes). Returns false when the cache does not apply.
 */
function fromD2Cache(rt: Runtime, x: Float32Array, n: number, d: number, c: Float32Array, closest: Float64Array): boolean {
  const C = d2Cache;
  if (!C || C.rt !== rt || C.x !== x || C.n !== n || C.d !== d || C.closest !== closest) return false;
  let j = -1;
  for (let t = 0; t < C.m && j < 0; t++) {
    let same = true;
    for (let u = 0; u < d && same; u++) same = Object.is(C.cand[t * d + u], c[u]);
    if (same) j = t;
  }
  if (j < 0) return false;
  if (!sameBytes(f64(rt, C.ptr, n), closest)) return false;
  // rows flagged 0 keep their value; the others take candidate j's (merged in module memory)
  rt.K.mergeFlagged(C.ptr, C.ptr + 8 * n * (1 + j), C.ptr + 8 * n * (C.m + 1), n);
  closest.set(f64(rt, C.ptr, n));
  dropD2Cache();
  return true;
}

type BufferLike = { from(b: ArrayBufferLike, offset: number, length: number): { equals(other: unknown): boolean } };

/** Whether two float64 arrays hold the same bytes (memcmp through Node's Buffer, else a loop). */
function sameBytes(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const Buf = (globalThis as { Buffer?: BufferLike }).Buffer;
  if (Buf) return Buf.from(a.buffer, a.byteOffset, a.byteLength).equals(Buf.from(b.buffer, b.byteOffset, b.byteLength));
  const u = new Int32Array(a.buffer, a.byteOffset, 2 * a.length), v = new Int32Array(b.buffer, b.byteOffset, 2 * b.length);
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
  return true;
}

/**
 * The D² kernels of k-means++ as parallel jobs: mode 'potentials' writes pot[j] =
 * Σ_i w_i·min(closest[i], d_ij) for the m candidates (partials per chunk, added in chunk order);
 * mode 'update' (m = 1) lowers closest[i] to d_i0. d_ij is the exact float64 Σ(x − c)² (the
 * TypeScript `exactSqDist` order), computed only where the float32 estimate cannot rule it out.
 * Returns false when the path is unavailable.
 */
export function d2Wasm(mode: 'potentials' | 'update', x: Float32Array, n: number, d: number, cand: Float32Array,
  m: number, closest: Float64Array, weights: Float32Array | Float64Array | null, pot: Float64Array | null,
  mins: Float64Array | null = null): boolean {
  const rt = load();
  if (!rt || m < 1 || d < 1) return false;
  if (mode === 'update' && fromD2Cache(rt, x, n, d, cand, closest)) return true;
  dropD2Cache();
  if (pot) pot.fill(0, 0, m);
  if (n === 0) return true;
  const S = new Scope(rt);
  try {
    // pinned rows: screened on their int16 image, or read in place and shifted in the float32
    // tile by their mean (norms computed once per pin)
    const qi = pinnedQuant(rt, x, n, d);
    const PQ = qi ? packQuant(rt, S, cand, m, d, qi) : null;
    const sh = PQ ? null : pinnedCentring(rt, x, n, d);
    const P = PQ ? { pMu: 0, pPanels: PQ.pPanels, pCn: PQ.pCn, pCraw: PQ.pCraw, np: PQ.np, cmax: 0 }
      : packPanels(rt, S, cand, m, d, sh?.mu);
    if (!P) return false;
    const quantSlots = PQ ? [qi!.img, qi!.info, qi!.dp, PQ.pCs, PQ.R, PQ.F, PQ.Cn] : [0];
    if (PQ) quantJobs++;
    const B = chunkRows(d), kp = P.np * 8;
    const threads = kernelThreads();
    const stride = scratchStride(B, d, kp);
    const pinned = pinnedPtr(rt, x);
    const cap = pieceRows(rt, n, B, 4 * d + 16, pinned >= 0);
    const rows = Math.min(cap, n);
    const pScratch = S.take(stride * threads), pJob = S.take(8 * 32);
    // pinned potentials without a `mins` output: keep the input closest and every candidate's
    // updated closest array in module memory for the updateClosest call that usually follows
    const keepBytes = 8 * n * (m + 1) + n;
    const keep = mode === 'potentials' && !mins && pinned >= 0 ? alloc(rt, keepBytes) : -1;
    const pCl = keep >= 0 ? keep : S.take(8 * rows), pW = weights && mode === 'potentials' ? S.take(8 * rows) : 0;
    const pPart = S.take(8 * (2 * m + 1) * Math.ceil(rows / B));
    const pMins = keep >= 0 ? keep + 8 * n : mins && mode === 'potentials' ? S.take(8 * m * rows) : 0;
    const pFlags = keep >= 0 ? keep + 8 * n * (m + 1) : pMins ? S.take(rows) : 0;
    if (!S.ok) { if (keep >= 0) release(rt, keep, keepBytes); return false; }
    if (keep >= 0) d2Cache = { rt, x, n, d, m, cand: cand.slice(0, m * d), closest, ptr: keep, bytes: keepBytes };
    return forRows(rt, S, x, n, d, cap, (ptr, start, len) => {
      const cl = f64(rt, pCl, len);
      cl.set(closest.subarray(start, start + len));
      if (pW) f64(rt, pW, len).set(weights!.subarray(start, start + len));
      writeJob(rt, pJob, [3, ptr + 4 * start * d, len, d, B, sh ? sh.pMu : P.pMu, P.pPanels, P.pCn, P.np, P.pCraw, m, P.cmax,
        pCl, pW, pPart, pScratch, stride, mode === 'potentials' ? 0 : 1, sh ? 1 : 0, sh ? sh.xn : 0, pMins, pFlags,
        ...quantSlots]);
      const nc = Math.ceil(len / B);
      runJob(rt, pJob, nc, len * m * d);
      if (mode === 'update') closest.set(f64(rt, pCl, len), start);
      else {
        if (mins) {
          // rows flagged 0 were not written: there every candidate leaves closest as it was
          const fl = new Uint8Array(rt.memory.buffer, pFlags, len), cl0 = f64(rt, pCl, len);
          for (let j = 0; j < m; j++) {
            const col = f64(rt, pMins + 8 * j * len, len), o = j * n + start;
            for (let i = 0; i < len; i++) mins[o + i] = fl[i] ? col[i]! : cl0[i]!;
          }
        }
        // chunk c's partials: C, G [m], D [m] (see assembly potChunk): its sum is (C − G_j) + D_j
        const w = 2 * m + 1, part = f64(rt, pPart, w * nc);
        for (let c = 0; c < nc; c++) {
          const C = part[c * w]!;
          for (let j = 0; j < m; j++) pot![j]! += (C - part[c * w + 1 + j]!) + part[c * w + 1 + m + j]!;
        }
      }
    });
  } finally {
    S.free();
  }
}

/**
 * Screening distances on the pool (float32 register tile): out [mq × nb] (float64) estimates of
 * ‖q_r − b_j‖² and tol [mq] a bound on |estimate − exact| for each row r (see assembly distChunk).
 * Returns false when the path is unavailable (no SIMD, values too large for float32, no memory).
 */
export function sqDistBlockApproxWasm(q: Float32Array, mq: number, b: Float32Array, nb: number, d: number,
  out: Float64Array, tol: Float64Array): boolean {
  const rt = load();
  if (!rt || nb < 1 || d < 1 || mq < 1) return false;
  const S = new Scope(rt);
  try {
    const P = packPanels(rt, S, b, nb, d);
    if (!P) return false;
    const kp = P.np * 8;
    const B = Math.max(4, Math.min(chunkRows(d), (Math.ceil(mq / 16) + 3) & ~3));
    const threads = kernelThreads();
    const stride = scratchStride(B, d, kp);
    const pQ = S.take(4 * mq * d), pOut = S.take(8 * mq * nb), pTol = S.take(8 * mq);
    const pScratch = S.take(stride * threads), pJob = S.take(8 * 32);
    if (!S.ok) return false;
    f32(rt, pQ, mq * d).set(q.subarray(0, mq * d));
    writeJob(rt, pJob, [4, pQ, mq, d, B, P.pMu, P.pPanels, P.pCn, P.np, nb, P.cmax, pOut, pTol, pScratch, stride]);
    runJob(rt, pJob, Math.ceil(mq / B), mq * nb * d);
    out.set(f64(rt, pOut, mq * nb));
    tol.set(f64(rt, pTol, mq));
    return true;
  } finally {
    S.free();
  }
}

/** Largest output piece (bytes) of one sqDistBlock job. */
const DIST_PIECE_BYTES = 32 * 2 ** 20;

/** Rows per chunk of sqDistBlockWasm: its f64 output block within 256 KB, its row copies within ~200 KB. */
function distBlockRows(nb: number, d: number): number {
  return Math.max(4, Math.min(1024, Math.floor(32768 / Math.max(1, nb)), Math.floor(16384 / Math.max(1, d)))) & ~3;
}

/**
 * `sqDistBlock` on the WebAssembly path, float64 SIMD (2 lanes), on the calling thread: rows of a
 * [na × d] against the nb centres already shifted and packed by dense.ts (cb [nb × d] = b − μ,
 * cn [nb] = ‖b − μ‖², μ [d], all float64). Every dot product is summed over t in order, exactly as
 * the TypeScript kernel does, so out [na × nb] is bitwise the TypeScript result. Returns false
 * when the path is unavailable.
 */
export function sqDistBlockWasm(a: Float32Array, na: number, d: number, cb: Float64Array, cn: Float64Array,
  mu: Float64Array, nb: number, out: Float32Array | Float64Array): boolean {
  const rt = load();
  if (!rt || nb < 1 || d < 1) return false;
  if (na === 0) return true;
  const np = Math.ceil(nb / 4), nbp = np * 4;
  const B = distBlockRows(nb, d), threads = kernelThreads();
  const stride = 8 * ((B + 3) & ~3) * d + 8 * B;
  // pieces of whole chunks, their outputs within DIST_PIECE_BYTES (the caller's out is the bound anyway)
  const pinned = pinnedPtr(rt, a);
  const piece = Math.min(na, Math.max(B, Math.floor(DIST_PIECE_BYTES / (8 * nb * B)) * B));
  const S = new Scope(rt);
  try {
    const pMu = S.take(8 * d), pPanels = S.take(8 * nbp * d), pCn = S.take(8 * nbp);
    const pRaw = pinned >= 0 ? 0 : S.take(4 * piece * d), pOut = S.take(8 * piece * nb);
    const pScratch = S.take(stride * threads), pJob = S.take(8 * 32);
    if (!S.ok) return false;
    f64(rt, pMu, d).set(mu);
    const panels = f64(rt, pPanels, nbp * d);
    panels.fill(0);
    for (let j = 0; j < nb; j++) {
      const base = (j >> 2) * d * 4 + (j & 3);
      for (let t = 0; t < d; t++) panels[base + t * 4] = cb[j * d + t]!;
    }
    const cnv = f64(rt, pCn, nbp);
    cnv.fill(0);
    cnv.set(cn.subarray(0, nb));
    for (let start = 0; start < na; start += piece) {
      const m = Math.min(piece, na - start);
      let src = pinned + 4 * start * d;
      if (pinned < 0) { f32(rt, pRaw, m * d).set(a.subarray(start * d, (start + m) * d)); src = pRaw; }
      writeJob(rt, pJob, [10, src, m, d, B, pMu, pPanels, pCn, np, nb, pOut, pScratch, stride]);
      runJob(rt, pJob, Math.ceil(m / B), m * nb * d);
      out.set(f64(rt, pOut, m * nb), start * nb);
    }
    return true;
  } finally {
    S.free();
  }
}
