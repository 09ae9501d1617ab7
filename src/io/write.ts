import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ClusterkitError } from '../core/errors.js';
import { extension, fileError } from './files.js';
import { readCsv, readCsvHeader } from './csv.js';
import { readJsonl } from './jsonl.js';
import { baseName, type ColumnRef } from './table.js';

/** What `writeFileAtomic` accepts: text (UTF-8), bytes, or a sequence of either (written in order). */
export type FileData = string | Uint8Array | Iterable<string | Uint8Array>;

/**
 * Write a file atomically: the data goes to `<path>.<pid>.<random>.tmp` in the same directory,
 * is flushed to disk (fsync), then renamed over `path`. Readers see the old file or the new one,
 * never a partial one. On any error (including one thrown by an iterable `data` midway) the
 * temporary file is removed, `path` is left untouched, and the error is rethrown (fs errors as
 * BAD_FILE naming the path).
 */
export async function writeFileAtomic(path: string, data: FileData): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, 'wx');
  } catch (e) {
    throw fileError(e, dirname(path), `writeFileAtomic(${baseName(path)}): directory`);
  }
  const handle = fh;
  try {
    const parts: Iterable<string | Uint8Array> = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    let pending: string[] = [], pendingLen = 0;
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const text = pending.join('');
      pending = [];
      pendingLen = 0;
      await handle.writeFile(text, 'utf8');
    };
    for (const part of parts) {
      if (typeof part === 'string') {
        pending.push(part);
        pendingLen += part.length;
        if (pendingLen >= 1 << 20) await flush();
      } else {
        await flush();
        await handle.writeFile(part);
      }
    }
    await flush();
    await handle.sync();
    await handle.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (e) {
    if (fh) await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    if (e instanceof ClusterkitError) throw e;
    if (typeof (e as { code?: unknown }).code === 'string' && typeof (e as { syscall?: unknown }).syscall === 'string') {
      throw fileError(e, path, `writeFileAtomic(${baseName(path)})`);
    }
    throw e;
  }
}

/** Quote a CSV cell when it holds a comma, quote, or line break (RFC 4180). */
export function csvCell(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Shortest decimal text that reads back as the same float32 (e.g. 0.1, not 0.10000000149011612). */
export function formatFloat32(v: number): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

/**
 * Write numeric columns as CSV with a header row, atomically. `columns[c][i]` is row i of column
 * c; all columns must have the same length. Float32Array columns are written with the shortest
 * text that reads back as the same float32; other values as JavaScript prints them (NaN and
 * ±Infinity as `NaN`, `Infinity`, `-Infinity`).
 */
export async function writeCsv(path: string, header: readonly string[], columns: readonly ArrayLike<number>[]): Promise<void> {
  const where = `writeCsv(${baseName(path)})`;
  if (header.length !== columns.length) {
    throw new ClusterkitError('DIM_MISMATCH', `${where}: header must have one name per column (${columns.length}). Got ${header.length} names.`);
  }
  const n = columns.length > 0 ? columns[0]!.length : 0;
  columns.forEach((c, j) => {
    if (c.length !== n) throw new ClusterkitError('DIM_MISMATCH', `${where}: column '${header[j]}' must have ${n} values like column '${header[0]}'. Got ${c.length}.`);
  });
  const fmt = columns.map((c) => (c instanceof Float32Array ? formatFloat32 : String));
  function* rows(): Generator<string> {
    yield `${header.map(csvCell).join(',')}\n`;
    let buf = '';
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < columns.length; j++) {
        if (j > 0) buf += ',';
        buf += fmt[j]!(columns[j]![i]!);
      }
      buf += '\n';
      if (buf.length >= 1 << 16) { yield buf; buf = ''; }
    }
    if (buf) yield buf;
  }
  await writeFileAtomic(path, rows());
}

/** Label file formats: CSV with header `label`, JSONL `{"label": k}` lines, or one integer per line. */
export type LabelFormat = 'csv' | 'jsonl' | 'txt';

function labelFormat(path: string): LabelFormat {
  const ext = extension(path);
  return ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : ext === '.txt' ? 'txt' : 'csv';
}

/**
 * Write one label per input row [n], atomically. Format from `format`, else the extension:
 * .jsonl/.ndjson → `{"label":k}` per line; .txt → one integer per line; anything else → CSV with
 * the header `label`.
 */
export async function writeLabels(path: string, labels: Int32Array, format: LabelFormat = labelFormat(path)): Promise<void> {
  function* lines(): Generator<string> {
    if (format === 'csv') yield 'label\n';
    let buf = '';
    for (let i = 0; i < labels.length; i++) {
      buf += format === 'jsonl' ? `{"label":${labels[i]}}\n` : `${labels[i]}\n`;
      if (buf.length >= 1 << 16) { yield buf; buf = ''; }
    }
    if (buf) yield buf;
  }
  await writeFileAtomic(path, lines());
}

/** Options of `readLabels`. */
export interface ReadLabelsOptions {
  /** CSV/JSONL: the label column or field, by name or 0-based index. @defaultValue 'label' when present, else the only column */
  column?: ColumnRef;
  /** CSV: whether the first row is a header. @defaultValue 'auto' */
  header?: boolean | 'auto';
}

/**
 * Read labels back [n]: a .txt file with one label per line, a CSV/TSV column (`column`, default
 * `label` or the file's only column), or a JSONL field (default `label`). Integer labels are
 * kept; text labels become ids 0, 1, … in order of first appearance. Used by `clusterkit eval`.
 * Errors: BAD_FILE (missing file), BAD_OPTION (no such column), BAD_DATA naming line and column.
 */
export async function readLabels(path: string, opts: ReadLabelsOptions = {}): Promise<Int32Array> {
  const where = `readLabels(${baseName(path)})`;
  for (const k of Object.keys(opts)) {
    if (k !== 'column' && k !== 'header') throw new ClusterkitError('UNKNOWN_OPTION', `${where}: unknown option '${k}'. Known options: column, header.`, k);
  }
  const ext = extension(path);
  if (ext === '.jsonl' || ext === '.ndjson') {
    return (await readJsonl(path, { labelColumn: opts.column ?? 'label', columns: [] })).labels!;
  }
  const delimiter = ext === '.txt' ? 'whitespace' : undefined;
  const header = opts.header ?? 'auto';
  let column = opts.column;
  if (column === undefined) {
    const { names, header: hasHeader } = await readCsvHeader(path, { delimiter, header });
    if (hasHeader && names.includes('label')) column = 'label';
    else if (names.length === 1) column = 0;
    else {
      throw new ClusterkitError('BAD_OPTION', `${where}: option 'column' must name the label column when the file has no 'label' column. ` +
        `Got none; the columns are ${names.slice(0, 20).map((c) => `'${c}'`).join(', ')}.`, 'column');
    }
  }
  return (await readCsv(path, { columns: [], delimiter, header, labelColumn: column })).labels!;
}
