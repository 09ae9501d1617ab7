/**
 * HDBSCAN* (Campello, Moulavi & Sander 2013; McInnes, Healy & Astels 2017) with the rules and the
 * whole result of the scikit-learn-contrib hdbscan library (0.8.43), the reference here: labels,
 * membership probabilities, GLOSH outlier scores, cluster persistence, exemplars, the condensed
 * and single-linkage trees, the relative validity, and prediction for new points.
 *
 * Steps: core distances (k nearest neighbours from src/neighbors) → minimum spanning tree of the
 * mutual-reachability graph max(core(a), core(b), d(a, b) / α), exact, never an n × n matrix:
 * Borůvka on a KD-tree (euclidean/manhattan in low dimension; ≈ O(n log n) per round, ≤ log₂ n
 * rounds) or Prim's algorithm on the fly (any metric; O(n²·d) time, O(n·d) memory) →
 * single-linkage tree (SciPy layout) → condensed tree
 * (minClusterSize) → stability → flat clusters by excess of mass ('eom') or leaves ('leaf'), with
 * clusterSelectionEpsilon, allowSingleCluster and maxClusterSize as the library applies them.
 *
 * How `minSamples` counts (references differ): as the hdbscan library, the core distance is the
 * distance to the minSamples-th nearest OTHER point, i.e. the (minSamples + 1)-th neighbour when
 * the point itself counts (duplicates count, at distance 0). Equivalents: R
 * `dbscan::hdbscan(x, minPts = m)` = `{minClusterSize: m, minSamples: m − 1}`; scikit-learn ≥ 1.3
 * `HDBSCAN(min_samples = k)` = `{minSamples: k − 1}`.
 *
 * Differences from the library: computations run on the float32 data in float64 (distances of
 * float32-rounded inputs differ from float64 ones by ≈ 1e-7 relative, so tie-breaking between
 * nearly equal mutual-reachability distances can differ); equal MST weights keep Prim's order
 * (the library leaves them to an unstable sort); λ = ∞ (zero distances, from duplicates) is stored
 * as Number.MAX_VALUE; a GLOSH score the library would make NaN (∞/∞) is 1; prediction uses the
 * selected nodes themselves, not the library's reconstruction from labels (which differs when the
 * root is the single cluster).
 */
import { ClusterkitError, badOption } from '../core/errors.js';
import { type MatrixLike, toMatrix, checkData, checkCols } from '../core/matrix.js';
import { resolveOptions, type OptionSpec } from '../core/options.js';
import type { RunControl } from '../core/control.js';
import { buildIndex, KD_TREE_MAX_DIM } from '../neighbors/index.js';
import { boruvkaMst } from './hdbscan/boruvka.js';
import { toDistance, type HdbscanMetric } from './hdbscan/distances.js';
import { coreUnits, primMst, sortEdges, type MstEdges } from './hdbscan/mst.js';
import { singleLinkage, condenseTree, stability, type SingleLinkageTree, type CondensedTree } from './hdbscan/condense.js';
import { indexTree, selectClusters, labelPoints, persistence } from './hdbscan/select.js';
import { glosh, exemplars, relativeValidity } from './hdbscan/scores.js';
import { predictPoints, predictScores, membershipPoints, membershipTraining, type PredictModel, type SoftMembership } from './hdbscan/predict.js';
import { dbcv, type DbcvOptions, type DbcvResult } from '../metrics/dbcv.js';

export type { SingleLinkageTree, CondensedTree, MstEdges, SoftMembership, HdbscanMetric };

