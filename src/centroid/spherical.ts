/**
 * Spherical k-means (Dhillon & Modha 2001, "Concept decompositions for large sparse text data
 * using clustering"): k-means on the unit sphere. Rows are L2-normalised, each row goes to the
 * centre of highest cosine similarity, and each centre is the mean direction of its rows
 * (Σ w·x̂ normalised to unit length). The objective Σ w·(1 − cos(x, c_label)) never rises.
 *
 * Because rows and centres have unit norm, ‖x̂ − c‖² = 2 − 2·cos, so the squared-Euclidean kernel
 * (`assignNearest`) and k-means++ seeding serve unchanged; cosine distances are ½‖x̂ − c‖².
 *
 * Zero rows have no direction. They are kept, with a warning: label 0, cosine distance 1 (the
 * convention of `cosineBlock`), weight 0 in the centre updates and never chosen as seeds.
 * Stop when the labels repeat (strict convergence) or when Σⱼ‖cⱼ − cⱼ′‖² ≤ tol (centres are unit
 * vectors, so tol is absolute). An empty cluster is re-seeded with the row farthest from its centre.
 */
import { ClusterkitError } from '../core/errors.js';
import { type Matrix, type MatrixLike, toMatrix, checkData, checkCols } from '../core/matrix.js';
import { resolveOptions, checkIntRange, type OptionSpec } from '../core/options.js';
import { createRng, type Rng } from '../core/rng.js';
import { checkAbort, type RunControl } from '../core/control.js';
import { assignNearest, centroidSums, cosineBlock, sqDistRow } from '../kernels/index.js';
import { randomRows } from './init.js';
import { checkWeights, seedCentroids, type InitCentroids } from './kmeans.js';

export interface SphericalKMeansOptions extends RunControl {
  /** Number of clusters, in [1, number of non-zero rows]. Required. */
  k: number;
  /** Seeding on the normalised rows: 'k-means++' (D² on the sphere = 2 − 2cos), 'random' non-zero rows,
   *  or given centroids [k × d] (normalised; then nInit = 1). @defaultValue 'k-means++' */
  init?: 'k-means++' | 'random' | InitCentroids;
  /** Restarts (rng.fork(run)); the lowest cosine-distance sum wins. @defaultValue 10 */
  nInit?: number;
  /** Maximum iterations per run. @defaultValue 300 */
  maxIter?: number;
  /** Stop when Σⱼ‖cⱼ − cⱼ′‖² ≤ tol (absolute: centres are unit vectors); 0 = only strict convergence.
   *  @defaultValue 1e-6 */
  tol?: number;
  /** Seed of the PCG32 generator. @defaultValue 0 */
  seed?: number;
  /** Non-negative weight per row [n]. @defaultValue all 1 */
  sampleWeight?: ArrayLike<number> | null;
}

const isNumArray = (v: unknown): boolean => ArrayBuffer.isView(v) || Array.isArray(v) ||
  (typeof v === 'object' && v !== null && 'data' in v);

/** Option table: drives validation, CLI flags and docs. */
export const SPHERICAL_SPEC = {
  k: { type: 'int', min: 1, doc: 'number of clusters (required)' },
  init: { type: 'custom', expected: "'k-means++', 'random' or [k × d] centroids",
    check: (v) => v === 'k-means++' || v === 'random' || isNumArray(v),
    doc: "seeding: 'k-means++' (default), 'random', or given centroids (normalised)" },
  nInit: { type: 'int', min: 1, default: 10, doc: 'restarts, lowest cosine-distance sum kept (1 with given centroids)' },
  maxIter: { type: 'int', min: 1, default: 300, doc: 'maximum iterations per run' },
  tol: { type: 'float', min: 0, default: 1e-6, doc: 'absolute tolerance on Σ squared centre moves (unit vectors)' },
  seed: { type: 'int', min: 0, default: 0, doc: 'random seed' },
  sampleWeight: { type: 'custom', expected: 'an array of n non-negative numbers', check: (v) => v === null || isNumArray(v), doc: 'weight per row' },
} as const satisfies OptionSpec;

export interface ResolvedSphericalKMeansOptions {
  readonly k: number;
  readonly init: 'k-means++' | 'random' | 'given';
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly seed: number;
  readonly weighted: boolean;
}

export interface SphericalIterStats {
  /** 1-based iteration. */
  readonly iter: number;
  /** Σ w·(1 − cos) of this iteration's assignment against the centres it was made with. */
  readonly cosineDistanceSum: number;
  /** Σⱼ‖cⱼ − cⱼ′‖² of the move that followed. */
  readonly shift: number;
  /** Rows whose label changed. */
  readonly changed: number;
  /** Wall time, seconds. */
  readonly seconds: number;
}

