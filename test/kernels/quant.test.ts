// The int16 screening of pinned rows (assembly/kernels.ts "Quantised screening"): the same labels,
// distances and D² sums as the float32 screening and the exact float64 argmin, on random shapes,
// index subsets, near-mean and huge rows, exact ties, NaN rows and 1 or 2 threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assignNearest, assignNearestAndSums, candidatePotentials, centroidSums, exactSqDist, firstNonFinite, labelledSqDist, pinRows, setKernelBackend, setKernelThreads, updateClosest,
} from '../../src/kernels/index.js';
import { QUANT_MAX_D, firstNonFiniteRowWasm, quantJobCount, setQuantScreening, sumsChunkRows, useWasm } from '../../src/kernels/wasm.js';
import { createRng, type Rng } from '../../src/core/rng.js';
import { ClusterkitError } from '../../src/core/errors.js';
import * as kmeans from '../../src/centroid/kmeans.js';

function normal(rng: Rng, len: number, scale = 1, offset = 0): Float32Array {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = offset + scale * rng.normal();
  return a;
}

/** NaN rows make the rows' mean NaN: then there is no image and the float32 screening runs. */
function hasNaN(x: Float32Array): boolean {
  return x.some((v) => v !== v);
}

interface Out { labels: Int32Array; dist2: Float64Array; second: Float64Array }

/** assignNearest on pinned x with the int16 screening on or off; asserts which path ran. */
function assign(x: Float32Array, n: number, d: number, c: Float32Array, k: number, quant: boolean,
  idx: Int32Array | null = null, withSecond = true): Out {
  const o = { labels: new Int32Array(n).fill(-7), dist2: new Float64Array(n).fill(-7), second: new Float64Array(n).fill(-7) };
  const prev = setQuantScreening(quant);
  const unpin = pinRows(x);
  try {
    const before = quantJobCount();
    assignNearest(x, n, d, c, k, o.labels, o.dist2, withSecond ? o.second : null, idx, idx?.length);
    const expect = quant && d <= QUANT_MAX_D && useWasm(idx ? idx.length : n, k, d) && !hasNaN(x) ? 1 : 0;
    assert.equal(quantJobCount() - before, expect, 'int16 jobs run');
  } finally {
    unpin();
    setQuantScreening(prev);
  }
  return o;
}

/**
 * The exact argmin (ties → lowest index), its distance and the second smallest distance of row i,
 * from exactSqDist (the float64 sum in the kernels' order, so equal to the bit).
 */
function exact(x: Float32Array, i: number, c: Float32Array, k: number, d: number): [number, number, number] {
  let best = Infinity, second = Infinity, label = 0;
  for (let j = 0; j < k; j++) {
    const e = exactSqDist(x, i, c, j, d);
    if (e < best) { second = best; best = e; label = j; } else if (e < second) second = e;
  }
  return [label, best, second];
}

function sameOut(a: Out, b: Out, what: string): void {
  assert.deepEqual(a.labels, b.labels, `${what}: labels`);
  assert.deepEqual(a.dist2, b.dist2, `${what}: dist2`);
  assert.deepEqual(a.second, b.second, `${what}: second`);
}

