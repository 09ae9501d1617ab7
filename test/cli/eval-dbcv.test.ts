// `clusterkit eval --data`: the DBCV row (src/metrics/dbcv.ts), run in process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/run.js';
import { dbcv } from '../../src/metrics/dbcv.js';
import { ROOT, bundled, fixture } from '../helpers/data.js';

const TMP = mkdtempSync(join(tmpdir(), 'clusterkit-eval-dbcv-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
const IRIS = join(ROOT, 'data', 'iris.features.csv');
const IRIS_LABELS = join(ROOT, 'data', 'iris.labels.txt');
const iris = bundled('iris');
// hdbscan 0.8.43 labels of iris (fixtures/hdbscan_dbcv.json): mcs5 has 2 clusters, mcs10_eps 5 clusters and 44 noise rows,
// mcs30_single one cluster and 7 noise rows.
const RUNS = fixture<{ iris: { runs: Record<string, { labels: number[] }> } }>('hdbscan_dbcv.json').iris.runs;
function labelsFile(name: string, labels: ArrayLike<number>): string {
  const p = join(TMP, `${name}.csv`);
  writeFileSync(p, `label\n${Array.from(labels).join('\n')}\n`);
  return p;
}

async function evalCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const code = await run(['eval', ...args], { out: (t) => { stdout += t; }, err: (t) => { stderr += t; }, errIsTTY: false });
  return { code, stdout, stderr };
}

test('clusterkit eval --data --json adds dbcv equal to dbcv(X, labels).score, with noise labels', async () => {
  for (const name of ['mcs5', 'mcs10_eps']) {
    const labels = Int32Array.from(RUNS[name]!.labels);
    const r = await evalCli('--pred', labelsFile(name, labels), '--truth', IRIS_LABELS, '--data', IRIS, '--json');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.dbcv, dbcv(iris.x, labels).score, name);
    assert.ok(s.dbcv > 0.3 && s.dbcv < 0.7, `${name}: ${s.dbcv}`);
  }
});

test('clusterkit eval --data --json gives dbcv null and a warning for one cluster besides noise', async () => {
  const r = await evalCli('--pred', labelsFile('single', RUNS.mcs30_single!.labels), '--truth', IRIS_LABELS, '--data', IRIS, '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.dbcv, null);
  assert.ok(s.warnings.some((w: string) => w.startsWith('DBCV is undefined')), JSON.stringify(s.warnings));
});

test('clusterkit eval --data gives dbcv null and a warning naming a one-row cluster', async () => {
  const labels = Int32Array.from(RUNS.mcs5!.labels);
  labels[0] = 7;
  const r = await evalCli('--pred', labelsFile('singleton', labels), '--truth', IRIS_LABELS, '--data', IRIS, '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.dbcv, null);
  assert.ok(s.warnings.some((w: string) => w.includes('cluster 7 must have at least 2 rows')), JSON.stringify(s.warnings));
});

test('clusterkit eval --data prints a DBCV row in the table, and leaves it out with --sample-size', async () => {
  const p = labelsFile('table', RUNS.mcs5!.labels);
  const r = await evalCli('--pred', p, '--truth', IRIS_LABELS, '--data', IRIS);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^DBCV\s+0\.620\d\s/m);
  const j = await evalCli('--pred', p, '--truth', IRIS_LABELS, '--data', IRIS, '--sample-size', '50', '--json');
  const s = JSON.parse(j.stdout);
  assert.equal('dbcv' in s, false);
  assert.ok(s.warnings.includes('DBCV is computed on all rows only; left out with --sample-size.'));
});
