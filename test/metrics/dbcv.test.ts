// DBCV (dbcv) against hdbscan 0.8.43's validity.validity_index (fixtures/hdbscan_dbcv.json), a
// hand-checked case, a plain n × n re-implementation of the definition (oracle), properties and
// bad input.
//
// The library works on float64 data and clusterkit on float32 Matrices, so the iris / noisy2d runs
// are compared to 1e-9 with the library's values on the float32-rounded rows
// (`float32_input_reference`, same labels), and with the stored float64 values within the shift
// that rounding the CSV to float32 causes (measured ≤ 2.1e-7 on the score, ≤ 1.2e-6 per cluster).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbcv, type DbcvMetric } from '../../src/metrics/dbcv.js';
import * as hdbscan from '../../src/density/hdbscan.js';
import { takeRows, type Matrix } from '../../src/core/matrix.js';
import { createRng } from '../../src/core/rng.js';
import { bundled, csvMatrix, fixture, fromRows } from '../helpers/data.js';
import { throwsCode } from '../helpers/errors.js';

interface RunRef { labels: number[]; n_clusters: number; dbcv_validity_index: number | null; dbcv_per_cluster: (number | null)[] }
interface EdgeCase { name: string; metric: string; X: number[][]; labels: number[]; clusters: number[]; dbcv_validity_index: number | null; dbcv_per_cluster: (number | null)[] }
interface Ref {
  iris: { runs: Record<string, RunRef> };
  noisy2d_first2000: { runs: Record<string, RunRef> };
  float32_input_reference: Record<string, Record<string, { dbcv_validity_index: number | null; dbcv_per_cluster: (number | null)[] }>>;
  edge_cases: { cases: EdgeCase[] };
}
const REF = fixture<Ref>('hdbscan_dbcv.json');
const DATA: Record<string, Matrix> = {
  iris: bundled('iris').x,
  noisy2d_first2000: takeRows(csvMatrix('data/noisy2d.features.csv'), Array.from({ length: 2000 }, (_, i) => i)),
};
const DATASETS = ['iris', 'noisy2d_first2000'] as const;

/** |a − b| ≤ rel·|b| + abs, with null (the library's NaN) matching NaN only. */
function close(a: number, b: number | null, rel: number, abs: number, what: string): void {
  if (b === null) { assert.ok(Number.isNaN(a), `${what}: ${a} vs NaN`); return; }
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b) + abs, `${what}: ${a} vs ${b} (diff ${Math.abs(a - b)})`);
}

for (const ds of DATASETS) {
  for (const [name, run] of Object.entries(REF[ds].runs)) {
    test(`dbcv(X, labels) on ${ds} ${name} matches validity_index on the float32 rows to 1e-9`, () => {
      const r = dbcv(DATA[ds]!, Int32Array.from(run.labels));
      const f = REF.float32_input_reference[ds]![name]!;
      close(r.score, f.dbcv_validity_index, 1e-9, 1e-12, 'score');
      assert.equal(r.perCluster.length, f.dbcv_per_cluster.length);
      assert.deepEqual(Array.from(r.clusters), Array.from({ length: run.n_clusters }, (_, i) => i));
      r.perCluster.forEach((v, c) => close(v, f.dbcv_per_cluster[c]!, 1e-9, 1e-12, `cluster ${c}`));
    });
    test(`dbcv(X, labels) on ${ds} ${name} matches the float64 validity_index within the float32 rounding shift`, () => {
      const r = dbcv(DATA[ds]!, Int32Array.from(run.labels));
      close(r.score, run.dbcv_validity_index, 1e-6, 0, 'score');
      r.perCluster.forEach((v, c) => close(v, run.dbcv_per_cluster[c]!, 0, 5e-6, `cluster ${c}`));
    });
  }
}

for (const c of REF.edge_cases.cases) {
  test(`dbcv(X, labels) on the ${c.name} case matches validity_index to 1e-12`, () => {
    const metric: DbcvMetric = c.metric === 'cityblock' ? 'manhattan' : c.metric as DbcvMetric;
    const r = dbcv(c.X, Int32Array.from(c.labels), { metric });
    close(r.score, c.dbcv_validity_index, 1e-12, 1e-15, 'score');
    assert.deepEqual(Array.from(r.clusters), c.clusters);
    assert.equal(r.perCluster.length, c.dbcv_per_cluster.length);
    r.perCluster.forEach((v, i) => close(v, c.dbcv_per_cluster[i]!, 1e-12, 1e-15, `cluster ${c.clusters[i]}`));
  });
}

