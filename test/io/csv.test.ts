// CSV/TSV reader: hand-written files in a temp dir, expected values written out by hand.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv, readCsvChunks, readCsvHeader, parseDecimal } from '../../src/io/csv.js';
import { rejects } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ck-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
/** Write `text` to a fresh file named `name` in the temp dir and return its path. */
const file = (name: string, text: string | Buffer): string => {
  const p = join(dir, `${seq++}-${name}`);
  writeFileSync(p, text);
  return p;
};
const f32 = (a: number[]): Float32Array => Float32Array.from(a);


test('readCsv(path) reads a headerless CSV into a row-major float32 matrix named x0…', async () => {
  const t = await readCsv(file('a.csv', '1,2,3\n4.5,-6,7e2\n'));
  assert.deepEqual(t.matrix, { data: f32([1, 2, 3, 4.5, -6, 700]), rows: 2, cols: 3 });
  assert.deepEqual(t.columnNames, ['x0', 'x1', 'x2']);
  assert.equal(t.labels, undefined);
  assert.equal(t.weights, undefined);
});

test('readCsv(path) takes a first row with a non-numeric cell as the header', async () => {
  const t = await readCsv(file('h.csv', 'sepal length,width\n5.1,3.5\n4.9,3\n'));
  assert.deepEqual(t.columnNames, ['sepal length', 'width']);
  assert.deepEqual(t.matrix, { data: f32([5.1, 3.5, 4.9, 3]), rows: 2, cols: 2 });
});

test('readCsv(path, {header: true}) takes an all-numeric first row as the header', async () => {
  const p = file('numhead.csv', '10,20\n1,2\n');
  const t = await readCsv(p, { header: true });
  assert.deepEqual(t.columnNames, ['10', '20']);
  assert.deepEqual(t.matrix, { data: f32([1, 2]), rows: 1, cols: 2 });
  assert.equal((await readCsv(p)).matrix.rows, 2); // auto: numeric first row is data
});

test('readCsv(path, {header: false}) refuses a text first row as data, naming the cell', async () => {
  await rejects(() => readCsv(file('hf.csv', 'a,b\n1,2\n'), { header: false }), 'BAD_DATA', 'line 1, column 0', 'must be a number', 'Got "a"');
});

test('readCsv(path, {columns}) selects columns by name and by index, in the order given', async () => {
  const p = file('cols.csv', 'a,b,c,d\n1,2,3,4\n5,6,7,8\n');
  const byName = await readCsv(p, { columns: ['c', 'a'] });
  assert.deepEqual(byName.matrix, { data: f32([3, 1, 7, 5]), rows: 2, cols: 2 });
  assert.deepEqual(byName.columnNames, ['c', 'a']);
  const byIndex = await readCsv(p, { columns: [3, 1] });
  assert.deepEqual(byIndex.matrix, { data: f32([4, 2, 8, 6]), rows: 2, cols: 2 });
  assert.deepEqual(byIndex.columnNames, ['d', 'b']);
  const none = await readCsv(p, { columns: [] });
  assert.deepEqual(none.matrix, { data: new Float32Array(0), rows: 2, cols: 0 });
});

test('readCsv(path, {columns}) refuses unknown names, out-of-range indices and repeats as BAD_OPTION', async () => {
  const p = file('cols2.csv', 'a,b\n1,2\n');
  await rejects(() => readCsv(p, { columns: ['zz'] }), 'BAD_OPTION', "option 'columns'", "'a', 'b'", 'Got "zz"');
  await rejects(() => readCsv(p, { columns: [2] }), 'BAD_OPTION', "option 'columns'", '[0, 1]', 'Got 2');
  await rejects(() => readCsv(p, { columns: ['a', 0] }), 'BAD_OPTION', 'each column once');
  await rejects(() => readCsv(p, { labelColumn: 'label' }), 'BAD_OPTION', "option 'labelColumn'");
});

