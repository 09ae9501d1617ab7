/**
 * Mini-batch k-means (Sculley 2010, "Web-scale k-means clustering") with scikit-learn 1.2's
 * `MiniBatchKMeans` rules, plus a streaming `partialFit` over chunks.
 *
 * Rules followed (scikit-learn 1.2.1 `MiniBatchKMeans.fit` and `_mini_batch_step`):
 * - Seeding: `nInit` starts, each seeded on its own subsample of `initSize` rows drawn with
 *   replacement (default 3·batchSize, at least 3k, at most n); the start with the lowest inertia
 *   on one shared validation subsample (also `initSize` rows) wins.
 * - Steps: `⌊maxIter·n / batchSize⌋` steps, each on `batchSize` rows drawn with replacement. Rows
 *   are assigned to the current centres; each centre j that received rows moves to
 *   (countⱼ·cⱼ + Σ w·x) / (countⱼ + Σ w), i.e. a per-centre learning rate of w / count.
 * - Reassignment: when some count is 0 or 10·k rows went by since the last one, centres whose
 *   count is below `reassignmentRatio` × the largest count (at most half the batch) move to
 *   distinct random rows of the batch, and their counts are set to the smallest remaining count.
 * - Stopping: after the first step, the mean batch inertia (Σ w·d² / batchSize) is smoothed by
 *   an exponentially weighted average with α = min(1, 2·batchSize / (n + 1)); stop when it has
 *   not improved on its minimum for `maxNoImprovement` steps, or when tol > 0 and the squared
 *   centre shift of a step is ≤ tol × mean column variance of X.
 * - Labels and inertia of all rows are computed once against the final centres.
 *
 * Differences from scikit-learn 1.2: the numbers differ (PCG32, not numpy's generator);
 * k-means++ on the init subsample uses the sample weights (scikit-learn ≥ 1.3 does too).
 */
import { ClusterkitError } from '../core/errors.js';
import { type Matrix, type MatrixLike, toMatrix, checkData, checkCols } from '../core/matrix.js';
import { resolveOptions, checkIntRange, type OptionSpec } from '../core/options.js';
import { createRng, type Rng } from '../core/rng.js';
import { checkAbort, type RunControl } from '../core/control.js';
import { assignNearest, centroidSums, sqDistBlock, sqDistRow } from '../kernels/index.js';
import { randomRows } from './init.js';
import { checkWeights, meanColumnVariance, seedCentroids, type InitCentroids } from './kmeans.js';

export interface MiniBatchKMeansOptions extends RunControl {
  /** Number of clusters, in [1, n]. Required. */
  k: number;
  /** Seeding of each start on its subsample: 'k-means++' (greedy, as scikit-learn), 'random' rows,
   *  or given centroids [k × d] (then nInit = 1). @defaultValue 'k-means++' */
  init?: 'k-means++' | 'random' | InitCentroids;
  /** Starts compared on a validation subsample; the lowest inertia wins. @defaultValue 3 */
  nInit?: number;
  /** Rows per mini-batch, capped at n. @defaultValue 1024 */
  batchSize?: number;
  /** Maximum epochs (passes over n rows): ⌊maxIter·n / batchSize⌋ steps. @defaultValue 100 */
  maxIter?: number;
  /** Stop when a step's Σⱼ‖Δcⱼ‖² ≤ tol × mean column variance of X; 0 disables. @defaultValue 0 */
  tol?: number;
  /** Stop after this many steps without improvement of the smoothed batch inertia; null disables.
   *  @defaultValue 10 */
  maxNoImprovement?: number | null;
  /** Rows of the seeding and validation subsamples; null = 3·batchSize (at least 3k, at most n).
   *  @defaultValue null */
  initSize?: number | null;
  /** Centres with count < ratio × the largest count are moved to random batch rows; 0 disables.
   *  @defaultValue 0.01 */
  reassignmentRatio?: number;
  /** Seed of the PCG32 generator behind every random choice. @defaultValue 0 */
  seed?: number;
  /** Non-negative weight per row [n] (for partialFit: per chunk row). @defaultValue all 1 */
  sampleWeight?: ArrayLike<number> | null;
}

