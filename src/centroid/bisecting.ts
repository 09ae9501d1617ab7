/**
 * Bisecting k-means (Steinbach, Karypis & Kumar 2000) with scikit-learn 1.2's `BisectingKMeans`
 * rules: start from one cluster holding every row; k − 1 times, pick a leaf and split it with a
 * 2-means (the best of `nInit` runs of `kmeans.fit` on that leaf's rows), until there are k leaves.
 *
 * Rules followed (scikit-learn 1.2.1 `_bisect_k_means.py`):
 * - `bisectingStrategy` 'biggest_inertia' splits the leaf of largest Σ w·‖x − centre‖², where the
 *   centre is the one its 2-means gave; 'largest_cluster' the leaf with most rows. Ties go to the
 *   first leaf in depth-first, left-before-right order.
 * - A restart replaces the best so far only when its inertia is lower by a factor (1 − 1e-6).
 * - Leaves are labelled 0..k−1 in depth-first, left-before-right order; child 0 of a 2-means is
 *   the left child. Node centres are the 2-means centres (the root's is the weighted mean).
 * - A 2-means of identical rows leaves one child empty; the empty leaf is kept (with a warning) and
 *   its label is unused, so that `predict`, which sends ties to the left child, agrees with the labels.
 * - `predict` descends the tree as scikit-learn does: at each split the row goes to the child with
 *   the nearer centre (squared Euclidean, ties → left), until a leaf. This can differ from the
 *   nearest leaf centre; the fit labels equal `predict(model, X)`.
 *
 * Differences from scikit-learn 1.2: `tol` is relative to the mean column variance of each split's
 * rows (as `kmeans.fit`; scikit-learn 1.2 passes it unscaled to its inner k-means), seeding uses
 * the sample weights, the root centre is the weighted mean, and leaves that cannot be split (one
 * row, or zero total weight) are never chosen.
 */
import { ClusterkitError } from '../core/errors.js';
import { type Matrix, type MatrixLike, toMatrix, checkData, checkCols, takeRows } from '../core/matrix.js';
import { resolveOptions, checkIntRange, type OptionSpec } from '../core/options.js';
import { createRng } from '../core/rng.js';
import { checkAbort, type RunControl } from '../core/control.js';
import { assignNearest, sqDistBlock, sqDistRow } from '../kernels/index.js';
import { fit as kmeansFit, checkWeights, seedCentroids, type KMeansResult } from './kmeans.js';

export interface BisectingKMeansOptions extends RunControl {
  /** Number of leaf clusters, in [1, n]. Required. */
  k: number;
  /** Seeding of each 2-means: 'random' rows (scikit-learn's default) or 'k-means++'. @defaultValue 'random' */
  init?: 'random' | 'k-means++';
  /** 2-means restarts per split (the lowest inertia wins). @defaultValue 1 */
  nInit?: number;
  /** Maximum iterations of each 2-means. @defaultValue 300 */
  maxIter?: number;
  /** Tolerance of each 2-means (× mean column variance of the split's rows). @defaultValue 1e-4 */
  tol?: number;
  /** Inner k-means algorithm. @defaultValue 'lloyd' */
  algorithm?: 'lloyd' | 'hamerly' | 'elkan';
  /** Which leaf to split next. @defaultValue 'biggest_inertia' */
  bisectingStrategy?: 'biggest_inertia' | 'largest_cluster';
  /** Seed: split s, restart r draws from createRng(seed).fork(s).fork(r). @defaultValue 0 */
  seed?: number;
  /** Non-negative weight per row [n]. @defaultValue all 1 */
  sampleWeight?: ArrayLike<number> | null;
}

const isNumArray = (v: unknown): boolean => ArrayBuffer.isView(v) || Array.isArray(v);

