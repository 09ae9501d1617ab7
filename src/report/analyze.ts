/**
 * Build a report section from data: fit k-means, project on two principal components, score
 * the result against the true classes and by internal criteria, and sweep k for the elbow and
 * silhouette charts. Browser-safe (no `node:*`); the CLI demo calls it for each bundled dataset.
 */
import { fit as kmeansFit, type KMeansOptions, type KMeansResult } from '../centroid/kmeans.js';
import type { Progress } from '../core/control.js';
import { toMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import { calinskiHarabasz, daviesBouldin, externalScores, silhouetteScore } from '../metrics/index.js';
import * as pca from '../preprocessing/pca.js';
import type { ReportMetric, ReportSection } from './render.js';

/** What {@link kmeansSection} needs. */
export interface SectionInput {
  /** Heading, e.g. 'Iris'. */
  readonly name: string;
  readonly description?: string;
  /** Data [n × d], already scaled if it should be. Not mutated. */
  readonly x: MatrixLike;
  /** Number of clusters of the main fit, in [1, n]. */
  readonly k: number;
  /** True class per row [n]: adds ARI, AMI, NMI, accuracy and purity, and the cluster × class table. */
  readonly truth?: ArrayLike<number>;
  readonly truthNames?: readonly string[];
  /** Other k-means options of the main fit. @defaultValue nInit 10, seed 0 */
  readonly fit?: Omit<KMeansOptions, 'k'>;
  /** k values of the elbow / silhouette sweep. @defaultValue 1 … max(10, k + 2), capped at n − 1 */
  readonly sweepK?: readonly number[];
  /** Restarts per sweep fit (the sweep only shapes a curve). @defaultValue 3 */
  readonly sweepNInit?: number;
  /** Rows sampled (seeded) for each sweep silhouette; the main silhouette uses every row. @defaultValue 1000 */
  readonly sweepSilhouetteSample?: number;
  /** Extra text for the section's "meta" line, e.g. 'standardised'. */
  readonly params?: Readonly<Record<string, string | number | boolean | null>>;
  /** Progress of the main fit and the sweep (`stage` 'fit' or 'sweep'). */
  readonly onProgress?: (p: Progress) => void;
}

/** Figures of one analysed dataset, keyed as in the CLI's `--json` output. */
export interface SectionFigures {
  readonly ari: number | null;
  readonly ami: number | null;
  readonly nmi: number | null;
  readonly accuracy: number | null;
  readonly purity: number | null;
  readonly silhouette: number | null;
  readonly davies_bouldin: number | null;
  readonly calinski_harabasz: number | null;
  readonly inertia: number;
  readonly iterations: number;
  /** Wall time of the main fit, seconds. */
  readonly seconds: number;
}

/** Result of {@link kmeansSection}. */
export interface SectionOutput {
  readonly section: ReportSection;
  readonly result: KMeansResult;
  readonly figures: SectionFigures;
}

/** Internal scores need 2 ≤ clusters ≤ n − 1; otherwise null. */
function guarded(f: () => number, clusters: number, n: number): number | null {
  if (clusters < 2 || clusters > n - 1) return null;
  const v = f();
  return Number.isFinite(v) ? v : null;
}

const distinct = (labels: ArrayLike<number>): number => new Set(Array.from(labels)).size;

/**
 * Fit k-means to `input.x`, then collect everything a report section shows. Cost: the main fit,
 * one PCA (O(n·d²)), one full silhouette (O(n²·d)), and one fit plus one sampled silhouette per
 * sweep k.
 */
export function kmeansSection(input: SectionInput): SectionOutput {
  const x: Matrix = toMatrix(input.x, 'kmeansSection');
  const n = x.rows;
  const progress = input.onProgress;
  const fitOpts: KMeansOptions = { nInit: 10, seed: 0, ...input.fit, k: input.k };
  if (progress) fitOpts.onProgress = (p) => progress({ stage: 'fit', done: p.done, total: p.total });
  const t0 = performance.now();
  const result = kmeansFit(x, fitOpts);
  const seconds = (performance.now() - t0) / 1000;
  const labels = result.labels;
  const found = distinct(labels);

  const ext = input.truth ? externalScores(input.truth, labels) : null;
  const silhouette = guarded(() => silhouetteScore(x, labels), found, n);
  const db = guarded(() => daviesBouldin(x, labels), found, n);
  const ch = guarded(() => calinskiHarabasz(x, labels), found, n);

  // 2-D projection (1-D data is drawn against a zero axis).
  const nc = Math.min(2, n, x.cols);
  const p = pca.fit(x, { nComponents: nc });
  const proj = pca.transform(p, x);
  const centers = pca.transform(p, { data: result.centroids, rows: result.k, cols: x.cols });
  const to2 = (m: Matrix): Float32Array => {
    if (m.cols === 2) return m.data;
    const out = new Float32Array(m.rows * 2);
    for (let i = 0; i < m.rows; i++) out[2 * i] = m.data[i * m.cols]!;
    return out;
  };
  const pct = (c: number): string => (c < nc ? ` (${(p.explainedVarianceRatio[c]! * 100).toFixed(1)} % of variance)` : '');

  // Sweep of k for the elbow and silhouette charts.
  const kMax = Math.max(1, Math.min(n - 1, Math.max(10, input.k + 2)));
  const ks = (input.sweepK ?? Array.from({ length: kMax }, (_, i) => i + 1)).filter((k) => k >= 1 && k <= n);
  const sweepNInit = input.sweepNInit ?? 3;
  const sample = Math.min(n, input.sweepSilhouetteSample ?? 1000);
  const inertias: number[] = [], sils: (number | null)[] = [];
  ks.forEach((k, t) => {
    const r = k === input.k ? result : kmeansFit(x, { ...input.fit, seed: input.fit?.seed ?? 0, nInit: sweepNInit, k });
    inertias.push(r.inertia);
    const c = distinct(r.labels);
    sils.push(guarded(() => silhouetteScore(x, r.labels, sample < n ? { sampleSize: sample, seed: 0 } : {}), c, sample));
    progress?.({ stage: 'sweep', done: t + 1, total: ks.length });
  });

  const metrics: ReportMetric[] = [];
  if (ext) {
    metrics.push(
      { key: 'ari', label: 'ARI', value: ext.ari, hint: 'adjusted Rand index vs the true classes: 1 = same partition, 0 = chance' },
      { key: 'ami', label: 'AMI', value: ext.ami, hint: 'adjusted mutual information vs the true classes' },
      { key: 'nmi', label: 'NMI', value: ext.nmi, hint: 'normalised mutual information, not chance-adjusted' },
      { key: 'accuracy', label: 'Accuracy', value: ext.accuracy, hint: 'rows right under the best cluster ↔ class matching' },
      { key: 'purity', label: 'Purity', value: ext.purity, overview: false, hint: 'rows in their cluster\'s majority class' },
    );
  }
  metrics.push(
    { key: 'silhouette', label: 'Silhouette', value: silhouette, hint: 'Euclidean, −1 … 1; higher is better' },
    { key: 'davies_bouldin', label: 'Davies–Bouldin', value: db, hint: 'lower is better', overview: false },
    { key: 'calinski_harabasz', label: 'Calinski–Harabasz', value: ch, hint: 'higher is better', overview: false },
    { key: 'inertia', label: 'Inertia', value: result.inertia, digits: 6, hint: 'Σ squared distance to the own centre' },
    { key: 'iterations', label: 'Iterations', value: result.nIter, digits: 6, overview: false, hint: `of the best of ${result.options.nInit} restarts${result.converged ? '' : ' (not converged)'}` },
    { key: 'seconds', label: 'Seconds', value: seconds, digits: 3, hint: 'wall time of the fit (all restarts)' },
  );

  const section: ReportSection = {
    name: input.name,
    description: input.description,
    n, d: x.cols, k: input.k,
    algorithm: 'kmeans',
    params: { nInit: result.options.nInit, seed: result.options.seed, init: result.options.init, algorithm: result.options.algorithm, ...input.params },
    points2d: to2(proj),
    axisLabels: [`PC 1${pct(0)}`, nc > 1 ? `PC 2${pct(1)}` : '(one-dimensional data)'],
    labels,
    centers2d: to2(centers),
    truth: input.truth,
    truthNames: input.truthNames,
    metrics,
    history: result.history.map((h) => ({ iter: h.iter, inertia: h.inertia })),
    elbow: {
      k: ks, inertia: inertias, silhouette: sils, chosenK: input.k,
      note: `Sweep fits: nInit ${sweepNInit}, seed ${fitOpts.seed ?? 0}${sample < n ? `; silhouette on ${sample} sampled rows` : ''}. k = ${input.k} is the main fit.`,
    },
    warnings: result.warnings,
  };
  const figures: SectionFigures = {
    ari: ext?.ari ?? null, ami: ext?.ami ?? null, nmi: ext?.nmi ?? null, accuracy: ext?.accuracy ?? null, purity: ext?.purity ?? null,
    silhouette, davies_bouldin: db, calinski_harabasz: ch, inertia: result.inertia, iterations: result.nIter, seconds,
  };
  return { section, result, figures };
}