const isNumArray = (v: unknown): boolean => ArrayBuffer.isView(v) || Array.isArray(v) ||
  (typeof v === 'object' && v !== null && 'data' in v);

/** Option table: drives validation, CLI flags and docs. */
export const MINIBATCH_SPEC = {
  k: { type: 'int', min: 1, doc: 'number of clusters (required)' },
  init: { type: 'custom', expected: "'k-means++', 'random' or [k × d] centroids",
    check: (v) => v === 'k-means++' || v === 'random' || isNumArray(v),
    doc: "seeding: 'k-means++' (default), 'random', or given centroids" },
  nInit: { type: 'int', min: 1, default: 3, doc: 'starts compared on a validation subsample (1 with given centroids)' },
  batchSize: { type: 'int', min: 1, default: 1024, doc: 'rows per mini-batch' },
  maxIter: { type: 'int', min: 1, default: 100, doc: 'maximum epochs' },
  tol: { type: 'float', min: 0, default: 0, doc: 'centre-shift tolerance per step (× mean column variance); 0 = off' },
  maxNoImprovement: { type: 'int', min: 0, nullable: true, default: 10, doc: 'steps without smoothed-inertia improvement before stopping (null = off)' },
  initSize: { type: 'int', min: 1, nullable: true, doc: 'rows of the seeding subsample (default 3·batchSize)' },
  reassignmentRatio: { type: 'float', min: 0, default: 0.01, doc: 'low-count reassignment threshold (fraction of the largest count)' },
  seed: { type: 'int', min: 0, default: 0, doc: 'random seed' },
  sampleWeight: { type: 'custom', expected: 'an array of n non-negative numbers', check: (v) => v === null || isNumArray(v), doc: 'weight per row' },
} as const satisfies OptionSpec;

/** Options after validation, as stored in the result (given centroids are recorded as 'given'). */
export interface ResolvedMiniBatchKMeansOptions {
  readonly k: number;
  readonly init: 'k-means++' | 'random' | 'given';
  readonly nInit: number;
  readonly batchSize: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly maxNoImprovement: number | null;
  readonly initSize: number | null;
  readonly reassignmentRatio: number;
  readonly seed: number;
  readonly weighted: boolean;
}

/** Statistics of one epoch (⌈n / batchSize⌉ steps; the last epoch may be partial). */
export interface MiniBatchEpochStats {
  /** 1-based epoch. */
  readonly epoch: number;
  /** Steps taken in this epoch. */
  readonly steps: number;
  /** Mean over the epoch's steps of Σ w·d² / batchSize (batch rows against the centres before the step). */
  readonly meanBatchInertia: number;
  /** Smoothed batch inertia after the epoch's last step (before the second step: the first step's batch inertia). */
  readonly ewaInertia: number;
  /** Σ over the epoch's steps of Σⱼ‖Δcⱼ‖². */
  readonly shift: number;
  /** Centres moved by low-count reassignment during the epoch. */
  readonly reassigned: number;
  /** Wall time, seconds. */
  readonly seconds: number;
}

/** What `predict`, `transform` and `score` need: a fit result or a partialFit state. */
export interface CentroidModel {
  readonly k: number;
  readonly d: number;
  /** Centres [k × d], row-major. */
  readonly centroids: Float32Array;
}

export interface MiniBatchKMeansResult extends CentroidModel {
  readonly kind: 'minibatch-kmeans';
  readonly version: 1;
  readonly options: ResolvedMiniBatchKMeansOptions;
  /** Rows (training set). */
  readonly n: number;
  /** Cluster of each training row [n] against the final centres. Equal to predict(model, X). */
  readonly labels: Int32Array;
  /** Σ w·‖x − c_label‖² over all rows, final centres (float64). */
  readonly inertia: number;
  /** Epochs started: ⌈nSteps·batchSize / n⌉ (scikit-learn's n_iter_). */
  readonly nIter: number;
  /** Mini-batch steps taken (scikit-learn's n_steps_). */
  readonly nSteps: number;
  /** True when stopped early by tol or maxNoImprovement, false when all steps ran. */
  readonly converged: boolean;
  /** Accumulated weight per centre [k] (the learning-rate counts, after reassignment resets). */
  readonly counts: Float64Array;
  /** Which start won (0-based), and the validation inertia of every start. */
  readonly bestRun: number;
  readonly runInertias: readonly number[];
  /** Per-epoch statistics. */
  readonly history: readonly MiniBatchEpochStats[];
  /** Degenerate but valid outcomes. */
  readonly warnings: readonly string[];
}

