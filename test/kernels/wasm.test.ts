// WebAssembly SIMD kernels against the TypeScript oracle (assignNearestTs) and exact float64
// distances; plus the check that the embedded module is built from the current source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assignNearestWasm, sqDistBlockWasm, wasmKernelsAvailable } from '../../src/kernels/wasm.js';
import { assignNearest, assignNearestTs, getKernelBackend, setKernelBackend, sqDistBlock, sqDistRow } from '../../src/kernels/index.js';
import { KERNELS_SOURCE_SHA256 } from '../../src/kernels/wasm-module.js';
import { createRng, type Rng } from '../../src/core/rng.js';
import { ROOT } from '../helpers/data.js';

const SHAPES_D = [1, 3, 5, 17, 64, 130];
const SHAPES_K = [1, 2, 5, 16, 33, 100];
const SHAPES_N = [1, 7, 300, 2049];

function normal(rng: Rng, len: number, scale = 1, offset = 0): Float32Array {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = offset + scale * rng.normal();
  return a;
}

/** Exact distances of row i to every centre (float64 sums, as the oracle). */
function exactRow(x: Float32Array, i: number, c: Float32Array, k: number, d: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < k; j++) out.push(sqDistRow(x, i, c, j, d));
  return out;
}

const close = (a: number, b: number, rel: number, abs = 0): boolean =>
  (a === Infinity && b === Infinity) || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs;

interface Out { labels: Int32Array; dist2: Float64Array; second: Float64Array }

function run(fn: typeof assignNearestTs, x: Float32Array, n: number, d: number, c: Float32Array, k: number,
  idx: Int32Array | null, count: number | undefined): Out {
  const o = { labels: new Int32Array(n).fill(-7), dist2: new Float64Array(n).fill(-7), second: new Float64Array(n).fill(-7) };
  const r = fn(x, n, d, c, k, o.labels, o.dist2, o.second, idx, count);
  assert.notEqual(r, false, 'wasm path declined');
  return o;
}

/**
 * Compare the wasm result with the TS oracle on the listed rows: labels equal except where the
 * two candidates' exact distances are within 1e-5 relative (a near-tie); wasm distances equal
 * the exact ones (1e-12) and the TS ones (1e-5, plus a tiny absolute term for zero distances).
 */
function compare(x: Float32Array, d: number, c: Float32Array, k: number, rows: Iterable<number>, w: Out, t: Out, what: string): number {
  let ties = 0;
  for (const i of rows) {
    const ex = exactRow(x, i, c, k, d);
    const sorted = [...ex].sort((a, b) => a - b);
    const lw = w.labels[i]!, lt = t.labels[i]!;
    assert.ok(lw >= 0 && lw < k, `${what}: row ${i} label ${lw}`);
    if (lw !== lt) {
      ties++;
      assert.ok(close(ex[lw]!, ex[lt]!, 1e-5, 1e-12), `${what}: row ${i} labels ${lw} (wasm) vs ${lt} (ts) with exact distances ${ex[lw]} and ${ex[lt]}`);
    }
    assert.ok(close(w.dist2[i]!, ex[lw]!, 1e-12), `${what}: row ${i} dist2 ${w.dist2[i]} vs exact ${ex[lw]}`);
    assert.ok(close(w.dist2[i]!, sorted[0]!, 1e-12), `${what}: row ${i} dist2 ${w.dist2[i]} vs exact min ${sorted[0]}`);
    assert.ok(close(w.dist2[i]!, t.dist2[i]!, 1e-5, 1e-9), `${what}: row ${i} dist2 ${w.dist2[i]} vs ts ${t.dist2[i]}`);
    const sec = k > 1 ? sorted[1]! : Infinity;
    assert.ok(close(w.second[i]!, sec, 1e-12), `${what}: row ${i} second ${w.second[i]} vs exact ${sec}`);
    assert.ok(close(w.second[i]!, t.second[i]!, 1e-5, 1e-9), `${what}: row ${i} second ${w.second[i]} vs ts ${t.second[i]}`);
  }
  return ties;
}

test('the embedded WebAssembly module is built from the current assembly/kernels.ts (run npm run build if not)', () => {
  const gen = readFileSync(join(ROOT, 'src', 'kernels', 'wasm-module.ts'), 'utf8');
  const flags = /^\/\/ asc (.*)$/m.exec(gen)?.[1];
  assert.ok(flags, 'flags line in wasm-module.ts');
  const src = readFileSync(join(ROOT, 'assembly', 'kernels.ts'), 'utf8');
  const hash = createHash('sha256').update(src).update('\n' + flags).digest('hex');
  assert.equal(KERNELS_SOURCE_SHA256, hash);
});

test('wasmKernelsAvailable is true on Node 20 (WebAssembly SIMD128)', () => {
  assert.equal(wasmKernelsAvailable(), true);
});