export interface HdbscanOptions extends RunControl {
  /** Smallest group the condensed tree keeps as a cluster (≥ 2). @defaultValue 5 */
  minClusterSize?: number;
  /** Core-distance neighbour count, NOT counting the point itself (the hdbscan library's
   *  convention; R's minPts and scikit-learn ≥ 1.3's min_samples are this + 1). null = minClusterSize.
   *  Clipped to n − 1. @defaultValue null */
  minSamples?: number | null;
  /** Distance below which clusters are not split further (Malzer & Baum 2019); 0 = off. @defaultValue 0 */
  clusterSelectionEpsilon?: number;
  /** 'eom' (excess of mass, the most stable clusters) or 'leaf' (the leaves of the condensed tree). @defaultValue 'eom' */
  clusterSelectionMethod?: 'eom' | 'leaf';
  /** Let EOM select the root (one cluster for all the data). @defaultValue false */
  allowSingleCluster?: boolean;
  /** EOM never keeps a cluster of more points than this (0 = no limit); epsilon can override. @defaultValue 0 */
  maxClusterSize?: number;
  /** Robust single-linkage scaling: distances (not core distances) are divided by alpha. @defaultValue 1 */
  alpha?: number;
  /** 'euclidean', 'manhattan' or 'cosine' (1 − cos). @defaultValue 'euclidean' */
  metric?: HdbscanMetric;
  /** Spanning-tree algorithm: 'prim' (on the fly, O(n²·d), any metric) or 'boruvka' (on the
   *  neighbour layer's KD-tree, euclidean/manhattan; far faster in low dimension). Both are exact.
   *  'auto' = 'boruvka' for euclidean/manhattan with d ≤ 16 (KD_TREE_MAX_DIM), else 'prim'. @defaultValue 'auto' */
  algorithm?: 'auto' | 'prim' | 'boruvka';
  /** Keep what approximatePredict and the membership vectors need (a copy of the data, [n × d],
   *  and core distances). @defaultValue true */
  predictionData?: boolean;
}

/** Option table: drives validation, CLI flags and docs. */
export const HDBSCAN_SPEC = {
  minClusterSize: { type: 'int', min: 2, default: 5, doc: 'smallest cluster size' },
  minSamples: { type: 'int', min: 1, nullable: true, doc: 'core-distance neighbours, not counting the point (default minClusterSize; R minPts − 1)' },
  clusterSelectionEpsilon: { type: 'float', min: 0, default: 0, doc: 'do not split clusters below this distance' },
  clusterSelectionMethod: { type: 'enum', values: ['eom', 'leaf'], default: 'eom', doc: "'eom' (excess of mass) or 'leaf'" },
  allowSingleCluster: { type: 'bool', default: false, doc: 'allow one cluster for everything' },
  maxClusterSize: { type: 'int', min: 0, default: 0, doc: 'largest cluster EOM keeps (0 = no limit)' },
  alpha: { type: 'float', min: 0, exclusiveMin: true, default: 1, doc: 'distance scaling of robust single linkage' },
  metric: { type: 'enum', values: ['euclidean', 'manhattan', 'cosine'], default: 'euclidean', doc: 'distance between rows' },
  algorithm: { type: 'enum', values: ['auto', 'prim', 'boruvka'], default: 'auto', doc: "MST: 'prim' or 'boruvka' (KD-tree; euclidean/manhattan); 'auto' = boruvka when d ≤ 16" },
  predictionData: { type: 'bool', default: true, doc: 'keep data for approximatePredict and membership vectors' },
} as const satisfies OptionSpec;

/** Options after validation, as stored in the result. `minSamples` is the value used (default and clipping applied). */
export interface ResolvedHdbscanOptions {
  readonly minClusterSize: number;
  readonly minSamples: number;
  readonly clusterSelectionEpsilon: number;
  readonly clusterSelectionMethod: 'eom' | 'leaf';
  readonly allowSingleCluster: boolean;
  readonly maxClusterSize: number;
  readonly alpha: number;
  readonly metric: HdbscanMetric;
  /** The spanning-tree algorithm used ('auto' resolved). */
  readonly algorithm: 'prim' | 'boruvka';
  readonly predictionData: boolean;
}

/** What approximatePredict and the membership vectors read (the library's `prediction_data_`). */
export interface HdbscanPredictionData {
  /** Copy of the training rows [n × d]. */
  readonly data: Float32Array;
  /** Distance to the minSamples-th neighbour counting the point itself (one fewer than the fit, as the library). [n] */
  readonly coreDistances: Float64Array;
}

