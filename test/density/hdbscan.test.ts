// HDBSCAN against the scikit-learn-contrib hdbscan library (fixtures/hdbscan_contrib.json) and R
// dbscan::hdbscan (fixtures/hdbscan_r.json), plus hand-made cases, properties and bad input.
//
// Two kinds of comparison with the library:
// 1. The tree half (`clusterSingleLinkage`) run on the library's OWN single-linkage tree must give
//    its condensed tree, labels, probabilities, GLOSH scores, persistence and exemplars exactly:
//    no float32 rounding and no tie-breaking is involved there.
// 2. The whole `fit` on float32 data. Distances of float32-rounded inputs differ from the
//    library's float64 ones (see HEIGHT_TOL), and the order of equal mutual-reachability
//    distances (many in noisy2d, one-decimal values in iris) is left to each implementation, so
//    parts of the tree may differ. Labels must agree to ARI ≥ 0.99 (or the library's own tie band,
//    tie_band.prims_kdtree / .generic, when that is lower) and scores by correlation within the
//    tie band; the prediction functions are compared exactly (1e-4) on the library's tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as hdbscan from '../../src/density/hdbscan.js';
import { relativeValidity } from '../../src/density/hdbscan/scores.js';
import type { SingleLinkageTree } from '../../src/density/hdbscan/condense.js';
import { type Matrix, takeRows } from '../../src/core/matrix.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import { createRng } from '../../src/core/rng.js';
import { bundled, csvMatrix, fixture, fromRows, ari } from '../helpers/data.js';
import { throwsCode } from '../helpers/errors.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const REF = fixture<any>('hdbscan_contrib.json');
const R = fixture<any>('hdbscan_r.json');
const IRIS = bundled('iris').x;
const NOISY = takeRows(csvMatrix('data/noisy2d.features.csv'), Array.from({ length: 2000 }, (_, i) => i));
const DATA: Record<string, Matrix> = { iris: IRIS, noisy2d_first2000: NOISY };
const DATASETS = ['iris', 'noisy2d_first2000'] as const;

/**
 * Bound on |distance(float32 rows) − distance(float64 rows)|: each float32 value lies within
 * 2⁻²⁴·max|x| of the CSV double, a difference of two within twice that, a d-vector of such
 * errors has norm ≤ √d times it; a mutual-reachability distance is a max of distances and a
 * sorted list a 1-Lipschitz map, so the bound carries over; × 2 for safety. A fixed 1e-6 relative
 * tolerance would be wrong for short distances (noisy2d: 0.023 between points near |x| = 10
 * differs by 1.6e-5 relative), while this one still catches any miscounted core distance.
 */
function heightTol(x: Matrix): number {
  let m = 0;
  for (const v of x.data) m = Math.max(m, Math.abs(v));
  return 2 * Math.sqrt(x.cols) * 2 * 2 ** -24 * m;
}
/** Absolute tolerance on λ-ratio scores (probabilities, GLOSH, memberships) from float32 inputs:
 *  ≈ 2 × HEIGHT_TOL / shortest MST distance on noisy2d (4e-6 / 0.023 ≈ 2e-4). */
const SCORE_TOL = 2e-4;

function params(p: any): hdbscan.HdbscanOptions {
  const o: hdbscan.HdbscanOptions = { minClusterSize: p.min_cluster_size };
  if (p.min_samples !== undefined) o.minSamples = p.min_samples;
  if (p.cluster_selection_method !== undefined) o.clusterSelectionMethod = p.cluster_selection_method;
  if (p.cluster_selection_epsilon !== undefined) o.clusterSelectionEpsilon = p.cluster_selection_epsilon;
  if (p.allow_single_cluster !== undefined) o.allowSingleCluster = p.allow_single_cluster;
  return o;
}
function treeParams(p: any): hdbscan.TreeOptions {
  const { minSamples: _ms, ...t } = params(p);
  return t;
}
function libraryTree(run: any): SingleLinkageTree {
  const s: number[][] = run.single_linkage_tree;
  return {
    left: Int32Array.from(s, (r) => r[0]!), right: Int32Array.from(s, (r) => r[1]!),
    distance: Float64Array.from(s, (r) => r[2]!), size: Int32Array.from(s, (r) => r[3]!),
  };
}
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (a[i]! - ma) * (b[i]! - mb); saa += (a[i]! - ma) ** 2; sbb += (b[i]! - mb) ** 2; }
  return sab / Math.sqrt(saa * sbb);
}
/** Our cluster c → the library's cluster holding most of its points. */
function clusterMap(ours: Int32Array, theirs: ArrayLike<number>, k: number): Int32Array {
  const map = new Int32Array(k).fill(-1);
  for (let c = 0; c < k; c++) {
    const count = new Map<number, number>();
    ours.forEach((l, i) => { if (l === c) count.set(theirs[i]!, (count.get(theirs[i]!) ?? 0) + 1); });
    let best = -1, bv = -1;
    for (const [l, v] of count) if (v > bv) { bv = v; best = l; }
    map[c] = best;
  }
  return map;
}
function noiseSymDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if ((a[i]! < 0) !== (b[i]! < 0)) s++;
  return s;
}
/** Dense [m × k] rows from a top-k membership answer. */
function dense(s: hdbscan.SoftMembership, m: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m; i++) {
    const v = new Array<number>(s.k).fill(0);
    for (let t = 0; t < s.top; t++) v[s.clusters[i * s.top + t]!] = s.values[i * s.top + t]!;
    out.push(v);
  }
  return out;
}

