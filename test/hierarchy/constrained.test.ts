import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkage, checkLinkage } from '../../src/hierarchy/index.js';
import { ClusterkitError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import { csrFromTriplets, type CsrMatrix, type Matrix } from '../../src/core/matrix.js';

const isCode = (code: string, re?: RegExp) => (e: unknown): boolean =>
  e instanceof ClusterkitError && e.code === code && (!re || re.test(e.message));

function randomMatrix(n: number, d: number, seed: number, scale = 1): Matrix {
  const rng = createRng(seed), data = new Float32Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * scale;
  return { data, rows: n, cols: d };
}
function graph(n: number, edges: [number, number][]): CsrMatrix {
  return csrFromTriplets(n, n, edges.map((e) => e[0]), edges.map((e) => e[1]), edges.map(() => 1));
}
/** Brute-force k nearest neighbours (test-only), directed i → j. */
function knnGraph(x: Matrix, k: number): CsrMatrix {
  const { rows: n, cols: d, data } = x, edges: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const ds: [number, number][] = [];
    for (let j = 0; j < n; j++) if (j !== i) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (data[i * d + t]! - data[j * d + t]!) ** 2;
      ds.push([s, j]);
    }
    ds.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [, j] of ds.slice(0, k)) edges.push([i, j]);
  }
  return graph(n, edges);
}
const heights = (z: Float64Array): number[] => Array.from({ length: z.length / 4 }, (_, i) => z[4 * i + 2]!);

test('linkage(x, {connectivity: complete graph}) equals the unconstrained linkage for ward, single, complete and average', () => {
  const x = randomMatrix(60, 3, 11);
  const all: [number, number][] = [];
  for (let i = 0; i < 60; i++) for (let j = 0; j < 60; j++) if (i !== j) all.push([i, j]);
  const g = graph(60, all);
  for (const method of ['ward', 'single', 'complete', 'average'] as const) {
    const free = linkage(x, { method, precision: 'float64' }), tied = linkage(x, { method, connectivity: g });
    assert.equal(tied.options.connectivity, true);
    const hf = heights(free.z), ht = heights(tied.z);
    hf.forEach((h, i) => assert.ok(Math.abs(h - ht[i]!) <= 1e-12 * h, `${method} row ${i}`));
    assert.deepEqual(Array.from(tied.z).filter((_, i) => i % 4 !== 2), Array.from(free.z).filter((_, i) => i % 4 !== 2), method);
    assert.deepEqual(tied.warnings, []);
  }
});

test('linkage(x, {connectivity: kNN graph}) only merges clusters joined by an edge', () => {
  const n = 150, x = randomMatrix(n, 2, 4), g = knnGraph(x, 4);
  const adj = new Set<number>();
  for (let i = 0; i < n; i++) for (let p = g.indptr[i]!; p < g.indptr[i + 1]!; p++) { adj.add(i * n + g.indices[p]!); adj.add(g.indices[p]! * n + i); }
  for (const method of ['ward', 'single', 'complete', 'average'] as const) {
    const r = linkage(x, { method, connectivity: g });
    assert.deepEqual(r.warnings, []); // this kNN graph is connected
    checkLinkage(r.z, 'test');
    const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
    for (let k = 0; k < n - 1; k++) {
      const a = members[r.z[4 * k]!]!, b = members[r.z[4 * k + 1]!]!;
      assert.ok(a.some((i) => b.some((j) => adj.has(i * n + j))), `${method} row ${k} merges unconnected clusters`);
      members.push([...a, ...b]);
    }
    if (method !== 'ward') assert.equal(r.monotonic, true, method);
  }
});

test('linkage(x, {connectivity}) completes a disconnected graph with the closest pair of every two components, with a warning', () => {
  // two blobs far apart, edges only inside each blob
  const a = randomMatrix(40, 2, 1), data = Float32Array.from(a.data);
  for (let i = 40; i < 80; i++) data[i] = data[i]! + 100;
  const x: Matrix = { data, rows: 40, cols: 2 };
  const edges: [number, number][] = [];
  for (let i = 0; i < 9; i++) { edges.push([i, i + 1]); edges.push([10 + i, 11 + i]); edges.push([20 + i, 21 + i]); edges.push([30 + i, 31 + i]); }
  edges.push([0, 10], [20, 30]); // blobs: rows 0–19 and 20–39 (two components each chain-joined)
  for (const method of ['ward', 'single', 'complete', 'average'] as const) {
    const r = linkage(x, { method, connectivity: graph(40, edges) });
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /connectivity graph has 2 connected components; 1 edges joining the closest rows/);
    checkLinkage(r.z, 'test');
    assert.equal(r.z[4 * 38 + 3], 40);
  }
  // same with manhattan and cosine metrics, and from precomputed distances
  for (const metric of ['manhattan', 'cosine'] as const) assert.equal(linkage(x, { method: 'average', metric, connectivity: graph(40, edges) }).warnings.length, 1);
});

