/**
 * A synchronous parallel-for over chunks for TypeScript code (the WebAssembly kernels have their
 * own pool in src/kernels/runtime.ts): `parallelChunks(task, args, nChunks)` runs
 * `task.run(args, c)` for c = 0 … nChunks − 1 on the calling thread and on worker threads (Node
 * worker_threads, module Web Workers in a cross-origin-isolated page), and returns when all are
 * done. Workers import the task's module themselves (`task.module`, a URL) and receive `args`
 * by structured clone once per call: typed arrays on a SharedArrayBuffer are shared, others are
 * copied. Chunks must write only their own parts of shared outputs, so the result does not depend
 * on which thread ran which chunk. The thread count is the kernel layer's (`setKernelThreads`).
 * Where workers are unavailable everything runs on the calling thread, with the same result.
 */
import { kernelThreads, waitIdle } from './runtime.js';

/** A function that worker threads can run: exported as `name` from the module at `module`. */
export interface ParallelTask<A> {
  /** URL of the ES module exporting the function (e.g. `new URL('./tasks.js', import.meta.url).href`). */
  readonly module: string;
  /** Export name in that module. */
  readonly name: string;
  /** The same function, for the calling thread. */
  readonly run: (args: A, chunk: number) => void;
}

interface ProcessLike { getBuiltinModule?: (id: string) => unknown }
const proc = (globalThis as { process?: ProcessLike }).process;
const isNode = typeof proc?.getBuiltinModule === 'function';

type Port = { postMessage(m: unknown): void; terminate(): unknown };

// control: [GEN, ACTIVE, NEXT, NCHUNKS, WORKER_CHUNKS]
const GEN = 0, ACTIVE = 1, NEXT = 2, WORKER_CHUNKS = 4;

interface Pool { ctl: Int32Array; workers: Port[]; failed: boolean }
let pool: Pool | null = null;

/** True when this runtime can share memory with worker threads. */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

function getPool(threads: number): Pool | null {
  if (!canShareMemory()) return null;
  if (!pool) pool = { ctl: new Int32Array(new SharedArrayBuffer(64)), workers: [], failed: false };
  if (pool.failed) return null;
  const url = new URL('./task-worker.js', import.meta.url);
  try {
    while (pool.workers.length < threads - 1) {
      const tid = pool.workers.length + 1;
      if (isNode) {
        const wt = proc!.getBuiltinModule!('node:worker_threads') as {
          Worker: new (u: URL, o: { workerData: unknown }) => Port & { unref(): void; on(e: string, f: () => void): void };
        };
        const w = new wt.Worker(url, { workerData: { ctl: pool.ctl, tid } });
        w.unref();
        w.on('error', () => { pool!.failed = true; });
        pool.workers.push(w);
      } else {
        const W = (globalThis as { Worker?: new (u: URL, o: { type: 'module' }) => Port & { onerror: unknown } }).Worker;
        if (!W) { pool.failed = true; return null; }
        const w = new W(url, { type: 'module' });
        w.onerror = () => { pool!.failed = true; };
        w.postMessage({ ctl: pool.ctl, tid });
        pool.workers.push(w);
      }
    }
    while (pool.workers.length > threads - 1) void pool.workers.pop()!.terminate();
  } catch {
    pool.failed = true;
    return null;
  }
  return pool;
}

/**
 * Run task chunks 0 … nChunks − 1 (see the top of this file). `parallel` false (or one thread,
 * or one chunk) runs them in order on the calling thread.
 */
export function parallelChunks<A>(task: ParallelTask<A>, args: A, nChunks: number, parallel = true): void {
  const threads = kernelThreads();
  const p = parallel && nChunks > 1 && threads > 1 ? getPool(threads) : null;
  if (!p) {
    for (let c = 0; c < nChunks; c++) task.run(args, c);
    return;
  }
  const ctl = p.ctl;
  const gen = Atomics.load(ctl, GEN);
  Atomics.store(ctl, GEN, gen + 1); // odd: late workers of the last call stay out
  waitIdle(ctl);
  Atomics.store(ctl, NEXT, 0);
  Atomics.store(ctl, GEN, gen + 2);
  const msg = { gen: gen + 2, module: task.module, name: task.name, args, nChunks };
  for (const w of p.workers) w.postMessage(msg);
  for (let c = Atomics.add(ctl, NEXT, 1); c < nChunks; c = Atomics.add(ctl, NEXT, 1)) task.run(args, c);
  waitIdle(ctl);
}

/** Chunks done by worker threads since start (tests and diagnostics). */
export function parallelStats(): { workerChunks: number; workers: number } {
  return pool ? { workerChunks: Atomics.load(pool.ctl, WORKER_CHUNKS), workers: pool.workers.length } : { workerChunks: 0, workers: 0 };
}

/** A copy of a typed array on a SharedArrayBuffer (shared, not copied, when sent to workers); the array itself when sharing is unavailable. */
export function shared<T extends Float64Array | Float32Array | Int32Array>(a: T): T {
  if (!canShareMemory() || a.buffer instanceof SharedArrayBuffer) return a;
  const C = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new C(new SharedArrayBuffer(a.byteLength));
  out.set(a as unknown as ArrayLike<number> & T);
  return out;
}

/** A zeroed typed array on a SharedArrayBuffer where sharing is available, else an ordinary one. */
export function sharedArray<T extends Float64Array | Float32Array | Int32Array>(C: new (b: ArrayBufferLike) => T, length: number, bytesPer: number): T {
  return new C(canShareMemory() ? new SharedArrayBuffer(length * bytesPer) : new ArrayBuffer(length * bytesPer));
}
