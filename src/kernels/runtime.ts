/**
 * The WebAssembly runtime under the kernel layer: one module instance on the calling thread, a
 * persistent pool of worker threads (Node `worker_threads`, Web Workers in a browser) over one
 * shared `WebAssembly.Memory`, an allocator for that memory, and the fork-join `runJob`.
 *
 * - Module: built from assembly/kernels.ts in four variants (scripts/build.mjs): plain SIMD128 or
 *   relaxed SIMD (fused multiply-add; used only where `WebAssembly.validate` accepts it), each with
 *   a private or a shared memory. Without SIMD128 there is no runtime and every kernel runs its
 *   TypeScript version.
 * - Threads: `setKernelThreads(n)` (default: the environment variable CLUSTERKIT_THREADS, else
 *   `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in a browser, at most 16).
 *   Workers need shared memory: Node ≥ 20.16 (`process.getBuiltinModule`), or a cross-origin
 *   isolated page (COOP same-origin + COEP require-corp). Elsewhere kernels run on the calling thread.
 * - Jobs: a job is split into chunks whose boundaries depend only on the problem, never on the
 *   number of threads; each chunk writes its own outputs (and its own slot of partial sums, added
 *   up in chunk order by the caller), so results are bitwise the same for 1, 2 or 16 threads.
 *   Threads claim chunks from a shared counter; the calling thread works too and then waits
 *   (`Atomics.wait` in Node and workers; a spin on a browser's main thread, where waiting is not
 *   allowed). A worker that has not started yet simply claims nothing.
 * - Memory: data can be pinned (`pinRows`) for the length of a fit, copied in once; otherwise each
 *   call copies what it needs in pieces of at most `setKernelMemoryLimit` bytes, so data beyond
 *   the 4 GiB wasm32 limit is processed in chunks, never refused. WebAssembly memory cannot shrink:
 *   when the last pin is released and the memory has grown beyond 256 MiB, the runtime (memory and
 *   workers) is dropped and made anew on the next call.
 */
import { ClusterkitError } from '../core/errors.js';
import { KERNELS_WASM_BASE64 } from './wasm-module.js';

/** The kernel module's exports that JavaScript calls (assembly/kernels.ts; the tiles stay exported as functions of their own). */
export interface KernelExports {
  heapBase(): number;
  runChunk(job: number, chunk: number, tid: number): void;
  mergeFlagged(dst: number, col: number, flags: number, n: number): void;
  addPartials(out: number, part: number, nc: number, stride: number, len: number): void;
  sampleMean(x: number, n: number, d: number, m: number, out: number): void;
  quantCentres(c: number, k: number, d: number, mu: number, Q: number, dp: number, panels: number, cs: number,
    cn: number, out: number): void;
}

/** What the kernel layer runs on here: see `kernelInfo`. */
export interface KernelInfo {
  /** 'wasm' when the WebAssembly kernels are loaded (and the backend setting allows them), else 'ts'. */
  readonly backend: 'wasm' | 'ts';
  /** WebAssembly SIMD128 available. */
  readonly simd: boolean;
  /** The relaxed-SIMD (fused multiply-add) build is in use. */
  readonly relaxedSimd: boolean;
  /** Threads a parallel kernel uses (the calling thread included); 1 without shared memory. */
  readonly threads: number;
  /** The kernels' memory is a shared WebAssembly.Memory (required for threads > 1). */
  readonly sharedMemory: boolean;
}

/** A tiny module returning an i32x4.splat: validates only where SIMD128 is supported. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x0b,
]);

/** Pages of the initial memory (the modules declare 16). */
const INITIAL_PAGES = 16;
/** Maximum pages of a shared memory (4 GiB; the modules declare 65536). Smaller tried if refused. */
const MAX_PAGES = [65536, 32768, 16384];
/** Memory beyond which an idle runtime is dropped so the memory can be reclaimed (bytes). */
const RELEASE_ABOVE = 256 * 2 ** 20;

// control block (Int32 slots) at the start of the heap
const SEQ = 0, ACTIVE = 1, NEXT = 2, NCHUNKS = 3, JOB = 4, WORKER_CHUNKS = 5, READY = 6, CTL_INTS = 16;

type WorkerLike = { terminate(): unknown };

