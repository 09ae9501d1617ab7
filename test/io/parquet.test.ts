// Parquet reader: files written in a temp dir with hyparquet-writer, values known by construction.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { readParquet } from '../../src/io/parquet.js';
import { readTable } from '../../src/io/read.js';
import { rejects } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ck-parquet-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const f32 = (a: number[]): Float32Array => Float32Array.from(a);


const scalar = join(dir, 'scalar.parquet');
parquetWriteFile({
  filename: scalar,
  columnData: [
    { name: 'a', data: new Float32Array([1, 2, 3]), type: 'FLOAT' },
    { name: 'species', data: ['setosa', 'virginica', 'setosa'], type: 'STRING' },
    { name: 'b', data: [0.5, -1.5, 2.25], type: 'DOUBLE' },
    { name: 'n', data: [7n, 8n, 9n], type: 'INT64' },
    { name: 'k', data: [2, 0, 2], type: 'INT32' },
  ],
});

const vectors = join(dir, 'vectors.parquet');
parquetWriteFile({
  filename: vectors,
  columnData: [
    { name: 'id', data: ['p', 'q', 'r'] },
    { name: 'embedding', data: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] },
  ],
  schema: [
    { name: 'root', num_children: 2 },
    { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'embedding', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
  ],
});

test('readParquet(path) takes every numeric column as the matrix, leaving text columns out', async () => {
  const t = await readParquet(scalar);
  assert.deepEqual(t.columnNames, ['a', 'b', 'n', 'k']);
  assert.deepEqual(t.matrix, { data: f32([1, 0.5, 7, 2, 2, -1.5, 8, 0, 3, 2.25, 9, 2]), rows: 3, cols: 4 });
});

test('readParquet(path, {columns, labelColumn, weightsColumn}) picks columns by name and index and keeps labels apart', async () => {
  const t = await readParquet(scalar, { columns: ['n', 0], labelColumn: 'species', weightsColumn: 'b' });
  assert.deepEqual(t.columnNames, ['n', 'a']);
  assert.deepEqual(t.matrix, { data: f32([7, 1, 8, 2, 9, 3]), rows: 3, cols: 2 });
  assert.deepEqual(t.labels, Int32Array.from([0, 1, 0]));
  assert.deepEqual(t.labelNames, ['setosa', 'virginica']);
  assert.deepEqual(t.weights, f32([0.5, -1.5, 2.25]));
  const k = await readParquet(scalar, { labelColumn: 'k' });
  assert.deepEqual(k.labels, Int32Array.from([2, 0, 2]));
  assert.equal(k.labelNames, undefined);
  assert.deepEqual(k.columnNames, ['a', 'b', 'n']);
});

test('readParquet(path) reads a list column of vectors when the file has no numeric scalar columns', async () => {
  const t = await readParquet(vectors, { labelColumn: 'id' });
  assert.deepEqual(t.matrix, { data: f32([1, 2, 3, 4, 5, 6, 7, 8, 9]), rows: 3, cols: 3 });
  assert.deepEqual(t.columnNames, ['embedding0', 'embedding1', 'embedding2']);
  assert.deepEqual(t.labelNames, ['p', 'q', 'r']);
  const viaTable = await readTable(vectors, { field: 'embedding' });
  assert.deepEqual(viaTable.matrix, t.matrix);
});

test('readParquet(path) refuses text feature columns, unknown columns, ragged vectors and nulls', async () => {
  await rejects(() => readParquet(scalar, { columns: ['species'] }), 'BAD_OPTION', "option 'columns'", "'species'", 'labelColumn');
  await rejects(() => readParquet(scalar, { columns: ['zz'] }), 'BAD_OPTION', "'a', 'species', 'b', 'n', 'k'", 'Got "zz"');
  await rejects(() => readParquet(scalar, { field: 'a' }), 'BAD_OPTION', "option 'field'", 'list column');
  const ragged = join(dir, 'ragged.parquet');
  parquetWriteFile({
    filename: ragged,
    columnData: [{ name: 'vector', data: [[1, 2], [3]] }],
    schema: [
      { name: 'root', num_children: 1 },
      { name: 'vector', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'DOUBLE', repetition_type: 'REQUIRED' },
    ],
  });
  await rejects(() => readParquet(ragged), 'BAD_DATA', "ragged.parquet row 1, column 'vector'", 'must have 2 values', 'Got 1');
  const nulls = join(dir, 'nulls.parquet');
  parquetWriteFile({ filename: nulls, columnData: [{ name: 'a', data: [1, null, 3], type: 'DOUBLE' }] });
  await rejects(() => readParquet(nulls), 'BAD_DATA', "nulls.parquet row 1, column 'a'", 'finite number', 'Got null');
});

test('readParquet(path) refuses a file that is not Parquet, a missing file and CSV options', async () => {
  const junk = join(dir, 'junk.parquet');
  writeFileSync(junk, 'this is not parquet');
  await rejects(() => readParquet(junk), 'BAD_FILE', 'junk.parquet', 'must be a Parquet file');
  await rejects(() => readParquet(join(dir, 'none.parquet')), 'BAD_FILE', 'none.parquet', 'no such file');
  await rejects(() => readParquet(scalar, { header: true }), 'BAD_OPTION', "option 'header'");
});