export interface HdbscanResult {
  readonly kind: 'hdbscan';
  readonly version: 1;
  readonly options: ResolvedHdbscanOptions;
  /** Rows and columns of the training data. */
  readonly n: number;
  readonly d: number;
  /** Number of clusters (noise excluded). */
  readonly k: number;
  /** Cluster of each row [n]: −1 noise, else 0..k−1 in ascending order of `selectedNodes`. */
  readonly labels: Int32Array;
  /** Membership strength in [0, 1] [n]: min(λ_p, λ_max(S)) / λ_max(S); 0 for noise. */
  readonly probabilities: Float64Array;
  /** GLOSH outlier score in [0, 1] [n] (the library's definition, see scores.ts). */
  readonly outlierScores: Float64Array;
  /** Persistence of each cluster [k]: stability / (size × largest λ). */
  readonly clusterPersistence: Float64Array;
  /** Condensed-tree node of each cluster [k], ascending. */
  readonly selectedNodes: Int32Array;
  /** Exemplar rows of all clusters, concatenated [Σ], cluster c at exemplarOffsets[c] … exemplarOffsets[c + 1]. */
  readonly exemplarRows: Int32Array;
  readonly exemplarOffsets: Int32Array;
  /** Core distance of each row [n] (to the minSamples-th other point). */
  readonly coreDistances: Float64Array;
  /** Mutual-reachability MST, edges ascending in distance [n − 1]. */
  readonly minimumSpanningTree: MstEdges;
  /** Single-linkage tree of the MST (SciPy layout, columnar) [n − 1]; see `linkageMatrix`. */
  readonly singleLinkageTree: SingleLinkageTree;
  /** Condensed tree (columns parent, child, lambdaVal, childSize). Root = n. */
  readonly condensedTree: CondensedTree;
  /** Stability of every condensed-tree cluster node c (index c − n), before selection. */
  readonly stability: Float64Array;
  /** The library's `relative_validity_` (an MST-based DBCV approximation), 0 with no cluster. */
  readonly relativeValidity: number;
  /** Present when options.predictionData (the default). */
  readonly predictionData: HdbscanPredictionData | null;
  /** Wall time of the core distances, the MST and the tree steps, seconds. */
  readonly coreSeconds: number;
  readonly mstSeconds: number;
  readonly treeSeconds: number;
  /** Degenerate but valid outcomes (no cluster found, minSamples clipped, …). */
  readonly warnings: readonly string[];
}

const WHERE = 'hdbscan';
type Given = Omit<ResolvedHdbscanOptions, 'minSamples' | 'algorithm'> & { minSamples?: number | null; algorithm: 'auto' | 'prim' | 'boruvka' } & RunControl;

/** Infinity → Number.MAX_VALUE, so results stay JSON-safe. */
function finite(a: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) if (a[i] === Infinity) a[i] = Number.MAX_VALUE;
  return a;
}

/**
 * Fit HDBSCAN on x [n × d]. The data are not mutated; with predictionData a copy is kept.
 * Cost: with Borůvka (the default for euclidean/manhattan, d ≤ 16) about O(n log n) KD-tree work
 * per round for the k-NN and the MST, worse as d grows (measured single-threaded, bench data:
 * 20 000 × 5-D ≈ 0.6 s, 1 000 000 × 2-D ≈ 9 s, 100 000 × 10-D ≈ 20 s, four fifths of it the
 * k-NN of the core distances); with Prim O(n²·d).
 * Memory O(n·d) plus the tree; the tree steps are O(n log n).
 * @throws ClusterkitError BAD_OPTION / UNKNOWN_OPTION / BAD_DATA / EMPTY_DATA / ABORTED.
 */
