import { ClusterkitError, badOption, show } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { resolveOptions, type OptionSpec } from '../core/options.js';

/**
 * A data file read into memory: the feature matrix plus the columns kept apart from it.
 * Row i of `matrix`, `labels[i]` and `weights[i]` refer to the same record.
 */
export interface Table {
  /** Feature matrix [n × d], row-major float32. */
  readonly matrix: Matrix;
  /** One name per matrix column [d]: the header cell, or `x<j>` (j = 0-based file column) without a header. */
  readonly columnNames: string[];
  /**
   * Label column [n], when `labelColumn` was given. Integer labels stay as they are; text labels
   * are mapped to ids 0, 1, … in order of first appearance and `labelNames[id]` gives the text.
   */
  readonly labels?: Int32Array;
  /** Text of each label id, only when the label column held text. */
  readonly labelNames?: string[];
  /** Per-row weights [n], when `weightsColumn` was given. */
  readonly weights?: Float32Array;
}

/** A column named by its header name or by its 0-based position. */
export type ColumnRef = string | number;

/** The one options type of every reader (`readTable`, `readCsv`, `readJsonl`, `readNpy`, `readParquet`). */
export interface ReadOptions {
  /** Feature columns, by name or 0-based index, in output order. @defaultValue every column except the label and weights columns */
  columns?: readonly ColumnRef[];
  /** Column kept apart as `labels` (not part of the matrix). @defaultValue none */
  labelColumn?: ColumnRef;
  /** Column kept apart as `weights` (not part of the matrix). @defaultValue none */
  weightsColumn?: ColumnRef;
  /** CSV/TSV: whether the first row is a header; `'auto'` = it is when a cell is not a number. @defaultValue 'auto' */
  header?: boolean | 'auto';
  /** CSV/TSV: one-character field separator, or `'whitespace'` (runs of spaces/tabs). @defaultValue from the extension: `,` for .csv, tab for .tsv, whitespace for .txt */
  delimiter?: string;
  /** JSONL/Parquet: the field holding each row's vector. @defaultValue auto-detect 'vector', 'embedding' or 'x' */
  field?: string;
}

const isRef = (v: unknown): boolean => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v) && v >= 0);

/** Spec of `ReadOptions` (validated once at each reader's entry). */
export const READ_SPEC = {
  columns: { type: 'custom', expected: 'an array of column names or 0-based indices', check: (v) => Array.isArray(v) && v.every(isRef), doc: 'Feature columns, by name or 0-based index, in output order.' },
  labelColumn: { type: 'custom', expected: 'a column name or 0-based index', check: isRef, doc: 'Column kept apart as labels.' },
  weightsColumn: { type: 'custom', expected: 'a column name or 0-based index', check: isRef, doc: 'Column kept apart as weights.' },
  header: { type: 'custom', expected: "true, false or 'auto'", check: (v) => v === true || v === false || v === 'auto', doc: 'Whether the first CSV row is a header.' },
  delimiter: { type: 'custom', expected: "one character or 'whitespace'", check: (v) => typeof v === 'string' && (v === 'whitespace' || (v.length === 1 && v !== '"' && v !== '\n' && v !== '\r')), doc: 'CSV field separator.' },
  field: { type: 'string', doc: 'JSONL/Parquet field holding each row vector.' },
} as const satisfies OptionSpec;

/** Validate reader options (unknown names and bad values are errors). */
export function checkReadOptions(where: string, opts: object | undefined, extra: OptionSpec = {}): ReadOptions {
  return resolveOptions<ReadOptions>(where, { ...READ_SPEC, ...extra }, opts);
}

/** The file name (last path segment) used in error messages. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** Resolve a column reference against the available names; BAD_OPTION naming the choices. */
export function resolveColumn(where: string, param: string, ref: ColumnRef, names: readonly string[], hasNames: boolean): number {
  if (typeof ref === 'number') {
    if (ref >= names.length) badOption(where, param, `a column index in [0, ${names.length - 1}]`, ref);
    return ref;
  }
  const j = names.indexOf(ref);
  if (j < 0) {
    const list = names.length <= 20 ? names.map((s) => `'${s}'`).join(', ') : `${names.slice(0, 20).map((s) => `'${s}'`).join(', ')}, …`;
    const why = hasNames ? `one of the columns (${list})` : `a column index (the file has no header; columns are ${list})`;
    throw new ClusterkitError('BAD_OPTION', `${where}: option '${param}' must name ${why}. Got ${show(ref)}.`, param);
  }
  return j;
}

/** Float32Array that grows (×1.5) as values are pushed; `capacity` may be pre-sized. */
export class FloatBuffer {
  data: Float32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float32Array(Math.max(16, capacity));
  }
  /** Make room for `extra` more values. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.data.length) return;
    const next = new Float32Array(Math.max(need, Math.ceil(this.data.length * 1.5)));
    next.set(this.data); // all of it: a caller may have written past `length` (a row in progress)
    this.data = next;
  }
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = v;
  }
  /** The values: a view when little capacity is unused, else a trimmed copy. */
  finish(): Float32Array {
    if (this.data.length - this.length <= this.length / 8) return this.data.subarray(0, this.length);
    return this.data.slice(0, this.length);
  }
}

/**
 * Collects a label column: integers stay as they are until a cell is not an integer; from then
 * on every label is an id in order of first appearance (earlier integers are renamed too).
 */
export class LabelCollector {
  private ids = new Int32Array(1024);
  length = 0;
  private names: string[] | null = null;
  private index = new Map<string, number>();

  push(text: string): void {
    if (this.length === this.ids.length) {
      const next = new Int32Array(this.ids.length * 2);
      next.set(this.ids);
      this.ids = next;
    }
    if (this.names === null) {
      if (/^[+-]?\d{1,10}(\.0*)?$/.test(text)) {
        const v = Number(text); // integral decimals such as "2.0" (pandas writes int labels so) count as integers
        if (v >= -2147483648 && v <= 2147483647) {
          this.ids[this.length++] = v;
          return;
        }
      }
      this.toText();
    }
    this.ids[this.length++] = this.idOf(text);
  }

  /** Push a value already decoded (JSON/Parquet): numbers, bigints, booleans or non-empty strings; false otherwise. */
  pushValue(v: unknown): boolean {
    if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint' || typeof v === 'boolean') this.push(String(v));
    else if (typeof v === 'string' && v.trim() !== '') this.push(v.trim());
    else return false;
    return true;
  }

  private idOf(text: string): number {
    let id = this.index.get(text);
    if (id === undefined) {
      id = this.names!.length;
      this.index.set(text, id);
      this.names!.push(text);
    }
    return id;
  }

  private toText(): void {
    this.names = [];
    for (let i = 0; i < this.length; i++) this.ids[i] = this.idOf(String(this.ids[i]));
  }

  finish(): { labels: Int32Array; labelNames?: string[] } {
    const labels = this.ids.slice(0, this.length);
    return this.names === null ? { labels } : { labels, labelNames: this.names };
  }
}
