import { ClusterkitError, show } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { fileBlocks } from './csv.js';
import { fileSize } from './files.js';
import { FloatBuffer, LabelCollector, baseName, checkReadOptions, type ReadOptions, type Table } from './table.js';

/*
 * Streaming JSONL/NDJSON reader: one JSON value per line, either an array of numbers or an
 * object holding a vector field (or scalar fields named by `columns`). Lines are decoded one at
 * a time; values go straight into a growing Float32Array.
 */

const F32_MAX = 3.4028234663852886e38;
const LF = 0x0a;
/** Fields tried, in order, when `field` is not given. */
export const VECTOR_FIELDS = ['vector', 'embedding', 'x'] as const;

/** How each line maps to a row, decided on the first line. */
type Mode =
  | { kind: 'array'; pick: number[] | null; label: number; weight: number } // line is an array
  | { kind: 'vector'; field: string; pick: number[] | null } // object with a vector field
  | { kind: 'fields'; names: string[] }; // object with scalar fields

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return show(v);
}

/** Splits blocks into lines (UTF-8), carrying a partial last line over. */
async function* lines(path: string, where: string): AsyncGenerator<string> {
  let carry: Buffer | null = null;
  let bom = true;
  for await (const block of fileBlocks(path, where)) {
    let start = 0;
    if (bom) {
      if (block.length >= 3 && block[0] === 0xef && block[1] === 0xbb && block[2] === 0xbf) start = 3;
      bom = false;
    }
    for (;;) {
      const nl = block.indexOf(LF, start);
      if (nl < 0) break;
      if (carry) {
        yield Buffer.concat([carry, block.subarray(start, nl)]).toString('utf8');
        carry = null;
      } else yield block.toString('utf8', start, nl);
      start = nl + 1;
    }
    if (start < block.length) carry = carry ? Buffer.concat([carry, block.subarray(start)]) : Buffer.from(block.subarray(start));
  }
  if (carry) yield carry.toString('utf8');
}

/**
 * Read a JSONL/NDJSON file into a Table, streaming line by line (memory ≈ the float32 matrix).
 * Each non-blank line is either an array of numbers, or an object whose vector sits in `field`
 * (default: the first of 'vector', 'embedding', 'x' present on line 1); with `columns` given as
 * names, objects may instead hold one scalar number per named field. `columns` as indices picks
 * elements of the vector. `labelColumn` / `weightsColumn` name object fields (or, for array
 * lines, element indices) kept apart. Text labels become ids in order of first appearance.
 *
 * Errors: BAD_DATA naming the file and 1-based line for invalid JSON, a missing field, a vector
 * of the wrong length or a value that is not a finite number; EMPTY_DATA for no data lines;
 * BAD_FILE for a missing file.
 */
