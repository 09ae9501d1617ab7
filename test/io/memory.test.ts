// Streaming property: reading a ~50 MB CSV costs memory ≈ its float32 matrix, not its text.
// Memory is sampled (heapUsed + arrayBuffers, which holds typed-array storage) every few ms
// while the read runs; the peak growth over the baseline is compared with the matrix size.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readCsv, readCsvChunks } from '../../src/io/csv.js';

const dir = mkdtempSync(join(tmpdir(), 'ck-mem-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'big.csv');
const COLS = 8;
let rows = 0;
/** The value at row i, column j (0-based) of the generated file, before rounding to 4 decimals. */
const value = (i: number, j: number): number => ((i * 7919 + j * 104729) % 200003) / 1000 - 100;

before(() => {
  // ~50 MB: 8 columns of 4-decimal numbers; one row in 1000 is checked against the formula below
  const fd = openSync(path, 'w');
  writeSync(fd, `${Array.from({ length: COLS }, (_, j) => `c${j}`).join(',')}\n`);
  let size = 0;
  while (size < 50e6) {
    let s = '';
    for (let r = 0; r < 5000; r++, rows++) {
      for (let j = 0; j < COLS; j++) s += `${j ? ',' : ''}${value(rows, j).toFixed(4)}`;
      s += '\n';
    }
    writeSync(fd, s);
    size += s.length;
  }
  closeSync(fd);
});

/** Run `fn` while sampling memory; returns its result and the peak growth in bytes. */
async function peakGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; peak: number }> {
  const use = (): number => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
  const base = use();
  let peak = 0;
  const timer = setInterval(() => { peak = Math.max(peak, use() - base); }, 2);
  try {
    const result = await fn();
    peak = Math.max(peak, use() - base);
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

test('readCsv(path) of a ~50 MB CSV keeps peak memory growth under 3× the float32 matrix (text is never held)', async (tc) => {
  const fileBytes = statSync(path).size;
  assert.ok(fileBytes > 45e6, `file is ${fileBytes} bytes`);
  const { result: t, peak } = await peakGrowth(() => readCsv(path));
  const matrixBytes = t.matrix.rows * t.matrix.cols * 4;
  assert.equal(t.matrix.rows, rows);
  assert.equal(t.matrix.cols, COLS);
  for (let i = 0; i < rows; i += 997) {
    for (let j = 0; j < COLS; j++) assert.equal(t.matrix.data[i * COLS + j], Math.fround(Number(value(i, j).toFixed(4))));
  }
  tc.diagnostic(`peak growth ${(peak / 1e6).toFixed(1)} MB for a ${(matrixBytes / 1e6).toFixed(1)} MB matrix from a ${(fileBytes / 1e6).toFixed(1)} MB file`);
  // the matrix itself is ~25 MB; holding the text (50 MB as bytes, ~100 MB as split strings) would fail this
  assert.ok(peak < 3 * matrixBytes, `peak growth ${(peak / 1e6).toFixed(1)} MB vs matrix ${(matrixBytes / 1e6).toFixed(1)} MB`);
  assert.ok(t.matrix.data.buffer.byteLength <= matrixBytes * 1.125, 'the returned buffer wastes at most 1/8');
});

test('readCsvChunks(path) over the same file keeps live memory (after GC) under a third of the full matrix', async (tc) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const live = (): number => { gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
  const base = live();
  let n = 0, chunks = 0, sum = 0, peak = 0;
  for await (const c of readCsvChunks(path, { chunkRows: 4096 })) {
    n += c.rows;
    sum += c.data[0]!;
    if (++chunks % 16 === 0) peak = Math.max(peak, live() - base);
  }
  assert.equal(n, rows);
  assert.ok(Number.isFinite(sum));
  const matrixBytes = rows * COLS * 4;
  tc.diagnostic(`live growth ${(peak / 1e6).toFixed(1)} MB while streaming a ${(matrixBytes / 1e6).toFixed(1)} MB matrix`);
  assert.ok(peak < matrixBytes / 3, `live growth ${(peak / 1e6).toFixed(1)} MB vs matrix ${(matrixBytes / 1e6).toFixed(1)} MB`);
});
