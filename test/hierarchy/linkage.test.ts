// linkage vs SciPy 1.10.1 (test/fixtures/linkage.json, copied from shared/reference with its "how";
// plus `float32_input_reference`, SciPy on the float32-rounded iris, made by
// test/fixtures/make_linkage_float32.py).
//
// Tolerances:
// - From float64 condensed distances (computed here with plain loops, as scipy's pdist), linkage
//   reproduces SciPy's algorithms and tie rules bit for bit: whole matrices equal, heights to 1e-12.
// - From float32 data (clusterkit's Matrix), the inputs themselves differ: iris's one-decimal values
//   are rounded to float32, which moves distances by up to ~3e-6 relative (a difference of 0.1
//   between values near 5 carries the float32 rounding of both, ~5e-7 absolute). Single and ward
//   trees still match the float64 fixture's heights to 5e-6; for the other methods the rounding
//   breaks iris's many ties differently, so they are compared with SciPy run on the same
//   float32-rounded values: heights to 1e-6 relative with the default float32 work matrix
//   (measured ≤ 1.3e-7: one float32 rounding per stored distance), 1e-12 with precision 'float64'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { linkage, fcluster, cophenetic, cophenetCorrelation, LINKAGE_METHODS, type LinkageMethod } from '../../src/hierarchy/index.js';
import { ClusterkitError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';
import { ROOT, fixture, bundled } from '../helpers/data.js';

interface MethodRef { linkage_matrix: number[][]; fcluster_maxclust_3: number[]; cophenetic_correlation: number; tied_heights: number; monotonic: boolean; cophenetic_distances_condensed?: number[] }
type SetRef = Record<LinkageMethod, MethodRef> & { n: number; points?: number[][] };
const REF = fixture<{ iris: SetRef; tiny12: SetRef; float32_input_reference: { iris: Record<LinkageMethod, MethodRef> } }>('linkage.json');

const iris64: number[][] = readFileSync(join(ROOT, 'data', 'iris.features.csv'), 'utf8').trim().split('\n').map((l) => l.split(',').map(Number));
const tiny12: number[][] = REF.tiny12.points!;
const SETS = { iris: iris64, tiny12 } as const;

/** scipy.spatial.distance.pdist(X) in float64: √Σ(xᵢ − xⱼ)², summed in column order. */
function pdist64(rows: number[][]): Float64Array {
  const n = rows.length, out = new Float64Array((n * (n - 1)) / 2);
  let o = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    let s = 0;
    for (let t = 0; t < rows[i]!.length; t++) { const v = rows[i]![t]! - rows[j]![t]!; s += v * v; }
    out[o++] = Math.sqrt(s);
  }
  return out;
}
const heights = (z: ArrayLike<number>): number[] => Array.from({ length: z.length / 4 }, (_, i) => z[4 * i + 2]!);
const sorted = (h: number[]): number[] => [...h].sort((a, b) => a - b);
function maxRel(a: number[], b: number[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = b[i] === 0 ? Math.abs(a[i]!) : Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!);
    if (!(e <= m)) m = e;
  }
  return m;
}
/** Partition equality up to renaming. */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const ab = new Map<number, number>(), ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]!) ?? b[i]) !== b[i] || (ba.get(b[i]!) ?? a[i]) !== a[i]) return false;
    ab.set(a[i]!, b[i]!); ba.set(b[i]!, a[i]!);
  }
  return true;
}
const isCode = (code: string, re?: RegExp) => (e: unknown): boolean =>
  e instanceof ClusterkitError && e.code === code && (!re || re.test(e.message));

