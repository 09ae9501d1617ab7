/**
 * k-medoids: choose k rows (medoids) minimising the total deviation TD = Σₒ d(o, nearest medoid),
 * for any dissimilarity. Two methods:
 *
 * - 'fasterpam' (default; Schubert & Rousseeuw 2021, "Fast and eager k-medoids clustering: O(k)
 *   runtime improvement of the PAM, CLARA, and CLARANS algorithms"): visits every non-medoid row xc
 *   in turn and computes, in one O(n) pass over the rows, the change ΔTD of swapping xc with each of
 *   the k medoids (from the nearest and second-nearest medoid of every row and the removal loss of
 *   each medoid); the best swap is applied at once if it lowers TD ("eager"). Stops after a full
 *   cycle over the rows without a swap, or after `maxIter` passes. TD never rises.
 * - 'alternating' (Voronoi iteration, as k-means; Park & Jun 2009): assign every row to its nearest
 *   medoid, then make each cluster's medoid the member with the least summed distance to the other
 *   members (ties keep the current medoid); until no medoid changes. Faster, usually worse.
 *
 * Init: 'build' (PAM's greedy BUILD, Kaufman & Rousseeuw 1990: first the row of least TD, then
 * each time the row that lowers TD most; O(k·n²) distances), 'k-means++' (D² sampling with the
 * chosen distance: each next medoid drawn ∝ d², or ∝ d for 'sqeuclidean'), 'random' distinct rows,
 * or given row indices.
 *
 * Distances: from data with metric 'euclidean', 'sqeuclidean', 'manhattan' or 'cosine', or a
 * precomputed n × n matrix (`precomputed: true`). From data, distances are computed one row against
 * all rows at a time through the kernel layer (O(n·d) each); the n × n float32 matrix (n²·4 bytes:
 * 400 MB at n = 10 000, 1.6 GB at 20 000) is built when n ≤ `maxMatrixN`, else every distance row
 * is recomputed when needed (FasterPAM: O(n²·d) per pass instead of O(n²), BUILD O(k·n²·d): prefer
 * init 'k-means++' there; memory O(k·n)). Both give bit-identical distances and results.
 *
 * The final labels and TD are recomputed against the medoids as `predict` does (ties → lowest
 * medoid slot), so `predict(model, X)` equals the fit labels.
 */
import { ClusterkitError } from '../core/errors.js';
import { type Matrix, type MatrixLike, toMatrix, checkData, checkCols } from '../core/matrix.js';
import { resolveOptions, checkIntRange, type OptionSpec } from '../core/options.js';
import { createRng, type Rng } from '../core/rng.js';
import { checkAbort, type RunControl } from '../core/control.js';
import { sqDistBlock, cosineBlock, l1Block } from '../kernels/index.js';
import { randomRows } from './init.js';

export type KMedoidsMetric = 'euclidean' | 'sqeuclidean' | 'manhattan' | 'cosine';

export interface KMedoidsOptions extends RunControl {
  /** Number of medoids, in [1, n]. Required. */
  k: number;
  /** 'fasterpam' (eager swaps) or 'alternating' (Voronoi iteration). @defaultValue 'fasterpam' */
  method?: 'fasterpam' | 'alternating';
  /** 'build', 'k-means++', 'random', or k distinct row indices. @defaultValue 'build' */
  init?: 'build' | 'k-means++' | 'random' | ArrayLike<number>;
  /** Dissimilarity between data rows (ignored with precomputed). @defaultValue 'euclidean' */
  metric?: KMedoidsMetric;
  /** x is an n × n distance matrix: square, symmetric within 1e-5 × its largest entry, zero
   *  diagonal, non-negative. @defaultValue false */
  precomputed?: boolean;
  /** Maximum passes over the rows (FasterPAM) or iterations (alternating). @defaultValue 100 */
  maxIter?: number;
  /** Build the n × n float32 distance matrix (n²·4 bytes) when n ≤ this; above, recompute rows.
   *  @defaultValue 10000 */
  maxMatrixN?: number;
  /** Seed of the PCG32 generator ('random' and 'k-means++' init). @defaultValue 0 */
  seed?: number;
}

