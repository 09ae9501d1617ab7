import { ClusterkitError } from './errors.js';

/**
 * Dense matrix: row-major `Float32Array` of `rows × cols` values. Plain data, no methods, so
 * it crosses worker and JSON boundaries unchanged. Row i occupies `data[i*cols … (i+1)*cols)`.
 */
export interface Matrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** Anything `toMatrix` accepts: a Matrix, arrays of rows, or a flat typed array with a shape. */
export type MatrixLike = Matrix | ArrayLike<ArrayLike<number>>;

/**
 * Make a Matrix from a flat array with an explicit shape. A `Float32Array` is used as is
 * (zero-copy, not mutated by clusterkit); other arrays are copied.
 * Throws BAD_DATA when the length is not rows × cols.
 */
export function fromFlat(data: ArrayLike<number>, rows: number, cols: number): Matrix {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new ClusterkitError('BAD_DATA', `matrix: shape must be non-negative integers. Got ${rows} × ${cols}.`);
  }
  if (data.length !== rows * cols) {
    throw new ClusterkitError('BAD_DATA', `matrix: data length must be rows × cols = ${rows * cols}. Got ${data.length}.`);
  }
  const f = data instanceof Float32Array ? data : Float32Array.from(data);
  return { data: f, rows, cols };
}

/** True when `x` has the Matrix shape ({data: Float32Array, rows, cols}). */
export function isMatrix(x: unknown): x is Matrix {
  return typeof x === 'object' && x !== null && (x as Matrix).data instanceof Float32Array &&
    typeof (x as Matrix).rows === 'number' && typeof (x as Matrix).cols === 'number';
}

/**
 * Coerce input to a Matrix. Arrays of rows (`number[][]` or arrays of typed arrays) are copied
 * into one Float32Array; a Matrix is returned as is. Ragged rows are an error naming the row.
 * Does not check finiteness: call `checkFinite` (estimators do, via `checkData`).
 */
export function toMatrix(x: MatrixLike, where = 'input'): Matrix {
  if (isMatrix(x)) return x;
  if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<unknown>).length !== 'number') {
    throw new ClusterkitError('BAD_DATA', `${where}: data must be a Matrix or an array of rows. Got ${typeof x}.`);
  }
  const rows = x.length;
  if (rows === 0) return { data: new Float32Array(0), rows: 0, cols: 0 };
  const first = x[0];
  if (first === null || typeof first !== 'object' || typeof first.length !== 'number') {
    throw new ClusterkitError('BAD_DATA', `${where}: row 0 must be an array of numbers. Got ${typeof first}.`);
  }
  const cols = first.length;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = x[i];
    if (r === null || typeof r !== 'object' || r.length !== cols) {
      throw new ClusterkitError('BAD_DATA',
        `${where}: row ${i} must have ${cols} values like row 0. Got ${r === null || typeof r !== 'object' ? typeof r : r.length}.`);
    }
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j] as number;
  }
  return { data, rows, cols };
}

/** Zero-copy view of row i: a Float32Array over the same buffer. */
export function row(m: Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Zero-copy view of rows [start, end) as a Matrix. */
export function rowRange(m: Matrix, start: number, end: number): Matrix {
  return { data: m.data.subarray(start * m.cols, end * m.cols), rows: end - start, cols: m.cols };
}

/** Copy of the listed rows, in the order given. */
export function takeRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const d = m.cols, out = new Float32Array(idx.length * d);
  for (let t = 0; t < idx.length; t++) out.set(m.data.subarray(idx[t]! * d, idx[t]! * d + d), t * d);
  return { data: out, rows: idx.length, cols: d };
}

/** Arrays of rows (for display and tests only; never in hot paths). */
export function toArrays(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(row(m, i)));
  return out;
}

/**
 * Throw BAD_DATA naming the first non-finite cell (row, column), or EMPTY_DATA for no rows or
 * no columns. `where` names the estimator or file in the message. `firstBad` gives the flat index
 * of the first non-finite value or −1 (default: one JavaScript pass; the kernel layer's
 * `firstNonFinite` reads it off pinned rows' int16 image, which the fit then uses).
 */