export function fit(x: MatrixLike, options: HdbscanOptions = {}): HdbscanResult {
  const X = toMatrix(x, WHERE);
  checkData(X, WHERE);
  const o = resolveOptions<Given>(WHERE, HDBSCAN_SPEC, options);
  const { rows: n, cols: d, data } = X;
  const warnings: string[] = [];
  let minSamples = o.minSamples ?? o.minClusterSize;
  if (minSamples > n - 1) {
    if (n > 1) warnings.push(`hdbscan: minSamples = ${minSamples} clipped to n − 1 = ${n - 1}.`);
    minSamples = Math.max(1, n - 1);
  }
  const treeOk = o.metric !== 'cosine';
  if (o.algorithm === 'boruvka' && !treeOk) badOption(WHERE, 'algorithm', "'auto' or 'prim' with metric 'cosine' (Borůvka uses a KD-tree)", o.algorithm);
  const algorithm = o.algorithm === 'auto' ? (treeOk && d <= KD_TREE_MAX_DIM ? 'boruvka' : 'prim') : o.algorithm;
  const opts: ResolvedHdbscanOptions = {
    minClusterSize: o.minClusterSize, minSamples, clusterSelectionEpsilon: o.clusterSelectionEpsilon,
    clusterSelectionMethod: o.clusterSelectionMethod, allowSingleCluster: o.allowSingleCluster,
    maxClusterSize: o.maxClusterSize, alpha: o.alpha, metric: o.metric, algorithm, predictionData: o.predictionData,
  };
  const ctl: RunControl = { onProgress: o.onProgress, signal: o.signal };

  let t0 = performance.now();
  const index = buildIndex(X, { metric: o.metric, algorithm: algorithm === 'boruvka' ? 'kd_tree' : 'auto' }, WHERE);
  const core = n > 1 ? coreUnits(o.metric, index, minSamples, ctl, WHERE)
    : { fit: new Float64Array(n), prediction: new Float64Array(n), neighbors: new Int32Array(0) };
  const coreSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const edges = algorithm === 'boruvka' && index.tree ? boruvkaMst(index.tree, o.metric, core.fit, o.alpha, ctl, WHERE, core.neighbors)
    : primMst(o.metric, data, n, d, core.fit, o.alpha, ctl, WHERE);
  const mst = sortEdges(edges);
  const mstSeconds = (performance.now() - t0) / 1000;

  t0 = performance.now();
  const slt = singleLinkage(n, mst);
  const tr = clusterSingleLinkage(slt, {
    minClusterSize: o.minClusterSize, clusterSelectionEpsilon: o.clusterSelectionEpsilon,
    clusterSelectionMethod: o.clusterSelectionMethod, allowSingleCluster: o.allowSingleCluster, maxClusterSize: o.maxClusterSize,
  });
  const relVal = relativeValidity(tr.labels, tr.k, mst);
  const treeSeconds = (performance.now() - t0) / 1000;
  if (tr.k === 0) warnings.push(`hdbscan: no cluster found; every point is noise (n = ${n}, minClusterSize = ${o.minClusterSize}).`);

  const coreDistances = core.fit.map((u) => toDistance(o.metric, u));
  return {
    kind: 'hdbscan', version: 1, options: opts, n, d, k: tr.k, labels: tr.labels, probabilities: tr.probabilities,
    outlierScores: tr.outlierScores, clusterPersistence: tr.clusterPersistence, selectedNodes: tr.selectedNodes,
    exemplarRows: tr.exemplarRows, exemplarOffsets: tr.exemplarOffsets, coreDistances, minimumSpanningTree: mst,
    singleLinkageTree: slt, condensedTree: tr.condensedTree, stability: tr.stability, relativeValidity: relVal,
    predictionData: o.predictionData
      ? { data: Float32Array.from(data), coreDistances: core.prediction.map((u) => toDistance(o.metric, u)) }
      : null,
    coreSeconds, mstSeconds, treeSeconds, warnings,
  };
}

/** Options of the tree half (`clusterSingleLinkage`): the selection options of HDBSCAN. */
export type TreeOptions = Pick<HdbscanOptions, 'minClusterSize' | 'clusterSelectionEpsilon' | 'clusterSelectionMethod' |
  'allowSingleCluster' | 'maxClusterSize'>;

/** What the tree half gives: the fields of HdbscanResult that depend only on the single-linkage tree. */
export type TreeClustering = Pick<HdbscanResult, 'k' | 'labels' | 'probabilities' | 'outlierScores' | 'clusterPersistence' |
  'selectedNodes' | 'exemplarRows' | 'exemplarOffsets' | 'condensedTree' | 'stability'>;

const TREE_KEYS = ['minClusterSize', 'clusterSelectionEpsilon', 'clusterSelectionMethod', 'allowSingleCluster', 'maxClusterSize'] as const;

/**
 * The tree half of HDBSCAN on a given single-linkage tree (SciPy layout, [n − 1] rows ascending
 * in distance; e.g. `model.singleLinkageTree`, or one from another implementation): condensed
 * tree, stability, selection, labels, probabilities, GLOSH scores, persistence and exemplars, as
 * `fit` computes them. Re-running it with another minClusterSize or selection method reuses an
 * expensive MST. Cost O(n log n); the tree is not mutated.
 */
