// Test helpers: read bundled data and fixtures without going through src/io (tests of io live apart).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Matrix } from '../../src/core/matrix.js';

/** Project root (folder of package.json), from dist/test/helpers or test/helpers. */
export const ROOT = (() => {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try { readFileSync(join(d, 'package.json')); return d; } catch { d = dirname(d); }
  }
  throw new Error('package root not found');
})();

export function fixture<T = any>(name: string): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', name), 'utf8')) as T;
}

/** Headerless numeric CSV → Matrix. */
export function csvMatrix(path: string): Matrix {
  const lines = readFileSync(join(ROOT, path), 'utf8').trim().split('\n');
  const cols = lines[0]!.split(',').length;
  const data = new Float32Array(lines.length * cols);
  lines.forEach((l, i) => l.split(',').forEach((v, j) => { data[i * cols + j] = Number(v); }));
  return { data, rows: lines.length, cols };
}

export function labelsFile(path: string): Int32Array {
  return Int32Array.from(readFileSync(join(ROOT, path), 'utf8').trim().split('\n').map(Number));
}

export function bundled(name: string): { x: Matrix; y: Int32Array } {
  return { x: csvMatrix(`data/${name}.features.csv`), y: labelsFile(`data/${name}.labels.txt`) };
}

export function fromRows(rows: number[][]): Matrix {
  const cols = rows[0]!.length;
  return { data: Float32Array.from(rows.flat()), rows: rows.length, cols };
}

/** Standardise columns (population std), as sklearn StandardScaler; float64 math, float32 out. */
export function standardise(x: Matrix): Matrix {
  const { rows: n, cols: d, data } = x;
  const out = new Float32Array(n * d);
  for (let t = 0; t < d; t++) {
    let m = 0; for (let i = 0; i < n; i++) m += data[i * d + t]!; m /= n;
    let v = 0; for (let i = 0; i < n; i++) v += (data[i * d + t]! - m) ** 2; v = Math.sqrt(v / n) || 1;
    for (let i = 0; i < n; i++) out[i * d + t] = (data[i * d + t]! - m) / v;
  }
  return { data: out, rows: n, cols: d };
}

/** Adjusted Rand index (independent small implementation for tests of other modules). */
export function ari(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length, m = new Map<string, number>(), ra = new Map<number, number>(), rb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]},${b[i]}`; m.set(key, (m.get(key) ?? 0) + 1);
    ra.set(a[i]!, (ra.get(a[i]!) ?? 0) + 1); rb.set(b[i]!, (rb.get(b[i]!) ?? 0) + 1);
  }
  const c2 = (v: number): number => v * (v - 1) / 2;
  let sij = 0, sa = 0, sb = 0;
  for (const v of m.values()) sij += c2(v);
  for (const v of ra.values()) sa += c2(v);
  for (const v of rb.values()) sb += c2(v);
  const exp = sa * sb / c2(n), max = (sa + sb) / 2;
  return max === exp ? 1 : (sij - exp) / (max - exp);
}