/** State of a streaming fit by `partialFit`: plain data, JSON-safe, never mutated by partialFit. */
export interface MiniBatchKMeansState extends CentroidModel {
  readonly kind: 'minibatch-kmeans-state';
  readonly version: 1;
  readonly options: ResolvedMiniBatchKMeansOptions;
  /** Accumulated weight per centre [k]. */
  readonly counts: Float64Array;
  /** Chunks processed (one step each). */
  readonly nSteps: number;
  /** Rows seen over all chunks. */
  readonly nSeen: number;
  /** Rows seen since the last low-count reassignment. */
  readonly nSinceReassign: number;
  /** Σ w·d² of the last chunk against the centres before its update. */
  readonly lastBatchInertia: number;
}

const WHERE = 'minibatch-kmeans';
/** rng streams: validation subsample, starts, steps. */
const STREAM_VALID = 0, STREAM_INIT = 1, STREAM_STEPS = 2;

type Resolved = Required<Omit<MiniBatchKMeansOptions, 'sampleWeight' | 'init' | 'initSize' | 'maxNoImprovement'>> &
  Pick<MiniBatchKMeansOptions, 'sampleWeight' | 'init' | 'initSize' | 'maxNoImprovement'>;

/** Resolve given centroids to [k × d] float32, checking shape and finiteness. */
function givenCentroids(init: InitCentroids, k: number, d: number, where: string): Float32Array {
  const m = init instanceof Float32Array ? { data: init, rows: init.length / d, cols: d } : toMatrix(init as MatrixLike, `${where}: option 'init'`);
  if (m.rows !== k || m.cols !== d || m.data.length !== k * d) {
    throw new ClusterkitError('DIM_MISMATCH', `${where}: option 'init' must be ${k} × ${d} centroids (k × d). Got ${m.data.length} values${m.cols !== d ? ` with ${m.cols} columns` : ''}.`, 'init');
  }
  for (let i = 0; i < m.data.length; i++) if (!Number.isFinite(m.data[i]!)) {
    throw new ClusterkitError('BAD_OPTION', `${where}: option 'init' must be finite. Got ${m.data[i]} at centroid ${Math.floor(i / d)}, column ${i % d}.`, 'init');
  }
  return Float32Array.from(m.data);
}

/** Rows of the seeding subsample (scikit-learn's `_init_size`). */
function initSizeFor(o: Resolved, bs: number, n: number): number {
  let s = o.initSize ?? 3 * bs;
  if (s < o.k) s = 3 * o.k;
  return Math.min(s, n);
}

/** Copy rows idx[0..m) of x into out [m × d] and their weights into wOut. */
function gather(x: Float32Array, d: number, idx: Int32Array, m: number, w: Float64Array | null,
  out: Float32Array, wOut: Float64Array): void {
  for (let t = 0; t < m; t++) {
    const i = idx[t]!;
    out.set(x.subarray(i * d, i * d + d), t * d);
    wOut[t] = w ? w[i]! : 1;
  }
}

/** Seed one start on a subsample of `size` rows drawn with replacement. */
function seedOnSubsample(X: Matrix, w: Float64Array | null, size: number, k: number,
  init: 'k-means++' | 'random', rng: Rng): Float32Array {
  const d = X.cols, idx = new Int32Array(size);
  for (let t = 0; t < size; t++) idx[t] = rng.int(X.rows);
  const sub = new Float32Array(size * d), sw = new Float64Array(size);
  gather(X.data, d, idx, size, w, sub, sw);
  return seedCentroids({ data: sub, rows: size, cols: d }, k, init, rng, w ? sw : null);
}