for (const set of ['iris', 'tiny12'] as const) {
  const y = pdist64(SETS[set]);
  for (const m of LINKAGE_METHODS) {
    const ref = REF[set][m];
    test(`linkage(null, {method: '${m}', precomputed}) on ${set} equals SciPy's whole linkage matrix, ties included (${ref.tied_heights} tied heights)`, () => {
      const r = linkage(null, { method: m, precomputed: y });
      assert.equal(r.kind, 'linkage');
      assert.equal(r.n, SETS[set].length);
      assert.equal(r.z.length, 4 * (r.n - 1));
      assert.equal(r.monotonic, ref.monotonic);
      assert.equal(r.options.precision, m === 'single' ? 'none' : 'float64');
      const flat = ref.linkage_matrix.flat();
      for (let i = 0; i < flat.length; i++) {
        if (i % 4 === 2) assert.ok(Math.abs(r.z[i]! - flat[i]!) <= 1e-12 * flat[i]!, `row ${i >> 2} height ${r.z[i]} vs ${flat[i]}`);
        else assert.equal(r.z[i], flat[i], `row ${i >> 2} column ${i % 4}`);
      }
    });

    test(`fcluster(linkage(${set}, '${m}'), {k: 3}) equals SciPy's maxclust labels − 1, and cophenetCorrelation matches`, () => {
      const r = linkage(null, { method: m, precomputed: y });
      assert.deepEqual(Array.from(fcluster(r, { k: 3 })), ref.fcluster_maxclust_3.map((v) => v - 1));
      assert.ok(Math.abs(cophenetCorrelation(r, y) - ref.cophenetic_correlation) <= 1e-12);
      if (ref.cophenetic_distances_condensed) {
        const c = cophenetic(r);
        assert.equal(c.length, ref.cophenetic_distances_condensed.length);
        c.forEach((v, t) => assert.ok(Math.abs(v - ref.cophenetic_distances_condensed![t]!) <= 1e-12, `pair ${t}`));
      }
    });
  }
}

const irisX = bundled('iris').x; // float32, as users load it
const F32 = REF.float32_input_reference.iris;

for (const m of LINKAGE_METHODS) {
  test(`linkage(iris float32, {method: '${m}'}) matches SciPy on the float32-rounded values: heights to 1e-6, cophenetic correlation to 1e-6`, () => {
    const r = linkage(irisX, { method: m });
    assert.equal(r.options.precision, m === 'single' ? 'none' : 'float32');
    const ref = F32[m];
    const refZ = ref.linkage_matrix.flat();
    // centroid/median rows are in merge order (inversions), as SciPy's: compare them sorted
    assert.ok(maxRel(sorted(heights(r.z)), sorted(heights(refZ))) <= 1e-6);
    const y = pdist64(iris64.map((row) => row.map((v) => Math.fround(v))));
    assert.ok(Math.abs(cophenetCorrelation(r, y) - ref.cophenetic_correlation) <= 1e-6);
    assert.ok(samePartition(fcluster(r, { k: 3 }), ref.fcluster_maxclust_3));
  });

  test(`linkage(iris float32, {method: '${m}', precision: 'float64'}) matches the same heights to 1e-12`, () => {
    const r = linkage(irisX, { method: m, precision: 'float64' });
    assert.ok(maxRel(sorted(heights(r.z)), sorted(heights(F32[m].linkage_matrix.flat()))) <= 1e-12);
  });
}

for (const m of ['single', 'ward'] as const) {
  test(`linkage(iris float32, {method: '${m}'}) matches the float64 SciPy fixture's heights to 5e-6 (float32 input rounding) and its maxclust-3 partition`, () => {
    const r = linkage(irisX, { method: m });
    assert.ok(maxRel(sorted(heights(r.z)), sorted(heights(REF.iris[m].linkage_matrix.flat()))) <= 5e-6);
    assert.ok(samePartition(fcluster(r, { k: 3 }), REF.iris[m].fcluster_maxclust_3));
    assert.ok(Math.abs(cophenetCorrelation(r, pdist64(iris64)) - REF.iris[m].cophenetic_correlation) <= 1e-6);
  });
}

const tinyX: Matrix = { data: Float32Array.from(tiny12.flat()), rows: 12, cols: 2 };
for (const m of LINKAGE_METHODS) {
  test(`linkage(tiny12 data, {method: '${m}', precision: 'float64'}) equals SciPy's whole matrix (integer points are exact in float32)`, () => {
    const r = linkage(tinyX, { method: m, precision: 'float64' });
    assert.deepEqual(Array.from(r.z), REF.tiny12[m].linkage_matrix.flat());
    const f = linkage(tinyX, { method: m });
    assert.ok(maxRel(sorted(heights(f.z)), sorted(heights(REF.tiny12[m].linkage_matrix.flat()))) <= 1e-6);
  });
}

