/**
 * clusterkit's side of the density / hierarchy benchmark (bench/density.bench.ts), run as a child
 * process so its time and memory are measured the way the peer runners measure theirs
 * (/work/shared/anchors/README.md): load the data, note VmRSS (base), reset the kernel's peak-RSS
 * mark (write 5 to /proc/self/clear_refs), time only the call, read VmHWM (peak). Prints one JSON
 * object on stdout with the peer runners' common fields.
 *
 *   node --expose-gc dist/bench/run-density.js --task hdbscan|dbscan|optics|linkage --data X.f32
 *       --params '{…}' [--repeats 1] [--out-labels FILE]
 *
 * Tasks (params are clusterkit option names, passed through unchanged):
 *   hdbscan  `hdbscan.fit(X, params)`                           result: n_clusters, noise_fraction, mst/core/tree seconds
 *   dbscan   `dbscan.fit(X, params)`                            result: n_clusters, noise_fraction, n_core
 *   optics   `optics.fit(X, params)`                            result: n_clusters, noise_fraction
 *   linkage  `linkage(X, {method, metric})` (distances included) result: n_merges, last_height; with params.k
 *            the tree is cut into k clusters untimed (`fcluster`, SciPy's maxclust) for the labels.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fit as hdbscanFit, type HdbscanOptions } from '../src/density/hdbscan.js';
import { fit as dbscanFit, type DbscanOptions } from '../src/density/dbscan.js';
import { fit as opticsFit, type OpticsOptions } from '../src/density/optics.js';
import { linkage } from '../src/hierarchy/linkage.js';
import { fcluster } from '../src/hierarchy/cut.js';
import type { LinkageMethod } from '../src/hierarchy/lanceWilliams.js';
import type { Matrix } from '../src/core/matrix.js';
import { readSet, packageVersion, startTimed, median } from './data.js';
import { kernelInfo, kernelStats } from '../src/kernels/index.js';
import { parallelStats } from '../src/kernels/parallel.js';

type Task = 'hdbscan' | 'dbscan' | 'optics' | 'linkage';
const TASKS: readonly Task[] = ['hdbscan', 'dbscan', 'optics', 'linkage'];

interface Args { task: Task; data: string; params: Record<string, unknown>; repeats: number; outLabels: string | null }

function parseArgs(argv: string[]): Args {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!, val = argv[i + 1];
    if (!key.startsWith('--') || val === undefined) throw new Error(`run-density: argument ${i} must be '--name value'. Got '${key}'.`);
    m.set(key.slice(2), val);
  }
  const task = (m.get('task') ?? '') as Task;
  if (!TASKS.includes(task)) throw new Error(`run-density: --task must be one of ${TASKS.join(', ')}. Got '${task}'.`);
  const data = m.get('data');
  if (!data) throw new Error('run-density: --data must be given (a .f32 file with a sibling .json). Got nothing.');
  const params = JSON.parse(m.get('params') ?? '{}') as Record<string, unknown>;
  const repeats = Number(m.get('repeats') ?? 1);
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new Error(`run-density: --repeats must be an integer ≥ 1. Got '${m.get('repeats')}'.`);
  return { task, data, params, repeats, outLabels: m.get('out-labels') ?? null };
}

function summary(labels: Int32Array): { n_clusters: number; noise_fraction: number } {
  let noise = 0, max = -1;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 0) noise++;
    else if (l > max) max = l;
  }
  return { n_clusters: max + 1, noise_fraction: noise / labels.length };
}

interface Outcome { labels: Int32Array | null; result: Record<string, unknown> }

/** One timed call; returns the labels and the result figures (computed after the clock stops). */
function runTask(a: Args, X: Matrix, times: number[]): Outcome {
  const p = a.params;
  let t0: number;
  switch (a.task) {
    case 'hdbscan': {
      t0 = performance.now();
      const r = hdbscanFit(X, p as HdbscanOptions);
      times.push((performance.now() - t0) / 1000);
      return { labels: r.labels, result: { ...summary(r.labels), algorithm: r.options.algorithm, min_samples_used: r.options.minSamples,
        core_s: r.coreSeconds, mst_s: r.mstSeconds, tree_s: r.treeSeconds, warnings: r.warnings } };
    }
    case 'dbscan': {
      t0 = performance.now();
      const r = dbscanFit(X, p as DbscanOptions);
      times.push((performance.now() - t0) / 1000);
      return { labels: r.labels, result: { ...summary(r.labels), n_core: r.coreSampleIndices.length, algorithm: r.options.algorithm } };
    }
    case 'optics': {
      t0 = performance.now();
      const r = opticsFit(X, p as OpticsOptions);
      times.push((performance.now() - t0) / 1000);
      return { labels: r.labels, result: { ...summary(r.labels), algorithm: r.options.algorithm, warnings: r.warnings } };
    }
    case 'linkage': {
      const method = (p.method ?? 'ward') as LinkageMethod;
      const metric = (p.metric ?? 'euclidean') as 'euclidean';
      t0 = performance.now();
      const r = linkage(X, { method, metric });
      times.push((performance.now() - t0) / 1000);
      const res: Record<string, unknown> = { n_merges: r.n - 1, last_height: r.z[(r.n - 2) * 4 + 2], precision: r.options.precision };
      if (typeof p.k === 'number') {
        const lab = fcluster(r, { k: p.k });
        // fcluster numbers clusters from 1 (SciPy); the peer runner writes fcluster − 1.
        const out = new Int32Array(lab.length);
        let min = Infinity;
        for (let i = 0; i < lab.length; i++) min = Math.min(min, lab[i]!);
        for (let i = 0; i < lab.length; i++) out[i] = lab[i]! - min;
        res.n_clusters = summary(out).n_clusters;
        return { labels: out, result: res };
      }
      return { labels: null, result: res };
    }
  }
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const { n, d, x } = readSet(a.data);
  const X: Matrix = { data: x, rows: n, cols: d };
  const version = packageVersion();

  const { gc, load1, base, scoped, peak: peakMb } = startTimed();
  const times: number[] = [];
  let last: Outcome = { labels: null, result: {} };
  for (let r = 0; r < a.repeats; r++) {
    gc();
    last = runTask(a, X, times);
    process.stderr.write(`  repeat ${r + 1}/${a.repeats}: ${times.at(-1)!.toFixed(4)} s\n`);
  }
  const peak = peakMb();
  if (a.outLabels && last.labels) {
    const tmp = `${a.outLabels}.tmp${process.pid}`;
    writeFileSync(tmp, Array.from(last.labels).join('\n') + '\n');
    renameSync(tmp, a.outLabels);
  }
  const system = a.task === 'linkage' ? 'clusterkit.linkage' : `clusterkit.${a.task}.fit`;
  process.stdout.write(JSON.stringify({
    system, version, task: a.task, status: 'ok', params: a.params, threads: kernelInfo().threads, n, d, dtype: 'float32',
    kernel_info: kernelInfo(), worker_chunks: kernelStats().workerChunks + parallelStats().workerChunks,
    times_s: times, median_s: median(times), peak_rss_mb: peak, base_rss_mb: base,
    peak_rss_scope: scoped ? 'timed repeats' : 'whole process', load1, node: process.version, result: last.result,
  }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