/** Σ w·d² of rows [m × d] against centres [k × d]. */
function batchInertia(x: Float32Array, m: number, d: number, c: Float32Array, k: number, w: Float64Array,
  labels: Int32Array, dist2: Float64Array): number {
  assignNearest(x, m, d, c, k, labels, dist2);
  let s = 0;
  for (let t = 0; t < m; t++) s += w[t]! * dist2[t]!;
  return s;
}

/** Work buffers of one mini-batch step, sized for up to `m` rows. */
interface StepScratch {
  labels: Int32Array; dist2: Float64Array; sums: Float64Array; wsum: Float64Array; cF32: Float32Array;
}
function stepScratch(m: number, k: number, d: number): StepScratch {
  return { labels: new Int32Array(m), dist2: new Float64Array(m), sums: new Float64Array(k * d),
    wsum: new Float64Array(k), cF32: new Float32Array(k * d) };
}

interface StepOut { inertia: number; shift: number; reassigned: number }

/**
 * One mini-batch step (scikit-learn's `_mini_batch_step`): assign the m batch rows bx [m × d] to
 * the centres c [k × d] (float64, updated in place), move each centre by its count-weighted
 * learning rate, then, if `reassign`, move low-count centres to random batch rows.
 */
function miniBatchStep(bx: Float32Array, bw: Float64Array, m: number, d: number, c: Float64Array, k: number,
  counts: Float64Array, reassign: boolean, ratio: number, rng: Rng, S: StepScratch): StepOut {
  for (let i = 0; i < k * d; i++) S.cF32[i] = c[i]!;
  const inertia = batchInertia(bx, m, d, S.cF32, k, bw, S.labels, S.dist2);
  centroidSums(bx, m, d, S.labels, bw, k, S.sums, S.wsum);
  let shift = 0;
  for (let j = 0; j < k; j++) {
    const ws = S.wsum[j]!;
    if (!(ws > 0)) continue;
    const total = counts[j]! + ws;
    for (let t = 0; t < d; t++) {
      const o = j * d + t;
      const nv = (c[o]! * counts[j]! + S.sums[o]!) / total;
      shift += (nv - c[o]!) ** 2;
      c[o] = nv;
    }
    counts[j] = total;
  }
  let reassigned = 0;
  if (reassign && ratio > 0) {
    let max = 0;
    for (let j = 0; j < k; j++) if (counts[j]! > max) max = counts[j]!;
    const low: number[] = [];
    for (let j = 0; j < k; j++) if (counts[j]! < ratio * max) low.push(j);
    if (low.length > 0.5 * m) {
      // keep only the ⌊m/2⌋ lowest counts (ties → lower index)
      low.sort((a, b) => counts[a]! - counts[b]! || a - b);
      low.length = Math.floor(0.5 * m);
      low.sort((a, b) => a - b);
    }
    if (low.length > 0) {
      const rows = randomRows(m, low.length, rng);
      const isLow = new Uint8Array(k);
      low.forEach((j, t) => {
        isLow[j] = 1;
        const r = rows[t]!;
        for (let u = 0; u < d; u++) { const nv = bx[r * d + u]!; shift += (nv - c[j * d + u]!) ** 2; c[j * d + u] = nv; }
      });
      let minKept = Infinity;
      for (let j = 0; j < k; j++) if (!isLow[j] && counts[j]! < minKept) minKept = counts[j]!;
      for (const j of low) counts[j] = minKept;
      reassigned = low.length;
    }
  }
  return { inertia, shift, reassigned };
}

function requireK(options: unknown, where: string): void {
  if (options === null || typeof options !== 'object' || (options as { k?: unknown }).k === undefined) {
    throw new ClusterkitError('BAD_OPTION', `${where}: option 'k' must be given (number of clusters). Got undefined.`, 'k');
  }
}

function resolvedOptions(o: Resolved, given: boolean, nInit: number, w: boolean): ResolvedMiniBatchKMeansOptions {
  return {
    k: o.k, init: given ? 'given' : (o.init as 'k-means++' | 'random' | undefined) ?? 'k-means++', nInit,
    batchSize: o.batchSize, maxIter: o.maxIter, tol: o.tol, maxNoImprovement: o.maxNoImprovement ?? null,
    initSize: o.initSize ?? null, reassignmentRatio: o.reassignmentRatio, seed: o.seed, weighted: w,
  };
}

