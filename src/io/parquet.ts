import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type ColumnData, type SchemaTree } from 'hyparquet';
import { ClusterkitError, show } from '../core/errors.js';
import { fileError, fileSize } from './files.js';
import { VECTOR_FIELDS } from './jsonl.js';
import { LabelCollector, baseName, checkReadOptions, resolveColumn, type ReadOptions, type Table } from './table.js';

/*
 * Parquet reader over hyparquet: numeric columns → matrix columns, or one list column holding
 * each row's vector. Column chunks are copied into the output as each row group is decoded, so
 * memory ≈ the float32 matrix plus one decoded row group.
 */

const F32_MAX = 3.4028234663852886e38;
const NUMERIC = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE']);

/** Is this top-level column a plain number (ints, floats; not dates, decimals or times)? */
function isNumeric(node: SchemaTree): boolean {
  const e = node.element;
  if (node.children.length > 0) return false;
  if (e.logical_type?.type === 'FLOAT16') return true;
  if (!e.type || !NUMERIC.has(e.type)) return false;
  if (e.logical_type && e.logical_type.type !== 'INTEGER') return false;
  return e.converted_type === undefined || /^U?INT_/.test(e.converted_type);
}

/** Is this top-level column a list of numbers (LIST-annotated group or repeated numeric leaf)? */
function isNumericList(node: SchemaTree): boolean {
  const e = node.element;
  if (node.children.length === 0) return e.repetition_type === 'REPEATED' && isNumeric({ ...node, element: { ...e, repetition_type: 'REQUIRED' } });
  if (e.converted_type !== 'LIST' && e.logical_type?.type !== 'LIST') return false;
  let leaf = node;
  while (leaf.children.length === 1) leaf = leaf.children[0]!;
  return leaf.children.length === 0 && isNumeric(leaf);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return String(v);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return 'a list';
  if (v instanceof Date) return `a date (${v.toISOString()})`;
  if (typeof v === 'object') return 'an object';
  return show(v);
}

/**
 * Read a Parquet file into a Table (via hyparquet; uncompressed and Snappy pages). Either
 * numeric columns become the matrix (default: every INT32/INT64/FLOAT/DOUBLE/FLOAT16 column
 * except the label and weights columns, in file order; `columns` picks by name or index), or one
 * list column holds each row's vector (`field`, else auto-detected: 'vector', 'embedding', 'x',
 * or the only numeric list column, when the file has no numeric scalar columns). `labelColumn`
 * may hold integers or text (text → ids in order of first appearance).
 *
 * Errors: BAD_FILE (missing file or not Parquet), BAD_OPTION (unknown or non-numeric column),
 * BAD_DATA naming the 0-based row and column for nulls, non-finite values and ragged vectors;
 * EMPTY_DATA for zero rows.
 */