/** Option table: drives validation, CLI flags and docs. */
export const BISECTING_SPEC = {
  k: { type: 'int', min: 1, doc: 'number of leaf clusters (required)' },
  init: { type: 'enum', values: ['random', 'k-means++'], default: 'random', doc: 'seeding of each 2-means' },
  nInit: { type: 'int', min: 1, default: 1, doc: '2-means restarts per split' },
  maxIter: { type: 'int', min: 1, default: 300, doc: 'maximum iterations of each 2-means' },
  tol: { type: 'float', min: 0, default: 1e-4, doc: 'relative tolerance of each 2-means' },
  algorithm: { type: 'enum', values: ['lloyd', 'hamerly', 'elkan'], default: 'lloyd', doc: 'inner k-means algorithm' },
  bisectingStrategy: { type: 'enum', values: ['biggest_inertia', 'largest_cluster'], default: 'biggest_inertia', doc: 'which leaf to split next' },
  seed: { type: 'int', min: 0, default: 0, doc: 'random seed' },
  sampleWeight: { type: 'custom', expected: 'an array of n non-negative numbers', check: (v) => v === null || isNumArray(v), doc: 'weight per row' },
} as const satisfies OptionSpec;

export interface ResolvedBisectingKMeansOptions {
  readonly k: number;
  readonly init: 'random' | 'k-means++';
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly algorithm: 'lloyd' | 'hamerly' | 'elkan';
  readonly bisectingStrategy: 'biggest_inertia' | 'largest_cluster';
  readonly seed: number;
  readonly weighted: boolean;
}

/**
 * The bisection tree as a columnar table of m = 2·(leaves) − 1 nodes in creation order: node 0 is
 * the root; the s-th split (0-based) appends its left and right children as nodes 2s + 1, 2s + 2.
 */
export interface BisectingTree {
  /** Parent node, −1 for the root. [m] */
  readonly parent: Int32Array;
  /** Left and right child, −1 for leaves. [m] */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Training rows in the node. [m] */
  readonly size: Int32Array;
  /** Σ w of the node's rows. [m] */
  readonly weight: Float64Array;
  /** Σ w·‖x − centre‖² of the node's rows against the node's centre (float64). [m] */
  readonly inertia: Float64Array;
  /** 0 for the root. [m] */
  readonly depth: Int32Array;
  /** Cluster label of a leaf (0..k−1), −1 for internal nodes. [m] */
  readonly label: Int32Array;
  /** Which split (0-based) divided the node, −1 for leaves. [m] */
  readonly splitStep: Int32Array;
  /** Node centres [m × d], row-major. */
  readonly centres: Float32Array;
}

export interface BisectionStats {
  /** 0-based split. */
  readonly split: number;
  /** Node split, its rows and its inertia before the split. */
  readonly node: number;
  readonly size: number;
  readonly inertia: number;
  /** Inertia of the two children (Σ = the 2-means inertia). */
  readonly leftInertia: number;
  readonly rightInertia: number;
  /** Iterations of the winning 2-means run. */
  readonly nIter: number;
  readonly seconds: number;
}

export interface BisectingKMeansResult {
  readonly kind: 'bisecting-kmeans';
  readonly version: 1;
  readonly options: ResolvedBisectingKMeansOptions;
  readonly n: number;
  readonly d: number;
  /** Leaves (= options.k unless splitting had to stop early; see warnings). */
  readonly k: number;
  /** Leaf of each training row [n], 0..k−1. Equal to predict(model, X). */
  readonly labels: Int32Array;
  /** Leaf centres [k × d] in label order. */
  readonly centroids: Float32Array;
  /** Σ w·‖x − c_label‖² over all rows (float64). */
  readonly inertia: number;
  readonly tree: BisectingTree;
  /** One entry per split. */
  readonly history: readonly BisectionStats[];
  readonly warnings: readonly string[];
}

const WHERE = 'bisecting-kmeans';

interface Node {
  parent: number; left: number; right: number; rows: Int32Array; weight: number; inertia: number;
  depth: number; centre: Float32Array; score: number; splitStep: number;
}

/** Weighted mean [d] and Σ w·‖x − mean‖² of all rows. */
function rootNode(X: Matrix, w: Float64Array | null): Node {
  const { data, rows: n, cols: d } = X;
  const sum = new Float64Array(d);
  let ws = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    ws += wi;
    for (let t = 0; t < d; t++) sum[t]! += wi * data[i * d + t]!;
  }
  const centre = Float32Array.from(sum, (v) => v / ws);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += (w ? w[i]! : 1) * sqDistRow(data, i, centre, 0, d);
  return { parent: -1, left: -1, right: -1, rows: Int32Array.from({ length: n }, (_, i) => i), weight: ws, inertia,
    depth: 0, centre, score: 0, splitStep: -1 };
}