// Fits shared by the tests below (one per fixture run).
const FITS = new Map<string, hdbscan.HdbscanResult>();
function fitOf(ds: string, name: string): hdbscan.HdbscanResult {
  const key = `${ds}/${name}`;
  if (!FITS.has(key)) FITS.set(key, hdbscan.fit(DATA[ds]!, params(REF[ds].runs[name].params)));
  return FITS.get(key)!;
}

// ---------------------------------------------------------------------------------------------
// 1. The tree half on the library's own single-linkage tree: exact.
for (const ds of DATASETS) {
  for (const [name, run] of Object.entries<any>(REF[ds].runs)) {
    test(`hdbscan.clusterSingleLinkage(library tree, ${name}) reproduces the library's condensed tree, labels and scores on ${ds}`, () => {
      const r = hdbscan.clusterSingleLinkage(libraryTree(run), treeParams(run.params));
      const ct = run.condensed_tree;
      assert.deepEqual(Array.from(r.condensedTree.parent), ct.parent);
      assert.deepEqual(Array.from(r.condensedTree.child), ct.child);
      assert.deepEqual(Array.from(r.condensedTree.childSize), ct.child_size);
      assert.ok(maxAbs(r.condensedTree.lambdaVal, ct.lambda_val) <= 1e-12);
      assert.deepEqual(Array.from(r.selectedNodes), run.selected_condensed_tree_nodes);
      assert.deepEqual(Array.from(r.labels), run.labels);
      assert.equal(r.k, run.n_clusters);
      assert.ok(maxAbs(r.probabilities, run.probabilities) <= 1e-12);
      assert.ok(maxAbs(r.outlierScores, run.outlier_scores) <= 1e-12);
      assert.ok(maxAbs(r.clusterPersistence, run.cluster_persistence) <= 1e-9);
      if (!run.prediction_quirk) { // iris mcs30_single: the library's exemplars describe a sub-branch (quirk)
        for (let c = 0; c < r.k; c++) {
          const ours = Array.from(r.exemplarRows.subarray(r.exemplarOffsets[c]!, r.exemplarOffsets[c + 1]!));
          assert.deepEqual(ours.sort((a, b) => a - b), [...run.exemplars[c]].sort((a: number, b: number) => a - b));
        }
      }
    });
  }
}

test('hdbscan.clusterSingleLinkage(library tree) without epsilon or allowSingleCluster gives the library\'s stored alternatives', () => {
  for (const ds of DATASETS) {
    const eps = REF[ds].runs.mcs10_eps, { clusterSelectionEpsilon: _e, ...noEps } = treeParams(eps.params);
    const r = hdbscan.clusterSingleLinkage(libraryTree(eps), noEps);
    assert.equal(r.k, eps.without_epsilon.n_clusters, ds);
    assert.equal([...r.labels].filter((l) => l < 0).length, eps.without_epsilon.n_noise, ds);
    const single = REF[ds].runs.mcs30_single;
    const r2 = hdbscan.clusterSingleLinkage(libraryTree(single), { minClusterSize: 30 });
    assert.equal(r2.k, single.without_allow_single_cluster.n_clusters, ds);
    assert.equal([...r2.labels].filter((l) => l < 0).length, single.without_allow_single_cluster.n_noise, ds);
  }
});

