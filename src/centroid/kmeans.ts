/**
 * k-means (Lloyd 1982) with scikit-learn's rules, and Hamerly's (2010) bound-based acceleration
 * that gives the same labels from the same start with far fewer distance evaluations.
 *
 * Rules followed (scikit-learn 1.2 `_kmeans_single_lloyd`): each iteration assigns every row to
 * its nearest current centre (ties → lowest index), then moves each centre to the weighted mean of
 * its rows. Stop when the labels equal the previous iteration's (strict convergence) or when
 * Σⱼ‖cⱼ − cⱼ′‖² ≤ tol × mean column variance of X. `nIter` counts the stopping iteration; when
 * stopped by tol or maxIter the labels are recomputed once against the final centres. An empty
 * cluster is re-seeded with the row farthest from its centre (scikit-learn's relocation).
 */
import { ClusterkitError } from '../core/errors.js';
import { type Matrix, type MatrixLike, toMatrix, checkData, checkCols } from '../core/matrix.js';
import { resolveOptions, checkIntRange, type OptionSpec } from '../core/options.js';
import { createRng, type Rng } from '../core/rng.js';
import { checkAbort, type RunControl } from '../core/control.js';
import {
  assignNearest, assignNearestAndSums, centroidSums, firstNonFinite, labelledBeyond, labelledSqDist, pinRows, sqDistBlock, sqDistRow,
} from '../kernels/index.js';
import { kmeansPlusPlus, kmeansParallel, randomRows } from './init.js';

/** Given start centroids: a [k × d] Float32Array, a Matrix, or rows. */
export type InitCentroids = Float32Array | Matrix | ArrayLike<ArrayLike<number>>;

export interface KMeansOptions extends RunControl {
  /** Number of clusters, in [1, n]. Required. */
  k: number;
  /** Seeding: greedy 'k-means++', 'k-means||' (k-means‖, for large n), 'random' rows, or given centroids [k × d].
   *  @defaultValue 'k-means++' */
  init?: 'k-means++' | 'k-means||' | 'random' | InitCentroids;
  /** Restarts with different seeds (rng.fork(run)); the lowest inertia wins. Forced to 1 with given centroids.
   *  @defaultValue 10 */
  nInit?: number;
  /** Maximum Lloyd iterations per run. @defaultValue 300 */
  maxIter?: number;
  /** Stop when Σⱼ‖Δcⱼ‖² ≤ tol × mean column variance of X (scikit-learn's rule); 0 = only strict convergence.
   *  @defaultValue 1e-4 */
  tol?: number;
  /** 'lloyd', 'hamerly' (bounds; same labels, fewer distances) or 'elkan' (k bounds per row).
   *  'auto' = 'hamerly'. @defaultValue 'auto' */
  algorithm?: 'auto' | 'lloyd' | 'hamerly' | 'elkan';
  /** Seed of the PCG32 generator behind every random choice. @defaultValue 0 */
  seed?: number;
  /** Non-negative weight per row [n], not rescaled (scikit-learn). @defaultValue all 1 */
  sampleWeight?: ArrayLike<number> | null;
  /** k-means++ candidates per step; null = 2 + ⌊ln k⌋ (scikit-learn). @defaultValue null */
  nLocalTrials?: number | null;
}

const isNumArray = (v: unknown): boolean => ArrayBuffer.isView(v) || Array.isArray(v) ||
  (typeof v === 'object' && v !== null && 'data' in v);

