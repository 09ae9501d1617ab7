// Atomic writes, label files and CSV output.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeLabels, writeCsv, readLabels, formatFloat32 } from '../../src/io/write.js';
import { readCsv } from '../../src/io/csv.js';
import { rejects } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ck-write-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tmpFiles = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));


test('writeFileAtomic(path, data) writes text, bytes and chunk sequences, leaving no temp file', async () => {
  const p = join(dir, 'a.txt');
  await writeFileAtomic(p, 'héllo\n');
  assert.equal(readFileSync(p, 'utf8'), 'héllo\n');
  await writeFileAtomic(p, Uint8Array.from([65, 66]));
  assert.equal(readFileSync(p, 'utf8'), 'AB');
  const big = 'x'.repeat(1 << 20);
  await writeFileAtomic(p, ['a', Uint8Array.from([66]), big, 'c']);
  assert.equal(readFileSync(p, 'utf8'), `aB${big}c`);
  assert.deepEqual(tmpFiles(), []);
});

test('writeFileAtomic(path, data) leaves the old file intact and removes the temp file when writing fails', async () => {
  const p = join(dir, 'keep.txt');
  writeFileSync(p, 'old contents');
  function* failing(): Generator<string> {
    yield 'new contents, part 1\n';
    yield 'x'.repeat(2 << 20); // flushed to the temp file before the failure
    throw new Error('producer failed');
  }
  await assert.rejects(() => writeFileAtomic(p, failing()), /producer failed/);
  assert.equal(readFileSync(p, 'utf8'), 'old contents');
  assert.deepEqual(tmpFiles(), []);
});

test('writeFileAtomic(path, data) gives BAD_FILE naming the directory when it does not exist', async () => {
  await rejects(() => writeFileAtomic(join(dir, 'no', 'such', 'dir', 'f.txt'), 'x'), 'BAD_FILE', join(dir, 'no', 'such', 'dir'));
});

test('writeLabels(path, labels) writes CSV with a label header, JSONL or one per line by extension, and readLabels reads each back', async () => {
  const labels = Int32Array.from([2, 0, -1, 1, 2]);
  const csv = join(dir, 'l.csv'), jsonl = join(dir, 'l.jsonl'), txt = join(dir, 'l.txt');
  await writeLabels(csv, labels);
  await writeLabels(jsonl, labels);
  await writeLabels(txt, labels);
  assert.equal(readFileSync(csv, 'utf8'), 'label\n2\n0\n-1\n1\n2\n');
  assert.equal(readFileSync(jsonl, 'utf8'), '{"label":2}\n{"label":0}\n{"label":-1}\n{"label":1}\n{"label":2}\n');
  assert.equal(readFileSync(txt, 'utf8'), '2\n0\n-1\n1\n2\n');
  for (const p of [csv, jsonl, txt]) assert.deepEqual(await readLabels(p), labels, p);
  const forced = join(dir, 'l.out');
  await writeLabels(forced, labels, 'jsonl');
  assert.equal(readFileSync(forced, 'utf8').split('\n')[0], '{"label":2}');
});

test('readLabels(path, {column}) reads a named or indexed column; text labels become ids by first appearance', async () => {
  const p = join(dir, 'pred.csv');
  writeFileSync(p, 'id,cluster,truth\n0,1,cat\n1,1,dog\n2,0,cat\n');
  assert.deepEqual(await readLabels(p, { column: 'cluster' }), Int32Array.from([1, 1, 0]));
  assert.deepEqual(await readLabels(p, { column: 2 }), Int32Array.from([0, 1, 0]));
  await rejects(() => readLabels(p), 'BAD_OPTION', "option 'column'", "'id', 'cluster', 'truth'");
  await rejects(() => readLabels(p, { column: 'nope' }), 'BAD_OPTION', 'Got "nope"');
  await rejects(() => readLabels(p, { col: 1 } as never), 'UNKNOWN_OPTION', "'col'");
});

test('readLabels(path) names the line of an empty label and of a missing file', async () => {
  const p = join(dir, 'gap.txt');
  writeFileSync(p, '1\n2\n""\n');
  await rejects(() => readLabels(p), 'BAD_DATA', 'gap.txt line 3', 'label must not be empty');
  await rejects(() => readLabels(join(dir, 'none.txt')), 'BAD_FILE', 'none.txt');
});

test('writeCsv(path, header, columns) quotes header cells and writes float32 values in shortest form', async () => {
  const p = join(dir, 'scores.csv');
  const s = Float32Array.from([0.1, -1 / 3, 1e-8]);
  await writeCsv(p, ['id', 'score, "raw"', 'f64'], [Int32Array.from([0, 1, 2]), s, [0.1, NaN, -Infinity]]);
  assert.equal(readFileSync(p, 'utf8'), 'id,"score, ""raw""",f64\n0,0.1,0.1\n1,-0.33333334,NaN\n2,1e-8,-Infinity\n');
  const back = await readCsv(p, { columns: [0, 1] });
  assert.deepEqual(back.columnNames, ['id', 'score, "raw"']);
  assert.deepEqual(back.matrix.data, Float32Array.from([0, 0.1, 1, -1 / 3, 2, 1e-8]));
});

test('writeCsv(path, header, columns) refuses columns of unequal length and a header of the wrong size', async () => {
  await rejects(() => writeCsv(join(dir, 'x.csv'), ['a', 'b'], [[1, 2], [1]]), 'DIM_MISMATCH', "column 'b' must have 2 values", 'Got 1');
  await rejects(() => writeCsv(join(dir, 'x.csv'), ['a'], [[1], [2]]), 'DIM_MISMATCH', 'one name per column (2)', 'Got 1');
});

test('formatFloat32(v) gives the shortest text that reads back as the same float32', () => {
  let s = 7;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 2000; i++) {
    const v = Math.fround((rnd() - 0.5) * 10 ** Math.floor(rnd() * 20 - 10));
    const t = formatFloat32(v);
    assert.equal(Math.fround(Number(t)), v, t);
    assert.ok(t.replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length <= 9, t);
  }
  assert.equal(formatFloat32(Math.fround(0.1)), '0.1');
  assert.equal(formatFloat32(3), '3');
});