const isIndexArray = (v: unknown): boolean => (ArrayBuffer.isView(v) || Array.isArray(v));

/** Option table: drives validation, CLI flags and docs. */
export const KMEDOIDS_SPEC = {
  k: { type: 'int', min: 1, doc: 'number of medoids (required)' },
  method: { type: 'enum', values: ['fasterpam', 'alternating'], default: 'fasterpam', doc: "'fasterpam' (eager swaps) or 'alternating'" },
  init: { type: 'custom', expected: "'build', 'k-means++', 'random' or k row indices",
    check: (v) => v === 'build' || v === 'k-means++' || v === 'random' || isIndexArray(v),
    doc: "initial medoids: 'build' (default), 'k-means++', 'random', or row indices" },
  metric: { type: 'enum', values: ['euclidean', 'sqeuclidean', 'manhattan', 'cosine'], default: 'euclidean', doc: 'dissimilarity between rows' },
  precomputed: { type: 'bool', default: false, doc: 'x is an n × n distance matrix' },
  maxIter: { type: 'int', min: 1, default: 100, doc: 'maximum passes (fasterpam) or iterations (alternating)' },
  maxMatrixN: { type: 'int', min: 0, default: 10000, doc: 'largest n for which the n × n float32 matrix is built' },
  seed: { type: 'int', min: 0, default: 0, doc: 'random seed' },
} as const satisfies OptionSpec;

export interface ResolvedKMedoidsOptions {
  readonly k: number;
  readonly method: 'fasterpam' | 'alternating';
  readonly init: 'build' | 'k-means++' | 'random' | 'given';
  readonly metric: KMedoidsMetric | 'precomputed';
  readonly precomputed: boolean;
  readonly maxIter: number;
  readonly maxMatrixN: number;
  readonly seed: number;
}

export interface KMedoidsIterStats {
  /** 1-based pass (FasterPAM) or iteration (alternating). */
  readonly iter: number;
  /** Swaps (medoid changes) in this pass. */
  readonly swaps: number;
  /** TD after the pass. */
  readonly loss: number;
  readonly seconds: number;
}

export interface KMedoidsResult {
  readonly kind: 'kmedoids';
  readonly version: 1;
  readonly options: ResolvedKMedoidsOptions;
  readonly n: number;
  /** Columns of the data (n for a precomputed matrix). */
  readonly d: number;
  readonly k: number;
  /** Row index of each medoid [k]; label j means medoid j. */
  readonly medoids: Int32Array;
  /** The medoid rows [k × d] (data input; empty for precomputed), so predict needs no training data. */
  readonly medoidRows: Float32Array;
  /** Nearest medoid of each row [n] (ties → lowest j). Equal to predict(model, X). */
  readonly labels: Int32Array;
  /** Total deviation TD = Σₒ d(o, medoid of o), float64, in the metric's units (squared for 'sqeuclidean'). */
  readonly loss: number;
  /** TD of the initial medoids. */
  readonly initLoss: number;
  /** Passes (FasterPAM) or iterations (alternating). */
  readonly nIter: number;
  /** Swaps applied (FasterPAM) or medoid changes (alternating). */
  readonly nSwaps: number;
  /** True when stopped because no swap/change improved TD, false at maxIter. */
  readonly converged: boolean;
  readonly history: readonly KMedoidsIterStats[];
  /** FasterPAM: TD after each swap [nSwaps], non-increasing; empty for 'alternating'. */
  readonly swapLosses: Float64Array;
  /** Whether the n × n distance matrix was held in memory. */
  readonly matrixCached: boolean;
  readonly warnings: readonly string[];
}

const WHERE = 'kmedoids';
/** Relative tolerance of the precomputed-matrix checks (float32 round-off). */
const SYM_TOL = 1e-5;