// 2. Prediction on a model holding the library's tree: exact up to float32 distances.
for (const ds of DATASETS) {
  for (const [name, run] of Object.entries<any>(REF[ds].runs)) {
    if (run.prediction_quirk) continue; // iris mcs30_single: the library predicts from a sub-branch (quirk)
    test(`hdbscan.approximatePredict and membershipVectors on the library's ${name} tree match the library on ${ds} queries`, () => {
      const model = { ...fitOf(ds, name), ...hdbscan.clusterSingleLinkage(libraryTree(run), treeParams(run.params)) };
      const q = fromRows(REF[ds].queries);
      const p = hdbscan.approximatePredict(model, q);
      assert.deepEqual(Array.from(p.labels), run.approximate_predict.labels);
      assert.ok(maxAbs(p.probabilities, run.approximate_predict.probabilities) <= SCORE_TOL);
      assert.ok(maxAbs(hdbscan.approximatePredictScores(model, q), run.approximate_predict_scores_queries) <= SCORE_TOL);
      const mv = dense(hdbscan.membershipVectors(model, q, { top: model.k }), 20);
      mv.forEach((row, i) => assert.ok(maxAbs(row, run.membership_vector_queries[i]) <= SCORE_TOL, `query ${i}`));
      const all = dense(hdbscan.allPointsMembershipVectors(model, { top: model.k }), 20);
      all.forEach((row, i) => assert.ok(maxAbs(row, run.all_points_membership_vectors_first20[i]) <= SCORE_TOL, `row ${i}`));
    });
  }
}

// 3. The whole fit on float32 data.
for (const ds of DATASETS) {
  for (const [name, run] of Object.entries<any>(REF[ds].runs)) {
    test(`hdbscan.fit(${ds}, ${name}) agrees with the library: labels, noise, heights, score correlations, predictions`, () => {
      const r = fitOf(ds, name), band = [run.tie_band.prims_kdtree, run.tie_band.generic];
      // labels: ARI ≥ 0.99, or the library's own tie band where that is lower
      const minAri = Math.min(0.99, ...band.map((b: any) => b.ari_labels));
      assert.ok(ari(r.labels, run.labels) >= minAri, `ARI ${ari(r.labels, run.labels)} < ${minAri}`);
      const ks = [run.n_clusters, ...band.map((b: any) => b.n_clusters)];
      assert.ok(r.k >= Math.min(...ks) && r.k <= Math.max(...ks), `k = ${r.k} outside ${ks}`);
      // noise: equal up to ties, i.e. within twice the tie band's spread of the noise count, + 2
      const spread = Math.max(...band.map((b: any) => Math.abs(b.n_noise - run.n_noise)));
      assert.ok(noiseSymDiff(r.labels, run.labels) <= 2 * spread + 2, `noise differs at ${noiseSymDiff(r.labels, run.labels)} rows`);
      // single-linkage heights as a sorted multiset (they do not depend on ties)
      const ours = Float64Array.from(r.singleLinkageTree.distance).sort();
      const theirs = Float64Array.from(run.single_linkage_tree, (row: number[]) => row[2]!).sort();
      const tol = heightTol(DATA[ds]!);
      ours.forEach((h, i) => assert.ok(Math.abs(h - theirs[i]!) <= tol + 1e-12 * theirs[i]!, `height ${i}: ${h} vs ${theirs[i]}`));
      // probabilities and GLOSH: where the tree matches they agree to SCORE_TOL, so correlation ≥ the tie band − 0.01
      const bandP = Math.min(...band.map((b: any) => b.pearson_probabilities)) - 0.01;
      const bandO = Math.min(...band.map((b: any) => b.pearson_outlier_scores)) - 0.01;
      assert.ok(pearson(r.probabilities, run.probabilities) >= bandP, `probabilities r = ${pearson(r.probabilities, run.probabilities)}`);
      assert.ok(pearson(r.outlierScores, run.outlier_scores) >= bandO, `GLOSH r = ${pearson(r.outlierScores, run.outlier_scores)}`);
      // persistence of matched clusters, and approximatePredict labels up to the same matching
      const map = clusterMap(r.labels, run.labels, r.k);
      if (!run.prediction_quirk) {
        const q = fromRows(REF[ds].queries);
        const p = hdbscan.approximatePredict(r, q);
        p.labels.forEach((l, i) => assert.equal(l < 0 ? -1 : map[l], run.approximate_predict.labels[i], `query ${i}`));
        // the score reads the subtree of the neighbour's cluster, which tie order can change: 19 of 20 within SCORE_TOL
        const s = hdbscan.approximatePredictScores(r, q);
        const off = Array.from(s).filter((v, i) => !(Math.abs(v - run.approximate_predict_scores_queries[i]) <= SCORE_TOL)).length;
        assert.ok(off <= 1, `${off} query scores differ`);
      }
    });
  }
}