interface Runtime {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly K: KernelExports;
  readonly shared: boolean;
  readonly relaxed: boolean;
  readonly ctlPtr: number;
  readonly ctl: Int32Array;
  workers: WorkerLike[];
  /** Free list of [ptr, bytes], sorted by ptr; `top` is the end of the used heap. */
  free: Array<[number, number]>;
  top: number;
  pins: Map<Float32Array, Pin>;
  /** Buffers of this memory handed out by `kernelFloat32Array` (views on them need no copy). */
  own: WeakSet<ArrayBufferLike>;
  /** Live arrays from `kernelFloat32Array` (the runtime is never dropped while some remain). */
  ownLive: number;
}

interface Pin {
  ptr: number; bytes: number; refs: number;
  /** A centre of the rows and the centred norms, made on demand (see pinnedCentring). */
  centring?: { xn: number; pMu: number; bytes: number; mu: Float32Array; n: number; d: number } | null;
  /** A float64 centre [d] of the rows, made on demand (see pinnedMean). */
  mean?: Float64Array;
  /** A block derived from the rows (the int16 image of wasm.ts), freed with the pin; null: none possible. */
  image?: { ptr: number; bytes: number; n: number; d: number } | null;
}

let runtime: Runtime | null | undefined;
let pendingAsync = false;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

interface ProcessLike {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}
const proc = (globalThis as { process?: ProcessLike }).process;
const isNode = typeof proc?.getBuiltinModule === 'function';

function canShare(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  const iso = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return iso !== false;
}

function makeMemory(shared: boolean): WebAssembly.Memory | null {
  if (!shared) return new WebAssembly.Memory({ initial: INITIAL_PAGES });
  for (const maximum of MAX_PAGES) {
    try {
      return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum, shared: true });
    } catch { /* try a smaller reservation */ }
  }
  return null;
}

function finish(memory: WebAssembly.Memory, module: WebAssembly.Module, instance: WebAssembly.Instance,
  shared: boolean, relaxed: boolean): Runtime {
  const K = instance.exports as unknown as KernelExports;
  const ctlPtr = K.heapBase();
  const top = ctlPtr + CTL_INTS * 4;
  const rt: Runtime = {
    memory, module, K, shared, relaxed, ctlPtr, ctl: new Int32Array(memory.buffer, ctlPtr, CTL_INTS),
    workers: [], free: [], top, pins: new Map(), own: new WeakSet(), ownLive: 0,
  };
  // start the pool now (a worker takes ~30 ms to start): by the first parallel job it is usually
  // ready instead of leaving that job to the calling thread (no-op without shared memory)
  spawnWorkers(rt);
  return rt;
}

/** The runtime, created on first use; null when WebAssembly SIMD is unavailable. */
export function getRuntime(): Runtime | null {
  if (runtime !== undefined) return runtime;
  runtime = null;
  try {
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(SIMD_PROBE)) return null;
    const share = canShare();
    const order: Array<[keyof typeof KERNELS_WASM_BASE64, boolean, boolean]> = share
      ? [['relaxedShared', true, true], ['simdShared', true, false], ['relaxed', false, true], ['simd', false, false]]
      : [['relaxed', false, true], ['simd', false, false]];
    for (const [name, shared, relaxed] of order) {
      const bytes = decodeBase64(KERNELS_WASM_BASE64[name]);
      if (!WebAssembly.validate(bytes)) continue;
      const memory = makeMemory(shared);
      if (!memory) continue;
      try {
        const module = new WebAssembly.Module(bytes);
        const instance = new WebAssembly.Instance(module, { env: { memory } });
        runtime = finish(memory, module, instance, shared, relaxed);
        return runtime;
      } catch {
        // e.g. a browser main thread refusing synchronous compilation of this size: compile in the
        // background; the TypeScript kernels serve the calls made meanwhile
        if (!pendingAsync) {
          pendingAsync = true;
          void WebAssembly.instantiate(bytes, { env: { memory } }).then((r) => {
            runtime = finish(memory, r.module, r.instance, shared, relaxed);
          }, () => { /* stay on TypeScript */ });
        }
        return null;
      }
    }
  } catch {
    runtime = null;
  }
  return runtime;
}

// ---- threads

