/**
 * k-means benchmark: clusterkit against scikit-learn, faiss and ml-kmeans on the same
 * 200 000 × 64 float32 file, from the same 100 start centroids, in the same run, interleaved;
 * plus k-means++ seeding, the whole fit (seeding + iterations to convergence) and the machine's
 * matrix-multiply rate (numpy float32 through its BLAS), with issue 4's targets checked.
 *
 *   npm run bench                       # = build && node dist/bench/kmeans.bench.js (&& the density bench)
 *   node dist/bench/kmeans.bench.js [--repeats 3] [--skip ml-kmeans,sklearn-2t] [--out FILE]
 *
 * Environment: ANCHORS_DIR (peer runners; default ../shared/anchors beside the repository, else
 * /work/shared/anchors), PEERS_DIR (JS peers, default /tmp/clusterkit-peers), PEER_PYTHON
 * (default /usr/bin/python3, Debian's, which has the apt-installed peers).
 *
 * Every system runs in its own child process per sample (the peers' runners, or
 * dist/bench/run-ours.js for clusterkit, with CLUSTERKIT_THREADS set to 1 or 2) with --repeats 1;
 * the R rounds alternate peer, ours, peer, ours, … and each row reports the median over its
 * samples. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join, relative } from 'node:path';
import { BLOBS, ensureData, ROOT, writeAtomic, type BenchFiles, median } from './data.js';

// ------------------------------------------------------------------------------------ settings

const MAX_ITER = 20;
/** MB = 10⁶ bytes throughout; the runners report MiB, converted on reading. */
const MIB = 1.048576;
/** Relative inertia agreement required between systems run from the same start. */
const AGREE_REL = 1e-4;
/** Targets of the first k-means issue. */
const TARGET_SPEEDUP_VS_ML = 5;
const TARGET_MEM_X_DATA = 2;
/** Targets of issue 4 ("Fast kernels"). */
const T4 = {
  /** clusterkit Lloyd 2 threads s/iteration ÷ scikit-learn 2 threads s/iteration, at most. */
  lloyd2tVsSklearn: 1.0,
  /** ml-kmeans s/iteration ÷ clusterkit Lloyd 2 threads s/iteration, at least. */
  lloyd2tVsMl: 30,
  /** clusterkit seeding time ÷ scikit-learn's, at most. */
  seedVsSklearn: 0.5,
  /** clusterkit whole fit ÷ scikit-learn KMeans whole fit, below. */
  fitVsSklearn: 1.0,
  /** scikit-learn 1 thread s/iteration ÷ clusterkit Lloyd 1 thread s/iteration, at least. */
  lloyd1tVsSklearn: 0.8,
};
/** Whole fit: scikit-learn's defaults for KMeans(n_init=1): tol 1e-4, max_iter 300. */
const FIT_TOL = 1e-4;
const FIT_MAX_ITER = 300;
/** Matrix-multiply probe: square size, and the row chunk scikit-learn's Lloyd uses per BLAS call. */
const MM_SQUARE = 2048;
const MM_CHUNK = 256;

interface Cli { repeats: number; skip: Set<string>; out: string }

function parseCli(argv: string[]): Cli {
  const cli: Cli = { repeats: 3, skip: new Set(), out: join(ROOT, 'bench', 'results', 'latest.md') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!, v = argv[i + 1];
    if (a === '--repeats' && v) { cli.repeats = Number(v); i++; }
    else if (a === '--skip' && v) { for (const s of v.split(',')) cli.skip.add(s.trim()); i++; }
    else if (a === '--out' && v) { cli.out = v; i++; }
    else throw new Error(`kmeans.bench: argument '${a}' must be --repeats N, --skip ids or --out FILE. Got '${a}${v ? ' ' + v : ''}'.`);
  }
  if (!(Number.isInteger(cli.repeats) && cli.repeats >= 1)) throw new Error(`kmeans.bench: --repeats must be an integer ≥ 1. Got ${cli.repeats}.`);
  return cli;
}

const ANCHORS = process.env.ANCHORS_DIR ??
  [join(ROOT, '..', 'shared', 'anchors'), '/work/shared/anchors'].find((p) => existsSync(join(p, 'py_peers.py'))) ?? '';
const PEERS_DIR = process.env.PEERS_DIR ?? '/tmp/clusterkit-peers';
const PY = process.env.PEER_PYTHON ?? '/usr/bin/python3';

/**
 * numpy float32 matmul rate with N BLAS threads (argv[1]), printed as one JSON object in the
 * runners' format. Threads are set in the environment before numpy loads (as py_peers.py does).
 * Three shapes: square S×S·S×S; the k-means assignment product X·Cᵀ ([n × d]·[d × k]) in one call;
 * and the same product in row chunks of MM_CHUNK (what scikit-learn's Lloyd issues per BLAS call).
 * Each: one warm-up, then R timed calls; GFLOP/s = 2·m·k·n / median seconds.
 */
const MATMUL_PY = `
import json, os, sys, time
t = sys.argv[1]
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[v] = t
try:
    import numpy as np
except ImportError:
    print("error: peer not installed: numpy (apt-get install python3-numpy)", file=sys.stderr); sys.exit(3)
S, n, d, k, chunk, reps = (int(v) for v in sys.argv[2:8])
blas = None
try:
    from threadpoolctl import threadpool_info
    b = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if b:
        blas = {f: b[0].get(f) for f in ("internal_api", "version", "num_threads", "threading_layer", "architecture")}
except ImportError:
    pass
rng = np.random.default_rng(0)
load1 = os.getloadavg()[0]
def timed(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
    return sorted(ts)[len(ts) // 2], ts
A = rng.standard_normal((S, S), dtype=np.float32); B = rng.standard_normal((S, S), dtype=np.float32); O = np.empty((S, S), np.float32)
sq, sq_all = timed(lambda: np.matmul(A, B, out=O), reps)
X = rng.standard_normal((n, d), dtype=np.float32); CT = np.ascontiguousarray(rng.standard_normal((k, d), dtype=np.float32).T)
P = np.empty((n, k), np.float32)
km, _ = timed(lambda: np.matmul(X, CT, out=P), reps)
def chunked():
    for s in range(0, n, chunk):
        np.matmul(X[s:s + chunk], CT, out=P[s:s + chunk])
kc, _ = timed(chunked, reps)
print(json.dumps({"system": "numpy.matmul float32", "version": np.__version__, "task": "matmul", "status": "ok",
    "params": {"square": S, "n": n, "d": d, "k": k, "chunk": chunk, "repeats": reps}, "threads": int(t), "n": n, "d": d,
    "times_s": sq_all, "median_s": sq, "peak_rss_mb": 0, "base_rss_mb": 0, "peak_rss_scope": "not measured", "load1": load1,
    "result": {"gflops_square": 2 * S ** 3 / sq / 1e9, "gflops_kmeans": 2 * n * d * k / km / 1e9,
               "gflops_kmeans_chunked": 2 * n * d * k / kc / 1e9, "blas": blas}}))
`;

