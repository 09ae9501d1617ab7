/**
 * Extra outputs of `clusterkit fit` for density and hierarchical models: `--tree` (condensed tree
 * or linkage tree as JSON), `--scores` (HDBSCAN probability and GLOSH outlier score per row) and
 * `--linkage-out` (SciPy linkage matrix as CSV). All files are written atomically.
 */
import { ClusterkitError } from '../core/errors.js';
import { condensedClusters, linkageMatrix, type HdbscanResult } from '../density/hdbscan.js';
import type { OpticsResult } from '../density/optics.js';
import type { AgglomerativeResult } from '../hierarchy/agglomerative.js';
import { writeCsv, writeFileAtomic } from '../io/write.js';
import type { FitResultLike } from '../estimators.js';

/** Algorithms whose labels may hold noise (−1); their summary reports noise instead of inertia. */
export const DENSITY_ALGOS: readonly string[] = ['hdbscan', 'dbscan', 'optics'];

/** Header of `--linkage-out` files. */
export const LINKAGE_HEADER = ['id_a', 'id_b', 'height', 'size'] as const;
/** Header of `--scores` files. */
export const SCORES_HEADER = ['probability', 'outlier_score'] as const;

const flagError = (flag: string, algos: string, got: string): ClusterkitError =>
  new ClusterkitError('BAD_OPTION', `fit: flag '--${flag}' must be used with --algo ${algos}. Got --algo ${got}.`, flag);

/**
 * The JSON document of `--tree` (a plain object): HDBSCAN's condensed tree (columns parent,
 * child, lambdaVal, childSize; λ = 1 / distance, Number.MAX_VALUE for ∞), the selected nodes and
 * the cluster nodes' view; agglomerative's linkage as nodes n … 2n − 2 with two children each;
 * OPTICS's ξ cluster hierarchy (start, end positions in the ordering).
 */
export function treeDocument(algo: string, result: FitResultLike): object {
  if (algo === 'hdbscan') {
    const r = result as unknown as HdbscanResult;
    const t = r.condensedTree, c = condensedClusters(r);
    return {
      kind: 'hdbscan-condensed-tree', n: r.n, root: r.n,
      condensedTree: { parent: Array.from(t.parent), child: Array.from(t.child), lambdaVal: Array.from(t.lambdaVal), childSize: Array.from(t.childSize) },
      selectedNodes: Array.from(r.selectedNodes),
      clusters: {
        node: Array.from(c.node), parent: Array.from(c.parent), lambdaBirth: Array.from(c.lambdaBirth), lambdaDeath: Array.from(c.lambdaDeath),
        size: Array.from(c.size), stability: Array.from(c.stability), label: Array.from(c.label),
      },
    };
  }
  if (algo === 'agglomerative') {
    const r = result as unknown as AgglomerativeResult;
    const m = r.z.length / 4, nodes: { id: number; children: [number, number]; height: number; size: number }[] = [];
    for (let i = 0; i < m; i++) nodes.push({ id: r.n + i, children: [r.z[4 * i]!, r.z[4 * i + 1]!], height: r.z[4 * i + 2]!, size: r.z[4 * i + 3]! });
    return { kind: 'agglomerative-linkage-tree', n: r.n, root: m > 0 ? r.n + m - 1 : 0, linkage: r.options.linkage, nodes };
  }
  if (algo === 'optics') {
    const r = result as unknown as OpticsResult, h = r.clusterHierarchy, clusters: [number, number][] = [];
    for (let i = 0; i + 1 < h.length; i += 2) clusters.push([h[i]!, h[i + 1]!]);
    return { kind: 'optics-xi-hierarchy', n: r.n, ordering: Array.from(r.ordering), clusters };
  }
  throw flagError('tree', 'hdbscan, agglomerative or optics', algo);
}

/** Write the extra outputs asked for; throws BAD_OPTION when the algorithm has no such output. */
export async function writeDensityOutputs(algo: string, result: FitResultLike,
  files: { tree?: string; scores?: string; linkageOut?: string }): Promise<void> {
  if (files.tree !== undefined) treeDocument(algo, result); // check before writing anything
  if (files.scores !== undefined && algo !== 'hdbscan') throw flagError('scores', 'hdbscan', algo);
  if (files.linkageOut !== undefined && algo !== 'hdbscan' && algo !== 'agglomerative') throw flagError('linkage-out', 'hdbscan or agglomerative', algo);
  if (files.tree !== undefined) await writeFileAtomic(files.tree, `${JSON.stringify(treeDocument(algo, result))}\n`);
  if (files.scores !== undefined) {
    const r = result as unknown as HdbscanResult;
    await writeCsv(files.scores, SCORES_HEADER, [r.probabilities, r.outlierScores]);
  }
  if (files.linkageOut !== undefined) {
    const z = algo === 'hdbscan' ? linkageMatrix(result as unknown as HdbscanResult) : (result as unknown as AgglomerativeResult).z;
    const m = z.length / 4, cols = [0, 1, 2, 3].map((j) => Float64Array.from({ length: m }, (_, i) => z[4 * i + j]!));
    await writeCsv(files.linkageOut, LINKAGE_HEADER, cols);
  }
}

/** Noise count and fraction of labels (−1 = noise). */
export function noiseOf(labels: Int32Array): { nNoise: number; noiseFraction: number } {
  let c = 0;
  for (const l of labels) if (l < 0) c++;
  return { nNoise: c, noiseFraction: labels.length ? c / labels.length : 0 };
}
