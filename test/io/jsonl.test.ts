// JSONL reader: hand-written files in a temp dir.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonl } from '../../src/io/jsonl.js';
import { rejects } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ck-jsonl-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
const file = (name: string, text: string): string => {
  const p = join(dir, `${seq++}-${name}`);
  writeFileSync(p, text);
  return p;
};
const f32 = (a: number[]): Float32Array => Float32Array.from(a);


test('readJsonl(path) reads one numeric array per line, skipping blank lines', async () => {
  const t = await readJsonl(file('a.jsonl', '[1, 2.5]\n\n[-3, 4e2]\r\n[5,6]'));
  assert.deepEqual(t.matrix, { data: f32([1, 2.5, -3, 400, 5, 6]), rows: 3, cols: 2 });
  assert.deepEqual(t.columnNames, ['x0', 'x1']);
});

test('readJsonl(path) finds the vector field (vector, embedding or x) and keeps a text label field apart', async () => {
  const p = file('e.jsonl', '{"id":"a","embedding":[1,2,3],"topic":"net"}\n{"id":"b","embedding":[4,5,6],"topic":"sound"}\n{"id":"c","embedding":[7,8,9],"topic":"net"}\n');
  const t = await readJsonl(p, { labelColumn: 'topic' });
  assert.deepEqual(t.matrix, { data: f32([1, 2, 3, 4, 5, 6, 7, 8, 9]), rows: 3, cols: 3 });
  assert.deepEqual(t.columnNames, ['embedding0', 'embedding1', 'embedding2']);
  assert.deepEqual(t.labels, Int32Array.from([0, 1, 0]));
  assert.deepEqual(t.labelNames, ['net', 'sound']);
});

test('readJsonl(path, {field, columns, weightsColumn}) picks a named vector field, its elements and a weight field', async () => {
  const p = file('f.jsonl', '{"v":[1,2,3],"w":0.5,"label":3}\n{"v":[4,5,6],"w":2,"label":-1}\n');
  const t = await readJsonl(p, { field: 'v', columns: [2, 0], weightsColumn: 'w', labelColumn: 'label' });
  assert.deepEqual(t.matrix, { data: f32([3, 1, 6, 4]), rows: 2, cols: 2 });
  assert.deepEqual(t.columnNames, ['v2', 'v0']);
  assert.deepEqual(t.weights, f32([0.5, 2]));
  assert.deepEqual(t.labels, Int32Array.from([3, -1]));
  assert.equal(t.labelNames, undefined);
});

test('readJsonl(path, {columns: names}) reads scalar fields of objects as columns', async () => {
  const t = await readJsonl(file('s.jsonl', '{"a":1,"b":2,"c":"x"}\n{"a":3,"b":4,"c":"y"}\n'), { columns: ['b', 'a'], labelColumn: 'c' });
  assert.deepEqual(t.matrix, { data: f32([2, 1, 4, 3]), rows: 2, cols: 2 });
  assert.deepEqual(t.columnNames, ['b', 'a']);
  assert.deepEqual(t.labelNames, ['x', 'y']);
});

test('readJsonl(path, {labelColumn: index}) keeps an element of array lines apart', async () => {
  const t = await readJsonl(file('al.jsonl', '[1,2,0]\n[3,4,1]\n'), { labelColumn: 2 });
  assert.deepEqual(t.matrix, { data: f32([1, 2, 3, 4]), rows: 2, cols: 2 });
  assert.deepEqual(t.labels, Int32Array.from([0, 1]));
});

test('readJsonl(path) names the line for invalid JSON, wrong lengths, non-numbers and missing fields', async () => {
  await rejects(() => readJsonl(file('bad.jsonl', '[1,2]\n[1,2\n')), 'BAD_DATA', 'bad.jsonl line 2', 'valid JSON');
  await rejects(() => readJsonl(file('len.jsonl', '[1,2]\n\n[1,2,3]\n')), 'BAD_DATA', 'line 3', 'must have 2 values like line 1', 'Got 3');
  await rejects(() => readJsonl(file('nan.jsonl', '[1,2]\n[1,null]\n')), 'BAD_DATA', 'line 2, element 1', 'finite number', 'Got null');
  await rejects(() => readJsonl(file('str.jsonl', '{"x":[1,"a"]}\n')), 'BAD_DATA', "line 1, field 'x', element 1", 'Got "a"');
  await rejects(() => readJsonl(file('miss.jsonl', '{"x":[1]}\n{"y":[2]}\n')), 'BAD_DATA', "line 2, field 'x'", 'no such field');
  await rejects(() => readJsonl(file('nov.jsonl', '{"a":1,"b":2}\n')), 'BAD_DATA', 'line 1', "'vector', 'embedding', 'x'", "keys 'a', 'b'");
  await rejects(() => readJsonl(file('big.jsonl', '[1e39]\n')), 'BAD_DATA', 'line 1, element 0', 'float32');
  await rejects(() => readJsonl(file('mix.jsonl', '[1]\n{"x":[1]}\n')), 'BAD_DATA', 'line 2', 'must be an array');
});

test('readJsonl(path) gives EMPTY_DATA for an empty file, BAD_FILE for a missing one, BAD_OPTION for CSV options', async () => {
  await rejects(() => readJsonl(file('empty.jsonl', '')), 'EMPTY_DATA', 'empty.jsonl', 'an empty file');
  await rejects(() => readJsonl(file('blank.jsonl', '\n \n')), 'EMPTY_DATA', 'only blank lines');
  await rejects(() => readJsonl(join(dir, 'missing.jsonl')), 'BAD_FILE', 'missing.jsonl');
  await rejects(() => readJsonl(file('o.jsonl', '[1]\n'), { header: true }), 'BAD_OPTION', "option 'header'");
});

test('readJsonl(path) reads lines that straddle read blocks', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 40000; i++) lines.push(JSON.stringify({ text: 'é'.repeat(i % 17), vector: [i, -i / 4, 0.5] }));
  const t = await readJsonl(file('long.jsonl', lines.join('\n')));
  assert.equal(t.matrix.rows, 40000);
  assert.deepEqual(Array.from(t.matrix.data.subarray(3 * 39999)), [39999, -39999 / 4, 0.5]);
  let ok = true;
  for (let i = 0; i < 40000; i++) ok &&= t.matrix.data[3 * i] === i && t.matrix.data[3 * i + 1] === Math.fround(-i / 4);
  assert.ok(ok);
});
