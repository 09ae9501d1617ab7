import { open, type FileHandle } from 'node:fs/promises';
import { ClusterkitError, show } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { fileError, fileSize } from './files.js';
import { LabelCollector, baseName, checkReadOptions, type ReadOptions, type Table } from './table.js';
import { writeFileAtomic } from './write.js';

/*
 * NumPy .npy reader (format versions 1, 2 and 3) and float32 writer.
 * Format: "\x93NUMPY", major, minor, header length (uint16 for v1, uint32 for v2/v3), then a
 * Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (n, d), } padded with
 * spaces and a newline, then the raw data.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const BLOCK = 1 << 20;

/** Parsed .npy header. */
export interface NpyHeader {
  /** dtype kind: 'f' float, 'i' signed int, 'u' unsigned int, 'b' bool. */
  readonly kind: 'f' | 'i' | 'u' | 'b';
  /** Bytes per element: 1, 2, 4 or 8. */
  readonly itemSize: number;
  readonly littleEndian: boolean;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset of the data. */
  readonly dataOffset: number;
}

function badFile(file: string, what: string): never {
  throw new ClusterkitError('BAD_FILE', `${file}: ${what}`);
}

/** Parse the header of an .npy file from its first bytes (at least the whole header). */
export function parseNpyHeader(b: Uint8Array, file: string): NpyHeader {
  for (let i = 0; i < 6; i++) {
    if (b[i] !== MAGIC[i]) badFile(file, `file must start with the .npy magic "\\x93NUMPY". Got ${show(Buffer.from(b.subarray(0, 6)).toString('latin1'))}.`);
  }
  const major = b[6]!;
  if (major < 1 || major > 3) badFile(file, `.npy format version must be 1, 2 or 3. Got ${major}.${b[7]}.`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (b.length < 8 + lenBytes) badFile(file, `.npy header must be complete. Got a file of ${b.length} bytes.`);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenBytes, end = start + hlen;
  if (b.length < end) badFile(file, `.npy header must be complete (${end} bytes). Got ${b.length} bytes.`);
  const text = Buffer.from(b.subarray(start, end)).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (/['"]descr['"]\s*:\s*\[/.test(text)) {
    badFile(file, `.npy dtype must be a plain float, integer or bool type. Got a structured dtype (${text.slice(text.indexOf('['), text.indexOf(']') + 1).slice(0, 80)}).`);
  }
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    badFile(file, `.npy header must be a dict with 'descr' (a plain dtype), 'fortran_order' and 'shape'. Got ${show(text.trim().slice(0, 120))}.`);
  }
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m || !['1', '2', '4', '8'].includes(m[3]!) || (m[2] === 'f' && m[3] === '1') || (m[2] === 'b' && m[3] !== '1')) {
    badFile(file, `.npy dtype must be a float, integer or bool type (e.g. '<f4', '<f8', '<i8'). Got ${show(descr)}.`);
  }
  const parts = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const shape = parts.map((s) => (/^\d+L?$/.test(s) ? parseInt(s, 10) : NaN));
  if (shape.some((v) => !Number.isSafeInteger(v))) badFile(file, `.npy shape must be a tuple of non-negative integers. Got (${shapeText}).`);
  return {
    kind: m[2] as NpyHeader['kind'],
    itemSize: Number(m[3]),
    littleEndian: m[1] !== '>',
    fortranOrder: fortran === 'True',
    shape,
    dataOffset: end,
  };
}

/** Read element k of a block (as float64) for any supported dtype. */
function reader(h: NpyHeader, block: Uint8Array): (k: number) => number {
  const dv = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const le = h.littleEndian, s = h.itemSize;
  switch (`${h.kind}${s}`) {
    case 'f2': return (k) => f16(dv.getUint16(k * 2, le));
    case 'f4': return (k) => dv.getFloat32(k * 4, le);
    case 'f8': return (k) => dv.getFloat64(k * 8, le);
    case 'i1': return (k) => dv.getInt8(k);
    case 'i2': return (k) => dv.getInt16(k * 2, le);
    case 'i4': return (k) => dv.getInt32(k * 4, le);
    case 'i8': return (k) => Number(dv.getBigInt64(k * 8, le));
    case 'u1': case 'b1': return (k) => dv.getUint8(k);
    case 'u2': return (k) => dv.getUint16(k * 2, le);
    case 'u4': return (k) => dv.getUint32(k * 4, le);
    default: return (k) => Number(dv.getBigUint64(k * 8, le)); // u8
  }
}