/** Option table: drives validation, CLI flags and docs. */
export const KMEANS_SPEC = {
  k: { type: 'int', min: 1, doc: 'number of clusters (required)' },
  init: { type: 'custom', expected: "'k-means++', 'k-means||', 'random' or [k × d] centroids",
    check: (v) => v === 'k-means++' || v === 'k-means||' || v === 'random' || isNumArray(v),
    doc: "seeding: 'k-means++' (default), 'k-means||', 'random', or given centroids" },
  nInit: { type: 'int', min: 1, default: 10, doc: 'restarts, best inertia kept (1 with given centroids)' },
  maxIter: { type: 'int', min: 1, default: 300, doc: 'maximum iterations per run' },
  tol: { type: 'float', min: 0, default: 1e-4, doc: 'relative tolerance on centre movement (× mean column variance)' },
  algorithm: { type: 'enum', values: ['auto', 'lloyd', 'hamerly', 'elkan'], default: 'auto', doc: "'lloyd', 'hamerly', 'elkan'; 'auto' = hamerly" },
  seed: { type: 'int', min: 0, default: 0, doc: 'random seed' },
  sampleWeight: { type: 'custom', expected: 'an array of n non-negative numbers', check: (v) => v === null || isNumArray(v), doc: 'weight per row' },
  nLocalTrials: { type: 'int', min: 1, nullable: true, doc: 'k-means++ local trials (default 2 + ln k)' },
} as const satisfies OptionSpec;

/** Options after validation, as stored in the result (given centroids are recorded as 'given'). */
export interface ResolvedKMeansOptions {
  readonly k: number;
  readonly init: 'k-means++' | 'k-means||' | 'random' | 'given';
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly algorithm: 'lloyd' | 'hamerly' | 'elkan';
  readonly seed: number;
  readonly weighted: boolean;
}

/** Statistics of one iteration (FAISS-style `iteration_stats`). */
export interface KMeansIterStats {
  /** 1-based iteration. */
  readonly iter: number;
  /**
   * Σ w·‖x − c_label‖² of this iteration's assignment against the centres it was made with (Lloyd: from
   * the step's sums about the data mean, relative error ≈ 1e-16 × the data's spread / the inertia).
   */
  readonly inertia: number;
  /** Σⱼ‖cⱼ − cⱼ′‖² of the move that followed. */
  readonly shift: number;
  /** Rows whose label changed from the previous iteration. */
  readonly changed: number;
  /** Row-to-centre distances evaluated (n·k for Lloyd; fewer with bounds). */
  readonly distances: number;
  /** Wall time of the iteration, seconds. */
  readonly seconds: number;
}

export interface KMeansResult {
  readonly kind: 'kmeans';
  readonly version: 1;
  readonly options: ResolvedKMeansOptions;
  /** Rows (training set) and columns. */
  readonly n: number;
  readonly d: number;
  readonly k: number;
  /** Cluster of each training row [n], in 0..k−1. Equal to predict(model, X). */
  readonly labels: Int32Array;
  /** Centres [k × d], row-major. */
  readonly centroids: Float32Array;
  /** Σ w·‖x − c_label‖² of the final labels against the returned float32 centroids (float64 sums; −score(model, X)). */
  readonly inertia: number;
  /** Iterations of the best run (scikit-learn's n_iter_). */
  readonly nIter: number;
  /** True when the best run stopped by strict convergence or tol, not maxIter. */
  readonly converged: boolean;
  /** Which restart won (0-based), and the inertia of every restart. */
  readonly bestRun: number;
  readonly runInertias: readonly number[];
  /** Per-iteration statistics of the best run. */
  readonly history: readonly KMeansIterStats[];
  /** Seconds spent seeding the best run. */
  readonly seedingSeconds: number;
  /** Degenerate but valid outcomes (fewer distinct points than k, …). */
  readonly warnings: readonly string[];
}

const WHERE = 'kmeans';

