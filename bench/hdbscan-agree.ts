/**
 * Label agreement of clusterkit's HDBSCAN with the hdbscan library (scikit-learn-contrib), on the
 * three HDBSCAN data sets of the density benchmark (issue 5: "ARI ≥ 0.99 in every case").
 *
 *   node dist/bench/hdbscan-agree.js [--only 20k,100k,1m] [--reuse-lib] [--exact-mst] [--lib-timeout-s 3600] [--out FILE]
 *
 * Environment: HDBSCAN_SRC (required: a checkout of the library with its Cython extensions built in
 * place, see bench/README.md "hdbscan library (for label agreement)"), ANCHORS_DIR, PEER_PYTHON
 * (default /usr/bin/python3).
 *
 * For each case the data are made in memory with the density bench's own recipe (clusterkit
 * makeBlobs + uniformNoise, rows shuffled with createRng(seed + 2); bench/density.bench.ts) and
 * compared byte for byte with bench/data/<name>.f32 when that file exists; the bench's file is used
 * when identical, else a fresh copy is written to bench/data/agree/. Both systems run as child
 * processes on that one file with the bench's parameters: clusterkit through dist/bench/run-density.js
 * (`{minClusterSize: 20, minSamples: 19}`), the library through py_peers.py `--task hdbscan_contrib`
 * (`min_cluster_size=20, min_samples=19`; both count core-distance neighbours without the point itself).
 * ARI and NMI come from src/metrics (noise −1 counted as one more label, NMI arithmetic).
 *
 * Each case's outcome is kept in bench/data/agree/<case>.result.json, so cases can be run one at a
 * time (--only); the table in bench/results/hdbscan-agree.md is rebuilt from every stored outcome.
 * --reuse-lib takes the library's labels from an earlier run on the same file (same SHA-256) and
 * parameters instead of running it again (the table says so); everything else always runs.
 * --exact-mst adds a diagnostic column: the library once more with approx_min_span_tree=False (its
 * exact Borůvka MST; the runner cannot pass that option, so a short embedded Python program calls
 * hdbscan.HDBSCAN directly on the same file), and that labeling's ARI against clusterkit's.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { adjustedRandIndex, normalizedMutualInfo } from '../src/metrics/index.js';
import { DATA_DIR, ROOT, writeAtomic, densitySet, type DensitySpec } from './data.js';

// ------------------------------------------------------------------------------------ settings

const ANCHORS = process.env.ANCHORS_DIR ??
  [join(ROOT, '..', 'shared', 'anchors'), '/work/shared/anchors'].find((p) => existsSync(join(p, 'py_peers.py'))) ?? '';
const PY = process.env.PEER_PYTHON ?? '/usr/bin/python3';
const AGREE_DIR = join(DATA_DIR, 'agree');
const PASS_ARI = 0.99;

/** The density bench's HDBSCAN parameters (bench/density.bench.ts: MCS = 20, minSamples = MCS − 1). */
const MCS = 20;
const LIB_PARAMS = { min_cluster_size: MCS, min_samples: MCS - 1 };
const CK_PARAMS = { minClusterSize: MCS, minSamples: MCS - 1 };

/** One of the density bench's data sets (same values as density.bench.ts). */
type DataSpec = DensitySpec;

const CASES: Record<string, DataSpec> = {
  '20k': { name: 'hdb20k_5d', n: 20_000, d: 5, centers: 10, clusterStd: 1, noise: 0.05, noiseBox: 12, seed: 11 },
  '100k': { name: 'hdb100k_10d', n: 100_000, d: 10, centers: 10, clusterStd: 1, noise: 0.05, noiseBox: 12, seed: 12 },
  '1m': { name: 'hdb1m_2d', n: 1_000_000, d: 2, centers: 10, clusterStd: 1, noise: 0.05, noiseBox: 12, seed: 13 },
};

interface Cli { only: string[]; reuseLib: boolean; exactMst: boolean; libTimeoutS: number; out: string }

