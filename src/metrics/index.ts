export {
  checkLabelPair, checkLabelVector, contingencyTable, encodeLabels, pairConfusionFrom, pairConfusionMatrix,
  sparseContingency,
} from './contingency.js';
export type { ContingencyTable, LabelEncoding, PairConfusion, SparseContingency } from './contingency.js';
export {
  accuracy, adjustedMutualInfo, adjustedRandIndex, completeness, externalScores, fowlkesMallows, homogeneity,
  mutualInfo, normalizedMutualInfo, pairF1, pairPrecision, pairPrecisionRecallF1, pairRecall, purity, randIndex,
  vMeasure,
} from './external.js';
export type { AccuracyResult, AverageMethod, ExternalScores, PairScores } from './external.js';
export { linearSumAssignment } from './hungarian.js';
export type { Assignment, AssignmentOptions } from './hungarian.js';
export {
  calinskiHarabasz, daviesBouldin, inertia, silhouetteSamples, silhouetteScore, SILHOUETTE_SAMPLES_SPEC,
  SILHOUETTE_SPEC,
} from './internal.js';
export type { SilhouetteMetric, SilhouetteOptions, SilhouetteScoreOptions } from './internal.js';
export { logGamma } from './special.js';
export { dbcv, DBCV_SPEC } from './dbcv.js';
export type { DbcvMetric, DbcvOptions, DbcvResult } from './dbcv.js';
