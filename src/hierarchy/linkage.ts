/**
 * Agglomerative (hierarchical) clustering into a SciPy-compatible linkage matrix: methods single,
 * complete, average, weighted, ward, centroid and median, from data rows or from a condensed
 * distance matrix, with SciPy 1.10's algorithms and tie rules:
 *
 * - single: Prim's minimum spanning tree with distances computed on the fly (./mst.ts), O(n)
 *   memory beyond the data (from a condensed matrix: no copy);
 * - complete, average, weighted, ward: the nearest-neighbour chain (./nnchain.ts) on a condensed
 *   work matrix;
 * - centroid, median: Müllner's generic algorithm (./generic.ts) on a condensed work matrix.
 *
 * Memory: the work matrix holds n(n−1)/2 distances, float32 by default (2 bytes × n²: 20 MB at
 * n = 3 000, 200 MB at 10 000, 800 MB at 20 000) or float64 (`precision`; twice that). Above
 * `maxMemoryBytes` (default 2 GiB) `linkage` refuses rather than exhaust memory; single linkage
 * and linkage restricted by a `connectivity` graph (./constrained.ts) need no such matrix.
 *
 * Output `z` [(n−1) × 4] float64, row i = [id_a, id_b, height, size]: ids 0 … n−1 are rows,
 * n + i is the cluster made in row i, the smaller id first. single/complete/average/weighted/ward
 * rows are sorted by height (stable) and relabelled as SciPy's `label` does; centroid and median
 * rows stay in merge order (they can have inversions: a merge lower than an earlier one), as in
 * SciPy. Heights of ward, centroid and median are on the Euclidean scale (Lance–Williams on
 * distances, not squared distances), as SciPy's: ward height = √(2|A||B|/(|A|+|B|)) ‖μ_A − μ_B‖.
 *
 * Precision: from float32 data, distances are computed in float64 from the float32 values
 * (so they are exact distances of the float32-rounded inputs up to float64 rounding) and stored
 * in the float32 work matrix (relative rounding 6e-8 per store); heights agree with SciPy on the
 * float64 inputs to about 1e-6 relative for data with a few significant digits. A Float64Array
 * `precomputed` matrix is worked on in float64 by default and reproduces SciPy's bits, ties
 * included.
 */
import { ClusterkitError, badOption } from '../core/errors.js';
import { type Matrix, type MatrixLike, type CsrMatrix, toMatrix, checkData } from '../core/matrix.js';
import { resolveOptions, type OptionSpec } from '../core/options.js';
import type { RunControl } from '../core/control.js';
import { condensedLength, condensedN, checkCondensed, pdistInto, type Condensed, type LinkageMetric } from './condensed.js';
import { LINKAGE_METHODS, methodCode, type LinkageMethod, type ClampCount } from './lanceWilliams.js';
import { primFromData, primFromCondensed } from './mst.js';
import { nnChain } from './nnchain.js';
import { genericLinkage } from './generic.js';
import { constrainedLinkage, checkConnectivity, CONNECTIVITY_METHODS } from './constrained.js';

export type { LinkageMethod } from './lanceWilliams.js';
export type { LinkageMetric } from './condensed.js';

