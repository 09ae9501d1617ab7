export {
  linkage, checkLinkage, sortByHeight, labelSorted, LINKAGE_SPEC,
  type LinkageOptions, type LinkageResult, type ResolvedLinkageOptions, type LinkageLike, type LinkageMethod, type LinkageMetric,
} from './linkage.js';
export { fcluster, cophenetic, cophenetCorrelation, maxdists, type CutOptions } from './cut.js';
export { condensedIndex, condensedLength, pdistInto, type Condensed } from './condensed.js';
export { LINKAGE_METHODS } from './lanceWilliams.js';
export { CONNECTIVITY_METHODS } from './constrained.js';
export * as agglomerative from './agglomerative.js';