test('readCsv(path, {labelColumn}) maps text labels to ids in order of first appearance', async () => {
  const p = file('species.csv', 'x,species,y\n1,setosa,2\n3,virginica,4\n5,setosa,6\n7,versicolor,8\n');
  const t = await readCsv(p, { labelColumn: 'species' });
  assert.deepEqual(t.matrix, { data: f32([1, 2, 3, 4, 5, 6, 7, 8]), rows: 4, cols: 2 });
  assert.deepEqual(t.columnNames, ['x', 'y']);
  assert.deepEqual(t.labels, Int32Array.from([0, 1, 0, 2]));
  assert.deepEqual(t.labelNames, ['setosa', 'virginica', 'versicolor']);
});

test('readCsv(path, {labelColumn}) keeps integer labels as they are, noise -1 and "2.0" forms included', async () => {
  const t = await readCsv(file('intlab.csv', 'x,label\n1,7\n2,-1.0\n3,7\n4,0\n'), { labelColumn: 'label' });
  assert.deepEqual(t.labels, Int32Array.from([7, -1, 7, 0]));
  assert.equal(t.labelNames, undefined);
});

test('readCsv(path, {labelColumn}) renames earlier integer labels once a text label appears', async () => {
  const t = await readCsv(file('mixlab.csv', 'x,label\n1,5\n2,5\n3,b\n4,2\n'), { labelColumn: 1 });
  assert.deepEqual(t.labels, Int32Array.from([0, 0, 1, 2]));
  assert.deepEqual(t.labelNames, ['5', 'b', '2']);
});

test('readCsv(path, {labelColumn: index}) ignores a text label when detecting the header', async () => {
  const t = await readCsv(file('nohead.csv', '5.1,3.5,setosa\n6.2,2.9,virginica\n'), { labelColumn: 2 });
  assert.deepEqual(t.matrix, { data: f32([5.1, 3.5, 6.2, 2.9]), rows: 2, cols: 2 });
  assert.deepEqual(t.columnNames, ['x0', 'x1']);
  assert.deepEqual(t.labelNames, ['setosa', 'virginica']);
});

test('readCsv(path, {weightsColumn}) keeps the weights apart', async () => {
  const t = await readCsv(file('w.csv', 'a,w,b\n1,0.5,2\n3,2,4\n'), { weightsColumn: 'w' });
  assert.deepEqual(t.matrix, { data: f32([1, 2, 3, 4]), rows: 2, cols: 2 });
  assert.deepEqual(t.weights, f32([0.5, 2]));
});

test('readCsv(path) handles RFC 4180 quotes: delimiters, doubled quotes and line breaks inside quotes', async () => {
  const p = file('q.csv', '"a,1","say ""hi""","multi\nline",label\n"1",2,"3",x\n4,"5", 6 ,"y, z"\n');
  const t = await readCsv(p, { labelColumn: 'label' });
  assert.deepEqual(t.columnNames, ['a,1', 'say "hi"', 'multi\nline']);
  assert.deepEqual(t.matrix, { data: f32([1, 2, 3, 4, 5, 6]), rows: 2, cols: 3 });
  assert.deepEqual(t.labelNames, ['x', 'y, z']);
});

test('readCsv(path) counts lines inside quoted fields when naming a bad cell', async () => {
  const p = file('qline.csv', '"a\nb",c\n1,2\n3,oops\n');
  await rejects(() => readCsv(p), 'BAD_DATA', "line 4, column 'c' (1)", 'Got "oops"');
});

test('readCsv(path) accepts CRLF line ends, a UTF-8 BOM, blank lines and no final newline', async () => {
  const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('é,b\r\n1,2\r\n\r\n\n3,4')]);
  const t = await readCsv(file('crlf.csv', text));
  assert.deepEqual(t.columnNames, ['é', 'b']);
  assert.deepEqual(t.matrix, { data: f32([1, 2, 3, 4]), rows: 2, cols: 2 });
});