export function checkData(m: Matrix, where: string,
  firstBad: (data: Float32Array, rows: number, cols: number) => number = firstNonFiniteIndex): void {
  if (m.rows === 0) throw new ClusterkitError('EMPTY_DATA', `${where}: data must have at least 1 row. Got 0 rows.`);
  if (m.cols === 0) throw new ClusterkitError('EMPTY_DATA', `${where}: data must have at least 1 column. Got 0 columns.`);
  const i = firstBad(m.data, m.rows, m.cols);
  if (i < 0) return;
  const r = Math.floor(i / m.cols), c = i % m.cols;
  throw new ClusterkitError('BAD_DATA', `${where}: data must be finite. Got ${m.data[i]} at row ${r}, column ${c}.`);
}

/** Index of the first value of a [rows × cols] that is NaN or ±∞, or −1 (one pass in JavaScript). */
export function firstNonFiniteIndex(a: Float32Array, rows: number, cols: number): number {
  const len = rows * cols;
  // v·0 is 0 for finite v and NaN for ±∞ or NaN: four branch-free running sums (≈ 2× faster than a
  // test per value), then the first offending value is looked for only when one is there
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const L = len & ~3;
  for (let i = 0; i < L; i += 4) { s0 += a[i]! * 0; s1 += a[i + 1]! * 0; s2 += a[i + 2]! * 0; s3 += a[i + 3]! * 0; }
  for (let i = L; i < len; i++) s0 += a[i]! * 0;
  if (s0 + s1 + s2 + s3 === 0) return -1;
  for (let i = 0; i < len; i++) { const v = a[i]!; if (v - v !== 0) return i; }
  return -1;
}

/** Throw DIM_MISMATCH when `m` does not have `d` columns (predict-time check). */
export function checkCols(m: Matrix, d: number, where: string): void {
  if (m.cols !== d) {
    throw new ClusterkitError('DIM_MISMATCH', `${where}: data must have ${d} columns, as the fitted model. Got ${m.cols}.`);
  }
}

/**
 * Sparse matrix in compressed sparse row form: row i's nonzeros are
 * `values[indptr[i] … indptr[i+1])` at columns `indices[…]`. Also the graph format
 * (adjacency, rows = nodes).
 */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array; // [rows + 1]
  readonly indices: Int32Array; // [nnz]
  readonly values: Float32Array; // [nnz]
}

/** Build a CSR matrix from (row, col, value) triplets; duplicates are summed, columns sorted. */
export function csrFromTriplets(rows: number, cols: number, r: ArrayLike<number>, c: ArrayLike<number>, v: ArrayLike<number>): CsrMatrix {
  const nnzIn = r.length;
  if (c.length !== nnzIn || v.length !== nnzIn) {
    throw new ClusterkitError('DIM_MISMATCH', `csr: row, col and value arrays must have equal lengths. Got ${r.length}, ${c.length}, ${v.length}.`);
  }
  const counts = new Int32Array(rows + 1);
  for (let t = 0; t < nnzIn; t++) {
    const i = r[t]!, j = c[t]!;
    if (!(i >= 0 && i < rows && j >= 0 && j < cols && Number.isInteger(i) && Number.isInteger(j))) {
      throw new ClusterkitError('BAD_DATA', `csr: entry ${t} must lie in ${rows} × ${cols}. Got (${i}, ${j}).`);
    }
    counts[i + 1]!++;
  }
  for (let i = 0; i < rows; i++) counts[i + 1]! += counts[i]!;
  const order = new Int32Array(nnzIn), fill = counts.slice(0, rows);
  for (let t = 0; t < nnzIn; t++) order[fill[r[t]!]!++] = t;
  const indptr = new Int32Array(rows + 1), idx: number[] = [], val: number[] = [];
  for (let i = 0; i < rows; i++) {
    const seg = Array.from(order.subarray(counts[i]!, counts[i + 1]!)).sort((a, b) => c[a]! - c[b]!);
    for (const t of seg) {
      if (idx.length > indptr[i]! && idx[idx.length - 1] === c[t]) val[val.length - 1]! += v[t]!;
      else { idx.push(c[t]!); val.push(v[t]!); }
    }
    indptr[i + 1] = idx.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(idx), values: Float32Array.from(val) };
}