// ------------------------------------------------------------------------------------ runners

/** One runner's JSON (the common fields of the anchors' runners; run-ours prints the same). */
interface RunJson {
  system: string; version: string; task: string; status: string; params: Record<string, unknown>;
  threads: number; n: number; d: number; times_s: number[]; median_s: number;
  peak_rss_mb: number; base_rss_mb: number; peak_rss_scope: string; load1: number;
  result: Record<string, unknown>;
  /** run-ours only: CLUSTERKIT_THREADS as given, and the kernel layer's self-description. */
  threads_requested?: string | null;
  kernel_info?: Record<string, unknown>;
}

/** fit: Lloyd/Hamerly iterations from the shared start; seed: k-means++ only; whole: seeding + fit to convergence; matmul: BLAS probe. */
type Group = 'fit' | 'seed' | 'whole' | 'matmul';

interface System {
  id: string;
  label: string;
  ours: boolean;
  group: Group;
  /** Algorithm / variant shown in the table. */
  variant: string;
  /** Threads asked for (CLUSTERKIT_THREADS for clusterkit, --threads for the Python peers). */
  threadsAsked: number;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  timeoutS: number;
}

interface Row {
  sys: System;
  samples: RunJson[];
  skipped: string | null;
  failed: string | null;
}

function systems(f: BenchFiles): System[] {
  const k = f.k;
  const py = (id: string, label: string, task: string, params: object, threads: number, variant: string, group: Group = 'fit'): System => ({
    id, label, ours: false, group, variant, threadsAsked: threads, cmd: PY, timeoutS: 900,
    args: [join(ANCHORS, 'py_peers.py'), '--task', task, '--data', f.data, '--params', JSON.stringify(params),
      '--threads', String(threads), '--repeats', '1'],
  });
  const ours = (id: string, task: 'fit' | 'seed', extra: string[], variant: string, group: Group, threads: number): System => ({
    id, label: 'clusterkit', ours: true, group, variant: `${variant}, CLUSTERKIT_THREADS=${threads}`, threadsAsked: threads,
    cmd: process.execPath, timeoutS: 900, env: { CLUSTERKIT_THREADS: String(threads) },
    args: ['--expose-gc', join(ROOT, 'dist', 'bench', 'run-ours.js'), '--task', task, '--data', f.data, '--k', String(k), ...extra],
  });
  const matmul = (id: string, threads: number): System => ({
    id, label: 'numpy matmul', ours: false, group: 'matmul', variant: `float32, ${threads} thread${threads > 1 ? 's' : ''}`,
    threadsAsked: threads, cmd: PY, timeoutS: 300,
    args: ['-c', MATMUL_PY, String(threads), String(MM_SQUARE), String(f.n), String(f.d), String(k), String(MM_CHUNK), '5'],
  });
  const fitArgs = (alg: string): string[] => ['--init', f.init, '--algorithm', alg, '--max-iter', String(MAX_ITER), '--tol', '0', '--seed', '0'];
  const wholeArgs = ['--init', 'k-means++', '--algorithm', 'auto', '--max-iter', String(FIT_MAX_ITER), '--tol', String(FIT_TOL), '--seed', '0'];
  const skParams = { k, init: f.init, max_iter: MAX_ITER, tol: 0, algorithm: 'lloyd', seed: 0 };
  const skWhole = { k, init: 'k-means++', n_init: 1, max_iter: FIT_MAX_ITER, tol: FIT_TOL, algorithm: 'lloyd', seed: 0 };
  const kppVariant = 'greedy, 2+⌊ln k⌋ trials';
  return [
    py('sklearn-1t', 'scikit-learn KMeans', 'kmeans', skParams, 1, 'lloyd, 1 thread'),
    py('sklearn-2t', 'scikit-learn KMeans', 'kmeans', skParams, 2, 'lloyd, 2 threads'),
    py('faiss-1t', 'faiss Kmeans', 'faiss_kmeans',
      { k, niter: MAX_ITER, init: f.init, max_points_per_centroid: f.n, seed: 0 }, 1, 'lloyd, all points, 1 thread'),
    {
      id: 'ml-kmeans', label: 'ml-kmeans', ours: false, group: 'fit', variant: 'lloyd', threadsAsked: 1, cmd: process.execPath, timeoutS: 1000,
      args: [join(ANCHORS, 'js_peers.mjs'), '--task', 'ml-kmeans', '--data', f.data,
        '--params', JSON.stringify({ k, init: f.init, max_iter: MAX_ITER, tol: 0, seed: 0 }), '--repeats', '1', '--timeout-s', '900'],
    },
    ours('ours-lloyd', 'fit', fitArgs('lloyd'), 'lloyd', 'fit', 1),
    ours('ours-lloyd-2t', 'fit', fitArgs('lloyd'), 'lloyd', 'fit', 2),
    ours('ours-hamerly', 'fit', fitArgs('hamerly'), 'hamerly', 'fit', 1),
    ours('ours-hamerly-2t', 'fit', fitArgs('hamerly'), 'hamerly', 'fit', 2),
    py('sklearn-kpp', 'scikit-learn kmeans_plusplus', 'kmeans_plusplus', { k, n_local_trials: null, seed: 0 }, 1,
      `${kppVariant}, 1 thread`, 'seed'),
    py('sklearn-kpp-2t', 'scikit-learn kmeans_plusplus', 'kmeans_plusplus', { k, n_local_trials: null, seed: 0 }, 2,
      `${kppVariant}, 2 threads`, 'seed'),
    ours('ours-kpp', 'seed', ['--seed', '0'], kppVariant, 'seed', 1),
    ours('ours-kpp-2t', 'seed', ['--seed', '0'], kppVariant, 'seed', 2),
    py('sklearn-fit-1t', 'scikit-learn KMeans', 'kmeans', skWhole, 1, 'k-means++ + lloyd, 1 thread', 'whole'),
    py('sklearn-fit-2t', 'scikit-learn KMeans', 'kmeans', skWhole, 2, 'k-means++ + lloyd, 2 threads', 'whole'),
    ours('ours-fit', 'fit', wholeArgs, 'k-means++ + auto', 'whole', 1),
    ours('ours-fit-2t', 'fit', wholeArgs, 'k-means++ + auto', 'whole', 2),
    matmul('matmul-1t', 1),
    matmul('matmul-2t', 2),
  ];
}

