// Model files: versioned JSON written atomically, validated on load.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModel, loadModel, type ModelResult } from '../../src/io/model.js';
import { rejects } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ck-model-'));
after(() => rmSync(dir, { recursive: true, force: true }));


const result = {
  kind: 'kmeans',
  version: 1,
  options: { k: 2, seed: 0, init: 'k-means++' },
  labels: Int32Array.from([0, 1, 1, 0]),
  centroids: Float32Array.from([0.1, 0.2, 3.3, -4.4]),
  inertia: 1.25,
  converged: true,
  history: [{ iter: 0, inertia: 2 }, { iter: 1, inertia: 1.25 }],
} as const;

test('saveModel(path, result) writes versioned JSON that loadModel(path) restores with typed arrays', async () => {
  const p = join(dir, 'm.json');
  await saveModel(p, result);
  const raw = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  assert.equal(raw.format, 'clusterkit-model');
  assert.equal(raw.formatVersion, 1);
  assert.equal(raw.kind, 'kmeans');
  const back = await loadModel(p);
  assert.deepEqual(back, result);
  assert.ok(back.labels instanceof Int32Array);
  assert.ok(back.centroids instanceof Float32Array);
  assert.deepEqual(await loadModel(p, { kind: 'kmeans' }), result);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('saveModel(path, result) refuses NaN before writing and leaves an existing model intact', async () => {
  const p = join(dir, 'keep.json');
  await saveModel(p, result);
  const before = readFileSync(p, 'utf8');
  await rejects(() => saveModel(p, { ...result, inertia: NaN }), 'BAD_DATA', 'non-finite', 'inertia');
  assert.equal(readFileSync(p, 'utf8'), before);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  await rejects(() => saveModel(p, { labels: [1] } as unknown as ModelResult), 'BAD_MODEL', "'kind'");
});

test('loadModel(path) refuses a newer format version, naming the path and the fix', async () => {
  const p = join(dir, 'v2.json');
  writeFileSync(p, JSON.stringify({ format: 'clusterkit-model', formatVersion: 2, kind: 'kmeans' }));
  await rejects(() => loadModel(p), 'BAD_MODEL', p, "'formatVersion' must be 1", 'Got 2', 'upgrade');
});

test('loadModel(path) refuses files that are not clusterkit models', async () => {
  const cases: [string, string, string[]][] = [
    ['notjson.json', '{"format": ', ['must be JSON']],
    ['array.json', '[1,2]', ['JSON object', 'an array']],
    ['other.json', '{"format": "sklearn", "formatVersion": 1, "kind": "kmeans"}', ["'format' must be \"clusterkit-model\"", 'Got "sklearn"']],
    ['noversion.json', '{"format": "clusterkit-model", "kind": "kmeans"}', ["'formatVersion' must be 1", 'Got undefined']],
    ['nokind.json', '{"format": "clusterkit-model", "formatVersion": 1}', ["'kind' must be a non-empty string"]],
    ['badtyped.json', '{"format": "clusterkit-model", "formatVersion": 1, "kind": "k", "x": {"$typed": "BigArray", "data": []}}', ['typed arrays', 'BigArray']],
  ];
  for (const [name, text, parts] of cases) {
    const p = join(dir, name);
    writeFileSync(p, text);
    await rejects(() => loadModel(p), 'BAD_MODEL', p, ...parts);
  }
  const k = join(dir, 'kind.json');
  await saveModel(k, { kind: 'dbscan', eps: 0.5 });
  await rejects(() => loadModel(k, { kind: 'kmeans' }), 'BAD_MODEL', "'kind' must be \"kmeans\"", 'Got "dbscan"');
  await rejects(() => loadModel(join(dir, 'missing.json')), 'BAD_FILE', 'missing.json', 'no such file');
});