function defaultThreads(): number {
  const env = proc?.env?.['CLUSTERKIT_THREADS'];
  if (env !== undefined && env !== '') {
    const v = Number(env);
    if (Number.isInteger(v) && v >= 1) return Math.min(v, 64);
  }
  let n = 1;
  if (isNode) {
    const os = proc!.getBuiltinModule!('node:os') as { availableParallelism?: () => number; cpus(): unknown[] };
    n = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  } else {
    const hc = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
    if (typeof hc === 'number' && hc >= 1) n = hc;
  }
  return Math.max(1, Math.min(16, n));
}

let wantThreads = defaultThreads();

/**
 * Set the number of threads the kernels use (the calling thread included), 1–64; 'auto' = the
 * default (CLUSTERKIT_THREADS, else the machine's available parallelism, at most 16). Results do
 * not depend on it. Returns the previous setting. Workers start with the runtime (the first kernel
 * call) or, when the count is raised later, on the next parallel kernel call; they stop when the
 * count is lowered.
 */
export function setKernelThreads(n: number | 'auto'): number {
  const prev = wantThreads;
  const v = n === 'auto' ? defaultThreads() : n;
  if (!Number.isInteger(v) || v < 1 || v > 64) {
    throw new ClusterkitError('BAD_OPTION', `setKernelThreads: n must be an integer in [1, 64] or 'auto'. Got ${String(n)}.`, 'n');
  }
  wantThreads = v;
  const rt = runtime;
  if (rt && rt.workers.length > v - 1) {
    for (const w of rt.workers.splice(v - 1)) void w.terminate();
  }
  return prev;
}

/** Threads a parallel kernel would use now (1 without a shared-memory runtime). */
export function kernelThreads(): number {
  const rt = getRuntime();
  return rt && rt.shared ? wantThreads : 1;
}

/** Facts about the kernel layer here: backend, SIMD, relaxed SIMD, threads, shared memory. */
export function runtimeInfo(): { simd: boolean; relaxedSimd: boolean; threads: number; sharedMemory: boolean } {
  const rt = getRuntime();
  return { simd: rt !== null, relaxedSimd: rt?.relaxed ?? false, threads: rt && rt.shared ? wantThreads : 1, sharedMemory: rt?.shared ?? false };
}

/**
 * Counters of the pool since the runtime was made: parallel jobs run, and chunks done by worker
 * threads (as opposed to the calling thread); for tests and diagnostics.
 */
export function kernelStats(): { parallelJobs: number; workerChunks: number; workers: number } {
  const rt = runtime;
  if (!rt || !rt.shared) return { parallelJobs: 0, workerChunks: 0, workers: 0 };
  return { parallelJobs, workerChunks: Atomics.load(rt.ctl, WORKER_CHUNKS), workers: rt.workers.length };
}

let parallelJobs = 0;
let workerFailed = false;

function spawnWorkers(rt: Runtime): void {
  const want = wantThreads - 1;
  if (!rt.shared || workerFailed || rt.workers.length >= want) return;
  const url = new URL('./pool-worker.js', import.meta.url);
  try {
    while (rt.workers.length < want) {
      const tid = rt.workers.length + 1;
      const init = { memory: rt.memory, module: rt.module, ctlPtr: rt.ctlPtr, tid };
      if (isNode) {
        const wt = proc!.getBuiltinModule!('node:worker_threads') as {
          Worker: new (u: URL, o: { workerData: unknown }) => WorkerLike & { unref(): void; on(e: string, f: () => void): void };
        };
        const w = new wt.Worker(url, { workerData: init });
        w.unref();
        w.on('error', () => { workerFailed = true; });
        rt.workers.push(w);
      } else {
        const W = (globalThis as { Worker?: new (u: URL, o: { type: 'module' }) => WorkerLike & { postMessage(m: unknown): void; onerror: unknown } }).Worker;
        if (!W) { workerFailed = true; return; }
        const w = new W(url, { type: 'module' });
        w.onerror = () => { workerFailed = true; };
        w.postMessage(init);
        rt.workers.push(w);
      }
    }
  } catch {
    workerFailed = true;
  }
}

/**
 * Start the kernel worker threads now and resolve once they are running (or after `timeoutMs`,
 * default 5000), with `kernelInfo()`-like facts and how many workers are ready. Optional: kernels
 * start workers themselves on first use, but a browser can only start a worker while its main
 * thread is idle, so a page that runs kernels in one long task should await this first.
 */