/**
 * Distances from every row of x [n × d] to one row r [d] in a metric: out [n]. The kernel is called
 * with r as its single "centroid", so the squared distance is Σₜ(xₜ − rₜ)² summed directly in
 * float64 (no expansion) and d(i, j) = d(j, i) bit for bit; the matrix, the recomputed rows and
 * predict all use this one routine, so they agree exactly.
 */
function distToRow(metric: KMedoidsMetric, x: Float32Array, n: number, d: number, r: Float32Array, out: Float32Array): void {
  if (metric === 'cosine') { cosineBlock(x, n, r, 1, d, out); return; }
  if (metric === 'manhattan') { l1Block(x, n, r, 1, d, out); return; }
  sqDistBlock(x, n, r, 1, d, out);
  if (metric === 'euclidean') for (let i = 0; i < n; i++) out[i] = Math.sqrt(out[i]!);
}

/** Row access to the n × n dissimilarities, from a held matrix or recomputed. */
interface DistSource {
  readonly n: number;
  /** Held matrix [n × n] (row j = distances from row j), or null. */
  readonly matrix: Float32Array | null;
  /** Distances from row j to all rows [n]: a view of the matrix, or `buf` filled. Diagonal 0. */
  row(j: number, buf: Float32Array): Float32Array;
}

function dataSource(X: Matrix, metric: KMedoidsMetric, maxMatrixN: number): DistSource {
  const { data, rows: n, cols: d } = X;
  const fill = (j: number, out: Float32Array): Float32Array => {
    distToRow(metric, data, n, d, data.subarray(j * d, j * d + d), out);
    out[j] = 0;
    return out;
  };
  if (n <= maxMatrixN) {
    const D = new Float32Array(n * n);
    for (let j = 0; j < n; j++) fill(j, D.subarray(j * n, j * n + n));
    return { n, matrix: D, row: (j) => D.subarray(j * n, j * n + n) };
  }
  return { n, matrix: null, row: fill };
}

/** Check a precomputed matrix: square, finite, non-negative, zero diagonal, symmetric. */
function matrixSource(X: Matrix): DistSource {
  const { data: D, rows: n, cols } = X;
  if (n !== cols) {
    throw new ClusterkitError('BAD_DATA', `${WHERE}: precomputed distances must be a square n × n matrix. Got ${n} × ${cols}.`);
  }
  let max = 0;
  for (let i = 0; i < n * n; i++) {
    const v = D[i]!;
    if (v < 0) throw new ClusterkitError('BAD_DATA', `${WHERE}: precomputed distances must be non-negative. Got ${v} at row ${Math.floor(i / n)}, column ${i % n}.`);
    if (v > max) max = v;
  }
  const tol = SYM_TOL * max;
  for (let i = 0; i < n; i++) {
    const v = D[i * n + i]!;
    if (v > tol) throw new ClusterkitError('BAD_DATA', `${WHERE}: precomputed distances must have a zero diagonal. Got ${v} at row ${i}, column ${i}.`);
    for (let j = i + 1; j < n; j++) {
      const a = D[i * n + j]!, b = D[j * n + i]!;
      if (Math.abs(a - b) > tol) {
        throw new ClusterkitError('BAD_DATA', `${WHERE}: precomputed distances must be symmetric (within ${SYM_TOL} × the largest entry). Got ${a} at row ${i}, column ${j} and ${b} at row ${j}, column ${i}.`);
      }
    }
  }
  return { n, matrix: D, row: (j) => D.subarray(j * n, j * n + n) };
}

/**
 * Fit k-medoids on data rows x [n × d] (or an n × n distance matrix with `precomputed: true`).
 * The input is never mutated or copied (a precomputed matrix is used in place).
 * Cost: BUILD O(k·n²) distance reads; FasterPAM O(n²) per pass (plus O(n·k) per swap);
 * alternating O(Σ cluster size²) per iteration. With data above maxMatrixN each distance row
 * costs O(n·d) to recompute. Memory: n²·4 bytes with the matrix, else O(k·n).
 * @throws ClusterkitError BAD_OPTION / UNKNOWN_OPTION / BAD_DATA / EMPTY_DATA / ABORTED.
 */