/** Validate weights: length n, finite, ≥ 0, positive sum. Returns float64 copy or null. */
export function checkWeights(w: ArrayLike<number> | null | undefined, n: number, where: string): Float64Array | null {
  if (w === null || w === undefined) return null;
  if (w.length !== n) {
    throw new ClusterkitError('DIM_MISMATCH', `${where}: option 'sampleWeight' must have one weight per row (${n}). Got ${w.length}.`, 'sampleWeight');
  }
  const out = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = Number(w[i]);
    if (!Number.isFinite(v) || v < 0) {
      throw new ClusterkitError('BAD_OPTION', `${where}: option 'sampleWeight' must hold finite non-negative numbers. Got ${w[i]} at row ${i}.`, 'sampleWeight');
    }
    out[i] = v; s += v;
  }
  if (!(s > 0)) throw new ClusterkitError('BAD_OPTION', `${where}: option 'sampleWeight' must have a positive sum. Got ${s}.`, 'sampleWeight');
  return out;
}

/** Mean column variance of X (unweighted, population), scikit-learn's tolerance scale. */
export function meanColumnVariance(x: Matrix): number {
  const { data, rows: n, cols: d } = x;
  const mean = new Float64Array(d), m2 = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t]! += data[i * d + t]!;
  for (let t = 0; t < d; t++) mean[t]! /= n;
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) { const v = data[i * d + t]! - mean[t]!; m2[t]! += v * v; }
  let s = 0;
  for (let t = 0; t < d; t++) s += m2[t]! / n;
  return s / d;
}

/** Resolve given centroids to a Float32Array [k × d], checking shape and finiteness. */
function givenCentroids(init: InitCentroids, k: number, d: number): Float32Array {
  const m = init instanceof Float32Array ? { data: init, rows: init.length / d, cols: d } : toMatrix(init as MatrixLike, `${WHERE}: option 'init'`);
  if (m.rows !== k || m.cols !== d || m.data.length !== k * d) {
    throw new ClusterkitError('DIM_MISMATCH', `${WHERE}: option 'init' must be ${k} × ${d} centroids (k × d). Got ${m.data.length} values${m.cols !== d ? ` with ${m.cols} columns` : ''}.`, 'init');
  }
  for (let i = 0; i < m.data.length; i++) if (!Number.isFinite(m.data[i]!)) {
    throw new ClusterkitError('BAD_OPTION', `${WHERE}: option 'init' must be finite. Got ${m.data[i]} at centroid ${Math.floor(i / d)}, column ${i % d}.`, 'init');
  }
  return Float32Array.from(m.data);
}

/** Seed k centres for one run: returns [k × d] float32. */
export function seedCentroids(x: Matrix, k: number, init: 'k-means++' | 'k-means||' | 'random', rng: Rng,
  w: Float64Array | null, nLocalTrials?: number): Float32Array {
  const { data, rows: n, cols: d } = x;
  const idx = init === 'random' ? randomRows(n, k, rng)
    : init === 'k-means||' ? kmeansParallel(data, n, d, k, rng, w)
      : kmeansPlusPlus(data, n, d, k, rng, w, nLocalTrials);
  const c = new Float32Array(k * d);
  for (let j = 0; j < k; j++) c.set(data.subarray(idx[j]! * d, idx[j]! * d + d), j * d);
  return c;
}

interface RunOut {
  labels: Int32Array; centres: Float64Array; inertia: number; nIter: number; converged: boolean;
  history: KMeansIterStats[];
}

/**
 * Fit k-means. Input rows are not copied when `x` is a Matrix and never mutated.
 * Cost per Lloyd iteration O(n·k·d) through the kernel layer; Hamerly skips most rows once
 * centres settle. Memory O(n + k·d) beyond the data (Elkan: + n·k bounds).
 * @throws ClusterkitError BAD_OPTION / UNKNOWN_OPTION / BAD_DATA / EMPTY_DATA / ABORTED.
 */
export function fit(x: MatrixLike, options: KMeansOptions): KMeansResult {
  const X = toMatrix(x, WHERE);
  const unpin = pinRows(X.data); // the kernels read the data in place for the whole fit
  try {
    return fitPinned(X, options);
  } finally {
    unpin();
  }
}