/** Run one sample. Exit 3/4/5 → skipped with the runner's last stderr line (README "Exit codes"). */
function runOnce(s: System): { json?: RunJson; skipped?: string; failed?: string } {
  if (!s.ours && !ANCHORS && s.group !== 'matmul') return { skipped: 'peer runners not found (set ANCHORS_DIR)' };
  if (!s.ours && !existsSync(s.cmd)) return { skipped: `${s.cmd} not found (set PEER_PYTHON)` };
  const t0 = performance.now();
  const r = spawnSync(s.cmd, s.args, {
    encoding: 'utf8', maxBuffer: 1 << 26, timeout: s.timeoutS * 1000,
    env: { ...process.env, PEERS_DIR, ...s.env },
  });
  const wall = (performance.now() - t0) / 1000;
  const why = (r.stderr ?? '').trim().split('\n').at(-1) ?? '';
  if (r.error) return { failed: `${r.error.message}` };
  if (r.status === 3 || r.status === 4) return { skipped: why };
  if (r.status === 5) return { skipped: `timeout: ${why}` };
  if (r.status !== 0) return { failed: `exit ${r.status ?? r.signal}: ${why}` };
  try {
    const json = JSON.parse(r.stdout) as RunJson;
    log(`  ${s.id.padEnd(15)} ${json.median_s.toFixed(3).padStart(9)} s  (process ${wall.toFixed(1)} s, threads ${json.threads}, load1 ${json.load1.toFixed(2)})`);
    return { json };
  } catch {
    return { failed: `stdout is not one JSON object: ${r.stdout.slice(0, 200)}` };
  }
}

// ------------------------------------------------------------------------------------ figures

interface Fig {
  medianS: number;
  minS: number;
  maxS: number;
  nSamples: number;
  iters: number | null;
  perIterS: number | null;
  /** Largest (peak − base) over the samples, MB. */
  extraMb: number;
  peakMb: number;
  inertia: number | null;
  load1: number[];
  version: string;
  /** Threads the system reported using (clusterkit: kernelInfo().threads, 1 without it). */
  threads: number;
  /** clusterkit whole fit: median seeding seconds inside the timed call. */
  seedingS: number | null;
  /** Median over samples of a numeric result field. */
  res: (field: string) => number | null;
}

function figures(r: Row): Fig | null {
  if (r.samples.length === 0) return null;
  const last = r.samples.at(-1)!;
  const medianS = median(r.samples.map((s) => s.median_s));
  const itersRaw = last.result.n_iter;
  const iters = typeof itersRaw === 'number' ? itersRaw : null;
  const inertia = typeof last.result.inertia_f64 === 'number' ? last.result.inertia_f64 : null;
  const res = (field: string): number | null => {
    const v = r.samples.map((s) => s.result[field]).filter((x): x is number => typeof x === 'number');
    return v.length ? median(v) : null;
  };
  return {
    medianS, minS: Math.min(...r.samples.map((s) => s.median_s)), maxS: Math.max(...r.samples.map((s) => s.median_s)),
    nSamples: r.samples.length, iters, perIterS: iters ? medianS / iters : null,
    extraMb: Math.max(...r.samples.map((s) => (s.peak_rss_mb - s.base_rss_mb) * MIB)),
    peakMb: Math.max(...r.samples.map((s) => s.peak_rss_mb * MIB)),
    inertia, load1: r.samples.map((s) => s.load1), version: last.version, threads: last.threads,
    seedingS: res('seeding_s'), res,
  };
}