test('dbcv(X, labels) gives 13/15 on two 1-D clusters {0,1,2} and {10,11,12}', () => {
  // d = 1: core(0) = core(2) = ((1 + 1/2) / 2)^−1 = 4/3, core(1) = 1; both MST edges weigh 4/3 and
  // only the middle point is internal, so DSC = 4/3 (all edges); DSPC = max(|1 − 11|, 1, 1) = 10.
  const r = dbcv([[0], [1], [2], [10], [11], [12]], Int32Array.from([0, 0, 0, 1, 1, 1]));
  assert.ok(Math.abs(r.score - 13 / 15) <= 1e-15);
  assert.deepEqual(Array.from(r.sizes), [3, 3]);
  for (let c = 0; c < 2; c++) {
    assert.ok(Math.abs(r.sparseness[c]! - 4 / 3) <= 1e-15);
    assert.equal(r.separation[c], 10);
    assert.ok(Math.abs(r.perCluster[c]! - 13 / 15) <= 1e-15);
  }
});

test('dbcv(X, labels) returns NaN for exactly one cluster, as the library (iris mcs30_single)', () => {
  const run = REF.iris.runs.mcs30_single!;
  assert.equal(run.dbcv_validity_index, null);
  const r = dbcv(DATA.iris!, Int32Array.from(run.labels));
  assert.ok(Number.isNaN(r.score));
  assert.equal(r.perCluster.length, 1);
  assert.ok(Number.isNaN(r.perCluster[0]!));
  assert.equal(r.separation[0], Infinity);
  assert.ok(r.sparseness[0]! > 0);
});

test('dbcv(X, labels) returns 0 and empty arrays when every label is noise', () => {
  const r = dbcv([[0, 0], [1, 0], [0, 1]], Int32Array.from([-1, -1, -3]));
  assert.equal(r.score, 0);
  assert.equal(r.clusters.length, 0);
  assert.equal(r.perCluster.length, 0);
});

// ---- An independent n × n implementation of the library's definition (oracle) ----

function pairDist(x: Matrix, i: number, j: number, metric: DbcvMetric): number {
  const d = x.cols;
  let s = 0, ab = 0, aa = 0, bb = 0;
  for (let t = 0; t < d; t++) {
    const a = x.data[i * d + t]!, b = x.data[j * d + t]!;
    if (metric === 'euclidean') s += (a - b) ** 2;
    else if (metric === 'manhattan') s += Math.abs(a - b);
    else { ab += a * b; aa += a * a; bb += b * b; }
  }
  if (metric === 'euclidean') return Math.sqrt(s);
  if (metric === 'manhattan') return s;
  return aa > 0 && bb > 0 ? Math.min(2, Math.max(0, 1 - ab / Math.sqrt(aa * bb))) : 1;
}