export interface SphericalKMeansResult {
  readonly kind: 'spherical-kmeans';
  readonly version: 1;
  readonly options: ResolvedSphericalKMeansOptions;
  readonly n: number;
  readonly d: number;
  readonly k: number;
  /** Cluster of each training row [n]: highest cosine similarity. Equal to predict(model, X). */
  readonly labels: Int32Array;
  /** Unit-norm centres (mean directions) [k × d], row-major. */
  readonly centroids: Float32Array;
  /** Objective Σ w·(1 − cos(x, c_label)) of the final labels (float64; ½‖x̂ − c‖² per row). In [0, 2·Σw]. */
  readonly cosineDistanceSum: number;
  /** Iterations of the best run. */
  readonly nIter: number;
  /** True when the best run stopped by strict convergence or tol, not maxIter. */
  readonly converged: boolean;
  /** Which restart won (0-based), and the objective of every restart. */
  readonly bestRun: number;
  readonly runObjectives: readonly number[];
  readonly history: readonly SphericalIterStats[];
  /** Rows of zero norm (label 0, cosine distance 1, excluded from updates). */
  readonly zeroRows: number;
  readonly warnings: readonly string[];
}

const WHERE = 'spherical-kmeans';

/** L2-normalised copy of x (float64 norms, float32 out); zero rows stay zero and are flagged. */
function normaliseRows(X: Matrix): { xn: Float32Array; zero: Uint8Array; nZero: number } {
  const { data, rows: n, cols: d } = X;
  const xn = new Float32Array(n * d), zero = new Uint8Array(n);
  let nZero = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) { const v = data[i * d + t]!; s += v * v; }
    if (s === 0) { zero[i] = 1; nZero++; continue; }
    const inv = 1 / Math.sqrt(s);
    for (let t = 0; t < d; t++) xn[i * d + t] = data[i * d + t]! * inv;
  }
  return { xn, zero, nZero };
}

/** Normalise the k rows of c [k × d] in place (float64); returns the index of a zero row or −1. */
function normaliseCentres(c: Float64Array, k: number, d: number): number {
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += c[j * d + t]! ** 2;
    if (s === 0) return j;
    const inv = 1 / Math.sqrt(s);
    for (let t = 0; t < d; t++) c[j * d + t]! *= inv;
  }
  return -1;
}

function givenCentroids(init: InitCentroids, k: number, d: number): Float64Array {
  const m = init instanceof Float32Array ? { data: init, rows: init.length / d, cols: d } : toMatrix(init as MatrixLike, `${WHERE}: option 'init'`);
  if (m.rows !== k || m.cols !== d || m.data.length !== k * d) {
    throw new ClusterkitError('DIM_MISMATCH', `${WHERE}: option 'init' must be ${k} × ${d} centroids (k × d). Got ${m.data.length} values${m.cols !== d ? ` with ${m.cols} columns` : ''}.`, 'init');
  }
  for (let i = 0; i < m.data.length; i++) if (!Number.isFinite(m.data[i]!)) {
    throw new ClusterkitError('BAD_OPTION', `${WHERE}: option 'init' must be finite. Got ${m.data[i]} at centroid ${Math.floor(i / d)}, column ${i % d}.`, 'init');
  }
  const c = Float64Array.from(m.data);
  const z = normaliseCentres(c, k, d);
  if (z >= 0) throw new ClusterkitError('BAD_OPTION', `${WHERE}: option 'init' must hold non-zero centroids (they are normalised). Got a zero vector at centroid ${z}.`, 'init');
  return c;
}

interface RunOut {
  labels: Int32Array; centres: Float32Array; objective: number; nIter: number; converged: boolean; history: SphericalIterStats[];
}

/**
 * Fit spherical k-means. The rows are copied once, normalised (O(n·d) memory); the input is never
 * mutated. Cost per iteration O(n·k·d) through the kernel layer.
 * @throws ClusterkitError BAD_OPTION / UNKNOWN_OPTION / BAD_DATA / EMPTY_DATA / DIM_MISMATCH / ABORTED.
 */