function fitPinned(X: Matrix, options: KMeansOptions): KMeansResult {
  checkData(X, WHERE, firstNonFinite); // on pinned rows: read off the int16 image the fit then uses
  if (options === null || typeof options !== 'object' || options.k === undefined) {
    throw new ClusterkitError('BAD_OPTION', `${WHERE}: option 'k' must be given (number of clusters). Got undefined.`, 'k');
  }
  const o = resolveOptions<Required<Omit<KMeansOptions, 'sampleWeight' | 'nLocalTrials' | 'init'>> &
    Pick<KMeansOptions, 'sampleWeight' | 'nLocalTrials' | 'init'>>(WHERE, KMEANS_SPEC, options);
  const n = X.rows, d = X.cols, k = o.k;
  checkIntRange(WHERE, 'k', k, 1, n, 'n');
  const w = checkWeights(o.sampleWeight, n, WHERE);
  const init = o.init ?? 'k-means++';
  const given = typeof init === 'string' ? null : givenCentroids(init, k, d);
  const nInit = given ? 1 : o.nInit;
  const algorithm = o.algorithm === 'auto' ? 'hamerly' : o.algorithm;
  const tolAbs = o.tol > 0 ? o.tol * meanColumnVariance(X) : 0;
  const rng = createRng(o.seed);
  const warnings: string[] = [];

  let best: RunOut | null = null, bestRun = 0, bestSeeding = 0;
  const runInertias: number[] = [];
  for (let r = 0; r < nInit; r++) {
    checkAbort(o.signal, WHERE);
    const t0 = performance.now();
    const c0 = given ?? seedCentroids(X, k, init as 'k-means++', rng.fork(r), w, o.nLocalTrials ?? undefined);
    const seeding = (performance.now() - t0) / 1000;
    const run = runKMeans(X, c0, k, w, o.maxIter, tolAbs, algorithm, o, r, nInit);
    runInertias.push(run.inertia);
    if (!best || run.inertia < best.inertia) { best = run; bestRun = r; bestSeeding = seeding; }
  }
  const b = best!;
  const seen = new Uint8Array(k);
  let used = 0;
  for (let i = 0; i < n; i++) { const l = b.labels[i]!; if (l >= 0 && !seen[l]) { seen[l] = 1; used++; } }
  if (used < k) warnings.push(`kmeans: found ${used} distinct clusters, fewer than k = ${k} (the data has fewer distinct points than k).`);
  return {
    kind: 'kmeans', version: 1,
    options: { k, init: given ? 'given' : (init as 'k-means++'), nInit, maxIter: o.maxIter, tol: o.tol, algorithm, seed: o.seed, weighted: w !== null },
    n, d, k, labels: b.labels, centroids: Float32Array.from(b.centres), inertia: b.inertia, nIter: b.nIter,
    converged: b.converged, bestRun, runInertias, history: b.history, seedingSeconds: bestSeeding, warnings,
  };
}

