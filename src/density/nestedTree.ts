/**
 * Nested density tree (Haschka & Bakarji, "Semantic Tree Inference", arXiv 2512.23471; method
 * notes in the design folder): a hierarchy of clusters from the densest groups (leaves) up to
 * one root holding every row, each node with its members, size, density level and children.
 *
 * Two sources:
 * - `fromHdbscan(model)`: the cluster nodes of HDBSCAN's condensed tree (levels are λ = 1 / distance).
 * - `fromDbscanSweep(x, {eps, minSamples})`: DBSCAN at each ε of an ascending list (levels are ε).
 *   For a fixed minSamples, core rows and their clusters only grow with ε, so each cluster at ε
 *   sits inside exactly one cluster at the next ε (the one holding its core rows). Chains of
 *   clusters with identical members across consecutive ε are merged into one node.
 *
 * Members are stored once: `order` is a permutation of the rows [n] and node v holds
 * `order[start … end)` (its own rows first, then each child's range), so the tree costs
 * O(n) + O(nodes) memory. The tree is plain data (`toJSON` / `fromJSON` round trip it).
 *
 * Border rows in the sweep: DBSCAN gives a non-core row to the first cluster that reaches it, so
 * a border row of cluster A at ε may go to a cluster other than A's at a larger ε. The tree
 * keeps each row in the chain of the first cluster it joined (so members nest); the few rows
 * where DBSCAN's own label differs are listed in `switches`, and `layerLabels(tree, i)`
 * rebuilds DBSCAN's labels at `eps[i]` exactly.
 */
import { ClusterkitError, badOption, show } from '../core/errors.js';
import { type MatrixLike, toMatrix, checkData } from '../core/matrix.js';
import { buildIndex, queryKnn, KD_TREE_MAX_DIM, type NeighborMetric } from '../neighbors/index.js';
import { fit as dbscanFit } from './dbscan.js';
import { boruvkaMst } from './hdbscan/boruvka.js';
import { primMst } from './hdbscan/mst.js';
import { unitsRow } from './hdbscan/distances.js';
import { condensedClusters, type HdbscanResult } from './hdbscan.js';

/** One node of a nested density tree. */
export interface NestedTreeNode {
  /** Index in `tree.nodes`; the root is 0 and every parent comes before its children. */
  readonly id: number;
  /** Parent id, −1 for the root. */
  readonly parent: number;
  /** Child ids, ascending. */
  readonly children: readonly number[];
  /** Members are `tree.order[start … end)`; the first `ownSize` of them belong to no child. */
  readonly start: number;
  readonly end: number;
  /** Number of members (end − start). */
  readonly size: number;
  /** Members that fall in no child (HDBSCAN: rows leaving this cluster as noise; sweep: rows first clustered here). */
  readonly ownSize: number;
  /** Depth below the root (root 0). */
  readonly depth: number;
  /** Density level of the node, = birth: λ (hdbscan) or ε (sweep). */
  readonly level: number;
  /** hdbscan: λ at which the node splits off its parent (0 for the root). Sweep: the smallest ε at which the node exists. */
  readonly birth: number;
  /** hdbscan: largest λ of its own rows (where its last points leave; Number.MAX_VALUE for zero distances).
   *  Sweep: the ε at which it merges into its parent (= parent's birth; the root: the largest ε it is seen at). */
  readonly death: number;
  /** Name `L{layer}C{cluster}N{size}` (hdbscan: layer = depth, cluster = condensed node id − n). */
  readonly name: string;
  /** hdbscan: flat label when the node is a selected cluster, else −1. Sweep: DBSCAN label at `firstLayer` (−1 for a synthetic root). */
  readonly cluster: number;
  /** Sweep: first and last layer (index into `layers`) the node stands for (a synthetic root: layers.length); hdbscan: −1. */
  readonly firstLayer: number;
  readonly lastLayer: number;
  /** Text hook, filled by `annotateTree`. */
  readonly label?: string;
  readonly keywords?: readonly string[];
}

/** One ε of a sweep. */
export interface SweepLayer {
  readonly eps: number;
  /** DBSCAN clusters at this ε. */
  readonly nClusters: number;
  /** Node of each DBSCAN cluster label [nClusters]. */
  readonly nodeOfCluster: Int32Array;
  /** 1 − noise fraction. */
  readonly coverage: number;
}