export function fit(x: MatrixLike, options: SphericalKMeansOptions): SphericalKMeansResult {
  const X = toMatrix(x, WHERE);
  checkData(X, WHERE);
  if (options === null || typeof options !== 'object' || options.k === undefined) {
    throw new ClusterkitError('BAD_OPTION', `${WHERE}: option 'k' must be given (number of clusters). Got undefined.`, 'k');
  }
  const o = resolveOptions<Required<Omit<SphericalKMeansOptions, 'sampleWeight' | 'init'>> &
    Pick<SphericalKMeansOptions, 'sampleWeight' | 'init'>>(WHERE, SPHERICAL_SPEC, options);
  const n = X.rows, d = X.cols, k = o.k;
  checkIntRange(WHERE, 'k', k, 1, n, 'n');
  const w = checkWeights(o.sampleWeight, n, WHERE);
  const { xn, zero, nZero } = normaliseRows(X);
  if (n - nZero < k) {
    throw new ClusterkitError('BAD_DATA', `${WHERE}: data must have at least k = ${k} non-zero rows (zero rows have no direction). Got ${n - nZero}.`);
  }
  // Effective weights: zero rows take no part in seeding or centre updates.
  let wEff: Float64Array | null = w;
  if (nZero > 0) {
    wEff = w ? Float64Array.from(w) : new Float64Array(n).fill(1);
    for (let i = 0; i < n; i++) if (zero[i]) wEff[i] = 0;
  }
  const nonZero = Int32Array.from({ length: n - nZero }, () => 0);
  for (let i = 0, t = 0; i < n; i++) if (!zero[i]) nonZero[t++] = i;
  const init = o.init ?? 'k-means++';
  const given = typeof init === 'string' ? null : givenCentroids(init, k, d);
  const nInit = given ? 1 : o.nInit;
  const Xn: Matrix = { data: xn, rows: n, cols: d };
  const rng = createRng(o.seed);
  const warnings: string[] = [];
  if (nZero > 0) warnings.push(`${WHERE}: ${nZero} rows of zero norm have no direction; they get label 0 and cosine distance 1.`);

  let best: RunOut | null = null, bestRun = 0;
  const runObjectives: number[] = [];
  for (let r = 0; r < nInit; r++) {
    checkAbort(o.signal, WHERE);
    const c0 = given ?? seed(Xn, k, init as 'k-means++' | 'random', rng.fork(r), wEff, nonZero);
    const run = runSpherical(Xn, zero, c0, k, w, wEff, o.maxIter, o.tol, o, r, nInit);
    runObjectives.push(run.objective);
    if (!best || run.objective < best.objective) { best = run; bestRun = r; }
  }
  const b = best!;
  const used = new Set<number>();
  for (let i = 0; i < n; i++) if (!zero[i]) used.add(b.labels[i]!);
  if (used.size < k) warnings.push(`${WHERE}: found ${used.size} distinct clusters, fewer than k = ${k} (the data has fewer distinct directions than k).`);
  return {
    kind: 'spherical-kmeans', version: 1,
    options: { k, init: given ? 'given' : (init as 'k-means++' | 'random'), nInit, maxIter: o.maxIter, tol: o.tol, seed: o.seed, weighted: w !== null },
    n, d, k, labels: b.labels, centroids: b.centres, cosineDistanceSum: b.objective, nIter: b.nIter, converged: b.converged,
    bestRun, runObjectives, history: b.history, zeroRows: nZero, warnings,
  };
}

/** Seed k unit centres from the non-zero normalised rows; returns float64 [k × d]. */
function seed(Xn: Matrix, k: number, init: 'k-means++' | 'random', rng: Rng, wEff: Float64Array | null, nonZero: Int32Array): Float64Array {
  const d = Xn.cols;
  if (init === 'random') {
    const pick = randomRows(nonZero.length, k, rng), c = new Float64Array(k * d);
    for (let j = 0; j < k; j++) { const i = nonZero[pick[j]!]!; for (let t = 0; t < d; t++) c[j * d + t] = Xn.data[i * d + t]!; }
    return c;
  }
  return Float64Array.from(seedCentroids(Xn, k, 'k-means++', rng, wEff));
}

/** Assign rows of the normalised data to unit centres; zero rows get label 0. Returns Σ w·(1 − cos). */
function assign(Xn: Matrix, zero: Uint8Array, cF32: Float32Array, k: number, w: Float64Array | null,
  labels: Int32Array, dist2: Float64Array): number {
  const { data, rows: n, cols: d } = Xn;
  assignNearest(data, n, d, cF32, k, labels, dist2);
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (zero[i]) { labels[i] = 0; s += w ? w[i]! : 1; continue; }
    s += (w ? w[i]! : 1) * 0.5 * sqDistRow(data, i, cF32, labels[i]!, d);
  }
  return s;
}

