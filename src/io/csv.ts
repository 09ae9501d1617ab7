import { open, type FileHandle } from 'node:fs/promises';
import { ClusterkitError, show } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { OptionSpec } from '../core/options.js';
import { extension, fileError, fileSize } from './files.js';
import { FloatBuffer, LabelCollector, baseName, checkReadOptions, resolveColumn, type ReadOptions, type Table } from './table.js';

/*
 * Streaming CSV/TSV reader. Bytes read block by block (FileHandle.read into one reused buffer) go through one state machine
 * (RFC 4180 quoting) straight into a growing Float32Array: no per-row strings, no whole-file
 * string. Only the current field's bytes are buffered, and the first row (to detect a header).
 */

const QUOTE = 0x22, LF = 0x0a, CR = 0x0d, SPACE = 0x20, TAB = 0x09;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const F32_MAX = 3.4028234663852886e38;
/** Bytes read from the file per step. */
const READ_BLOCK = 1 << 20;

/** Options of `readCsvChunks`: `ReadOptions` plus the chunk size. */
export interface CsvChunkOptions extends ReadOptions {
  /** Rows per yielded chunk (the last chunk may be shorter). @defaultValue 8192 */
  chunkRows?: number;
}

/** One chunk of a streamed CSV: a Matrix of up to `chunkRows` rows, plus where it starts. */
export interface CsvChunk extends Matrix {
  /** 0-based index of this chunk's first row among the file's data rows. */
  readonly rowStart: number;
  /** Names of the matrix columns (the same array in every chunk). */
  readonly columnNames: string[];
  /** Weights of these rows, when `weightsColumn` was given. */
  readonly weights?: Float32Array;
}

const CHUNK_SPEC = {
  chunkRows: { type: 'int', min: 1, default: 8192, doc: 'Rows per yielded chunk.' },
} as const satisfies OptionSpec;

/** Delimiter byte for a path and options; -1 = runs of whitespace. */
function delimiterFor(path: string, opts: ReadOptions): number {
  const d = opts.delimiter ?? (extension(path) === '.tsv' || extension(path) === '.tab' ? '\t' : extension(path) === '.txt' ? 'whitespace' : ',');
  if (d === 'whitespace') return -1;
  const code = d.charCodeAt(0);
  if (code > 0x7f) throw new ClusterkitError('BAD_OPTION', `readCsv: option 'delimiter' must be an ASCII character. Got ${show(d)}.`, 'delimiter');
  return code;
}

/**
 * Parse a decimal number from bytes [start, end) (surrounding blanks allowed). Returns NaN
 * for anything that is not a plain decimal (`-1.5e3`, `.5`, `7.`): no hex, no `Infinity`.
 * Equal to `Number(text)`: short numbers take Clinger's exact fast path, others `Number`.
 */
export function parseDecimal(b: Buffer, start: number, end: number): number {
  while (start < end && (b[start] === SPACE || b[start] === TAB || b[start] === CR)) start++;
  while (end > start && (b[end - 1] === SPACE || b[end - 1] === TAB || b[end - 1] === CR)) end--;
  let i = start, neg = false;
  if (i < end && (b[i] === 0x2d || b[i] === 0x2b)) { neg = b[i] === 0x2d; i++; }
  let mant = 0, sig = 0, exp10 = 0, digits = 0, slow = false;
  while (i < end) {
    const c = b[i]! - 48;
    if (c < 0 || c > 9) break;
    digits++;
    if (mant !== 0 || c !== 0) {
      if (sig < 15) { mant = mant * 10 + c; sig++; } else { slow = true; exp10++; }
    }
    i++;
  }
  if (i < end && b[i] === 0x2e) {
    i++;
    while (i < end) {
      const c = b[i]! - 48;
      if (c < 0 || c > 9) break;
      digits++;
      if (mant !== 0 || c !== 0) {
        if (sig < 15) { mant = mant * 10 + c; sig++; exp10--; } else slow = true;
      } else exp10--;
      i++;
    }
  }
  if (digits === 0) return NaN;
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    let eneg = false, e = 0, ed = 0;
    if (i < end && (b[i] === 0x2d || b[i] === 0x2b)) { eneg = b[i] === 0x2d; i++; }
    while (i < end) {
      const c = b[i]! - 48;
      if (c < 0 || c > 9) break;
      if (e < 100000) e = e * 10 + c;
      ed++;
      i++;
    }
    if (ed === 0) return NaN;
    exp10 += eneg ? -e : e;
  }
  if (i !== end) return NaN;
  if (slow || exp10 > 22 || exp10 < -22) return Number(b.toString('latin1', start, end));
  const v = exp10 < 0 ? mant / POW10[-exp10]! : mant * POW10[exp10]!;
  return neg ? -v : v;
}

