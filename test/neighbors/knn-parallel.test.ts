// kNN over the indexed rows on worker threads (src/kernels/parallel.ts): the same indices and
// distances as one thread, bitwise, and workers really take chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildKDTree, knn } from '../../src/neighbors/kdtree.js';
import { bruteKnn } from '../../src/neighbors/brute.js';
import { setKernelThreads } from '../../src/kernels/index.js';
import { parallelStats } from '../../src/kernels/parallel.js';
import { createRng } from '../../src/core/rng.js';

test('knn over 30 000 indexed rows gives bitwise the same neighbours with 1 and 2 threads, equal to brute force', async () => {
  const n = 30000, d = 4, k = 7, rng = createRng(11);
  const data = new Float32Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(rng.normal() * 40) / 8; // coarse grid: many ties
  const x = { data, rows: n, cols: d };
  const tree = buildKDTree(x);
  const prev = setKernelThreads(1);
  try {
    const one = knn(tree, null, k);
    setKernelThreads(2);
    knn(tree, null, k); // starts the worker
    await sleep(500);
    const before = parallelStats().workerChunks;
    const two = knn(tree, null, k);
    assert.ok(parallelStats().workerChunks > before, `worker chunks ${before} → ${parallelStats().workerChunks}`);
    assert.deepEqual(two.indices, one.indices);
    assert.deepEqual(two.distances, one.distances);
    // a sample against the exact brute-force scan (ties → lower index)
    const rows = Array.from({ length: 40 }, (_, t) => (t * 7477) % n);
    const q = new Float32Array(rows.length * d);
    rows.forEach((r, t) => q.set(data.subarray(r * d, r * d + d), t * d));
    const b = bruteKnn(x, { data: q, rows: rows.length, cols: d }, k + 1, 'euclidean');
    rows.forEach((r, t) => {
      const got = Array.from(two.distances.subarray(r * k, r * k + k));
      // brute force on the query copy includes the row itself (distance 0) first
      const want = Array.from(b.distances.subarray(t * (k + 1) + 1, t * (k + 1) + k + 1));
      assert.deepEqual(got, want, `row ${r}`);
    });
  } finally {
    setKernelThreads(prev);
  }
});