export interface NestedTree {
  readonly kind: 'nested-tree';
  readonly version: 1;
  readonly source: 'hdbscan' | 'dbscan-sweep';
  /** Unit of level/birth/death: 'lambda' (1 / distance, larger = denser) or 'eps' (distance, smaller = denser). */
  readonly levelKind: 'lambda' | 'eps';
  /** Rows. */
  readonly n: number;
  /** Permutation of 0…n−1 [n]; node v holds order[v.start … v.end). */
  readonly order: Int32Array;
  readonly nodes: readonly NestedTreeNode[];
  /** Sweep only (empty for hdbscan), ascending ε. */
  readonly layers: readonly SweepLayer[];
  /** Sweep: border rows whose DBSCAN cluster at a layer is not the tree's (columnar, [m]): row, layer, DBSCAN label. */
  readonly switches: { readonly row: Int32Array; readonly layer: Int32Array; readonly cluster: Int32Array };
  /** Sweep: the options used (hdbscan: the model's minClusterSize etc. are in the model). */
  readonly options: { readonly minSamples: number; readonly metric: string; readonly method: 'mst' | 'direct' } | null;
  readonly warnings: readonly string[];
}

const WHERE = 'nestedTree';

interface Draft { parent: number; birth: number; death: number; name: string; cluster: number; firstLayer: number; lastLayer: number }

/** Lay out members: `home[i]` = deepest node holding row i. Nodes must list parents first. */
function assemble(drafts: Draft[], home: Int32Array, base: Omit<NestedTree, 'order' | 'nodes'>): NestedTree {
  const m = drafts.length, n = home.length;
  const own = new Int32Array(m), size = new Int32Array(m), start = new Int32Array(m), depth = new Int32Array(m);
  const children: number[][] = drafts.map(() => []);
  for (let v = 1; v < m; v++) { children[drafts[v]!.parent]!.push(v); depth[v] = depth[drafts[v]!.parent]! + 1; }
  for (let i = 0; i < n; i++) own[home[i]!]!++;
  for (let v = m - 1; v >= 0; v--) { size[v]! += own[v]!; if (v > 0) size[drafts[v]!.parent]! += size[v]!; }
  for (let v = 0; v < m; v++) {
    let cur = start[v]! + own[v]!;
    for (const c of children[v]!) { start[c] = cur; cur += size[c]!; }
  }
  const pos = Int32Array.from(start), order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[pos[home[i]!]!++] = i;
  const nodes: NestedTreeNode[] = drafts.map((d, v) => ({
    id: v, parent: d.parent, children: children[v]!, start: start[v]!, end: start[v]! + size[v]!, size: size[v]!,
    ownSize: own[v]!, depth: depth[v]!, level: d.birth, birth: d.birth, death: d.death,
    name: d.name.replace('{size}', String(size[v]!)).replace('{depth}', String(depth[v]!)),
    cluster: d.cluster, firstLayer: d.firstLayer, lastLayer: d.lastLayer,
  }));
  return { ...base, order, nodes } as NestedTree;
}

const noSwitches = () => ({ row: new Int32Array(0), layer: new Int32Array(0), cluster: new Int32Array(0) });

/**
 * The nested tree of a fitted HDBSCAN model: one node per cluster node of the condensed tree
 * (root = all n rows, λ = 0), levels in λ = 1 / distance. A row's deepest node is the cluster it
 * leaves (as noise or at the leaf). Selected clusters keep their flat label in `cluster`.
 * A pure function of the model; O(n + nodes).
 */
export function fromHdbscan(model: Pick<HdbscanResult, 'condensedTree' | 'selectedNodes' | 'stability' | 'labels'>): NestedTree {
  const n = model.labels.length;
  if (n === 0 || model.stability.length === 0) {
    throw new ClusterkitError('BAD_MODEL', `${WHERE}: the HDBSCAN model must have a condensed tree (n ≥ 2). Got ${n} rows.`);
  }
  const cc = condensedClusters(model);
  const m = cc.node.length;
  const drafts: Draft[] = [];
  for (let v = 0; v < m; v++) {
    drafts.push({
      parent: v === 0 ? -1 : cc.parent[v]! - n, birth: cc.lambdaBirth[v]!, death: cc.lambdaDeath[v]!,
      name: `L{depth}C${v}N{size}`, cluster: cc.label[v]!, firstLayer: -1, lastLayer: -1,
    });
  }
  const home = new Int32Array(n); // rows missing from the tree (n = 1) stay at the root
  const t = model.condensedTree;
  for (let r = 0; r < t.child.length; r++) if (t.child[r]! < n) home[t.child[r]!] = t.parent[r]! - n;
  return assemble(drafts, home, {
    kind: 'nested-tree', version: 1, source: 'hdbscan', levelKind: 'lambda', n, layers: [], switches: noSwitches(),
    options: null, warnings: [],
  });
}