const fmt = (v: number | null, digits = 3): string => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const fmtS = (v: number | null): string => (v === null ? '–' : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
/** "3.11× faster (peer / ours = 3.11)" from the peer's and clusterkit's times (same unit). */
const ratio = (peer: number, ours: number, peerName: string): string => {
  const x = peer / ours;
  const r = `${peerName} / ours = ${x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}`;
  return x >= 1 ? `clusterkit ${x.toFixed(2)}× faster (${r})` : `clusterkit ${(1 / x).toFixed(2)}× slower (${r})`;
};
/** Threads used, with the request when they differ (e.g. no thread pool in this build). */
const threadsCell = (r: Row, g: Fig): string => (g.threads === r.sys.threadsAsked ? `${g.threads}` : `${g.threads} (asked ${r.sys.threadsAsked})`);

function log(s: string): void { process.stderr.write(`${s}\n`); }

// ------------------------------------------------------------------------------------ main

function main(): void {
  const cli = parseCli(process.argv.slice(2));
  const started = new Date();
  const tStart = performance.now();
  const load0 = loadavg()[0]!;
  const f = ensureData(log);
  const dataMb = (f.n * f.d * 4) / 1e6;
  log(`data: ${relative(ROOT, f.data)} (${f.n} × ${f.d} float32, ${dataMb.toFixed(1)} MB)${f.made ? ', made now' : ', cached'}`);
  log(`anchors: ${ANCHORS || '(not found)'}; PEERS_DIR=${PEERS_DIR}; python ${PY}`);

  const all = systems(f);
  const rows = new Map<string, Row>(all.map((s) => [s.id, { sys: s, samples: [], skipped: cli.skip.has(s.id) ? 'left out by --skip' : null, failed: null }]));
  // Per round: peer, ours, peer, ours, … ; the cheap hamerly rows run twice a round, the rest once.
  const order = ['sklearn-1t', 'ours-lloyd', 'faiss-1t', 'ours-hamerly', 'sklearn-2t', 'ours-lloyd-2t', 'matmul-1t', 'ours-hamerly-2t',
    'ml-kmeans', 'ours-hamerly', 'matmul-2t', 'ours-hamerly-2t', 'sklearn-kpp', 'ours-kpp', 'sklearn-kpp-2t', 'ours-kpp-2t',
    'sklearn-fit-1t', 'ours-fit', 'sklearn-fit-2t', 'ours-fit-2t'];
  for (let round = 1; round <= cli.repeats; round++) {
    log(`round ${round}/${cli.repeats}`);
    for (const id of order) {
      const row = rows.get(id)!;
      if (row.skipped || row.failed) continue;
      const out = runOnce(row.sys);
      if (out.json) row.samples.push(out.json);
      else if (out.skipped) { row.skipped = out.skipped; log(`  ${id}: skipped: ${out.skipped}`); }
      else { row.failed = out.failed!; log(`  ${id}: FAILED: ${out.failed}`); }
    }
  }
  const totalS = (performance.now() - tStart) / 1000;
  const md = report(cli, f, rows, { started, totalS, load0, load1: loadavg()[0]!, dataMb });
  writeAtomic(cli.out, md);
  process.stdout.write(md);
  log(`written ${relative(process.cwd(), cli.out) || cli.out} (${totalS.toFixed(0)} s in all)`);
  const failed = [...rows.values()].filter((r) => r.failed && r.sys.ours);
  if (failed.length) process.exitCode = 1;
}

interface RunInfo { started: Date; totalS: number; load0: number; load1: number; dataMb: number }

function report(cli: Cli, f: BenchFiles, rows: Map<string, Row>, info: RunInfo): string {
  const L: string[] = [];
  const fig = new Map<string, Fig | null>([...rows].map(([id, r]) => [id, figures(r)]));
  const ref = fig.get('sklearn-1t')?.inertia ?? fig.get('ours-lloyd')?.inertia ?? null;
  const refName = fig.get('sklearn-1t')?.inertia != null ? 'scikit-learn 1 thread' : 'clusterkit lloyd';
  const status = (r: Row): string => (r.failed ? `FAILED: ${r.failed}` : r.skipped ? `skipped: ${r.skipped}` : 'no sample');
  const flopsIter = 2 * f.n * f.k * f.d;

  L.push('# k-means benchmark', '');
  L.push(`Run ${info.started.toISOString()} · \`npm run bench\`${cli.repeats !== 3 ? ` (--repeats ${cli.repeats})` : ''} · ` +
    `node ${process.version} · ${cpus()[0]?.model ?? '?'} × ${cpus().length} · load1 ${info.load0.toFixed(2)} at start, ` +
    `${info.load1.toFixed(2)} at end · ${(info.totalS / 60).toFixed(1)} min in all.`, '');
  // kernel layer as the clusterkit child processes described it
  const kinfo = new Map<string, string>();
  for (const r of rows.values()) {
    const ki = r.sys.ours ? r.samples.at(-1)?.kernel_info : undefined;
    if (ki) kinfo.set(`CLUSTERKIT_THREADS=${r.sys.threadsAsked}`, JSON.stringify(ki));
  }
  if (kinfo.size) L.push(`clusterkit kernels (as reported by the benchmarked processes): ${[...kinfo].map(([k, v]) => `${k} → \`${v}\``).join('; ')}.`, '');
  L.push(`Data: \`bench/data/${basename(f.data)}\`, ${f.n.toLocaleString('en-US')} × ${f.d} float32 ` +
    `(${info.dataMb.toFixed(1)} MB), clusterkit \`makeBlobs\` (${BLOBS.centers} centres in [${BLOBS.centerBox.join(', ')}]^${f.d}, ` +
    `std ${BLOBS.clusterStd}, seed ${BLOBS.seed}). Every k-means row of the first table starts from the same ${f.k} centroids ` +
    `(\`${basename(f.init)}\`, chosen once by clusterkit k-means++ seed ${BLOBS.initSeed}), max ${MAX_ITER} iterations, tol 0. ` +
    `Each system runs in its own process per sample; rounds interleave peer, clusterkit, peer, clusterkit; ` +
    `${cli.repeats} round(s) (clusterkit hamerly twice per round); times are medians over the samples. ` +
    'clusterkit rows get their thread count from `CLUSTERKIT_THREADS` in their environment; the threads column shows what the ' +
    'kernel layer reported using (`kernelInfo().threads`; 1 when the build has no `kernelInfo`), with the request when they differ.', '');
  const loads = [...rows.values()].flatMap((r) => r.samples.map((s) => s.load1));
  const maxLoad = Math.max(info.load0, ...loads);
  if (maxLoad > 1.5) {
    L.push(`> **Busy machine:** load1 reached ${maxLoad.toFixed(2)} on ${cpus().length} cores during this run (other processes ` +
      'competed for the CPU). Absolute times are inflated and noisier; interleaving spreads the slowdown over both sides, so the ' +
      'ratios are the figures to read; the min–max column shows how much the samples scattered.', '');
  }

  // ---- targets of issue 4 first: the figures the issue asks for
  L.push(...targets(rows, fig, f, status), '');

  // ---- main table
  L.push('## Lloyd iterations from the same start', '');
  L.push('| system | version | variant | threads | samples | iterations | median s | min–max s | s / iteration | peak − base MB | × data | inertia_f64 | rel. diff vs ref | load1 |');
  L.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const [id, r] of rows) {
    if (r.sys.group !== 'fit') continue;
    const g = fig.get(id);
    const name = r.sys.ours ? '**clusterkit**' : r.sys.label;
    if (!g) { L.push(`| ${name} | – | ${r.sys.variant} | – | 0 | – | – | – | – | – | – | – | – | ${status(r)} |`); continue; }
    const rel = g.inertia !== null && ref !== null ? Math.abs(g.inertia - ref) / ref : null;
    L.push(`| ${name} | ${g.version} | ${r.sys.variant} | ${threadsCell(r, g)} | ${g.nSamples} | ${g.iters ?? '–'} | ${fmtS(g.medianS)} | ${fmtS(g.minS)}–${fmtS(g.maxS)} | ` +
      `${fmt(g.perIterS, 4)} | ${fmt(g.extraMb, 1)} | ${fmt(g.extraMb / info.dataMb, 2)} | ${g.inertia === null ? '–' : g.inertia.toFixed(2)} | ` +
      `${rel === null ? '–' : rel.toExponential(1)} | ${g.load1.map((v) => v.toFixed(2)).join(' ')} |`);
  }
  L.push('', `Reference inertia: ${refName}${ref !== null ? ` = ${ref.toFixed(2)}` : ' (none)'}. ` +
    '`inertia_f64` = Σ over rows of the squared distance to the nearest final centre, in float64, recomputed untimed by each runner. ' +
    '`s / iteration` = median time ÷ iterations actually run (scikit-learn and clusterkit stop early when no label changes; ' +
    'faiss always runs `niter`). `peak − base` = the process\'s peak resident memory during the timed call (kernel mark reset ' +
    'after loading) minus its resident memory with the data loaded: the algorithm\'s own memory; the largest over the samples. ' +
    '`× data` divides it by the data size.', '');

  // ---- ratios
  const ours = [['lloyd', 'ours-lloyd'], ['lloyd 2t', 'ours-lloyd-2t'], ['hamerly', 'ours-hamerly'], ['hamerly 2t', 'ours-hamerly-2t']] as const;
  L.push('## Speed ratios (peer s/iteration ÷ clusterkit s/iteration)', '');
  L.push(`| peer | ${ours.map(([n, id]) => `vs clusterkit ${n} (${threadsOf(rows, fig, id)})`).join(' | ')} |`, `|---|${ours.map(() => '---|').join('')}`);
  for (const id of ['ml-kmeans', 'sklearn-1t', 'sklearn-2t', 'faiss-1t']) {
    const r = rows.get(id)!, g = fig.get(id);
    const name = `${r.sys.label} (${r.sys.variant})`;
    if (!g || g.perIterS === null) { L.push(`| ${name} | ${status(r)} |${ours.slice(1).map(() => ' |').join('')}`); continue; }
    const c = (o: Fig | null | undefined): string => (o?.perIterS ? ratio(g.perIterS!, o.perIterS, r.sys.label) : '–');
    L.push(`| ${name} | ${ours.map(([, oid]) => c(fig.get(oid))).join(' | ')} |`);
  }
  L.push('', '"N× faster" means clusterkit takes 1/N of the peer\'s time per iteration; "N× slower" means N times the peer\'s time. ' +
    'Column heads give the threads the clusterkit row actually used.', '');

  // ---- kernel rate vs the machine's matmul rate
  L.push(...rateSection(rows, fig, f, status, flopsIter), '');

  // ---- seeding
  L.push(`## k-means++ seeding (k = ${f.k}, 2 + ⌊ln k⌋ = ${2 + Math.floor(Math.log(f.k))} local trials, all ${f.n.toLocaleString('en-US')} rows)`, '');
  L.push('| system | version | variant | threads | samples | median s | min–max s | peak − base MB | inertia_f64 of the seeds | load1 |', '|---|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const id of ['sklearn-kpp', 'sklearn-kpp-2t', 'ours-kpp', 'ours-kpp-2t']) {
    const r = rows.get(id)!, g = fig.get(id);
    const name = r.sys.ours ? '**clusterkit** kmeansPlusPlus' : r.sys.label;
    if (!g) { L.push(`| ${name} | – | ${r.sys.variant} | – | 0 | – | – | – | – | ${status(r)} |`); continue; }
    L.push(`| ${name} | ${g.version} | ${r.sys.variant} | ${threadsCell(r, g)} | ${g.nSamples} | ${fmtS(g.medianS)} | ${fmtS(g.minS)}–${fmtS(g.maxS)} | ${fmt(g.extraMb, 1)} | ` +
      `${g.inertia === null ? '–' : g.inertia.toFixed(0)} | ${g.load1.map((v) => v.toFixed(2)).join(' ')} |`);
  }
  L.push('');
  for (const [a, b, t] of [['sklearn-kpp', 'ours-kpp', '1 thread each'], ['sklearn-kpp-2t', 'ours-kpp-2t', '2 threads each']] as const) {
    const sk = fig.get(a), ok = fig.get(b);
    if (sk && ok) L.push(`- Seeding, ${t}: ${ratio(sk.medianS, ok.medianS, 'scikit-learn')}.`);
  }
  L.push('', 'The random draws differ (numpy vs PCG32), so the seeds\' inertia agrees only in size, not exactly. scikit-learn ' +
    'computes the candidates\' distances through BLAS (threads apply).', '');

  // ---- whole fit
  L.push(`## Whole fit: k-means++ seeding + iterations to convergence (n_init 1, tol ${FIT_TOL}, max ${FIT_MAX_ITER} iterations)`, '');
  L.push('| system | version | variant | threads | samples | iterations | median s | min–max s | of which seeding s | peak − base MB | final inertia_f64 | rel. diff vs scikit-learn 1 thread | load1 |');
  L.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const wref = fig.get('sklearn-fit-1t')?.inertia ?? null;
  for (const id of ['sklearn-fit-1t', 'sklearn-fit-2t', 'ours-fit', 'ours-fit-2t']) {
    const r = rows.get(id)!, g = fig.get(id);
    const name = r.sys.ours ? '**clusterkit** kmeans.fit' : r.sys.label;
    if (!g) { L.push(`| ${name} | – | ${r.sys.variant} | – | 0 | – | – | – | – | – | – | – | ${status(r)} |`); continue; }
    const rel = g.inertia !== null && wref !== null ? (g.inertia - wref) / wref : null;
    L.push(`| ${name} | ${g.version} | ${r.sys.variant} | ${threadsCell(r, g)} | ${g.nSamples} | ${g.iters ?? '–'} | ${fmtS(g.medianS)} | ` +
      `${fmtS(g.minS)}–${fmtS(g.maxS)} | ${g.seedingS === null ? '–' : fmtS(g.seedingS)} | ${fmt(g.extraMb, 1)} | ` +
      `${g.inertia === null ? '–' : g.inertia.toFixed(2)} | ${rel === null ? '–' : `${rel >= 0 ? '+' : ''}${rel.toExponential(1)}`} | ${g.load1.map((v) => v.toFixed(2)).join(' ')} |`);
  }
  L.push('', 'Both sides seed with greedy k-means++ (2 + ⌊ln k⌋ trials) from seed 0, but with different random generators ' +
    '(numpy vs PCG32), so they start from different centres and reach different local optima: iterations and final inertia ' +
    'differ legitimately (signed relative difference shown; negative = lower inertia than scikit-learn). Both stop when no ' +
    'label changes or when Σ‖Δc‖² ≤ tol × mean column variance (scikit-learn\'s rule, which clusterkit follows). ' +
    'scikit-learn\'s KMeans runs Lloyd (its default `algorithm`); clusterkit its default `auto` (= the algorithm named in ' +
    'Parameters below). clusterkit\'s seeding share is its own `seedingSeconds`.', '');

  // ---- checks
  L.push('## Checks', '');
  const agreeRows = [...rows.values()].filter((r) => r.sys.group === 'fit').map((r) => ({ r, g: fig.get(r.sys.id) }))
    .filter((x) => x.g?.inertia != null);
  let worst = 0, worstName = '';
  for (const { r, g } of agreeRows) {
    const rel = ref ? Math.abs(g!.inertia! - ref) / ref : 0;
    if (rel >= worst) { worst = rel; worstName = `${r.sys.label} ${r.sys.variant}`; }
  }
  L.push(`- Agreement: ${agreeRows.length} k-means rows from the same start; largest relative inertia difference from the reference ` +
    `${worst.toExponential(1)} (${worstName}) — ${agreeRows.length >= 2 && worst <= AGREE_REL ? 'PASS' : 'FAIL'} (≤ ${AGREE_REL}).`);
  const ml = fig.get('ml-kmeans');
  const ourVariants = [['hamerly (the default, algorithm \'auto\')', 'ours-hamerly'], ['lloyd', 'ours-lloyd'],
    ['hamerly, CLUSTERKIT_THREADS=2', 'ours-hamerly-2t'], ['lloyd, CLUSTERKIT_THREADS=2', 'ours-lloyd-2t']] as const;
  for (const [name, oid] of ourVariants) {
    const o = fig.get(oid);
    if (ml?.perIterS && o?.perIterS) {
      const x = ml.perIterS / o.perIterS;
      L.push(`- Target ≥ ${TARGET_SPEEDUP_VS_ML}× faster per iteration than ml-kmeans, clusterkit ${name}: ${x.toFixed(2)}× — ${x >= TARGET_SPEEDUP_VS_ML ? 'PASS' : 'FAIL'}.`);
    } else L.push(`- Target ≥ ${TARGET_SPEEDUP_VS_ML}× faster per iteration than ml-kmeans, clusterkit ${name}: not measured (${ml ? 'clusterkit row missing' : status(rows.get('ml-kmeans')!)}).`);
  }
  for (const [name, oid] of ourVariants) {
    const o = fig.get(oid);
    if (o) {
      const x = o.extraMb / info.dataMb;
      L.push(`- Target peak memory < ${TARGET_MEM_X_DATA}× data size (${(TARGET_MEM_X_DATA * info.dataMb).toFixed(1)} MB), clusterkit ${name}: ` +
        `peak − base ${o.extraMb.toFixed(1)} MB = ${x.toFixed(2)}× — ${x < TARGET_MEM_X_DATA ? 'PASS' : 'FAIL'}. ` +
        `(Whole process peak incl. data and Node itself: ${o.peakMb.toFixed(1)} MB = ${(o.peakMb / info.dataMb).toFixed(2)}× data.)`);
    } else L.push(`- Target peak memory < ${TARGET_MEM_X_DATA}× data, clusterkit ${name}: not measured (${status(rows.get(oid)!)}).`);
  }
  L.push('');

  // ---- parameters
  L.push('## Parameters in force (as echoed by each runner)', '');
  for (const [id, r] of rows) {
    const s = r.samples.at(-1);
    if (!s) continue;
    const p = { ...s.params } as Record<string, unknown>;
    if (typeof p.init === 'string' && p.init.includes('/')) p.init = basename(p.init);
    const extra = r.sys.ours && s.result.distances ? `; distances evaluated ${(s.result.distances as number).toExponential(2)}` : '';
    const asked = r.sys.ours ? `, CLUSTERKIT_THREADS=${s.threads_requested ?? 'unset'}` : '';
    L.push(`- ${id}: ${s.system} ${s.version}, threads ${s.threads}${asked}, \`${JSON.stringify(p)}\`${extra}`);
  }
  L.push('', `Peers: \`${PY} py_peers.py\`, \`node js_peers.mjs\` (PEERS_DIR ${PEERS_DIR}), matmul probe \`${PY} -c <MATMUL_PY in ` +
    'bench/kmeans.bench.ts>`; clusterkit: `CLUSTERKIT_THREADS=N node --expose-gc dist/bench/run-ours.js`. A busy machine shows in ' +
    'load1: on 2 cores, a load above 1 slows every row, the 2-thread rows most.', '');
  return L.join('\n');
}