/** True when bytes [s, e) are all blanks (space, tab, CR). */
function blank(b: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c !== SPACE && c !== TAB && c !== CR) return false;
  }
  return true;
}

/** What became of the file's columns once the first row was seen. */
interface Plan {
  ncol: number;
  header: boolean;
  names: string[]; // one per file column
  slot: Int32Array; // file column → matrix column, or -1
  labelCol: number; // file column or -1
  weightCol: number; // file column or -1
  columnNames: string[]; // per matrix column
  d: number;
  firstLine: number; // line of the first row (header or data)
}

/** The push parser: feed it Buffers, then call `end()`. Rows land in `out`, `labels`, `weights`. */
class CsvParser {
  readonly out = new FloatBuffer(4096);
  readonly weights: FloatBuffer | null;
  readonly labels: LabelCollector | null;
  rows = 0;
  plan: Plan | null = null;

  private readonly delim: number;
  private readonly file: string;
  private fb = Buffer.allocUnsafe(256); // current field's bytes (unquoted)
  private fl = 0;
  private cur: Buffer = this.fb; // the field being ended lies at cur[cs, ce)
  private cs = 0;
  private ce = 0;
  private inQuotes = false;
  private afterQuote = false;
  private quoted = false;
  private line = 1; // current physical line, 1-based
  private rowLine = 1; // line where the current record started
  private col = 0; // fields completed in the current record
  private rowBase = 0;
  private first: { bytes: Buffer; quoted: boolean }[] = [];
  private bom = true;

  constructor(path: string, private readonly opts: ReadOptions, collectLabels = true) {
    this.delim = delimiterFor(path, opts);
    this.file = baseName(path);
    this.weights = opts.weightsColumn !== undefined ? new FloatBuffer(1024) : null;
    this.labels = opts.labelColumn !== undefined && collectLabels ? new LabelCollector() : null;
  }

  /** Remove the first r complete rows from `out` and `weights` (keeping a row in progress). */
  dropRows(r: number): void {
    const d = this.plan!.d, out = this.out;
    const inProgress = this.col > 0 ? d : 0; // a row begun in a previous block has values past out.length
    out.data.copyWithin(0, r * d, out.length + inProgress);
    out.length -= r * d;
    this.rowBase -= r * d;
    if (this.weights) {
      // w.length may include the weight of the row in progress: it moves along
      const w = this.weights;
      w.data.copyWithin(0, r, w.length);
      w.length -= r;
    }
  }