export function clusterSingleLinkage(slt: SingleLinkageTree, options: TreeOptions = {}): TreeClustering {
  const where = `${WHERE}.clusterSingleLinkage`;
  for (const key of Object.keys(options ?? {})) {
    if (!(TREE_KEYS as readonly string[]).includes(key)) {
      throw new ClusterkitError('UNKNOWN_OPTION', `${where}: unknown option '${key}'. Known options: ${TREE_KEYS.join(', ')}.`, key);
    }
  }
  const given = options;
  const m = slt.distance.length;
  if (slt.left.length !== m || slt.right.length !== m || slt.size.length !== m) {
    throw new ClusterkitError('DIM_MISMATCH', `${where}: single-linkage columns must have equal lengths (n − 1). Got left ${slt.left.length}, right ${slt.right.length}, distance ${m}, size ${slt.size.length}.`);
  }
  for (let i = 0; i < m; i++) {
    const a = slt.left[i]!, b = slt.right[i]!, h = slt.distance[i]!;
    if (!(a >= 0 && a < m + 1 + i && b >= 0 && b < m + 1 + i && a !== b && h >= 0 && Number.isFinite(h) && (i === 0 || h >= slt.distance[i - 1]!))) {
      throw new ClusterkitError('BAD_DATA', `${where}: single-linkage row ${i} must merge two earlier nodes (< ${m + 1 + i}) at a finite distance ≥ the previous row's. Got (${a}, ${b}, ${h}).`);
    }
  }
  const o = resolveOptions<Given>(where, HDBSCAN_SPEC, given);
  const n = slt.distance.length + 1;
  const ct = condenseTree(slt, n, o.minClusterSize);
  const nc = ct.nClusters;
  const tree: CondensedTree = { parent: ct.parent, child: ct.child, lambdaVal: ct.lambdaVal, childSize: ct.childSize };
  const ix = indexTree(tree, n, nc);
  const stab = stability(tree, n, nc);
  const ownStab = Float64Array.from(stab);
  const sel = { method: o.clusterSelectionMethod, allowSingleCluster: o.allowSingleCluster, epsilon: o.clusterSelectionEpsilon, maxClusterSize: o.maxClusterSize };
  const selected = n > 1 ? selectClusters(ix, stab, sel) : new Int32Array(0);
  const { labels, probabilities } = labelPoints(tree, ix, selected, sel);
  const clusterPersistence = persistence(tree, n, selected, stab, labels);
  const outlierScores = glosh(tree, ix);
  const ex = exemplars(tree, ix, selected);
  return {
    k: selected.length, labels, probabilities, outlierScores, clusterPersistence: finite(clusterPersistence),
    selectedNodes: selected, exemplarRows: ex.rows, exemplarOffsets: ex.offsets,
    condensedTree: { ...tree, lambdaVal: finite(Float64Array.from(tree.lambdaVal)) }, stability: finite(ownStab),
  };
}

/** The cluster nodes of a condensed tree, columnar [m] (m = cluster nodes, the root first). */
export interface CondensedClusters {
  /** Node id (root = n, then n + 1, …). */
  readonly node: Int32Array;
  /** Parent node (−1 for the root). */
  readonly parent: Int32Array;
  /** λ at which the node was made (0 for the root), and the largest λ of its own rows (where its last points leave). */
  readonly lambdaBirth: Float64Array;
  readonly lambdaDeath: Float64Array;
  /** Points when made. */
  readonly size: Int32Array;
  /** Stability before selection. */
  readonly stability: Float64Array;
  /** Label of the node when selected, else −1. */
  readonly label: Int32Array;
}

/**
 * The cluster hierarchy of a fitted model (or of `clusterSingleLinkage`), one row per condensed-
 * tree cluster node: a plain view for plots (icicle, dendrogram) and nested-cluster listings.
 * A pure function of the result; λ = 1 / distance.
 */
export function condensedClusters(model: Pick<HdbscanResult, 'condensedTree' | 'selectedNodes' | 'stability' | 'labels'>): CondensedClusters {
  const n = model.labels.length, m = model.stability.length, t = model.condensedTree;
  const ix = indexTree(t, n, m);
  const label = new Int32Array(m).fill(-1);
  model.selectedNodes.forEach((c, r) => { label[c - n] = r; });
  return {
    node: Int32Array.from({ length: m }, (_, i) => n + i), parent: Int32Array.from(ix.parentOf),
    lambdaBirth: Float64Array.from(ix.birth), lambdaDeath: Float64Array.from(ix.ownMaxLambda), size: Int32Array.from(ix.sizeOf),
    stability: Float64Array.from(model.stability), label,
  };
}

/** The SciPy linkage matrix [(n − 1) × 4] (left, right, distance, size) of the single-linkage tree. */
export function linkageMatrix(model: Pick<HdbscanResult, 'singleLinkageTree'>): Float64Array {
  const t = model.singleLinkageTree, m = t.distance.length, out = new Float64Array(4 * m);
  for (let i = 0; i < m; i++) {
    out[4 * i] = t.left[i]!; out[4 * i + 1] = t.right[i]!; out[4 * i + 2] = t.distance[i]!; out[4 * i + 3] = t.size[i]!;
  }
  return out;
}

