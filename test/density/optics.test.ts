import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as optics from '../../src/density/optics.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import { rowRange, type Matrix } from '../../src/core/matrix.js';
import { csvMatrix, fixture, fromRows } from '../helpers/data.js';
import { throwsCode } from '../helpers/errors.js';

type Num = number | null;
interface SkRun {
  call?: string; ordering: number[]; reachability: Num[]; core_distances: Num[]; predecessor: number[];
  labels?: number[]; cluster_hierarchy?: number[][];
  labels_xi?: number[]; cluster_hierarchy_xi?: number[][]; 'labels_dbscan_eps_0.4'?: number[];
}
const FIX = fixture<{
  how: string; sklearn: SkRun; r_optics: { coredist: number[]; 'extractDBSCAN_0.4_cluster': number[] };
  float32_input_reference: SkRun & { how: string; variants: SkRun[] };
}>('optics.json');
const X = rowRange(csvMatrix('data/noisy2d.features.csv'), 0, 2000);

/** Fixture distances (null = ∞) in the result's convention (−1 = ∞). */
const conv = (a: Num[]): number[] => a.map((v) => (v === null ? -1 : v));
function assertClose(got: Float64Array, want: number[], tol: number, what: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    const ok = want[i] === -1 ? got[i] === -1 : Math.abs(got[i]! - want[i]!) <= tol * Math.max(1, want[i]!);
    assert.ok(ok, `${what}[${i}]: got ${got[i]}, want ${want[i]}`);
  }
}
const hier = (r: optics.OpticsResult): number[][] =>
  Array.from({ length: r.clusterHierarchy.length / 2 }, (_, c) => [r.clusterHierarchy[2 * c]!, r.clusterHierarchy[2 * c + 1]!]);

describe('optics.fit on noisy2d rows 0..1999 vs scikit-learn 1.2.1 (test/fixtures/optics.json)', () => {
  const r = optics.fit(X, { minSamples: 10, xi: 0.05, minClusterSize: 0.02 });

  it('optics.fit(x, {minSamples: 10, xi: 0.05, minClusterSize: 0.02}) reproduces the ordering, predecessors, ξ labels and hierarchy', () => {
    const sk = FIX.sklearn;
    assert.deepEqual(Array.from(r.ordering), sk.ordering);
    assert.deepEqual(Array.from(r.predecessor), sk.predecessor);
    assert.deepEqual(Array.from(r.labels), sk.labels_xi);
    assert.deepEqual(hier(r), sk.cluster_hierarchy_xi);
    assert.equal(r.options.minClusterSize, 40);
    assert.equal(r.nClusters, new Set(sk.labels_xi).size - 1);
    // float32 inputs: within float32 rounding of sklearn's float64 values
    assertClose(r.reachability, conv(sk.reachability), 2e-6, 'reachability');
    assertClose(r.coreDistances, conv(sk.core_distances), 2e-6, 'coreDistances');
  });

  it('optics.fit reachability and core distances equal sklearn on the same float32-rounded rows to 1e-12', () => {
    const f = FIX.float32_input_reference;
    assert.deepEqual(Array.from(r.ordering), f.ordering);
    assertClose(r.reachability, conv(f.reachability), 1e-12, 'reachability');
    assertClose(r.coreDistances, conv(f.core_distances), 1e-12, 'coreDistances');
    assert.equal(r.reachability[0], optics.UNDEFINED_DISTANCE);
    assert.equal(r.reachability.filter((v) => v === -1).length, 1);
  });

  it('optics.clusterOpticsDbscan(result, 0.4) equals sklearn cluster_optics_dbscan', () => {
    assert.deepEqual(Array.from(optics.clusterOpticsDbscan(r, 0.4)), FIX.sklearn['labels_dbscan_eps_0.4']);
    const viaFit = optics.fit(X, { minSamples: 10, clusterMethod: 'dbscan', eps: 0.4 });
    assert.deepEqual(Array.from(viaFit.labels), FIX.sklearn['labels_dbscan_eps_0.4']);
    assert.equal(viaFit.clusterHierarchy.length, 0);
  });

  it('optics.fit core distances equal R dbscan::optics coredist (float32 rounding aside)', () => {
    assertClose(r.coreDistances, FIX.r_optics.coredist, 2e-6, 'R coredist');
  });

  it('an optics result survives JSON (no Infinity) and re-extracts the same ξ labels', () => {
    const back = fromJSON<optics.OpticsResult>(toJSON(r));
    assert.deepEqual(back, r);
    const again = optics.clusterOpticsXi(back, { minSamples: 10, minClusterSize: 40, xi: 0.05 });
    assert.deepEqual(again.labels, r.labels);
    const plot = optics.reachabilityPlot(back);
    assert.equal(plot[0], Infinity);
    assert.equal(plot[1], r.reachability[r.ordering[1]!]);
  });
});