test('hdbscan.fit(X, params) gives the library\'s persistence, probabilities and GLOSH where the condensed tree matches (iris mcs15_leaf)', () => {
  const run = REF.iris.runs.mcs15_leaf, r = fitOf('iris', 'mcs15_leaf');
  assert.deepEqual(Array.from(r.labels), run.labels);
  assert.ok(maxAbs(r.probabilities, run.probabilities) <= SCORE_TOL);
  assert.ok(maxAbs(r.outlierScores, run.outlier_scores) <= SCORE_TOL);
  assert.ok(maxAbs(r.clusterPersistence, run.cluster_persistence) <= SCORE_TOL);
  assert.ok(Math.abs(r.relativeValidity - run.relative_validity) <= 1e-6);
});

test('relativeValidity(library labels, fit MST) equals the library\'s relative_validity_ where MST ties do not matter', () => {
  // noisy2d mcs5 / mcs10_ms5 / mcs15_leaf: equal-weight MST edges are chosen differently, and this
  // score reads single edges (the shortest between two clusters), so it moves with them.
  const cases: [string, string][] = [['iris', 'mcs5'], ['iris', 'mcs10_ms5'], ['iris', 'mcs15_leaf'], ['iris', 'mcs10_eps'],
    ['iris', 'mcs30_single'], ['noisy2d_first2000', 'mcs10_eps'], ['noisy2d_first2000', 'mcs30_single']];
  for (const [ds, name] of cases) {
    const run = REF[ds].runs[name], r = fitOf(ds, name);
    const v = relativeValidity(Int32Array.from(run.labels), run.n_clusters, r.minimumSpanningTree);
    assert.ok(Math.abs(v - run.relative_validity) <= 1e-6, `${ds} ${name}: ${v} vs ${run.relative_validity}`);
  }
  for (const name of ['mcs5', 'mcs10_ms5', 'mcs15_leaf', 'mcs30_single']) {
    assert.ok(Math.abs(fitOf('iris', name).relativeValidity - REF.iris.runs[name].relative_validity) <= 1e-6, name);
  }
});

// 4. R dbscan::hdbscan with the equivalent parameters (library min_samples = minPts − 1).
for (const ds of DATASETS) {
  test(`hdbscan.fit(${ds}, {minClusterSize: minPts, minSamples: minPts − 1}) equals R dbscan::hdbscan(x, minPts): labels, core distances, heights`, () => {
    const ref = R[ds], x = DATA[ds]!;
    const r = hdbscan.fit(x, { minClusterSize: ref.minPts, minSamples: ref.minPts - 1 });
    const rLabels = ref.cluster.map((c: number) => c - 1); // R: 0 = noise
    assert.ok(ari(r.labels, rLabels) >= 0.99);
    assert.equal(noiseSymDiff(r.labels, rLabels), 0);
    assert.equal(r.k, ref.n_clusters);
    const tol = heightTol(x);
    assert.ok(maxAbs(r.coreDistances, ref.coredist) <= tol);
    const ours = Float64Array.from(r.singleLinkageTree.distance).sort(), theirs = Float64Array.from(ref.hc_height).sort();
    assert.ok(maxAbs(ours, theirs) <= tol + 1e-12);
  });
}

// ---------------------------------------------------------------------------------------------
// Hand-made cases.
test('hdbscan.fit(x, {minSamples}) counts the minSamples-th OTHER point as the core distance (duplicates count at 0)', () => {
  const line = fromRows([[0], [1], [2], [3], [10]]);
  assert.deepEqual(Array.from(hdbscan.fit(line, { minClusterSize: 2, minSamples: 1 }).coreDistances), [1, 1, 1, 1, 7]);
  assert.deepEqual(Array.from(hdbscan.fit(line, { minClusterSize: 2, minSamples: 2 }).coreDistances), [2, 1, 1, 2, 8]);
  // prediction data count one fewer (the point itself is the first neighbour), as the library
  assert.deepEqual(Array.from(hdbscan.fit(line, { minClusterSize: 2, minSamples: 2 }).predictionData!.coreDistances), [1, 1, 1, 1, 7]);
  const dup = fromRows([[0], [0], [0], [5]]);
  assert.deepEqual(Array.from(hdbscan.fit(dup, { minClusterSize: 2, minSamples: 2 }).coreDistances), [0, 0, 0, 5]);
});

