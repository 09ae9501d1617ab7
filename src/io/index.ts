export { readCsv, readCsvChunks, readCsvHeader, parseDecimal, type CsvChunk, type CsvChunkOptions } from './csv.js';
export { readJsonl } from './jsonl.js';
export { readNpy, readNpyMatrix, writeNpy, parseNpyHeader, npyHeader, type NpyHeader } from './npy.js';
export { readParquet } from './parquet.js';
export { readTable, TABLE_EXTENSIONS } from './read.js';
export { writeFileAtomic, writeCsv, writeLabels, readLabels, formatFloat32, type FileData, type LabelFormat, type ReadLabelsOptions } from './write.js';
export { saveModel, loadModel, MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelResult, type LoadModelOptions } from './model.js';
export { READ_SPEC, type Table, type ReadOptions, type ColumnRef } from './table.js';