export function fit(x: MatrixLike, options: KMedoidsOptions): KMedoidsResult {
  const X = toMatrix(x, WHERE);
  checkData(X, WHERE);
  if (options === null || typeof options !== 'object' || options.k === undefined) {
    throw new ClusterkitError('BAD_OPTION', `${WHERE}: option 'k' must be given (number of medoids). Got undefined.`, 'k');
  }
  const o = resolveOptions<Required<Omit<KMedoidsOptions, 'init'>> & Pick<KMedoidsOptions, 'init'>>(WHERE, KMEDOIDS_SPEC, options);
  const n = X.rows, k = o.k;
  checkIntRange(WHERE, 'k', k, 1, n, 'n');
  const src = o.precomputed ? matrixSource(X) : dataSource(X, o.metric, o.maxMatrixN);
  const init = o.init ?? 'build';
  const rng = createRng(o.seed);
  const warnings: string[] = [];
  checkAbort(o.signal, WHERE);

  const medoids = typeof init === 'string' ? initMedoids(src, k, init as 'build' | 'k-means++' | 'random', o.metric, o.precomputed, rng)
    : givenMedoids(init, k, n);
  const initLoss = totalDeviation(src, medoids);
  const run = o.method === 'alternating' ? alternating(src, medoids, o.maxIter, o) : fasterPAM(src, medoids, o.maxIter, o);

  const d = o.precomputed ? n : X.cols;
  const medoidRows = o.precomputed ? new Float32Array(0) : new Float32Array(k * X.cols);
  if (!o.precomputed) for (let j = 0; j < k; j++) medoidRows.set(X.data.subarray(medoids[j]! * d, medoids[j]! * d + d), j * d);
  const resolved: ResolvedKMedoidsOptions = {
    k, method: o.method, init: typeof init === 'string' ? (init as 'build') : 'given',
    metric: o.precomputed ? 'precomputed' : o.metric, precomputed: o.precomputed, maxIter: o.maxIter, maxMatrixN: o.maxMatrixN, seed: o.seed,
  };
  const model = { options: resolved, n, d, k, medoids, medoidRows };
  const labels = new Int32Array(n), dist = new Float64Array(n);
  if (o.precomputed) nearestColumn(X, medoids, labels, dist);
  else nearestMedoid(X, o.metric, medoidRows, k, labels, dist);
  let loss = 0;
  for (let i = 0; i < n; i++) loss += dist[i]!;
  const distinct = new Set<number>();
  for (let j = 0; j < k; j++) {
    const r = src.row(medoids[j]!, new Float32Array(n));
    for (let q = 0; q < j; q++) if (r[medoids[q]!] === 0) distinct.add(j);
  }
  if (distinct.size > 0) warnings.push(`${WHERE}: ${distinct.size} medoids are at distance 0 from another medoid (the data has fewer distinct points than k = ${k}).`);
  return {
    kind: 'kmedoids', version: 1, ...model, labels, loss, initLoss, nIter: run.nIter, nSwaps: run.nSwaps,
    converged: run.converged, history: run.history, swapLosses: Float64Array.from(run.swapLosses), matrixCached: src.matrix !== null, warnings,
  };
}

/** Validate given medoid indices: k distinct integers in [0, n). */
function givenMedoids(init: ArrayLike<number>, k: number, n: number): Int32Array {
  if (init.length !== k) {
    throw new ClusterkitError('DIM_MISMATCH', `${WHERE}: option 'init' must hold k = ${k} row indices. Got ${init.length}.`, 'init');
  }
  const seen = new Set<number>(), out = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    const v = init[j]!;
    if (!Number.isInteger(v) || v < 0 || v >= n || seen.has(v)) {
      throw new ClusterkitError('BAD_OPTION', `${WHERE}: option 'init' must hold distinct row indices in [0, ${n - 1}]. Got ${v} at position ${j}.`, 'init');
    }
    seen.add(v); out[j] = v;
  }
  return out;
}