/**
 * Fit mini-batch k-means on all rows of x [n × d]. Input rows are not copied when `x` is a
 * Matrix and never mutated. Cost O(nSteps·batchSize·k·d) plus one O(n·k·d) final assignment;
 * memory O(batchSize·d + k·d + n). onProgress is called per step; the signal is checked per step.
 * @throws ClusterkitError BAD_OPTION / UNKNOWN_OPTION / BAD_DATA / EMPTY_DATA / DIM_MISMATCH / ABORTED.
 */
export function fit(x: MatrixLike, options: MiniBatchKMeansOptions): MiniBatchKMeansResult {
  const X = toMatrix(x, WHERE);
  checkData(X, WHERE);
  requireK(options, WHERE);
  const o = resolveOptions<Resolved>(WHERE, MINIBATCH_SPEC, options);
  const n = X.rows, d = X.cols, k = o.k;
  checkIntRange(WHERE, 'k', k, 1, n, 'n');
  const w = checkWeights(o.sampleWeight, n, WHERE);
  const init = o.init ?? 'k-means++';
  const given = typeof init === 'string' ? null : givenCentroids(init, k, d, WHERE);
  const nInit = given ? 1 : o.nInit;
  const bs = Math.min(o.batchSize, n);
  const initSize = initSizeFor(o, bs, n);
  const rng = createRng(o.seed);
  const warnings: string[] = [];

  // Starts, compared on a shared validation subsample.
  const vr = rng.fork(STREAM_VALID), vIdx = new Int32Array(initSize);
  for (let t = 0; t < initSize; t++) vIdx[t] = vr.int(n);
  const vx = new Float32Array(initSize * d), vw = new Float64Array(initSize);
  gather(X.data, d, vIdx, initSize, w, vx, vw);
  const vLab = new Int32Array(initSize), vD2 = new Float64Array(initSize);
  let start: Float32Array | null = null, bestRun = 0;
  const runInertias: number[] = [];
  for (let r = 0; r < nInit; r++) {
    checkAbort(o.signal, WHERE);
    const c0 = given ?? seedOnSubsample(X, w, initSize, k, init as 'k-means++' | 'random', rng.fork(STREAM_INIT).fork(r));
    const vi = batchInertia(vx, initSize, d, c0, k, vw, vLab, vD2);
    runInertias.push(vi);
    if (start === null || vi < runInertias[bestRun]!) { start = c0; bestRun = r; }
  }

  const c = Float64Array.from(start!);
  const counts = new Float64Array(k);
  const tolAbs = o.tol > 0 ? o.tol * meanColumnVariance(X) : 0;
  const nSteps = Math.max(1, Math.floor((o.maxIter * n) / bs));
  const alpha = Math.min(1, (bs * 2) / (n + 1));
  const sr = rng.fork(STREAM_STEPS);
  const bIdx = new Int32Array(bs), bx = new Float32Array(bs * d), bw = new Float64Array(bs);
  const S = stepScratch(bs, k, d);
  const history: MiniBatchEpochStats[] = [];
  let ewa: number | null = null, ewaMin: number | null = null, noImprovement = 0, sinceReassign = 0;
  let step = 0, converged = false, lastMean = 0;
  let ep = { epoch: 1, steps: 0, inertia: 0, shift: 0, reassigned: 0, t0: performance.now() };
  const closeEpoch = (): void => {
    history.push({ epoch: ep.epoch, steps: ep.steps, meanBatchInertia: ep.inertia / ep.steps, ewaInertia: ewa ?? lastMean,
      shift: ep.shift, reassigned: ep.reassigned, seconds: (performance.now() - ep.t0) / 1000 });
  };
  for (step = 0; step < nSteps; step++) {
    checkAbort(o.signal, WHERE);
    const epoch = Math.floor((step * bs) / n) + 1;
    if (epoch !== ep.epoch) { closeEpoch(); ep = { epoch, steps: 0, inertia: 0, shift: 0, reassigned: 0, t0: performance.now() }; }
    for (let t = 0; t < bs; t++) bIdx[t] = sr.int(n);
    gather(X.data, d, bIdx, bs, w, bx, bw);
    sinceReassign += bs;
    let reassign = false;
    if (counts.some((v) => v === 0) || sinceReassign >= 10 * k) { sinceReassign = 0; reassign = true; }
    const s = miniBatchStep(bx, bw, bs, d, c, k, counts, reassign, o.reassignmentRatio, sr, S);
    const mean = s.inertia / bs;
    lastMean = mean;
    ep.steps++; ep.inertia += mean; ep.shift += s.shift; ep.reassigned += s.reassigned;
    o.onProgress?.({ stage: WHERE, done: step + 1, total: nSteps });
    // Early stopping (scikit-learn's `_mini_batch_convergence`); the first step only records.
    if (step === 0) continue;
    ewa = ewa === null ? mean : ewa * (1 - alpha) + mean * alpha;
    if (tolAbs > 0 && s.shift <= tolAbs) { converged = true; break; }
    if (ewaMin === null || ewa < ewaMin) { noImprovement = 0; ewaMin = ewa; } else noImprovement++;
    if (o.maxNoImprovement !== null && o.maxNoImprovement !== undefined && noImprovement >= o.maxNoImprovement) { converged = true; break; }
  }
  closeEpoch();
  const stepsDone = converged ? step + 1 : nSteps;

  const centroids = Float32Array.from(c);
  const labels = new Int32Array(n), d2 = new Float64Array(n);
  assignNearest(X.data, n, d, centroids, k, labels, d2);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += (w ? w[i]! : 1) * sqDistRow(X.data, i, centroids, labels[i]!, d);
  const used = new Set<number>(labels);
  if (used.size < k) warnings.push(`${WHERE}: ${k - used.size} of k = ${k} centres attract no row of the data.`);
  return {
    kind: 'minibatch-kmeans', version: 1, options: resolvedOptions(o, given !== null, nInit, w !== null),
    n, d, k, labels, centroids, inertia, nIter: Math.ceil((stepsDone * bs) / n), nSteps: stepsDone, converged,
    counts, bestRun, runInertias, history, warnings,
  };
}