function oracle(x: Matrix, labels: number[], metric: DbcvMetric, D: number, raw: boolean): { score: number; per: number[] } {
  const ids = [...new Set(labels.filter((l) => l >= 0))].sort((a, b) => a - b);
  const info = ids.map((id) => {
    const mem = labels.flatMap((l, i) => (l === id ? [i] : []));
    const m = mem.length;
    const dm = mem.map((a) => mem.map((b) => pairDist(x, a, b, metric)));
    let core = new Array<number>(m).fill(0);
    if (!raw) {
      core = dm.map((r, i) => r.reduce((s, v, j) => s + (j !== i && v !== 0 ? (1 / v) ** D : 0), 0) / (m - 1));
      core = core.reduce((s, v) => s + v, 0) === 0 ? core.map(() => 0) : core.map((v) => v ** (-1 / D));
    }
    const mr = dm.map((r, i) => r.map((v, j) => Math.max(v, core[i]!, core[j]!)));
    // Prim from 0, lowest index on ties; then re-attach each edge (but the first) to the lowest-index earlier node at an isclose weight.
    const order = [0], best = new Array<number>(m).fill(Infinity), edges: [number, number, number][] = [];
    let cur = 0;
    while (order.length < m) {
      let arg = -1;
      for (let j = 0; j < m; j++) {
        if (order.includes(j)) continue;
        if (!(best[j]! < mr[cur]![j]!)) best[j] = mr[cur]![j]!;
        if (arg < 0 || best[j]! < best[arg]!) arg = j;
      }
      edges.push([cur, arg, best[arg]!]);
      order.push(arg); cur = arg;
    }
    edges.forEach((e, k) => {
      if (k === 0) return;
      const before = order.slice(0, k + 1);
      const cand = before.filter((j) => Math.abs(mr[e[1]]![j]! - e[2]) <= 1e-8 + 1e-5 * Math.abs(e[2])).sort((a, b) => a - b);
      e[0] = cand[0]!;
    });
    const deg = new Array<number>(m).fill(0);
    for (const [a, b] of edges) { deg[a]!++; deg[b]!++; }
    let internal = deg.flatMap((v, i) => (v > 1 ? [i] : []));
    if (internal.length === 0) internal = [0];
    const sel = edges.filter(([a, b]) => internal.includes(a) && internal.includes(b));
    const dsc = Math.max(...(sel.length ? sel : edges).map((e) => e[2]));
    return { mem, core, internal, dsc };
  });
  const per = info.map((ci, a) => {
    let sep = Infinity;
    info.forEach((cj, b) => {
      if (a === b) return;
      for (const p of ci.internal) for (const q of cj.internal) {
        sep = Math.min(sep, Math.max(pairDist(x, ci.mem[p]!, cj.mem[q]!, metric), ci.core[p]!, cj.core[q]!));
      }
    });
    return (sep - ci.dsc) / Math.max(sep, ci.dsc);
  });
  let score = 0;
  per.forEach((v, c) => { score += (info[c]!.mem.length / labels.length) * v; });
  return { score, per };
}

/** Gaussian blobs with a few noise rows; coordinates on a 1/8 grid so ties occur. */
function blobs(seed: number, n: number, d: number, k: number): { x: Matrix; labels: number[] } {
  const rng = createRng(seed), data = new Float32Array(n * d), labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % (k + 1) === k ? -1 : i % (k + 1);
    labels.push(c);
    for (let t = 0; t < d; t++) {
      const centre = c < 0 ? 0 : 6 * ((c * (t + 1)) % 3);
      const g = c < 0 ? 16 * (rng.next() - 0.5) : 2 * (rng.next() + rng.next() + rng.next() - 1.5);
      data[i * d + t] = Math.round((centre + g) * 8) / 8;
    }
  }
  return { x: { data, rows: n, cols: d }, labels };
}

for (const metric of ['euclidean', 'manhattan', 'cosine'] as const) {
  for (const raw of [false, true]) {
    test(`dbcv(X, labels, {metric: '${metric}', mstRawDist: ${raw}}) equals the n × n definition on 3-D blobs`, () => {
      const { x, labels } = blobs(metric.length + (raw ? 10 : 0), 170, 3, 3);
      const r = dbcv(x, Int32Array.from(labels), { metric, mstRawDist: raw });
      const o = oracle(x, labels, metric, 3, raw);
      close(r.score, o.score, 1e-9, 1e-12, 'score');
      r.perCluster.forEach((v, c) => close(v, o.per[c]!, 1e-9, 1e-12, `cluster ${c}`));
    });
  }
}

test('dbcv(X, labels, {d: 1.5}) uses d as the core-distance exponent', () => {
  const { x, labels } = blobs(3, 120, 2, 2);
  const r = dbcv(x, Int32Array.from(labels), { d: 1.5 });
  const o = oracle(x, labels, 'euclidean', 1.5, false);
  close(r.score, o.score, 1e-9, 1e-12, 'score');
  assert.notEqual(r.score, dbcv(x, Int32Array.from(labels)).score);
});