  /** Parse one block of bytes. */
  push(buf: Buffer): void {
    let i = 0;
    const n = buf.length;
    if (this.bom) {
      if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
      this.bom = false;
    }
    const delim = this.delim, ws = delim < 0;
    let fb = this.fb, fl = this.fl, inQuotes = this.inQuotes, afterQuote = this.afterQuote;
    while (i < n) {
      if (fl === 0 && !inQuotes && !afterQuote && !this.quoted) {
        // fast path: an unquoted field that ends inside this block is parsed in place
        let j = i, t = 0;
        while (j < n) {
          t = buf[j]!;
          if (t === delim || t === LF || t === QUOTE || (ws && (t === SPACE || t === TAB))) break;
          j++;
        }
        if (j < n && t !== QUOTE) {
          if (t === LF) {
            if ((j > i && !blank(buf, i, j)) || (this.col > 0 && !ws)) this.fieldAt(buf, i, j);
            if (this.col > 0) this.endRow();
            this.line++;
            this.rowLine = this.line;
            this.col = 0;
            fb = this.fb;
          } else if (!ws || j > i) this.fieldAt(buf, i, j);
          i = j + 1;
          continue;
        }
        // a quote, or the block ends mid-field: go byte by byte
      }
      const c = buf[i++]!;
      if (inQuotes) {
        if (c === QUOTE) { inQuotes = false; afterQuote = true; continue; }
        if (c === LF) this.line++;
      } else if (c === delim || c === LF || (ws && (c === SPACE || c === TAB))) {
        afterQuote = false;
        if (c === LF) {
          this.fl = fl;
          if (fl > 0 || this.quoted || (this.col > 0 && !ws)) this.bufferedField();
          if (this.col > 0) this.endRow();
          this.line++;
          this.rowLine = this.line;
          this.col = 0;
          fl = 0;
          fb = this.fb;
        } else if (!ws || fl > 0 || this.quoted) {
          this.fl = fl;
          this.bufferedField();
          fl = 0;
        }
        continue;
      } else if (c === QUOTE) {
        if (afterQuote) { inQuotes = true; afterQuote = false; } // doubled quote: a literal "
        else if (fl === 0 && !this.quoted) { inQuotes = true; this.quoted = true; continue; }
      } else if (c === CR || ((c === SPACE || c === TAB) && fl === 0)) {
        continue; // leading blanks and CR outside quotes are not part of a field
      } else {
        afterQuote = false;
      }
      if (fl === fb.length) {
        const next = Buffer.allocUnsafe(fb.length * 2);
        fb.copy(next, 0, 0, fl);
        this.fb = fb = next;
      }
      fb[fl++] = c;
    }
    this.fl = fl;
    this.inQuotes = inQuotes;
    this.afterQuote = afterQuote;
  }

  /** End an unquoted field lying at src[s, e). */
  private fieldAt(src: Buffer, s: number, e: number): void {
    this.cur = src;
    this.cs = s;
    this.ce = e;
    this.endField();
  }

  /** End the field gathered byte by byte in `fb`. */
  private bufferedField(): void {
    this.cur = this.fb;
    this.cs = 0;
    this.ce = this.fl;
    this.endField();
  }

  /** Flush the last record; throws for an unterminated quote or an empty file. */
  end(): void {
    if (this.inQuotes) {
      throw new ClusterkitError('BAD_DATA', `${this.file} line ${this.rowLine}: quoted field must end with a closing quote ("). Got the end of the file.`);
    }
    if (this.fl > 0 || this.quoted || (this.col > 0 && this.delim >= 0)) this.bufferedField();
    if (this.col > 0) this.endRow();
    if (this.plan === null) throw new ClusterkitError('EMPTY_DATA', `${this.file}: file must hold at least 1 row. Got an empty file.`);
    if (this.rows === 0) throw new ClusterkitError('EMPTY_DATA', `${this.file}: file must hold at least 1 data row. Got only a header.`);
  }

  private endField(): void {
    const j = this.col++;
    const plan = this.plan;
    if (plan === null) {
      this.first.push({ bytes: Buffer.from(this.cur.subarray(this.cs, this.ce)), quoted: this.quoted });
    } else if (j < plan.ncol) {
      if (j === 0) {
        this.out.reserve(plan.d);
        this.rowBase = this.out.length;
      }
      const s = plan.slot[j]!;
      if (s >= 0) this.out.data[this.rowBase + s] = this.number(j);
      if (j === plan.labelCol && this.labels) {
        const text = this.text();
        if (text === '') throw new ClusterkitError('BAD_DATA', `${this.where(j)}: label must not be empty. Got an empty cell.`);
        this.labels.push(text);
      }
      if (j === plan.weightCol) this.weights!.push(this.number(j));
    }
    this.fl = 0;
    this.quoted = false;
  }

  private endRow(): void {
    if (this.plan === null) {
      this.makePlan();
      return;
    }
    const plan = this.plan;
    if (this.col !== plan.ncol) {
      const like = plan.header ? 'the header' : `line ${plan.firstLine}`;
      throw new ClusterkitError('BAD_DATA', `${this.file} line ${this.rowLine}: row must have ${plan.ncol} fields like ${like}. Got ${this.col}.`);
    }
    this.out.length += plan.d;
    this.rows++;
  }

  /** The current field's text (UTF-8; unquoted fields trimmed). */
  private text(): string {
    const s = this.cur.toString('utf8', this.cs, this.ce);
    return this.quoted ? s : s.trim();
  }

