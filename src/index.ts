/**
 * clusterkit: the browser-safe public API (no `node:*` imports). File I/O, model files and the
 * bundled datasets are in `clusterkit/node` (src/node.ts).
 */
// core: data model, errors, seeded PRNG, options, JSON
export {
  type Matrix, type MatrixLike, type CsrMatrix, fromFlat, toMatrix, isMatrix, row, rowRange, takeRows, toArrays,
  checkData, checkCols, csrFromTriplets,
} from './core/matrix.js';
export { ClusterkitError, type ErrorCode } from './core/errors.js';
export { createRng, type Rng } from './core/rng.js';
export { resolveOptions, type OptionSpec, type OptionEntry } from './core/options.js';
export { toJSON, fromJSON } from './core/json.js';
export type { Progress, RunControl } from './core/control.js';
// kernel layer
export * as kernels from './kernels/index.js';
export { kernelInfo, kernelsReady, setKernelThreads, setKernelMemoryLimit, setKernelBackend, type KernelInfo } from './kernels/index.js';
// centroid family
export * as kmeans from './centroid/kmeans.js';
export * as minibatchKmeans from './centroid/minibatch.js';
export * as sphericalKmeans from './centroid/spherical.js';
export * as bisectingKmeans from './centroid/bisecting.js';
export * as kmedoids from './centroid/kmedoids.js';
export { kmeansPlusPlus, kmeansParallel, randomRows } from './centroid/init.js';
// metrics, preprocessing, generated data, report
export * as metrics from './metrics/index.js';
export * as preprocessing from './preprocessing/index.js';
export * as datasets from './datasets/index.js';
export * as report from './report/index.js';
export { ALGORITHMS as ESTIMATORS, algorithmByName as estimatorByName, algorithmByKind as estimatorByKind, type CliAlgorithm as EstimatorEntry } from './estimators.js';
// density and hierarchy
export * as neighbors from './neighbors/index.js';
export * as hdbscan from './density/hdbscan.js';
export * as hierarchy from './hierarchy/index.js';
export * as dbscan from './density/dbscan.js';
export * as optics from './density/optics.js';
export * as nestedTree from './density/nestedTree.js';
