// readTable: one entry point, dispatch on the extension; round trips through each format.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTable } from '../../src/io/read.js';
import { writeNpy } from '../../src/io/npy.js';
import { writeCsv } from '../../src/io/write.js';
import { rejects } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ck-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const f32 = (a: number[]): Float32Array => Float32Array.from(a);


/** A 5 × 3 float32 matrix with awkward values (non-terminating binary fractions, tiny, huge). */
const M = { data: f32([0.1, -2.5, 3.3333333, 1e-7, 42, 0, 7.25, 1e20, -0.3, 5, 6, 7, 8.125, 9.9, -10]), rows: 5, cols: 3 };

test('readTable(path) dispatches .csv, .tsv, .txt, .jsonl, .ndjson and .npy, and each round-trips the matrix', async () => {
  const cols = [0, 1, 2].map((j) => f32(Array.from({ length: M.rows }, (_, i) => M.data[i * 3 + j]!)));
  const csv = join(dir, 'm.csv');
  await writeCsv(csv, ['a', 'b', 'c'], cols);
  const t = await readTable(csv);
  assert.deepEqual(t.matrix, M);
  assert.deepEqual(t.columnNames, ['a', 'b', 'c']);

  const rows = Array.from({ length: M.rows }, (_, i) => Array.from(M.data.subarray(i * 3, i * 3 + 3)));
  const tsv = join(dir, 'm.TSV');
  writeFileSync(tsv, rows.map((r) => r.join('\t')).join('\n'));
  assert.deepEqual((await readTable(tsv)).matrix, M);
  const txt = join(dir, 'm.txt');
  writeFileSync(txt, rows.map((r) => ` ${r.join('   ')}`).join('\n'));
  assert.deepEqual((await readTable(txt)).matrix, M);
  for (const ext of ['.jsonl', '.ndjson']) {
    const p = join(dir, `m${ext}`);
    writeFileSync(p, rows.map((r) => JSON.stringify(r)).join('\n'));
    assert.deepEqual((await readTable(p)).matrix, M);
  }
  const npy = join(dir, 'm.npy');
  await writeNpy(npy, M);
  assert.deepEqual((await readTable(npy)).matrix, M);
});

test('readTable(path, opts) passes the options to the reader', async () => {
  const p = join(dir, 'lab.csv');
  writeFileSync(p, 'x,y,class\n1,2,b\n3,4,a\n');
  const t = await readTable(p, { columns: ['y'], labelColumn: 'class' });
  assert.deepEqual(t.matrix, { data: f32([2, 4]), rows: 2, cols: 1 });
  assert.deepEqual(t.labelNames, ['b', 'a']);
});

test('readTable(path) refuses an unknown extension, listing the supported ones', async () => {
  const p = join(dir, 'data.xlsx');
  writeFileSync(p, '1,2\n');
  await rejects(() => readTable(p), 'BAD_FILE', "'.xlsx'", '.csv, .tsv', '.jsonl', '.npy', '.parquet');
  await rejects(() => readTable(join(dir, 'noext')), 'BAD_FILE', 'Got none');
});

test('readTable(path) refuses a missing file and a directory, naming the path', async () => {
  const missing = join(dir, 'missing.csv');
  await rejects(() => readTable(missing), 'BAD_FILE', missing, 'no such file');
  const sub = join(dir, 'sub.csv');
  mkdirSync(sub);
  await rejects(() => readTable(sub), 'BAD_FILE', sub, 'directory');
});

test('readTable(path, opts) refuses unknown option names', async () => {
  await rejects(() => readTable(join(dir, 'lab.csv'), { label: 'class' } as never), 'UNKNOWN_OPTION', "'label'", 'labelColumn');
});