// ---- properties ----
function randomMatrix(n: number, d: number, seed: number): Matrix {
  const rng = createRng(seed), data = new Float32Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { data, rows: n, cols: d };
}

test('linkage(x) has monotone heights for single, complete, average, weighted and ward, and sizes that add up', () => {
  const X = randomMatrix(80, 5, 3);
  for (const m of LINKAGE_METHODS) {
    const r = linkage(X, { method: m });
    const n = 80, size = new Array<number>(2 * n - 1).fill(1), used = new Set<number>();
    for (let i = 0; i < n - 1; i++) {
      const a = r.z[4 * i]!, b = r.z[4 * i + 1]!;
      assert.ok(a < b && b < n + i && !used.has(a) && !used.has(b), `${m} row ${i}`);
      used.add(a); used.add(b);
      size[n + i] = size[a]! + size[b]!;
      assert.equal(r.z[4 * i + 3], size[n + i]);
      if (m !== 'centroid' && m !== 'median' && i > 0) assert.ok(r.z[4 * i + 2]! >= r.z[4 * i - 2]!, `${m} row ${i} height`);
    }
    assert.equal(r.z[4 * (n - 2) + 3], n);
    if (m !== 'centroid' && m !== 'median') assert.equal(r.monotonic, true);
  }
});

test('linkage(x) with centroid and median keeps SciPy\'s inversions in merge order', () => {
  const X: Matrix = { data: Float32Array.from([0, 0, 2, 0, 1, 1.8]), rows: 3, cols: 2 };
  for (const m of ['centroid', 'median'] as const) {
    const r = linkage(X, { method: m, precision: 'float64' });
    // SciPy: [[0, 1, 2, 2], [2, 3, 1.8, 3]]
    assert.deepEqual(Array.from(r.z).map((v) => Math.round(v * 1e6) / 1e6), [0, 1, 2, 2, 2, 3, 1.8, 3]);
    assert.equal(r.monotonic, false);
  }
});

test('linkage(x) works with d = 1 and n = 2', () => {
  const x1: Matrix = { data: Float32Array.from([0, 1, 3, 6, 10]), rows: 5, cols: 1 };
  for (const m of LINKAGE_METHODS) {
    const r = linkage(x1, { method: m });
    assert.equal(r.z[4 * 3 + 3], 5);
    if (m === 'single') assert.deepEqual(Array.from(r.z), [0, 1, 1, 2, 2, 5, 2, 3, 3, 6, 3, 4, 4, 7, 4, 5]);
  }
  for (const m of LINKAGE_METHODS) {
    const r = linkage([[1, 2], [4, 6]], { method: m });
    assert.deepEqual(Array.from(r.z), [0, 1, 5, 2]);
  }
  assert.deepEqual(Array.from(linkage(null, { precomputed: Float64Array.of(2.5), method: 'average' }).z), [0, 1, 2.5, 2]);
});

test('linkage(x, {metric}) supports sqeuclidean, manhattan and cosine for single, complete, average and weighted', () => {
  const X = randomMatrix(30, 4, 5);
  for (const metric of ['sqeuclidean', 'manhattan', 'cosine'] as const) {
    for (const m of ['single', 'complete', 'average', 'weighted'] as const) {
      const r = linkage(X, { method: m, metric });
      assert.equal(r.options.metric, metric);
      // same tree as from the condensed distances of that metric, computed here
      const n = 30, y = new Float64Array((n * (n - 1)) / 2);
      let o = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
        let s = 0, ni = 0, nj = 0;
        for (let t = 0; t < 4; t++) {
          const a = X.data[i * 4 + t]!, b = X.data[j * 4 + t]!;
          if (metric === 'manhattan') s += Math.abs(a - b); else if (metric === 'sqeuclidean') s += (a - b) ** 2; else { s += a * b; ni += a * a; nj += b * b; }
        }
        y[o++] = metric === 'cosine' ? 1 - s / Math.sqrt(ni * nj) : s;
      }
      const p = linkage(null, { method: m, precomputed: y });
      assert.ok(maxRel(heights(r.z), heights(p.z)) <= 1e-6, `${metric} ${m}`);
      assert.deepEqual(Array.from(r.z).filter((_, i) => i % 4 !== 2), Array.from(p.z).filter((_, i) => i % 4 !== 2));
    }
  }
});