export interface LinkageOptions extends RunControl {
  /** Linkage method (SciPy's names). @defaultValue 'single' (as SciPy) */
  method?: LinkageMethod;
  /** Dissimilarity between data rows: 'euclidean', 'sqeuclidean', 'manhattan' or 'cosine'
   *  (1 − cos; a zero row is at distance 1 from everything). ward, centroid and median need
   *  'euclidean'. Not allowed with `precomputed`. @defaultValue 'euclidean' */
  metric?: LinkageMetric;
  /** Condensed distances [n(n−1)/2] (SciPy `pdist` order) instead of data; pass `x = null`.
   *  Read, never mutated; copied into the work matrix for non-single methods.
   *  @defaultValue null */
  precomputed?: Float64Array | Float32Array | null;
  /** Restrict merges to clusters joined by an edge of this n × n graph (e.g. a kNN graph,
   *  symmetrised; values ignored), as scikit-learn's `connectivity`. Methods ward, single,
   *  complete, average. No n² memory. See ./constrained.ts. @defaultValue null */
  connectivity?: CsrMatrix | null;
  /** Refuse (BAD_OPTION) when the condensed work matrix would exceed this many bytes.
   *  @defaultValue 2147483648 (2 GiB) */
  maxMemoryBytes?: number;
  /** Work matrix type: 'float32' (4 bytes per pair), 'float64' (8), or 'auto' = float64 for a
   *  Float64Array `precomputed`, else float32. @defaultValue 'auto' */
  precision?: 'auto' | 'float32' | 'float64';
}

const isCondensedArray = (v: unknown): boolean => v === null || v instanceof Float64Array || v instanceof Float32Array;
const isCsr = (v: unknown): boolean => v === null || (typeof v === 'object' && v !== null &&
  (v as CsrMatrix).indptr instanceof Int32Array && (v as CsrMatrix).indices instanceof Int32Array &&
  typeof (v as CsrMatrix).rows === 'number' && typeof (v as CsrMatrix).cols === 'number');

/** Option table: drives validation, CLI flags and docs. */
export const LINKAGE_SPEC = {
  method: { type: 'enum', values: LINKAGE_METHODS, default: 'single', doc: 'linkage method (SciPy names)' },
  metric: { type: 'enum', values: ['euclidean', 'sqeuclidean', 'manhattan', 'cosine'], default: 'euclidean', doc: 'dissimilarity between rows' },
  precomputed: { type: 'custom', expected: 'a Float64Array or Float32Array of n(n−1)/2 condensed distances', check: isCondensedArray, doc: 'condensed distances instead of data' },
  connectivity: { type: 'custom', expected: 'an n × n CsrMatrix (graph of allowed merges)', check: isCsr, doc: 'graph restricting merges (kNN graph)' },
  maxMemoryBytes: { type: 'int', min: 0, default: 2147483648, doc: 'largest condensed work matrix allowed, bytes' },
  precision: { type: 'enum', values: ['auto', 'float32', 'float64'], default: 'auto', doc: 'work matrix type' },
} as const satisfies OptionSpec;

export interface ResolvedLinkageOptions {
  readonly method: LinkageMethod;
  readonly metric: LinkageMetric | 'precomputed';
  readonly connectivity: boolean;
  /** Type of the condensed work matrix, or 'none' (single linkage, connectivity). */
  readonly precision: 'float32' | 'float64' | 'none';
  readonly maxMemoryBytes: number;
}

/** Result of `linkage`: plain data. */
export interface LinkageResult {
  readonly kind: 'linkage';
  readonly version: 1;
  readonly options: ResolvedLinkageOptions;
  /** Number of observations. */
  readonly n: number;
  /** Linkage matrix [(n−1) × 4], row-major float64: [id_a, id_b, height, size] (SciPy's Z). */
  readonly z: Float64Array;
  /** True when heights never decrease from row to row (false only for centroid, median, and
   *  ward with a connectivity graph, which can have inversions). */
  readonly monotonic: boolean;
  /** Degenerate but valid outcomes (non-Euclidean input to ward/centroid/median, disconnected graph). */
  readonly warnings: readonly string[];
}

const WHERE = 'linkage';
const EUCLIDEAN_ONLY: readonly LinkageMethod[] = ['ward', 'centroid', 'median'];

interface RawOptions extends RunControl {
  method: LinkageMethod; metric: LinkageMetric; precomputed?: Condensed | null; connectivity?: CsrMatrix | null;
  maxMemoryBytes: number; precision: 'auto' | 'float32' | 'float64';
}