test('assignNearest with int16 screening equals the float32 screening and the exact argmin on random shapes', () => {
  const rng = createRng(11);
  let cases = 0;
  for (const d of [1, 2, 3, 5, 17, 64, 130, 256]) {
    for (const k of [1, 5, 16, 33, 100]) {
      for (const n of [7, 300, 2049]) {
        const x = normal(rng, n * d, 3, 5);
        const c = new Float32Array(k * d);
        for (let j = 0; j < k; j++) c.set(x.subarray((j * 37 % n) * d, (j * 37 % n) * d + d), j * d);
        for (let t = 0; t < c.length; t++) c[t]! += Math.fround(0.5 * rng.normal());
        const q = assign(x, n, d, c, k, true), f = assign(x, n, d, c, k, false);
        sameOut(q, f, `n ${n} d ${d} k ${k}`);
        // the WebAssembly path settles in exactSqDist's order (equal to the bit); the TypeScript
        // kernel (small calls) expands ‖x‖² − 2x·c + ‖c‖²: within 1e-12 relative + 1e-12
        const tol = useWasm(n, k, d) ? 0 : 1e-12;
        for (let i = 0; i < n; i += Math.max(1, n >> 6)) {
          const [l, b, s] = exact(x, i, c, k, d);
          assert.equal(q.labels[i], l, `n ${n} d ${d} k ${k} row ${i} label`);
          assert.ok(Math.abs(q.dist2[i]! - b) <= tol * (b + 1), `n ${n} d ${d} k ${k} row ${i} dist2 ${q.dist2[i]} vs ${b}`);
          assert.ok(s === Infinity ? q.second[i] === s : Math.abs(q.second[i]! - s) <= tol * (s + 1), `row ${i} second`);
        }
        cases++;
      }
    }
  }
  assert.equal(cases, 120);
});

test('assignNearest with int16 screening on index subsets writes only the listed rows, as the float32 screening', () => {
  const rng = createRng(12);
  const n = 3001, d = 24, k = 40;
  const x = normal(rng, n * d, 2, -1), c = normal(rng, k * d, 2, -1);
  const idx = new Int32Array(700);
  for (let r = 0; r < idx.length; r++) idx[r] = (r * 4271 + 13) % n;
  const q = assign(x, n, d, c, k, true, idx), f = assign(x, n, d, c, k, false, idx);
  sameOut(q, f, 'subset');
  const listed = new Set(idx);
  for (let i = 0; i < n; i++) if (!listed.has(i)) assert.equal(q.labels[i], -7, `row ${i} not listed`);
  const q1 = assign(x, n, d, c, k, true, idx, false);
  assert.deepEqual(q1.labels, q.labels);
  assert.deepEqual(q1.dist2, q.dist2);
});

test('assignNearest with int16 screening handles rows at the mean, tiny and huge deviations and exact ties', () => {
  const rng = createRng(13);
  const n = 64, d = 9, k = 12;
  for (const huge of [false, true]) {
    const x = normal(rng, n * d, 1, 100);
    // a huge row (scale 0: the whole row counts as error) shifts the mean far from the others
    if (huge) for (let t = 0; t < d; t++) x[5 * d + t] = 1e12 * (t % 2 ? 1 : -1);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) if (i !== 7) for (let t = 0; t < d; t++) mean[t]! += x[i * d + t]!;
    // row 7 set so that the mean of all rows is within float32 rounding of it
    for (let t = 0; t < d; t++) x[7 * d + t] = Math.fround(mean[t]! / (n - 1));
    const c = normal(rng, k * d, 1, 100);
    c.set(c.subarray(0, d), 3 * d); // centre 3 = centre 0: exact ties go to 0
    c.set(x.subarray(8 * d, 9 * d), 5 * d); // a centre on row 8
    c.set(x.subarray(7 * d, 8 * d), 6 * d); // a centre at the mean
    const q = assign(x, n, d, c, k, true), f = assign(x, n, d, c, k, false);
    sameOut(q, f, `edge rows (huge ${huge})`);
    for (let i = 0; i < n; i++) {
      const [l, b, s] = exact(x, i, c, k, d);
      assert.equal(q.labels[i], l, `row ${i}`);
      assert.equal(q.dist2[i], b, `row ${i}`);
      assert.equal(q.second[i], s, `row ${i}`);
      assert.notEqual(q.labels[i], 3, 'tie to the lower index');
    }
    assert.equal(q.dist2[8], 0);
    assert.equal(q.labels[8], 5);
    assert.equal(q.labels[7], 6);
  }
});