  private where(j: number): string {
    const plan = this.plan!;
    const col = plan.header ? `column '${plan.names[j]}' (${j})` : `column ${j}`;
    return `${this.file} line ${this.rowLine}, ${col}`;
  }

  /** The current field as a finite float32, or BAD_DATA naming the cell. */
  private number(j: number): number {
    const v = parseDecimal(this.cur, this.cs, this.ce);
    if (v - v === 0 && Math.abs(v) <= F32_MAX) return v;
    const text = this.text();
    if (text === '') throw new ClusterkitError('BAD_DATA', `${this.where(j)}: cell must be a number. Got an empty cell.`);
    if (!Number.isNaN(v) || /^[+-]?(nan|inf|infinity)$/i.test(text)) {
      throw new ClusterkitError('BAD_DATA', `${this.where(j)}: cell must be a finite number within float32 range. Got ${show(text)}.`);
    }
    throw new ClusterkitError('BAD_DATA', `${this.where(j)}: cell must be a number. Got ${show(text.length > 40 ? `${text.slice(0, 40)}…` : text)}. ` +
      `Use option 'labelColumn' to keep a text column apart, or 'columns' to leave it out.`);
  }

  /** First record complete: decide the header, resolve column options, then replay it as data if needed. */
  private makePlan(): void {
    const opts = this.opts, where = `readCsv(${this.file})`;
    const cells = this.first.map((f) => (f.quoted ? f.bytes.toString('utf8') : f.bytes.toString('utf8').trim()));
    const ncol = cells.length;
    const labelIdx = typeof opts.labelColumn === 'number' ? opts.labelColumn : -1;
    let header: boolean;
    if (opts.header === true || opts.header === false) header = opts.header;
    else {
      header = cells.some((c, j) => j !== labelIdx && c !== '' && Number.isNaN(parseDecimal(Buffer.from(c, 'latin1'), 0, c.length)) &&
        !/^[+-]?(nan|inf|infinity)$/i.test(c));
    }
    const names = header ? cells.map((c, j) => (c === '' ? `x${j}` : c)) : cells.map((_, j) => `x${j}`);
    const labelCol = opts.labelColumn !== undefined ? resolveColumn(where, 'labelColumn', opts.labelColumn, names, header) : -1;
    const weightCol = opts.weightsColumn !== undefined ? resolveColumn(where, 'weightsColumn', opts.weightsColumn, names, header) : -1;
    const slot = new Int32Array(ncol).fill(-1);
    const columnNames: string[] = [];
    const picked: number[] = opts.columns
      ? opts.columns.map((r) => resolveColumn(where, 'columns', r, names, header))
      : names.map((_, j) => j).filter((j) => j !== labelCol && j !== weightCol);
    for (const j of picked) {
      if (slot[j]! >= 0) {
        throw new ClusterkitError('BAD_OPTION', `${where}: option 'columns' must list each column once. Got '${names[j]}' (${j}) twice.`, 'columns');
      }
      slot[j] = columnNames.length;
      columnNames.push(names[j]!);
    }
    this.plan = { ncol, header, names, slot, labelCol, weightCol, columnNames, d: columnNames.length, firstLine: this.rowLine };
    const first = this.first;
    this.first = [];
    if (!header) {
      // replay the first record as data
      this.col = 0;
      for (const f of first) {
        this.quoted = f.quoted;
        this.fieldAt(f.bytes, 0, f.bytes.length);
      }
      this.endRow();
    }
  }
}

/**
 * The file's bytes, block by block, read with `FileHandle.read` into one reused buffer (no
 * garbage per block). Each yielded view is only valid until the next step.
 */