test('dbcv(X, labels) is the same for number[][] and Matrix input, any label values, and leaves inputs unchanged', () => {
  const { x, labels } = blobs(7, 90, 2, 3);
  const copy = Float32Array.from(x.data), lab = Int32Array.from(labels);
  const a = dbcv(x, lab);
  assert.deepEqual(x.data, copy);
  assert.deepEqual(lab, Int32Array.from(labels));
  const rows = Array.from({ length: x.rows }, (_, i) => Array.from(x.data.subarray(i * 2, i * 2 + 2)));
  assert.deepEqual(dbcv(rows, labels), a);
  // order-preserving renaming (0, 1, 2 → 5, 40, 1000; noise −1 → −7) changes only the ids
  const renamed = labels.map((l) => (l < 0 ? -7 : [5, 40, 1000][l]!));
  const b = dbcv(x, renamed);
  assert.deepEqual(Array.from(b.clusters), [5, 40, 1000]);
  assert.deepEqual(b.perCluster, a.perCluster);
  assert.equal(b.score, a.score);
});

test('dbcv(X, labels) stays in [−1, 1] and rates well-separated blobs above a random labelling', () => {
  const { x, labels } = blobs(11, 200, 2, 3);
  const good = dbcv(x, labels).score;
  const rng = createRng(1);
  const bad = dbcv(x, labels.map(() => rng.int(3))).score;
  assert.ok(good > 0.3 && good <= 1, `good ${good}`);
  assert.ok(bad >= -1 && bad < good, `bad ${bad}`);
});

test('hdbscan.validityIndex(fit(X), X) is dbcv of the fit labels with the fit metric; on iris it matches the library', () => {
  const x = DATA.iris!;
  const model = hdbscan.fit(x, { minClusterSize: 5 });
  assert.deepEqual(Array.from(model.labels), REF.iris.runs.mcs5!.labels); // same labels as the library here
  const v = hdbscan.validityIndex(model, x);
  close(v.score, REF.float32_input_reference.iris!.mcs5!.dbcv_validity_index, 1e-9, 1e-12, 'score');
  const cos = hdbscan.fit(x, { minClusterSize: 5, metric: 'cosine' });
  assert.deepEqual(hdbscan.validityIndex(cos, x), dbcv(x, cos.labels, { metric: 'cosine' }));
});

// ---- bad input ----

test('dbcv(X, labels) refuses labels of the wrong length with DIM_MISMATCH', () => {
  throwsCode(() => dbcv([[0], [1], [2]], Int32Array.from([0, 0])), 'DIM_MISMATCH', 'dbcv: labels must have one entry per row of X (3). Got 2.');
});

test('dbcv(X, labels) refuses non-integer or non-array labels with BAD_DATA', () => {
  throwsCode(() => dbcv([[0], [1], [2]], [0, 0.5, 1]), 'BAD_DATA', 'dbcv: labels[1] must be an integer label', 'Got 0.5.');
  throwsCode(() => dbcv([[0], [1], [2]], null as unknown as number[]), 'BAD_DATA', 'dbcv: labels must be an array of integer labels. Got null.');
  throwsCode(() => dbcv([[0], [1], [2]], ['a', 'b', 'c'] as unknown as number[]), 'BAD_DATA', 'labels[0]', 'Got a.');
});

test('dbcv(X, labels) refuses a cluster of one row with BAD_DATA naming it (the library fails there)', () => {
  throwsCode(() => dbcv([[0], [1], [2], [9]], Int32Array.from([0, 0, 0, 4])), 'BAD_DATA', 'dbcv: cluster 4 must have at least 2 rows', 'Got 1 (row 3).');
});

test('dbcv(X, labels) refuses non-finite or empty data and bad options', () => {
  throwsCode(() => dbcv([[0], [NaN], [2]], Int32Array.from([0, 0, 0])), 'BAD_DATA', 'dbcv: data must be finite. Got NaN at row 1, column 0.');
  throwsCode(() => dbcv([], new Int32Array(0)), 'EMPTY_DATA', 'dbcv: data must have at least 1 row');
  throwsCode(() => dbcv(fromRows([[0], [1]]), Int32Array.from([0, 0]), { metric: 'chebyshev' as DbcvMetric }), 'BAD_OPTION', "option 'metric'");
  throwsCode(() => dbcv(fromRows([[0], [1]]), Int32Array.from([0, 0]), { d: 0 }), 'BAD_OPTION', "option 'd'");
  throwsCode(() => dbcv(fromRows([[0], [1]]), Int32Array.from([0, 0]), { minSamples: 3 } as never), 'UNKNOWN_OPTION', "unknown option 'minSamples'");
});