/** Leaves in depth-first, left-before-right order. */
function leavesInOrder(nodes: Node[]): number[] {
  const out: number[] = [], stack = [0];
  while (stack.length) {
    const v = stack.pop()!;
    const nd = nodes[v]!;
    if (nd.left < 0) out.push(v); else stack.push(nd.right, nd.left);
  }
  return out;
}

/**
 * Fit bisecting k-means. Each split copies its rows once (O(rows·d)); the input is never mutated.
 * Cost Σ over splits of a 2-means on the split's rows, O(n·d·iterations·depth) overall.
 * onProgress is called per split; the signal is checked per split and inside each 2-means.
 * @throws ClusterkitError BAD_OPTION / UNKNOWN_OPTION / BAD_DATA / EMPTY_DATA / DIM_MISMATCH / ABORTED.
 */
export function fit(x: MatrixLike, options: BisectingKMeansOptions): BisectingKMeansResult {
  const X = toMatrix(x, WHERE);
  checkData(X, WHERE);
  if (options === null || typeof options !== 'object' || options.k === undefined) {
    throw new ClusterkitError('BAD_OPTION', `${WHERE}: option 'k' must be given (number of clusters). Got undefined.`, 'k');
  }
  const o = resolveOptions<Required<Omit<BisectingKMeansOptions, 'sampleWeight'>> & Pick<BisectingKMeansOptions, 'sampleWeight'>>(
    WHERE, BISECTING_SPEC, options);
  const n = X.rows, d = X.cols, k = o.k;
  checkIntRange(WHERE, 'k', k, 1, n, 'n');
  const w = checkWeights(o.sampleWeight, n, WHERE);
  const rng = createRng(o.seed);
  const warnings: string[] = [];
  const history: BisectionStats[] = [];
  const nodes: Node[] = [rootNode(X, w)];

  for (let s = 0; s < k - 1; s++) {
    checkAbort(o.signal, WHERE);
    const t0 = performance.now();
    // Choose the leaf: highest score, first in depth-first order; only splittable leaves.
    let pick = -1;
    for (const v of leavesInOrder(nodes)) {
      const nd = nodes[v]!;
      if (nd.rows.length < 2 || !(nd.weight > 0)) continue;
      if (pick < 0 || nd.score > nodes[pick]!.score) pick = v;
    }
    if (pick < 0) {
      warnings.push(`${WHERE}: stopped at ${s + 1} leaves, fewer than k = ${k}: no leaf has 2 rows of positive total weight.`);
      break;
    }
    const node = nodes[pick]!;
    const sub = takeRows(X, node.rows);
    const sw = w ? Float64Array.from(node.rows, (i) => w[i]!) : null;
    let best: KMeansResult | null = null;
    for (let r = 0; r < o.nInit; r++) {
      const c0 = seedCentroids(sub, 2, o.init, rng.fork(s).fork(r), sw);
      const run = kmeansFit(sub, { k: 2, init: c0, maxIter: o.maxIter, tol: o.tol, algorithm: o.algorithm, sampleWeight: sw, signal: o.signal });
      if (!best || run.inertia < best.inertia * (1 - 1e-6)) best = run;
    }
    const b = best!;
    const rowsL: number[] = [], rowsR: number[] = [];
    let wL = 0, wR = 0, inL = 0, inR = 0;
    for (let t = 0; t < sub.rows; t++) {
      const wi = sw ? sw[t]! : 1, dist = wi * sqDistRow(sub.data, t, b.centroids, b.labels[t]!, d);
      if (b.labels[t] === 0) { rowsL.push(node.rows[t]!); wL += wi; inL += dist; } else { rowsR.push(node.rows[t]!); wR += wi; inR += dist; }
    }
    const child = (rows: number[], weight: number, inertia: number, j: number): Node => ({
      parent: pick, left: -1, right: -1, rows: Int32Array.from(rows), weight, inertia, depth: node.depth + 1,
      centre: b.centroids.slice(j * d, j * d + d), score: o.bisectingStrategy === 'biggest_inertia' ? inertia : rows.length, splitStep: -1,
    });
    if (rowsL.length === 0 || rowsR.length === 0) {
      warnings.push(`${WHERE}: split ${s} of node ${pick} (${node.rows.length} rows) left its ${rowsL.length === 0 ? 'left' : 'right'} child empty: the rows are identical (fewer distinct points than k).`);
    }
    node.left = nodes.length; node.right = nodes.length + 1; node.splitStep = s;
    nodes.push(child(rowsL, wL, inL, 0), child(rowsR, wR, inR, 1));
    history.push({ split: s, node: pick, size: node.rows.length, inertia: node.inertia, leftInertia: inL, rightInertia: inR,
      nIter: b.nIter, seconds: (performance.now() - t0) / 1000 });
    o.onProgress?.({ stage: WHERE, done: s + 1, total: k - 1 });
  }

  const leaves = leavesInOrder(nodes);
  const kk = leaves.length, m = nodes.length;
  const labels = new Int32Array(n), centroids = new Float32Array(kk * d);
  const tree = {
    parent: new Int32Array(m), left: new Int32Array(m), right: new Int32Array(m), size: new Int32Array(m),
    weight: new Float64Array(m), inertia: new Float64Array(m), depth: new Int32Array(m), label: new Int32Array(m).fill(-1),
    splitStep: new Int32Array(m), centres: new Float32Array(m * d),
  };
  nodes.forEach((nd, v) => {
    tree.parent[v] = nd.parent; tree.left[v] = nd.left; tree.right[v] = nd.right; tree.size[v] = nd.rows.length;
    tree.weight[v] = nd.weight; tree.inertia[v] = nd.inertia; tree.depth[v] = nd.depth; tree.splitStep[v] = nd.splitStep;
    tree.centres.set(nd.centre, v * d);
  });
  leaves.forEach((v, j) => {
    const nd = nodes[v]!;
    tree.label[v] = j;
    centroids.set(nd.centre, j * d);
    for (const i of nd.rows) labels[i] = j;
  });
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += (w ? w[i]! : 1) * sqDistRow(X.data, i, centroids, labels[i]!, d);
  return {
    kind: 'bisecting-kmeans', version: 1,
    options: { k, init: o.init, nInit: o.nInit, maxIter: o.maxIter, tol: o.tol, algorithm: o.algorithm,
      bisectingStrategy: o.bisectingStrategy, seed: o.seed, weighted: w !== null },
    n, d, k: kk, labels, centroids, inertia, tree, history, warnings,
  };
}

