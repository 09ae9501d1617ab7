import { ClusterkitError } from '../core/errors.js';
import { readCsv } from './csv.js';
import { extension, fileSize } from './files.js';
import { readJsonl } from './jsonl.js';
import { readNpy } from './npy.js';
import { readParquet } from './parquet.js';
import { checkReadOptions, type ReadOptions, type Table } from './table.js';

/** File extensions `readTable` understands, and the reader each one uses. */
export const TABLE_EXTENSIONS = {
  '.csv': 'csv',
  '.tsv': 'csv (tab)',
  '.tab': 'csv (tab)',
  '.txt': 'csv (whitespace)',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.npy': 'npy',
  '.parquet': 'parquet',
} as const;

/**
 * Read a data file into a Table, choosing the reader from the extension (case-insensitive):
 * .csv (comma), .tsv/.tab (tab), .txt (runs of whitespace, e.g. `np.savetxt` output) →
 * `readCsv`; .jsonl/.ndjson → `readJsonl`; .npy → `readNpy`; .parquet → `readParquet`.
 * All readers stream, so memory ≈ the float32 matrix. Options are validated once here; each
 * reader refuses the options that do not apply to its format.
 *
 * Errors: BAD_FILE for a missing file (naming the path) or an unknown extension (listing the
 * supported ones); otherwise as the chosen reader.
 */
export async function readTable(path: string, opts: ReadOptions = {}): Promise<Table> {
  checkReadOptions('readTable', opts);
  const ext = extension(path);
  if (!(ext in TABLE_EXTENSIONS)) {
    throw new ClusterkitError('BAD_FILE',
      `readTable: file extension must be one of ${Object.keys(TABLE_EXTENSIONS).join(', ')}. Got ${ext ? `'${ext}'` : 'none'} in '${path}'.`);
  }
  await fileSize(path, 'readTable');
  switch (TABLE_EXTENSIONS[ext as keyof typeof TABLE_EXTENSIONS]) {
    case 'jsonl': return readJsonl(path, opts);
    case 'npy': return readNpy(path, opts);
    case 'parquet': return readParquet(path, opts);
    default: return readCsv(path, opts);
  }
}