function predictModel(model: HdbscanResult, where: string): PredictModel {
  if (model === null || typeof model !== 'object' || model.kind !== 'hdbscan') {
    throw new ClusterkitError('BAD_MODEL', `${where}: model must be an HDBSCAN result (kind 'hdbscan'). Got ${model === null ? 'null' : typeof model === 'object' ? `kind ${JSON.stringify((model as { kind?: unknown }).kind)}` : typeof model}.`);
  }
  const pd = model.predictionData;
  if (!pd) {
    throw new ClusterkitError('BAD_MODEL', `${where}: model must hold prediction data. Got predictionData = null; fit with predictionData: true.`, 'predictionData');
  }
  return {
    n: model.n, d: model.d, metric: model.options.metric, minSamples: model.options.minSamples,
    condensedTree: model.condensedTree, selectedNodes: model.selectedNodes, exemplarRows: model.exemplarRows,
    exemplarOffsets: model.exemplarOffsets, data: pd.data, coreDistances: pd.coreDistances,
  };
}

function queries(model: HdbscanResult, points: MatrixLike, where: string): { q: Float32Array; m: number; pm: PredictModel } {
  const pm = predictModel(model, where);
  const Q = toMatrix(points, where);
  if (Q.rows > 0) { checkData(Q, where); checkCols(Q, model.d, where); }
  return { q: Q.data, m: Q.rows, pm };
}

/**
 * Cluster labels and probabilities of new points [m × d] (the library's `approximate_predict`):
 * each point joins the condensed tree where its nearest mutual-reachability neighbour among the
 * training rows (of its 2·minSamples nearest) would put it, without re-clustering. Labels of
 * training rows need not equal the fit labels. Needs prediction data. Cost O(m·n·d).
 */
export function approximatePredict(model: HdbscanResult, points: MatrixLike): { labels: Int32Array; probabilities: Float64Array } {
  const { q, m, pm } = queries(model, points, `${WHERE}.approximatePredict`);
  return predictPoints(pm, q, m);
}

/** Labels only, for the estimator registry: `approximatePredict(model, points).labels`. [m] */
export function predict(model: HdbscanResult, points: MatrixLike): Int32Array {
  return approximatePredict(model, points).labels;
}

/** GLOSH outlier scores of new points [m] (the library's `approximate_predict_scores`). Needs prediction data. */
export function approximatePredictScores(model: HdbscanResult, points: MatrixLike): Float64Array {
  const { q, m, pm } = queries(model, points, `${WHERE}.approximatePredictScores`);
  return predictScores(pm, q, m);
}

const checkTop = (top: number | undefined, where: string): number => {
  const t = top ?? 3;
  if (!Number.isInteger(t) || t < 1) {
    throw new ClusterkitError('BAD_OPTION', `${where}: option 'top' must be an integer in [1, inf]. Got ${String(top)}.`, 'top');
  }
  return t;
};

/**
 * Soft cluster membership of new points (the library's `membership_vector`), keeping the `top`
 * largest of the k entries per point (default 3; top ≥ k keeps all): clusters [m × top] and
 * values [m × top], descending. Needs prediction data.
 */
export function membershipVectors(model: HdbscanResult, points: MatrixLike, options: { top?: number } = {}): SoftMembership {
  const where = `${WHERE}.membershipVectors`;
  const top = checkTop(options.top, where);
  const { q, m, pm } = queries(model, points, where);
  return membershipPoints(pm, q, m, top);
}

/**
 * Soft cluster membership of the training rows (the library's `all_points_membership_vectors`,
 * which differs in form from `membership_vector`), top entries per row as `membershipVectors`.
 * Needs prediction data. Cost O(n · (exemplars · d + k · tree depth)).
 */
export function allPointsMembershipVectors(model: HdbscanResult, options: { top?: number } = {}): SoftMembership {
  const where = `${WHERE}.allPointsMembershipVectors`;
  const top = checkTop(options.top, where);
  return membershipTraining(predictModel(model, where), top);
}

/**
 * Full DBCV (Moulavi et al. 2014) of the fit's labels, with the fit's metric: the hdbscan library's
 * `validity.validity_index(X, labels_, metric)` (`relativeValidity` is its fast MST approximation).
 * @param x the [n × d] rows the model was fitted on. Cost O(Σ_C |C|²·d); NaN with one cluster (see `dbcv`).
 */
export function validityIndex(model: HdbscanResult, x: MatrixLike, options: Omit<DbcvOptions, 'metric'> = {}): DbcvResult {
  return dbcv(x, model.labels, { ...options, metric: model.options.metric });
}