test('hdbscan.fit(two tight groups and an outlier) finds two clusters, labels the outlier noise, and scores it highest', () => {
  const rows = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5], [10, 10], [10, 11], [11, 10], [11, 11], [10.5, 10.5], [5, 30]];
  const r = hdbscan.fit(fromRows(rows), { minClusterSize: 3 });
  assert.equal(r.k, 2);
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1]);
  assert.equal(r.probabilities[10], 0);
  assert.equal(Math.max(...r.outlierScores), r.outlierScores[10]);
  // the centres leave last: probability 1 and GLOSH 0
  assert.equal(r.probabilities[4], 1);
  assert.equal(r.outlierScores[4], 0);
  assert.deepEqual(Array.from(hdbscan.approximatePredict(r, [[0.4, 0.6], [10.6, 10.4], [60, 60]]).labels), [0, 1, -1]);
});

test('hdbscan.fit(x) builds a minimum spanning tree of the mutual-reachability graph (same total as Kruskal on the full matrix)', () => {
  const rng = createRng(3), n = 120, d = 3, rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from({ length: d }, () => rng.normal() + (i % 3) * 4));
  const x = fromRows(rows);
  const cases = [['euclidean', 1, 'boruvka'], ['euclidean', 1, 'prim'], ['manhattan', 1, 'boruvka'], ['manhattan', 1, 'prim'],
    ['cosine', 1, 'prim'], ['euclidean', 0.7, 'boruvka'], ['euclidean', 0.7, 'prim'], ['manhattan', 1.5, 'boruvka']] as const;
  for (const [metric, alpha, algorithm] of cases) {
    const r = hdbscan.fit(x, { minClusterSize: 5, minSamples: 4, metric, alpha, algorithm });
    assert.equal(r.options.algorithm, algorithm);
    const dist = (a: number, b: number): number => {
      const u = x.data.subarray(a * d, a * d + d), v = x.data.subarray(b * d, b * d + d);
      if (metric === 'manhattan') return u.reduce((s, _, t) => s + Math.abs(u[t]! - v[t]!), 0);
      if (metric === 'cosine') {
        let uv = 0, uu = 0, vv = 0;
        for (let t = 0; t < d; t++) { uv += u[t]! * v[t]!; uu += u[t]! ** 2; vv += v[t]! ** 2; }
        return 1 - uv / Math.sqrt(uu * vv);
      }
      return Math.sqrt(u.reduce((s, _, t) => s + (u[t]! - v[t]!) ** 2, 0));
    };
    const core = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => dist(i, j)).sort((a, b) => a - b)[4]!);
    const edges: [number, number, number][] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push([Math.max(core[i]!, core[j]!, dist(i, j) / alpha), i, j]);
    edges.sort((a, b) => a[0] - b[0]);
    const parent = Array.from({ length: n }, (_, i) => i);
    const find = (v: number): number => (parent[v] === v ? v : (parent[v] = find(parent[v]!)));
    let total = 0;
    for (const [w, i, j] of edges) { const a = find(i), b = find(j); if (a !== b) { parent[a] = b; total += w; } }
    const ours = r.minimumSpanningTree.distance.reduce((s, w) => s + w, 0);
    assert.ok(Math.abs(ours - total) <= 1e-9 * total, `${metric} α=${alpha} ${algorithm}: ${ours} vs ${total}`);
    assert.ok(maxAbs(r.coreDistances, core) <= 1e-9, metric);
  }
});

test('hdbscan.fit(x, {algorithm}) gives the same MST weights with Prim and Borůvka, to the last bit', () => {
  for (const [x, mcs] of [[IRIS, 5], [NOISY, 10]] as const) {
    const a = hdbscan.fit(x, { minClusterSize: mcs, algorithm: 'prim' }), b = hdbscan.fit(x, { minClusterSize: mcs, algorithm: 'boruvka' });
    assert.deepEqual(Float64Array.from(a.minimumSpanningTree.distance).sort(), Float64Array.from(b.minimumSpanningTree.distance).sort());
    assert.equal(hdbscan.fit(x, { minClusterSize: mcs }).options.algorithm, 'boruvka');
  }
  assert.equal(hdbscan.fit(IRIS, { metric: 'cosine' }).options.algorithm, 'prim');
  throwsCode(() => hdbscan.fit(IRIS, { metric: 'cosine', algorithm: 'boruvka' }), 'BAD_OPTION', "option 'algorithm'", "'prim'");
});

