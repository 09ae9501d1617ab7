/**
 * Prediction for new points against a fitted HDBSCAN model, as the hdbscan library's
 * `prediction` module: `approximate_predict`, `approximate_predict_scores`, `membership_vector`
 * and `all_points_membership_vectors`. These read only plain data from the model.
 */
import type { CondensedTree } from './condense.js';
import { indexTree, type TreeIndex } from './select.js';
import { subtreeMaxLambda } from './scores.js';
import { buildIndex, queryKnn } from '../../neighbors/index.js';
import { toDistance, unitsBlock, unitsRow, type HdbscanMetric } from './distances.js';

/** What prediction reads from a fitted model. */
export interface PredictModel {
  readonly n: number;
  readonly d: number;
  readonly metric: HdbscanMetric;
  readonly minSamples: number;
  readonly condensedTree: CondensedTree;
  readonly selectedNodes: Int32Array;
  readonly exemplarRows: Int32Array;
  readonly exemplarOffsets: Int32Array;
  /** Training rows [n × d]. */
  readonly data: Float32Array;
  /** Core distances counting the point itself among its minSamples neighbours. [n] */
  readonly coreDistances: Float64Array;
}

/** Cluster map of the prediction data: label of each cluster node (selected nodes and all below them), else −1. */
interface Prepared {
  ix: TreeIndex;
  /** label of each cluster node, −1 outside the selection. [nClusters] */
  labelOf: Int32Array;
  /** λ_max of the selected ancestor (the library's `max_lambdas`). [nClusters] */
  selMaxLambda: Float64Array;
}

function prepare(m: PredictModel): Prepared {
  const t = m.condensedTree, n = m.n;
  let maxNode = n;
  for (let i = 0; i < t.parent.length; i++) if (t.parent[i]! > maxNode) maxNode = t.parent[i]!;
  const nc = t.parent.length === 0 ? 0 : maxNode - n + 1;
  const ix = indexTree(t, n, nc);
  const labelOf = new Int32Array(nc).fill(-1), selMaxLambda = new Float64Array(nc);
  m.selectedNodes.forEach((s, r) => { labelOf[s - n] = r; selMaxLambda[s - n] = ix.ownMaxLambda[s - n]!; });
  for (let c = 1; c < nc; c++) {
    const p = ix.parentOf[c]! - n;
    if (labelOf[c]! < 0 && labelOf[p]! >= 0) { labelOf[c] = labelOf[p]!; selMaxLambda[c] = selMaxLambda[p]!; }
  }
  return { ix, labelOf, selMaxLambda };
}

/** Neighbours of the queries among the training rows: 2 × minSamples of them (at most n), plain distances. */
function neighbours(m: PredictModel, q: Float32Array, nq: number): { k: number; idx: Int32Array; dist: Float64Array } {
  const k = Math.min(2 * m.minSamples, m.n);
  const index = buildIndex({ data: m.data, rows: m.n, cols: m.d }, { metric: m.metric }, 'hdbscan');
  const r = queryKnn(index, { data: q, rows: nq, cols: m.d }, k, {}, 'hdbscan');
  return { k, idx: r.indices, dist: r.distances };
}

/**
 * The library's `_find_neighbor_and_lambda`: the training point with the smallest mutual
 * reachability max(core(nb), core(q), d) among the query's neighbours, core(q) = distance to its
 * (minSamples + 1)-th nearest training point; λ = 1 / that distance (Number.MAX_VALUE for 0).
 */
function neighbourAndLambda(m: PredictModel, nb: { k: number; idx: Int32Array; dist: Float64Array }, i: number): [number, number] {
  const { k, idx, dist } = nb, o = i * k;
  const coreQ = dist[o + Math.min(m.minSamples, k - 1)]!;
  let best = Infinity, bj = idx[o]!;
  for (let t = 0; t < k; t++) {
    const j = idx[o + t]!;
    const v = Math.max(m.coreDistances[j]!, coreQ, dist[o + t]!);
    if (v < best) { best = v; bj = j; }
  }
  return [bj, best > 0 ? 1 / best : Number.MAX_VALUE];
}

/** Labels and probabilities of new points [m]: the library's `approximate_predict`. */
export function predictPoints(m: PredictModel, q: Float32Array, nq: number): { labels: Int32Array; probabilities: Float64Array } {
  const labels = new Int32Array(nq).fill(-1), probabilities = new Float64Array(nq);
  const P = prepare(m);
  if (P.ix.nClusters <= 1 || nq === 0) return { labels, probabilities };
  const { ix } = P, n = m.n, t = m.condensedTree, nb = neighbours(m, q, nq);
  for (let i = 0; i < nq; i++) {
    const [j, lambda] = neighbourAndLambda(m, nb, i);
    const row = ix.pointRow[j]!;
    let c = t.parent[row]!;
    if (t.lambdaVal[row]! > lambda) {
      while (c > n && ix.birth[c - n]! >= lambda) c = ix.parentOf[c - n]!;
    }
    const label = P.labelOf[c - n]!;
    labels[i] = label;
    if (label >= 0) {
      const ml = P.selMaxLambda[c - n]!;
      probabilities[i] = ml > 0 ? Math.min(ml, lambda) / ml : 1;
    }
  }
  return { labels, probabilities };
}