describe('optics.fit: other parameter sets vs scikit-learn 1.2.1 on float32-rounded rows', () => {
  const options: optics.OpticsOptions[] = [
    { minSamples: 10, maxEps: 0.5, xi: 0.05, minClusterSize: 0.02 },
    { minSamples: 8, metric: 'manhattan', xi: 0.1 },
    { minSamples: 15, maxEps: 0.6, clusterMethod: 'dbscan', eps: 0.3 },
  ];
  FIX.float32_input_reference.variants.forEach((v, t) => {
    it(`optics.fit(x, ${JSON.stringify(options[t])}) equals ${v.call}`, () => {
      const r = optics.fit(X, options[t]);
      assert.deepEqual(Array.from(r.ordering), v.ordering);
      assert.deepEqual(Array.from(r.predecessor), v.predecessor);
      assertClose(r.reachability, conv(v.reachability), 1e-12, 'reachability');
      assertClose(r.coreDistances, conv(v.core_distances), 1e-12, 'coreDistances');
      assert.deepEqual(Array.from(r.labels), v.labels);
      if (v.cluster_hierarchy) assert.deepEqual(hier(r), v.cluster_hierarchy);
    });
  });
});

describe('optics.fit: small known answers and cross-checks', () => {
  it('optics.fit(scikit-learn docstring data, {minSamples: 2}) gives its labels, ordering and reachability', () => {
    const r = optics.fit([[1, 2], [2, 5], [3, 6], [8, 7], [8, 8], [7, 3]], { minSamples: 2 });
    assert.deepEqual(Array.from(r.labels), [0, 0, 0, 1, 1, 1]);
    assert.deepEqual(Array.from(r.ordering), [0, 1, 2, 5, 3, 4]);
    assertClose(r.reachability, [-1, 3.16227766016838, 1.414213562373095, 4.12310562561766, 1.0, 5.0], 1e-15, 'reachability');
    assertClose(r.coreDistances, [3.16227766016838, 1.414213562373095, 1.414213562373095, 1.0, 1.0, 4.12310562561766], 1e-15, 'core');
    assert.deepEqual(Array.from(r.predecessor), [-1, 0, 1, 5, 3, 2]);
    assert.deepEqual(hier(r), [[0, 2], [3, 5], [0, 5]]);
  });

  it('optics.fit(x, {maxEps}) with a radius covering all rows equals the unlimited run (heap path = dense path)', () => {
    const y = rowRange(X, 0, 700);
    for (const metric of ['euclidean', 'cosine'] as const) {
      const a = optics.fit(y, { minSamples: 6, metric });
      const b = optics.fit(y, { minSamples: 6, metric, maxEps: 100 });
      assert.deepEqual(b.ordering, a.ordering);
      assert.deepEqual(b.reachability, a.reachability);
      assert.deepEqual(b.labels, a.labels);
    }
  });

  it('optics.fit(D, {metric: "precomputed"}) equals the Manhattan run on integer grid data (exact distances)', () => {
    const pts: number[][] = [];
    for (let i = 0; i < 150; i++) pts.push([(i * 7) % 13, (i * 11) % 17 + (i % 3 === 0 ? 20 : 0)]);
    const n = pts.length, D = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * n + j] = Math.abs(pts[i]![0]! - pts[j]![0]!) + Math.abs(pts[i]![1]! - pts[j]![1]!);
    const Dm: Matrix = { data: D, rows: n, cols: n };
    const a = optics.fit(pts, { minSamples: 4, metric: 'manhattan' });
    for (const maxEps of [null, 6]) {
      const b = optics.fit(Dm, { minSamples: 4, metric: 'precomputed', maxEps });
      const c = optics.fit(pts, { minSamples: 4, metric: 'manhattan', maxEps });
      assert.deepEqual(b.ordering, c.ordering);
      assert.deepEqual(b.reachability, c.reachability);
      assert.deepEqual(b.predecessor, c.predecessor);
    }
    assert.ok(a.reachability.some((v) => v === 4)); // ties: many equal integer reachabilities
  });

  it('optics.fit(x, {maxEps: 0.05}) leaves far rows unreachable (−1) and warns when nothing is reachable', () => {
    const r = optics.fit(fromRows([[0, 0], [0.01, 0], [5, 5], [5.01, 5], [9, 9]]), { minSamples: 2, maxEps: 0.05, clusterMethod: 'dbscan', eps: 0.05 });
    assert.deepEqual(Array.from(r.ordering), [0, 1, 2, 3, 4]);
    assert.deepEqual(Array.from(r.reachability, (v) => (v < 0 ? -1 : Math.round(v * 1e6) / 1e6)), [-1, 0.01, -1, 0.01, -1]);
    assert.deepEqual(Array.from(r.coreDistances, (v) => (v < 0 ? -1 : Math.round(v * 1e6) / 1e6)), [0.01, 0.01, 0.01, 0.01, -1]);
    assert.deepEqual(Array.from(r.labels), [0, 0, 1, 1, -1]);
    const none = optics.fit(fromRows([[0, 0], [1, 1], [2, 2]]), { minSamples: 2, maxEps: 0.1 });
    assert.match(none.warnings[0]!, /all reachability values are infinite/);
    assert.deepEqual(Array.from(none.labels), [-1, -1, -1]);
  });

  it('optics.fit(x, {signal}) stops with ABORTED; onProgress reaches n', () => {
    const ac = new AbortController();
    ac.abort();
    throwsCode(() => optics.fit(X, { signal: ac.signal }), 'ABORTED');
    let last = { done: 0, total: 1 };
    optics.fit(rowRange(X, 0, 300), { onProgress: (p) => { last = p; } });
    assert.deepEqual([last.done, last.total], [300, 300]);
  });
});

