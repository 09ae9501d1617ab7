/**
 * clusterkit/node: everything in the browser-safe entry, plus files (CSV/TSV, JSONL, .npy, Parquet),
 * atomic writes, model files, the bundled datasets and the report writer.
 */
export * from './index.js';
export * from './io/index.js';
export {
  loadBundled, bundledDataDir, bundledPaths, BUNDLED_NAMES, type BundledName, type BundledDataset,
} from './datasets/bundled.js';
export { writeReport } from './report/write.js';