test('hdbscan.condensedClusters(model) lists every cluster node with parent, λ range, size, stability and label', () => {
  const run = REF.noisy2d_first2000.runs.mcs10_ms5;
  const model = hdbscan.clusterSingleLinkage(libraryTree(run), treeParams(run.params));
  const c = hdbscan.condensedClusters(model);
  const n = 2000, ct = run.condensed_tree;
  assert.equal(c.node.length, Math.max(...ct.parent) - n + 1);
  assert.equal(c.parent[0], -1);
  assert.equal(c.size[0], n);
  for (let i = 0; i < ct.parent.length; i++) {
    if (ct.child_size[i] > 1) {
      const k = ct.child[i] - n;
      assert.equal(c.parent[k], ct.parent[i]);
      assert.equal(c.lambdaBirth[k], ct.lambda_val[i]);
      assert.equal(c.size[k], ct.child_size[i]);
    }
    assert.ok(c.lambdaDeath[ct.parent[i] - n]! >= ct.lambda_val[i]);
  }
  assert.deepEqual(Array.from(c.label).filter((l) => l >= 0), Array.from({ length: run.n_clusters }, (_, i) => i));
  assert.deepEqual(run.selected_condensed_tree_nodes.map((s: number) => c.label[s - n]), Array.from({ length: run.n_clusters }, (_, i) => i));
});

test('hdbscan.linkageMatrix(model) is the SciPy (n − 1) × 4 matrix of the single-linkage tree, ascending, sizes up to n', () => {
  const r = fitOf('iris', 'mcs5'), z = hdbscan.linkageMatrix(r);
  assert.equal(z.length, 4 * 149);
  for (let i = 0; i < 149; i++) {
    assert.equal(z[4 * i], r.singleLinkageTree.left[i]);
    assert.equal(z[4 * i + 3], r.singleLinkageTree.size[i]);
    if (i > 0) assert.ok(z[4 * i + 2]! >= z[4 * i - 2]!);
  }
  assert.equal(z[4 * 148 + 3], 150);
});

test('hdbscan.fit(x) with clusterSelectionEpsilon merges clusters split below epsilon, and maxClusterSize splits big ones', () => {
  const base = hdbscan.fit(NOISY, { minClusterSize: 10 });
  const eps = fitOf('noisy2d_first2000', 'mcs10_eps');
  assert.equal(base.k, REF.noisy2d_first2000.runs.mcs10_eps.without_epsilon.n_clusters);
  assert.ok(eps.k < base.k);
  const capped = hdbscan.fit(NOISY, { minClusterSize: 10, maxClusterSize: 300 });
  const sizes = new Map<number, number>();
  capped.labels.forEach((l) => { if (l >= 0) sizes.set(l, (sizes.get(l) ?? 0) + 1); });
  assert.ok(capped.k > base.k);
  // EOM never keeps a node made with more than 300 points (sizes counted when made; labelled points ≤ that)
  for (const s of sizes.values()) assert.ok(s <= 300, `cluster of ${s}`);
});

// ---------------------------------------------------------------------------------------------
// Properties and plain-data results.
test('hdbscan.fit(x) on permuted rows gives the same partition, probabilities and scores (data without ties)', () => {
  const rng = createRng(11), rows: number[][] = [];
  for (let i = 0; i < 300; i++) { const c = i % 3; rows.push([rng.normal() * (c + 1) * 0.3 + c * 5, rng.normal() * 0.5]); }
  const perm = Array.from({ length: 300 }, (_, i) => (i * 7 + 3) % 300);
  const a = hdbscan.fit(fromRows(rows), { minClusterSize: 8 });
  const b = hdbscan.fit(fromRows(perm.map((i) => rows[i]!)), { minClusterSize: 8 });
  const back = new Int32Array(300), pb = new Float64Array(300), ob = new Float64Array(300);
  perm.forEach((i, t) => { back[i] = b.labels[t]!; pb[i] = b.probabilities[t]!; ob[i] = b.outlierScores[t]!; });
  assert.equal(ari(a.labels, back), 1);
  assert.ok(maxAbs(a.probabilities, pb) <= 1e-12);
  assert.ok(maxAbs(a.outlierScores, ob) <= 1e-12);
});