/** Σₒ min over medoids of d(o, m), float64. */
function totalDeviation(src: DistSource, medoids: Int32Array): number {
  const n = src.n, near = new Float64Array(n).fill(Infinity), buf = new Float32Array(n);
  for (const m of medoids) {
    const r = src.row(m, buf);
    for (let o = 0; o < n; o++) if (r[o]! < near[o]!) near[o] = r[o]!;
  }
  let s = 0;
  for (let o = 0; o < n; o++) s += near[o]!;
  return s;
}

/** Initial medoids by BUILD, k-means++-style D-sampling, or random distinct rows. */
function initMedoids(src: DistSource, k: number, init: 'build' | 'k-means++' | 'random', metric: KMedoidsMetric,
  precomputed: boolean, rng: Rng): Int32Array {
  const n = src.n;
  if (init === 'random') return randomRows(n, k, rng);
  const medoids = new Int32Array(k), isMed = new Uint8Array(n), buf = new Float32Array(n);
  const near = new Float64Array(n);
  const lower = (m: number): void => {
    const r = src.row(m, buf);
    for (let o = 0; o < n; o++) if (r[o]! < near[o]!) near[o] = r[o]!;
  };
  if (init === 'k-means++') {
    const squared = !precomputed && metric === 'sqeuclidean';
    medoids[0] = rng.int(n); isMed[medoids[0]!] = 1;
    near.fill(Infinity); lower(medoids[0]!);
    const cum = new Float64Array(n);
    for (let c = 1; c < k; c++) {
      let s = 0;
      for (let o = 0; o < n; o++) { s += isMed[o] ? 0 : squared ? near[o]! : near[o]! * near[o]!; cum[o] = s; }
      let pick = -1;
      if (s > 0) {
        const v = rng.next() * s;
        let lo = 0, hi = n - 1;
        while (lo < hi) { const mid = (lo + hi) >>> 1; if (cum[mid]! <= v) lo = mid + 1; else hi = mid; }
        pick = lo;
        while (isMed[pick]) pick++; // zero-weight rows share their cum value with the next row
      }
      if (pick < 0 || pick >= n) { // every row is at distance 0: any other row
        const free: number[] = [];
        for (let o = 0; o < n; o++) if (!isMed[o]) free.push(o);
        pick = free[rng.int(free.length)]!;
      }
      medoids[c] = pick; isMed[pick] = 1; lower(pick);
    }
    return medoids;
  }
  // BUILD: the row of least TD first, then each time the row with the largest gain.
  const sums = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const r = src.row(j, buf);
    let s = 0;
    for (let o = 0; o < n; o++) s += r[o]!;
    sums[j] = s;
  }
  let first = 0;
  for (let j = 1; j < n; j++) if (sums[j]! < sums[first]!) first = j;
  medoids[0] = first; isMed[first] = 1;
  near.fill(Infinity); lower(first);
  for (let c = 1; c < k; c++) {
    let best = -1, bestGain = -1;
    for (let j = 0; j < n; j++) {
      if (isMed[j]) continue;
      const r = src.row(j, buf);
      let g = 0;
      for (let o = 0; o < n; o++) { const v = near[o]! - r[o]!; if (v > 0) g += v; }
      if (g > bestGain) { bestGain = g; best = j; }
    }
    medoids[c] = best; isMed[best] = 1; lower(best);
  }
  return medoids;
}

interface RunOut { nIter: number; nSwaps: number; converged: boolean; history: KMedoidsIterStats[]; swapLosses: number[] }

