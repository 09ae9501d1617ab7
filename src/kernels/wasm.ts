/**
 * WebAssembly SIMD128 path of the kernel layer (source: assembly/kernels.ts, AssemblyScript,
 * embedded as base64 by scripts/build.mjs in ./wasm-module.ts). Loaded synchronously on first
 * use with `new WebAssembly.Module` + `new WebAssembly.Instance`: no fs, no fetch, so it runs the
 * same in Node and in a browser bundle. The module is ~4.3 KB: current Chromium allows
 * synchronous compilation of up to 8 MB on a page's main thread, older ones (and some WebViews)
 * only 4 KB; where synchronous compilation is refused the module compiles asynchronously in the
 * background and the TypeScript kernels serve the calls made meanwhile. Without SIMD128 every
 * kernel stays on the TypeScript path. Kernels run on the calling thread; the module's memory
 * grows to the largest block used (about 0.3–2 MB for typical shapes) and is kept for reuse.
 *
 * Numerics of `assignNearestWasm` (see assembly/kernels.ts for the bound): candidate centres
 * are ranked with float32 SIMD dot products over data shifted by the centres' mean, and every
 * centre that float32 rounding could put first (or second) is re-evaluated exactly as Σ(x − c)²
 * in float64. Labels are therefore those of the exact argmin (ties → lowest index), and the
 * reported distances are exact float64 sums; they may differ from the TypeScript kernel's only
 * where two centres are within float64 rounding of each other.
 */
import { KERNELS_WASM_BASE64 } from './wasm-module.js';

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  shiftRows(raw: number, m: number, d: number, mu: number, xs: number, xn: number): void;
  assignBlock(xs: number, xn: number, raw: number, m: number, d: number, panels: number, cn: number,
    np: number, craw: number, k: number, cmax: number, scratch: number, lab: number, best: number,
    second: number, wantSecond: number): void;
  shiftRows64(raw: number, m: number, d: number, mu: number, xs: number, xn: number): void;
  sqdistBlock64(xs: number, xn: number, m: number, d: number, panels: number, cn: number, np: number,
    nb: number, out: number): void;
}

/** A tiny module returning an i32x4.splat: validates only where SIMD128 is supported. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x0b, // i32.const 0; i32x4.splat; end
]);

let kernels: KernelExports | null | undefined;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The instantiated kernels, or null when WebAssembly SIMD is not available here. */
function load(): KernelExports | null {
  if (kernels !== undefined) return kernels;
  kernels = null;
  try {
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(SIMD_PROBE)) return null;
    const bytes = decodeBase64(KERNELS_WASM_BASE64);
    try {
      kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as KernelExports;
    } catch {
      // e.g. a browser main thread refusing synchronous compilation: compile in the background,
      // the TypeScript kernels serve until it is done
      void WebAssembly.instantiate(bytes, {}).then(
        (r) => { kernels = r.instance.exports as unknown as KernelExports; }, () => { /* stay on TS */ });
    }
  } catch {
    kernels = null;
  }
  return kernels;
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

/** Rows per block: the raw and shifted copies of a block stay within 128 KB each. */
function blockRows(d: number): number {
  return Math.max(4, Math.min(1024, Math.floor(32768 / Math.max(1, d)))) & ~3;
}

/** Bump allocator over the module memory for one call; grows the memory when needed. */
class Layout {
  private top: number;
  constructor(base: number) { this.top = base; }
  take(bytes: number): number { const p = this.top; this.top = (p + bytes + 15) & ~15; return p; }
  ensure(mem: WebAssembly.Memory): void {
    const need = this.top - mem.buffer.byteLength;
    if (need > 0) mem.grow(Math.ceil(need / 65536));
  }
}

/** Largest shifted-centre norm the float32 path accepts (beyond it float32 squares overflow). */
const CMAX_LIMIT = 1e15;

/**
 * `assignNearest` on the WebAssembly SIMD path; same contract as `assignNearestTs` in dense.ts.
 * Returns false (writing nothing) when the path is unavailable or unsuitable: no SIMD, k < 1,
 * or centres too large for float32; the caller then runs the TypeScript kernel.
 */