/** Keys fixed by the first partialFit call. */
const FIXED_KEYS = ['k', 'init', 'nInit', 'batchSize', 'maxIter', 'tol', 'maxNoImprovement', 'initSize', 'reassignmentRatio', 'seed'] as const;

/**
 * One streaming step on a chunk x [m × d] (scikit-learn's `partial_fit`). With `state` null the
 * centres are first seeded from the chunk (k-means++ on an initSize-row subsample of it; the chunk
 * needs ≥ k rows), then every call makes one mini-batch step with the whole chunk as the batch.
 * Returns a new state; the old one is not mutated. Options are fixed by the first call: later
 * calls take only `sampleWeight` (per chunk row) and run control, and refuse other values.
 * Random choices of step s come from `createRng(seed).fork(2).fork(s)`, so a run over the same
 * chunks is reproducible. Cost O(m·k·d) per call.
 */
export function partialFit(state: MiniBatchKMeansState | null, x: MatrixLike,
  options?: Partial<MiniBatchKMeansOptions>): MiniBatchKMeansState {
  const where = `${WHERE}.partialFit`;
  const X = toMatrix(x, where);
  checkData(X, where);
  checkAbort((options as RunControl | undefined)?.signal, where);
  let opts: ResolvedMiniBatchKMeansOptions, c: Float64Array, counts: Float64Array;
  let nSteps = 0, nSeen = 0, sinceReassign = 0;
  const given0 = (options ?? {}) as Record<string, unknown>;
  if (state === null) {
    requireK(options, where);
    const o = resolveOptions<Resolved>(where, MINIBATCH_SPEC, options);
    checkIntRange(where, 'k', o.k, 1, X.rows, 'n');
    const init = o.init ?? 'k-means++';
    const given = typeof init === 'string' ? null : givenCentroids(init, o.k, X.cols, where);
    const w = checkWeights(o.sampleWeight, X.rows, where);
    const bs = Math.min(o.batchSize, X.rows);
    c = Float64Array.from(given ?? seedOnSubsample(X, w, initSizeFor(o, bs, X.rows), o.k, init as 'k-means++',
      createRng(o.seed).fork(STREAM_INIT).fork(0)));
    counts = new Float64Array(o.k);
    opts = resolvedOptions(o, given !== null, given ? 1 : o.nInit, w !== null);
  } else {
    if (state.kind !== 'minibatch-kmeans-state' || state.version !== 1) {
      throw new ClusterkitError('BAD_MODEL', `${where}: state must be a 'minibatch-kmeans-state' version 1 (from partialFit). Got kind ${String(state.kind)}.`);
    }
    checkCols(X, state.d, where);
    resolveOptions(where, MINIBATCH_SPEC, options);
    for (const key of FIXED_KEYS) {
      const v = given0[key];
      if (v === undefined) continue;
      const was = state.options[key];
      if (key === 'init' ? typeof v !== 'string' || v !== was : v !== was) {
        throw new ClusterkitError('BAD_OPTION', `${where}: option '${key}' must equal the state's value ${JSON.stringify(was)} (options are fixed by the first call). Got ${typeof v === 'object' ? 'an array' : JSON.stringify(v)}.`, key);
      }
    }
    opts = state.options;
    c = Float64Array.from(state.centroids);
    counts = Float64Array.from(state.counts);
    nSteps = state.nSteps; nSeen = state.nSeen; sinceReassign = state.nSinceReassign;
  }
  const k = opts.k, d = X.cols, m = X.rows;
  const w = checkWeights(given0.sampleWeight as ArrayLike<number> | null | undefined, m, where);
  const bw = w ?? new Float64Array(m).fill(1);
  sinceReassign += m;
  let reassign = false;
  if (counts.some((v) => v === 0) || sinceReassign >= 10 * k) { sinceReassign = 0; reassign = true; }
  const s = miniBatchStep(X.data, bw, m, d, c, k, counts, reassign, opts.reassignmentRatio,
    createRng(opts.seed).fork(STREAM_STEPS).fork(nSteps), stepScratch(m, k, d));
  (options as RunControl | undefined)?.onProgress?.({ stage: where, done: nSteps + 1, total: nSteps + 1 });
  return {
    kind: 'minibatch-kmeans-state', version: 1, options: opts, k, d, centroids: Float32Array.from(c), counts,
    nSteps: nSteps + 1, nSeen: nSeen + m, nSinceReassign: sinceReassign, lastBatchInertia: s.inertia,
  };
}

