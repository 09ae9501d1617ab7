/**
 * Agglomerative clustering as an estimator (scikit-learn's `AgglomerativeClustering`): build the
 * linkage tree with `linkage` (optionally restricted by a connectivity graph), then cut it into
 * `k` clusters or at `distanceThreshold`. The result keeps the whole tree `z` (SciPy format) and
 * the training rows, for `predict`.
 *
 * Cut rules (scikit-learn's): with `k`, the first n − k merges of `z` (in row order) are applied,
 * giving exactly k clusters even when heights tie (SciPy's `fcluster` 'maxclust' can give fewer);
 * with `distanceThreshold` t, k = 1 + (number of merge heights ≥ t), i.e. merges strictly below t
 * are applied for a monotone tree (SciPy's 'distance' criterion keeps merges ≤ t). Clusters are
 * numbered 0 … k−1 in order of their lowest row.
 *
 * `predict` has no counterpart in scikit-learn (agglomerative clustering labels only the rows it
 * was fitted on): here it gives each new row the label of its nearest training row under the
 * fitted metric (a 1-nearest-neighbour rule), so `predict(model, X)` equals the fit labels.
 */
import { ClusterkitError } from '../core/errors.js';
import { type MatrixLike, type CsrMatrix, toMatrix, checkData, checkCols } from '../core/matrix.js';
import { resolveOptions, checkIntRange, type OptionSpec } from '../core/options.js';
import type { RunControl } from '../core/control.js';
import { assignNearest, l1Block, cosineBlock } from '../kernels/index.js';
import { linkage } from './linkage.js';
import { LINKAGE_METHODS, type LinkageMethod } from './lanceWilliams.js';
import type { LinkageMetric } from './condensed.js';

export interface AgglomerativeOptions extends RunControl {
  /** Number of clusters, in [1, n]. Give exactly one of `k` and `distanceThreshold`. */
  k?: number | null;
  /** Cut height t ≥ 0 (same units as the heights of `z`): merges below t are kept
   *  (scikit-learn's rule). Give exactly one of `k` and `distanceThreshold`. */
  distanceThreshold?: number | null;
  /** Linkage method (SciPy names). @defaultValue 'ward' (as scikit-learn) */
  linkage?: LinkageMethod;
  /** Dissimilarity between rows; ward, centroid and median need 'euclidean'. @defaultValue 'euclidean' */
  metric?: LinkageMetric;
  /** n × n graph (e.g. kNN, CsrMatrix) restricting merges to adjacent clusters; methods ward,
   *  single, complete, average; no n² memory. @defaultValue null */
  connectivity?: CsrMatrix | null;
  /** Largest condensed work matrix allowed without connectivity, bytes. @defaultValue 2147483648 */
  maxMemoryBytes?: number;
}

const isCsr = (v: unknown): boolean => v === null || (typeof v === 'object' && v !== null &&
  (v as CsrMatrix).indptr instanceof Int32Array && (v as CsrMatrix).indices instanceof Int32Array);

/** Option table: drives validation, CLI flags (`--linkage ward --k 5`, `--distance-threshold`) and docs. */
export const AGGLOMERATIVE_SPEC = {
  k: { type: 'int', min: 1, nullable: true, doc: 'number of clusters (or give distanceThreshold)' },
  distanceThreshold: { type: 'float', min: 0, nullable: true, doc: 'cut height: merges below it are kept (or give k)' },
  linkage: { type: 'enum', values: LINKAGE_METHODS, default: 'ward', doc: 'linkage method' },
  metric: { type: 'enum', values: ['euclidean', 'sqeuclidean', 'manhattan', 'cosine'], default: 'euclidean', doc: 'dissimilarity between rows' },
  connectivity: { type: 'custom', expected: 'an n × n CsrMatrix (graph of allowed merges)', check: isCsr, doc: 'kNN graph restricting merges' },
  maxMemoryBytes: { type: 'int', min: 0, default: 2147483648, doc: 'largest condensed distance matrix allowed, bytes' },
} as const satisfies OptionSpec;

export interface ResolvedAgglomerativeOptions {
  readonly k: number | null;
  readonly distanceThreshold: number | null;
  readonly linkage: LinkageMethod;
  readonly metric: LinkageMetric;
  readonly connectivity: boolean;
  readonly maxMemoryBytes: number;
}

export interface AgglomerativeResult {
  readonly kind: 'agglomerative';
  readonly version: 1;
  readonly options: ResolvedAgglomerativeOptions;
  readonly n: number;
  readonly d: number;
  /** Number of clusters found. */
  readonly k: number;
  /** Cluster of each training row [n], in 0 … k−1 (numbered by lowest row). */
  readonly labels: Int32Array;
  /** Linkage matrix [(n−1) × 4] (SciPy format, see `linkage`). */
  readonly z: Float64Array;
  /** True when the heights of z never decrease. */
  readonly monotonic: boolean;
  /** Training rows [n × d] (the input's Float32Array when given a Matrix, not copied), for `predict`. */
  readonly data: Float32Array;
  readonly warnings: readonly string[];
}

const WHERE = 'agglomerative';

interface Raw extends RunControl {
  k?: number | null; distanceThreshold?: number | null; linkage: LinkageMethod; metric: LinkageMetric;
  connectivity?: CsrMatrix | null; maxMemoryBytes: number;
}

