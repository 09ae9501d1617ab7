// .npy reader/writer. Fixtures in test/fixtures/npy were written by NumPy 2.4.6 with
// test/fixtures/npy/make_npy.py (all built from A = [[1, 2.5, -3], [4, 5, 6]] or small variants).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, writeNpy, npyHeader, parseNpyHeader } from '../../src/io/npy.js';
import { rejects } from '../helpers/errors.js';

const ROOT = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, d = dirname(d)) {
    try { readFileSync(join(d, 'package.json')); return d; } catch { /* keep looking */ }
  }
  throw new Error('package root not found');
})();
const fx = (name: string): string => join(ROOT, 'test', 'fixtures', 'npy', name);
const dir = mkdtempSync(join(tmpdir(), 'ck-npy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const f32 = (a: number[]): Float32Array => Float32Array.from(a);
const A = f32([1, 2.5, -3, 4, 5, 6]);


test('readNpy(path) reads NumPy float64, float16, big-endian float32 and format v2 files as float32 [n × d]', async () => {
  for (const name of ['f8_c.npy', 'f2.npy', 'f4_big_endian.npy', 'f4_v2.npy']) {
    const t = await readNpy(fx(name));
    assert.deepEqual(t.matrix, { data: A, rows: 2, cols: 3 }, name);
    assert.deepEqual(t.columnNames, ['x0', 'x1', 'x2']);
  }
});

test('readNpy(path) transposes a Fortran-order array to row-major', async () => {
  assert.deepEqual((await readNpy(fx('f4_fortran.npy'))).matrix, { data: A, rows: 2, cols: 3 });
});

test('readNpy(path) converts integer and bool dtypes', async () => {
  assert.deepEqual((await readNpy(fx('i8.npy'))).matrix, { data: f32([1, -2, 3, 4, 5, -6]), rows: 2, cols: 3 });
  assert.deepEqual((await readNpy(fx('u1.npy'))).matrix, { data: f32([0, 255, 7]), rows: 1, cols: 3 });
  assert.deepEqual((await readNpy(fx('bool.npy'))).matrix, { data: f32([1, 0, 1]), rows: 3, cols: 1 });
});

test('readNpy(path) reads a 1-D array as n × 1 and flattens trailing dimensions of a 3-D array', async () => {
  assert.deepEqual((await readNpy(fx('f4_1d.npy'))).matrix, { data: f32([0.5, 1.5, 2.5]), rows: 3, cols: 1 });
  const t = await readNpy(fx('f4_3d.npy'));
  assert.deepEqual(t.matrix, { data: f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), rows: 2, cols: 6 });
});

test('readNpy(path, {columns, labelColumn, weightsColumn}) takes 0-based indices', async () => {
  const t = await readNpy(fx('i8.npy'), { columns: [2, 0], labelColumn: 1 });
  assert.deepEqual(t.matrix, { data: f32([3, 1, -6, 4]), rows: 2, cols: 2 });
  assert.deepEqual(t.columnNames, ['x2', 'x0']);
  assert.deepEqual(t.labels, Int32Array.from([-2, 5]));
  const w = await readNpy(fx('f8_c.npy'), { weightsColumn: 1 });
  assert.deepEqual(w.matrix, { data: f32([1, -3, 4, 6]), rows: 2, cols: 2 });
  assert.deepEqual(w.weights, f32([2.5, 5]));
  await rejects(() => readNpy(fx('f8_c.npy'), { columns: ['a'] }), 'BAD_OPTION', "option 'columns'", '0-based');
  await rejects(() => readNpy(fx('f8_c.npy'), { labelColumn: 3 }), 'BAD_OPTION', "option 'labelColumn'", '[0, 2]');
  await rejects(() => readNpy(fx('f8_c.npy'), { delimiter: ',' }), 'BAD_OPTION', "option 'delimiter'");
});

test('writeNpy(path, m) writes a float32 v1 file that reads back identically, header padded to 64 bytes', async () => {
  const p = join(dir, 'w.npy');
  const m = { data: f32([0.1, -2, 3.5e-8, 4, 1e30, -0]), rows: 3, cols: 2 };
  await writeNpy(p, m);
  const bytes = readFileSync(p);
  assert.equal(bytes.length, 128 + 24);
  assert.equal(bytes.subarray(0, 8).toString('latin1'), '\x93NUMPY\x01\x00');
  assert.equal(bytes[127], 0x0a);
  const h = parseNpyHeader(bytes, 'w.npy');
  assert.deepEqual(h, { kind: 'f', itemSize: 4, littleEndian: true, fortranOrder: false, shape: [3, 2], dataOffset: 128 });
  assert.deepEqual((await readNpy(p)).matrix, m);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('npyHeader(shape) writes 1-D shapes as a one-element tuple', () => {
  const h = Buffer.from(npyHeader([5])).toString('latin1');
  assert.ok(h.includes("'shape': (5,)"), h);
  assert.equal(h.length % 64, 0);
});

test('readNpy(path) refuses a bad magic, an unknown version, a structured dtype and a truncated file', async () => {
  const bad = join(dir, 'bad.npy');
  writeFileSync(bad, 'not an npy file at all');
  await rejects(() => readNpy(bad), 'BAD_FILE', 'bad.npy', 'magic');
  const v9 = Buffer.from(readFileSync(fx('f8_c.npy')));
  v9[6] = 9;
  writeFileSync(join(dir, 'v9.npy'), v9);
  await rejects(() => readNpy(join(dir, 'v9.npy')), 'BAD_FILE', 'version must be 1, 2 or 3', 'Got 9.0');
  await rejects(() => readNpy(fx('structured.npy')), 'BAD_FILE', 'dtype must be', 'structured.npy');
  const full = readFileSync(fx('f8_c.npy'));
  writeFileSync(join(dir, 'short.npy'), full.subarray(0, full.length - 8));
  await rejects(() => readNpy(join(dir, 'short.npy')), 'BAD_FILE', 'truncated');
  const noShape = Buffer.concat([Buffer.from(npyHeader([2, 3])).subarray(0, 10), Buffer.from("{'descr': '<f4', }".padEnd(117) + '\n')]);
  writeFileSync(join(dir, 'noshape.npy'), noShape);
  await rejects(() => readNpy(join(dir, 'noshape.npy')), 'BAD_FILE', "'shape'");
});

test('readNpy(path) refuses NaN values (naming row and column), empty arrays and Fortran order beyond 2-D', async () => {
  await rejects(() => readNpy(fx('f8_nan.npy')), 'BAD_DATA', 'row 1, column 0', 'finite', 'Got NaN');
  await rejects(() => readNpy(fx('f4_empty.npy')), 'EMPTY_DATA', 'shape (0, 3)');
  await rejects(() => readNpy(fx('f8_fortran_3d.npy')), 'BAD_FILE', 'Fortran order', 'at most 2 dimensions');
  await rejects(() => readNpy(join(dir, 'nope.npy')), 'BAD_FILE', 'nope.npy', 'no such file');
});