function checkModel(model: CentroidModel, x: MatrixLike, where: string): Matrix {
  const X = toMatrix(x, where);
  checkData(X, where);
  checkCols(X, model.d, where);
  return X;
}

/** Nearest centre of each row of x [n × d] (checked against the model's d); a fit result or a
 *  partialFit state. Ties → lowest index. */
export function predict(model: CentroidModel, x: MatrixLike): Int32Array {
  const X = checkModel(model, x, `${WHERE}.predict`);
  const labels = new Int32Array(X.rows), d2 = new Float64Array(X.rows);
  assignNearest(X.data, X.rows, X.cols, model.centroids, model.k, labels, d2);
  return labels;
}

/** Euclidean (not squared) distance of each row to each centre: [n × k] float32. */
export function transform(model: CentroidModel, x: MatrixLike): Float32Array {
  const X = checkModel(model, x, `${WHERE}.transform`);
  const out = new Float32Array(X.rows * model.k);
  sqDistBlock(X.data, X.rows, model.centroids, model.k, X.cols, out);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]!);
  return out;
}

/** Opposite of the inertia of x under the model: −Σ w·min_j ‖x − cⱼ‖² (float64). */
export function score(model: CentroidModel, x: MatrixLike, sampleWeight?: ArrayLike<number>): number {
  const X = checkModel(model, x, `${WHERE}.score`);
  const w = checkWeights(sampleWeight, X.rows, `${WHERE}.score`);
  const labels = predict(model, X);
  let s = 0;
  for (let i = 0; i < X.rows; i++) s += (w ? w[i]! : 1) * sqDistRow(X.data, i, model.centroids, labels[i]!, X.cols);
  return -s;
}
