/**
 * clusterkit's side of the k-means benchmark, run as a child process so that its time and
 * memory are measured the way the peer runners measure theirs (/work/shared/anchors/README.md):
 * load the data, note VmRSS (base), reset the kernel's peak-RSS mark (write 5 to
 * /proc/self/clear_refs), time only the algorithm call, read VmHWM (peak). Prints one JSON object.
 *
 *   CLUSTERKIT_THREADS=N node --expose-gc dist/bench/run-ours.js --task fit|seed --data X.f32 --k 100
 *       [--init C.f32|k-means++] [--algorithm auto|lloyd|hamerly|elkan] [--max-iter 20] [--tol 0] [--seed 0] [--repeats 1]
 *
 * `fit` times `kmeans.fit(X, {k, init: C, nInit: 1, maxIter, tol, algorithm, seed})` (with
 * `--init k-means++` the timed call includes the seeding: the whole fit); `seed` times
 * clusterkit's greedy k-means++ (2 + ⌊ln k⌋ local trials, as scikit-learn's `kmeans_plusplus`).
 * `inertia_f64` is recomputed untimed from the final centres: each row to its nearest centre,
 * float64 (the peers' definition).
 *
 * Threads: the kernels read CLUSTERKIT_THREADS themselves. `threads` in the JSON is what the
 * kernel layer reports through `kernelInfo()` when the build has it, else 1 (no thread pool);
 * `threads_requested` echoes CLUSTERKIT_THREADS and `kernel_info` the whole record.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fit } from '../src/centroid/kmeans.js';
import { kmeansPlusPlus } from '../src/centroid/init.js';
import { createRng } from '../src/core/rng.js';
import * as K from '../src/kernels/index.js';
import { assignNearest, sqDistRow, getKernelBackend, wasmKernelsAvailable } from '../src/kernels/index.js';
import { readF32, readSet, packageVersion, startTimed, median } from './data.js';

interface Args {
  task: 'fit' | 'seed';
  data: string;
  init: string | null;
  k: number;
  algorithm: 'auto' | 'lloyd' | 'hamerly' | 'elkan';
  maxIter: number;
  tol: number;
  seed: number;
  repeats: number;
}

function parseArgs(argv: string[]): Args {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!, val = argv[i + 1];
    if (!key.startsWith('--') || val === undefined) throw new Error(`run-ours: argument ${i} must be '--name value'. Got '${key}'.`);
    m.set(key.slice(2), val);
  }
  const num = (name: string, def: number): number => {
    const v = m.has(name) ? Number(m.get(name)) : def;
    if (!Number.isFinite(v)) throw new Error(`run-ours: --${name} must be a number. Got '${m.get(name)}'.`);
    return v;
  };
  const task = m.get('task') ?? 'fit';
  if (task !== 'fit' && task !== 'seed') throw new Error(`run-ours: --task must be 'fit' or 'seed'. Got '${task}'.`);
  const data = m.get('data');
  if (!data) throw new Error('run-ours: --data must be given (a .f32 file with a sibling .json). Got nothing.');
  const algorithm = (m.get('algorithm') ?? 'lloyd') as Args['algorithm'];
  if (!['auto', 'lloyd', 'hamerly', 'elkan'].includes(algorithm)) throw new Error(`run-ours: --algorithm must be auto, lloyd, hamerly or elkan. Got '${algorithm}'.`);
  return { task, data, init: m.get('init') ?? null, k: num('k', 100), algorithm, maxIter: num('max-iter', 20),
    tol: num('tol', 0), seed: num('seed', 0), repeats: num('repeats', 1) };
}

/** The kernel layer's own description (src/kernels `kernelInfo()`, when this build exports it). */
interface KernelInfo { backend: 'wasm' | 'ts'; simd: boolean; relaxedSimd: boolean; threads: number; sharedMemory: boolean }

/** `kernelInfo()` if the kernel layer exports it, else a record built from what exists (1 thread). */
function kernelInfo(): { info: Record<string, unknown>; threads: number } {
  const fn = (K as unknown as { kernelInfo?: () => KernelInfo }).kernelInfo;
  if (typeof fn === 'function') {
    const info = fn();
    return { info: { ...info, source: 'kernelInfo()' }, threads: info.threads };
  }
  const wasm = wasmKernelsAvailable() && getKernelBackend() !== 'ts';
  return { info: { backend: wasm ? 'wasm' : 'ts', simd: wasm, threads: 1, source: 'no kernelInfo() in this build: single-threaded kernels' }, threads: 1 };
}