/** Options of `fromDbscanSweep`. */
export interface DbscanSweepOptions {
  /** The ε values (distance units, > 0, finite, at least one), sorted ascending and de-duplicated
   *  here (any order is accepted; a warning says when it was reordered); or the paper's adaptive
   *  schedule {start: ε₀, step: Δε} (method 'mst' only): ε₀ halved while it gives one cluster, then
   *  ε₀ + j·Δε kept whenever it gives strictly fewer clusters than the last kept layer, up to one
   *  cluster. Cluster counts per ε come from the sorted core distances and MST edges, so small
   *  steps (the paper's Δε = 1e-4) cost O(log n) per step. */
  eps: readonly number[] | AdaptiveEps;
  /** DBSCAN minSamples (neighbourhood count, the row itself included). @defaultValue 5 */
  minSamples?: number;
  /** Distance, as DBSCAN ('precomputed' not supported here). @defaultValue 'euclidean' */
  metric?: Exclude<NeighborMetric, 'precomputed'>;
  /** 'mst': one k-NN pass (k = minSamples) and one mutual-reachability spanning tree (HDBSCAN's),
   *  then every ε by union–find over the sorted tree edges, borders from the k-NN lists
   *  (O(n log n) per ε after the tree). 'direct': `dbscan.fit` at every ε. Both give DBSCAN's
   *  labels (core rows, components, and border rows to the lowest-numbered cluster reaching them);
   *  the tests check they agree. @defaultValue 'mst' */
  method?: 'mst' | 'direct';
}

/** Receives DBSCAN's result at each ε, ascending: labels [n] (−1 noise), cluster count, core flags [n]. */
type LayerSink = (eps: number, labels: Int32Array, k: number, isCore: Uint8Array) => void;

/** The paper's adaptive ε schedule (see `DbscanSweepOptions.eps`). */
export interface AdaptiveEps {
  /** ε₀ (> 0); halved (at most 20 times) while it gives a single cluster. */
  readonly start: number;
  /** Δε (> 0): ε = ε₀ + j·Δε, j = 1, 2, …; a layer is kept when it has strictly fewer clusters than the last kept one. */
  readonly step: number;
  /** Largest j tried. @defaultValue 1 000 000 */
  readonly maxSteps?: number;
}

/** Number of entries ≤ v in an ascending array. */
function upperBound(a: Float64Array, v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (a[mid]! <= v) lo = mid + 1; else hi = mid; }
  return lo;
}

