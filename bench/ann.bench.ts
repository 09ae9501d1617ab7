/**
 * Approximate-kNN benchmark (issue 5, "approximate k-nearest neighbours"): clusterkit's NN-descent
 * (`nearestNeighbors(X, {algorithm: 'nndescent'})`) against clusterkit's own exact brute force,
 * scikit-learn's and faiss' exact search, and faiss HNSW, on the same files in the same run.
 * Every row is the kNN graph of the data itself (k = 15, each row excluded from its own list).
 *
 *   node dist/bench/ann.bench.js [--repeats 3] [--exact-repeats 1] [--only case,…] [--skip id,…] [--out FILE]
 *
 * Environment: ANCHORS_DIR, PEERS_DIR, PEER_PYTHON (as density.bench). Peers that are not
 * installed are skipped (the row says why). clusterkit runs in this process, single-threaded;
 * peers run as subprocesses with one thread. Recall@k is tie-aware (ann-benchmarks): the share of
 * returned neighbours whose exact distance is ≤ the exact k-th distance, exact = clusterkit's
 * brute force in this run (float64 sums); "id recall" counts the exact ids found.
 * Writes bench/results/ann.md atomically (tmp file + rename). See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { makeBlobs } from '../src/datasets/generators.js';
import { createRng } from '../src/core/rng.js';
import type { Matrix } from '../src/core/matrix.js';
import { buildIndex, queryKnn, nearestNeighbors } from '../src/neighbors/index.js';
import { rdistRows } from '../src/neighbors/distance.js';
import { DATA_DIR, ROOT, writeAtomic, median, readSet, ensureData, benchFiles, packageVersion } from './data.js';

const K = 15;

interface Cli { repeats: number; exactRepeats: number; skip: Set<string>; only: Set<string> | null; out: string }

function parseCli(argv: string[]): Cli {
  const cli: Cli = { repeats: 3, exactRepeats: 1, skip: new Set(), only: null, out: join(ROOT, 'bench', 'results', 'ann.md') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!, v = argv[i + 1];
    if (a === '--repeats' && v) { cli.repeats = Number(v); i++; }
    else if (a === '--exact-repeats' && v) { cli.exactRepeats = Number(v); i++; }
    else if (a === '--skip' && v) { for (const s of v.split(',')) cli.skip.add(s.trim()); i++; }
    else if (a === '--only' && v) { cli.only = new Set(v.split(',').map((s) => s.trim())); i++; }
    else if (a === '--out' && v) { cli.out = v; i++; }
    else throw new Error(`ann.bench: argument '${a}' must be --repeats N, --exact-repeats N, --skip ids, --only cases or --out FILE. Got '${a}${v ? ' ' + v : ''}'.`);
  }
  for (const [k, v] of [['--repeats', cli.repeats], ['--exact-repeats', cli.exactRepeats]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`ann.bench: ${k} must be an integer ≥ 1. Got ${v}.`);
  }
  return cli;
}

const ANCHORS = process.env.ANCHORS_DIR ??
  [join(ROOT, '..', 'shared', 'anchors'), '/work/shared/anchors'].find((p) => existsSync(join(p, 'py_peers.py'))) ?? '';
const PEERS_DIR = process.env.PEERS_DIR ?? '/tmp/clusterkit-peers';
const PY = process.env.PEER_PYTHON ?? '/usr/bin/python3';
const NB_DIR = join(DATA_DIR, 'neighbors');

function log(s: string): void { process.stderr.write(`${s}\n`); }

// ------------------------------------------------------------------------------------ data

interface DataSet { id: string; file: string; title: string; how: string }

function writeSet(name: string, x: Float32Array, n: number, d: number, how: string): string {
  const path = join(DATA_DIR, `${name}.f32`);
  writeAtomic(path, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  writeAtomic(join(DATA_DIR, `${name}.json`), JSON.stringify({ n, d, how }) + '\n');
  return path;
}

function have(name: string, n: number, d: number): string | null {
  const p = join(DATA_DIR, `${name}.f32`), j = join(DATA_DIR, `${name}.json`);
  if (!existsSync(p) || !existsSync(j)) return null;
  const m = JSON.parse(readFileSync(j, 'utf8')) as { n: number; d: number };
  return m.n === n && m.d === d ? p : null;
}

/** 100 000 × 64: the first half of the k-means benchmark's blobs (100 blobs, std 2; makeBlobs shuffles rows). */
function blobs100k(): DataSet {
  const name = 'blobs100k_64d', n = 100_000, d = 64;
  const how = `the first ${n} rows of ${benchFiles().data.split('/').pop()} (clusterkit makeBlobs({n: 200000, d: 64, centers: 100, clusterStd: 2, seed: 0}))`;
  const file = have(name, n, d) ?? (() => {
    const f = ensureData(log);
    const all = readSet(f.data);
    return writeSet(name, all.x.slice(0, n * d), n, d, how);
  })();
  return { id: 'blobs100k', file, title: '100 000 × 64 Gaussian blobs (100 blobs, std 2)', how };
}