/** One Lloyd/Hamerly/Elkan run from the start centres c0 [k × d]. */
function runKMeans(X: Matrix, c0: Float32Array, k: number, w: Float64Array | null, maxIter: number, tolAbs: number,
  algorithm: 'lloyd' | 'hamerly' | 'elkan', ctl: RunControl, run: number, nRuns: number): RunOut {
  const { data: x, rows: n, cols: d } = X;
  const centres = Float64Array.from(c0);
  const cF32 = Float32Array.from(c0);
  const labels = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * d), wsum = new Float64Array(k);
  const history: KMeansIterStats[] = [];
  const bounds = algorithm === 'lloyd' ? null : algorithm === 'hamerly' ? new HamerlyBounds(n, k) : new ElkanBounds(n, k);
  const prev = bounds ? new Int32Array(n).fill(-1) : null; // Lloyd's kernel counts the changes itself
  let lloyd: { mu: Float64Array; x2: number } | null = null;
  let strict = false, iter = 0;
  for (iter = 1; iter <= maxIter; iter++) {
    checkAbort(ctl.signal, WHERE);
    const t0 = performance.now();
    let distances: number, inertia = 0;
    let changed = 0;
    if (bounds) {
      distances = bounds.assign(x, n, d, centres, cF32, k, labels);
      inertia = labelledSqDist(x, n, d, labels, centres, k, w);
      centroidSums(x, n, d, labels, w, k, sums, wsum); // for the M-step
      for (let i = 0; i < n; i++) if (labels[i] !== prev![i]) changed++;
      prev!.set(labels);
    } else {
      // E-step and the M-step's sums in one pass (labels go in as the previous ones); no exact
      // distances: the step's inertia follows from its sums (lloydInertia)
      const step = assignNearestAndSums(x, n, d, cF32, k, labels, null, w, sums, wsum);
      changed = step.changed;
      lloyd ??= step.ref ?? lloydReference(X, labels, sums, wsum, k, w);
      inertia = lloydInertia(lloyd, cF32, sums, wsum, k, d);
      distances = n * k;
    }
    // M-step
    const relocated = relocateEmpty(X, labels, w, centres, sums, wsum, k);
    let shift = 0;
    const moves = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let s = 0;
      if (wsum[j]! > 0) {
        for (let t = 0; t < d; t++) {
          const nv = sums[j * d + t]! / wsum[j]!;
          const dv = nv - centres[j * d + t]!;
          s += dv * dv;
          centres[j * d + t] = nv;
        }
      }
      moves[j] = s; shift += s;
    }
    for (let i = 0; i < k * d; i++) cF32[i] = centres[i]!;
    if (bounds) { if (relocated) bounds.reset(); else bounds.moved(labels, moves); }
    history.push({ iter, inertia, shift, changed, distances, seconds: (performance.now() - t0) / 1000 });
    ctl.onProgress?.({ stage: WHERE, done: run * maxIter + iter, total: nRuns * maxIter });
    if (changed === 0) { strict = true; break; }
    if (shift <= tolAbs) break;
  }
  const nIter = Math.min(iter, maxIter);
  const converged = iter <= maxIter;
  // E-step against the final centres (the labels of the last one are for the previous centres):
  // rows the bounds show still nearest their centre keep it, the others are assigned again —
  // the same labels as a full assignment, at a fraction of its cost. The inertia is that of the
  // float32 centroids the fit returns (what predict and score use).
  let inertia: number;
  if (strict) inertia = labelledSqDist(x, n, d, labels, cF32, k, w);
  else if (bounds) {
    bounds.assign(x, n, d, centres, cF32, k, labels);
    inertia = labelledSqDist(x, n, d, labels, cF32, k, w);
  } else inertia = finalLloydStep(X, cF32, k, labels, w);
  return { labels, centres, inertia, nIter, converged, history };
}

/**
 * The reference of lloydInertia when the step did not give one: μ, the weighted mean of the rows
 * (from a step's sums, [d]), and X2 = Σ w_i‖x_i − μ‖² (one pass through the kernel layer).
 */
function lloydReference(X: Matrix, labels: Int32Array, sums: Float64Array, wsum: Float64Array, k: number,
  w: Float64Array | null): { mu: Float64Array; x2: number } {
  const { data: x, rows: n, cols: d } = X;
  const mu = new Float64Array(d);
  let W = 0;
  for (let j = 0; j < k; j++) {
    W += wsum[j]!;
    for (let t = 0; t < d; t++) mu[t]! += sums[j * d + t]!;
  }
  for (let t = 0; t < d; t++) mu[t]! /= W;
  const muK = new Float64Array(k * d); // μ as every centre: the labels select rows, not centres
  for (let j = 0; j < k; j++) muK.set(mu, j * d);
  return { mu, x2: labelledSqDist(x, n, d, labels, muK, k, w) };
}