test('assignNearestWasm matches assignNearestTs on random shapes (d, k not multiples of the tiles), with second distances', () => {
  const rng = createRng(11);
  let ties = 0;
  for (const d of SHAPES_D) for (const k of SHAPES_K) for (const n of SHAPES_N) {
    const x = normal(rng, n * d);
    const c = normal(rng, k * d, 0.8);
    const w = run(assignNearestWasm, x, n, d, c, k, null, undefined);
    const t = run(assignNearestTs, x, n, d, c, k, null, undefined);
    ties += compare(x, d, c, k, Array.from({ length: n }, (_, i) => i), w, t, `n=${n} d=${d} k=${k}`);
  }
  assert.ok(ties <= 2, `${ties} near-ties`);
});

test('assignNearestWasm on an idx subset (with count) writes only the listed rows, at their own index', () => {
  const rng = createRng(12);
  for (const d of [3, 17, 64]) for (const k of [2, 33]) {
    const n = 2049;
    const x = normal(rng, n * d, 2, 5);
    const c = normal(rng, k * d, 2, 5);
    const list: number[] = [];
    for (let i = n - 1; i >= 0; i -= 3) list.push(i);
    const idx = Int32Array.from([...list, 0, 1, 2]); // trailing entries beyond count are ignored
    const count = list.length;
    const w = run(assignNearestWasm, x, n, d, c, k, idx, count);
    const t = run(assignNearestTs, x, n, d, c, k, idx, count);
    compare(x, d, c, k, list, w, t, `idx d=${d} k=${k}`);
    const listed = new Set(list);
    for (let i = 0; i < n; i++) if (!listed.has(i)) {
      assert.equal(w.labels[i], -7, `row ${i} not listed but written`);
      assert.equal(w.dist2[i], -7);
      assert.equal(w.second[i], -7);
    }
  }
});

test('assignNearestWasm gives labels and distances identical to assignNearestTs on integer data (exact in float32), ties to the lowest index', () => {
  const rng = createRng(13);
  for (const d of [1, 3, 17]) for (const k of [1, 2, 4, 8, 16]) {
    const n = 500;
    // small integers: many exact ties; k a power of two keeps the TS shift (centre mean) exact
    const x = Float32Array.from({ length: n * d }, () => rng.int(11) - 5);
    const c = Float32Array.from({ length: k * d }, () => rng.int(11) - 5);
    const w = run(assignNearestWasm, x, n, d, c, k, null, undefined);
    const t = run(assignNearestTs, x, n, d, c, k, null, undefined);
    assert.deepEqual(w.labels, t.labels, `labels d=${d} k=${k}`);
    assert.deepEqual(w.dist2, t.dist2, `dist2 d=${d} k=${k}`);
    assert.deepEqual(w.second, t.second, `second d=${d} k=${k}`);
    for (let i = 0; i < n; i++) {
      const ex = exactRow(x, i, c, k, d);
      assert.equal(w.labels[i], ex.indexOf(Math.min(...ex)), `row ${i}: lowest index among ties`);
    }
  }
});

test('assignNearestWasm resolves near-ties below float32 resolution like the exact float64 argmin', () => {
  const rng = createRng(17);
  const n = 2000, d = 24, k = 6;
  const c = normal(rng, k * d, 3);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    // midpoint of two centres plus a perpendicular offset: the two distances differ only by
    // the float32 rounding of the row (≈1e-7 relative), far below the float32 dot's error
    const a = rng.int(k), b = (a + 1 + rng.int(k - 1)) % k;
    const u = Array.from({ length: d }, (_, t) => c[b * d + t]! - c[a * d + t]!);
    const v = Array.from({ length: d }, () => rng.normal());
    const uv = u.reduce((s, ut, t) => s + ut * v[t]!, 0), uu = u.reduce((s, ut) => s + ut * ut, 0);
    for (let t = 0; t < d; t++) x[i * d + t] = (c[a * d + t]! + c[b * d + t]!) / 2 + v[t]! - (uv / uu) * u[t]!;
  }
  const w = run(assignNearestWasm, x, n, d, c, k, null, undefined);
  const t = run(assignNearestTs, x, n, d, c, k, null, undefined);
  // without `second` only the window around the smallest value is re-evaluated
  const w1 = { labels: new Int32Array(n), dist2: new Float64Array(n) };
  assert.equal(assignNearestWasm(x, n, d, c, k, w1.labels, w1.dist2), true);
  let decided = 0;
  for (let i = 0; i < n; i++) {
    const ex = exactRow(x, i, c, k, d);
    const sorted = [...ex].sort((p, q) => p - q);
    if (sorted[1]! - sorted[0]! <= 1e-12 * sorted[0]!) continue; // a tie in float64 too
    decided++;
    const best = ex.indexOf(sorted[0]!);
    assert.equal(w.labels[i], best, `row ${i}: wasm ${w.labels[i]}, exact ${best} (gap ${(sorted[1]! - sorted[0]!) / sorted[0]!})`);
    assert.equal(w1.labels[i], best, `row ${i}: wasm without second ${w1.labels[i]}, exact ${best}`);
    assert.ok(close(w1.dist2[i]!, sorted[0]!, 1e-12), `row ${i} distance without second`);
    assert.equal(t.labels[i], best, `row ${i}: ts ${t.labels[i]}, exact ${best}`);
    assert.ok(close(w.dist2[i]!, sorted[0]!, 1e-12) && close(w.second[i]!, sorted[1]!, 1e-12), `row ${i} distances`);
  }
  assert.ok(decided > n / 2, `${decided} rows decided`);
});