/**
 * FasterPAM on the medoid slots `med` (updated in place). Keeps for every row its nearest and
 * second-nearest medoid slot and distance, and for every slot the removal loss
 * Σ_{o nearest to it} (second − nearest). A swap must lower TD by more than 1e-12 × TD
 * (round-off guard, so equal-cost swaps cannot cycle).
 */
function fasterPAM(src: DistSource, med: Int32Array, maxIter: number, ctl: RunControl): RunOut {
  const n = src.n, k = med.length;
  const history: KMedoidsIterStats[] = [], swapLosses: number[] = [];
  if (k === 1) return oneMedoid(src, med, ctl);
  const isMed = new Uint8Array(n);
  for (const m of med) isMed[m] = 1;
  // Distance rows of the medoid slots (views of the matrix, or cached copies: k·n floats).
  const medRows: Float32Array[] = Array.from(med, (m) => src.matrix ? src.row(m, new Float32Array(0)) : src.row(m, new Float32Array(n)));
  const nearS = new Int32Array(n), secS = new Int32Array(n), nearD = new Float64Array(n), secD = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    let a = -1, da = Infinity, b = -1, db = Infinity;
    for (let j = 0; j < k; j++) {
      const v = medRows[j]![o]!;
      if (v < da) { b = a; db = da; a = j; da = v; } else if (v < db) { b = j; db = v; }
    }
    nearS[o] = a; nearD[o] = da; secS[o] = b; secD[o] = db;
  }
  const removal = new Float64Array(k), delta = new Float64Array(k);
  const updateRemoval = (): number => {
    removal.fill(0);
    let td = 0;
    for (let o = 0; o < n; o++) { removal[nearS[o]!]! += secD[o]! - nearD[o]!; td += nearD[o]!; }
    return td;
  };
  let td = updateRemoval();
  const cand = new Float32Array(n);
  let lastSwap = -1, nSwaps = 0, converged = false, pass = 0;
  outer: for (pass = 1; pass <= maxIter; pass++) {
    const t0 = performance.now();
    let swaps = 0, stop = false;
    for (let xc = 0; xc < n; xc++) {
      if (xc === lastSwap) { stop = true; break; }
      if (isMed[xc]) continue;
      if ((xc & 255) === 0) checkAbort(ctl.signal, WHERE);
      const row = src.row(xc, cand);
      delta.set(removal);
      let acc = 0;
      for (let o = 0; o < n; o++) {
        const doj = row[o]!;
        if (doj < nearD[o]!) {
          acc += doj - nearD[o]!;
          delta[nearS[o]!]! += nearD[o]! - secD[o]!;
        } else if (doj < secD[o]!) {
          delta[nearS[o]!]! += doj - secD[o]!;
        }
      }
      let b = 0;
      for (let j = 1; j < k; j++) if (delta[j]! < delta[b]!) b = j;
      const change = delta[b]! + acc;
      if (!(change < -1e-12 * td)) continue;
      // Swap slot b: medoid med[b] out, xc in.
      isMed[med[b]!] = 0; isMed[xc] = 1; med[b] = xc;
      medRows[b] = src.matrix ? row : Float32Array.from(row);
      const nr = medRows[b]!;
      for (let o = 0; o < n; o++) {
        const djo = nr[o]!;
        if (nearS[o] === b) {
          if (djo < secD[o]!) nearD[o] = djo;
          else { nearS[o] = secS[o]!; nearD[o] = secD[o]!; rescanSecond(o, medRows, k, nearS, secS, secD); }
        } else if (secS[o] === b) {
          if (djo < nearD[o]!) { secS[o] = nearS[o]!; secD[o] = nearD[o]!; nearS[o] = b; nearD[o] = djo; } else rescanSecond(o, medRows, k, nearS, secS, secD);
        } else if (djo < nearD[o]!) {
          secS[o] = nearS[o]!; secD[o] = nearD[o]!; nearS[o] = b; nearD[o] = djo;
        } else if (djo < secD[o]!) {
          secS[o] = b; secD[o] = djo;
        }
      }
      td = updateRemoval();
      swapLosses.push(td);
      swaps++; nSwaps++; lastSwap = xc;
    }
    history.push({ iter: pass, swaps, loss: td, seconds: (performance.now() - t0) / 1000 });
    ctl.onProgress?.({ stage: WHERE, done: pass, total: maxIter });
    if (stop || swaps === 0) { converged = true; break outer; }
  }
  return { nIter: Math.min(pass, maxIter), nSwaps, converged, history, swapLosses };
}