/**
 * A Lloyd step's inertia Σ_j Σ_{i∈j} w_i‖x_i − c_j‖² from its sums S_j, W_j and the centres c [k × d]
 * it assigned to: X2 − Σ_j (2 c̃_j·S̃_j − W_j‖c̃_j‖²) with c̃_j = c_j − μ, S̃_j = S_j − W_j μ and
 * X2 = Σ w_i‖x_i − μ‖² (μ near the data mean, so that nothing large cancels; float64, relative
 * error ≈ 1e-16·X2 / inertia).
 */
function lloydInertia(ref: { mu: Float64Array; x2: number }, c: Float32Array, sums: Float64Array, wsum: Float64Array,
  k: number, d: number): number {
  const { mu } = ref;
  let q = 0;
  for (let j = 0; j < k; j++) {
    const W = wsum[j]!;
    if (!(W > 0)) continue;
    let dot = 0, cc = 0;
    for (let t = 0; t < d; t++) {
      const ct = c[j * d + t]! - mu[t]!, st = sums[j * d + t]! - W * mu[t]!;
      dot += ct * st;
      cc += ct * ct;
    }
    q += 2 * dot - W * cc;
  }
  return Math.max(0, ref.x2 - q);
}

/**
 * Lloyd's final E-step against the final centres c [k × d] (float32): one pass over the rows gives
 * each row's exact squared distance to its current centre; a row keeps its label when that
 * distance is below half the distance from its centre to every other one (Elkan's lemma: then its
 * centre is strictly the nearest; a relative margin absorbs rounding), the rows the pass lists
 * are assigned exactly. Returns the inertia of the final labels, `labelledSqDist(labels, c)`.
 */
function finalLloydStep(X: Matrix, c: Float32Array, k: number, labels: Int32Array, w: Float64Array | null): number {
  const { data: x, rows: n, cols: d } = X;
  const s = halfMinCentreDistances(c, k, d);
  const thr = s.map((v) => (v * (1 - MARGIN)) ** 2);
  const idx = new Int32Array(n);
  const { inertia, count } = labelledBeyond(x, n, d, labels, c, k, w, thr, idx);
  if (count === 0) return inertia;
  assignNearest(x, n, d, c, k, labels, new Float64Array(n), null, idx, count);
  return labelledSqDist(x, n, d, labels, c, k, w);
}

/**
 * scikit-learn's `_relocate_empty_clusters_dense`: each empty cluster (in index order) takes the
 * next row farthest from its assigned centre (squared distance, ties → lower row), which is
 * removed from its old cluster's sums. Returns true when anything moved.
 */
function relocateEmpty(X: Matrix, labels: Int32Array, w: Float64Array | null, centres: Float64Array,
  sums: Float64Array, wsum: Float64Array, k: number): boolean {
  const empty: number[] = [];
  for (let j = 0; j < k; j++) if (wsum[j] === 0) empty.push(j);
  if (empty.length === 0) return false;
  const { data: x, rows: n, cols: d } = X;
  const far = new Float64Array(n);
  for (let i = 0; i < n; i++) far[i] = sqDistRow(x, i, centres, labels[i]!, d);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => far[b]! - far[a]! || a - b);
  empty.forEach((j, t) => {
    const i = order[t]!;
    const wi = w ? w[i]! : 1, old = labels[i]!;
    for (let u = 0; u < d; u++) { sums[old * d + u]! -= wi * x[i * d + u]!; sums[j * d + u] = wi * x[i * d + u]!; }
    wsum[old]! -= wi; wsum[j] = wi;
    labels[i] = j;
  });
  return true;
}

/** Relative safety margin on bound tests, so float rounding never skips a row Lloyd would move. */
const MARGIN = 1e-6;