/** DBSCAN at each ε (ascending) from the mutual-reachability MST; see DbscanSweepOptions.method. */
function sweepMst(X: ReturnType<typeof toMatrix>, epsIn: number[] | AdaptiveEps, minSamples: number, metric: 'euclidean' | 'manhattan' | 'cosine',
  warnings: string[], sink: LayerSink): void {
  const n = X.rows, d = X.cols, x = X.data, m = Math.min(minSamples, n);
  const units = (e: number): number => (metric === 'euclidean' ? e * e : e);
  const useTree = metric !== 'cosine' && d <= KD_TREE_MAX_DIM;
  const index = buildIndex(X, { metric, algorithm: useTree ? 'kd_tree' : 'brute' }, WHERE);
  // the m nearest rows counting the row itself; core units = units to the m-th (DBSCAN: count within ε ≥ m)
  const knn = queryKnn(index, null, m, { includeSelf: true }, WHERE).indices;
  const core = new Float64Array(n);
  for (let i = 0; i < n; i++) core[i] = minSamples > n ? Infinity : unitsRow(metric, x, i, x, knn[i * m + m - 1]!, d);
  const mstCore = core.map((c) => (Number.isFinite(c) ? c : Number.MAX_VALUE));
  const ctl = {};
  const e = n < 2 ? { from: new Int32Array(0), to: new Int32Array(0), distance: new Float64Array(0) }
    : useTree && index.tree ? boruvkaMst(index.tree, metric, mstCore, 1, ctl, WHERE) : primMst(metric, x, n, d, mstCore, 1, ctl, WHERE);
  // exact edge units (max of both core units and the pair's units), ascending
  const ne = e.from.length, w = new Float64Array(ne);
  for (let t = 0; t < ne; t++) w[t] = Math.max(core[e.from[t]!]!, core[e.to[t]!]!, unitsRow(metric, x, e.from[t]!, x, e.to[t]!, d));
  const byW = Int32Array.from({ length: ne }, (_, t) => t).sort((a, b) => w[a]! - w[b]!);
  let eps: number[];
  if (Array.isArray(epsIn)) eps = epsIn;
  else {
    // clusters at ε = core rows − MST edges within ε (those edges join core rows only)
    const a = epsIn as AdaptiveEps, cs = Float64Array.from(core).sort(), ws = Float64Array.from(w).sort();
    const count = (ep: number): number => upperBound(cs, units(ep)) - upperBound(ws, units(ep));
    let e0 = a.start;
    for (let t = 0; t < 20 && count(e0) === 1; t++) e0 /= 2;
    eps = [e0];
    let last = count(e0), j = 1;
    const maxSteps = a.maxSteps ?? 1_000_000;
    if (last === 0) warnings.push(`${WHERE}: no cluster at ε₀ = ${e0}; the sweep stops there.`);
    for (; last > 1 && j <= maxSteps; j++) {
      const ep = Number((e0 + j * a.step).toPrecision(12)), c = count(ep); // no 0.06910000000000001
      if (c < last) { eps.push(ep); last = c; }
    }
    if (last > 1) warnings.push(`${WHERE}: ${last} clusters left after maxSteps = ${maxSteps} steps of Δε = ${a.step}; raise step or maxSteps.`);
  }
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (v: number): number => {
    let r = v;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[v] !== r) { const nx = parent[v]!; parent[v] = r; v = nx; }
    return r;
  };
  const rootLabel = new Int32Array(n);
  let next = 0;
  for (const ep of eps) {
    const eu = units(ep);
    for (; next < ne && w[byW[next]!]! <= eu; next++) {
      const a = find(e.from[byW[next]!]!), b = find(e.to[byW[next]!]!);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
    const isCore = new Uint8Array(n), labels = new Int32Array(n).fill(-1);
    rootLabel.fill(-1);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (!(core[i]! <= eu)) continue;
      isCore[i] = 1;
      const r = find(i);
      if (rootLabel[r] === -1) rootLabel[r] = k++;
      labels[i] = rootLabel[r]!;
    }
    for (let i = 0; i < n; i++) {
      if (isCore[i]) continue;
      let best = -1; // all rows within ε of a non-core row are among its m nearest
      for (let t = 0; t < m; t++) {
        const j = knn[i * m + t]!;
        if (j !== i && isCore[j] && (best === -1 || labels[j]! < best) && unitsRow(metric, x, i, x, j, d) <= eu) best = labels[j]!;
      }
      labels[i] = best;
    }
    sink(ep, labels, k, isCore);
  }
}

/**
 * Nested tree from DBSCAN at each ε (ascending): clusters at a smaller ε are children of the
 * cluster at the next ε holding their core rows; a cluster with the same members as its parent
 * cluster is merged into it (birth = smallest ε of the chain). When the largest ε does not give
 * one cluster holding every row, a root (cluster −1, birth = death = largest ε) holds all rows,
 * noise included. The data are viewed, never mutated. Cost with method 'mst' (default): one k-NN
 * query and HDBSCAN's spanning tree (Borůvka on the KD-tree for euclidean/manhattan with d ≤ 16,
 * else Prim, O(n²·d)), then O(n·minSamples) per ε; with 'direct', one `dbscan.fit` per ε.
 * Memory O(n) working (one layer at a time) plus O(n + nodes + switches) kept.
 * @throws ClusterkitError BAD_OPTION (empty or non-positive ε list, bad minSamples, unknown keys) / BAD_DATA / EMPTY_DATA.
 */