test('hdbscan.fit(x) twice gives the same bytes, does not mutate x, and a JSON round trip keeps approximatePredict', () => {
  const x = takeRows(NOISY, Array.from({ length: 500 }, (_, i) => i));
  const copy = Float32Array.from(x.data);
  const a = hdbscan.fit(x, { minClusterSize: 10 }), b = hdbscan.fit(x, { minClusterSize: 10 });
  const noTimes = (r: unknown): string => JSON.stringify(JSON.parse(toJSON(r)), (k, v: unknown) => (/seconds$/i.test(k) ? undefined : v));
  assert.equal(noTimes(a), noTimes(b));
  assert.deepEqual(x.data, copy);
  const back = fromJSON<hdbscan.HdbscanResult>(toJSON(a));
  assert.deepEqual(hdbscan.approximatePredict(back, x), hdbscan.approximatePredict(a, x));
  assert.deepEqual(hdbscan.predict(back, x), hdbscan.approximatePredict(a, x).labels);
});

test('hdbscan.fit(x) with duplicate rows keeps every number finite (λ = ∞ stored as Number.MAX_VALUE) and JSON-safe', () => {
  const rows = [...Array(6).fill([1, 1]), ...Array(6).fill([5, 5]), [3, 20]];
  const r = hdbscan.fit(fromRows(rows), { minClusterSize: 3, minSamples: 2 });
  assert.equal(r.k, 2);
  for (const v of [...r.condensedTree.lambdaVal, ...r.probabilities, ...r.outlierScores, ...r.clusterPersistence, ...r.stability]) {
    assert.ok(Number.isFinite(v), String(v));
  }
  assert.ok(r.condensedTree.lambdaVal.includes(Number.MAX_VALUE));
  assert.doesNotThrow(() => toJSON(r));
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, -1]);
  // points that leave at λ = ∞ have probability 1 and GLOSH 0; persistence is 1 when the largest λ is ∞
  assert.deepEqual(Array.from(r.probabilities.subarray(0, 12)), Array(12).fill(1));
  assert.deepEqual(Array.from(r.outlierScores.subarray(0, 12)), Array(12).fill(0));
  assert.deepEqual(Array.from(r.clusterPersistence), [1, 1]);
});

test('hdbscan.fit(x) on degenerate input: one row, fewer rows than minClusterSize, minSamples above n − 1, d = 1', () => {
  const one = hdbscan.fit([[1, 2]]);
  assert.deepEqual(Array.from(one.labels), [-1]);
  assert.equal(one.k, 0);
  assert.match(one.warnings.join(' '), /no cluster found/);
  const few = hdbscan.fit([[0], [1], [2]], { minClusterSize: 5 });
  assert.deepEqual(Array.from(few.labels), [-1, -1, -1]);
  assert.equal(few.options.minSamples, 2);
  assert.match(few.warnings.join(' '), /minSamples = 5 clipped to n − 1 = 2/);
  assert.deepEqual(Array.from(hdbscan.approximatePredict(few, [[1]]).labels), [-1]);
  const d1 = hdbscan.fit([[0], [0.1], [0.2], [0.3], [5], [5.1], [5.2], [5.3]], { minClusterSize: 3 });
  assert.equal(ari(d1.labels, [0, 0, 0, 0, 1, 1, 1, 1]), 1);
});

test('hdbscan.membershipVectors(model, x, {top}) keeps the top entries, descending, within [0, 1]', () => {
  const r = fitOf('noisy2d_first2000', 'mcs5'), q = fromRows(REF.noisy2d_first2000.queries);
  const full = hdbscan.membershipVectors(r, q, { top: r.k }), top2 = hdbscan.membershipVectors(r, q, { top: 2 });
  assert.equal(top2.top, 2);
  assert.equal(top2.clusters.length, 40);
  for (let i = 0; i < 20; i++) {
    assert.deepEqual(Array.from(top2.clusters.subarray(2 * i, 2 * i + 2)), Array.from(full.clusters.subarray(i * r.k, i * r.k + 2)));
    assert.ok(top2.values[2 * i]! >= top2.values[2 * i + 1]!);
    const s = full.values.subarray(i * r.k, (i + 1) * r.k).reduce((a, b) => a + b, 0);
    assert.ok(s >= 0 && s <= 1 + 1e-12);
  }
  assert.equal(hdbscan.allPointsMembershipVectors(r).top, 3);
});

test('hdbscan.fit(x, {onProgress, signal}) reports progress and stops with ABORTED', () => {
  const stages = new Set<string>();
  hdbscan.fit(IRIS, { onProgress: (p) => stages.add(p.stage) });
  assert.ok([...stages].some((s) => /core distances/.test(s)) && [...stages].some((s) => /spanning tree/.test(s)));
  const ac = new AbortController();
  ac.abort();
  throwsCode(() => hdbscan.fit(IRIS, { signal: ac.signal }), 'ABORTED', 'hdbscan');
});