/** Σ over rows of the squared distance to the nearest of the k centres, float64. */
function inertiaF64(x: Float32Array, n: number, d: number, c: Float32Array, k: number): number {
  const labels = new Int32Array(n), dist = new Float64Array(n);
  assignNearest(x, n, d, c, k, labels, dist);
  let s = 0;
  for (let i = 0; i < n; i++) s += sqDistRow(x, i, c, labels[i]!, d);
  return s;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const { n, d, x } = readSet(a.data);
  const kpp = a.init === 'k-means++';
  const c0 = a.init && !kpp ? readF32(a.init, a.k * d) : null;
  if (a.task === 'fit' && !c0 && !kpp) throw new Error('run-ours: --init must be given for --task fit (a [k × d] .f32 file or k-means++). Got nothing.');
  const version = packageVersion();

  const { gc, load1, base, scoped, peak: peakMb } = startTimed();
  const times: number[] = [];
  let centres: Float32Array = new Float32Array(0), nIter = 0, converged = false, distances = 0, firstIterS = 0, lastIterS = 0;
  let seedingS = 0, itersS = 0, algorithm: string = a.algorithm;
  for (let r = 0; r < a.repeats; r++) {
    gc();
    const t0 = performance.now();
    if (a.task === 'fit') {
      const res = fit({ data: x, rows: n, cols: d }, { k: a.k, init: c0 ?? 'k-means++', nInit: 1, maxIter: a.maxIter, tol: a.tol,
        algorithm: a.algorithm, seed: a.seed });
      times.push((performance.now() - t0) / 1000);
      centres = res.centroids; nIter = res.nIter; converged = res.converged;
      distances = res.history.reduce((s, h) => s + h.distances, 0);
      firstIterS = res.history[0]?.seconds ?? 0;
      lastIterS = res.history.at(-1)?.seconds ?? 0;
      seedingS = res.seedingSeconds;
      itersS = res.history.reduce((s, h) => s + h.seconds, 0);
      algorithm = res.options.algorithm;
    } else {
      const idx = kmeansPlusPlus(x, n, d, a.k, createRng(a.seed));
      times.push((performance.now() - t0) / 1000);
      centres = new Float32Array(a.k * d);
      for (let j = 0; j < a.k; j++) centres.set(x.subarray(idx[j]! * d, (idx[j]! + 1) * d), j * d);
    }
    process.stderr.write(`  repeat ${r + 1}/${a.repeats}: ${times.at(-1)!.toFixed(4)} s\n`);
  }
  const ki = kernelInfo();
  const peak = peakMb();
  const result: Record<string, number | boolean> = { inertia_f64: inertiaF64(x, n, d, centres, a.k) };
  if (a.task === 'fit') {
    Object.assign(result, { n_iter: nIter, converged, distances, first_iter_s: firstIterS, last_iter_s: lastIterS,
      iterations_s: itersS, seeding_s: seedingS });
  }
  const params = a.task === 'fit'
    ? { k: a.k, init: a.init, n_init: 1, max_iter: a.maxIter, tol: a.tol, algorithm: a.algorithm === 'auto' ? `auto (= ${algorithm})` : algorithm, seed: a.seed }
    : { k: a.k, n_local_trials: 2 + Math.floor(Math.log(a.k)), seed: a.seed };
  process.stdout.write(JSON.stringify({
    system: a.task === 'fit' ? 'clusterkit.kmeans.fit' : 'clusterkit.kmeansPlusPlus', version, task: a.task, status: 'ok',
    params, threads: ki.threads, threads_requested: process.env.CLUSTERKIT_THREADS ?? null, kernel_info: ki.info, n, d, dtype: 'float32', times_s: times, median_s: median(times), peak_rss_mb: peak, base_rss_mb: base,
    peak_rss_scope: scoped ? 'timed repeats' : 'whole process', load1, node: process.version, result,
  }) + '\n', () => process.exit(0)); // exit even if a kernel thread pool keeps the event loop alive
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
