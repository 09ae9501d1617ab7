export * as standardScaler from './standardScaler.js';
export * as minMaxScaler from './minMaxScaler.js';
export * as pca from './pca.js';
export { normalizeRows, NORMALIZE_SPEC, type RowNorm } from './normalize.js';
export { symmetricEigen, type SymmetricEigen, type EigenMethod } from './eigen.js';