/** GLOSH outlier scores of new points [m]: the library's `approximate_predict_scores`. */
export function predictScores(m: PredictModel, q: Float32Array, nq: number): Float64Array {
  const out = new Float64Array(nq);
  const P = prepare(m);
  if (P.ix.nClusters <= 1) return out.fill(1);
  const { ix } = P, n = m.n, t = m.condensedTree, nb = neighbours(m, q, nq);
  const sub = subtreeMaxLambda(ix);
  for (let i = 0; i < nq; i++) {
    let [j, lambda] = neighbourAndLambda(m, nb, i);
    const row = ix.pointRow[j]!;
    if (nb.dist[i * nb.k] === 0) lambda = t.lambdaVal[row]!;
    const ml = sub[t.parent[row]! - n]!;
    out[i] = ml > 0 ? (ml - lambda) / ml : 0;
  }
  return out;
}

/**
 * λ at which the point's cluster (point at λ in `c`) meets each selected cluster (the library's
 * `merge_height`): the birth λ of the two branches' meeting point, or λ itself when the point's
 * cluster lies inside that selected cluster or above it. out [k]
 */
function mergeHeights(ix: TreeIndex, c: number, lambda: number, selected: Int32Array, out: Float64Array): void {
  const n = ix.n;
  for (let s = 0; s < selected.length; s++) {
    let a = c, b = selected[s]!, tookA = false, tookB = false, last = -1;
    while (a !== b) {
      if (a > b) { tookA = true; last = a; a = ix.parentOf[a - n]!; } else { tookB = true; last = b; b = ix.parentOf[b - n]!; }
    }
    out[s] = tookA && tookB ? ix.birth[last - n]! : lambda;
  }
}

/** For each query row and each cluster, the distance to the cluster's nearest exemplar (exact). [nq × k] */
function exemplarDistances(m: PredictModel, q: Float32Array, nq: number): Float64Array {
  const k = m.selectedNodes.length, E = m.exemplarRows.length, d = m.d;
  const ex = new Float32Array(E * d);
  for (let e = 0; e < E; e++) ex.set(m.data.subarray(m.exemplarRows[e]! * d, m.exemplarRows[e]! * d + d), e * d);
  const out = new Float64Array(nq * k);
  const B = Math.max(1, Math.min(nq, Math.floor((1 << 20) / Math.max(1, E))));
  const blk = new Float64Array(B * E);
  for (let s = 0; s < nq; s += B) {
    const mb = Math.min(B, nq - s);
    unitsBlock(m.metric, q.subarray(s * d, (s + mb) * d), mb, ex, E, d, blk);
    for (let r = 0; r < mb; r++) {
      for (let c = 0; c < k; c++) {
        let bv = Infinity, be = -1;
        for (let e = m.exemplarOffsets[c]!; e < m.exemplarOffsets[c + 1]!; e++) if (blk[r * E + e]! < bv) { bv = blk[r * E + e]!; be = e; }
        out[(s + r) * k + c] = be < 0 ? Infinity : toDistance(m.metric, unitsRow(m.metric, q, s + r, ex, be, d));
      }
    }
  }
  return out;
}

/** 1/d normalised over clusters, DBL_MAX / k for a zero distance (the library's `dist_membership_vector`). */
function distVector(dist: Float64Array, o: number, k: number, out: Float64Array): void {
  let sum = 0;
  for (let c = 0; c < k; c++) { const v = dist[o + c]!; out[c] = v !== 0 ? 1 / v : Number.MAX_VALUE / k; sum += out[c]!; }
  for (let c = 0; c < k; c++) out[c]! /= sum;
}

/** Top entries of a dense vector, descending (ties → lower cluster). */
function topInto(vec: Float64Array, k: number, top: number, clusters: Int32Array, values: Float64Array, o: number): void {
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => vec[b]! - vec[a]! || a - b);
  for (let t = 0; t < top; t++) { clusters[o + t] = order[t]!; values[o + t] = vec[order[t]!]!; }
}

/** Soft membership, top entries per point: clusters [m × top] and their values [m × top], descending. */
export interface SoftMembership {
  /** Number of clusters of the model. */
  readonly k: number;
  /** Entries kept per point (≤ k). */
  readonly top: number;
  readonly clusters: Int32Array;
  readonly values: Float64Array;
}

