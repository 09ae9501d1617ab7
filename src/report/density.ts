/**
 * Report sections for density and hierarchical clusterings (browser-safe): fit HDBSCAN, OPTICS
 * or agglomerative clustering, then pair the scatter (noise in grey) with the structure figure —
 * the condensed tree, the reachability plot or the dendrogram — and score against true classes.
 */
import type { Progress } from '../core/control.js';
import { toMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import * as hdbscan from '../density/hdbscan.js';
import * as optics from '../density/optics.js';
import * as agglomerative from '../hierarchy/agglomerative.js';
import { externalScores } from '../metrics/index.js';
import * as pca from '../preprocessing/pca.js';
import { clusterColors } from './palette.js';
import type { ReportMetric, ReportSection } from './render.js';
import { condensedTreeSvg, dendrogramSvg, reachabilitySvg } from './hierarchy.js';
import { fromHdbscan } from '../density/nestedTree.js';
import { NOISE_COLOR } from './palette.js';
import { icicleSvg } from './icicle.js';

/** What the density section builders need. */
export interface DensitySectionInput {
  readonly name: string;
  readonly description?: string;
  /** Data [n × d], already scaled if it should be. Not mutated. */
  readonly x: MatrixLike;
  /** True class per row [n] (−1 allowed for noise): adds ARI and NMI. */
  readonly truth?: ArrayLike<number>;
  readonly truthNames?: readonly string[];
  readonly onProgress?: (p: Progress) => void;
}

/** Figures of one density section, keyed as in the CLI's `--json` output. */
export interface DensityFigures {
  readonly algorithm: string;
  readonly n: number;
  readonly d: number;
  readonly n_clusters: number;
  readonly n_noise: number;
  readonly noise_fraction: number;
  readonly ari: number | null;
  readonly nmi: number | null;
  /** Wall time of the fit, seconds. */
  readonly seconds: number;
}

export interface DensitySectionOutput {
  readonly section: ReportSection;
  readonly figures: DensityFigures;
}

/** The data as drawn: its two columns when d = 2, else the first two principal components. */
function plane(x: Matrix): { points: Float32Array; axes: readonly [string, string] } {
  if (x.cols === 2) return { points: x.data, axes: ['x', 'y'] };
  if (x.cols === 1) return { points: Float32Array.from({ length: 2 * x.rows }, (_, i) => (i % 2 === 0 ? x.data[i / 2]! : 0)), axes: ['x', ''] };
  const p = pca.fit(x, { nComponents: 2 });
  return { points: pca.transform(p, x).data, axes: ['PC 1', 'PC 2'] };
}

function common(input: DensitySectionInput, algorithm: string, labels: Int32Array, k: number, seconds: number,
  extra: ReportMetric[]): { metrics: ReportMetric[]; figures: DensityFigures } {
  const x = toMatrix(input.x, 'densitySection');
  let noise = 0;
  for (const l of labels) if (l < 0) noise++;
  const e = input.truth ? externalScores(input.truth, labels) : null;
  const metrics: ReportMetric[] = [
    ...(e ? [
      { key: 'ari', label: 'ARI', value: e.ari, hint: 'Adjusted Rand index against the true classes (noise counted as one class); 1 = identical' },
      { key: 'nmi', label: 'NMI', value: e.nmi, hint: 'Normalised mutual information against the true classes' },
    ] : []),
    { key: 'clusters', label: 'Clusters', value: k, hint: 'Found by the algorithm (noise not counted)', overview: false },
    { key: 'noise', label: 'Noise fraction', value: noise / Math.max(1, labels.length), hint: `${noise} rows labelled −1`, overview: false },
    ...extra,
    { key: 'seconds', label: 'Fit time (s)', value: seconds, digits: 3, overview: false },
  ];
  return {
    metrics,
    figures: { algorithm, n: x.rows, d: x.cols, n_clusters: k, n_noise: noise, noise_fraction: noise / Math.max(1, labels.length), ari: e?.ari ?? null, nmi: e?.nmi ?? null, seconds },
  };
}

/** HDBSCAN section: scatter + condensed tree (icicle). `options` go to hdbscan.fit. */
export function hdbscanSection(input: DensitySectionInput, options: hdbscan.HdbscanOptions = {}): DensitySectionOutput {
  const x = toMatrix(input.x, 'hdbscanSection');
  const t0 = performance.now();
  const r = hdbscan.fit(x, { ...options, predictionData: false, ...(input.onProgress ? { onProgress: input.onProgress } : {}) });
  const seconds = (performance.now() - t0) / 1000;
  const colors = clusterColors(r.k);
  const { metrics, figures } = common(input, 'hdbscan', r.labels, r.k, seconds, [
    { key: 'dbcv', label: 'Relative validity', value: r.relativeValidity, hint: "DBCV approximation on the MST (the hdbscan library's relative_validity_); higher is better", overview: false },
  ]);
  const { points, axes } = plane(x);
  return {
    figures,
    section: {
      name: input.name, ...(input.description ? { description: input.description } : {}), n: r.n, d: r.d, k: r.k,
      algorithm: 'hdbscan', params: { minClusterSize: r.options.minClusterSize, minSamples: r.options.minSamples, method: r.options.clusterSelectionMethod },
      points2d: points, axisLabels: axes, labels: r.labels, metrics, scatterTitle: 'Clusters and noise',
      ...(input.truth ? { truth: input.truth } : {}), ...(input.truthNames ? { truthNames: input.truthNames } : {}),
      structure: {
        title: 'Condensed cluster tree',
        svg: condensedTreeSvg(hdbscan.condensedClusters(r), { colors, width: 560, height: 600 }),
        note: 'Each bar is a cluster of the hierarchy: width ∝ its size, from the λ (= 1 / distance) where it appears down to where its points leave or it splits. Selected clusters are coloured as in the scatter; the rest of a bar\'s width that its children do not cover fell out as noise.',
      },
      figures: [nestedFigure(r, colors)],
      warnings: r.warnings,
    },
  };
}

/** The nested density tree of an HDBSCAN result as an icicle, selected clusters in their scatter colour. */
function nestedFigure(r: hdbscan.HdbscanResult, colors: readonly string[]): { title: string; svg: string; note: string } {
  const tree = fromHdbscan(r);
  const fill = (node: { cluster: number }): string => (node.cluster >= 0 ? colors[node.cluster] ?? NOISE_COLOR : '#e9ecef');
  return {
    title: 'Nested density tree',
    svg: icicleSvg(tree, { width: 1100, height: 300, scale: 'level', colors: fill }),
    note: 'The same hierarchy as nested clusters, root on top, denser clusters below; width ∝ size, the uncovered part under a node is its noise.',
  };
}

/** OPTICS section: scatter + reachability plot. `options` go to optics.fit. */
export function opticsSection(input: DensitySectionInput, options: optics.OpticsOptions = {}): DensitySectionOutput {
  const x = toMatrix(input.x, 'opticsSection');
  const t0 = performance.now();
  const r = optics.fit(x, { ...options, ...(input.onProgress ? { onProgress: input.onProgress } : {}) });
  const seconds = (performance.now() - t0) / 1000;
  const colors = clusterColors(r.k);
  const { metrics, figures } = common(input, 'optics', r.labels, r.k, seconds, []);
  const { points, axes } = plane(x);
  const ordered = Int32Array.from(r.ordering, (i) => r.labels[i]!);
  return {
    figures,
    section: {
      name: input.name, ...(input.description ? { description: input.description } : {}), n: r.n, d: r.d, k: r.k,
      algorithm: 'optics', params: { minSamples: r.options.minSamples, xi: r.options.xi, minClusterSize: r.options.minClusterSize, method: r.options.clusterMethod },
      points2d: points, axisLabels: axes, labels: r.labels, metrics, scatterTitle: 'Clusters and noise',
      ...(input.truth ? { truth: input.truth } : {}), ...(input.truthNames ? { truthNames: input.truthNames } : {}),
      structure: {
        title: 'Reachability plot',
        svg: reachabilitySvg(optics.reachabilityPlot(r), ordered, { colors, width: 560, height: 600 }),
        note: 'Rows in the order OPTICS visits them; bar height = reachability distance. Valleys are clusters (coloured as in the scatter), grey bars are noise; ▼ marks undefined (∞) reachability, drawn capped.',
      },
      warnings: r.warnings,
    },
  };
}

/** Agglomerative section: scatter (PCA) + dendrogram. `options` go to agglomerative.fit. */
export function agglomerativeSection(input: DensitySectionInput, options: agglomerative.AgglomerativeOptions): DensitySectionOutput {
  const x = toMatrix(input.x, 'agglomerativeSection');
  const t0 = performance.now();
  const r = agglomerative.fit(x, { ...options, ...(input.onProgress ? { onProgress: input.onProgress } : {}) });
  const seconds = (performance.now() - t0) / 1000;
  const colors = clusterColors(r.k);
  const { metrics, figures } = common(input, 'agglomerative', r.labels, r.k, seconds, []);
  const { points, axes } = plane(x);
  const m = r.z.length / 4;
  // Cut between the merges kept and the first merge not applied.
  const cut = r.k > 1 && m >= r.k ? (r.z[4 * (m - r.k) + 2]! + r.z[4 * (m - r.k + 1) + 2]!) / 2 : undefined;
  return {
    figures,
    section: {
      name: input.name, ...(input.description ? { description: input.description } : {}), n: r.n, d: r.d, k: r.k,
      algorithm: 'agglomerative', params: { linkage: r.options.linkage, k: r.k },
      points2d: points, axisLabels: axes, labels: r.labels, metrics, scatterTitle: x.cols === 2 ? 'Clusters' : 'Clusters in the first two principal components',
      ...(input.truth ? { truth: input.truth } : {}), ...(input.truthNames ? { truthNames: input.truthNames } : {}),
      structure: {
        title: 'Dendrogram',
        svg: dendrogramSvg(r.z, r.n, { labels: r.labels, colors, width: 560, height: 600, ...(cut !== undefined ? { cut } : {}), yLabel: `${r.options.linkage} merge height` }),
        note: `Merges of the ${r.options.linkage} linkage, bottom-up; links inside one flat cluster take its colour. ${r.n > 200 ? 'Only the last 30 merges are drawn (leaf: rows below it).' : 'Every row is a leaf.'} The dashed line is the cut giving ${r.k} clusters.`,
      },
      warnings: r.warnings,
    },
  };
}