test('linkage(null, {precomputed}) does not mutate its input and accepts Float32Array distances', () => {
  const y = pdist64(tiny12), copy = y.slice();
  linkage(null, { method: 'ward', precomputed: y });
  assert.deepEqual(y, copy);
  const r = linkage(null, { method: 'average', precomputed: Float32Array.from(y) });
  assert.equal(r.options.precision, 'float32');
  assert.ok(maxRel(sorted(heights(r.z)), sorted(heights(REF.tiny12.average.linkage_matrix.flat()))) <= 1e-6);
});

test('linkage(x, {method: single}) needs no n² memory: maxMemoryBytes does not apply', () => {
  const X = randomMatrix(3000, 3, 9);
  const r = linkage(X, { method: 'single', maxMemoryBytes: 0 });
  assert.equal(r.z.length, 4 * 2999);
  assert.throws(() => linkage(X, { method: 'average', maxMemoryBytes: 1e6 }),
    isCode('BAD_OPTION', /option 'maxMemoryBytes' must be at least the 17\.2 MiB of the float32 condensed matrix for n = 3000.*Got 1000000/));
});

test('linkage(x) reports progress and stops on an aborted signal', () => {
  const X = randomMatrix(200, 3, 1);
  const stages = new Set<string>();
  linkage(X, { method: 'average', onProgress: (p) => stages.add(p.stage) });
  assert.ok(stages.has('linkage: distances') && stages.has('linkage: merging'));
  const ac = new AbortController();
  ac.abort();
  assert.throws(() => linkage(X, { method: 'ward', signal: ac.signal }), isCode('ABORTED'));
  assert.throws(() => linkage(X, { method: 'single', signal: ac.signal }), isCode('ABORTED'));
});

// ---- errors ----
test('linkage refuses fewer than 2 rows, NaN, a bad method or metric, and bad condensed input, naming the problem', () => {
  assert.throws(() => linkage([[1, 2]]), isCode('BAD_DATA', /at least 2 rows.*Got 1/));
  assert.throws(() => linkage([]), isCode('EMPTY_DATA'));
  assert.throws(() => linkage([[1, 2], [3, NaN]]), isCode('BAD_DATA', /row 1, column 1/));
  assert.throws(() => linkage([[1], [2]], { method: 'wards' as LinkageMethod }), isCode('BAD_OPTION', /option 'method' must be one of 'single'.*Got "wards"/));
  assert.throws(() => linkage([[1], [2]], { method: 'ward', metric: 'manhattan' }), isCode('BAD_OPTION', /option 'metric' must be 'euclidean' with method 'ward'/));
  assert.throws(() => linkage([[1], [2]], { colour: 1 } as object), isCode('UNKNOWN_OPTION', /'colour'/));
  assert.throws(() => linkage(null, { precomputed: new Float64Array(4) }), isCode('BAD_DATA', /option 'precomputed' must have length n\(n−1\)\/2.*the nearest are 3 and 6\)\. Got length 4/));
  assert.throws(() => linkage(null, { precomputed: new Float64Array(0) }), isCode('BAD_DATA', /the nearest are 1 and 3\)\. Got length 0/));
  assert.throws(() => linkage(null, { precomputed: Float64Array.of(1, -2, 3) }), isCode('BAD_DATA', /finite non-negative.*Got -2 for pair \(0, 2\)/));
  assert.throws(() => linkage(null, { precomputed: Float64Array.of(1, 2, NaN) }), isCode('BAD_DATA', /Got NaN for pair \(1, 2\)/));
  assert.throws(() => linkage(null, { precomputed: [1, 2, 3] as unknown as Float64Array }), isCode('BAD_OPTION', /'precomputed'/));
  assert.throws(() => linkage([[1], [2], [3]], { precomputed: Float64Array.of(1, 2, 3) }), isCode('BAD_OPTION', /data 'x' must be null/));
  assert.throws(() => linkage(null, { precomputed: Float64Array.of(1, 2, 3), metric: 'cosine' }), isCode('BAD_OPTION', /option 'metric' must be left out/));
  assert.throws(() => linkage(null), isCode('BAD_DATA', /data 'x' must be a matrix/));
});