test('assignNearest on pinned rows with a NaN row falls back to the float32 screening with the same results', () => {
  const rng = createRng(16);
  const n = 200, d = 8, k = 10;
  const x = normal(rng, n * d, 1), c = normal(rng, k * d, 1);
  for (let t = 0; t < d; t++) x[3 * d + t] = Number.NaN;
  const q = assign(x, n, d, c, k, true), f = assign(x, n, d, c, k, false);
  sameOut(q, f, 'NaN row');
  for (let i = 0; i < n; i++) if (i !== 3) assert.equal(q.labels[i], exact(x, i, c, k, d)[0]);
});

test('candidatePotentials and updateClosest with int16 screening give bitwise the float32 screening sums', () => {
  const rng = createRng(14);
  for (const [n, d, m] of [[5000, 64, 6], [777, 3, 2], [2050, 130, 9], [300, 256, 3]] as const) {
    const x = normal(rng, n * d, 4);
    const res: Array<{ pot: Float64Array; closest: Float64Array; mins: Float64Array }> = [];
    for (const quant of [true, false]) {
      const prev = setQuantScreening(quant);
      const unpin = pinRows(x);
      try {
        const closest = new Float64Array(n).fill(Infinity);
        updateClosest(x, n, d, x.subarray(0, d), closest);
        updateClosest(x, n, d, x.subarray(d * 17, d * 18), closest);
        const cand = x.slice(d * 100, d * (100 + m));
        const pot = new Float64Array(m), mins = new Float64Array(m * n);
        const before = quantJobCount();
        candidatePotentials(x, n, d, cand, m, closest, null, pot, null);
        assert.equal(quantJobCount() - before, quant && useWasm(n, m, d) ? 1 : 0, `n ${n} d ${d} int16 jobs`);
        candidatePotentials(x, n, d, cand, m, closest, null, pot, mins);
        updateClosest(x, n, d, cand.subarray(0, d), closest);
        res.push({ pot, closest, mins });
      } finally {
        unpin();
        setQuantScreening(prev);
      }
    }
    assert.deepEqual(res[0]!.pot, res[1]!.pot, `n ${n} d ${d} pot`);
    assert.deepEqual(res[0]!.closest, res[1]!.closest, `n ${n} d ${d} closest`);
    assert.deepEqual(res[0]!.mins, res[1]!.mins, `n ${n} d ${d} mins`);
  }
});

test('assignNearest with int16 screening gives the same bytes on 1 and 2 threads', () => {
  const rng = createRng(15);
  const n = 40000, d = 32, k = 50;
  const x = normal(rng, n * d, 1), c = normal(rng, k * d, 1);
  const prev = setKernelThreads(1);
  try {
    const one = assign(x, n, d, c, k, true);
    setKernelThreads(2);
    const two = assign(x, n, d, c, k, true);
    sameOut(one, two, 'threads');
  } finally {
    setKernelThreads(prev);
  }
});

test('assignNearest with int16 screening settles near-ties far below the quantisation step exactly', () => {
  // every row has two centres at distances that differ by about 1e-7 relative, far below the
  // int16 estimate's error (~1e-4): only the float64 stage can order them
  const rng = createRng(17);
  const n = 512, d = 16, k = 64;
  const c = normal(rng, k * d, 10);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const a = (i * 7) % k, b = (a + 1 + (i % (k - 1))) % k;
    // x = midpoint of c_a and c_b, nudged towards one of them by a relative 1e-7 of the distance
    const toward = i % 2 ? a : b;
    for (let t = 0; t < d; t++) {
      const mid = 0.5 * (c[a * d + t]! + c[b * d + t]!);
      x[i * d + t] = Math.fround(mid + 1e-6 * (c[toward * d + t]! - mid));
    }
  }
  const q = assign(x, n, d, c, k, true), f = assign(x, n, d, c, k, false);
  sameOut(q, f, 'near ties');
  let checked = 0;
  for (let i = 0; i < n; i++) {
    const [l, b, s] = exact(x, i, c, k, d);
    assert.equal(q.labels[i], l, `row ${i}`);
    assert.equal(q.dist2[i], b);
    assert.equal(q.second[i], s);
    if (s - b < 1e-4 * b) checked++;
  }
  assert.ok(checked > n / 2, `near-tie rows ${checked}`);
});

