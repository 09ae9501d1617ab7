/**
 * Seeded synthetic data generators, in the spirit of scikit-learn's `sklearn.datasets.make_*`.
 * Browser-safe (no `node:*`). Every random draw comes from `createRng(seed)` (PCG32), so the same
 * options give the same bytes on every machine; the numbers differ from scikit-learn's (numpy's
 * generator cannot be reproduced), the layouts and defaults follow it.
 *
 * Each generator returns fresh arrays: `x` [n × d] (Float32, row-major) and `labels` [n]
 * (cluster id, or −1 for noise). Values are computed in float64 and rounded once to float32.
 */
import { ClusterkitError, badOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { isMatrix } from '../core/matrix.js';
import { resolveOptions, type OptionSpec } from '../core/options.js';
import { createRng, type Rng } from '../core/rng.js';

/** What every generator returns. */
export interface GeneratedData {
  /** Points, [n × d]. */
  readonly x: Matrix;
  /** Ground-truth cluster of each point, [n]; −1 = noise. */
  readonly labels: Int32Array;
}

const MAX_SEED = 2 ** 53 - 1;
const SEED_ENTRY = { type: 'int', min: 0, max: MAX_SEED, default: 0, doc: 'Seed of the PCG32 generator. @defaultValue 0' } as const;
const SHUFFLE_ENTRY = { type: 'bool', default: true, doc: 'Shuffle the rows (labels follow). @defaultValue true' } as const;

const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumArray = (v: unknown): v is ArrayLike<number> =>
  (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) &&
  Array.from(v as ArrayLike<unknown>).every(isFiniteNum);

// ---------------------------------------------------------------------------------------------
// makeBlobs

/** Options of {@link makeBlobs}. */
export interface BlobsOptions {
  /** Total number of points, split as evenly as possible (the first n mod k clusters get one
   *  more). Give either `n` or `sizes`. @defaultValue 100 */
  n?: number;
  /** Points per cluster, [k]; fixes k. Give either `n` or `sizes`. */
  sizes?: ArrayLike<number>;
  /** Number of clusters k (centers drawn uniformly in `centerBox`), or the centers themselves:
   *  a Matrix [k × d] or a flat Float32Array/Float64Array/number[] [k × d] read with `d`.
   *  @defaultValue 3, or sizes.length when `sizes` is given */
  centers?: number | Matrix | ArrayLike<number>;
  /** Dimension d. Taken from `centers` when it is a Matrix. @defaultValue 2 */
  d?: number;
  /** Standard deviation of each cluster's isotropic Gaussian: one number, or one per cluster [k].
   *  @defaultValue 1 */
  clusterStd?: number | ArrayLike<number>;
  /** Box [min, max] the random centers are drawn from (each coordinate uniform). @defaultValue [-10, 10] */
  centerBox?: readonly [number, number] | ArrayLike<number>;
  /** @defaultValue 0 */
  seed?: number;
  /** Shuffle the rows; the unshuffled order is cluster 0's points, then cluster 1's, …
   *  @defaultValue true */
  shuffle?: boolean;
}

/** Result of {@link makeBlobs}: the data plus the centers used, [k × d]. */
export interface BlobsData extends GeneratedData {
  readonly centers: Float32Array;
}

export const BLOBS_SPEC = {
  n: { type: 'int', min: 1, doc: 'Total number of points (or give `sizes`). @defaultValue 100' },
  sizes: {
    type: 'custom', expected: 'a non-empty array of non-negative integers with a positive sum',
    check: (v) => isNumArray(v) && v.length > 0 && Array.from(v).every((s) => Number.isInteger(s) && s >= 0) &&
      Array.from(v).reduce((a, b) => a + b, 0) > 0,
    doc: 'Points per cluster [k].',
  },
  centers: {
    type: 'custom', expected: 'a positive integer k, a Matrix [k × d] or a flat numeric array [k × d]',
    check: (v) => (Number.isInteger(v) && (v as number) >= 1) || (isMatrix(v) && v.rows >= 1 && isNumArray(v.data)) ||
      (isNumArray(v) && v.length > 0),
    doc: 'Number of clusters or the centers. @defaultValue 3',
  },
  d: { type: 'int', min: 1, doc: 'Dimension. @defaultValue 2' },
  clusterStd: {
    type: 'custom', expected: 'a non-negative number or an array of them (one per cluster)',
    check: (v) => (isFiniteNum(v) && v >= 0) || (isNumArray(v) && v.length > 0 && Array.from(v).every((s) => s >= 0)),
    doc: 'Standard deviation per cluster. @defaultValue 1',
  },
  centerBox: {
    type: 'custom', expected: 'a pair [min, max] of finite numbers with min <= max',
    check: (v) => isNumArray(v) && v.length === 2 && v[0]! <= v[1]!,
    doc: 'Box for random centers. @defaultValue [-10, 10]',
  },
  seed: SEED_ENTRY,
  shuffle: SHUFFLE_ENTRY,
} as const satisfies OptionSpec;

interface ResolvedBlobs {
  n?: number; sizes?: ArrayLike<number>; centers?: number | Matrix | ArrayLike<number>; d?: number;
  clusterStd?: number | ArrayLike<number>; centerBox?: ArrayLike<number>; seed: number; shuffle: boolean;
}

/**
 * Isotropic Gaussian blobs (scikit-learn's `make_blobs`). Cluster c has `sizes[c]` points drawn
 * from N(center_c, clusterStd_c² I). Random centers are drawn first, then the points, then the
 * shuffle, each from its own fork of the seeded generator, so `shuffle: false` gives the same
 * points in cluster order. O(n·d).
 *
 * Errors: BAD_OPTION when `n` and `sizes` are both given, or sizes/centers/clusterStd lengths
 * disagree on k; UNKNOWN_OPTION for misspelt names.
 */
export function makeBlobs(options: BlobsOptions = {}): BlobsData {
  const W = 'makeBlobs';
  const o = resolveOptions<ResolvedBlobs>(W, BLOBS_SPEC, options);
  if (o.n !== undefined && o.sizes !== undefined) {
    throw new ClusterkitError('BAD_OPTION', `${W}: options 'n' and 'sizes' must not both be given. Got n = ${o.n} and sizes of length ${o.sizes.length}.`, 'sizes');
  }
  // Dimension and k.
  let d = o.d ?? 2;
  let given: Float64Array | null = null;
  let k: number;
  if (o.centers !== undefined && typeof o.centers !== 'number') {
    if (isMatrix(o.centers)) {
      if (o.d !== undefined && o.d !== o.centers.cols) badOption(W, 'd', `${o.centers.cols} (the number of columns of 'centers')`, o.d);
      d = o.centers.cols;
      given = Float64Array.from(o.centers.data);
    } else {
      given = Float64Array.from(o.centers);
      if (given.length % d !== 0) badOption(W, 'centers', `a flat array of length k × d with d = ${d}`, `an array of length ${given.length}`);
    }
    k = given.length / d;
  } else {
    k = typeof o.centers === 'number' ? o.centers : o.sizes ? o.sizes.length : 3;
  }
  // Sizes.
  let sizes: number[];
  if (o.sizes !== undefined) {
    sizes = Array.from(o.sizes);
    if (sizes.length !== k) badOption(W, 'sizes', `an array of length k = ${k} (one size per center)`, `an array of length ${sizes.length}`);
  } else {
    const n = o.n ?? 100;
    sizes = Array.from({ length: k }, (_, c) => Math.floor(n / k) + (c < n % k ? 1 : 0));
  }
  const n = sizes.reduce((a, b) => a + b, 0);
  // Standard deviations.
  let std: number[];
  if (o.clusterStd === undefined) std = new Array<number>(k).fill(1);
  else if (typeof o.clusterStd === 'number') std = new Array<number>(k).fill(o.clusterStd);
  else {
    std = Array.from(o.clusterStd);
    if (std.length !== k) badOption(W, 'clusterStd', `a number or an array of length k = ${k}`, `an array of length ${std.length}`);
  }
  const box = o.centerBox ? [o.centerBox[0]!, o.centerBox[1]!] : [-10, 10];

  const rng = createRng(o.seed);
  let centers: Float64Array;
  if (given) centers = given;
  else {
    const rc = rng.fork(0);
    centers = new Float64Array(k * d);
    for (let t = 0; t < k * d; t++) centers[t] = box[0]! + (box[1]! - box[0]!) * rc.next();
  }
  const rp = rng.fork(1);
  const x = new Float32Array(n * d), labels = new Int32Array(n);
  let i = 0;
  for (let c = 0; c < k; c++) {
    for (let s = 0; s < sizes[c]!; s++, i++) {
      labels[i] = c;
      for (let t = 0; t < d; t++) x[i * d + t] = centers[c * d + t]! + std[c]! * rp.normal();
    }
  }
  const out = { x: { data: x, rows: n, cols: d }, labels, centers: Float32Array.from(centers) };
  if (o.shuffle) shuffleRows(out.x.data, out.labels, n, d, rng.fork(2));
  return out;
}

// ---------------------------------------------------------------------------------------------
// makeMoons

/** Options of {@link makeMoons}. */
export interface MoonsOptions {
  /** Total points; the outer moon (label 0) gets ⌊n/2⌋, the inner moon (label 1) the rest. @defaultValue 100 */
  n?: number;
  /** Standard deviation of Gaussian noise added to every coordinate. @defaultValue 0 */
  noise?: number;
  /** @defaultValue 0 */
  seed?: number;
  /** @defaultValue true */
  shuffle?: boolean;
}

export const MOONS_SPEC = {
  n: { type: 'int', min: 1, default: 100, doc: 'Total number of points. @defaultValue 100' },
  noise: { type: 'float', min: 0, default: 0, doc: 'Standard deviation of the Gaussian noise. @defaultValue 0' },
  seed: SEED_ENTRY,
  shuffle: SHUFFLE_ENTRY,
} as const satisfies OptionSpec;

/**
 * Two interleaving half circles in 2-D (scikit-learn's `make_moons`): the outer moon is
 * (cos θ, sin θ) and the inner one (1 − cos θ, 0.5 − sin θ), θ evenly spaced over [0, π]
 * (both ends included). Without noise every point lies in [−1, 2] × [−0.5, 1]. O(n).
 */
export function makeMoons(options: MoonsOptions = {}): GeneratedData {
  const o = resolveOptions<Required<MoonsOptions>>('makeMoons', MOONS_SPEC, options);
  const nOut = Math.floor(o.n / 2), nIn = o.n - nOut;
  const x = new Float32Array(o.n * 2), labels = new Int32Array(o.n);
  const rng = createRng(o.seed), rn = rng.fork(1);
  const theta = (i: number, m: number): number => (m > 1 ? (Math.PI * i) / (m - 1) : 0);
  for (let i = 0; i < o.n; i++) {
    const inner = i >= nOut;
    const th = inner ? theta(i - nOut, nIn) : theta(i, nOut);
    let a = inner ? 1 - Math.cos(th) : Math.cos(th);
    let b = inner ? 0.5 - Math.sin(th) : Math.sin(th);
    if (o.noise > 0) { a += o.noise * rn.normal(); b += o.noise * rn.normal(); }
    x[2 * i] = a; x[2 * i + 1] = b; labels[i] = inner ? 1 : 0;
  }
  if (o.shuffle) shuffleRows(x, labels, o.n, 2, rng.fork(2));
  return { x: { data: x, rows: o.n, cols: 2 }, labels };
}

// ---------------------------------------------------------------------------------------------
// makeCircles

/** Options of {@link makeCircles}. */
export interface CirclesOptions {
  /** Total points; the outer circle (label 0) gets ⌊n/2⌋, the inner circle (label 1) the rest. @defaultValue 100 */
  n?: number;
  /** Standard deviation of Gaussian noise added to every coordinate. @defaultValue 0 */
  noise?: number;
  /** Radius of the inner circle relative to the outer one (radius 1), in [0, 1). @defaultValue 0.8 */
  factor?: number;
  /** @defaultValue 0 */
  seed?: number;
  /** @defaultValue true */
  shuffle?: boolean;
}

export const CIRCLES_SPEC = {
  n: { type: 'int', min: 1, default: 100, doc: 'Total number of points. @defaultValue 100' },
  noise: { type: 'float', min: 0, default: 0, doc: 'Standard deviation of the Gaussian noise. @defaultValue 0' },
  factor: {
    type: 'custom', expected: 'a number in [0, 1)', check: (v) => isFiniteNum(v) && v >= 0 && v < 1,
    doc: 'Inner radius / outer radius. @defaultValue 0.8',
  },
  seed: SEED_ENTRY,
  shuffle: SHUFFLE_ENTRY,
} as const satisfies OptionSpec;

/**
 * Two concentric circles in 2-D (scikit-learn's `make_circles`): angles evenly spaced over
 * [0, 2π) (end excluded), outer radius 1, inner radius `factor`. O(n).
 */
export function makeCircles(options: CirclesOptions = {}): GeneratedData {
  const o = resolveOptions<Omit<Required<CirclesOptions>, 'factor'> & { factor?: number }>('makeCircles', CIRCLES_SPEC, options);
  const factor = o.factor ?? 0.8;
  const nOut = Math.floor(o.n / 2), nIn = o.n - nOut;
  const x = new Float32Array(o.n * 2), labels = new Int32Array(o.n);
  const rng = createRng(o.seed), rn = rng.fork(1);
  for (let i = 0; i < o.n; i++) {
    const inner = i >= nOut;
    const th = inner ? (2 * Math.PI * (i - nOut)) / nIn : (2 * Math.PI * i) / nOut;
    const r = inner ? factor : 1;
    let a = r * Math.cos(th), b = r * Math.sin(th);
    if (o.noise > 0) { a += o.noise * rn.normal(); b += o.noise * rn.normal(); }
    x[2 * i] = a; x[2 * i + 1] = b; labels[i] = inner ? 1 : 0;
  }
  if (o.shuffle) shuffleRows(x, labels, o.n, 2, rng.fork(2));
  return { x: { data: x, rows: o.n, cols: 2 }, labels };
}

// ---------------------------------------------------------------------------------------------
// uniformNoise

/** Options of {@link uniformNoise}. */
export interface UniformNoiseOptions {
  /** Number of points. @defaultValue 100 */
  n?: number;
  /** Dimension. @defaultValue 2 */
  d?: number;
  /** Lower bound of every coordinate (included). @defaultValue 0 */
  low?: number;
  /** Upper bound of every coordinate (excluded, up to float32 rounding). @defaultValue 1 */
  high?: number;
  /** @defaultValue 0 */
  seed?: number;
}

export const UNIFORM_NOISE_SPEC = {
  n: { type: 'int', min: 1, default: 100, doc: 'Number of points. @defaultValue 100' },
  d: { type: 'int', min: 1, default: 2, doc: 'Dimension. @defaultValue 2' },
  low: { type: 'float', default: 0, doc: 'Lower bound. @defaultValue 0' },
  high: { type: 'float', default: 1, doc: 'Upper bound (must exceed low). @defaultValue 1' },
  seed: SEED_ENTRY,
} as const satisfies OptionSpec;

/**
 * Points uniform in the box [low, high)^d, all labelled −1 (noise): background clutter for
 * density-based methods. O(n·d).
 */
export function uniformNoise(options: UniformNoiseOptions = {}): GeneratedData {
  const W = 'uniformNoise';
  const o = resolveOptions<Required<UniformNoiseOptions>>(W, UNIFORM_NOISE_SPEC, options);
  if (!(o.high > o.low)) badOption(W, 'high', `greater than low = ${o.low}`, o.high);
  const rng = createRng(o.seed).fork(1);
  const x = new Float32Array(o.n * o.d);
  for (let t = 0; t < x.length; t++) x[t] = o.low + (o.high - o.low) * rng.next();
  return { x: { data: x, rows: o.n, cols: o.d }, labels: new Int32Array(o.n).fill(-1) };
}

// ---------------------------------------------------------------------------------------------
// makeAnisotropic

/** Options of {@link makeAnisotropic}. */
export interface AnisotropicOptions {
  /** Total number of points. @defaultValue 100 */
  n?: number;
  /** Number of clusters. @defaultValue 3 */
  k?: number;
  /** Dimension. @defaultValue 2 */
  d?: number;
  /** Standard deviation of the blobs before the linear map. @defaultValue 1 */
  clusterStd?: number;
  /** Linear map T [d × d] (row-major, or a Matrix) applied as x ← x·T. Default: a random map
   *  with independent N(0, 1) entries (full rank with probability 1). */
  transform?: Matrix | ArrayLike<number>;
  /** @defaultValue 0 */
  seed?: number;
  /** @defaultValue true */
  shuffle?: boolean;
}

/** Result of {@link makeAnisotropic}: data, the blob centers before the map, and the map T [d × d]. */
export interface AnisotropicData extends GeneratedData {
  readonly centers: Float32Array;
  readonly transform: Float32Array;
}

export const ANISOTROPIC_SPEC = {
  n: { type: 'int', min: 1, default: 100, doc: 'Total number of points. @defaultValue 100' },
  k: { type: 'int', min: 1, default: 3, doc: 'Number of clusters. @defaultValue 3' },
  d: { type: 'int', min: 1, default: 2, doc: 'Dimension. @defaultValue 2' },
  clusterStd: { type: 'float', min: 0, default: 1, doc: 'Blob standard deviation before the map. @defaultValue 1' },
  transform: {
    type: 'custom', expected: 'a Matrix [d × d] or a flat numeric array of length d × d',
    check: (v) => (isMatrix(v) && isNumArray(v.data)) || isNumArray(v),
    doc: 'Linear map T [d × d]; default random N(0, 1) entries.',
  },
  seed: SEED_ENTRY,
  shuffle: SHUFFLE_ENTRY,
} as const satisfies OptionSpec;

/**
 * Anisotropic (sheared) Gaussian blobs, as in scikit-learn's k-means assumptions example:
 * `makeBlobs({n, centers: k, d, clusterStd, seed, shuffle})` then every row x ← x·T. Clusters
 * become elongated ellipses with a common orientation, which k-means splits badly and Gaussian
 * mixtures with full covariance fit. O(n·d²).
 */
export function makeAnisotropic(options: AnisotropicOptions = {}): AnisotropicData {
  const W = 'makeAnisotropic';
  const o = resolveOptions<Omit<Required<AnisotropicOptions>, 'transform'> & { transform?: Matrix | ArrayLike<number> }>(W, ANISOTROPIC_SPEC, options);
  const d = o.d;
  let T: Float64Array;
  if (o.transform !== undefined) {
    const m = o.transform;
    if (isMatrix(m) ? m.rows !== d || m.cols !== d : m.length !== d * d) {
      badOption(W, 'transform', `a ${d} × ${d} map (d = ${d})`, isMatrix(m) ? `a ${m.rows} × ${m.cols} Matrix` : `an array of length ${m.length}`);
    }
    T = Float64Array.from(isMatrix(m) ? m.data : m);
  } else {
    const rt = createRng(o.seed).fork(3);
    T = new Float64Array(d * d);
    for (let t = 0; t < d * d; t++) T[t] = rt.normal();
  }
  const blobs = makeBlobs({ n: o.n, centers: o.k, d, clusterStd: o.clusterStd, seed: o.seed, shuffle: o.shuffle });
  const x = blobs.x.data, row = new Float64Array(d);
  for (let i = 0; i < o.n; i++) {
    for (let t = 0; t < d; t++) row[t] = x[i * d + t]!;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += row[t]! * T[t * d + j]!;
      x[i * d + j] = s;
    }
  }
  return { x: blobs.x, labels: blobs.labels, centers: blobs.centers, transform: Float32Array.from(T) };
}

// ---------------------------------------------------------------------------------------------

/** Fisher–Yates shuffle of the rows of x [n × d] and of labels [n], in place. */
function shuffleRows(x: Float32Array, labels: Int32Array, n: number, d: number, rng: Rng): void {
  const tmp = new Float32Array(d);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    if (j === i) continue;
    tmp.set(x.subarray(i * d, i * d + d));
    x.copyWithin(i * d, j * d, j * d + d);
    x.set(tmp, j * d);
    const l = labels[i]!; labels[i] = labels[j]!; labels[j] = l;
  }
}