/** Hamerly's bounds: an upper bound on the distance to the own centre, a lower bound on the second nearest. */
class HamerlyBounds {
  private u: Float64Array; private l: Float64Array; private fresh = true;
  private idx: Int32Array; private d2: Float64Array; private sec: Float64Array;
  constructor(n: number, private k: number) {
    this.u = new Float64Array(n); this.l = new Float64Array(n);
    this.idx = new Int32Array(n); this.d2 = new Float64Array(n); this.sec = new Float64Array(n);
  }
  reset(): void { this.fresh = true; }
  /** Assign rows to centres; returns the number of row-centre distances evaluated. */
  assign(x: Float32Array, n: number, d: number, c: Float64Array, cF32: Float32Array, k: number, labels: Int32Array): number {
    const { u, l, d2, sec } = this;
    if (this.fresh) {
      assignNearest(x, n, d, cF32, k, labels, d2, sec);
      for (let i = 0; i < n; i++) { u[i] = Math.sqrt(d2[i]!); l[i] = k > 1 ? Math.sqrt(sec[i]!) : Infinity; }
      this.fresh = false;
      return n * k;
    }
    const s = halfMinCentreDistances(cF32, k, d);
    let m = 0, evals = 0;
    for (let i = 0; i < n; i++) {
      const a = labels[i]!;
      const bound = Math.max(s[a]!, l[i]!) * (1 - MARGIN);
      if (u[i]! <= bound) continue;
      u[i] = Math.sqrt(sqDistRow(x, i, c, a, d)); evals++;
      if (u[i]! <= bound) continue;
      this.idx[m++] = i;
    }
    if (m > 0) {
      assignNearest(x, n, d, cF32, k, labels, d2, sec, this.idx, m);
      for (let t = 0; t < m; t++) { const i = this.idx[t]!; u[i] = Math.sqrt(d2[i]!); l[i] = k > 1 ? Math.sqrt(sec[i]!) : Infinity; }
    }
    return evals + m * k + k * k;
  }
  /** Centres moved by sqrt(moves[j]): loosen the bounds. */
  moved(labels: Int32Array, moves: Float64Array): void {
    const k = this.k;
    let b1 = -1, m1 = 0, m2 = 0;
    for (let j = 0; j < k; j++) {
      const p = Math.sqrt(moves[j]!);
      if (p > m1) { m2 = m1; m1 = p; b1 = j; } else if (p > m2) m2 = p;
    }
    const { u, l } = this;
    for (let i = 0; i < u.length; i++) {
      const a = labels[i]!;
      u[i]! += Math.sqrt(moves[a]!) * (1 + MARGIN);
      l[i]! -= (a === b1 ? m2 : m1) * (1 + MARGIN);
    }
  }
}

/** s[j] = ½ min_{j′≠j} ‖cⱼ − cⱼ′‖ (plain distance), [k]. */
function halfMinCentreDistances(cF32: Float32Array, k: number, d: number): Float64Array {
  const cc = new Float64Array(k * k);
  sqDistBlock(cF32, k, cF32, k, d, cc);
  const s = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let m = Infinity;
    for (let q = 0; q < k; q++) if (q !== j && cc[j * k + q]! < m) m = cc[j * k + q]!;
    s[j] = 0.5 * Math.sqrt(m);
  }
  return s;
}

/**
 * Elkan's bounds (2003): one upper bound per row and one lower bound per row and centre
 * (n × k float64 memory), pruned with the centre–centre distances.
 */