/** One run from unit start centres c0 [k × d]. */
function runSpherical(Xn: Matrix, zero: Uint8Array, c0: Float64Array, k: number, w: Float64Array | null,
  wEff: Float64Array | null, maxIter: number, tol: number, ctl: RunControl, run: number, nRuns: number): RunOut {
  const { data: x, rows: n, cols: d } = Xn;
  const centres = Float64Array.from(c0), cF32 = Float32Array.from(c0);
  const labels = new Int32Array(n).fill(-1), prev = new Int32Array(n).fill(-1);
  const dist2 = new Float64Array(n), sums = new Float64Array(k * d), wsum = new Float64Array(k);
  const history: SphericalIterStats[] = [];
  let strict = false, iter = 0;
  for (iter = 1; iter <= maxIter; iter++) {
    checkAbort(ctl.signal, WHERE);
    const t0 = performance.now();
    const objective = assign(Xn, zero, cF32, k, w, labels, dist2);
    let changed = 0;
    for (let i = 0; i < n; i++) if (labels[i] !== prev[i]) changed++;
    centroidSums(x, n, d, labels, wEff, k, sums, wsum);
    relocateEmpty(Xn, zero, labels, wEff, dist2, sums, wsum, k);
    let shift = 0;
    for (let j = 0; j < k; j++) {
      if (!(wsum[j]! > 0)) continue;
      let s = 0;
      for (let t = 0; t < d; t++) s += sums[j * d + t]! ** 2;
      if (s === 0) continue; // rows cancel exactly: keep the old direction
      const inv = 1 / Math.sqrt(s);
      for (let t = 0; t < d; t++) {
        const nv = sums[j * d + t]! * inv;
        shift += (nv - centres[j * d + t]!) ** 2;
        centres[j * d + t] = nv;
      }
    }
    for (let i = 0; i < k * d; i++) cF32[i] = centres[i]!;
    history.push({ iter, cosineDistanceSum: objective, shift, changed, seconds: (performance.now() - t0) / 1000 });
    ctl.onProgress?.({ stage: WHERE, done: run * maxIter + iter, total: nRuns * maxIter });
    if (changed === 0) { strict = true; break; }
    if (shift <= tol) break;
    prev.set(labels);
  }
  const converged = iter <= maxIter;
  const objective = strict ? history[history.length - 1]!.cosineDistanceSum : assign(Xn, zero, cF32, k, w, labels, dist2);
  return { labels, centres: cF32, objective, nIter: Math.min(iter, maxIter), converged, history };
}

/**
 * Each empty cluster (no positive effective weight, in index order) takes the next non-zero row
 * farthest from its centre (largest 1 − cos, ties → lower row), removed from its old cluster's sums.
 */
function relocateEmpty(Xn: Matrix, zero: Uint8Array, labels: Int32Array, wEff: Float64Array | null, dist2: Float64Array,
  sums: Float64Array, wsum: Float64Array, k: number): void {
  const empty: number[] = [];
  for (let j = 0; j < k; j++) if (!(wsum[j]! > 0)) empty.push(j);
  if (empty.length === 0) return;
  const { data: x, rows: n, cols: d } = Xn;
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (!zero[i] && (wEff ? wEff[i]! > 0 : true)) order.push(i);
  order.sort((a, b) => dist2[b]! - dist2[a]! || a - b);
  empty.forEach((j, t) => {
    const i = order[t];
    if (i === undefined) return;
    const wi = wEff ? wEff[i]! : 1, old = labels[i]!;
    for (let u = 0; u < d; u++) { sums[old * d + u]! -= wi * x[i * d + u]!; sums[j * d + u] = wi * x[i * d + u]!; }
    wsum[old]! -= wi; wsum[j] = wi;
    labels[i] = j;
  });
}

function checkModel(model: SphericalKMeansResult, x: MatrixLike, where: string): Matrix {
  const X = toMatrix(x, where);
  checkData(X, where);
  checkCols(X, model.d, where);
  return X;
}

/** Centre of highest cosine similarity for each row of x [n × d]; zero rows → 0. Ties → lowest index. */
export function predict(model: SphericalKMeansResult, x: MatrixLike): Int32Array {
  const X = checkModel(model, x, `${WHERE}.predict`);
  const { xn, zero } = normaliseRows(X);
  const labels = new Int32Array(X.rows), d2 = new Float64Array(X.rows);
  assign({ data: xn, rows: X.rows, cols: X.cols }, zero, model.centroids, model.k, null, labels, d2);
  return labels;
}

/** Cosine distance 1 − cos(x, c) of each row to each centre: [n × k] float32 in [0, 2]; zero rows → 1. */
export function transform(model: SphericalKMeansResult, x: MatrixLike): Float32Array {
  const X = checkModel(model, x, `${WHERE}.transform`);
  const out = new Float32Array(X.rows * model.k);
  cosineBlock(X.data, X.rows, model.centroids, model.k, X.cols, out);
  return out;
}