/**
 * Hierarchical clustering of the rows of `x` [n × d] (or of `options.precomputed` condensed
 * distances, with `x = null`) into a linkage matrix equal to `scipy.cluster.hierarchy.linkage`
 * (see the top of this file for algorithms, memory and precision).
 * Input is never mutated. Cost O(n²·d) for the distances plus O(n²) for the merges.
 * @throws ClusterkitError BAD_OPTION / UNKNOWN_OPTION (options, memory limit), BAD_DATA
 *   (fewer than 2 rows, non-finite data, bad condensed length or values), EMPTY_DATA, ABORTED.
 */
export function linkage(x: MatrixLike | null, options: LinkageOptions = {}): LinkageResult {
  const o = resolveOptions<RawOptions>(WHERE, LINKAGE_SPEC, options);
  const pre = o.precomputed ?? null;
  const metricGiven = options.metric !== undefined;
  let X: Matrix | null = null, n: number;
  if (pre) {
    if (x !== null && x !== undefined) {
      throw new ClusterkitError('BAD_OPTION', `${WHERE}: data 'x' must be null when option 'precomputed' is given. Got ${describe(x)}.`, 'precomputed');
    }
    if (metricGiven) badOption(WHERE, 'metric', "left out with 'precomputed' (the distances are given)", options.metric);
    n = condensedN(pre.length, WHERE);
    checkCondensed(pre, n, WHERE);
  } else {
    if (x === null || x === undefined) {
      throw new ClusterkitError('BAD_DATA', `${WHERE}: data 'x' must be a matrix of rows, or null with option 'precomputed'. Got ${String(x)}.`);
    }
    X = toMatrix(x, WHERE);
    checkData(X, WHERE);
    n = X.rows;
    if (n < 2) throw new ClusterkitError('BAD_DATA', `${WHERE}: data must have at least 2 rows to be merged. Got ${n}.`);
    if (EUCLIDEAN_ONLY.includes(o.method) && o.metric !== 'euclidean') {
      badOption(WHERE, 'metric', `'euclidean' with method '${o.method}' (its heights are Euclidean)`, o.metric);
    }
  }
  const metric: LinkageMetric | 'precomputed' = pre ? 'precomputed' : o.metric;
  const warnings: string[] = [];
  const clamp: ClampCount = { count: 0, worst: 0 };

  if (o.connectivity) {
    if (!CONNECTIVITY_METHODS.includes(o.method)) {
      badOption(WHERE, 'method', `one of ${CONNECTIVITY_METHODS.map((m) => `'${m}'`).join(', ')} with option 'connectivity'`, o.method);
    }
    if (o.method === 'ward' && !X) badOption(WHERE, 'precomputed', "null with method 'ward' and a connectivity graph (ward needs the data rows)", 'a condensed matrix');
    checkConnectivity(o.connectivity, n, WHERE);
    const z = constrainedLinkage({ x: X, precomputed: pre, n, method: o.method, metric: pre ? 'euclidean' : o.metric,
      graph: o.connectivity, ctl: o, where: WHERE, warnings, clamp });
    addClampWarning(warnings, clamp, o.method);
    return result({ method: o.method, metric, connectivity: true, precision: 'none', maxMemoryBytes: o.maxMemoryBytes }, n, z, warnings);
  }

  if (o.method === 'single') {
    const raw = pre ? primFromCondensed(pre, n, o) : primFromData(X!, o.metric, o);
    return result({ method: 'single', metric, connectivity: false, precision: 'none', maxMemoryBytes: o.maxMemoryBytes }, n, labelSorted(sortByHeight(raw, n), n), warnings);
  }

  const precision = o.precision === 'auto' ? (pre instanceof Float64Array ? 'float64' : 'float32') : o.precision;
  const D = allocWork(n, precision, o.maxMemoryBytes);
  if (pre) D.set(pre); else pdistInto(X!, o.metric, D, o, WHERE);
  const code = methodCode(o.method);
  let z: Float64Array;
  if (o.method === 'centroid' || o.method === 'median') z = genericLinkage(D, n, code, o, clamp, WHERE);
  else z = labelSorted(sortByHeight(nnChain(D, n, code, o, clamp, WHERE), n), n);
  addClampWarning(warnings, clamp, o.method);
  return result({ method: o.method, metric, connectivity: false, precision, maxMemoryBytes: o.maxMemoryBytes }, n, z, warnings);
}

