export {
  nearestNeighbors, radiusNeighbors, buildIndex, queryKnn, queryRadius, forEachRadius, radiusCounts, coreDistances,
  checkPrecomputed, KD_TREE_MAX_DIM, NEAREST_NEIGHBORS_SPEC, RADIUS_NEIGHBORS_SPEC,
  type NeighborMetric, type NeighborAlgorithm, type IndexAlgorithm, type NeighborIndex, type NeighborsResult, type RadiusNeighborsResult,
  type IndexOptions, type NearestNeighborsOptions, type RadiusNeighborsOptions,
} from './search.js';
export {
  buildKDTree, knn, radius, knnInto, radiusInto, radiusCountAt, toRdist, minRdist, maxRdist, rdistAt, boxDiameter, KHeap, NeighborBuffer, DEFAULT_LEAF_SIZE,
  type KDTree, type KDTreeMetric, type KnnResult, type RadiusResult,
} from './kdtree.js';
export { bruteKnn, bruteRadius, bruteRadiusVisit, QUERY_BLOCK, DATA_BLOCK } from './brute.js';
export { sqEuclidean, manhattan, cosine, rdistRows, fromReduced, toReduced, type RowMetric } from './distance.js';
export {
  nnDescent, searchGraph, NNDESCENT_SPEC,
  type NNDescentOptions, type ResolvedNNDescentOptions, type NNDescentGraph, type NNDescentIteration, type RPTree, type GraphSearchOptions,
} from './nndescent.js';