test('candidatePotentials equals the TypeScript kernel to the bit with weights and infinite or NaN closest entries', () => {
  const rng = createRng(18);
  const n = 3000, d = 20, m = 7;
  const x = normal(rng, n * d, 2);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 + rng.next();
  const closest0 = new Float64Array(n);
  for (let i = 0; i < n; i++) closest0[i] = i % 97 === 0 ? Infinity : i % 211 === 0 ? Number.NaN : 30 + 20 * rng.next();
  const cand = x.slice(d * 5, d * (5 + m));
  const out: Array<{ pot: Float64Array; mins: Float64Array }> = [];
  for (const mode of ['ts', 'quant', 'f32'] as const) {
    const prevB = setKernelBackend(mode === 'ts' ? 'ts' : 'auto');
    const prevQ = setQuantScreening(mode === 'quant');
    const unpin = pinRows(x);
    try {
      const pot = new Float64Array(m), mins = new Float64Array(m * n);
      const before = quantJobCount();
      candidatePotentials(x, n, d, cand, m, closest0.slice(), w, pot, mins);
      assert.equal(quantJobCount() - before, mode === 'quant' ? 1 : 0, mode);
      out.push({ pot, mins });
    } finally {
      unpin();
      setQuantScreening(prevQ);
      setKernelBackend(prevB);
    }
  }
  // the direct definition, Σ w·min(closest, d_j), within rounding of the (C − G) + D sums
  for (let j = 0; j < m; j++) {
    let direct = 0;
    for (let i = 0; i < n; i++) {
      const e = exactSqDist(x, i, cand, j, d);
      direct += w[i]! * (e < closest0[i]! ? e : closest0[i]!);
    }
    assert.ok(Number.isNaN(direct) ? Number.isNaN(out[0]!.pot[j]!) : Math.abs(out[0]!.pot[j]! - direct) <= 1e-12 * Math.abs(direct));
  }
  for (const o of out.slice(1)) {
    assert.deepEqual(o.pot, out[0]!.pot);
    assert.deepEqual(o.mins, out[0]!.mins);
  }
});

