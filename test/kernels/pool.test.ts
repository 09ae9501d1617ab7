// The worker pool under the kernel layer (src/kernels/runtime.ts): results bitwise independent of
// the number of threads, of pinning and of the memory limit (data processed in pieces), equal to
// the TypeScript kernels where those define the order of the sums; workers really take chunks;
// a process with idle workers still exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import {
  assignNearest, candidatePotentials, centroidSums, exactSqDist, kernelInfo, kernelStats, pinRows, setKernelBackend,
  kernelFloat32Array, labelledBeyond, labelledSqDist, setKernelMemoryLimit, setKernelThreads, sqDistBlock, sqDistBlockApprox, updateClosest,
} from '../../src/kernels/index.js';
import { fit as kmeansFit } from '../../src/centroid/kmeans.js';
import { makeBlobs } from '../../src/datasets/generators.js';
import { createRng } from '../../src/core/rng.js';
import { throwsCode as throws } from '../helpers/errors.js';
import { ROOT } from '../helpers/data.js';

const N = 30000, D = 24, K = 40, M = 6;

function data(seed: number, n = N, d = D): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = 3 * rng.normal() + (i % d);
  return x;
}

interface All {
  lab: Int32Array; d2: Float64Array; sec: Float64Array; subLab: Int32Array; subD2: Float64Array;
  sums: Float64Array; wsum: Float64Array; wsums: Float64Array; wwsum: Float64Array; pot: Float64Array; closest: Float64Array;
  inertia: Float64Array; rowD: Float64Array; beyondIdx: Int32Array; beyondOut: Float64Array;
}

/** Every parallel kernel on the same inputs. */
function runAll(x: Float32Array, n: number, d: number): All {
  const c = x.slice(0, K * d);
  const lab = new Int32Array(n), d2 = new Float64Array(n), sec = new Float64Array(n);
  assignNearest(x, n, d, c, K, lab, d2, sec);
  const idx = new Int32Array(Math.floor(n / 3)).map((_, r) => (r * 7919) % n);
  const subLab = new Int32Array(n).fill(-1), subD2 = new Float64Array(n).fill(-1);
  assignNearest(x, n, d, c, K, subLab, subD2, null, idx, idx.length);
  const sums = new Float64Array(K * d), wsum = new Float64Array(K);
  centroidSums(x, n, d, lab, null, K, sums, wsum);
  const w = new Float64Array(n).map((_, i) => 0.5 + (i % 5) / 4);
  const wsums = new Float64Array(K * d), wwsum = new Float64Array(K);
  centroidSums(x, n, d, lab, w, K, wsums, wwsum);
  const closest = new Float64Array(n).fill(Infinity);
  updateClosest(x, n, d, x.subarray(0, d), closest);
  updateClosest(x, n, d, x.subarray(d * 100, d * 101), closest);
  const cand = x.slice(d * 5000, d * (5000 + M));
  const pot = new Float64Array(M);
  candidatePotentials(x, n, d, cand, M, closest, w, pot);
  // the mins output: column j is the closest array after choosing candidate j (what updateClosest makes)
  const mins = new Float64Array(M * n), pot2 = new Float64Array(M);
  candidatePotentials(x, n, d, cand, M, closest, w, pot2, mins);
  assert.deepEqual(pot2, pot);
  for (const j of [0, M - 1]) {
    const upd = closest.slice();
    updateClosest(x, n, d, cand.subarray(j * d, j * d + d), upd);
    assert.deepEqual(mins.subarray(j * n, j * n + n), upd, `mins column ${j}`);
  }
  const cen = Float64Array.from(c, (v, i) => v + (i % 3) * 0.25);
  // float32 centres with per-row output; a row with label −1 is skipped and its output untouched
  const lab2 = lab.slice();
  lab2[3] = -1;
  const rowD = new Float64Array(n).fill(-7);
  const inertia = Float64Array.of(labelledSqDist(x, n, d, lab, cen, K, null), labelledSqDist(x, n, d, lab, cen, K, w),
    labelledSqDist(x, n, d, lab2, c, K, w, rowD));
  // the rows at or beyond a per-centre threshold (about half of them), listed in order
  const thr = new Float64Array(K);
  for (let i = 0; i < n; i++) if (lab2[i]! >= 0) thr[lab2[i]!] = Math.max(thr[lab2[i]!]!, rowD[i]! / 2);
  const beyondIdx = new Int32Array(n).fill(-9);
  const beyond = labelledBeyond(x, n, d, lab2, c, K, w, thr, beyondIdx);
  const beyondOut = Float64Array.of(beyond.inertia, beyond.count);
  return { lab, d2, sec, subLab, subD2, sums, wsum, wsums, wwsum, pot, closest, inertia, rowD, beyondIdx, beyondOut };
}