/** Second-nearest slot of row o among the slots other than its nearest (ties → lowest slot). */
function rescanSecond(o: number, medRows: Float32Array[], k: number, nearS: Int32Array, secS: Int32Array, secD: Float64Array): void {
  let b = -1, db = Infinity;
  const a = nearS[o]!;
  for (let j = 0; j < k; j++) {
    if (j === a) continue;
    const v = medRows[j]![o]!;
    if (v < db) { db = v; b = j; }
  }
  secS[o] = b; secD[o] = db;
}

/** k = 1: the exact optimum is the row of least summed distance (one O(n²) pass). */
function oneMedoid(src: DistSource, med: Int32Array, ctl: RunControl): RunOut {
  const t0 = performance.now(), n = src.n, buf = new Float32Array(n);
  let best = med[0]!, bestSum = Infinity;
  const sumOf = (j: number): number => { const r = src.row(j, buf); let s = 0; for (let o = 0; o < n; o++) s += r[o]!; return s; };
  const start = sumOf(best);
  bestSum = start;
  for (let j = 0; j < n; j++) {
    if ((j & 255) === 0) checkAbort(ctl.signal, WHERE);
    const s = sumOf(j);
    if (s < bestSum * (1 - 1e-12)) { bestSum = s; best = j; }
  }
  const swapped = best !== med[0];
  med[0] = best;
  ctl.onProgress?.({ stage: WHERE, done: 1, total: 1 });
  return { nIter: 1, nSwaps: swapped ? 1 : 0, converged: true, swapLosses: swapped ? [bestSum] : [],
    history: [{ iter: 1, swaps: swapped ? 1 : 0, loss: bestSum, seconds: (performance.now() - t0) / 1000 }] };
}

/**
 * Alternating (Voronoi) iteration on the medoid slots `med` (updated in place): assign, then move
 * each medoid to its cluster's member of least summed distance (the current medoid wins ties).
 */
function alternating(src: DistSource, med: Int32Array, maxIter: number, ctl: RunControl): RunOut {
  const n = src.n, k = med.length, history: KMedoidsIterStats[] = [];
  const label = new Int32Array(n), nearD = new Float64Array(n), buf = new Float32Array(n);
  let nSwaps = 0, converged = false, iter = 0;
  const assign = (): number => {
    nearD.fill(Infinity);
    for (let j = 0; j < k; j++) {
      const r = src.row(med[j]!, buf);
      for (let o = 0; o < n; o++) if (r[o]! < nearD[o]!) { nearD[o] = r[o]!; label[o] = j; }
    }
    let s = 0;
    for (let o = 0; o < n; o++) s += nearD[o]!;
    return s;
  };
  for (iter = 1; iter <= maxIter; iter++) {
    checkAbort(ctl.signal, WHERE);
    const t0 = performance.now();
    assign();
    const members: number[][] = Array.from({ length: k }, () => []);
    for (let o = 0; o < n; o++) members[label[o]!]!.push(o);
    let changed = 0;
    for (let j = 0; j < k; j++) {
      const mem = members[j]!;
      const cost = (c: number): number => { const r = src.row(c, buf); let s = 0; for (const o of mem) s += r[o]!; return s; };
      let best = med[j]!, bestCost = cost(best);
      for (const c of mem) {
        if (c === med[j]) continue;
        const s = cost(c);
        if (s < bestCost * (1 - 1e-12)) { bestCost = s; best = c; }
      }
      if (best !== med[j]) { med[j] = best; changed++; }
    }
    nSwaps += changed;
    const loss = assign();
    history.push({ iter, swaps: changed, loss, seconds: (performance.now() - t0) / 1000 });
    ctl.onProgress?.({ stage: WHERE, done: iter, total: maxIter });
    if (changed === 0) { converged = true; break; }
  }
  return { nIter: Math.min(iter, maxIter), nSwaps, converged, history, swapLosses: [] };
}