export async function kernelsReady(timeoutMs = 5000): Promise<{ threads: number; readyWorkers: number; sharedMemory: boolean }> {
  const rt = getRuntime();
  if (!rt || !rt.shared || wantThreads <= 1) return { threads: 1, readyWorkers: 0, sharedMemory: rt?.shared ?? false };
  spawnWorkers(rt);
  const t0 = Date.now();
  while (Atomics.load(rt.ctl, READY) < rt.workers.length && !workerFailed && Date.now() - t0 < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { threads: wantThreads, readyWorkers: Atomics.load(rt.ctl, READY), sharedMemory: true };
}

/** Work (≈ multiply-adds) below which a job runs on the calling thread only (waking workers costs ~50 µs). */
export const PARALLEL_MIN_WORK = 2_000_000;

const canBlock = isNode || typeof (globalThis as { document?: unknown }).document === 'undefined';

/**
 * Wait until ctl[slot] (a count of busy workers) is 0: Atomics.wait where this thread may block
 * (Node, workers), a spin on a browser's main thread. Shared with ./parallel.ts.
 */
export function waitIdle(ctl: Int32Array, slot = ACTIVE): void {
  let spins = 0;
  for (;;) {
    const a = Atomics.load(ctl, slot);
    if (a === 0) return;
    if (canBlock && ++spins > 64) Atomics.wait(ctl, slot, a, 20);
  }
}

/**
 * Run chunks 0 … nChunks − 1 of the job record at `job` (see assembly/kernels.ts runChunk), on
 * the pool when the job is worth it (`work` ≈ multiply-adds) and threads are available, else on
 * the calling thread. Returns when every chunk is done.
 */
export function runJob(rt: Runtime, job: number, nChunks: number, work: number): void {
  const K = rt.K;
  if (nChunks <= 1 || wantThreads <= 1 || !rt.shared || work < PARALLEL_MIN_WORK) {
    for (let c = 0; c < nChunks; c++) K.runChunk(job, c, 0);
    return;
  }
  spawnWorkers(rt);
  parallelJobs++;
  const ctl = rt.ctl;
  // seqlock: an odd sequence number keeps late workers out while the job record changes
  const s = Atomics.load(ctl, SEQ);
  Atomics.store(ctl, SEQ, s + 1);
  waitIdle(ctl);
  Atomics.store(ctl, JOB, job);
  Atomics.store(ctl, NCHUNKS, nChunks);
  Atomics.store(ctl, NEXT, 0);
  Atomics.store(ctl, SEQ, s + 2);
  Atomics.notify(ctl, SEQ);
  for (let c = Atomics.add(ctl, NEXT, 1); c < nChunks; c = Atomics.add(ctl, NEXT, 1)) K.runChunk(job, c, 0);
  waitIdle(ctl);
}

// ---- memory

/** Bytes of module memory in use now (heap top). */
function ensure(rt: Runtime, end: number): void {
  const need = end - rt.memory.buffer.byteLength;
  if (need > 0) rt.memory.grow(Math.ceil(need / 65536));
}

/** Largest byte size the kernels may hold in module memory at once: see `setKernelMemoryLimit`. */
let memoryLimit = 4 * 2 ** 30 - 2 ** 26;

/**
 * Cap the module memory the kernels use (bytes; default just under the 4 GiB wasm32 limit).
 * Data larger than this is processed in pieces. Returns the previous value.
 */
export function setKernelMemoryLimit(bytes: number): number {
  if (!(bytes >= 2 ** 22)) {
    throw new ClusterkitError('BAD_OPTION', `setKernelMemoryLimit: bytes must be a number ≥ 4194304 (4 MiB). Got ${String(bytes)}.`, 'bytes');
  }
  const prev = memoryLimit;
  memoryLimit = Math.min(bytes, 4 * 2 ** 30 - 2 ** 26);
  return prev;
}

/** Bytes that could still be allocated under the limit. */
export function memoryHeadroom(rt: Runtime): number {
  let freeBytes = 0;
  for (const [, b] of rt.free) freeBytes += b;
  return memoryLimit - rt.top + freeBytes;
}

/** Allocate `bytes` (16-byte aligned) of module memory; grows it. Returns the pointer, or -1 over the limit. */
export function alloc(rt: Runtime, bytes: number): number {
  const size = (bytes + 15) & ~15 || 16;
  for (let i = 0; i < rt.free.length; i++) {
    const [p, b] = rt.free[i]!;
    if (b >= size) {
      if (b === size) rt.free.splice(i, 1);
      else rt.free[i] = [p + size, b - size];
      return p;
    }
  }
  if (rt.top + size > memoryLimit) return -1;
  const p = rt.top;
  rt.top += size;
  ensure(rt, rt.top);
  return p;
}

/** Give back a block from `alloc` (same byte count). */
export function release(rt: Runtime, ptr: number, bytes: number): void {
  const size = (bytes + 15) & ~15 || 16;
  const f = rt.free;
  let i = 0;
  while (i < f.length && f[i]![0] < ptr) i++;
  f.splice(i, 0, [ptr, size]);
  // coalesce with neighbours
  if (i + 1 < f.length && f[i]![0] + f[i]![1] === f[i + 1]![0]) { f[i]![1] += f[i + 1]![1]; f.splice(i + 1, 1); }
  if (i > 0 && f[i - 1]![0] + f[i - 1]![1] === f[i]![0]) { f[i - 1]![1] += f[i]![1]; f.splice(i, 1); i--; }
  // a free block at the top lowers the top
  const last = f[f.length - 1];
  if (last && last[0] + last[1] === rt.top) { rt.top = last[0]; f.pop(); }
}

/** Pointer of pinned rows of x (or of x itself when it lives in kernel memory), or -1. */
export function pinnedPtr(rt: Runtime, x: Float32Array): number {
  const p = rt.pins.get(x);
  if (p) return p.ptr;
  return rt.own.has(x.buffer) ? x.byteOffset : -1;
}

const freed = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<{ rt: Runtime; ptr: number; bytes: number }>((b) => { b.rt.ownLive--; release(b.rt, b.ptr, b.bytes); })
  : null;

/**
 * A zeroed Float32Array of `length` values allocated in the kernels' shared memory when there is
 * one (Node, cross-origin-isolated pages) and room under the memory limit, else an ordinary one.
 * Kernels and pinned fits read such an array in place — no copy — so loaders of large data use it.
 * The block returns to the kernels' allocator when the array is garbage-collected.
 */
export function kernelFloat32Array(length: number): Float32Array {
  const rt = getRuntime();
  const bytes = 4 * length;
  if (!rt || !rt.shared || !freed || length === 0 || bytes > memoryHeadroom(rt) / 2) return new Float32Array(length);
  const ptr = alloc(rt, bytes);
  if (ptr < 0) return new Float32Array(length);
  const buf = rt.memory.buffer;
  rt.own.add(buf);
  const out = new Float32Array(buf, ptr, length);
  out.fill(0); // blocks are reused: zero like a fresh array
  freed.register(out, { rt, ptr, bytes });
  rt.ownLive++;
  return out;
}

/**
 * Copy x into module memory for the kernels to use without copying again, until the returned
 * function is called (pins nest; the last release frees the copy). Does nothing (and returns a
 * no-op) where there is no WebAssembly runtime or x does not fit under the memory limit, in which
 * case kernels copy per call as usual. x must not change while it is pinned.
 */
export function pinRows(x: Float32Array): () => void {
  const rt = getRuntime();
  if (!rt || x.length === 0) return () => { /* nothing pinned */ };
  const have = rt.pins.get(x);
  if (have) { have.refs++; return once(() => unpin(rt, x)); }
  if (rt.own.has(x.buffer)) { // already in kernel memory: pin in place (bytes 0: nothing to free)
    rt.pins.set(x, { ptr: x.byteOffset, bytes: 0, refs: 1 });
    return once(() => unpin(rt, x));
  }
  if (x.byteLength > memoryHeadroom(rt) / 2) return () => { /* too large: per-call pieces */ };
  const ptr = alloc(rt, x.byteLength);
  if (ptr < 0) return () => { /* no room */ };
  new Float32Array(rt.memory.buffer, ptr, x.length).set(x);
  rt.pins.set(x, { ptr, bytes: x.byteLength, refs: 1 });
  return once(() => unpin(rt, x));
}

/**
 * For pinned rows x [n × d]: a centre μ near their mean (pinnedMean rounded to float32, [d], also
 * in module memory at `mu`) and ‖fl(x_i − μ)‖² per row (f64 [n] at `xn`, the float32 differences
 * summed in float64). Made once
 * per pin on first use (n·8 bytes): kernels whose centres change on every call, like the D²
 * updates of k-means++, then read the rows in place and shift them in the register tile.
 * null when x is not pinned or does not fit.
 */
export function pinnedCentring(rt: Runtime, x: Float32Array, n: number, d: number):
  { xn: number; mu: Float32Array; pMu: number } | null {
  const p = rt.pins.get(x);
  if (!p) return null;
  if (p.centring !== undefined) return p.centring && p.centring.n === n && p.centring.d === d ? p.centring : null;
  p.centring = null;
  const bytes = 8 * n + 4 * d;
  if (bytes > memoryHeadroom(rt) / 2) return null;
  const xn = alloc(rt, bytes);
  if (xn < 0) return null;
  const src = new Float32Array(rt.memory.buffer, p.ptr, n * d);
  const mu = Float32Array.from(pinnedMean(rt, x, n, d)!);
  const norms = new Float64Array(rt.memory.buffer, xn, n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) { const v = Math.fround(src[i * d + t]! - mu[t]!); s += v * v; }
    norms[i] = s;
  }
  const pMu = xn + 8 * n;
  new Float32Array(rt.memory.buffer, pMu, d).set(mu);
  p.centring = { xn, pMu, bytes, mu, n, d };
  return p.centring;
}