export async function readJsonl(path: string, opts: ReadOptions = {}): Promise<Table> {
  const o = checkReadOptions('readJsonl', opts);
  // header 'auto' (the default everywhere) means "detect", which is a no-op here
  const header = o.header === 'auto' ? undefined : o.header;
  if (header !== undefined || o.delimiter !== undefined) {
    const p = header !== undefined ? 'header' : 'delimiter';
    throw new ClusterkitError('BAD_OPTION', `readJsonl: option '${p}' must be left out for JSONL files (it applies to CSV). Got ${show(o[p])}.`, p);
  }
  await fileSize(path, 'readJsonl');
  const file = baseName(path);
  const out = new FloatBuffer(4096);
  const labels = o.labelColumn !== undefined ? new LabelCollector() : null;
  const weights = o.weightsColumn !== undefined ? new FloatBuffer(1024) : null;
  let mode: Mode | null = null;
  let d = 0, rows = 0, lineNo = 0, firstLine = 0;
  let columnNames: string[] = [];

  const bad = (what: string): never => {
    throw new ClusterkitError('BAD_DATA', `${file} line ${lineNo}${what}`);
  };
  const num = (v: unknown, where: string): number => {
    if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) {
      bad(`${where}: value must be a finite number${typeof v === 'number' ? ' within float32 range' : ''}. Got ${describe(v)}.`);
    }
    return v as number;
  };
  const takeLabel = (v: unknown, where: string): void => {
    if (!labels!.pushValue(v)) bad(`${where}: label must be a number or a non-empty string. Got ${describe(v)}.`);
  };

  for await (const text of lines(path, 'readJsonl')) {
    lineNo++;
    if (text.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      bad(`: line must be valid JSON. Got ${show(text.length > 40 ? `${text.slice(0, 40)}…` : text)} (${(e as Error).message}).`);
    }
    if (mode === null) {
      firstLine = lineNo;
      ({ mode, d, columnNames } = decideMode(v, o, file, lineNo));
    }
    out.reserve(d);
    const base = out.length;
    const dst = out.data;
    if (mode.kind === 'array' || mode.kind === 'vector') {
      let vec: unknown;
      if (mode.kind === 'array') {
        if (!Array.isArray(v)) bad(`: line must be an array of numbers like line ${firstLine}. Got ${describe(v)}.`);
        vec = v;
      } else {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(`: line must be an object like line ${firstLine}. Got ${describe(v)}.`);
        vec = (v as Record<string, unknown>)[mode.field];
        if (!Array.isArray(vec)) bad(`, field '${mode.field}': value must be an array of numbers. Got ${vec === undefined ? 'no such field' : describe(vec)}.`);
      }
      const a = vec as unknown[];
      const where = mode.kind === 'vector' ? `, field '${mode.field}'` : '';
      const width = mode.kind === 'array' && mode.pick === null ? d + (mode.label >= 0 ? 1 : 0) + (mode.weight >= 0 ? 1 : 0) : -1;
      if (mode.pick === null) {
        const expected = mode.kind === 'array' ? width : d;
        if (a.length !== expected) bad(`${where}: vector must have ${expected} values like line ${firstLine}. Got ${a.length}.`);
        if (mode.kind === 'array' && (mode.label >= 0 || mode.weight >= 0)) {
          let s = 0;
          for (let j = 0; j < a.length; j++) {
            if (j === mode.label || j === mode.weight) continue;
            dst[base + s++] = num(a[j], `, element ${j}`);
          }
        } else {
          for (let j = 0; j < d; j++) dst[base + j] = num(a[j], `${where}, element ${j}`);
        }
      } else {
        const pick = mode.pick;
        for (let s = 0; s < d; s++) {
          const j = pick[s]!;
          if (j >= a.length) bad(`${where}: vector must have at least ${j + 1} values (option 'columns'). Got ${a.length}.`);
          dst[base + s] = num(a[j], `${where}, element ${j}`);
        }
      }
      if (mode.kind === 'array') {
        if (labels) takeLabel(a[mode.label], `, element ${mode.label}`);
        if (weights) weights.push(num(a[mode.weight], `, element ${mode.weight}`));
      }
    } else {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(`: line must be an object like line ${firstLine}. Got ${describe(v)}.`);
      const obj = v as Record<string, unknown>;
      for (let s = 0; s < d; s++) dst[base + s] = num(obj[mode.names[s]!], `, field '${mode.names[s]}'`);
    }
    if (mode.kind !== 'array') {
      const obj = v as Record<string, unknown>;
      if (labels) takeLabel(obj[o.labelColumn as string], `, field '${o.labelColumn}'`);
      if (weights) weights.push(num(obj[o.weightsColumn as string], `, field '${o.weightsColumn}'`));
    }
    out.length += d;
    rows++;
  }
  if (rows === 0) throw new ClusterkitError('EMPTY_DATA', `${file}: file must hold at least 1 data line. Got ${lineNo === 0 ? 'an empty file' : 'only blank lines'}.`);
  const matrix: Matrix = { data: out.finish(), rows, cols: d };
  const table: { -readonly [K in keyof Table]: Table[K] } = { matrix, columnNames };
  if (labels) Object.assign(table, labels.finish());
  if (weights) table.weights = weights.finish();
  return table;
}