test('assignNearestWasm is exact for data far from the origin and for rows too large for float32 squares', () => {
  const rng = createRng(14);
  const n = 400, d = 9, k = 7;
  const x = normal(rng, n * d, 0.01, 1e4); // offset 1e4, spread 1e-2: the mean shift matters
  const c = normal(rng, k * d, 0.01, 1e4);
  for (let t = 0; t < d; t++) { x[3 * d + t] = 1e25; x[4 * d + t] = -3e30; } // ‖x‖² overflows float32
  const w = run(assignNearestWasm, x, n, d, c, k, null, undefined);
  for (let i = 0; i < n; i++) {
    const ex = exactRow(x, i, c, k, d);
    const best = Math.min(...ex);
    assert.ok(close(w.dist2[i]!, best, 1e-12), `row ${i}: ${w.dist2[i]} vs ${best}`);
    assert.ok(close(ex[w.labels[i]!]!, best, 1e-12), `row ${i}: label ${w.labels[i]}`);
  }
});

test('assignNearestWasm declines centres too large for float32 (the TypeScript kernel then runs)', () => {
  const x = new Float32Array([1, 2, 3, 4]), c = new Float32Array([1e20, 0, -1e20, 0]);
  const labels = new Int32Array(2), dist2 = new Float64Array(2);
  assert.equal(assignNearestWasm(x, 2, 2, c, 2, labels, dist2), false);
  assignNearest(x, 2, 2, c, 2, labels, dist2);
  assert.deepEqual([...labels], [0, 0]);
});

test('assignNearestWasm writes float32 outputs too', () => {
  const rng = createRng(15);
  const n = 333, d = 20, k = 12;
  const x = normal(rng, n * d), c = normal(rng, k * d);
  const l32 = new Int32Array(n), d32 = new Float32Array(n), s32 = new Float32Array(n);
  assert.equal(assignNearestWasm(x, n, d, c, k, l32, d32, s32), true);
  const t = run(assignNearestTs, x, n, d, c, k, null, undefined);
  for (let i = 0; i < n; i++) {
    assert.equal(l32[i], t.labels[i]);
    assert.ok(close(d32[i]!, t.dist2[i]!, 1e-6), `row ${i}`);
    assert.ok(close(s32[i]!, t.second[i]!, 1e-6), `row ${i}`);
  }
});

test('setKernelBackend switches assignNearest between the TypeScript and WebAssembly kernels and returns the previous setting', () => {
  const rng = createRng(16);
  const n = 1000, d = 16, k = 10;
  const x = normal(rng, n * d), c = normal(rng, k * d);
  const prev = setKernelBackend('ts');
  try {
    assert.equal(getKernelBackend(), 'ts');
    const a = run(assignNearest, x, n, d, c, k, null, undefined), t = run(assignNearestTs, x, n, d, c, k, null, undefined);
    assert.deepEqual(a, t);
    assert.equal(setKernelBackend('wasm'), 'ts');
    const b = run(assignNearest, x, n, d, c, k, null, undefined), w = run(assignNearestWasm, x, n, d, c, k, null, undefined);
    assert.deepEqual(b, w);
    for (let i = 0; i < n; i++) assert.ok(close(sqDistRow(x, i, c, b.labels[i]!, d), b.dist2[i]!, 1e-13)); // exact distances
  } finally {
    setKernelBackend(prev);
  }
});

test('sqDistBlock on the WebAssembly path is bitwise the TypeScript result (float64 and float32 outputs, NaN → 0)', () => {
  const rng = createRng(18);
  const prev = setKernelBackend('ts');
  try {
    for (const d of [1, 3, 17, 64, 130]) for (const nb of [1, 2, 5, 33, 100]) for (const na of [1, 7, 300, 1100]) {
      const a = normal(rng, na * d, 2, 3), b = normal(rng, nb * d, 2, 3);
      if (na === 7) a[2 * d] = NaN;
      const t64 = new Float64Array(na * nb), w64 = new Float64Array(na * nb).fill(-1);
      const t32 = new Float32Array(na * nb), w32 = new Float32Array(na * nb).fill(-1);
      setKernelBackend('ts');
      sqDistBlock(a, na, b, nb, d, t64); sqDistBlock(a, na, b, nb, d, t32);
      setKernelBackend('wasm');
      sqDistBlock(a, na, b, nb, d, w64); sqDistBlock(a, na, b, nb, d, w32);
      assert.deepEqual(w64, t64, `float64 na=${na} nb=${nb} d=${d}`);
      assert.deepEqual(w32, t32, `float32 na=${na} nb=${nb} d=${d}`);
    }
  } finally {
    setKernelBackend(prev);
  }
});

test('sqDistBlockWasm reports false for empty centre sets, leaving the call to the TypeScript kernel', () => {
  assert.equal(sqDistBlockWasm(new Float32Array(4), 2, 2, new Float64Array(0), new Float64Array(0), new Float64Array(2), 0, new Float64Array(0)), false);
});