export async function readParquet(path: string, opts: ReadOptions = {}): Promise<Table> {
  const o = checkReadOptions('readParquet', opts);
  for (const p of ['header', 'delimiter'] as const) {
    if (o[p] !== undefined && !(p === 'header' && o[p] === 'auto')) throw new ClusterkitError('BAD_OPTION', `readParquet: option '${p}' must be left out for Parquet files (it applies to CSV). Got ${show(o[p])}.`, p);
  }
  await fileSize(path, 'readParquet');
  const file = baseName(path), where = `readParquet(${file})`;
  let buffer;
  let metadata;
  try {
    buffer = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    if ((e as { code?: unknown }).code) throw fileError(e, path, 'readParquet');
    throw new ClusterkitError('BAD_FILE', `${file}: file must be a Parquet file. Got ${(e as Error).message}.`);
  }
  const top = parquetSchema(metadata).children;
  const names = top.map((c) => c.element.name);
  const n = Number(metadata.num_rows);
  if (n === 0) throw new ClusterkitError('EMPTY_DATA', `${file}: file must hold at least 1 row. Got 0 rows.`);

  const labelCol = o.labelColumn !== undefined ? resolveColumn(where, 'labelColumn', o.labelColumn, names, true) : -1;
  const weightCol = o.weightsColumn !== undefined ? resolveColumn(where, 'weightsColumn', o.weightsColumn, names, true) : -1;
  if (labelCol >= 0 && top[labelCol]!.children.length > 0) {
    throw new ClusterkitError('BAD_OPTION', `${where}: option 'labelColumn' must name a scalar column. Got '${names[labelCol]}', a nested column.`, 'labelColumn');
  }
  if (weightCol >= 0 && !isNumeric(top[weightCol]!)) {
    throw new ClusterkitError('BAD_OPTION', `${where}: option 'weightsColumn' must name a numeric column. Got '${names[weightCol]}' (${top[weightCol]!.element.type ?? 'nested'}).`, 'weightsColumn');
  }

  // decide between scalar columns and a list (vector) column
  let listCol = -1;
  let picked: number[] = [];
  if (o.field !== undefined) {
    listCol = resolveColumn(where, 'field', o.field, names, true);
    if (o.columns) throw new ClusterkitError('BAD_OPTION', `${where}: options 'field' and 'columns' must not both be given. Got both.`, 'columns');
  } else if (o.columns) {
    picked = o.columns.map((r) => resolveColumn(where, 'columns', r, names, true));
  } else {
    picked = top.map((_, j) => j).filter((j) => j !== labelCol && j !== weightCol && isNumeric(top[j]!));
    if (picked.length === 0) {
      const lists = top.map((_, j) => j).filter((j) => j !== labelCol && isNumericList(top[j]!));
      listCol = lists.find((j) => (VECTOR_FIELDS as readonly string[]).includes(names[j]!)) ?? (lists.length === 1 ? lists[0]! : -1);
      if (listCol < 0) {
        throw new ClusterkitError('BAD_DATA', `${file}: file must have numeric columns or one list column of vectors. Got columns ${names.map((s) => `'${s}'`).join(', ')}` +
          `${lists.length > 1 ? ' (several list columns: set option \'field\')' : ''}.`);
      }
    }
  }
  if (listCol >= 0 && !isNumericList(top[listCol]!)) {
    throw new ClusterkitError('BAD_OPTION', `${where}: option 'field' must name a list column of numbers. Got '${names[listCol]}'.`, 'field');
  }
  const seen = new Set<number>();
  for (const j of picked) {
    if (!isNumeric(top[j]!)) {
      const e = top[j]!.element;
      throw new ClusterkitError('BAD_OPTION', `${where}: option 'columns' must name numeric columns. Got '${names[j]}' (${e.logical_type?.type ?? e.converted_type ?? e.type ?? 'nested'}).` +
        ` Use 'labelColumn' for a text column.`, 'columns');
    }
    if (seen.has(j)) throw new ClusterkitError('BAD_OPTION', `${where}: option 'columns' must list each column once. Got '${names[j]}' twice.`, 'columns');
    seen.add(j);
  }

  let d = listCol >= 0 ? -1 : picked.length; // list mode: known from the first vector
  let data = listCol >= 0 ? new Float32Array(0) : new Float32Array(n * d);
  const labelVals: unknown[] | null = labelCol >= 0 ? new Array<unknown>(n) : null;
  const weights = weightCol >= 0 ? new Float32Array(n) : null;
  const slotOf = new Map(picked.map((j, s) => [names[j]!, s]));

  const num = (v: unknown, i: number, col: string): number => {
    const x = typeof v === 'bigint' ? Number(v) : v;
    if (typeof x !== 'number' || !(Math.abs(x) <= F32_MAX)) {
      throw new ClusterkitError('BAD_DATA', `${file} row ${i}, column '${col}': value must be a finite number. Got ${describe(v)}.`);
    }
    return x;
  };

  const onChunk = (c: ColumnData): void => {
    const vals = c.columnData as ArrayLike<unknown>;
    const start = c.rowStart, end = Math.min(c.rowEnd, n);
    const name = c.columnName;
    if (listCol >= 0 && name === names[listCol]) {
      for (let i = start; i < end; i++) {
        const vec = vals[i - start] as ArrayLike<unknown> | null;
        if (vec === null || vec === undefined || typeof vec !== 'object' || typeof vec.length !== 'number') {
          throw new ClusterkitError('BAD_DATA', `${file} row ${i}, column '${name}': value must be a list of numbers. Got ${describe(vec)}.`);
        }
        if (d < 0) {
          d = vec.length;
          if (d === 0) throw new ClusterkitError('EMPTY_DATA', `${file} row ${i}, column '${name}': vector must have at least 1 value. Got 0.`);
          data = new Float32Array(n * d);
        }
        if (vec.length !== d) throw new ClusterkitError('BAD_DATA', `${file} row ${i}, column '${name}': vector must have ${d} values like the first row. Got ${vec.length}.`);
        for (let s = 0; s < d; s++) data[i * d + s] = num(vec[s], i, name);
      }
      return;
    }
    const s = slotOf.get(name);
    if (s !== undefined) {
      for (let i = start; i < end; i++) data[i * d + s] = num(vals[i - start], i, name);
    }
    if (labelVals && name === names[labelCol]) {
      for (let i = start; i < end; i++) labelVals[i] = vals[i - start];
    }
    if (weights && name === names[weightCol]) {
      for (let i = start; i < end; i++) weights[i] = num(vals[i - start], i, name);
    }
  };

  const cols = [...new Set([...(listCol >= 0 ? [listCol] : picked), ...(labelCol >= 0 ? [labelCol] : []), ...(weightCol >= 0 ? [weightCol] : [])])].map((j) => names[j]!);
  try {
    // hyparquet calls onChunk from detached promise callbacks: an error thrown there would be
    // an unhandled rejection, so keep the first one and throw it once the read settles
    let failure: unknown = null;
    const guarded = (c: ColumnData): void => {
      if (failure !== null) return;
      try { onChunk(c); } catch (e) { failure = e; }
    };
    await parquetRead({ file: buffer, metadata, columns: cols, onChunk: guarded });
    if (failure !== null) throw failure;
  } catch (e) {
    if (e instanceof ClusterkitError) throw e;
    throw new ClusterkitError('BAD_FILE', `${file}: Parquet data must be readable (uncompressed or Snappy). Got ${(e as Error).message}.`);
  }

  const columnNames = listCol >= 0 ? Array.from({ length: d }, (_, s) => `${names[listCol]}${s}`) : picked.map((j) => names[j]!);
  const table: { -readonly [K in keyof Table]: Table[K] } = { matrix: { data, rows: n, cols: Math.max(d, 0) }, columnNames };
  if (labelVals) {
    const lc = new LabelCollector();
    for (let i = 0; i < n; i++) {
      if (!lc.pushValue(labelVals[i])) {
        throw new ClusterkitError('BAD_DATA', `${file} row ${i}, column '${names[labelCol]}': label must be a number or a non-empty string. Got ${describe(labelVals[i])}.`);
      }
    }
    Object.assign(table, lc.finish());
  }
  if (weights) table.weights = weights;
  return table;
}