test('assignNearestAndSums equals assignNearest then centroidSums to the bit, with and without weights, on 1 and 2 threads', () => {
  const rng = createRng(19);
  const n = 20011, d = 24, k = 37; // n not a multiple of the chunk sizes
  const x = normal(rng, n * d, 3), c = normal(rng, k * d, 3);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.25 + rng.next();
  const prevT = setKernelThreads(1);
  const unpin = pinRows(x);
  try {
    for (const weights of [null, w]) {
      const ref = { labels: new Int32Array(n), dist2: new Float64Array(n), sums: new Float64Array(k * d), wsum: new Float64Array(k) };
      assignNearest(x, n, d, c, k, ref.labels, ref.dist2);
      centroidSums(x, n, d, ref.labels, weights, k, ref.sums, ref.wsum);
      for (const threads of [1, 2]) {
        setKernelThreads(threads);
        const o = { labels: new Int32Array(n), dist2: new Float64Array(n), sums: new Float64Array(k * d).fill(7), wsum: new Float64Array(k).fill(7) };
        // previous labels: the new ones except every 5th row moved and every 7th unset
        let changedRef = 0;
        for (let i = 0; i < n; i++) {
          o.labels[i] = i % 7 === 0 ? -1 : i % 5 === 0 ? (ref.labels[i]! + 1) % k : ref.labels[i]!;
          if (o.labels[i] !== ref.labels[i]) changedRef++;
        }
        const before = quantJobCount();
        const step = assignNearestAndSums(x, n, d, c, k, o.labels, o.dist2, weights, o.sums, o.wsum);
        assert.equal(quantJobCount() - before, 1, 'one fused int16 job');
        assert.equal(step.changed, changedRef);
        assert.equal(step.inertia, chunkSum(ref.dist2, weights, sumsChunkRows(d)), 'inertia: Σ w·dist2 by sums chunks');
        // ref: the image's centre and Σ w·‖x − μ‖², the same sums as labelledSqDist against μ (other chunks)
        assert.ok(step.ref !== null);
        const muK = new Float64Array(k * d);
        for (let j = 0; j < k; j++) muK.set(step.ref.mu, j * d);
        const spread = labelledSqDist(x, n, d, ref.labels, muK, k, weights);
        assert.ok(Math.abs(step.ref.x2 - spread) <= 1e-12 * spread, `${step.ref.x2} vs ${spread}`);
        assert.deepEqual(o.labels, ref.labels);
        assert.deepEqual(o.dist2, ref.dist2);
        assert.deepEqual(o.sums, ref.sums, `sums (weights ${weights !== null}, threads ${threads})`);
        assert.deepEqual(o.wsum, ref.wsum);
      }
    }
  } finally {
    unpin();
    setKernelThreads(prevT);
  }
  // unpinned rows take the two calls, with the same inertia and changed count
  const o = { labels: new Int32Array(n).fill(-1), dist2: new Float64Array(n), sums: new Float64Array(k * d), wsum: new Float64Array(k) };
  const before = quantJobCount();
  const step = assignNearestAndSums(x, n, d, c, k, o.labels, o.dist2, w, o.sums, o.wsum);
  assert.equal(quantJobCount() - before, 0);
  assert.equal(step.changed, n);
  assert.equal(step.inertia, chunkSum(o.dist2, w, sumsChunkRows(d)));
  const again = assignNearestAndSums(x, n, d, c, k, o.labels, o.dist2, w, o.sums, o.wsum);
  assert.equal(again.changed, 0);
  assignNearestAndSums(x, n, d, c, k, o.labels, o.dist2, null, o.sums, o.wsum);
  const s2 = new Float64Array(k * d), w2 = new Float64Array(k);
  centroidSums(x, n, d, o.labels, null, k, s2, w2);
  assert.deepEqual(o.sums, s2);
});

/** Σ w_i·v_i within chunks of B rows, chunks in order (assignNearestAndSums' inertia). */
function chunkSum(v: Float64Array, w: Float64Array | null, B: number): number {
  let total = 0;
  for (let s0 = 0; s0 < v.length; s0 += B) {
    let part = 0;
    for (let i = s0; i < Math.min(v.length, s0 + B); i++) part += w ? w[i]! * v[i]! : v[i]!;
    total += part;
  }
  return total;
}

test('firstNonFinite on pinned rows reads the int16 image: the first bad value, also when the image centre is NaN; kmeans.fit names it', () => {
  const rng = createRng(23);
  const n = 20000, d = 12; // above the mean's 4096-row sample, so that a bad row can stay outside it
  const x = normal(rng, n * d, 2);
  assert.equal(firstNonFinite(x, n, d), -1);
  const cases: Array<[number, number, number]> = [[17, 5, NaN], [n - 1, d - 1, Infinity], [12345, 0, -Infinity]];
  for (const [r, t, v] of cases) {
    const y = x.slice();
    y[r * d + t] = v;
    if (r + 1 < n) y[(r + 1) * d + 3] = NaN; // a later bad value does not win
    const unpin = pinRows(y);
    try {
      assert.equal(firstNonFiniteRowWasm(y, n, d), r, 'the image gives the row');
      assert.equal(firstNonFinite(y, n, d), r * d + t, `row ${r} column ${t}`);
    } finally {
      unpin();
    }
    assert.equal(firstNonFiniteRowWasm(y, n, d), null, 'unpinned: no image');
    assert.equal(firstNonFinite(y, n, d), r * d + t, 'unpinned: the JavaScript pass');
    assert.throws(() => kmeans.fit({ data: y, rows: n, cols: d }, { k: 3, nInit: 1, maxIter: 2 }),
      (e: unknown) => e instanceof ClusterkitError && e.code === 'BAD_DATA' && e.message.includes(`row ${r}, column ${t}`));
  }
  // a bad row in the mean's sample (rows ⌊j·n/4096⌋: row 4 is one) makes the image's centre NaN and
  // every row look bad; the first (row 0) has nothing wrong, so the values are scanned
  const z = x.slice();
  z[4 * d + 7] = NaN;
  z[2 * d + 1] = Infinity;
  const unpin = pinRows(z);
  try {
    assert.equal(firstNonFiniteRowWasm(z, n, d), 0);
    assert.equal(firstNonFinite(z, n, d), 2 * d + 1);
  } finally {
    unpin();
  }
});