/**
 * Fit agglomerative clustering to the rows of x [n × d]. Cost and memory as `linkage`
 * (O(n²) time; n(n−1)/2 float32 distances unless the method is single or a connectivity graph
 * is given), plus O(n) for the cut.
 * @throws ClusterkitError BAD_OPTION / UNKNOWN_OPTION / BAD_DATA / EMPTY_DATA / DIM_MISMATCH / ABORTED.
 */
export function fit(x: MatrixLike, options: AgglomerativeOptions): AgglomerativeResult {
  const X = toMatrix(x, WHERE);
  checkData(X, WHERE);
  const o = resolveOptions<Raw>(WHERE, AGGLOMERATIVE_SPEC, options);
  const hasK = o.k !== undefined && o.k !== null, hasT = o.distanceThreshold !== undefined && o.distanceThreshold !== null;
  if (hasK === hasT) {
    throw new ClusterkitError('BAD_OPTION', `${WHERE}: exactly one of options 'k' and 'distanceThreshold' must be given. Got ${hasK ? 'both' : 'neither'}.`, 'k');
  }
  const n = X.rows, d = X.cols;
  if (hasK) checkIntRange(WHERE, 'k', o.k!, 1, n, 'n');
  const warnings: string[] = [];
  let z: Float64Array, monotonic = true;
  if (n === 1) {
    z = new Float64Array(0);
  } else {
    const L = linkage(X, {
      method: o.linkage, metric: o.metric, connectivity: o.connectivity ?? null, maxMemoryBytes: o.maxMemoryBytes,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.signal ? { signal: o.signal } : {}),
    });
    z = L.z; monotonic = L.monotonic;
    warnings.push(...L.warnings.map((w) => w.replace(/^linkage:/, `${WHERE}:`)));
  }
  let k: number;
  if (hasK) k = o.k!;
  else {
    let above = 0;
    for (let i = 0; i < n - 1; i++) if (z[4 * i + 2]! >= o.distanceThreshold!) above++;
    k = above + 1;
  }
  const labels = cutFirstMerges(z, n, n - k);
  return {
    kind: 'agglomerative', version: 1,
    options: { k: hasK ? o.k! : null, distanceThreshold: hasT ? o.distanceThreshold! : null, linkage: o.linkage, metric: o.metric,
      connectivity: !!o.connectivity, maxMemoryBytes: o.maxMemoryBytes },
    n, d, k, labels, z, monotonic, data: X.data, warnings,
  };
}

/** Labels after applying the first `m` rows of z: components numbered by lowest row. */
export function cutFirstMerges(z: Float64Array, n: number, m: number): Int32Array {
  const parent = new Int32Array(2 * n - 1);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  for (let r = 0; r < m; r++) { parent[z[4 * r]!] = n + r; parent[z[4 * r + 1]!] = n + r; }
  const root = (i: number): number => { let r = i; while (parent[r] !== r) r = parent[r]!; return r; };
  const labels = new Int32Array(n), seen = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = root(i);
    let l = seen.get(r);
    if (l === undefined) { l = seen.size; seen.set(r, l); }
    labels[i] = l;
  }
  return labels;
}

/**
 * Label of the nearest training row (1-nearest neighbour under the fitted metric; ties → lowest
 * training row) for each row of x [m × d]. Cost O(m·n·d) through the kernel layer.
 * @throws ClusterkitError BAD_MODEL (not an agglomerative result), DIM_MISMATCH, BAD_DATA.
 */
export function predict(model: AgglomerativeResult, x: MatrixLike): Int32Array {
  if (!model || model.kind !== 'agglomerative' || !(model.data instanceof Float32Array)) {
    throw new ClusterkitError('BAD_MODEL', `${WHERE}: model must be an agglomerative result with its training rows. Got ${model && typeof model === 'object' ? `kind '${String((model as { kind?: unknown }).kind)}'` : typeof model}.`);
  }
  const Q = toMatrix(x, `${WHERE}.predict`);
  checkData(Q, `${WHERE}.predict`);
  checkCols(Q, model.d, `${WHERE}.predict`);
  const m = Q.rows, n = model.n, d = model.d, train = model.data;
  const nearest = new Int32Array(m);
  const metric = model.options.metric;
  if (metric === 'euclidean' || metric === 'sqeuclidean') {
    assignNearest(Q.data, m, d, train, n, nearest, new Float64Array(m));
  } else {
    const rowsPer = Math.max(1, Math.floor((1 << 20) / n));
    const out = new Float64Array(Math.min(rowsPer, m) * n);
    for (let s = 0; s < m; s += rowsPer) {
      const b = Math.min(rowsPer, m - s), q = Q.data.subarray(s * d, (s + b) * d);
      if (metric === 'manhattan') l1Block(q, b, train, n, d, out); else cosineBlock(q, b, train, n, d, out);
      for (let r = 0; r < b; r++) {
        let best = Infinity, bj = 0;
        for (let j = 0; j < n; j++) { const v = out[r * n + j]!; if (v < best) { best = v; bj = j; } }
        nearest[s + r] = bj;
      }
    }
  }
  const labels = new Int32Array(m);
  for (let i = 0; i < m; i++) labels[i] = model.labels[nearest[i]!]!;
  return labels;
}