/** Rows pinnedMean averages (spread evenly over the data). */
const MEAN_SAMPLE_ROWS = 4096;

/**
 * A centre [d] (float64) for pinned rows x [n × d]: the mean of MEAN_SAMPLE_ROWS rows spread
 * evenly over x (all rows when n is smaller), made once per pin; null when x is not pinned.
 * Kernels shift rows by it only to keep their float32 or int16 screening accurate — any centre
 * gives exact results — so a sample near the data's mean serves and costs no pass over the data.
 */
export function pinnedMean(rt: Runtime, x: Float32Array, n: number, d: number): Float64Array | null {
  const p = rt.pins.get(x);
  if (!p) return null;
  if (p.mean && p.mean.length === d) return p.mean;
  const out = alloc(rt, 8 * d);
  if (out < 0) return null;
  rt.K.sampleMean(p.ptr, n, d, Math.min(n, MEAN_SAMPLE_ROWS), out);
  const mean = new Float64Array(rt.memory.buffer, out, d).slice();
  release(rt, out, 8 * d);
  p.mean = mean;
  return mean;
}

/**
 * The block derived from pinned rows x [n × d] by `make` (called once per pin with the pin's
 * pointer; it returns the block's [ptr, bytes] in module memory, or null when it cannot be made),
 * kept until the pin is released. null when x is not pinned or the block could not be made.
 */