export async function* fileBlocks(path: string, where: string, blockSize = READ_BLOCK): AsyncGenerator<Buffer> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw fileError(e, path, where);
  }
  try {
    const buf = Buffer.allocUnsafe(blockSize);
    for (;;) {
      let got: number;
      try {
        got = (await fh.read(buf, 0, blockSize, null)).bytesRead;
      } catch (e) {
        throw fileError(e, path, where);
      }
      if (got === 0) return;
      yield buf.subarray(0, got);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Read a CSV/TSV file into a Table, streaming: memory ≈ the float32 matrix (4 bytes per value)
 * plus one read block (1 MiB). Delimiter from `opts.delimiter`, else the extension (`,` for
 * .csv, tab for .tsv, runs of whitespace for .txt). RFC 4180 quoting ("a,b", doubled "").
 * Blank lines are skipped; a UTF-8 byte-order mark is ignored.
 *
 * Errors (`ClusterkitError`): BAD_DATA naming the file, 1-based line and column for a cell that is
 * not a finite number (empty, text, NaN, Infinity, beyond float32) and for ragged rows;
 * EMPTY_DATA for a file with no data rows; BAD_FILE for a missing file; BAD_OPTION for a column
 * option that names no column.
 */
export async function readCsv(path: string, opts: ReadOptions = {}): Promise<Table> {
  const o = checkReadOptions('readCsv', opts);
  const size = await fileSize(path, 'readCsv');
  const p = new CsvParser(path, o);
  let seen = 0, sized = false;
  for await (const b of fileBlocks(path, 'readCsv')) {
    p.push(b);
    seen += b.length;
    if (!sized && p.plan && p.rows > 0 && seen < size) {
      // pre-size from the first block's bytes per row (+5%), so the buffer rarely grows
      const est = Math.ceil((size / seen) * p.rows * 1.05);
      p.out.reserve(est * p.plan.d - p.out.length);
      sized = true;
    }
  }
  p.end();
  const plan = p.plan!;
  const matrix: Matrix = { data: p.out.finish(), rows: p.rows, cols: plan.d };
  const table: { -readonly [K in keyof Table]: Table[K] } = { matrix, columnNames: plan.columnNames };
  if (p.labels) Object.assign(table, p.labels.finish());
  if (p.weights) table.weights = p.weights.finish();
  return table;
}

/**
 * The column names of a CSV/TSV file (header cells, or `x<j>` without a header) and whether it
 * has a header, from its first row. Same options and errors as `readCsv`.
 */
export async function readCsvHeader(path: string, opts: ReadOptions = {}): Promise<{ names: string[]; header: boolean }> {
  const o = checkReadOptions('readCsvHeader', opts);
  await fileSize(path, 'readCsvHeader');
  // parse no cell as data: only the first row matters
  const p = new CsvParser(path, { ...o, columns: [], labelColumn: undefined, weightsColumn: undefined });
  for await (const b of fileBlocks(path, 'readCsvHeader', 1 << 16)) {
    p.push(b);
    if (p.plan) break;
  }
  if (!p.plan) p.end();
  return { names: p.plan!.names, header: p.plan!.header };
}

/**
 * Stream a CSV/TSV file as Matrix chunks of `chunkRows` rows (the last may be shorter), e.g. for
 * mini-batch k-means over a file larger than memory. Each chunk is a fresh copy the caller may
 * keep. Same parsing, options and errors as `readCsv`; `labelColumn` is left out of the matrix
 * but labels are not returned (use `readCsv` or `readLabels`).
 */
export async function* readCsvChunks(path: string, opts: CsvChunkOptions = {}): AsyncGenerator<CsvChunk, void, undefined> {
  const o = checkReadOptions('readCsvChunks', opts, CHUNK_SPEC) as CsvChunkOptions;
  const chunkRows = o.chunkRows!;
  await fileSize(path, 'readCsvChunks');
  const p = new CsvParser(path, o, false);
  let rowStart = 0, taken = 0; // rows already yielded; rows of p.out already removed
  const drain = function* (all: boolean): Generator<CsvChunk> {
    const plan = p.plan;
    if (!plan) return;
    const d = plan.d;
    while (p.rows - taken >= chunkRows || (all && p.rows > taken)) {
      const r = Math.min(chunkRows, p.rows - taken);
      const data = p.out.data.slice(0, r * d);
      const weights = p.weights ? p.weights.data.slice(0, r) : undefined;
      p.dropRows(r);
      taken += r;
      const chunk: CsvChunk = weights ? { data, rows: r, cols: d, rowStart, columnNames: plan.columnNames, weights } : { data, rows: r, cols: d, rowStart, columnNames: plan.columnNames };
      rowStart += r;
      yield chunk;
    }
  };
  for await (const b of fileBlocks(path, 'readCsvChunks')) {
    p.push(b);
    yield* drain(false);
  }
  p.end();
  yield* drain(true);
}
