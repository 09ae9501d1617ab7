/**
 * k-means benchmark: clusterkit against scikit-learn, faiss and ml-kmeans on the same
 * 200 000 × 64 float32 file, from the same 100 start centroids, in the same run, interleaved.
 *
 *   npm run bench                       # = tsc && node dist/bench/kmeans.bench.js
 *   node dist/bench/kmeans.bench.js [--repeats 3] [--skip ml-kmeans,sklearn-2t] [--out FILE]
 *
 * Environment: ANCHORS_DIR (peer runners; default ../shared/anchors beside the repository, else
 * /work/shared/anchors), PEERS_DIR (JS peers, default /tmp/clusterkit-peers), PEER_PYTHON
 * (default /usr/bin/python3, Debian's, which has the apt-installed peers).
 *
 * Every system runs in its own child process per sample (the peers' runners, or
 * dist/bench/run-ours.js for clusterkit) with --repeats 1; the R rounds alternate peer, ours,
 * peer, ours, … and each row reports the median over its samples. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join, relative } from 'node:path';
import { BLOBS, ensureData, ROOT, writeAtomic, type BenchFiles, median } from './data.js';

// ------------------------------------------------------------------------------------ settings

const MAX_ITER = 20;
/** MB = 10⁶ bytes throughout; the runners report MiB, converted on reading. */
const MIB = 1.048576;
/** Relative inertia agreement required between systems run from the same start. */
const AGREE_REL = 1e-4;
/** Targets of this issue. */
const TARGET_SPEEDUP_VS_ML = 5;
const TARGET_MEM_X_DATA = 2;

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

// ------------------------------------------------------------------------------------ runners

/** One runner's JSON (the common fields of the anchors' runners; run-ours prints the same). */
interface RunJson {
  system: string; version: string; task: string; status: string; params: Record<string, unknown>;
  threads: number; n: number; d: number; times_s: number[]; median_s: number;
  peak_rss_mb: number; base_rss_mb: number; peak_rss_scope: string; load1: number;
  result: Record<string, unknown>;
}

type Group = 'fit' | 'seed';

interface System {
  id: string;
  label: string;
  ours: boolean;
  group: Group;
  /** Algorithm / variant shown in the table. */
  variant: string;
  cmd: string;
  args: string[];
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
    id, label, ours: false, group, variant, cmd: PY, timeoutS: 900,
    args: [join(ANCHORS, 'py_peers.py'), '--task', task, '--data', f.data, '--params', JSON.stringify(params),
      '--threads', String(threads), '--repeats', '1'],
  });
  const ours = (id: string, task: 'fit' | 'seed', extra: string[], variant: string, group: Group): System => ({
    id, label: 'clusterkit', ours: true, group, variant, cmd: process.execPath, timeoutS: 900,
    args: ['--expose-gc', join(ROOT, 'dist', 'bench', 'run-ours.js'), '--task', task, '--data', f.data, '--k', String(k), ...extra],
  });
  const fitArgs = (alg: string): string[] => ['--init', f.init, '--algorithm', alg, '--max-iter', String(MAX_ITER), '--tol', '0', '--seed', '0'];
  const skParams = { k, init: f.init, max_iter: MAX_ITER, tol: 0, algorithm: 'lloyd', seed: 0 };
  return [
    py('sklearn-1t', 'scikit-learn KMeans', 'kmeans', skParams, 1, 'lloyd, 1 thread'),
    ours('ours-lloyd', 'fit', fitArgs('lloyd'), 'lloyd', 'fit'),
    py('faiss-1t', 'faiss Kmeans', 'faiss_kmeans',
      { k, niter: MAX_ITER, init: f.init, max_points_per_centroid: f.n, seed: 0 }, 1, 'lloyd, all points, 1 thread'),
    ours('ours-hamerly', 'fit', fitArgs('hamerly'), 'hamerly', 'fit'),
    py('sklearn-2t', 'scikit-learn KMeans', 'kmeans', skParams, 2, 'lloyd, 2 threads'),
    {
      id: 'ml-kmeans', label: 'ml-kmeans', ours: false, group: 'fit', variant: 'lloyd', cmd: process.execPath, timeoutS: 1000,
      args: [join(ANCHORS, 'js_peers.mjs'), '--task', 'ml-kmeans', '--data', f.data,
        '--params', JSON.stringify({ k, init: f.init, max_iter: MAX_ITER, tol: 0, seed: 0 }), '--repeats', '1', '--timeout-s', '900'],
    },
    py('sklearn-kpp', 'scikit-learn kmeans_plusplus', 'kmeans_plusplus', { k, n_local_trials: null, seed: 0 }, 1,
      'greedy, 2+⌊ln k⌋ trials, 1 thread', 'seed'),
    ours('ours-kpp', 'seed', ['--seed', '0'], 'greedy, 2+⌊ln k⌋ trials', 'seed'),
  ];
}

