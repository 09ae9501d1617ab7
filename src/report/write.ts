/**
 * Node writer of the HTML report: render and save atomically (a reader never sees half a file).
 */
import { resolve } from 'node:path';
import { writeFileAtomic } from '../io/write.js';
import { renderReport, type ReportData } from './render.js';

/**
 * Render `data` with {@link renderReport} and write it to `path` atomically (temporary file,
 * fsync, rename). Returns the absolute path written. Throws BAD_FILE when the directory is
 * missing or not writable.
 */
export async function writeReport(path: string, data: ReportData): Promise<string> {
  const abs = resolve(path);
  await writeFileAtomic(abs, renderReport(data));
  return abs;
}