function assertSame(a: All, b: All, what: string): void {
  for (const key of Object.keys(a) as (keyof All)[]) {
    assert.deepEqual(b[key], a[key], `${what}: ${key} differs`);
  }
}

test('kernelInfo reports WebAssembly SIMD on shared memory in Node 20 and the thread setting', () => {
  const prev = setKernelThreads(3);
  try {
    const info = kernelInfo();
    assert.equal(info.backend, 'wasm');
    assert.equal(info.simd, true);
    assert.equal(info.sharedMemory, true);
    assert.equal(info.relaxedSimd, false); // Node 20's V8 validates relaxed SIMD only behind a flag
    assert.equal(info.threads, 3);
  } finally {
    setKernelThreads(prev);
  }
});

test('every parallel kernel gives bitwise the same result with 1, 2 and 3 threads, and workers take chunks', async () => {
  const x = data(1);
  const prev = setKernelThreads(1);
  try {
    const one = runAll(x, N, D);
    setKernelThreads(2);
    runAll(x, N, D); // starts the worker
    await sleep(300);
    const before = kernelStats().workerChunks;
    const two = runAll(x, N, D);
    assert.ok(kernelStats().workerChunks > before, `worker chunks ${before} → ${kernelStats().workerChunks}`);
    assertSame(one, two, '2 threads');
    setKernelThreads(3);
    runAll(x, N, D);
    await sleep(300);
    assertSame(one, runAll(x, N, D), '3 threads');
  } finally {
    setKernelThreads(prev);
  }
});

test('centroidSums, labelledSqDist, candidatePotentials and updateClosest on WebAssembly equal the TypeScript kernels bitwise; assignNearest distances are the exact ones', () => {
  const x = data(2);
  const prevT = setKernelThreads(2);
  try {
    const wasm = runAll(x, N, D);
    const prev = setKernelBackend('ts');
    let ts: All;
    try { ts = runAll(x, N, D); } finally { setKernelBackend(prev); }
    for (const key of ['sums', 'wsum', 'wsums', 'wwsum', 'pot', 'closest', 'inertia', 'rowD', 'beyondIdx', 'beyondOut'] as const) {
      assert.deepEqual(wasm[key], ts[key], key);
    }
    // labelledBeyond: labelledSqDist's inertia, and exactly the labelled rows with distance ≥ thr, ascending
    assert.equal(wasm.beyondOut[0], wasm.inertia[2]);
    const want: number[] = [];
    const thr = new Float64Array(K);
    const lab2 = wasm.lab.slice();
    lab2[3] = -1;
    for (let i = 0; i < N; i++) if (lab2[i]! >= 0) thr[lab2[i]!] = Math.max(thr[lab2[i]!]!, wasm.rowD[i]! / 2);
    for (let i = 0; i < N; i++) if (lab2[i]! >= 0 && wasm.rowD[i]! >= thr[lab2[i]!]!) want.push(i);
    assert.ok(want.length > N / 10 && want.length < N);
    assert.equal(wasm.beyondOut[1], want.length);
    assert.deepEqual(Array.from(wasm.beyondIdx.subarray(0, want.length)), want);
    assert.equal(wasm.rowD[3], -7);
    // the potentials are sums of exact distances: check one candidate by hand in float64
    const c = x.slice(0, K * D);
    for (let i = 0; i < N; i += 997) {
      assert.equal(wasm.d2[i], exactSqDistRow(x, i, c, wasm.lab[i]!));
      if (i !== 3) assert.equal(wasm.rowD[i], exactSqDistRow(x, i, c, wasm.lab[i]!)); // labelledSqDist's per-row output
    }
  } finally {
    setKernelThreads(prevT);
  }
});

function exactSqDistRow(x: Float32Array, i: number, c: Float32Array, j: number): number {
  return exactSqDist(x, i, c, j, D);
}

test('pinned rows give the same results as rows copied per call; pins nest and release once', () => {
  const x = data(3);
  const plain = runAll(x, N, D);
  const r1 = pinRows(x), r2 = pinRows(x);
  try {
    assertSame(plain, runAll(x, N, D), 'pinned twice');
    r2(); r2(); // a second call of the same release does nothing
    assertSame(plain, runAll(x, N, D), 'pinned once');
  } finally {
    r1();
  }
  assertSame(plain, runAll(x, N, D), 'unpinned');
});