test('readCsv(path) picks the delimiter from the extension: tab for .tsv, whitespace for .txt', async () => {
  const tsv = await readCsv(file('t.tsv', 'a\tb\n1\t2\n'));
  assert.deepEqual(tsv.matrix, { data: f32([1, 2]), rows: 1, cols: 2 });
  const txt = await readCsv(file('t.txt', '  1.5   2\t3\n4 5 6  \n'));
  assert.deepEqual(txt.matrix, { data: f32([1.5, 2, 3, 4, 5, 6]), rows: 2, cols: 3 });
  const semi = await readCsv(file('semi.csv', 'a;b\n1;2\n'), { delimiter: ';' });
  assert.deepEqual(semi.matrix, { data: f32([1, 2]), rows: 1, cols: 2 });
});

test('readCsv(path) names file, line and column for a non-numeric cell', async () => {
  const p = file('iris.csv', 'sepal_length,petal_width\n1,2\n3,abc\n');
  await rejects(() => readCsv(p), 'BAD_DATA', 'iris.csv line 3', "column 'petal_width' (1)", 'must be a number', 'Got "abc"', 'labelColumn');
});

test('readCsv(path) refuses empty, NaN, Infinity and beyond-float32 cells, naming each', async () => {
  await rejects(() => readCsv(file('e.csv', 'a,b\n1,\n')), 'BAD_DATA', "line 2, column 'b' (1)", 'an empty cell');
  await rejects(() => readCsv(file('n.csv', 'a,b\n1,2\nNaN,3\n')), 'BAD_DATA', "line 3, column 'a' (0)", 'finite', 'Got "NaN"');
  await rejects(() => readCsv(file('i.csv', '1,-Infinity\n')), 'BAD_DATA', 'line 1, column 1', 'finite', 'Got "-Infinity"');
  await rejects(() => readCsv(file('big.csv', '1,1e39\n')), 'BAD_DATA', 'line 1, column 1', 'float32 range', 'Got "1e39"');
  await rejects(() => readCsv(file('hex.csv', '1,2\n1,0x10\n')), 'BAD_DATA', 'line 2, column 1', 'Got "0x10"');
});

test('readCsv(path) names the row and both field counts for a ragged row', async () => {
  await rejects(() => readCsv(file('r1.csv', 'a,b,c\n1,2,3\n4,5\n')), 'BAD_DATA', 'line 3', 'must have 3 fields like the header', 'Got 2');
  await rejects(() => readCsv(file('r2.csv', '1,2\n3,4\n5,6,7,8\n')), 'BAD_DATA', 'line 3', 'must have 2 fields like line 1', 'Got 4');
});

test('readCsv(path) gives EMPTY_DATA for an empty file and for a header without rows', async () => {
  await rejects(() => readCsv(file('empty.csv', '')), 'EMPTY_DATA', 'empty.csv', 'at least 1 row');
  await rejects(() => readCsv(file('blank.csv', '\n\n  \n')), 'EMPTY_DATA', 'blank.csv');
  await rejects(() => readCsv(file('head.csv', 'a,b\n')), 'EMPTY_DATA', 'only a header');
});

test('readCsv(path) refuses an unterminated quote and a missing file', async () => {
  await rejects(() => readCsv(file('uq.csv', 'a,b\n1,"2\n3,4\n')), 'BAD_DATA', 'line 2', 'closing quote');
  await rejects(() => readCsv(join(dir, 'missing.csv')), 'BAD_FILE', join(dir, 'missing.csv'), 'no such file');
});

test('readCsv(path, opts) refuses unknown options and bad values', async () => {
  const p = file('o.csv', '1\n');
  await rejects(() => readCsv(p, { colums: [0] } as never), 'UNKNOWN_OPTION', "'colums'");
  await rejects(() => readCsv(p, { delimiter: '::' }), 'BAD_OPTION', "option 'delimiter'");
  await rejects(() => readCsv(p, { header: 'yes' as never }), 'BAD_OPTION', "option 'header'");
});

