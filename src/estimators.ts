/**
 * The registry of estimators: what the CLI can run (`--algo`) and the common tests cover, each with its option spec (which yields its flags),
 * fit, predict and, for mini-batch k-means, partialFit. The CLI treats results as plain data
 * and reads only the common fields below.
 */
import type { Matrix, MatrixLike } from './core/matrix.js';
import type { OptionSpec } from './core/options.js';
import type { Progress } from './core/control.js';
import * as kmeans from './centroid/kmeans.js';
import * as minibatch from './centroid/minibatch.js';
import * as spherical from './centroid/spherical.js';
import * as bisecting from './centroid/bisecting.js';
import * as kmedoids from './centroid/kmedoids.js';
import * as hdbscan from './density/hdbscan.js';
import * as dbscan from './density/dbscan.js';
import * as optics from './density/optics.js';
import { ClusterkitError } from './core/errors.js';
import * as agglomerative from './hierarchy/agglomerative.js';

/** Fields the CLI reads from any fit result (all plain data). */
export interface FitResultLike {
  readonly kind: string;
  readonly labels: Int32Array;
  readonly k: number;
  readonly options: object;
  readonly inertia?: number;
  readonly nIter?: number;
  readonly converged?: boolean;
  readonly warnings?: readonly string[];
  readonly [key: string]: unknown;
}

/** Options passed to an estimator: spec values plus run control. */
export type EstimatorOptions = Record<string, unknown> & { onProgress?: (p: Progress) => void };

/** One `--algo` choice. */
export interface CliAlgorithm {
  /** The `--algo` value. */
  readonly name: string;
  /** Human name for --help and tables. */
  readonly title: string;
  /** `kind` values of results (and states) this algorithm's predict accepts. */
  readonly kinds: readonly string[];
  readonly spec: OptionSpec;
  /** What `--init FILE` holds: start centroids [k × d], k row indices (medoids), or nothing (no file). */
  readonly initFile: 'centroids' | 'indices' | null;
  fit(x: MatrixLike, options: EstimatorOptions): FitResultLike;
  predict(model: unknown, x: MatrixLike): Int32Array;
  /** Options the common test suite fits iris with (3 clusters expected). */
  readonly testOptions: Readonly<Record<string, unknown>>;
  /** True when predict(model, X) must equal the fit labels (false for HDBSCAN's approximate predict). */
  readonly predictIsExact: boolean;
  /** False when the algorithm has no predict (OPTICS): `predict` then throws BAD_OPTION. */
  readonly canPredict: boolean;
  /** Streaming step over one chunk (mini-batch k-means): returns the new state. */
  partialFit?(state: unknown, x: Matrix, options: EstimatorOptions): { kind: string };
}

type AnyFit = (x: MatrixLike, o: never) => unknown;
type AnyPredict = (m: never, x: MatrixLike) => Int32Array;

interface EntryExtras {
  testOptions?: Record<string, unknown>;
  predictIsExact?: boolean;
  canPredict?: boolean;
  partialFit?: (s: never, x: Matrix, o: never) => unknown;
}

function entry(name: string, title: string, kinds: string[], spec: OptionSpec, fit: AnyFit, predict: AnyPredict,
  extras: EntryExtras = {}): CliAlgorithm {
  const { partialFit } = extras;
  const init = spec.init;
  const initFile = init?.type !== 'custom' ? null : /indices/.test(init.expected) ? 'indices' : 'centroids';
  return {
    name, title, kinds, spec, initFile,
    testOptions: extras.testOptions ?? { k: 3, seed: 0 }, predictIsExact: extras.predictIsExact ?? true,
    canPredict: extras.canPredict ?? true,
    fit: (x, o) => fit(x, o as never) as FitResultLike,
    predict: (m, x) => predict(m as never, x),
    ...(partialFit ? { partialFit: (s: unknown, x: Matrix, o: EstimatorOptions) => partialFit(s as never, x, o as never) as { kind: string } } : {}),
  };
}

/** Every algorithm of `clusterkit fit --algo`, the default first. */
export const ALGORITHMS: readonly CliAlgorithm[] = [
  entry('kmeans', 'k-means', ['kmeans'], kmeans.KMEANS_SPEC, kmeans.fit, kmeans.predict),
  entry('minibatch-kmeans', 'mini-batch k-means', ['minibatch-kmeans', 'minibatch-kmeans-state'], minibatch.MINIBATCH_SPEC,
    minibatch.fit, minibatch.predict, { partialFit: minibatch.partialFit }),
  entry('spherical-kmeans', 'spherical k-means (cosine)', ['spherical-kmeans'], spherical.SPHERICAL_SPEC, spherical.fit, spherical.predict),
  entry('bisecting-kmeans', 'bisecting k-means', ['bisecting-kmeans'], bisecting.BISECTING_SPEC, bisecting.fit, bisecting.predict),
  entry('kmedoids', 'k-medoids (PAM)', ['kmedoids'], kmedoids.KMEDOIDS_SPEC, kmedoids.fit, kmedoids.predict),
  entry('hdbscan', 'HDBSCAN (density)', ['hdbscan'], hdbscan.HDBSCAN_SPEC, hdbscan.fit, hdbscan.predict,
    { testOptions: { minClusterSize: 5 }, predictIsExact: false }),
  entry('dbscan', 'DBSCAN (density)', ['dbscan'], dbscan.DBSCAN_SPEC, dbscan.fit, dbscan.predictNearestCore,
    { testOptions: { eps: 0.5, minSamples: 4 }, predictIsExact: false }),
  entry('agglomerative', 'agglomerative (hierarchical)', ['agglomerative'], agglomerative.AGGLOMERATIVE_SPEC,
    agglomerative.fit, agglomerative.predict, { testOptions: { k: 3 } }),
  entry('optics', 'OPTICS (density, fit only)', ['optics'], optics.OPTICS_SPEC, optics.fit, opticsPredict,
    { testOptions: { minSamples: 15, xi: 0.05 }, predictIsExact: false, canPredict: false }),
];

/** OPTICS orders the training rows only: there is no rule to label new rows. Always throws. */
function opticsPredict(_model: unknown, _x: MatrixLike): Int32Array {
  throw new ClusterkitError('BAD_OPTION', "optics: predict must not be called: OPTICS has no predict (it only orders the training rows). Got a request to label new rows; use --algo hdbscan (approximate predict) or dbscan (nearest core point) instead.", 'algo');
}

/** The algorithm named `name` (an `--algo` value), or undefined. */
export function algorithmByName(name: string): CliAlgorithm | undefined {
  return ALGORITHMS.find((a) => a.name === name);
}

/** The algorithm whose results have `kind` (for predict), or undefined. */
export function algorithmByKind(kind: string): CliAlgorithm | undefined {
  return ALGORITHMS.find((a) => a.kinds.includes(kind));
}

/**
 * Text values a 'custom' `init` entry accepts besides given centroids, read from the entry's
 * `expected` text (e.g. "'k-means++', 'random' or [k × d] centroids" → k-means++, random).
 */
export function initMethods(spec: OptionSpec): string[] {
  const e = spec.init;
  if (!e) return [];
  if (e.type === 'enum') return [...e.values];
  if (e.type !== 'custom') return [];
  return [...e.expected.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}
