// Local readers for the preprocessing tests: fixtures and bundled CSVs parsed here, independently
// of src/datasets/bundled.ts and src/io.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Matrix } from '../../src/core/matrix.js';

/** Folder holding package.json, walking up from this file (test/… or dist/test/…). */
export const ROOT = (() => {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'data'))) return d;
    if (dirname(d) === d) throw new Error('package root not found');
  }
})();

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', name), 'utf8')) as T;
}

/** data/<name>.features.csv as a Matrix (values parsed as doubles, stored float32). */
export function dataset(name: string): Matrix {
  const lines = readFileSync(join(ROOT, 'data', `${name}.features.csv`), 'utf8').trim().split('\n');
  const cols = lines[0]!.split(',').length;
  const data = new Float32Array(lines.length * cols);
  lines.forEach((l, i) => l.split(',').forEach((v, j) => { data[i * cols + j] = Number(v); }));
  return { data, rows: lines.length, cols };
}

export function labels(name: string): Int32Array {
  return Int32Array.from(readFileSync(join(ROOT, 'data', `${name}.labels.txt`), 'utf8').trim().split('\n').map(Number));
}

export function fromRows(rows: number[][]): Matrix {
  return { data: Float32Array.from(rows.flat()), rows: rows.length, cols: rows[0]!.length };
}

/** Assert that fn throws a ClusterkitError with this code whose message contains every part. */
export function throwsCode(fn: () => unknown, code: string, ...parts: string[]): void {
  let caught: unknown = null;
  try { fn(); } catch (e) { caught = e; }
  if (caught === null) throw new Error(`expected ${code} error, nothing thrown`);
  const e = caught as { name?: string; code?: string; message?: string };
  if (e.name !== 'ClusterkitError' || e.code !== code) throw new Error(`expected ClusterkitError ${code}, got ${e.name} ${e.code}: ${e.message}`);
  for (const p of parts) if (!e.message!.includes(p)) throw new Error(`message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
}