function parseCli(argv: string[]): Cli {
  const cli: Cli = { only: Object.keys(CASES), reuseLib: false, exactMst: false, libTimeoutS: 3600, out: join(ROOT, 'bench', 'results', 'hdbscan-agree.md') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!, v = argv[i + 1];
    if (a === '--only' && v) { cli.only = v.split(',').map((s) => s.trim()); i++; }
    else if (a === '--reuse-lib') cli.reuseLib = true;
    else if (a === '--exact-mst') cli.exactMst = true;
    else if (a === '--lib-timeout-s' && v) { cli.libTimeoutS = Number(v); i++; }
    else if (a === '--out' && v) { cli.out = v; i++; }
    else throw new Error(`hdbscan-agree: argument '${a}' must be --only cases, --reuse-lib, --exact-mst, --lib-timeout-s S or --out FILE. Got '${a}${v ? ' ' + v : ''}'.`);
  }
  for (const c of cli.only) {
    if (!(c in CASES)) throw new Error(`hdbscan-agree: --only must list cases among ${Object.keys(CASES).join(', ')}. Got '${c}'.`);
  }
  if (!(cli.libTimeoutS > 0)) throw new Error(`hdbscan-agree: --lib-timeout-s must be a positive number of seconds. Got ${cli.libTimeoutS}.`);
  return cli;
}

function log(s: string): void { process.stderr.write(`${s}\n`); }

// ------------------------------------------------------------------------------------ data

/** The density bench's recipe (bench/data.ts densitySet). */
function makeSet(s: DataSpec): { x: Float32Array; truth: Int32Array } {
  const { x, labels } = densitySet(s);
  return { x, truth: labels };
}

const bytesOf = (x: Float32Array): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The file both systems read: the bench's own file when byte-identical, else a fresh copy in bench/data/agree/. */
function dataFile(s: DataSpec, x: Float32Array): { path: string; source: string; sha: string } {
  const mine = bytesOf(x), sha = sha256(mine);
  const bench = join(DATA_DIR, `${s.name}.f32`);
  if (existsSync(bench) && existsSync(join(DATA_DIR, `${s.name}.json`))) {
    const theirs = readFileSync(bench);
    if (theirs.length === mine.length && sha256(theirs) === sha) return { path: bench, source: `bench/data/${s.name}.f32 (the density bench's file, byte-identical to this recipe)`, sha };
    log(`  bench/data/${s.name}.f32 differs from the recipe: writing bench/data/agree/${s.name}.f32`);
  }
  const path = join(AGREE_DIR, `${s.name}.f32`);
  if (!(existsSync(path) && sha256(readFileSync(path)) === sha)) {
    writeAtomic(path, mine);
    writeAtomic(join(AGREE_DIR, `${s.name}.json`), JSON.stringify({ n: s.n, d: s.d, how: 'density bench recipe (bench/hdbscan-agree.ts)' }) + '\n');
  }
  return { path, source: `bench/data/agree/${s.name}.f32 (made by this script with the density bench's recipe)`, sha };
}

// ------------------------------------------------------------------------------------ runs

interface RunJson { system: string; version: string; median_s: number; peak_rss_mb: number; load1: number; threads: number; result: Record<string, unknown> }

interface SideRun { json: RunJson; labels: Int32Array; reused: string | null }

function readLabels(path: string, n: number): Int32Array {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== n) throw new Error(`hdbscan-agree: ${path}: labels must be ${n} lines. Got ${lines.length}.`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = Number(lines[i]);
    if (!Number.isInteger(v)) throw new Error(`hdbscan-agree: ${path}: line ${i + 1} must be an integer label. Got '${lines[i]}'.`);
    out[i] = v;
  }
  return out;
}

