// End-to-end tests of the density and hierarchy paths of the CLI: spawned `clusterkit fit` with
// --algo hdbscan | dbscan | optics | agglomerative, their --tree / --scores / --linkage-out files,
// the --json summary (n_clusters, n_noise, noise_fraction, inertia null) and predict with saved
// HDBSCAN and DBSCAN models, checked against the library's own results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, bundled } from '../helpers/data.js';
import * as hdbscan from '../../src/density/hdbscan.js';
import * as dbscan from '../../src/density/dbscan.js';
import * as optics from '../../src/density/optics.js';
import * as agglomerative from '../../src/hierarchy/agglomerative.js';

const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const IRIS = join(ROOT, 'data', 'iris.features.csv');
const NOISY = join(ROOT, 'data', 'noisy2d.features.csv');
const TMP = mkdtempSync(join(tmpdir(), 'clusterkit-cli-density-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
const tmp = (name: string): string => join(TMP, name);

interface Run { code: number; stdout: string; stderr: string }
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: TMP, encoding: 'utf8', env: { ...process.env, CI: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}
const lines = (path: string): string[] => readFileSync(path, 'utf8').trim().split('\n');
const labelsOf = (path: string): number[] => { const l = lines(path); assert.equal(l[0], 'label'); return l.slice(1).map(Number); };
const iris = bundled('iris');
const noisy = bundled('noisy2d');

test('clusterkit fit --algo hdbscan --min-cluster-size 15 writes labels with noise -1, scores, tree and linkage equal to hdbscan.fit', async () => {
  const r = await cli('fit', NOISY, '--algo', 'hdbscan', '--min-cluster-size', '15', '--out', 'h.csv', '--scores', 'hs.csv',
    '--tree', 'ht.json', '--linkage-out', 'hz.csv', '--model', 'hm.json', '--json');
  assert.equal(r.code, 0, r.stderr);
  const lib = hdbscan.fit(noisy.x, { minClusterSize: 15 });
  const labels = labelsOf(tmp('h.csv'));
  assert.equal(labels.length, 10000);
  assert.deepEqual(labels, Array.from(lib.labels));
  assert.ok(labels.includes(-1));
  const s = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(s.algorithm, 'hdbscan');
  assert.equal(s.n_clusters, lib.k);
  const noise = labels.filter((l) => l === -1).length;
  assert.equal(s.n_noise, noise);
  assert.equal(s.noise_fraction, noise / 10000);
  assert.equal(s.inertia, null);
  assert.equal((s.params as Record<string, unknown>).minClusterSize, 15);
  // scores
  const sc = lines(tmp('hs.csv'));
  assert.equal(sc[0], 'probability,outlier_score');
  assert.equal(sc.length, 10001);
  const [p5, o5] = sc[6]!.split(',').map(Number);
  assert.equal(p5, lib.probabilities[5]);
  assert.equal(o5, lib.outlierScores[5]);
  // linkage matrix
  const z = lines(tmp('hz.csv'));
  assert.equal(z[0], 'id_a,id_b,height,size');
  assert.equal(z.length, 10000); // header + n − 1 merges
  const last = z[z.length - 1]!.split(',').map(Number);
  assert.equal(last[3], 10000);
  // tree
  const t = JSON.parse(readFileSync(tmp('ht.json'), 'utf8')) as { kind: string; condensedTree: Record<string, number[]>; selectedNodes: number[] };
  assert.equal(t.kind, 'hdbscan-condensed-tree');
  assert.deepEqual(Object.keys(t.condensedTree), ['parent', 'child', 'lambdaVal', 'childSize']);
  assert.equal(t.condensedTree.parent!.length, lib.condensedTree.parent.length);
  assert.deepEqual(t.selectedNodes, Array.from(lib.selectedNodes));
});

test('clusterkit predict with a saved HDBSCAN model labels rows by approximate predict', async () => {
  const m = tmp('hm2.json');
  assert.equal((await cli('fit', NOISY, '--algo', 'hdbscan', '--min-cluster-size', '15', '--model', m, '--quiet')).code, 0);
  const r = await cli('predict', NOISY, '--model', m, '--out', 'hp.csv', '--json');
  assert.equal(r.code, 0, r.stderr);
  const lib = hdbscan.fit(noisy.x, { minClusterSize: 15 });
  const p = labelsOf(tmp('hp.csv'));
  assert.deepEqual(p, Array.from(hdbscan.approximatePredict(lib, noisy.x).labels));
  assert.equal((JSON.parse(r.stdout) as { algorithm: string }).algorithm, 'hdbscan');
});

test('clusterkit fit --algo dbscan --eps E --min-samples M equals dbscan.fit, and predict uses the nearest core point', async () => {
  const r = await cli('fit', NOISY, '--algo', 'dbscan', '--eps', '0.3', '--min-samples', '10', '--out', 'd.csv', '--model', 'dm.json', '--json');
  assert.equal(r.code, 0, r.stderr);
  const lib = dbscan.fit(noisy.x, { eps: 0.3, minSamples: 10 });
  assert.deepEqual(labelsOf(tmp('d.csv')), Array.from(lib.labels));
  const s = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(s.n_clusters, lib.k);
  assert.equal(s.n_noise, lib.nNoise);
  assert.equal(s.inertia, null);
  const p = await cli('predict', NOISY, '--model', 'dm.json', '--out', 'dp.csv');
  assert.equal(p.code, 0, p.stderr);
  assert.deepEqual(labelsOf(tmp('dp.csv')), Array.from(dbscan.predictNearestCore(lib, noisy.x)));
  const help = await cli('predict', '--help');
  assert.match(help.stdout, /dbscan: +the cluster of the nearest core point/);
});

test('clusterkit fit --algo optics --min-samples M --xi X equals optics.fit; --tree writes the ordering; predict is refused', async () => {
  const r = await cli('fit', IRIS, '--algo', 'optics', '--min-samples', '15', '--xi', '0.05', '--out', 'o.csv', '--tree', 'ot.json', '--model', 'om.json', '--json');
  assert.equal(r.code, 0, r.stderr);
  const lib = optics.fit(iris.x, { minSamples: 15, xi: 0.05 });
  assert.deepEqual(labelsOf(tmp('o.csv')), Array.from(lib.labels));
  const s = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(s.algorithm, 'optics');
  assert.equal(s.n_clusters, lib.k);
  assert.equal(s.inertia, null);
  const t = JSON.parse(readFileSync(tmp('ot.json'), 'utf8')) as { kind: string; ordering: number[] };
  assert.equal(t.kind, 'optics-xi-hierarchy');
  assert.deepEqual(t.ordering, Array.from(lib.ordering));
  const p = await cli('predict', IRIS, '--model', 'om.json');
  assert.equal(p.code, 2);
  assert.match(p.stderr, /OPTICS has no predict/);
});

test('clusterkit fit --algo agglomerative --linkage ward --k 3 writes labels, the linkage matrix and the tree; --distance-threshold also works', async () => {
  const r = await cli('fit', IRIS, '--algo', 'agglomerative', '--linkage', 'ward', '--k', '3', '--out', 'a.csv', '--linkage-out', 'az.csv', '--tree', 'at.json', '--json');
  assert.equal(r.code, 0, r.stderr);
  const lib = agglomerative.fit(iris.x, { linkage: 'ward', k: 3 });
  assert.deepEqual(labelsOf(tmp('a.csv')), Array.from(lib.labels));
  const z = lines(tmp('az.csv'));
  assert.equal(z[0], 'id_a,id_b,height,size');
  assert.equal(z.length, 150);
  const row = z[149]!.split(',').map(Number);
  assert.deepEqual(row, Array.from(lib.z.subarray(4 * 148, 4 * 149)));
  const t = JSON.parse(readFileSync(tmp('at.json'), 'utf8')) as { kind: string; root: number; nodes: { id: number; children: number[] }[] };
  assert.equal(t.kind, 'agglomerative-linkage-tree');
  assert.equal(t.nodes.length, 149);
  assert.equal(t.root, 298);
  const s = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(s.k, 3);
  assert.equal(typeof s.inertia, 'number');
  assert.equal(s.n_noise, undefined);
  const th = await cli('fit', IRIS, '--algo', 'agglomerative', '--linkage', 'ward', '--distance-threshold', '10', '--json');
  assert.equal(th.code, 0, th.stderr);
  assert.equal((JSON.parse(th.stdout) as { k: number }).k, agglomerative.fit(iris.x, { linkage: 'ward', distanceThreshold: 10 }).k);
});

test('clusterkit fit refuses --tree, --scores and --linkage-out with algorithms that lack them (exit 2, no file)', async () => {
  const a = await cli('fit', IRIS, '--k', '3', '--tree', 'no1.json');
  assert.equal(a.code, 2);
  assert.match(a.stderr, /flag '--tree' must be used with --algo hdbscan, agglomerative or optics\. Got --algo kmeans\./);
  const b = await cli('fit', IRIS, '--algo', 'agglomerative', '--k', '3', '--scores', 'no2.csv');
  assert.equal(b.code, 2);
  assert.match(b.stderr, /'--scores' must be used with --algo hdbscan/);
  const c = await cli('fit', IRIS, '--algo', 'dbscan', '--eps', '0.5', '--linkage-out', 'no3.csv');
  assert.equal(c.code, 2);
  assert.match(c.stderr, /'--linkage-out' must be used with --algo hdbscan or agglomerative/);
  for (const f of ['no1.json', 'no2.csv', 'no3.csv']) assert.ok(!existsSync(tmp(f)), f);
});

test('clusterkit fit --help documents the density flags and examples', async () => {
  const r = await cli('fit', '--help');
  assert.equal(r.code, 0);
  for (const s of ['--min-cluster-size', '--eps', '--xi', '--linkage', '--distance-threshold', '--tree FILE', '--scores FILE', '--linkage-out FILE', '(--algo optics)', 'noise -1']) {
    assert.ok(r.stdout.includes(s), s);
  }
});

test('clusterkit fit --algo hdbscan prints noise instead of inertia in the readable summary', async () => {
  const r = await cli('fit', IRIS, '--algo', 'hdbscan', '--min-cluster-size', '5');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /noise +\d+ rows \([\d.]+ %\), label -1/);
  assert.ok(!/inertia/.test(r.stdout));
});