function result(options: ResolvedLinkageOptions, n: number, z: Float64Array, warnings: string[]): LinkageResult {
  let monotonic = true;
  for (let i = 1; i < n - 1; i++) if (z[4 * i + 2]! < z[4 * i - 2]!) { monotonic = false; break; }
  return { kind: 'linkage', version: 1, options, n, z, monotonic, warnings };
}

function addClampWarning(warnings: string[], clamp: ClampCount, method: LinkageMethod): void {
  if (clamp.count > 0) {
    warnings.push(`${WHERE}: ${clamp.count} ${method} update(s) took the square root of a negative number (worst ${clamp.worst.toExponential(2)} × d²); ` +
      'they were set to 0 (SciPy gives NaN). The distances are not Euclidean; use a Euclidean metric with this method.');
  }
}

function describe(x: unknown): string {
  if (typeof x === 'object' && x !== null && 'rows' in x) return `a ${(x as Matrix).rows} × ${(x as Matrix).cols} matrix`;
  if (Array.isArray(x)) return `an array of ${x.length} rows`;
  return typeof x;
}

/** The condensed work matrix, after the memory check. */
function allocWork(n: number, precision: 'float32' | 'float64', maxBytes: number): Condensed {
  const m = condensedLength(n), bpe = precision === 'float64' ? 8 : 4, bytes = m * bpe;
  if (bytes > maxBytes) {
    throw new ClusterkitError('BAD_OPTION',
      `${WHERE}: option 'maxMemoryBytes' must be at least the ${mb(bytes)} of the ${precision} condensed matrix for n = ${n} (n(n−1)/2 × ${bpe} bytes). Got ${maxBytes} (${mb(maxBytes)}). ` +
      "Raise it, or use method 'single' or a 'connectivity' graph, which need no n² matrix.", 'maxMemoryBytes');
  }
  try {
    return precision === 'float64' ? new Float64Array(m) : new Float32Array(m);
  } catch (e) {
    throw new ClusterkitError('BAD_OPTION',
      `${WHERE}: the ${mb(bytes)} ${precision} condensed matrix for n = ${n} must be allocatable. Got ${(e as Error).message}. ` +
      "Use method 'single' or a 'connectivity' graph, which need no n² matrix.", 'maxMemoryBytes');
  }
}