export function fromDbscanSweep(x: MatrixLike, options: DbscanSweepOptions): NestedTree {
  if (options === null || typeof options !== 'object') badOption(WHERE, 'eps', 'a non-empty array of ε > 0', options);
  for (const key of Object.keys(options)) {
    if (!['eps', 'minSamples', 'metric', 'method'].includes(key)) {
      throw new ClusterkitError('UNKNOWN_OPTION', `${WHERE}: option '${key}' must be one of eps, minSamples, metric, method. Got ${show(key)}.`, key);
    }
  }
  const raw = options.eps;
  const adaptive = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw as AdaptiveEps : null;
  if (adaptive) {
    for (const key of Object.keys(adaptive)) {
      if (!['start', 'step', 'maxSteps'].includes(key)) {
        throw new ClusterkitError('UNKNOWN_OPTION', `${WHERE}: option 'eps.${key}' must be one of start, step, maxSteps. Got ${show(key)}.`, 'eps');
      }
    }
    for (const key of ['start', 'step'] as const) {
      const v = adaptive[key];
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) badOption(WHERE, `eps.${key}`, 'a finite number > 0', v);
    }
    const ms = adaptive.maxSteps;
    if (ms !== undefined && (!Number.isInteger(ms) || ms < 1)) badOption(WHERE, 'eps.maxSteps', 'an integer ≥ 1', ms);
    if (options.method === 'direct') badOption(WHERE, 'method', "'mst' with an adaptive eps schedule", options.method);
  } else {
    if (!Array.isArray(raw) || raw.length === 0) badOption(WHERE, 'eps', 'a non-empty array of ε > 0 or {start, step}', raw);
    for (const e of raw) if (typeof e !== 'number' || !Number.isFinite(e) || e <= 0) badOption(WHERE, 'eps', 'finite numbers > 0', e);
  }
  const given = adaptive ? [] : raw as readonly number[];
  const eps = Array.from(new Set(given)).sort((a, b) => a - b);
  const minSamples = options.minSamples ?? 5, metric = options.metric ?? 'euclidean';
  if (!['euclidean', 'manhattan', 'cosine'].includes(metric)) badOption(WHERE, 'metric', "'euclidean', 'manhattan' or 'cosine'", metric);
  const method = options.method ?? 'mst';
  if (method !== 'mst' && method !== 'direct') badOption(WHERE, 'method', "'mst' or 'direct'", method);
  if (!Number.isInteger(minSamples) || minSamples < 1) badOption(WHERE, 'minSamples', 'an integer ≥ 1', minSamples);
  const X = toMatrix(x, WHERE);
  checkData(X, WHERE);
  const n = X.rows;
  const warnings: string[] = [];
  if (given.length !== eps.length || given.some((e, i) => e !== eps[i])) warnings.push(`${WHERE}: eps sorted ascending and de-duplicated to [${eps.join(', ')}].`);

  // Bottom-up, one layer at a time (O(n) working memory): the tree cluster of each row at ε_i is
  // the parent (at ε_i) of its tree cluster at ε_{i−1}, or its DBSCAN cluster if it was noise.
  const drafts: Draft[] = [];
  const home = new Int32Array(n).fill(-1);
  const layerEps: number[] = [], layerK: number[] = [], layerNode: Int32Array[] = [], coverage: number[] = [];
  const sw: number[] = [];
  let prevLab: Int32Array = new Int32Array(0), prevCore: Uint8Array = new Uint8Array(0), prevTree: Int32Array = new Int32Array(0), prevSize: Int32Array = new Int32Array(0);
  const sink: LayerSink = (ep, lab, k, isCore) => {
    const i = layerEps.length, tree = new Int32Array(n), size = new Int32Array(k), nodeOf = new Int32Array(k);
    let up = new Int32Array(0);
    if (i === 0) tree.set(lab);
    else {
      up = new Int32Array(prevSize.length).fill(-1); // parent cluster of each previous cluster, via its first core row
      for (let p = 0; p < n; p++) { const c = prevLab[p]!; if (c >= 0 && prevCore[p] && up[c] === -1) up[c] = lab[p]!; }
      for (let p = 0; p < n; p++) {
        tree[p] = prevTree[p]! >= 0 ? up[prevTree[p]!]! : lab[p]!;
        if (tree[p] !== lab[p]) sw.push(p, i, lab[p]!);
      }
    }
    let noise = 0;
    for (let p = 0; p < n; p++) { if (tree[p]! >= 0) size[tree[p]!]!++; if (lab[p]! < 0) noise++; }
    const nChild = new Int32Array(k), onlyChild = new Int32Array(k).fill(-1);
    for (let c = 0; c < up.length; c++) { nChild[up[c]!]!++; onlyChild[up[c]!] = c; }
    for (let c = 0; c < k; c++) {
      const only = onlyChild[c]!;
      if (i > 0 && nChild[c] === 1 && prevSize[only] === size[c]) { // same members: the chain goes on
        nodeOf[c] = layerNode[i - 1]![only]!;
        drafts[nodeOf[c]!]!.lastLayer = i;
      } else {
        nodeOf[c] = drafts.length;
        drafts.push({ parent: -1, birth: ep, death: ep, name: `L${i}C${c}N{size}`, cluster: c, firstLayer: i, lastLayer: i });
      }
    }
    for (let c = 0; c < up.length; c++) {
      const v = layerNode[i - 1]![c]!;
      if (v !== nodeOf[up[c]!]) drafts[v]!.parent = nodeOf[up[c]!]!;
    }
    for (let p = 0; p < n; p++) if (tree[p]! >= 0 && home[p] === -1) home[p] = nodeOf[tree[p]!]!;
    layerEps.push(ep); layerK.push(k); layerNode.push(nodeOf); coverage.push(n > 0 ? 1 - noise / n : 0);
    prevLab = lab; prevCore = isCore; prevTree = tree; prevSize = size;
  };
  if (method === 'mst') sweepMst(X, adaptive ?? eps, minSamples, metric, warnings, sink);
  else for (const e of eps) { const r = dbscanFit(X, { eps: e, minSamples, metric }); sink(e, r.labels, r.k, r.isCore); }
  const L = layerEps.length, top = L - 1, epsTop = layerEps[top]!;
  // the root: the one cluster of the largest ε if it holds every row, else a node above the top clusters
  let root: number;
  if (layerK[top] === 1 && home.every((h) => h >= 0)) root = layerNode[top]![0]!;
  else {
    root = drafts.length;
    drafts.push({ parent: -1, birth: epsTop, death: epsTop, name: `L${L}C0N{size}`, cluster: -1, firstLayer: L, lastLayer: L });
    for (let c = 0; c < layerK[top]!; c++) drafts[layerNode[top]![c]!]!.parent = root;
    for (let p = 0; p < n; p++) if (home[p] === -1) home[p] = root;
  }
  // renumber top-down (breadth first, children in order of creation) so parents come first
  const kids: number[][] = drafts.map(() => []);
  drafts.forEach((d, v) => { if (d.parent >= 0) kids[d.parent]!.push(v); });
  const newId = new Int32Array(drafts.length).fill(-1), bfs = [root];
  newId[root] = 0;
  for (let h = 0; h < bfs.length; h++) for (const c of kids[bfs[h]!]!) { newId[c] = bfs.length; bfs.push(c); }
  const ordered: Draft[] = bfs.map((v) => {
    const d = drafts[v]!;
    return { ...d, parent: d.parent >= 0 ? newId[d.parent]! : -1, death: d.parent >= 0 ? drafts[d.parent]!.birth : epsTop };
  });
  for (let p = 0; p < n; p++) home[p] = newId[home[p]!]!;
  const layers: SweepLayer[] = layerEps.map((e, i) => ({
    eps: e, nClusters: layerK[i]!, nodeOfCluster: layerNode[i]!.map((v) => newId[v]!), coverage: coverage[i]!,
  }));
  const ns = sw.length / 3, row = new Int32Array(ns), layer = new Int32Array(ns), cluster = new Int32Array(ns);
  for (let t = 0; t < ns; t++) { row[t] = sw[3 * t]!; layer[t] = sw[3 * t + 1]!; cluster[t] = sw[3 * t + 2]!; }
  if (ns > 0) warnings.push(`${WHERE}: ${ns} border-row assignments differ from the tree's nesting (listed in switches).`);
  if (layerK[top] === 0) warnings.push(`${WHERE}: no cluster at the largest ε = ${epsTop}; the root holds only noise.`);
  return assemble(ordered, home, {
    kind: 'nested-tree', version: 1, source: 'dbscan-sweep', levelKind: 'eps', n, layers, switches: { row, layer, cluster },
    options: { minSamples, metric, method }, warnings,
  });
}