test('assignNearestAndSums without distances (labels only) gives the exact argmin and the same sums: near-ties, exact ties, huge rows, random shapes, 1 and 2 threads', () => {
  const rng = createRng(29);
  const sets: Array<{ x: Float32Array; c: Float32Array; n: number; d: number; k: number; what: string }> = [];
  { // near-ties ~1e-7 relative, far below the int16 resolution
    const n = 512, d = 16, k = 64, c = normal(rng, k * d, 10), x = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const a = (i * 7) % k, b = (a + 1 + (i % (k - 1))) % k, toward = i % 2 ? a : b;
      for (let t = 0; t < d; t++) {
        const mid = 0.5 * (c[a * d + t]! + c[b * d + t]!);
        x[i * d + t] = Math.fround(mid + 1e-6 * (c[toward * d + t]! - mid));
      }
    }
    sets.push({ x, c, n, d, k, what: 'near ties' });
  }
  { // exact ties (centre 3 = centre 0), a centre on a row, a huge row
    const n = 300, d = 9, k = 12, x = normal(rng, n * d, 1, 100), c = normal(rng, k * d, 1, 100);
    for (let t = 0; t < d; t++) x[5 * d + t] = 1e12 * (t % 2 ? 1 : -1);
    c.set(c.subarray(0, d), 3 * d);
    c.set(x.subarray(8 * d, 9 * d), 5 * d);
    for (let i = 20; i < 40; i++) x.set(c.subarray(0, d), i * d); // rows exactly on the tied centres
    sets.push({ x, c, n, d, k, what: 'exact ties and a huge row' });
  }
  for (const [n, d, k] of [[2001, 3, 5], [1500, 17, 37], [999, 130, 9]] as const) {
    sets.push({ x: normal(rng, n * d, 2), c: normal(rng, k * d, 2), n, d, k, what: `random ${n}×${d}, k ${k}` });
  }
  const prevT = setKernelThreads(1);
  try {
    for (const { x, c, n, d, k, what } of sets) {
      const w = new Float64Array(n).map((_, i) => 0.5 + (i % 3));
      const unpin = pinRows(x);
      try {
        for (const threads of [1, 2]) {
          setKernelThreads(threads);
          const labels = new Int32Array(n).fill(-1), sums = new Float64Array(k * d), wsum = new Float64Array(k);
          const before = quantJobCount();
          const step = assignNearestAndSums(x, n, d, c, k, labels, null, w, sums, wsum);
          assert.equal(quantJobCount() - before, 1, `${what}: the int16 job ran`);
          assert.ok(Number.isNaN(step.inertia), 'no distances, no inertia');
          assert.equal(step.changed, n);
          for (let i = 0; i < n; i++) assert.equal(labels[i], exact(x, i, c, k, d)[0], `${what}, ${threads} threads: row ${i}`);
          const s2 = new Float64Array(k * d), w2 = new Float64Array(k);
          centroidSums(x, n, d, labels, w, k, s2, w2);
          assert.deepEqual(sums, s2, `${what}: sums`);
          assert.deepEqual(wsum, w2, `${what}: weight sums`);
        }
      } finally {
        unpin();
      }
    }
  } finally {
    setKernelThreads(prevT);
  }
});