describe('optics: options and errors', () => {
  const x = fromRows([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]);
  it('optics.fit refuses bad option values naming the parameter', () => {
    throwsCode(() => optics.fit(x, { minSamples: 1 }), 'BAD_OPTION', "option 'minSamples'", 'integer ≥ 2 or a fraction in (0, 1)', 'Got 1');
    throwsCode(() => optics.fit(x, { minSamples: 2.5 }), 'BAD_OPTION', "option 'minSamples'", 'Got 2.5');
    throwsCode(() => optics.fit(x, { minSamples: -3 }), 'BAD_OPTION', "option 'minSamples'", '(0, inf]');
    throwsCode(() => optics.fit(x, { minSamples: 7 }), 'BAD_OPTION', "option 'minSamples'", '(6)', 'Got 7');
    throwsCode(() => optics.fit(x, { xi: 1.5 }), 'BAD_OPTION', "option 'xi'", '[0, 1]');
    throwsCode(() => optics.fit(x, { maxEps: -1 }), 'BAD_OPTION', "option 'maxEps'");
    throwsCode(() => optics.fit(x, { minClusterSize: 1 }), 'BAD_OPTION', "option 'minClusterSize'");
    throwsCode(() => optics.fit(x, { clusterMethod: 'dbscan' }), 'BAD_OPTION', "option 'eps'", 'finite');
    throwsCode(() => optics.fit(x, { clusterMethod: 'dbscan', eps: 2, maxEps: 1 }), 'BAD_OPTION', "option 'eps'", 'maxEps = 1', 'Got 2');
    throwsCode(() => optics.fit(x, { clusterMethod: 'kmeans' as never }), 'BAD_OPTION', "option 'clusterMethod'");
    throwsCode(() => optics.fit(x, { min_samples: 3 } as never), 'UNKNOWN_OPTION', "'min_samples'");
    throwsCode(() => optics.fit(x, { metric: 'precomputed' }), 'BAD_DATA', 'square');
  });
  it('optics.clusterOpticsXi and clusterOpticsDbscan check their arguments', () => {
    const r = optics.fit(x, { minSamples: 2 });
    throwsCode(() => optics.clusterOpticsXi(r, { minSamples: 1 }), 'BAD_OPTION', "option 'minSamples'");
    throwsCode(() => optics.clusterOpticsXi(r, { minSamples: 2, xi: -0.1 }), 'BAD_OPTION', "option 'xi'");
    throwsCode(() => optics.clusterOpticsDbscan(r, -1), 'BAD_OPTION', "option 'eps'");
    assert.equal(optics.fit(x, { minSamples: 0.5 }).options.minSamples, 3); // max(2, ⌊0.5 · 6⌋)
  });
  it('round15 rounds like numpy.around(v, 15): half to even at the 15th decimal', () => {
    assert.equal(optics.round15(0.1 + 0.2), 0.3);
    assert.equal(optics.round15(1.0000000000000007), 1.000000000000001);
    assert.equal(optics.round15(Infinity), Infinity);
    assert.equal(optics.round15(5e6), 5e6);
  });
});