export function assignNearestWasm(x: Float32Array, n: number, d: number, c: Float32Array, k: number,
  labels: Int32Array, dist2: Float32Array | Float64Array, second?: Float32Array | Float64Array | null,
  idx?: Int32Array | null, count?: number): boolean {
  const K = load();
  if (!K || k < 1 || d < 1) return false;
  const total = idx ? (count ?? idx.length) : n;
  // shift by the centres' mean, rounded to float32 (any common shift is exact in theory)
  const mu = new Float64Array(d);
  for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) mu[t]! += c[j * d + t]!;
  const mu32 = new Float32Array(d);
  for (let t = 0; t < d; t++) mu32[t] = mu[t]! / k;
  const np = Math.ceil(k / 8), kp = np * 8;
  const B = blockRows(d);
  const L = new Layout(K.heapBase());
  const pMu = L.take(4 * d), pPanels = L.take(4 * kp * d), pCn = L.take(4 * kp), pCraw = L.take(4 * k * d);
  const pRaw = L.take(4 * B * d), pXs = L.take(4 * B * d), pXn = L.take(8 * B);
  const pScratch = L.take(16 * kp), pLab = L.take(4 * B), pBest = L.take(8 * B), pSec = L.take(8 * B);
  L.ensure(K.memory);
  const buf = K.memory.buffer;
  new Float32Array(buf, pMu, d).set(mu32);
  // centres: panels [np][d][8] of c − m (float32), their norms, the raw copy
  const panels = new Float32Array(buf, pPanels, kp * d);
  const cn = new Float32Array(buf, pCn, kp);
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
  if (!(cmax <= CMAX_LIMIT)) return false;
  new Float32Array(buf, pCraw, k * d).set(c.subarray(0, k * d));
  const raw = new Float32Array(buf, pRaw, B * d);
  const lab = new Int32Array(buf, pLab, B), best = new Float64Array(buf, pBest, B), sec = new Float64Array(buf, pSec, B);
  const want = second ? 1 : 0;
  for (let start = 0; start < total; start += B) {
    const m = Math.min(B, total - start);
    if (!idx) raw.set(x.subarray(start * d, (start + m) * d));
    else {
      for (let r = 0; r < m; r++) {
        const i = idx[start + r]!, o = r * d, s = i * d;
        if (d >= 16) raw.set(x.subarray(s, s + d), o);
        else for (let t = 0; t < d; t++) raw[o + t] = x[s + t]!;
      }
    }
    K.shiftRows(pRaw, m, d, pMu, pXs, pXn);
    K.assignBlock(pXs, pXn, pRaw, m, d, pPanels, pCn, np, pCraw, k, cmax, pScratch, pLab, pBest, pSec, want);
    if (!idx) {
      labels.set(lab.subarray(0, m), start);
      dist2.set(best.subarray(0, m), start);
      if (second) second.set(sec.subarray(0, m), start);
    } else {
      for (let r = 0; r < m; r++) {
        const i = idx[start + r]!;
        labels[i] = lab[r]!;
        dist2[i] = best[r]!;
        if (second) second[i] = sec[r]!;
      }
    }
  }
  return true;
}

/** Rows per block of sqDistBlockWasm: its f64 output block within 256 KB, its row copies within ~200 KB. */
function distBlockRows(nb: number, d: number): number {
  return Math.max(4, Math.min(1024, Math.floor(32768 / Math.max(1, nb)), Math.floor(16384 / Math.max(1, d)))) & ~3;
}

/**
 * `sqDistBlock` on the WebAssembly path, float64 SIMD (2 lanes): rows of a [na × d] against the
 * nb centres already shifted and packed by dense.ts (cb [nb × d] = b − μ, cn [nb] = ‖b − μ‖², μ
 * [d], all float64). Every dot product is summed over t in order, exactly as the TypeScript
 * kernel does, so out [na × nb] is bitwise the TypeScript result. Returns false when the path
 * is unavailable.
 */
export function sqDistBlockWasm(a: Float32Array, na: number, d: number, cb: Float64Array, cn: Float64Array,
  mu: Float64Array, nb: number, out: Float32Array | Float64Array): boolean {
  const K = load();
  if (!K || nb < 1 || d < 1) return false;
  const np = Math.ceil(nb / 4), nbp = np * 4;
  const B = distBlockRows(nb, d);
  const L = new Layout(K.heapBase());
  const pMu = L.take(8 * d), pPanels = L.take(8 * nbp * d), pCn = L.take(8 * nbp);
  const pRaw = L.take(4 * B * d), pXs = L.take(8 * B * d), pXn = L.take(8 * B), pOut = L.take(8 * B * nb);
  L.ensure(K.memory);
  const buf = K.memory.buffer;
  new Float64Array(buf, pMu, d).set(mu);
  const panels = new Float64Array(buf, pPanels, nbp * d);
  panels.fill(0);
  for (let j = 0; j < nb; j++) {
    const base = (j >> 2) * d * 4 + (j & 3);
    for (let t = 0; t < d; t++) panels[base + t * 4] = cb[j * d + t]!;
  }
  const cnv = new Float64Array(buf, pCn, nbp);
  cnv.fill(0);
  cnv.set(cn.subarray(0, nb));
  const raw = new Float32Array(buf, pRaw, B * d), res = new Float64Array(buf, pOut, B * nb);
  for (let start = 0; start < na; start += B) {
    const m = Math.min(B, na - start);
    raw.set(a.subarray(start * d, (start + m) * d));
    K.shiftRows64(pRaw, m, d, pMu, pXs, pXn);
    K.sqdistBlock64(pXs, pXn, m, d, pPanels, pCn, np, nb, pOut);
    out.set(res.subarray(0, m * nb), start * nb);
  }
  return true;
}