/** Nearest medoid row (ties → lowest j) and its distance, for data rows: the predict rule. O(n·k·d). */
function nearestMedoid(X: Matrix, metric: KMedoidsMetric, medoidRows: Float32Array, k: number,
  labels: Int32Array, dist: Float64Array): void {
  const { data, rows: n, cols: d } = X;
  const col = new Float32Array(n);
  dist.fill(Infinity, 0, n);
  for (let j = 0; j < k; j++) {
    distToRow(metric, data, n, d, medoidRows.subarray(j * d, j * d + d), col);
    for (let i = 0; i < n; i++) if (col[i]! < dist[i]!) { dist[i] = col[i]!; labels[i] = j; }
  }
}

/** Nearest medoid from distances to the training rows [m × n] (precomputed models). */
function nearestColumn(D: Matrix, medoids: Int32Array, labels: Int32Array, dist: Float64Array): void {
  const n = D.cols, k = medoids.length;
  for (let i = 0; i < D.rows; i++) {
    let bj = 0, bv = D.data[i * n + medoids[0]!]!;
    for (let j = 1; j < k; j++) { const v = D.data[i * n + medoids[j]!]!; if (v < bv) { bv = v; bj = j; } }
    labels[i] = bj; dist[i] = bv;
  }
}

/**
 * Nearest medoid of each row (ties → lowest j). For a model fitted on data, x is [m × d] data
 * (checked against d); for a precomputed model, x is [m × n] distances from the new rows to the n
 * training rows (only the medoid columns are read).
 */
export function predict(model: KMedoidsResult, x: MatrixLike): Int32Array {
  const where = `${WHERE}.predict`;
  const X = toMatrix(x, where);
  checkData(X, where);
  const labels = new Int32Array(X.rows), dist = new Float64Array(X.rows);
  if (model.options.precomputed) {
    if (X.cols !== model.n) {
      throw new ClusterkitError('DIM_MISMATCH', `${where}: precomputed distances must have one column per training row (${model.n}). Got ${X.cols}.`);
    }
    nearestColumn(X, model.medoids, labels, dist);
  } else {
    checkCols(X, model.d, where);
    nearestMedoid(X, model.options.metric as KMedoidsMetric, model.medoidRows, model.k, labels, dist);
  }
  return labels;
}

/** Distance of each data row to each medoid in the model's metric: [m × k] float32 (data models only). */
export function transform(model: KMedoidsResult, x: MatrixLike): Float32Array {
  const where = `${WHERE}.transform`;
  const X = toMatrix(x, where);
  checkData(X, where);
  if (model.options.precomputed) {
    if (X.cols !== model.n) {
      throw new ClusterkitError('DIM_MISMATCH', `${where}: precomputed distances must have one column per training row (${model.n}). Got ${X.cols}.`);
    }
    const out = new Float32Array(X.rows * model.k);
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < model.k; j++) out[i * model.k + j] = X.data[i * model.n + model.medoids[j]!]!;
    return out;
  }
  checkCols(X, model.d, where);
  const out = new Float32Array(X.rows * model.k), col = new Float32Array(X.rows), d = X.cols;
  for (let j = 0; j < model.k; j++) {
    distToRow(model.options.metric as KMedoidsMetric, X.data, X.rows, d, model.medoidRows.subarray(j * d, j * d + d), col);
    for (let i = 0; i < X.rows; i++) out[i * model.k + j] = col[i]!;
  }
  return out;
}