test('hdbscan.fit(200 000 rows) runs in O(n) memory: no n × n buffer (that would be 160 GB), heap + buffers stay under 600 MB', () => {
  const rng = createRng(5), n = 200_000, data = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) { const c = i % 4; data[2 * i] = rng.normal() * 0.5 + c * 3; data[2 * i + 1] = rng.normal() * 0.5 - c; }
  let peak = 0;
  const sample = (): void => { const m = process.memoryUsage(); peak = Math.max(peak, m.heapUsed + m.arrayBuffers); };
  const r = hdbscan.fit({ data, rows: n, cols: 2 }, { minClusterSize: 50, predictionData: false, onProgress: sample });
  sample();
  assert.equal(r.labels.length, n);
  assert.ok(r.k >= 4);
  assert.ok(peak < 600e6, `peak ${(peak / 1e6).toFixed(0)} MB`);
});

// ---------------------------------------------------------------------------------------------
// Bad input.
test('hdbscan.fit(x, options) refuses bad options naming them', () => {
  throwsCode(() => hdbscan.fit(IRIS, { minClusterSize: 1 }), 'BAD_OPTION', "option 'minClusterSize'", 'in [2, inf]', 'Got 1');
  throwsCode(() => hdbscan.fit(IRIS, { minSamples: 0 }), 'BAD_OPTION', "option 'minSamples'", 'Got 0');
  throwsCode(() => hdbscan.fit(IRIS, { minSamples: 2.5 }), 'BAD_OPTION', "option 'minSamples'", 'integer');
  throwsCode(() => hdbscan.fit(IRIS, { alpha: 0 }), 'BAD_OPTION', "option 'alpha'", '(0, inf]');
  throwsCode(() => hdbscan.fit(IRIS, { clusterSelectionEpsilon: -1 }), 'BAD_OPTION', "option 'clusterSelectionEpsilon'");
  throwsCode(() => hdbscan.fit(IRIS, { clusterSelectionMethod: 'tree' as 'eom' }), 'BAD_OPTION', "option 'clusterSelectionMethod'", "'eom', 'leaf'");
  throwsCode(() => hdbscan.fit(IRIS, { metric: 'hamming' as 'euclidean' }), 'BAD_OPTION', "option 'metric'");
  throwsCode(() => hdbscan.fit(IRIS, { maxClusterSize: -1 }), 'BAD_OPTION', "option 'maxClusterSize'");
  throwsCode(() => hdbscan.fit(IRIS, { allowSingleCluster: 1 as unknown as boolean }), 'BAD_OPTION', "option 'allowSingleCluster'");
  throwsCode(() => hdbscan.fit(IRIS, { min_cluster_size: 5 } as hdbscan.HdbscanOptions), 'UNKNOWN_OPTION', "unknown option 'min_cluster_size'");
  throwsCode(() => hdbscan.clusterSingleLinkage(fitOf('iris', 'mcs5').singleLinkageTree, { minSamples: 3 } as hdbscan.TreeOptions),
    'UNKNOWN_OPTION', "unknown option 'minSamples'");
});

test('hdbscan.fit and the prediction functions refuse bad data, wrong dimensions and models without prediction data', () => {
  throwsCode(() => hdbscan.fit([[1, 2], [3, NaN], [5, 6]]), 'BAD_DATA', 'row 1, column 1');
  throwsCode(() => hdbscan.fit([]), 'EMPTY_DATA');
  const r = fitOf('iris', 'mcs5');
  throwsCode(() => hdbscan.approximatePredict(r, [[1, 2, 3]]), 'DIM_MISMATCH', '4 columns', 'Got 3');
  throwsCode(() => hdbscan.membershipVectors(r, IRIS, { top: 0 }), 'BAD_OPTION', "option 'top'");
  const bare = hdbscan.fit(IRIS, { predictionData: false });
  assert.equal(bare.predictionData, null);
  throwsCode(() => hdbscan.approximatePredict(bare, IRIS), 'BAD_MODEL', 'prediction data', 'predictionData: true');
  throwsCode(() => hdbscan.approximatePredict({ kind: 'kmeans' } as unknown as hdbscan.HdbscanResult, IRIS), 'BAD_MODEL', "kind 'hdbscan'");
  const t = r.singleLinkageTree;
  throwsCode(() => hdbscan.clusterSingleLinkage({ ...t, size: t.size.subarray(1) }), 'DIM_MISMATCH', 'equal lengths');
  throwsCode(() => hdbscan.clusterSingleLinkage({ ...t, distance: Float64Array.from(t.distance).reverse() }), 'BAD_DATA', 'row 1');
});