/** "2 threads" / "1 thread (asked 2)" for a column head. */
function threadsOf(rows: Map<string, Row>, fig: Map<string, Fig | null>, id: string): string {
  const r = rows.get(id)!, g = fig.get(id);
  if (!g) return `CLUSTERKIT_THREADS=${r.sys.threadsAsked}, not measured`;
  return `${g.threads} thread${g.threads > 1 ? 's' : ''}${g.threads !== r.sys.threadsAsked ? `, asked ${r.sys.threadsAsked}` : ''}`;
}

/** Kernel GFLOP/s of every Lloyd row next to the numpy/OpenBLAS matmul rate with the same thread count. */
function rateSection(rows: Map<string, Row>, fig: Map<string, Fig | null>, f: BenchFiles, status: (r: Row) => string,
  flopsIter: number): string[] {
  const L: string[] = [];
  L.push('## Kernel rate against the machine\'s matrix-multiply rate', '');
  const mm = new Map<number, Fig | null>([[1, fig.get('matmul-1t') ?? null], [2, fig.get('matmul-2t') ?? null]]);
  L.push('| numpy float32 matmul | version | BLAS | threads | samples | square ' + `${MM_SQUARE}³ GFLOP/s | [${f.n} × ${f.d}]·[${f.d} × ${f.k}] one call GFLOP/s | ` +
    `same in ${MM_CHUNK}-row chunks GFLOP/s | load1 |`, '|---|---|---|---:|---:|---:|---:|---:|---|');
  for (const id of ['matmul-1t', 'matmul-2t']) {
    const r = rows.get(id)!, g = fig.get(id);
    if (!g) { L.push(`| ${r.sys.variant} | – | – | ${r.sys.threadsAsked} | 0 | – | – | – | ${status(r)} |`); continue; }
    const blas = r.samples.at(-1)!.result.blas as Record<string, unknown> | null;
    const blasS = blas ? `${String(blas.internal_api)} ${String(blas.version)} (${String(blas.architecture)}, ${String(blas.num_threads)} threads)` : 'unknown (no threadpoolctl)';
    L.push(`| ${r.sys.variant} | ${g.version} | ${blasS} | ${g.threads} | ${g.nSamples} | ${fmt(g.res('gflops_square'), 1)} | ` +
      `${fmt(g.res('gflops_kmeans'), 1)} | ${fmt(g.res('gflops_kmeans_chunked'), 1)} | ${g.load1.map((v) => v.toFixed(2)).join(' ')} |`);
  }
  L.push('');
  L.push('| Lloyd row | threads | s / iteration | GFLOP/s | ÷ matmul square (same threads) | ÷ matmul k-means shape (same threads) |', '|---|---:|---:|---:|---:|---:|');
  for (const id of ['ours-lloyd', 'ours-lloyd-2t', 'sklearn-1t', 'sklearn-2t', 'faiss-1t', 'ml-kmeans']) {
    const r = rows.get(id)!, g = fig.get(id);
    const name = r.sys.ours ? `**clusterkit** ${r.sys.variant}` : `${r.sys.label} (${r.sys.variant})`;
    if (!g || g.perIterS === null) { L.push(`| ${name} | – | – | – | – | ${status(r)} |`); continue; }
    const gf = flopsIter / g.perIterS / 1e9;
    const m = mm.get(g.threads);
    const sq = m?.res('gflops_square') ?? null, km = m?.res('gflops_kmeans') ?? null;
    L.push(`| ${name} | ${threadsCell(r, g)} | ${fmt(g.perIterS, 4)} | ${gf.toFixed(1)} | ${sq ? `${((100 * gf) / sq).toFixed(0)} %` : '–'} | ` +
      `${km ? `${((100 * gf) / km).toFixed(0)} %` : '–'} |`);
  }
  L.push('', `What is counted: the assignment step only, 2·n·k·d = 2 × ${f.n.toLocaleString('en-US')} × ${f.k} × ${f.d} = ` +
    `${(flopsIter / 1e9).toFixed(2)} GFLOP per Lloyd iteration (one multiply and one add per row, centre and dimension, as the ` +
    'matrix product X·Cᵀ that it equals up to the norms). Not counted: row/centre norms, the arg-min, the centre update, ' +
    'inertia and label bookkeeping. The time divided is the whole iteration (median time ÷ iterations), so the figure is a ' +
    'lower bound on the assignment kernel\'s own rate. Hamerly rows are left out: they skip most distances, so 2·n·k·d would ' +
    'overstate their work. The matmul figures are numpy `np.matmul(A, B, out=…)` on random float32 inputs, one warm-up then ' +
    'the median of 5 calls per sample, through the BLAS numpy loaded (threads set in the environment before numpy loads); ' +
    `the ${MM_CHUNK}-row chunks are the block size scikit-learn's Lloyd hands to BLAS.`);
  return L;
}