/** IEEE half precision bits → number. */
function f16(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/**
 * Read a NumPy .npy file (format v1/v2/v3) into a Table, streaming the data block by block.
 * dtypes: float16/32/64, (u)int8–64 and bool, either byte order, converted to float32
 * (int64 beyond 2^24 loses precision as float32 does). Shapes: (n,) → n × 1, (n, d) → n × d,
 * (n, a, b, …) → n × (a·b·…). Fortran-order 1-D/2-D arrays are transposed to row-major while
 * reading. Options: `columns`, `labelColumn`, `weightsColumn` as 0-based indices.
 *
 * Errors: BAD_FILE for a missing file, a bad magic/header/dtype, a truncated file, or Fortran
 * order with more than 2 dimensions; BAD_DATA for a NaN/Infinity value (naming row and column);
 * EMPTY_DATA for zero rows or columns.
 */
export async function readNpy(path: string, opts: ReadOptions = {}): Promise<Table> {
  const o = checkReadOptions('readNpy', opts);
  for (const p of ['header', 'delimiter', 'field'] as const) {
    if (o[p] !== undefined && !(p === 'header' && o[p] === 'auto')) throw new ClusterkitError('BAD_OPTION', `readNpy: option '${p}' must be left out for .npy files. Got ${show(o[p])}.`, p);
  }
  for (const p of ['columns', 'labelColumn', 'weightsColumn'] as const) {
    const v = o[p];
    if (v !== undefined && (Array.isArray(v) ? v : [v]).some((r) => typeof r === 'string')) {
      throw new ClusterkitError('BAD_OPTION', `readNpy: option '${p}' must use 0-based column indices (.npy columns have no names). Got ${show(v)}.`, p);
    }
  }
  const m = await readNpyMatrix(path);
  return selectColumns(m, o, baseName(path));
}

/** Read an .npy file as a float32 Matrix (see `readNpy`). */
export async function readNpyMatrix(path: string): Promise<Matrix> {
  const size = await fileSize(path, 'readNpy');
  const file = baseName(path);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw fileError(e, path, 'readNpy');
  }
  try {
    const head = new Uint8Array(Math.min(size, 65536 + 12));
    await fh.read(head, 0, head.length, 0);
    if (size < 10) badFile(file, `file must be an .npy file (at least 10 bytes). Got ${size} bytes.`);
    const h = parseNpyHeader(head, file);
    if (h.shape.length === 0) badFile(file, `.npy array must have 1 or more dimensions. Got a 0-d array (a scalar).`);
    if (h.fortranOrder && h.shape.length > 2) {
      badFile(file, `.npy array in Fortran order must have at most 2 dimensions. Got shape (${h.shape.join(', ')}). Save it with np.ascontiguousarray.`);
    }
    const rows = h.shape[0]!;
    const cols = h.shape.slice(1).reduce((a, b) => a * b, 1);
    if (rows === 0 || cols === 0) throw new ClusterkitError('EMPTY_DATA', `${file}: array must have at least 1 row and 1 column. Got shape (${h.shape.join(', ')}).`);
    const total = rows * cols;
    const need = h.dataOffset + total * h.itemSize;
    if (size < need) badFile(file, `.npy data must hold ${total} values of ${h.itemSize} bytes (file of ${need} bytes). Got a file of ${size} bytes (truncated).`);
    const out = new Float32Array(total);
    const fast = h.kind === 'f' && h.itemSize === 4 && h.littleEndian && !h.fortranOrder && isLittleEndianHost();
    if (fast) {
      const bytes = new Uint8Array(out.buffer);
      for (let off = 0; off < bytes.length;) {
        const { bytesRead } = await fh.read(bytes, off, Math.min(BLOCK, bytes.length - off), h.dataOffset + off);
        if (bytesRead === 0) badFile(file, `.npy data must be complete. Got the end of the file at byte ${h.dataOffset + off}.`);
        off += bytesRead;
      }
    } else {
      const per = Math.floor(BLOCK / h.itemSize);
      const block = new Uint8Array(per * h.itemSize);
      // Fortran order: element k is (i = k mod rows, j = k div rows) → out[i*cols + j]
      let i = 0, j = 0;
      for (let k0 = 0; k0 < total; k0 += per) {
        const cnt = Math.min(per, total - k0);
        let got = 0;
        while (got < cnt * h.itemSize) {
          const { bytesRead } = await fh.read(block, got, cnt * h.itemSize - got, h.dataOffset + k0 * h.itemSize + got);
          if (bytesRead === 0) badFile(file, `.npy data must be complete. Got the end of the file.`);
          got += bytesRead;
        }
        const get = reader(h, block);
        if (h.fortranOrder) {
          for (let k = 0; k < cnt; k++) {
            out[i * cols + j] = get(k);
            if (++i === rows) { i = 0; j++; }
          }
        } else {
          for (let k = 0; k < cnt; k++) out[k0 + k] = get(k);
        }
      }
    }
    for (let k = 0; k < total; k++) {
      const v = out[k]!;
      if (v - v !== 0) {
        throw new ClusterkitError('BAD_DATA', `${file} row ${Math.floor(k / cols)}, column ${k % cols}: value must be a finite float32. Got ${v}.`);
      }
    }
    return { data: out, rows, cols };
  } finally {
    await fh.close();
  }
}

function isLittleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** Apply `columns` / `labelColumn` / `weightsColumn` (0-based indices) to a read matrix. */
function selectColumns(m: Matrix, o: ReadOptions, file: string): Table {
  const where = `readNpy(${file})`;
  const check = (p: string, j: number): number => {
    if (j >= m.cols) throw new ClusterkitError('BAD_OPTION', `${where}: option '${p}' must be a column index in [0, ${m.cols - 1}]. Got ${j}.`, p);
    return j;
  };
  const label = o.labelColumn !== undefined ? check('labelColumn', o.labelColumn as number) : -1;
  const weight = o.weightsColumn !== undefined ? check('weightsColumn', o.weightsColumn as number) : -1;
  const pick = o.columns
    ? o.columns.map((r) => check('columns', r as number))
    : Array.from({ length: m.cols }, (_, j) => j).filter((j) => j !== label && j !== weight);
  const columnNames = pick.map((j) => `x${j}`);
  const table: { -readonly [K in keyof Table]: Table[K] } = { matrix: m, columnNames };
  if (pick.length !== m.cols || pick.some((j, s) => j !== s)) {
    const d = pick.length, data = new Float32Array(m.rows * d);
    for (let i = 0; i < m.rows; i++) for (let s = 0; s < d; s++) data[i * d + s] = m.data[i * m.cols + pick[s]!]!;
    table.matrix = { data, rows: m.rows, cols: d };
  }
  if (label >= 0) {
    const lc = new LabelCollector();
    for (let i = 0; i < m.rows; i++) lc.pushValue(m.data[i * m.cols + label]!);
    Object.assign(table, lc.finish());
  }
  if (weight >= 0) {
    const w = new Float32Array(m.rows);
    for (let i = 0; i < m.rows; i++) w[i] = m.data[i * m.cols + weight]!;
    table.weights = w;
  }
  return table;
}

/**
 * Build the bytes of a version-1 .npy header for a little-endian float32 C-order array of the
 * given shape, padded so the data starts at a multiple of 64 bytes (as NumPy does).
 */
export function npyHeader(shape: readonly number[], descr = '<f4'): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + dict.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

/**
 * Write a Matrix [n × d] as a float32 .npy file (format v1, C order, shape (n, d)), atomically
 * (see `writeFileAtomic`). Reads back with `readNpy` or `numpy.load`. Assumes a little-endian host
 * (every platform Node supports in practice).
 */
export async function writeNpy(path: string, m: Matrix): Promise<void> {
  if (m.data.length !== m.rows * m.cols) {
    throw new ClusterkitError('BAD_DATA', `writeNpy: matrix data length must be rows × cols = ${m.rows * m.cols}. Got ${m.data.length}.`);
  }
  const body = new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  await writeFileAtomic(path, [npyHeader([m.rows, m.cols]), body]);
}