function checkNode(tree: NestedTree, id: number): NestedTreeNode {
  const node = Number.isInteger(id) ? tree.nodes[id] : undefined;
  if (!node) badOption(WHERE, 'id', `a node id in [0, ${tree.nodes.length - 1}]`, id);
  return node;
}

/** Rows of node `id`, ascending [size] (a copy). */
export function nodeMembers(tree: NestedTree, id: number): Int32Array {
  const v = checkNode(tree, id);
  return tree.order.slice(v.start, v.end).sort();
}

/**
 * DBSCAN's labels at `tree.layers[layer]` [n] (−1 noise), rebuilt from the nodes and the
 * switches; equal to `dbscan.fit(x, {eps, minSamples, metric}).labels`.
 */
export function layerLabels(tree: NestedTree, layer: number): Int32Array {
  const lay = Number.isInteger(layer) ? tree.layers[layer] : undefined;
  if (!lay) badOption(WHERE, 'layer', `a layer index in [0, ${tree.layers.length - 1}]`, layer);
  const out = new Int32Array(tree.n).fill(-1);
  // deeper layers' nodes are children, so paint each cluster's node range (disjoint within a layer)
  for (let c = 0; c < lay.nClusters; c++) {
    const v = tree.nodes[lay.nodeOfCluster[c]!]!;
    for (let j = v.start; j < v.end; j++) out[tree.order[j]!] = c;
  }
  const s = tree.switches;
  for (let t = 0; t < s.row.length; t++) if (s.layer[t] === layer) out[s.row[t]!] = s.cluster[t]!;
  return out;
}