/** Issue 4's targets, each a ratio of medians measured in this run, with PASS / FAIL (or why not measured). */
function targets(rows: Map<string, Row>, fig: Map<string, Fig | null>, f: BenchFiles, status: (r: Row) => string): string[] {
  const L: string[] = ['## Targets (issue 4)', ''];
  L.push('| # | target | clusterkit row | compared with | measured | verdict |', '|---|---|---|---|---:|---|');
  const why = (id: string): string => {
    const r = rows.get(id)!;
    if (r.skipped && /not installed|not found/i.test(r.skipped)) return `skipped (not installed): ${r.skipped}`;
    return status(r);
  };
  const cell = (id: string): string => {
    const r = rows.get(id)!, g = fig.get(id);
    return g ? `${r.sys.label} ${r.sys.variant} (used ${threadsCell(r, g)} thr.)` : `${r.sys.label} ${r.sys.variant}`;
  };
  /** value = a / b of the chosen figure; pass when it is ≤ (or ≥) the bound. */
  const add = (no: string, text: string, ours: string, peer: string, pick: (g: Fig) => number | null, kind: 'ours/peer' | 'peer/ours',
    cmp: '<=' | '>=' | '<', bound: number): void => {
    const go = fig.get(ours), gp = fig.get(peer);
    const vo = go ? pick(go) : null, vp = gp ? pick(gp) : null;
    if (vo === null || vp === null) {
      // a missing peer is "skipped (not installed)", never PASS; a missing clusterkit row is NOT MEASURED
      const verdict = vo === null ? `NOT MEASURED (clusterkit ${why(ours)})` : /^skipped/.test(why(peer)) ? why(peer) : `NOT MEASURED (peer ${why(peer)})`;
      L.push(`| ${no} | ${text} | ${cell(ours)} | ${cell(peer)} | – | ${verdict} |`);
      return;
    }
    const x = kind === 'ours/peer' ? vo / vp : vp / vo;
    const ok = cmp === '<=' ? x <= bound : cmp === '>=' ? x >= bound : x < bound;
    L.push(`| ${no} | ${text} | ${cell(ours)} | ${cell(peer)} | ${kind} = ${x.toFixed(2)} (${cmp.replace('<=', '≤').replace('>=', '≥')} ${bound}) | ${ok ? 'PASS' : 'FAIL'} |`);
  };
  const perIter = (g: Fig): number | null => g.perIterS;
  const total = (g: Fig): number | null => g.medianS;
  add('1a', `Lloyd, 2 threads: time per iteration ≤ ${T4.lloyd2tVsSklearn}× scikit-learn's with 2 threads`, 'ours-lloyd-2t', 'sklearn-2t', perIter, 'ours/peer', '<=', T4.lloyd2tVsSklearn);
  add('1b', `Lloyd, 2 threads: ≥ ${T4.lloyd2tVsMl}× faster per iteration than ml-kmeans`, 'ours-lloyd-2t', 'ml-kmeans', perIter, 'peer/ours', '>=', T4.lloyd2tVsMl);
  add('2a', `k-means++ seeding (greedy, same trials) ≤ ${T4.seedVsSklearn}× scikit-learn's time, 2 threads each`, 'ours-kpp-2t', 'sklearn-kpp-2t', total, 'ours/peer', '<=', T4.seedVsSklearn);
  add('2b', `k-means++ seeding ≤ ${T4.seedVsSklearn}× scikit-learn's time, 1 thread each`, 'ours-kpp', 'sklearn-kpp', total, 'ours/peer', '<=', T4.seedVsSklearn);
  add('3a', 'whole fit (seeding + default algorithm to convergence, tol 1e-4, n_init 1) faster than scikit-learn KMeans, 2 threads each', 'ours-fit-2t', 'sklearn-fit-2t', total, 'ours/peer', '<', T4.fitVsSklearn);
  add('3b', 'whole fit faster than scikit-learn KMeans, 1 thread each', 'ours-fit', 'sklearn-fit-1t', total, 'ours/peer', '<', T4.fitVsSklearn);
  add('3c', 'whole fit, clusterkit 2 threads vs scikit-learn 1 thread', 'ours-fit-2t', 'sklearn-fit-1t', total, 'ours/peer', '<', T4.fitVsSklearn);
  add('3d', 'whole fit, clusterkit 1 thread vs scikit-learn 2 threads', 'ours-fit', 'sklearn-fit-2t', total, 'ours/peer', '<', T4.fitVsSklearn);
  add('4', `Lloyd, 1 thread: speed ≥ ${T4.lloyd1tVsSklearn}× scikit-learn's with 1 thread (per iteration)`, 'ours-lloyd', 'sklearn-1t', perIter, 'peer/ours', '>=', T4.lloyd1tVsSklearn);
  L.push('');
  // GFLOP/s line for target 1, and the whole-fit figures the issue asks to report
  const gf = (id: string): string => {
    const g = fig.get(id);
    return g?.perIterS ? `${((2 * f.n * f.k * f.d) / g.perIterS / 1e9).toFixed(1)} GFLOP/s` : '–';
  };
  const mm = (id: string, field: string): string => {
    const v = fig.get(id)?.res(field);
    return v != null ? `${v.toFixed(1)} GFLOP/s` : `– (${why(id)})`;
  };
  L.push(`- Target 1 rate: clusterkit Lloyd ${gf('ours-lloyd-2t')} with CLUSTERKIT_THREADS=2, ${gf('ours-lloyd')} with 1 ` +
    `(scikit-learn ${gf('sklearn-2t')} / ${gf('sklearn-1t')}); machine's numpy float32 matmul ${MM_SQUARE}³: ` +
    `${mm('matmul-2t', 'gflops_square')} with 2 threads, ${mm('matmul-1t', 'gflops_square')} with 1; k-means-shaped product ` +
    `${mm('matmul-2t', 'gflops_kmeans')} / ${mm('matmul-1t', 'gflops_kmeans')}. Counted flops: 2·n·k·d per iteration over the whole ` +
    'iteration time (section "Kernel rate" below).');
  const w = (id: string): string => {
    const g = fig.get(id);
    return g ? `${g.iters ?? '?'} iterations, inertia ${g.inertia?.toFixed(0) ?? '?'}, ${fmtS(g.medianS)} s` : `– (${why(id)})`;
  };
  L.push(`- Target 3 figures: clusterkit 1 thread ${w('ours-fit')}; clusterkit 2 threads ${w('ours-fit-2t')}; scikit-learn 1 thread ` +
    `${w('sklearn-fit-1t')}; scikit-learn 2 threads ${w('sklearn-fit-2t')}.`);
  L.push('- Verdicts come from this run\'s medians (ratios of clusterkit and the peer measured on the same data, interleaved). ' +
    '"ours/peer" below the bound = clusterkit takes that fraction of the peer\'s time; "peer/ours" = clusterkit\'s speed-up. ' +
    'A row whose clusterkit process used fewer threads than asked (threads column) measures the build as it is, not the target\'s setting.');
  return L;
}

main();