/** Decide from the first data line how lines map to rows (and check the options against it). */
function decideMode(v: unknown, o: ReadOptions, file: string, lineNo: number): { mode: Mode; d: number; columnNames: string[] } {
  const where = `readJsonl(${file})`;
  const names = o.columns?.filter((c): c is string => typeof c === 'string') ?? [];
  const idx = o.columns?.filter((c): c is number => typeof c === 'number') ?? [];
  if (names.length > 0 && idx.length > 0) {
    throw new ClusterkitError('BAD_OPTION', `${where}: option 'columns' must be all field names or all indices. Got both.`, 'columns');
  }
  if (Array.isArray(v)) {
    if (names.length > 0) throw new ClusterkitError('BAD_OPTION', `${where}: option 'columns' must be indices for array lines. Got ${show(names[0])}.`, 'columns');
    for (const p of ['labelColumn', 'weightsColumn'] as const) {
      const r = o[p];
      if (r !== undefined && (typeof r !== 'number' || r >= v.length)) {
        throw new ClusterkitError('BAD_OPTION', `${where}: option '${p}' must be an element index in [0, ${v.length - 1}] for array lines. Got ${show(r)}.`, p);
      }
    }
    const label = (o.labelColumn as number | undefined) ?? -1, weight = (o.weightsColumn as number | undefined) ?? -1;
    const pick = o.columns ? checkPick(idx, v.length, where) : null;
    const all = pick ?? v.map((_, j) => j).filter((j) => j !== label && j !== weight);
    return { mode: { kind: 'array', pick, label, weight }, d: all.length, columnNames: all.map((j) => `x${j}`) };
  }
  if (v === null || typeof v !== 'object') {
    throw new ClusterkitError('BAD_DATA', `${file} line ${lineNo}: line must be an array of numbers or an object. Got ${describe(v)}.`);
  }
  const obj = v as Record<string, unknown>;
  for (const p of ['labelColumn', 'weightsColumn'] as const) {
    const r = o[p];
    if (r !== undefined && typeof r !== 'string') throw new ClusterkitError('BAD_OPTION', `${where}: option '${p}' must be a field name for object lines. Got ${show(r)}.`, p);
  }
  if (o.columns && idx.length === 0 && o.field === undefined) {
    return { mode: { kind: 'fields', names }, d: names.length, columnNames: names.slice() };
  }
  const field = o.field ?? VECTOR_FIELDS.find((f) => Array.isArray(obj[f]));
  if (field === undefined || !Array.isArray(obj[field])) {
    const keys = Object.keys(obj).slice(0, 20).map((k) => `'${k}'`).join(', ');
    throw new ClusterkitError('BAD_DATA',
      `${file} line ${lineNo}: object must hold ${o.field !== undefined ? `the vector field '${o.field}'` : `a vector field (${VECTOR_FIELDS.map((f) => `'${f}'`).join(', ')})`}. ` +
      `Got keys ${keys || '(none)'}. Set option 'field' to the vector's field, or 'columns' to scalar fields.`);
  }
  const len = (obj[field] as unknown[]).length;
  const pick = o.columns ? checkPick(idx, len, where) : null;
  const d = pick ? pick.length : len;
  return { mode: { kind: 'vector', field, pick }, d, columnNames: (pick ?? Array.from({ length: len }, (_, j) => j)).map((j) => `${field}${j}`) };
}

function checkPick(idx: number[], len: number, where: string): number[] {
  for (const j of idx) {
    if (j >= len) throw new ClusterkitError('BAD_OPTION', `${where}: option 'columns' must hold element indices in [0, ${len - 1}]. Got ${j}.`, 'columns');
  }
  return idx;
}