export function pinnedImage(rt: Runtime, x: Float32Array, n: number, d: number,
  make: (rowsPtr: number) => [number, number] | null): number | null {
  const p = rt.pins.get(x);
  if (!p) return null;
  if (p.image !== undefined) return p.image && p.image.n === n && p.image.d === d ? p.image.ptr : null;
  p.image = null;
  const b = make(p.ptr);
  if (!b) return null;
  p.image = { ptr: b[0], bytes: b[1], n, d };
  return b[0];
}

function once(f: () => void): () => void {
  let done = false;
  return () => { if (!done) { done = true; f(); } };
}

function unpin(rt: Runtime, x: Float32Array): void {
  const p = rt.pins.get(x);
  if (!p || --p.refs > 0) return;
  rt.pins.delete(x);
  if (p.centring) release(rt, p.centring.xn, p.centring.bytes);
  if (p.image) release(rt, p.image.ptr, p.image.bytes);
  if (p.bytes > 0) release(rt, p.ptr, p.bytes);
  if (rt.pins.size === 0 && rt.ownLive === 0 && rt.memory.buffer.byteLength > RELEASE_ABOVE && runtime === rt) {
    for (const w of rt.workers) void w.terminate();
    rt.workers = [];
    runtime = undefined; // made anew on the next call; the old memory is garbage once workers exit
  }
}

/** Views of module memory (made fresh: a grown memory has a new buffer). */
export function f32(rt: Runtime, ptr: number, len: number): Float32Array { return new Float32Array(rt.memory.buffer, ptr, len); }
export function f64(rt: Runtime, ptr: number, len: number): Float64Array { return new Float64Array(rt.memory.buffer, ptr, len); }
export function i32(rt: Runtime, ptr: number, len: number): Int32Array { return new Int32Array(rt.memory.buffer, ptr, len); }

export type { Runtime };
