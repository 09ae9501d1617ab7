// End-to-end tests of the clusterkit CLI: each test spawns `node dist/src/cli/main.js …` as a
// user would, and checks files, JSON output and exit codes against the library's own results.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, bundled, fixture } from '../helpers/data.js';
import * as kmeans from '../../src/centroid/kmeans.js';
import { externalScores, silhouetteScore, daviesBouldin, calinskiHarabasz } from '../../src/metrics/index.js';
import * as standardScaler from '../../src/preprocessing/standardScaler.js';
import { run } from '../../src/cli/run.js';

const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const IRIS = join(ROOT, 'data', 'iris.features.csv');
const IRIS_LABELS = join(ROOT, 'data', 'iris.labels.txt');
const TMP = mkdtempSync(join(tmpdir(), 'clusterkit-cli-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));

interface Run { code: number; stdout: string; stderr: string }
/** Spawn the built CLI in the temp folder. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: TMP, encoding: 'utf8', env: { ...process.env, CI: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
/** Run the CLI in this process (same dispatcher as main.js) for the many small usage cases. */
async function cliInProcess(...args: string[]): Promise<Run> {
  let stdout = '', stderr = '';
  const code = await run(args, { out: (t) => { stdout += t; }, err: (t) => { stderr += t; }, errIsTTY: false });
  return { code, stdout, stderr };
}
const tmp = (name: string): string => join(TMP, name);
const readLabelCsv = (path: string): number[] => {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'label');
  return lines.slice(1).map(Number);
};

// iris with a header and a text class column
const SPECIES = ['setosa', 'versicolor', 'virginica'];
const iris = bundled('iris');
const IRIS_H = tmp('iris_h.csv');
{
  const rows = ['sepal_length,sepal_width,petal_length,petal_width,species'];
  for (let i = 0; i < iris.x.rows; i++) {
    rows.push(`${Array.from(iris.x.data.subarray(i * 4, i * 4 + 4)).map((v) => Number(v.toPrecision(7))).join(',')},${SPECIES[iris.y[i]!]}`);
  }
  writeFileSync(IRIS_H, `${rows.join('\n')}\n`);
}
// k-means labels of iris for the eval tests
const IRIS_KM = kmeans.fit(iris.x, { k: 3, seed: 0 });
writeFileSync(tmp('pred_eval.csv'), `label\n${Array.from(IRIS_KM.labels).join('\n')}\n`);
// scikit-learn 1.2.1 KMeans(n_clusters=3, n_init=10, random_state=0) on iris (test/fixtures/kmeans.json, "seeded_band")
const BAND = fixture('kmeans.json').iris.seeded_band.runs[0] as { inertia: number; ari_vs_true: number };

describe('clusterkit CLI (spawned processes, run concurrently)', { concurrency: 4 }, () => {
test('clusterkit fit INPUT --algo kmeans --k 3 --seed 0 --out labels.csv writes a label column of n rows equal to kmeans.fit', async () => {
  const r = await cli('fit', IRIS, '--algo', 'kmeans', '--k', '3', '--seed', '0', '--out', 'labels.csv');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const labels = readLabelCsv(tmp('labels.csv'));
  assert.equal(labels.length, 150);
  const lib = kmeans.fit(iris.x, { k: 3, seed: 0 });
  assert.deepEqual(labels, Array.from(lib.labels));
  assert.match(r.stdout, /inertia\s+78\.85/);
  assert.match(r.stdout, /clusters\s+3 \(sizes /);
});

test('clusterkit fit --json prints one summary with the known iris ARI and inertia', async () => {
  const r = await cli('fit', IRIS_H, '--k', '3', '--n-init', '10', '--seed', '0', '--label-column', 'species', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  const s = JSON.parse(r.stdout);
  for (const key of ['algorithm', 'params', 'n', 'd', 'k', 'inertia', 'iterations', 'seconds', 'ari', 'nmi', 'warnings']) assert.ok(key in s, key);
  assert.equal(s.algorithm, 'kmeans');
  assert.equal(s.n, 150);
  assert.equal(s.d, 4);
  assert.equal(s.k, 3);
  assert.equal(s.params.nInit, 10);
  assert.equal(s.params.seed, 0);
  assert.ok(Math.abs(s.ari - BAND.ari_vs_true) < 1e-9, `ari ${s.ari}`);
  assert.ok(Math.abs(s.inertia - BAND.inertia) / BAND.inertia < 1e-5, `inertia ${s.inertia}`);
  const lib = kmeans.fit(iris.x, { k: 3, seed: 0 });
  assert.equal(s.iterations, lib.nIter);
  assert.equal(s.nmi, externalScores(iris.y, lib.labels).nmi);
  assert.ok(s.seconds >= 0 && s.seconds < 10);
  assert.deepEqual(s.warnings, []);
});

test('clusterkit fit --json without a label column leaves out ari and nmi', async () => {
  const r = await cli('fit', IRIS, '--k', '2', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal('ari' in s, false);
  assert.equal('nmi' in s, false);
  assert.equal(s.k, 2);
});

test('clusterkit fit --model then predict --model gives the fit labels, scaler included', async () => {
  const f = await cli('fit', IRIS_H, '--k', '3', '--label-column', 'species', '--scale', 'standard', '--out', 'fit.csv', '--model', 'model.json');
  assert.equal(f.code, 0, f.stderr);
  const model = JSON.parse(readFileSync(tmp('model.json'), 'utf8'));
  assert.equal(model.format, 'clusterkit-model');
  assert.equal(model.kind, 'kmeans');
  assert.deepEqual(model.inputColumns, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  assert.equal(model.scaler.kind, 'standard-scaler');
  // the fit ran on standardised columns
  const lib = kmeans.fit(standardScaler.fitTransform(iris.x).x, { k: 3 });
  assert.deepEqual(readLabelCsv(tmp('fit.csv')), Array.from(lib.labels));
  const p = await cli('predict', IRIS_H, '--model', 'model.json', '--out', 'pred.csv');
  assert.equal(p.code, 0, p.stderr);
  assert.deepEqual(readLabelCsv(tmp('pred.csv')), readLabelCsv(tmp('fit.csv')));
  // predict reads the model's columns by name, so a reordered file gives the same labels
  const lines = readFileSync(IRIS_H, 'utf8').trim().split('\n').map((l) => l.split(','));
  writeFileSync(tmp('reordered.csv'), `${lines.map((c) => [c[4], c[3], c[2], c[1], c[0]].join(',')).join('\n')}\n`);
  const q = await cli('predict', 'reordered.csv', '--model', 'model.json', '--out', 'pred2.csv', '--json');
  assert.equal(q.code, 0, q.stderr);
  assert.deepEqual(readLabelCsv(tmp('pred2.csv')), readLabelCsv(tmp('fit.csv')));
  assert.equal(JSON.parse(q.stdout).n, 150);
});

test('clusterkit fit --init FILE starts from the given centroids (scikit-learn labels)', async () => {
  const fx = fixture('kmeans.json').iris;
  const centres = fx.init_centers as number[][];
  writeFileSync(tmp('init.csv'), `${centres.map((r) => r.join(',')).join('\n')}\n`);
  const r = await cli('fit', IRIS, '--k', '3', '--init', 'init.csv', '--algorithm', 'lloyd', '--out', 'init_labels.csv', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).params.init, 'given');
  assert.deepEqual(readLabelCsv(tmp('init_labels.csv')), fx['tol_1e-4'].labels);
});

test('clusterkit fit --columns takes names or 0-based indices', async () => {
  const a = JSON.parse((await cli('fit', IRIS_H, '--k', '3', '--columns', 'petal_length,petal_width', '--json')).stdout);
  const b = JSON.parse((await cli('fit', IRIS_H, '--k', '3', '--columns', '2,3', '--json')).stdout);
  assert.equal(a.d, 2);
  assert.equal(a.inertia, b.inertia);
  const lib = kmeans.fit({ data: Float32Array.from({ length: 300 }, (_, t) => iris.x.data[Math.floor(t / 2) * 4 + 2 + (t % 2)]!), rows: 150, cols: 2 }, { k: 3 });
  assert.ok(Math.abs(a.inertia - lib.inertia) < 1e-9 * lib.inertia);
});

test('clusterkit fit --weights COLUMN fits with those row weights, kept out of the features', async () => {
  const w = Array.from({ length: 150 }, (_, i) => 1 + (i % 3));
  const lines = readFileSync(IRIS, 'utf8').trim().split('\n');
  writeFileSync(tmp('weighted.csv'), `a,b,c,d,weight\n${lines.map((l, i) => `${l},${w[i]}`).join('\n')}\n`);
  const r = await cli('fit', 'weighted.csv', '--k', '3', '--weights', 'weight', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.d, 4);
  assert.equal(s.params.weighted, true);
  const lib = kmeans.fit(iris.x, { k: 3, sampleWeight: w });
  assert.equal(s.inertia, lib.inertia);
});

test('clusterkit fit --algo minibatch-kmeans --stream labels every row and its model predicts the same', async () => {
  const r = await cli('fit', IRIS_H, '--algo', 'minibatch-kmeans', '--stream', '--k', '3', '--batch-size', '40', '--max-iter', '3',
    '--label-column', 'species', '--out', 'stream.csv', '--model', 'stream.json', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.algorithm, 'minibatch-kmeans');
  assert.equal(s.n, 150);
  assert.equal(s.iterations, 12); // 3 passes × ⌈150 / 40⌉ chunks, one step each
  assert.ok(s.ari > 0 && s.ari <= 1);
  const labels = readLabelCsv(tmp('stream.csv'));
  assert.equal(labels.length, 150);
  const p = await cli('predict', IRIS_H, '--model', 'stream.json', '--out', 'stream_pred.csv');
  assert.equal(p.code, 0, p.stderr);
  assert.deepEqual(readLabelCsv(tmp('stream_pred.csv')), labels);
});

test('clusterkit fit --algo X runs every other algorithm, and predict reproduces its labels', async () => {
  await Promise.all(['minibatch-kmeans', 'spherical-kmeans', 'bisecting-kmeans', 'kmedoids'].map(async (algo) => {
    const r = await cli('fit', IRIS, '--algo', algo, '--k', '3', '--json', '--out', `${algo}.csv`, '--model', `${algo}.json`);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.algorithm, algo);
    assert.equal(s.sizes.reduce((a: number, b: number) => a + b, 0), 150);
    const p = await cli('predict', IRIS, '--model', `${algo}.json`, '--out', `${algo}_pred.csv`);
    assert.equal(p.code, 0, p.stderr);
    assert.deepEqual(readLabelCsv(tmp(`${algo}_pred.csv`)), readLabelCsv(tmp(`${algo}.csv`)), algo);
  }));
});

test('clusterkit fit --algo kmedoids --init FILE takes medoid row indices; --bisecting-strategy is passed on', async () => {
  writeFileSync(tmp('medoids.txt'), '0\n60\n120\n');
  const r = await cli('fit', IRIS, '--algo', 'kmedoids', '--k', '3', '--init', 'medoids.txt', '--method', 'alternating', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.params.init, 'given');
  assert.equal(s.params.method, 'alternating');
  assert.ok(s.loss > 0);
  const b = JSON.parse((await cli('fit', IRIS, '--algo', 'bisecting-kmeans', '--k', '4', '--bisecting-strategy', 'largest_cluster', '--json')).stdout);
  assert.equal(b.params.bisectingStrategy, 'largest_cluster');
  assert.equal(b.k, 4);
});

test('clusterkit eval --json equals the library metrics, with --truth-column and --data', async () => {
  const lib = IRIS_KM;
  const want = externalScores(iris.y, lib.labels);
  const r = await cli('eval', '--pred', 'pred_eval.csv', '--truth', IRIS_LABELS, '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  for (const key of ['ari', 'ami', 'nmi', 'homogeneity', 'completeness', 'v_measure', 'fmi', 'purity', 'accuracy', 'f1'] as const) {
    assert.equal(s[key], want[key], key);
  }
  assert.equal('silhouette' in s, false);
  const t = await cli('eval', '--pred', 'pred_eval.csv', '--truth', IRIS_H, '--truth-column', 'species', '--data', IRIS, '--json');
  assert.equal(t.code, 0, t.stderr);
  const u = JSON.parse(t.stdout);
  assert.equal(u.ari, want.ari); // text classes map to ids in order of appearance: same partition
  assert.equal(u.silhouette, silhouetteScore(iris.x, lib.labels));
  assert.equal(u.davies_bouldin, daviesBouldin(iris.x, lib.labels));
  assert.equal(u.calinski_harabasz, calinskiHarabasz(iris.x, lib.labels));
});

test('clusterkit eval without --json prints a readable table', async () => {
  const r = await cli('eval', '--pred', 'pred_eval.csv', '--truth', IRIS_LABELS);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ARI\s+0\.7302\s/m);
  assert.match(r.stdout, /^accuracy\s+0\.8933\s/m);
});

/** Exit 2 with exactly one stderr line `clusterkit: error: …` matching `re`. */
function assertUsageError(r: Run, re: RegExp): void {
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^clusterkit: error: /);
  assert.match(lines[0]!, re);
  assert.equal(r.stdout, '');
}

test('clusterkit fit exits 2 with one line for a missing file', async () => {
  assertUsageError(await cli('fit', 'no-such-file.csv', '--k', '3'), /no-such-file\.csv.*no such file/);
});

test('clusterkit fit exits 2 with one line for a non-numeric cell, naming line and column', async () => {
  writeFileSync(tmp('bad.csv'), 'a,b\n1,2\n3,oops\n4,5\n');
  assertUsageError(await cli('fit', 'bad.csv', '--k', '2'), /bad\.csv line 3, column 'b'.*"oops"/);
});

test('clusterkit fit exits 2 with one line for an unknown flag', async () => {
  assertUsageError(await cli('fit', IRIS, '--k', '3', '--frobnicate', '1'), /flag '--frobnicate' is not known/);
});

test('clusterkit fit exits 2 with one line for k > n, naming --k', async () => {
  assertUsageError(await cli('fit', IRIS, '--k', '151'), /--k.*\[1, n = 150\]. Got 151/);
});

test('clusterkit fit exits 2 with one line for a bad --algorithm', async () => {
  assertUsageError(await cli('fit', IRIS, '--k', '3', '--algorithm', 'fastest'), /flag '--algorithm' must be one of 'auto', 'lloyd', 'hamerly', 'elkan'. Got "fastest"/);
});

test('clusterkit fit exits 2 naming the flag for a bad number and for a missing INPUT (in process)', async () => {
  assertUsageError(await cliInProcess('fit', IRIS, '--k', 'three'), /flag '--k' must be an integer. Got "three"/);
  assertUsageError(await cliInProcess('fit', IRIS, '--k', '3', '--tol', 'abc'), /flag '--tol' must be a finite number/);
  assertUsageError(await cliInProcess('fit', '--k', '3'), /INPUT must be given/);
  assertUsageError(await cliInProcess('fit', IRIS, '--k', '3', '--batch-size', '10'), /'--batch-size' must be used with --algo minibatch-kmeans/);
  assertUsageError(await cliInProcess('fit', IRIS, '--k', '3', '--n-init', '0'), /option 'nInit' \(flag --n-init\) must be an integer in \[1, inf\]. Got 0/);
});

test('clusterkit predict and eval exit 2 with one line for bad input (in process)', async () => {
  assertUsageError(await cliInProcess('predict', IRIS), /'--model' must be given/);
  writeFileSync(tmp('notmodel.json'), '{"hello": 1}\n');
  assertUsageError(await cliInProcess('predict', IRIS, '--model', tmp('notmodel.json')), /not a clusterkit model/);
  assertUsageError(await cliInProcess('eval', '--pred', tmp('pred_eval.csv')), /'--truth' must be given/);
  writeFileSync(tmp('short.csv'), 'label\n0\n1\n');
  assertUsageError(await cliInProcess('eval', '--pred', tmp('short.csv'), '--truth', IRIS_LABELS), /one label per row each. Got 2 and 150/);
  assertUsageError(await cliInProcess('frobnicate'), /command must be one of fit, predict, eval, demo/);
});

test('clusterkit --help, --version and every command --help exit 0', async () => {
  const top = await cli('--help');
  assert.equal(top.code, 0);
  assert.match(top.stdout, /Usage: clusterkit <command>/);
  for (const c of ['fit', 'predict', 'eval', 'demo']) assert.match(top.stdout, new RegExp(`^  ${c} `, 'm'));
  const v = await cli('--version');
  assert.equal(v.code, 0);
  assert.equal(v.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  for (const c of ['fit', 'predict', 'eval', 'demo']) {
    const r = await cliInProcess(c, '--help');
    assert.equal(r.code, 0, `${c} --help`);
    assert.match(r.stdout, new RegExp(`^Usage: clusterkit ${c}`));
    assert.equal(r.stderr, '');
  }
  // flags come from the option specs: every k-means option but sampleWeight is a --kebab-case flag
  const fitHelp = (await cliInProcess('fit', '--help')).stdout;
  for (const name of Object.keys(kmeans.KMEANS_SPEC).filter((n) => n !== 'sampleWeight')) {
    const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    assert.ok(fitHelp.includes(`  ${flag} `), flag);
  }
});
});