/**
 * Leaf of each row of x [n × d], descending the tree: at each internal node the row goes to the
 * child with the nearer centre (squared Euclidean through `assignNearest`, ties → left). Cost
 * O(n·d·depth). Not always the nearest leaf centre (scikit-learn's rule too).
 */
export function predict(model: BisectingKMeansResult, x: MatrixLike): Int32Array {
  const where = `${WHERE}.predict`;
  const X = toMatrix(x, where);
  checkData(X, where);
  checkCols(X, model.d, where);
  const { tree } = model, d = model.d, n = X.rows;
  const labels = new Int32Array(n), side = new Int32Array(n), dist = new Float64Array(n);
  const pair = new Float32Array(2 * d);
  const stack: [number, Int32Array][] = [[0, Int32Array.from({ length: n }, (_, i) => i)]];
  while (stack.length) {
    const [v, rows] = stack.pop()!;
    if (rows.length === 0) continue;
    const l = tree.left[v]!, r = tree.right[v]!;
    if (l < 0) { for (const i of rows) labels[i] = tree.label[v]!; continue; }
    pair.set(tree.centres.subarray(l * d, l * d + d), 0);
    pair.set(tree.centres.subarray(r * d, r * d + d), d);
    assignNearest(X.data, n, d, pair, 2, side, dist, null, rows, rows.length);
    let nl = 0;
    for (const i of rows) if (side[i] === 0) nl++;
    const L = new Int32Array(nl), R = new Int32Array(rows.length - nl);
    let a = 0, b = 0;
    for (const i of rows) if (side[i] === 0) L[a++] = i; else R[b++] = i;
    stack.push([r, R], [l, L]);
  }
  return labels;
}

/** Euclidean distance of each row to each leaf centre: [n × k] float32 (as kmeans.transform). */
export function transform(model: BisectingKMeansResult, x: MatrixLike): Float32Array {
  const where = `${WHERE}.transform`;
  const X = toMatrix(x, where);
  checkData(X, where);
  checkCols(X, model.d, where);
  const out = new Float32Array(X.rows * model.k);
  sqDistBlock(X.data, X.rows, model.centroids, model.k, X.cols, out);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]!);
  return out;
}