function mb(bytes: number): string {
  return bytes >= 1 << 30 ? `${(bytes / (1 << 30)).toFixed(2)} GiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

/** Rows of z reordered by height, stable (NumPy `argsort(kind='mergesort')`). Returns a new array. */
export function sortByHeight(z: Float64Array, n: number): Float64Array {
  const m = n - 1, order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  const o = Array.from(order).sort((a, b) => z[4 * a + 2]! - z[4 * b + 2]! || a - b);
  const out = new Float64Array(4 * m);
  for (let i = 0; i < m; i++) out.set(z.subarray(4 * o[i]!, 4 * o[i]! + 4), 4 * i);
  return out;
}

/**
 * SciPy's `label`: rewrite rows whose entries are any members (e.g. row indices) of the two
 * clusters merged into cluster ids (n + row of creation), smaller first, and fill the sizes.
 * Union–find with path compression. Mutates and returns z.
 */
export function labelSorted(z: Float64Array, n: number): Float64Array {
  const parent = new Int32Array(2 * n - 1), size = new Int32Array(2 * n - 1).fill(1);
  for (let i = 0; i < 2 * n - 1; i++) parent[i] = i;
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[x] !== r) { const p = parent[x]!; parent[x] = r; x = p; }
    return r;
  };
  for (let i = 0; i < n - 1; i++) {
    const a = find(z[4 * i]!), b = find(z[4 * i + 1]!);
    if (a < b) { z[4 * i] = a; z[4 * i + 1] = b; } else { z[4 * i] = b; z[4 * i + 1] = a; }
    const nl = n + i;
    parent[a] = nl; parent[b] = nl;
    size[nl] = size[a]! + size[b]!;
    z[4 * i + 3] = size[nl]!;
  }
  return z;
}

/** A linkage matrix given as a result or as the bare Float64Array. */
export type LinkageLike = LinkageResult | Float64Array | ArrayLike<ArrayLike<number>>;

/**
 * Check a linkage matrix (SciPy's `is_valid_linkage`): (n−1) × 4, ids integers in range, each
 * cluster used at most once and only after it is made, heights finite ≥ 0, sizes equal to the
 * sum of the merged sizes. Returns it as a flat Float64Array and n. Throws BAD_DATA naming the row.
 */
export function checkLinkage(z: LinkageLike, where: string, param = 'z'): { z: Float64Array; n: number } {
  let flat: Float64Array;
  if (z instanceof Float64Array) flat = z;
  else if (typeof z === 'object' && z !== null && (z as LinkageResult).kind === 'linkage') flat = (z as LinkageResult).z;
  else if (typeof z === 'object' && z !== null && typeof (z as ArrayLike<unknown>).length === 'number') {
    const rows = z as ArrayLike<ArrayLike<number>>;
    flat = new Float64Array(rows.length * 4);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (!r || r.length !== 4) throw new ClusterkitError('BAD_DATA', `${where}: '${param}' row ${i} must have 4 values [id_a, id_b, height, size]. Got ${r ? r.length : String(r)}.`, param);
      for (let t = 0; t < 4; t++) flat[4 * i + t] = r[t]!;
    }
  } else throw new ClusterkitError('BAD_DATA', `${where}: '${param}' must be a linkage result or a Float64Array of (n−1) × 4 values. Got ${typeof z}.`, param);
  if (flat.length < 4 || flat.length % 4 !== 0) {
    throw new ClusterkitError('BAD_DATA', `${where}: '${param}' must hold (n−1) × 4 values with n ≥ 2. Got ${flat.length} values.`, param);
  }
  const n = flat.length / 4 + 1;
  const size = new Float64Array(2 * n - 1).fill(1), used = new Uint8Array(2 * n - 1);
  for (let i = 0; i < n - 1; i++) {
    const a = flat[4 * i]!, b = flat[4 * i + 1]!, h = flat[4 * i + 2]!, s = flat[4 * i + 3]!;
    for (const id of [a, b]) {
      if (!Number.isInteger(id) || id < 0 || id >= n + i) {
        throw new ClusterkitError('BAD_DATA', `${where}: '${param}' row ${i} ids must be integers in [0, ${n + i - 1}] (rows or earlier clusters). Got ${id}.`, param);
      }
      if (used[id]) throw new ClusterkitError('BAD_DATA', `${where}: '${param}' row ${i} must merge clusters not merged before. Got ${id} a second time.`, param);
      used[id] = 1;
    }
    if (a === b) throw new ClusterkitError('BAD_DATA', `${where}: '${param}' row ${i} must merge two different clusters. Got ${a} twice.`, param);
    if (!(h >= 0) || h === Infinity) throw new ClusterkitError('BAD_DATA', `${where}: '${param}' row ${i} height must be finite and ≥ 0. Got ${h}.`, param);
    const want = size[a]! + size[b]!;
    if (s !== want) throw new ClusterkitError('BAD_DATA', `${where}: '${param}' row ${i} size must be ${want} (the sizes of ${a} and ${b}). Got ${s}.`, param);
    size[n + i] = want;
  }
  return { z: flat, n };
}