class ElkanBounds {
  private u: Float64Array; private l: Float64Array; private fresh = true;
  constructor(n: number, private k: number) { this.u = new Float64Array(n); this.l = new Float64Array(n * k); }
  reset(): void { this.fresh = true; }
  assign(x: Float32Array, n: number, d: number, c: Float64Array, cF32: Float32Array, k: number, labels: Int32Array): number {
    const { u, l } = this;
    if (this.fresh) {
      // exact distances to every centre, by blocks through the kernel layer
      const B = 1024, blk = new Float64Array(B * k);
      for (let s = 0; s < n; s += B) {
        const m = Math.min(B, n - s);
        sqDistBlock(x.subarray(s * d, (s + m) * d), m, cF32, k, d, blk);
        for (let r = 0; r < m; r++) {
          const i = s + r;
          let bj = 0, bv = Infinity;
          for (let j = 0; j < k; j++) { const v = Math.sqrt(blk[r * k + j]!); l[i * k + j] = v; if (v < bv) { bv = v; bj = j; } }
          labels[i] = bj; u[i] = bv;
        }
      }
      this.fresh = false;
      return n * k;
    }
    const cc = new Float64Array(k * k);
    sqDistBlock(cF32, k, cF32, k, d, cc);
    for (let i = 0; i < k * k; i++) cc[i] = Math.sqrt(cc[i]!);
    const s = new Float64Array(k);
    for (let j = 0; j < k; j++) { let m = Infinity; for (let q = 0; q < k; q++) if (q !== j && cc[j * k + q]! < m) m = cc[j * k + q]!; s[j] = 0.5 * m; }
    let evals = k * k;
    for (let i = 0; i < n; i++) {
      let a = labels[i]!;
      if (u[i]! <= s[a]! * (1 - MARGIN)) continue;
      let tight = false;
      for (let j = 0; j < k; j++) {
        if (j === a) continue;
        const bound = Math.max(l[i * k + j]!, 0.5 * cc[a * k + j]!) * (1 - MARGIN);
        if (u[i]! <= bound) continue;
        if (!tight) { u[i] = Math.sqrt(sqDistRow(x, i, c, a, d)); l[i * k + a] = u[i]!; tight = true; evals++; if (u[i]! <= bound) continue; }
        const dj = Math.sqrt(sqDistRow(x, i, c, j, d)); evals++;
        l[i * k + j] = dj;
        if (dj < u[i]! || (dj === u[i]! && j < a)) { a = j; u[i] = dj; }
      }
      labels[i] = a;
    }
    return evals;
  }
  moved(labels: Int32Array, moves: Float64Array): void {
    const { u, l, k } = this;
    const p = Float64Array.from(moves, (m) => Math.sqrt(m) * (1 + MARGIN));
    for (let i = 0; i < u.length; i++) {
      u[i]! += p[labels[i]!]!;
      for (let j = 0; j < k; j++) l[i * k + j]! -= p[j]!;
    }
  }
}

/** Nearest centre of each row of x [n × d] (checked against the model's d). Ties → lowest index. */
export function predict(model: KMeansResult, x: MatrixLike): Int32Array {
  const X = toMatrix(x, `${WHERE}.predict`);
  checkData(X, `${WHERE}.predict`);
  checkCols(X, model.d, `${WHERE}.predict`);
  const labels = new Int32Array(X.rows), d2 = new Float64Array(X.rows);
  assignNearest(X.data, X.rows, X.cols, model.centroids, model.k, labels, d2);
  return labels;
}

/** Euclidean (not squared) distance of each row to each centre: [n × k] float32. */
export function transform(model: KMeansResult, x: MatrixLike): Float32Array {
  const X = toMatrix(x, `${WHERE}.transform`);
  checkData(X, `${WHERE}.transform`);
  checkCols(X, model.d, `${WHERE}.transform`);
  const out = new Float32Array(X.rows * model.k);
  sqDistBlock(X.data, X.rows, model.centroids, model.k, X.cols, out);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]!);
  return out;
}

/** Opposite of the inertia of x under the model (scikit-learn's `score`): −Σ w·min_j ‖x − cⱼ‖². */
export function score(model: KMeansResult, x: MatrixLike, sampleWeight?: ArrayLike<number>): number {
  const X = toMatrix(x, `${WHERE}.score`);
  checkData(X, `${WHERE}.score`);
  checkCols(X, model.d, `${WHERE}.score`);
  const w = checkWeights(sampleWeight, X.rows, `${WHERE}.score`);
  const labels = predict(model, X);
  let s = 0;
  for (let i = 0; i < X.rows; i++) s += (w ? w[i]! : 1) * sqDistRow(X.data, i, model.centroids, labels[i]!, X.cols);
  return -s;
}