/** Run one sample. Exit 3/4/5 → skipped with the runner's last stderr line (README "Exit codes"). */
function runOnce(s: System): { json?: RunJson; skipped?: string; failed?: string } {
  if (!s.ours && !ANCHORS) return { skipped: 'peer runners not found (set ANCHORS_DIR)' };
  const t0 = performance.now();
  const r = spawnSync(s.cmd, s.args, {
    encoding: 'utf8', maxBuffer: 1 << 26, timeout: s.timeoutS * 1000,
    env: { ...process.env, PEERS_DIR },
  });
  const wall = (performance.now() - t0) / 1000;
  const why = (r.stderr ?? '').trim().split('\n').at(-1) ?? '';
  if (r.error) return { failed: `${r.error.message}` };
  if (r.status === 3 || r.status === 4) return { skipped: why };
  if (r.status === 5) return { skipped: `timeout: ${why}` };
  if (r.status !== 0) return { failed: `exit ${r.status ?? r.signal}: ${why}` };
  try {
    const json = JSON.parse(r.stdout) as RunJson;
    log(`  ${s.id.padEnd(13)} ${json.median_s.toFixed(3).padStart(9)} s  (process ${wall.toFixed(1)} s, load1 ${json.load1.toFixed(2)})`);
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
  threads: number;
}

function figures(r: Row): Fig | null {
  if (r.samples.length === 0) return null;
  const last = r.samples.at(-1)!;
  const medianS = median(r.samples.map((s) => s.median_s));
  const itersRaw = last.result.n_iter;
  const iters = typeof itersRaw === 'number' ? itersRaw : null;
  const inertia = typeof last.result.inertia_f64 === 'number' ? last.result.inertia_f64 : null;
  return {
    medianS, minS: Math.min(...r.samples.map((s) => s.median_s)), maxS: Math.max(...r.samples.map((s) => s.median_s)),
    nSamples: r.samples.length, iters, perIterS: iters ? medianS / iters : null,
    extraMb: Math.max(...r.samples.map((s) => (s.peak_rss_mb - s.base_rss_mb) * MIB)),
    peakMb: Math.max(...r.samples.map((s) => s.peak_rss_mb * MIB)),
    inertia, load1: r.samples.map((s) => s.load1), version: last.version, threads: last.threads,
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
  // Per round: peer, ours, peer, ours, … ; the cheap ours-hamerly runs twice a round, the rest once.
  const order = ['sklearn-1t', 'ours-lloyd', 'faiss-1t', 'ours-hamerly', 'sklearn-2t', 'ours-hamerly', 'ml-kmeans', 'ours-kpp',
    'sklearn-kpp'];
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

  L.push('# k-means benchmark', '');
  L.push(`Run ${info.started.toISOString()} · \`npm run bench\`${cli.repeats !== 3 ? ` (--repeats ${cli.repeats})` : ''} · ` +
    `node ${process.version} · ${cpus()[0]?.model ?? '?'} × ${cpus().length} · load1 ${info.load0.toFixed(2)} at start, ` +
    `${info.load1.toFixed(2)} at end · ${(info.totalS / 60).toFixed(1)} min in all.`, '');
  L.push(`Data: \`bench/data/${basename(f.data)}\`, ${f.n.toLocaleString('en-US')} × ${f.d} float32 ` +
    `(${info.dataMb.toFixed(1)} MB), clusterkit \`makeBlobs\` (${BLOBS.centers} centres in [${BLOBS.centerBox.join(', ')}]^${f.d}, ` +
    `std ${BLOBS.clusterStd}, seed ${BLOBS.seed}). Every k-means row starts from the same ${f.k} centroids ` +
    `(\`${basename(f.init)}\`, chosen once by clusterkit k-means++ seed ${BLOBS.initSeed}), max ${MAX_ITER} iterations, tol 0. ` +
    `Each system runs in its own process per sample; rounds interleave peer, clusterkit, peer, clusterkit; ` +
    `${cli.repeats} round(s) (clusterkit hamerly twice per round); times are medians over the samples.`, '');
  const loads = [...rows.values()].flatMap((r) => r.samples.map((s) => s.load1));
  const maxLoad = Math.max(info.load0, ...loads);
  if (maxLoad > 1.5) {
    L.push(`> **Busy machine:** load1 reached ${maxLoad.toFixed(2)} on ${cpus().length} cores during this run (other processes ` +
      'competed for the CPU). Absolute times are inflated and noisier; interleaving spreads the slowdown over both sides, so the ' +
      'ratios are the figures to read; the min–max column shows how much the samples scattered.', '');
  }

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
    L.push(`| ${name} | ${g.version} | ${r.sys.variant} | ${g.threads} | ${g.nSamples} | ${g.iters ?? '–'} | ${fmtS(g.medianS)} | ${fmtS(g.minS)}–${fmtS(g.maxS)} | ` +
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
  const ourL = fig.get('ours-lloyd'), ourH = fig.get('ours-hamerly');
  L.push('## Speed ratios (peer s/iteration ÷ clusterkit s/iteration)', '');
  L.push('| peer | vs clusterkit lloyd | vs clusterkit hamerly |', '|---|---|---|');
  for (const id of ['ml-kmeans', 'sklearn-1t', 'sklearn-2t', 'faiss-1t']) {
    const r = rows.get(id)!, g = fig.get(id);
    const name = `${r.sys.label} (${r.sys.variant})`;
    if (!g || g.perIterS === null) { L.push(`| ${name} | ${status(r)} | |`); continue; }
    const c = (o: Fig | null | undefined): string => (o?.perIterS ? ratio(g.perIterS!, o.perIterS, r.sys.label) : '–');
    L.push(`| ${name} | ${c(ourL)} | ${c(ourH)} |`);
  }
  L.push('', '"N× faster" means clusterkit takes 1/N of the peer\'s time per iteration; "N× slower" means N times the peer\'s time.', '');

  // ---- seeding
  L.push(`## k-means++ seeding (k = ${f.k}, 2 + ⌊ln k⌋ = ${2 + Math.floor(Math.log(f.k))} local trials, all ${f.n.toLocaleString('en-US')} rows)`, '');
  L.push('| system | version | threads | samples | median s | min–max s | peak − base MB | inertia_f64 of the seeds | load1 |', '|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const id of ['sklearn-kpp', 'ours-kpp']) {
    const r = rows.get(id)!, g = fig.get(id);
    const name = r.sys.ours ? '**clusterkit** kmeansPlusPlus' : r.sys.label;
    if (!g) { L.push(`| ${name} | – | – | 0 | – | – | – | – | ${status(r)} |`); continue; }
    L.push(`| ${name} | ${g.version} | ${g.threads} | ${g.nSamples} | ${fmtS(g.medianS)} | ${fmtS(g.minS)}–${fmtS(g.maxS)} | ${fmt(g.extraMb, 1)} | ` +
      `${g.inertia === null ? '–' : g.inertia.toFixed(0)} | ${g.load1.map((v) => v.toFixed(2)).join(' ')} |`);
  }
  const sk = fig.get('sklearn-kpp'), ok = fig.get('ours-kpp');
  if (sk && ok) L.push('', `Seeding: ${ratio(sk.medianS, ok.medianS, 'scikit-learn')}. The random draws differ (numpy vs PCG32), ` +
    'so the seeds\' inertia agrees only in size, not exactly.');
  L.push('');

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
  for (const [name, o] of [['hamerly (the default, algorithm \'auto\')', ourH], ['lloyd', ourL]] as const) {
    if (ml?.perIterS && o?.perIterS) {
      const x = ml.perIterS / o.perIterS;
      L.push(`- Target ≥ ${TARGET_SPEEDUP_VS_ML}× faster per iteration than ml-kmeans, clusterkit ${name}: ${x.toFixed(2)}× — ${x >= TARGET_SPEEDUP_VS_ML ? 'PASS' : 'FAIL'}.`);
    } else L.push(`- Target ≥ ${TARGET_SPEEDUP_VS_ML}× faster per iteration than ml-kmeans, clusterkit ${name}: not measured (${ml ? 'clusterkit row missing' : status(rows.get('ml-kmeans')!)}).`);
  }
  for (const [name, o] of [['hamerly', ourH], ['lloyd', ourL]] as const) {
    if (o) {
      const x = o.extraMb / info.dataMb;
      L.push(`- Target peak memory < ${TARGET_MEM_X_DATA}× data size (${(TARGET_MEM_X_DATA * info.dataMb).toFixed(1)} MB), clusterkit ${name}: ` +
        `peak − base ${o.extraMb.toFixed(1)} MB = ${x.toFixed(2)}× — ${x < TARGET_MEM_X_DATA ? 'PASS' : 'FAIL'}. ` +
        `(Whole process peak incl. data and Node itself: ${o.peakMb.toFixed(1)} MB = ${(o.peakMb / info.dataMb).toFixed(2)}× data.)`);
    } else L.push(`- Target peak memory < ${TARGET_MEM_X_DATA}× data, clusterkit ${name}: not measured.`);
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
    L.push(`- ${id}: ${s.system} ${s.version}, threads ${s.threads}, \`${JSON.stringify(p)}\`${extra}`);
  }
  L.push('', `Peers: \`${PY} py_peers.py\`, \`node js_peers.mjs\` (PEERS_DIR ${PEERS_DIR}); clusterkit: ` +
    '`node --expose-gc dist/bench/run-ours.js`. A busy machine shows in load1: on 2 cores, a load above 1 slows every row, ' +
    'the 2-thread rows most.', '');
  return L.join('\n');
}

main();