/** What `annotateTree` asks of its callback. */
export interface NodeAnnotation { label?: string; keywords?: readonly string[] }

/**
 * A copy of the tree whose nodes carry `label` / `keywords` from `fn(memberRows)` (rows
 * ascending). The hook for text keywords per node; `fn` is called once per node, root first.
 */
export function annotateTree(tree: NestedTree, fn: (memberRows: Int32Array, node: NestedTreeNode) => NodeAnnotation): NestedTree {
  const nodes = tree.nodes.map((v) => {
    const a = fn(nodeMembers(tree, v.id), v);
    const out: NestedTreeNode = { ...v };
    return {
      ...out, ...(a.label !== undefined ? { label: a.label } : {}), ...(a.keywords !== undefined ? { keywords: [...a.keywords] } : {}),
    };
  });
  return { ...tree, nodes };
}

/** Options of `toNewick`. */
export interface NewickOptions {
  /** Name per node id (array) or function; @defaultValue node.label ?? node.name */
  names?: readonly string[] | ((node: NestedTreeNode) => string);
  /** Significant digits of branch lengths. @defaultValue 12 */
  digits?: number;
}

/** A Newick name: bare when safe, else single-quoted with ' doubled. */
function newickName(s: string): string {
  return /^[^\s()[\]':;,]+$/.test(s) ? s : `'${s.replace(/'/g, "''")}'`;
}

/**
 * Standard Newick text of the tree, ending in ';'. Every node is named; the branch length of a
 * node is |level(node) − level(parent)| (λ or ε); the root has none. Iterative (deep trees are fine).
 */
export function toNewick(tree: NestedTree, options: NewickOptions = {}): string {
  const { names, digits = 12 } = options;
  if (!Number.isInteger(digits) || digits < 1 || digits > 17) badOption(WHERE, 'digits', 'an integer in [1, 17]', digits);
  if (Array.isArray(names) && names.length !== tree.nodes.length) {
    badOption(WHERE, 'names', `an array of one name per node (${tree.nodes.length})`, names);
  }
  const nameOf = (v: NestedTreeNode): string =>
    typeof names === 'function' ? names(v) : Array.isArray(names) ? String(names[v.id]) : (v.label ?? v.name);
  const len = (v: NestedTreeNode): string => {
    const p = tree.nodes[v.parent]!;
    return String(Number(Math.abs(v.level - p.level).toPrecision(digits)));
  };
  const parts: string[] = [];
  // stack of [node, phase]: phase 0 = open, 1 = close
  const stack: [number, number][] = [[0, 0]];
  while (stack.length) {
    const [id, phase] = stack.pop()!;
    if (phase === 2) { parts.push(','); continue; }
    const v = tree.nodes[id]!;
    if (phase === 0 && v.children.length > 0) {
      parts.push('(');
      stack.push([id, 1]);
      for (let c = v.children.length - 1; c >= 0; c--) {
        stack.push([v.children[c]!, 0]);
        if (c > 0) stack.push([-1, 2]);
      }
      continue;
    }
    if (phase === 1) parts.push(')');
    parts.push(newickName(nameOf(v)));
    if (v.parent >= 0) parts.push(`:${len(v)}`);
  }
  return `${parts.join('')};`;
}