test('setKernelMemoryLimit below the data size processes the data in pieces with the same results', () => {
  const n = 60000, d = 40; // 9.6 MB of data against a 4 MiB limit
  const x = data(4, n, d);
  const c = x.slice(0, K * d);
  const ref = { lab: new Int32Array(n), d2: new Float64Array(n), sums: new Float64Array(K * d), wsum: new Float64Array(K) };
  assignNearest(x, n, d, c, K, ref.lab, ref.d2);
  centroidSums(x, n, d, ref.lab, null, K, ref.sums, ref.wsum);
  const prev = setKernelMemoryLimit(4 * 2 ** 20);
  try {
    const unpin = pinRows(x); // does not fit: not pinned, still works
    const lab = new Int32Array(n), d2 = new Float64Array(n), sums = new Float64Array(K * d), wsum = new Float64Array(K);
    assignNearest(x, n, d, c, K, lab, d2);
    centroidSums(x, n, d, lab, null, K, sums, wsum);
    unpin();
    assert.deepEqual(lab, ref.lab);
    assert.deepEqual(d2, ref.d2);
    assert.deepEqual(sums, ref.sums);
    assert.deepEqual(wsum, ref.wsum);
  } finally {
    setKernelMemoryLimit(prev);
  }
});

test('kmeans.fit gives identical labels, centroids, inertia and iterations with 1 and 2 threads', async () => {
  const { x } = makeBlobs({ n: 40000, d: 16, centers: 25, seed: 5, clusterStd: 3 });
  const prev = setKernelThreads(1);
  try {
    const a = kmeansFit(x, { k: 25, seed: 1, nInit: 2 });
    setKernelThreads(2);
    await sleep(100);
    const b = kmeansFit(x, { k: 25, seed: 1, nInit: 2 });
    assert.deepEqual(b.labels, a.labels);
    assert.deepEqual(b.centroids, a.centroids);
    assert.equal(b.inertia, a.inertia);
    assert.equal(b.nIter, a.nIter);
  } finally {
    setKernelThreads(prev);
  }
});

test('setKernelThreads and setKernelMemoryLimit refuse bad values, naming the parameter', () => {
  throws(() => setKernelThreads(0), 'BAD_OPTION', 'setKernelThreads', 'Got 0');
  throws(() => setKernelThreads(2.5), 'BAD_OPTION', 'integer in [1, 64]');
  throws(() => setKernelMemoryLimit(1000), 'BAD_OPTION', 'setKernelMemoryLimit', '4 MiB', 'Got 1000');
});

test('a Node process whose kernels started worker threads exits by itself when its work is done', async () => {
  const script = `
    import { assignNearest, setKernelThreads, kernelStats } from ${JSON.stringify(join(ROOT, 'dist', 'src', 'kernels', 'index.js'))};
    setKernelThreads(2);
    const n = 20000, d = 32, k = 50, x = new Float32Array(n * d).map((_, i) => Math.sin(i));
    const lab = new Int32Array(n), dist = new Float64Array(n);
    for (let r = 0; r < 3; r++) { assignNearest(x, n, d, x.slice(0, k * d), k, lab, dist); await new Promise((f) => setTimeout(f, 100)); }
    console.log(JSON.stringify(kernelStats()));`;
  const out = await new Promise<{ code: number; stdout: string; ms: number }>((resolve) => {
    const t0 = Date.now();
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20000 }, (err, stdout) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, ms: Date.now() - t0 }));
  });
  assert.equal(out.code, 0);
  const stats = JSON.parse(out.stdout) as { workers: number; parallelJobs: number };
  assert.equal(stats.workers, 1);
  assert.equal(stats.parallelJobs, 3);
});

test('sqDistBlockApprox estimates are within their per-row bound of the exact distances, on both backends and any thread count', () => {
  const shapes = [[7, 3, 1], [64, 2048, 5], [33, 300, 17], [64, 129, 64], [20, 50, 384]] as const;
  for (const [mq, nb, d] of shapes) {
    for (const offset of [0, 1000]) {
      const rng = createRng(mq * 31 + d);
      const q = new Float32Array(mq * d).map(() => offset + 5 * rng.normal());
      const b = new Float32Array(nb * d).map(() => offset + 5 * rng.normal());
      b.set(q.subarray(0, d), 0); // an exact duplicate: distance 0
      const results: Float64Array[] = [];
      for (const [backend, threads] of [['wasm', 1], ['wasm', 2], ['ts', 1]] as const) {
        const prevB = setKernelBackend(backend), prevT = setKernelThreads(threads);
        const out = new Float64Array(mq * nb), tol = new Float64Array(mq);
        try { sqDistBlockApprox(q, mq, b, nb, d, out, tol); } finally { setKernelBackend(prevB); setKernelThreads(prevT); }
        for (let r = 0; r < mq; r++) {
          assert.ok(tol[r]! > 0 && Number.isFinite(tol[r]!), `tol ${tol[r]}`);
          for (let j = 0; j < nb; j++) {
            const e = exactSqDist(q, r, b, j, d);
            assert.ok(Math.abs(out[r * nb + j]! - e) <= tol[r]!, `${backend} ${mq}x${nb}x${d}+${offset}: row ${r} col ${j}: ${out[r * nb + j]} vs ${e}, tol ${tol[r]}`);
          }
        }
        // the float32 bound is useful: far below the distances between distinct random rows
        if (backend === 'wasm' && offset === 0) assert.ok(tol[0]! < 1e-3 * exactSqDist(q, 0, b, 1, d), `tol ${tol[0]}`);
        if (backend === 'wasm') results.push(out);
      }
      assert.deepEqual(results[1], results[0], 'threads 1 vs 2');
    }
  }
});