/** Run one child that prints the runners' JSON on stdout and writes labels to `labelsOut`. */
function runChild(what: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutS: number, labelsOut: string, n: number): SideRun {
  log(`  ${what}: ${cmd} ${args.join(' ')}`);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  if (r.error) throw new Error(`hdbscan-agree: ${what} must finish within ${timeoutS} s. Got ${r.error.message} after ${wall.toFixed(0)} s.`);
  if (r.status !== 0) throw new Error(`hdbscan-agree: ${what} must exit 0. Got exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  const json = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as RunJson;
  log(`  ${what}: ${json.median_s.toFixed(2)} s (wall ${wall.toFixed(1)} s)`);
  return { json, labels: readLabels(labelsOut, n), reused: null };
}

function runLibrary(s: DataSpec, file: { path: string; sha: string }, cli: Cli): SideRun {
  const paramsJson = JSON.stringify(LIB_PARAMS);
  const key = `${file.sha} ${paramsJson}`;
  const base = join(AGREE_DIR, `${s.name}.contrib`);
  const [keyPath, outPath, labPath] = [`${base}.key`, `${base}.out.json`, `${base}.labels.txt`];
  if (cli.reuseLib && [keyPath, outPath, labPath].every((p) => existsSync(p)) && readFileSync(keyPath, 'utf8').trim() === key) {
    const json = JSON.parse(readFileSync(outPath, 'utf8').trim().split('\n').at(-1)!) as RunJson;
    log(`  library: reusing ${base}.* (same data SHA-256 and parameters)`);
    return { json, labels: readLabels(labPath, s.n), reused: `labels of an earlier run on the same file (SHA-256 ${file.sha.slice(0, 12)}…) and parameters, reused with --reuse-lib` };
  }
  const src = process.env.HDBSCAN_SRC;
  if (!src) throw new Error('hdbscan-agree: HDBSCAN_SRC must name a built checkout of the hdbscan library (bench/README.md). Got nothing.');
  const commitFile = join(src, 'SOURCE_COMMIT');
  const commit = existsSync(commitFile) ? readFileSync(commitFile, 'utf8').trim().split(/\s+/)[0]! : null;
  const run = runChild('library', PY, [join(ANCHORS, 'py_peers.py'), '--task', 'hdbscan_contrib', '--data', file.path, '--params', paramsJson,
    '--threads', '1', '--repeats', '1', '--out-labels', labPath], { ...process.env, HDBSCAN_SRC: src }, cli.libTimeoutS, labPath, s.n);
  if (commit) run.json.version = `git ${commit.slice(0, 10)}`;
  writeAtomic(outPath, JSON.stringify(run.json) + '\n');
  writeAtomic(keyPath, key + '\n');
  return run;
}

/** Python for --exact-mst: argv = src, data, n, d, mcs, min_samples, labels out; prints {"median_s", "version"}. */
const EXACT_PY = [
  'import sys, json, time',
  'sys.path.insert(0, sys.argv[1])',
  'import numpy as np, hdbscan',
  'n, d = int(sys.argv[3]), int(sys.argv[4])',
  'X = np.fromfile(sys.argv[2], dtype=np.float32).reshape(n, d)',
  't = time.perf_counter()',
  'm = hdbscan.HDBSCAN(min_cluster_size=int(sys.argv[5]), min_samples=int(sys.argv[6]), approx_min_span_tree=False).fit(X)',
  't = time.perf_counter() - t',
  'np.savetxt(sys.argv[7], m.labels_, fmt="%d")',
  'print(json.dumps({"median_s": t, "version": getattr(hdbscan, "__version__", "git")}))',
].join('\n');

interface ExactMst { ari: number; ariVsDefault: number; noiseAgree: number; clusters: number; noise: number; seconds: number; reused: boolean }

function runExactMst(s: DataSpec, file: { path: string; sha: string }, ours: Int32Array, libDefault: Int32Array, cli: Cli): ExactMst {
  const key = `${file.sha} ${JSON.stringify({ ...LIB_PARAMS, approx_min_span_tree: false })}`;
  const base = join(AGREE_DIR, `${s.name}.contrib-exact`);
  const [keyPath, outPath, labPath] = [`${base}.key`, `${base}.out.json`, `${base}.labels.txt`];
  let seconds: number, reused = false;
  if (cli.reuseLib && [keyPath, outPath, labPath].every((p) => existsSync(p)) && readFileSync(keyPath, 'utf8').trim() === key) {
    seconds = (JSON.parse(readFileSync(outPath, 'utf8')) as { median_s: number }).median_s;
    reused = true;
  } else {
    const src = process.env.HDBSCAN_SRC;
    if (!src) throw new Error('hdbscan-agree: HDBSCAN_SRC must name a built checkout of the hdbscan library (bench/README.md). Got nothing.');
    log(`  library, exact MST: ${PY} -c <EXACT_PY> … (approx_min_span_tree=False)`);
    const r = spawnSync(PY, ['-c', EXACT_PY, src, file.path, String(s.n), String(s.d), String(LIB_PARAMS.min_cluster_size),
      String(LIB_PARAMS.min_samples), labPath], { encoding: 'utf8', timeout: cli.libTimeoutS * 1000, maxBuffer: 64 << 20 });
    if (r.error || r.status !== 0) throw new Error(`hdbscan-agree: the exact-MST library run must exit 0. Got ${r.error?.message ?? `exit ${r.status}`}: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' | ')}`);
    const out = r.stdout.trim().split('\n').at(-1)!;
    seconds = (JSON.parse(out) as { median_s: number }).median_s;
    writeAtomic(outPath, out + '\n');
    writeAtomic(keyPath, key + '\n');
  }
  const labels = readLabels(labPath, s.n);
  let noise = 0;
  const ids = new Set<number>();
  for (const l of labels) { if (l < 0) noise++; else ids.add(l); }
  return { ari: adjustedRandIndex(labels, ours), ariVsDefault: adjustedRandIndex(labels, libDefault), noiseAgree: noiseSets(labels, ours).agree, clusters: ids.size, noise: noise / s.n, seconds, reused };
}

function runOurs(s: DataSpec, file: { path: string }): SideRun {
  const labPath = join(AGREE_DIR, `${s.name}.clusterkit.labels.txt`);
  return runChild('clusterkit', process.execPath, ['--expose-gc', join(ROOT, 'dist', 'bench', 'run-density.js'), '--task', 'hdbscan',
    '--data', file.path, '--params', JSON.stringify(CK_PARAMS), '--repeats', '1', '--out-labels', labPath], process.env, 3600, labPath, s.n);
}

// ------------------------------------------------------------------------------------ comparison

interface Side { system: string; version: string; clusters: number; noise: number; seconds: number; peakMb: number; threads: number; ariTruth: number; load1: number; reused: string | null }

interface Outcome {
  caseId: string; name: string; n: number; d: number; date: string; data: string; dataSha: string;
  ours: Side; lib: Side | null; libError: string | null;
  ari: number | null; nmi: number | null; noiseAgree: number | null; noiseJaccard: number | null;
  /** --exact-mst diagnostic, when run. */
  exact?: ExactMst | null; exactError?: string | null;
}

function side(r: SideRun, truth: Int32Array): Side {
  let noise = 0, max = -1;
  const ids = new Set<number>();
  for (const l of r.labels) { if (l < 0) noise++; else { ids.add(l); max = Math.max(max, l); } }
  return {
    system: r.json.system, version: r.json.version, clusters: ids.size, noise: noise / r.labels.length, seconds: r.json.median_s,
    peakMb: r.json.peak_rss_mb, threads: r.json.threads, ariTruth: adjustedRandIndex(truth, r.labels), load1: r.json.load1, reused: r.reused,
  };
}

function noiseSets(a: Int32Array, b: Int32Array): { agree: number; jaccard: number } {
  let both = 0, either = 0, differ = 0;
  for (let i = 0; i < a.length; i++) {
    const na = a[i]! < 0, nb = b[i]! < 0;
    if (na && nb) both++;
    if (na || nb) either++;
    if (na !== nb) differ++;
  }
  return { agree: 1 - differ / a.length, jaccard: either === 0 ? 1 : both / either };
}

function runCase(id: string, cli: Cli): Outcome {
  const s = CASES[id]!;
  log(`case ${id}: ${s.name} (${s.n} × ${s.d})`);
  const { x, truth } = makeSet(s);
  const file = dataFile(s, x);
  const ours = runOurs(s, file);
  const base: Outcome = {
    caseId: id, name: s.name, n: s.n, d: s.d, date: new Date().toISOString(), data: file.source, dataSha: file.sha,
    ours: side(ours, truth), lib: null, libError: null, ari: null, nmi: null, noiseAgree: null, noiseJaccard: null,
  };
  let lib: SideRun;
  try { lib = runLibrary(s, file, cli); }
  catch (e) { return { ...base, libError: e instanceof Error ? e.message : String(e) }; }
  const ns = noiseSets(ours.labels, lib.labels);
  let exact: ExactMst | null = null, exactError: string | null = null;
  if (cli.exactMst) {
    try { exact = runExactMst(s, file, ours.labels, lib.labels, cli); }
    catch (e) { exactError = e instanceof Error ? e.message : String(e); }
  }
  return {
    ...base, exact, exactError, lib: side(lib, truth), ari: adjustedRandIndex(lib.labels, ours.labels), nmi: normalizedMutualInfo(lib.labels, ours.labels),
    noiseAgree: ns.agree, noiseJaccard: ns.jaccard,
  };
}

// ------------------------------------------------------------------------------------ report

const f4 = (v: number | null): string => (v === null ? '–' : v.toFixed(4));
const secs = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function report(outcomes: Outcome[]): string {
  const order = Object.keys(CASES);
  outcomes.sort((a, b) => order.indexOf(a.caseId) - order.indexOf(b.caseId));
  const lines = [
    '# HDBSCAN label agreement with the hdbscan library',
    '',
    `Issue 5: "Labels agree with the hdbscan library (scikit-learn-contrib hdbscan; ARI ≥ ${PASS_ARI}) in every case" of the HDBSCAN speed benchmark. ` +
      'Made by `node dist/bench/hdbscan-agree.js` (bench/hdbscan-agree.ts); each row\'s date is when that case ran. ' +
      `Machine: ${cpus()[0]?.model.trim() ?? '?'} × ${cpus().length}, node ${process.version}; other benchmarks ran at the same time, so times are information only (load1 at each start in the last column).`,
    '',
    'Data: the density bench\'s data sets (bench/results/density.md; clusterkit makeBlobs + uniformNoise, 5 % noise, rows shuffled), made in memory with the same recipe and checked byte for byte against `bench/data/<name>.f32`. ' +
      `Parameters as in the bench: clusterkit \`${JSON.stringify(CK_PARAMS)}\` ↔ library \`${JSON.stringify(LIB_PARAMS)}\` (both count core-distance neighbours without the point itself; ` +
      'the library otherwise at its defaults: `algorithm="best"` (Borůvka KD-tree here), `approx_min_span_tree=True`, `cluster_selection_method="eom"`). ' +
      'clusterkit runs through `dist/bench/run-density.js`, the library through `py_peers.py --task hdbscan_contrib --threads 1` (HDBSCAN_SRC: see bench/README.md, "hdbscan library (for label agreement)").',
    '',
    '**ARI**, **NMI**: between the two labelings (src/metrics; noise −1 counted as one more label, NMI arithmetic). **same noise**: fraction of points that are noise in both or in neither; ' +
      '**noise Jaccard**: |noise in both| ÷ |noise in either|. **ARI vs truth**: each labeling against the generating blobs (noise rows −1), information only. ' +
      `**verdict**: PASS when ARI ≥ ${PASS_ARI}.`,
    '',
    '| case | n | d | params | clusters (ck / lib) | noise fraction (ck / lib) | ARI | NMI | same noise | noise Jaccard | ARI vs truth (ck / lib) | time s (ck / lib) | peak MB (ck / lib) | verdict | run (UTC), load1 |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const o of outcomes) {
    const params = `mcs ${MCS}, min_samples ${MCS - 1}`;
    const k = o.ours, l = o.lib;
    const verdict = o.ari === null ? `NOT RUN: ${o.libError}` : o.ari >= PASS_ARI ? '**PASS**' : '**FAIL**';
    const both = (a: string, b: string): string => `${a} / ${b}`;
    lines.push(`| ${o.caseId} | ${o.n.toLocaleString('en-US')} | ${o.d} | ${params} | ${both(String(k.clusters), l ? String(l.clusters) : '–')} | ` +
      `${both(k.noise.toFixed(4), l ? l.noise.toFixed(4) : '–')} | ${f4(o.ari)} | ${f4(o.nmi)} | ${f4(o.noiseAgree)} | ${f4(o.noiseJaccard)} | ` +
      `${both(k.ariTruth.toFixed(4), l ? l.ariTruth.toFixed(4) : '–')} | ${both(secs(k.seconds), l ? secs(l.seconds) + (l.reused ? ' (reused)' : '') : '–')} | ` +
      `${both(k.peakMb.toFixed(0), l ? l.peakMb.toFixed(0) : '–')} | ${verdict} | ${o.date.slice(0, 16).replace('T', ' ')}, ${both(k.load1.toFixed(1), l ? l.load1.toFixed(1) : '–')} |`);
  }
  const withExact = outcomes.filter((o) => o.exact || o.exactError);
  if (withExact.length > 0) {
    lines.push('', 'Diagnostic (`--exact-mst`, not part of the verdict): the library again on the same file with `approx_min_span_tree=False` ' +
      '(its exact Borůvka MST instead of the default approximate one; called directly by an embedded Python program, since the runner has no such parameter), ' +
      'and that labeling against clusterkit\'s.', '',
      '| case | clusters (lib exact) | noise fraction (lib exact) | ARI vs clusterkit | same noise vs clusterkit | ARI vs the library\'s default run | time s |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const o of withExact) {
      const e = o.exact;
      lines.push(e ? `| ${o.caseId} | ${e.clusters} | ${e.noise.toFixed(4)} | ${e.ari.toFixed(4)} | ${e.noiseAgree.toFixed(4)} | ${e.ariVsDefault.toFixed(4)} | ${secs(e.seconds)}${e.reused ? ' (reused)' : ''} |`
        : `| ${o.caseId} | – | – | – | – | – | not run: ${o.exactError} |`);
    }
    for (const o of withExact) {
      if (o.exact && o.ari !== null && o.ari < PASS_ARI) {
        lines.push('', `${o.caseId}: FAIL against the library's default run (ARI ${o.ari.toFixed(4)}), whose MST is approximate (\`approx_min_span_tree=True\`); ` +
          `the library's exact-MST run on the same file agrees with clusterkit at ARI ${o.exact.ari.toFixed(4)}` +
          `${o.exact.ari >= PASS_ARI ? ' (≥ ' + PASS_ARI + ')' : ''} and with the library's own default run at ARI ${o.exact.ariVsDefault.toFixed(4)}.`);
      }
    }
  }
  const srcCommit = process.env.HDBSCAN_SRC && existsSync(join(process.env.HDBSCAN_SRC, 'SOURCE_COMMIT'))
    ? readFileSync(join(process.env.HDBSCAN_SRC, 'SOURCE_COMMIT'), 'utf8').trim() : null;
  lines.push('', 'Systems and files' + (srcCommit ? ` (library checkout HDBSCAN_SRC = ${process.env.HDBSCAN_SRC}, SOURCE_COMMIT: ${srcCommit})` : '') + ':', '');
  for (const o of outcomes) {
    const l = o.lib;
    lines.push(`- ${o.caseId}: data ${o.data}, SHA-256 ${o.dataSha.slice(0, 16)}…; clusterkit ${o.ours.version} (${o.ours.system}, ${o.ours.threads} thread); ` +
      (l ? `library ${l.system} ${l.version} (${l.threads} thread)${l.reused ? `; library labels: ${l.reused}` : ''}.` : `library not run: ${o.libError}.`));
  }
  const passed = outcomes.filter((o) => o.ari !== null && o.ari >= PASS_ARI).length;
  lines.push('', `Summary: ${passed} of ${outcomes.length} case(s) PASS (ARI ≥ ${PASS_ARI})` +
    (outcomes.length < Object.keys(CASES).length ? `; not run yet: ${Object.keys(CASES).filter((c) => !outcomes.some((o) => o.caseId === c)).join(', ')}.` : '.'), '');
  return lines.join('\n');
}

// ------------------------------------------------------------------------------------ main

function main(): void {
  const cli = parseCli(process.argv.slice(2));
  mkdirSync(AGREE_DIR, { recursive: true });
  log(`hdbscan-agree: cases ${cli.only.join(', ')}, load1 ${loadavg()[0]!.toFixed(2)}`);
  for (const id of cli.only) {
    const o = runCase(id, cli);
    writeAtomic(join(AGREE_DIR, `${id}.result.json`), JSON.stringify(o, null, 1) + '\n');
    log(`  ${id}: ARI ${f4(o.ari)}, NMI ${f4(o.nmi)}, same noise ${f4(o.noiseAgree)}${o.libError ? `, library: ${o.libError}` : ''}`);
  }
  const all = readdirSync(AGREE_DIR).filter((f) => f.endsWith('.result.json'))
    .map((f) => JSON.parse(readFileSync(join(AGREE_DIR, f), 'utf8')) as Outcome).filter((o) => o.caseId in CASES);
  writeAtomic(cli.out, report(all));
  log(`wrote ${cli.out}`);
}

main();