test('linkage(x, {connectivity}) with single linkage equals the minimum spanning forest of the graph', () => {
  // path graph 0–1–2–3 with points 0, 10, 11, 30: single linkage over the edges only
  const x: Matrix = { data: Float32Array.from([0, 10, 11, 30]), rows: 4, cols: 1 };
  const r = linkage(x, { method: 'single', connectivity: graph(4, [[0, 1], [1, 2], [2, 3]]) });
  assert.deepEqual(Array.from(r.z), [1, 2, 1, 2, 0, 4, 10, 3, 3, 5, 19, 4]);
  // average over edges: after {1,2} the edges to 0 (10) and to 3 (19) stay single edges
  const avg = linkage(x, { method: 'average', connectivity: graph(4, [[0, 1], [1, 2], [2, 3], [0, 3]]) });
  // {1,2} at 1, then 0–{1,2} at 10, then {0,1,2}–3: edges 0–3 (30) and 2–3 (19), mean 24.5
  assert.deepEqual(Array.from(avg.z), [1, 2, 1, 2, 0, 4, 10, 3, 3, 5, 24.5, 4]);
});

test('linkage(x, {connectivity}) on 20 000 rows needs no n² matrix and finishes quickly', () => {
  const n = 20000, x = randomMatrix(n, 2, 8);
  // graph: each row to its 4 successors in x-order (connected, local)
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x.data[2 * a]! - x.data[2 * b]!);
  const r: number[] = [], c: number[] = [];
  for (let p = 0; p < n; p++) for (let q = p + 1; q < Math.min(n, p + 5); q++) { r.push(order[p]!); c.push(order[q]!); }
  const g = csrFromTriplets(n, n, r, c, r.map(() => 1));
  const t0 = performance.now();
  const res = linkage(x, { method: 'ward', connectivity: g, maxMemoryBytes: 0 });
  assert.ok(performance.now() - t0 < 5000);
  assert.equal(res.z[4 * (n - 2) + 3], n);
});

test('linkage(x, {connectivity}) refuses a wrong-sized graph, centroid/median/weighted, and ward without data', () => {
  const x = randomMatrix(5, 2, 1);
  assert.throws(() => linkage(x, { method: 'ward', connectivity: graph(4, [[0, 1]]) }), isCode('DIM_MISMATCH', /option 'connectivity' must be an n × n graph with n = 5 rows\. Got 4 × 4/));
  for (const method of ['centroid', 'median', 'weighted'] as const) {
    assert.throws(() => linkage(x, { method, connectivity: graph(5, [[0, 1]]) }), isCode('BAD_OPTION', /option 'method' must be one of 'ward', 'single', 'complete', 'average' with option 'connectivity'/));
  }
  assert.throws(() => linkage(null, { method: 'ward', precomputed: new Float64Array(10), connectivity: graph(5, [[0, 1]]) }), isCode('BAD_OPTION', /'precomputed'/));
  assert.throws(() => linkage(x, { method: 'ward', connectivity: { rows: 5, cols: 5 } as never }), isCode('BAD_OPTION', /'connectivity'/));
  const bad: CsrMatrix = { rows: 5, cols: 5, indptr: Int32Array.of(0, 1, 1, 1, 1, 1), indices: Int32Array.of(7), values: Float32Array.of(1) };
  assert.throws(() => linkage(x, { method: 'ward', connectivity: bad }), isCode('BAD_DATA', /column indices must be in \[0, 4\]\. Got 7/));
  // precomputed distances work for the edge-based methods
  const y = new Float64Array(10).map((_, i) => i + 1);
  const r = linkage(null, { method: 'average', precomputed: y, connectivity: graph(5, [[0, 1], [1, 2], [2, 3], [3, 4]]) });
  assert.equal(r.z[4 * 3 + 3], 5);
});
