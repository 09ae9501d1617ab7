// Local readers for the metrics tests: fixtures and the bundled iris CSV, parsed here (not via
// src/io, which is tested apart). Paths are found from the package root.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Matrix } from '../../src/core/matrix.js';

const ROOT = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try { readFileSync(join(d, 'package.json')); return d; } catch { d = dirname(d); }
  }
  throw new Error('package root not found');
})();

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', name), 'utf8')) as T;
}

/** Headerless numeric CSV from the package's data/ folder → float32 Matrix. */
export function readCsv(name: string): Matrix {
  const lines = readFileSync(join(ROOT, 'data', name), 'utf8').trim().split('\n');
  const cols = lines[0]!.split(',').length;
  const data = new Float32Array(lines.length * cols);
  lines.forEach((line, i) => line.split(',').forEach((v, j) => { data[i * cols + j] = Number(v); }));
  return { data, rows: lines.length, cols };
}

/** Rows (float64 numbers) → float32 Matrix. */
export function matrixOf(rows: number[][]): Matrix {
  return { data: Float32Array.from(rows.flat()), rows: rows.length, cols: rows[0]!.length };
}

/** Deterministic labels for property tests (small LCG; not the library's RNG on purpose). */
export function lcgLabels(n: number, k: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s % k; }
  return out;
}