test('kernelFloat32Array gives a zeroed array in the kernels\' shared memory that kernels and pinned fits read in place, with the same results', () => {
  const x = data(6);
  const k = kernelFloat32Array(x.length);
  assert.equal(k.length, x.length);
  assert.ok(k.buffer instanceof SharedArrayBuffer, 'in shared memory');
  assert.ok(k.every((v) => v === 0));
  k.set(x);
  assertSame(runAll(x, N, D), runAll(k, N, D), 'kernel array vs ordinary array');
  const unpin = pinRows(k);
  try {
    assertSame(runAll(x, N, D), runAll(k, N, D), 'pinned in place');
  } finally {
    unpin();
  }
  assert.deepEqual(k, x, 'the kernels never write the rows');
});

test('labelledSqDist and labelledBeyond: WebAssembly equals TypeScript bitwise for d with a tail, odd n, −1 labels, f32 and f64 centres', () => {
  for (const [n, d, k] of [[4099, 7, 9], [3001, 13, 5], [2049, 3, 17]] as const) {
    const x = new Float32Array(n * d).map((_, i) => Math.sin(i * 0.37) * 10 + (i % 11));
    const c32 = x.slice(0, k * d).map((v, i) => v + (i % 5) * 0.125);
    const c64 = Float64Array.from(c32, (v, i) => v + 1e-9 * i);
    const labels = new Int32Array(n).map((_, i) => (i % 13 === 0 ? -1 : (i * 31) % k));
    const w = new Float64Array(n).map((_, i) => 0.5 + (i % 7) / 3);
    const thr = new Float64Array(k).fill(300);
    const run = (): unknown[] => {
      const out32 = new Float64Array(n).fill(-1), out64 = new Float64Array(n).fill(-1), idx = new Int32Array(n);
      const a = labelledSqDist(x, n, d, labels, c32, k, w, out32), b = labelledSqDist(x, n, d, labels, c64, k, null, out64);
      const be = labelledBeyond(x, n, d, labels, c64, k, w, thr, idx);
      return [a, b, out32, out64, be, idx.slice(0, be.count)];
    };
    const wasm = run();
    const prev = setKernelBackend('ts');
    let ts: unknown[];
    try { ts = run(); } finally { setKernelBackend(prev); }
    assert.deepEqual(wasm, ts, `n ${n} d ${d}`);
    assert.ok((wasm[4] as { count: number }).count > 0 && (wasm[4] as { count: number }).count < n, 'some rows beyond');
  }
});

test('sqDistBlock runs on the pool in row chunks and pieces: bitwise the TypeScript result on 1 and 2 threads, pinned or not', () => {
  const na = 4100, nb = 1100, d = 5; // output 36 MB: two pieces of the 32 MB bound
  const a = new Float32Array(na * d).map((_, i) => Math.cos(i * 0.71) * 4 + (i % 9));
  const b = a.slice(0, nb * d).map((v, i) => v + (i % 4) * 0.5);
  const ref = new Float64Array(na * nb);
  const prevB = setKernelBackend('ts');
  try { sqDistBlock(a, na, b, nb, d, ref); } finally { setKernelBackend(prevB); }
  const prevT = setKernelThreads(1);
  try {
    for (const threads of [1, 2]) {
      setKernelThreads(threads);
      for (const pin of [false, true]) {
        const unpin = pin ? pinRows(a) : () => {};
        try {
          const out = new Float64Array(na * nb).fill(-1);
          const jobs = kernelStats().parallelJobs;
          sqDistBlock(a, na, b, nb, d, out);
          assert.deepEqual(out, ref, `threads ${threads}, pinned ${pin}`);
          // the first piece (3808 rows) runs on the pool, the last (292 rows) is small enough for one thread
          if (threads === 2) assert.ok(kernelStats().parallelJobs - jobs >= 1, 'a parallel job');
        } finally {
          unpin();
        }
      }
    }
  } finally {
    setKernelThreads(prevT);
  }
});