test('readCsv(path) parses fields that straddle read blocks, quoted or not', async () => {
  // ~3 MB so rows cross the 1 MiB block boundaries at arbitrary offsets
  const rows: string[] = ['a,"b,c",label'];
  const want: number[] = [];
  for (let i = 0; i < 120000; i++) {
    const a = i * 0.25 - 7, b = (i % 1000) / 8;
    rows.push(`${a},"${b}","l""${i % 3}"`);
    want.push(a, b);
  }
  const t = await readCsv(file('blocks.csv', rows.join('\n')), { labelColumn: 'label' });
  assert.equal(t.matrix.rows, 120000);
  assert.deepEqual(t.matrix.data, f32(want));
  assert.deepEqual(t.labelNames, ['l"0', 'l"1', 'l"2']);
  assert.equal(t.labels![119999], 119999 % 3);
});

test('parseDecimal(bytes) equals Number(text) on plain decimals, short and long', () => {
  let s = 12345;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cases = ['0', '-0', '+1', '.5', '7.', '1e5', '1E-5', '-2.5e+3', '0.1', '123456789012345678', '0.000000000000000000000001234',
    '3.4028234663852886e38', '1.17549435e-38', '00012.5000', '9007199254740993', '1e22', '1e23', '4.35'];
  for (let i = 0; i < 3000; i++) {
    const digits = Math.floor(rnd() * 20) + 1, point = Math.floor(rnd() * (digits + 1));
    let t = rnd() < 0.5 ? '-' : '';
    for (let k = 0; k < digits; k++) t += (k === point ? '.' : '') + Math.floor(rnd() * 10);
    if (rnd() < 0.3) t += `e${Math.floor(rnd() * 60) - 30}`;
    cases.push(t);
  }
  for (const c of cases) assert.equal(parseDecimal(Buffer.from(c), 0, c.length), Number(c), c);
  for (const c of ['', '-', '.', 'e5', '1e', '1.2.3', '0x1', 'Infinity', 'NaN', '1,2', '1 2']) {
    assert.ok(Number.isNaN(parseDecimal(Buffer.from(c), 0, c.length)), c);
  }
});

test('readCsvChunks(path, {chunkRows}) yields copies that concatenate to readCsv, with rowStart and weights', async () => {
  const lines = ['a,w,b'];
  for (let i = 0; i < 1000; i++) lines.push(`${i},${i % 7},${-i}`);
  const p = file('chunks.csv', lines.join('\n'));
  const whole = await readCsv(p, { weightsColumn: 'w' });
  const got: number[] = [], w: number[] = [], starts: number[] = [];
  for await (const c of readCsvChunks(p, { chunkRows: 300, weightsColumn: 'w' })) {
    assert.equal(c.cols, 2);
    assert.deepEqual(c.columnNames, ['a', 'b']);
    assert.equal(c.data.length, c.rows * 2);
    starts.push(c.rowStart);
    got.push(...c.data);
    w.push(...c.weights!);
  }
  assert.deepEqual(starts, [0, 300, 600, 900]);
  assert.deepEqual(f32(got), whole.matrix.data);
  assert.deepEqual(f32(w), whole.weights);
});

test('readCsvChunks(path) raises the same errors as readCsv', async () => {
  const p = file('cbad.csv', 'a\n1\n2\nx\n');
  await rejects(async () => { for await (const c of readCsvChunks(p, { chunkRows: 1 })) void c; }, 'BAD_DATA', "line 4, column 'a' (0)");
  await rejects(async () => { for await (const c of readCsvChunks(file('ce.csv', ''))) void c; }, 'EMPTY_DATA');
  await rejects(async () => { for await (const c of readCsvChunks(p, { chunkRows: 0 })) void c; }, 'BAD_OPTION', "option 'chunkRows'");
});

test('readCsvHeader(path) returns the names and whether the file has a header', async () => {
  assert.deepEqual(await readCsvHeader(file('hh.csv', 'a,"b c"\n1,2\n')), { names: ['a', 'b c'], header: true });
  assert.deepEqual(await readCsvHeader(file('hn.csv', '1,2\n')), { names: ['x0', 'x1'], header: false });
});