/**
 * 20 000 × 784 with low intrinsic dimension, as image data: 20 Gaussian blobs in 24 dimensions
 * (std 1.5), mapped to 784 by a fixed random Gaussian matrix / √24, plus N(0, 0.05²) noise.
 */
function lowRank20k(): DataSet {
  const name = 'lowrank20k_784d', n = 20_000, d = 784, z = 24;
  const how = `clusterkit makeBlobs({n: ${n}, d: ${z}, centers: 20, clusterStd: 1.5, seed: 21}) · W [${z} × ${d}], W ~ N(0, 1/${z}) from createRng(22), ` +
    `+ N(0, 0.05²) noise from createRng(23)`;
  const file = have(name, n, d) ?? (() => {
    const t0 = performance.now();
    const Z = makeBlobs({ n, d: z, centers: 20, clusterStd: 1.5, seed: 21 }).x.data;
    const rw = createRng(22), W = new Float64Array(z * d);
    for (let i = 0; i < W.length; i++) W[i] = rw.normal() / Math.sqrt(z);
    const rn = createRng(23), x = new Float32Array(n * d), row = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      row.fill(0);
      for (let a = 0; a < z; a++) { const v = Z[i * z + a]!; for (let t = 0; t < d; t++) row[t]! += v * W[a * d + t]!; }
      for (let t = 0; t < d; t++) x[i * d + t] = row[t]! + 0.05 * rn.normal();
    }
    log(`  made bench/data/${name}.f32 in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return writeSet(name, x, n, d, how);
  })();
  return { id: 'lowrank20k', file, title: '20 000 × 784, low intrinsic dimension (24-D blobs mapped linearly to 784-D, plus noise)', how };
}

/** The bundled digits (1 797 × 64, integer pixel counts 0–16: many tied distances). */
function digits(): DataSet {
  const name = 'digits_1797x64';
  const how = 'data/digits.features.csv (the UCI optical digits as in scikit-learn load_digits)';
  const file = have(name, 1797, 64) ?? (() => {
    const lines = readFileSync(join(ROOT, 'data', 'digits.features.csv'), 'utf8').trim().split('\n');
    const x = new Float32Array(lines.length * 64);
    lines.forEach((l, i) => l.split(',').forEach((v, j) => { x[i * 64 + j] = Number(v); }));
    return writeSet(name, x, lines.length, 64, how);
  })();
  return { id: 'digits', file, title: 'digits, 1 797 × 64 (bundled; integer pixels, many ties)', how };
}

// ------------------------------------------------------------------------------------ systems

interface Sample { seconds: number; ids: Int32Array | null; extra: Record<string, unknown> }

interface System {
  id: string;
  label: string;
  params: string;
  exact: boolean;
  ours: boolean;
  run(set: DataSet, X: Matrix): Sample | { skipped: string } | { failed: string };
}

function ours(id: string, label: string, opts: { algorithm: 'nndescent' | 'brute'; nNeighbors?: number }): System {
  const params = opts.algorithm === 'brute' ? `nearestNeighbors {k: ${K}, algorithm: 'brute'}` :
    `buildIndex {algorithm: 'nndescent', nNeighbors: ${opts.nNeighbors}} + queryKnn(k = ${K})`;
  return {
    id, label, params, exact: opts.algorithm === 'brute', ours: true,
    run(_set, X) {
      const t0 = performance.now();
      if (opts.algorithm === 'brute') {
        const r = nearestNeighbors(X, { k: K, algorithm: 'brute' });
        return { seconds: (performance.now() - t0) / 1000, ids: r.indices, extra: {} };
      }
      const index = buildIndex(X, { algorithm: 'nndescent', nNeighbors: opts.nNeighbors });
      const r = queryKnn(index, null, K);
      const seconds = (performance.now() - t0) / 1000;
      const g = index.graph!;
      return {
        seconds, ids: r.indices,
        extra: { iterations: g.iterations, converged: g.converged, nTrees: g.options.nTrees, evals: g.history.reduce((a, h) => a + h.distanceEvaluations, 0) },
      };
    },
  };
}

interface PeerJson { system: string; version: string; median_s: number; threads: number; result?: Record<string, unknown>; build_s?: number; search_s?: number }

function spawnPeer(cmd: string, args: string[], idsPath: string, timeoutS: number): Sample | { skipped: string } | { failed: string } {
  if (!ANCHORS && cmd === PY && args[0]?.endsWith('py_peers.py')) return { skipped: 'peer runners not found (set ANCHORS_DIR)' };
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: timeoutS * 1000, env: { ...process.env, PEERS_DIR } });
  const why = (r.stderr ?? '').trim().split('\n').at(-1) ?? '';
  if (r.error) return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? { skipped: `${cmd} not found` } : { failed: r.error.message };
  if (r.status === 3 || r.status === 4) return { skipped: why };
  if (r.status !== 0) return { failed: `exit ${r.status ?? r.signal}: ${why}` };
  let json: PeerJson;
  try { json = JSON.parse(r.stdout) as PeerJson; } catch { return { failed: `stdout is not one JSON object: ${r.stdout.slice(0, 200)}` }; }
  const ids = existsSync(idsPath) ? readIds(idsPath) : null;
  return { seconds: json.median_s, ids, extra: { version: json.version, threads: json.threads, system: json.system, build_s: json.build_s, search_s: json.search_s } };
}

function readIds(path: string): Int32Array {
  const t = readFileSync(path, 'utf8').trim().split(/\s+/);
  return Int32Array.from(t, (v) => Number(v));
}

function pyKnn(id: string, label: string, impl: 'brute' | 'faiss' | 'kd_tree'): System {
  const params = { k: K, impl, exclude_self: true };
  return {
    id, label, params: `py_peers.py --task knn ${JSON.stringify(params)}`, exact: true, ours: false,
    run(set) {
      const ids = join(NB_DIR, `${id}-${set.id}.txt`);
      return spawnPeer(PY, [join(ANCHORS, 'py_peers.py'), '--task', 'knn', '--data', set.file, '--params', JSON.stringify(params),
        '--threads', '1', '--repeats', '1', '--out-labels', ids], ids, 1800);
    },
  };
}

/** faiss HNSW (IndexHNSWFlat): not a py_peers task, so a short inline script in the same Python. */
const HNSW_PY = `
import json, os, sys, time
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
try:
    import faiss
except ImportError as e:
    print(f"faiss not installed: {e}", file=sys.stderr); sys.exit(3)
path, k, M, efc, efs, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
meta = json.load(open(path[:-4] + ".json"))
X = np.fromfile(path, dtype="<f4").reshape(meta["n"], meta["d"])
faiss.omp_set_num_threads(1)
t0 = time.perf_counter()
index = faiss.IndexHNSWFlat(X.shape[1], M)
index.hnsw.efConstruction = efc
index.add(X)
t1 = time.perf_counter()
index.hnsw.efSearch = efs
D, I = index.search(X, k + 1)
t2 = time.perf_counter()
rows = []
for i in range(len(I)):
    r = [int(j) for j in I[i] if j != i and j >= 0][:k]
    rows.append(" ".join(map(str, r + [-1] * (k - len(r)))))
tmp = out + ".tmp%d" % os.getpid()
open(tmp, "w").write("\\n".join(rows) + "\\n"); os.replace(tmp, out)
print(json.dumps({"system": "faiss.IndexHNSWFlat", "version": faiss.__version__, "median_s": t2 - t0, "build_s": t1 - t0,
                  "search_s": t2 - t1, "threads": faiss.omp_get_max_threads()}))
`;

function hnsw(id: string, M: number, efC: number, efS: number): System {
  return {
    id, label: 'faiss HNSW', params: `IndexHNSWFlat(M = ${M}), efConstruction ${efC}, efSearch ${efS}; build + search of all rows (k + 1, self dropped)`,
    exact: false, ours: false,
    run(set) {
      const ids = join(NB_DIR, `${id}-${set.id}.txt`);
      return spawnPeer(PY, ['-c', HNSW_PY, set.file, String(K), String(M), String(efC), String(efS), ids], ids, 1800);
    },
  };
}

// ------------------------------------------------------------------------------------ recall

/** Tie-aware recall@K and id recall of `ids` [n × K] against the exact lists. */
function recallOf(X: Matrix, ids: Int32Array, exactIds: Int32Array, exactDist: Float64Array): { recall: number; idRecall: number } {
  const n = X.rows, d = X.cols;
  if (ids.length !== n * K) return { recall: NaN, idRecall: NaN };
  let hit = 0, idHit = 0;
  const set = new Set<number>();
  for (let i = 0; i < n; i++) {
    const kth = exactDist[i * K + K - 1]!;
    set.clear();
    for (let t = 0; t < K; t++) set.add(exactIds[i * K + t]!);
    for (let t = 0; t < K; t++) {
      const j = ids[i * K + t]!;
      if (j < 0 || j >= n || j === i) continue;
      if (Math.sqrt(rdistRows('euclidean', X.data, i, 0, X.data, j, 0, d)) <= kth) hit++;
      if (set.has(j)) idHit++;
    }
  }
  return { recall: hit / (n * K), idRecall: idHit / (n * K) };
}

// ------------------------------------------------------------------------------------ main

interface Row { sys: System; times: number[]; loads: number[]; skipped: string | null; failed: string | null; last: Sample | null }

function main(): void {
  const cli = parseCli(process.argv.slice(2));
  const started = new Date(), tStart = performance.now(), load0 = loadavg()[0]!;
  log(`anchors: ${ANCHORS || '(not found)'}; python ${PY}`);
  writeAtomic(join(NB_DIR, '.keep'), '');
  const sets = [blobs100k, lowRank20k, digits].filter((f) => !cli.only || cli.only.has(idOf(f)));
  const out: { set: DataSet; n: number; d: number; rows: Row[]; exactDist: Float64Array | null; exactIds: Int32Array | null; X: Matrix }[] = [];
  for (const make of sets) {
    const set = make();
    const { n, d, x } = readSet(set.file);
    const X: Matrix = { data: x, rows: n, cols: d };
    log(`${set.id}: ${set.title}`);
    const systems: System[] = [
      ours('ours-nnd', 'clusterkit NN-descent (nearestNeighbors default degree ⌈1.5k⌉)', { algorithm: 'nndescent', nNeighbors: Math.ceil(1.5 * K) }),
      ours('ours-nnd15', 'clusterkit NN-descent, degree k', { algorithm: 'nndescent', nNeighbors: K }),
      hnsw('faiss-hnsw', 32, 40, 64),
      ours('ours-exact', 'clusterkit exact brute force', { algorithm: 'brute' }),
      pyKnn('sklearn-brute', 'scikit-learn NearestNeighbors(brute)', 'brute'),
      pyKnn('faiss-flat', 'faiss IndexFlatL2 (exact)', 'faiss'),
    ];
    const rows: Row[] = systems.map((s) => ({ sys: s, times: [], loads: [], skipped: cli.skip.has(s.id) ? 'left out by --skip' : null, failed: null, last: null }));
    const rounds = Math.max(cli.repeats, cli.exactRepeats);
    for (let round = 1; round <= rounds; round++) {
      for (const r of rows) {
        if (r.skipped || r.failed) continue;
        if (r.times.length >= (r.sys.exact ? cli.exactRepeats : cli.repeats)) continue;
        let res: Sample | { skipped: string } | { failed: string };
        try { res = r.sys.run(set, X); } catch (e) { res = { failed: (e as Error).message }; }
        if ('skipped' in res) { r.skipped = res.skipped; log(`  ${r.sys.id}: skipped: ${res.skipped}`); continue; }
        if ('failed' in res) { r.failed = res.failed; log(`  ${r.sys.id}: FAILED: ${res.failed}`); continue; }
        r.times.push(res.seconds);
        r.loads.push(loadavg()[0]!);
        r.last = res;
        log(`  ${r.sys.id.padEnd(14)} ${res.seconds.toFixed(3).padStart(9)} s  (load1 ${loadavg()[0]!.toFixed(2)})`);
      }
    }
    const ex = rows.find((r) => r.sys.id === 'ours-exact')!;
    let exactDist: Float64Array | null = null;
    if (ex.last?.ids) {
      exactDist = new Float64Array(n * K);
      for (let i = 0; i < n; i++) for (let t = 0; t < K; t++) exactDist[i * K + t] = Math.sqrt(rdistRows('euclidean', x, i, 0, x, ex.last.ids[i * K + t]!, 0, d));
    }
    out.push({ set, n, d, rows, exactDist, exactIds: ex.last?.ids ?? null, X });
  }
  const L: string[] = [];
  const totalS = (performance.now() - tStart) / 1000;
  L.push('# Approximate k-nearest-neighbour benchmark', '');
  L.push(`Run ${started.toISOString()} · \`node dist/bench/ann.bench.js\`${cli.repeats !== 3 ? ` --repeats ${cli.repeats}` : ''}${cli.only ? ` --only ${[...cli.only].join(',')}` : ''} · ` +
    `clusterkit ${packageVersion()} · node ${process.version} · ${cpus()[0]?.model ?? '?'} × ${cpus().length} · load1 ${load0.toFixed(2)} at start, ` +
    `${loadavg()[0]!.toFixed(2)} at end · ${(totalS / 60).toFixed(1)} min in all.`, '');
  L.push(`Task: the k = ${K} nearest neighbours of every row of the data (each row excluded from its own list), Euclidean. ` +
    'clusterkit runs in the bench process, single-threaded (WebAssembly kernels for brute force unless `CLUSTERKIT_KERNELS=ts`); ' +
    'peers run as subprocesses with 1 thread. Times are medians over the samples (exact rows: 1 sample by default, they are slow and ' +
    'deterministic). **× vs NN-descent** = the row\'s median ÷ clusterkit NN-descent\'s median (> 1: NN-descent faster). **recall@15**: share of ' +
    'returned neighbours whose exact distance is ≤ the exact 15th distance (ties count, as ann-benchmarks), exact = clusterkit brute ' +
    'force in this run; **id recall**: share of the exact ids returned.', '');
  if (Math.max(load0, loadavg()[0]!) > 1.5) {
    L.push(`> **Busy machine:** load1 up to ${Math.max(load0, loadavg()[0]!).toFixed(2)} on ${cpus().length} cores during this run; absolute ` +
      'times are inflated, read the ratios.', '');
  }
  for (const o of out) {
    L.push(`## ${o.set.title}`, '', `Data: \`bench/data/${o.set.file.split('/').pop()}\`, ${o.set.how}.`, '');
    const nnd = o.rows.find((r) => r.sys.id === 'ours-nnd')!;
    const base = nnd.times.length ? median(nnd.times) : NaN;
    L.push('| system | params | samples | median s | min–max s | × vs NN-descent | recall@15 | id recall | load1 per sample | notes |');
    L.push('|---|---|---:|---:|---:|---:|---:|---:|---|---|');
    for (const r of o.rows) {
      const name = r.sys.ours ? `**${r.sys.label}**` : r.sys.label;
      if (!r.times.length) {
        const why = r.failed ? `FAILED: ${r.failed}` : `skipped: ${r.skipped ?? 'no sample'}`;
        L.push(`| ${name} | \`${r.sys.params}\` | 0 | – | – | – | – | – | – | ${why.replace(/\|/g, '\\|')} |`);
        continue;
      }
      const m = median(r.times);
      const rc = r.last?.ids && o.exactIds && o.exactDist ? recallOf(o.X, r.last.ids, o.exactIds, o.exactDist) : null;
      const e = r.last?.extra ?? {};
      const notes = r.sys.ours
        ? (e.iterations !== undefined ? `${String(e.nTrees)} trees, ${String(e.iterations)} iterations${e.converged ? ' (δ stop)' : ''}, ${(Number(e.evals) / o.n).toFixed(0)} distances per row` : '')
        : `${String(e.system ?? '')} ${String(e.version ?? '')}, ${String(e.threads ?? '?')} thread(s)` +
          (e.build_s !== undefined ? `; build ${Number(e.build_s).toFixed(2)} s + search ${Number(e.search_s).toFixed(2)} s` : '');
      L.push(`| ${name} | \`${r.sys.params}\` | ${r.times.length} | ${fmtS(m)} | ${fmtS(Math.min(...r.times))}–${fmtS(Math.max(...r.times))} | ` +
        `${Number.isFinite(base) ? (m / base).toFixed(2) : '–'} | ${rc ? rc.recall.toFixed(4) : '–'} | ${rc ? rc.idRecall.toFixed(4) : '–'} | ` +
        `${r.loads.map((v) => v.toFixed(1)).join(' ')} | ${notes} |`);
    }
    L.push('');
  }
  L.push('faiss HNSW is not one of `py_peers.py`\'s tasks; it runs from a short inline script (in `bench/ann.bench.ts`) under the same ' +
    'Python, timing index construction plus the search of every row. Its recall depends on efSearch (here 64).', '');
  const md = L.join('\n');
  writeAtomic(cli.out, md);
  process.stdout.write(md);
  log(`written ${relative(process.cwd(), cli.out) || cli.out} (${totalS.toFixed(0)} s in all)`);
}

function idOf(f: () => DataSet): string {
  return f === blobs100k ? 'blobs100k' : f === lowRank20k ? 'lowrank20k' : 'digits';
}

const fmtS = (v: number): string => (v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));

main();