/** The library's `membership_vector` for new points, keeping the `top` largest entries per point. */
export function membershipPoints(m: PredictModel, q: Float32Array, nq: number, top: number): SoftMembership {
  const k = m.selectedNodes.length;
  top = Math.min(top, k);
  const clusters = new Int32Array(nq * top), values = new Float64Array(nq * top);
  if (k === 0 || nq === 0) return { k, top, clusters, values };
  const P = prepare(m), { ix } = P, t = m.condensedTree, sel = m.selectedNodes;
  const nb = neighbours(m, q, nq), ed = exemplarDistances(m, q, nq);
  const dv = new Float64Array(k), h = new Float64Array(k), vec = new Float64Array(k);
  for (let i = 0; i < nq; i++) {
    let [j, lambda] = neighbourAndLambda(m, nb, i);
    const row = ix.pointRow[j]!, c = t.parent[row]!;
    if (t.lambdaVal[row]! <= lambda) lambda = t.lambdaVal[row]!;
    distVector(ed, i * k, k, dv);
    // outlier part: the library passes λ as float32 here
    const ml = ix.ownMaxLambda[c - ix.n]!;
    mergeHeights(ix, c, Math.fround(lambda), sel, h);
    let mx = -Infinity;
    for (let s = 0; s < k; s++) {
      let den = ml - h[s]!;
      if (den <= 0) den = 1e-8;
      h[s] = ml / den;
      if (h[s]! > mx) mx = h[s]!;
    }
    let osum = 0;
    for (let s = 0; s < k; s++) { h[s] = Math.exp(h[s]! - mx); osum += h[s]!; }
    let sum = 0;
    for (let s = 0; s < k; s++) { vec[s] = Math.sqrt(dv[s]!) * (h[s]! / osum) ** 2; sum += vec[s]!; }
    // probability of being in some cluster
    mergeHeights(ix, c, lambda, sel, h);
    let hb = 0;
    for (let s = 1; s < k; s++) if (h[s]! > h[hb]!) hb = s;
    const inSome = h[hb]! / (Math.max(lambda, ix.ownMaxLambda[sel[hb]! - ix.n]!) + 1e-8);
    for (let s = 0; s < k; s++) vec[s] = vec[s]! / sum * inSome;
    topInto(vec, k, top, clusters, values, i * top);
  }
  return { k, top, clusters, values };
}

/** The library's `all_points_membership_vectors` for the training rows, keeping the `top` largest entries. */
export function membershipTraining(m: PredictModel, top: number): SoftMembership {
  const k = m.selectedNodes.length, n = m.n;
  top = Math.min(top, k);
  const clusters = new Int32Array(n * top), values = new Float64Array(n * top);
  if (k === 0) return { k, top, clusters, values };
  const P = prepare(m), { ix } = P, t = m.condensedTree, sel = m.selectedNodes;
  const ed = exemplarDistances(m, m.data, n);
  const h = new Float64Array(k), dv = new Float64Array(k), vec = new Float64Array(k);
  // outlier part: exp(−λ_max(C) / height) per cluster, then exp(x − global max), row-normalised
  const score = (p: number): void => {
    const row = ix.pointRow[p]!, c = t.parent[row]!;
    const ml = ix.ownMaxLambda[c - n]! + 1e-8;
    mergeHeights(ix, c, t.lambdaVal[row]!, sel, h);
    for (let s = 0; s < k; s++) h[s] = Math.exp(-(ml / h[s]!));
  };
  let gmax = -Infinity;
  for (let p = 0; p < n; p++) { score(p); for (let s = 0; s < k; s++) if (h[s]! > gmax) gmax = h[s]!; }
  for (let p = 0; p < n; p++) {
    const row = ix.pointRow[p]!, c = t.parent[row]!, lp = t.lambdaVal[row]!;
    score(p);
    let osum = 0;
    for (let s = 0; s < k; s++) { h[s] = Math.exp(h[s]! - gmax); osum += h[s]!; }
    distVector(ed, p * k, k, dv);
    let sum = 0;
    for (let s = 0; s < k; s++) { vec[s] = dv[s]! * (h[s]! / osum); sum += vec[s]!; }
    mergeHeights(ix, c, lp, sel, h);
    let hb = 0;
    for (let s = 1; s < k; s++) if (h[s]! > h[hb]!) hb = s;
    const inSome = h[hb]! / Math.max(ix.ownMaxLambda[sel[hb]! - n]!, lp);
    for (let s = 0; s < k; s++) vec[s] = vec[s]! / sum * inSome;
    topInto(vec, k, top, clusters, values, p * top);
  }
  return { k, top, clusters, values };
}
