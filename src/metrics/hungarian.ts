import { ClusterkitError, badOption } from '../core/errors.js';

/** Result of `linearSumAssignment`: min(rows, cols) matched pairs, ascending by row. */
export interface Assignment {
  /** Matched row indices, ascending [min(rows, cols)]. */
  readonly rowInd: Int32Array;
  /** Column matched to each row of `rowInd` [min(rows, cols)]. */
  readonly colInd: Int32Array;
  /** Σ cost[rowInd[t]][colInd[t]] over the matched pairs, summed from the given costs. */
  readonly total: number;
}

export interface AssignmentOptions {
  /** Maximise the total instead of minimising it. @defaultValue false */
  maximize?: boolean;
}

/**
 * Rectangular linear sum assignment (as scipy's `linear_sum_assignment`): choose
 * min(rows, cols) cells, no two in one row or column, with the smallest (or, with
 * `maximize`, the largest) total cost.
 *
 * Algorithm: Kuhn–Munkres with row and column potentials and Dijkstra-like shortest
 * augmenting paths (the Jonker–Volgenant formulation), one augmentation per row of the
 * shorter side; O(r² · c) time for r = min(rows, cols), c = max(rows, cols); float64 costs.
 * The optimum value equals scipy's; among tied optima the chosen pairs may differ.
 *
 * @param cost [rows × cols] row-major, finite (read, not mutated).
 * Throws BAD_DATA for a shape that does not fit `cost` or a non-finite cost.
 */
export function linearSumAssignment(cost: ArrayLike<number>, rows: number, cols: number,
  options: AssignmentOptions = {}): Assignment {
  const where = 'linearSumAssignment';
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new ClusterkitError('BAD_DATA', `${where}: shape must be non-negative integers. Got ${rows} × ${cols}.`);
  }
  if (cost.length !== rows * cols) {
    throw new ClusterkitError('BAD_DATA', `${where}: cost length must be rows × cols = ${rows * cols}. Got ${cost.length}.`, 'cost');
  }
  for (const key of Object.keys(options)) {
    if (key !== 'maximize') {
      throw new ClusterkitError('UNKNOWN_OPTION', `${where}: unknown option '${key}'. Known options: maximize.`, key);
    }
  }
  const maximize = options.maximize ?? false;
  if (typeof maximize !== 'boolean') badOption(where, 'maximize', 'true or false', maximize);
  for (let q = 0; q < cost.length; q++) {
    const v = cost[q]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ClusterkitError('BAD_DATA',
        `${where}: cost must be finite. Got ${String(v)} at row ${Math.floor(q / cols)}, column ${q % cols}.`, 'cost');
    }
  }
  const k = Math.min(rows, cols);
  if (k === 0) return { rowInd: new Int32Array(0), colInd: new Int32Array(0), total: 0 };

  // Work on a [r × c] minimisation problem with r ≤ c (transpose when rows > cols).
  const transposed = rows > cols;
  const r = transposed ? cols : rows, c = transposed ? rows : cols;
  const a = new Float64Array(r * c);
  const sign = maximize ? -1 : 1;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = sign * cost[i * cols + j]!;
      if (transposed) a[j * c + i] = v; else a[i * c + j] = v;
    }
  }
  const match = solveMin(a, r, c); // column of each of the r rows

  const rowInd = new Int32Array(k), colInd = new Int32Array(k);
  if (!transposed) {
    for (let i = 0; i < r; i++) { rowInd[i] = i; colInd[i] = match[i]!; }
  } else {
    // Rows of the transposed problem are original columns; list by original row.
    const pairs: Array<[number, number]> = [];
    for (let j = 0; j < r; j++) pairs.push([match[j]!, j]);
    pairs.sort((x, y) => x[0] - y[0]);
    pairs.forEach(([i, j], t) => { rowInd[t] = i; colInd[t] = j; });
  }
  let total = 0;
  for (let t = 0; t < k; t++) total += cost[rowInd[t]! * cols + colInd[t]!]!;
  return { rowInd, colInd, total };
}

/**
 * Minimum-cost assignment of each of r rows to a distinct one of c ≥ r columns.
 * Rows are added one at a time; for each, a shortest augmenting path in reduced costs
 * a[i][j] − u[i] − v[j] ≥ 0 is grown from a virtual column 0, then the potentials are
 * updated so reduced costs stay non-negative and tight along the matching.
 * Returns the column of each row [r].
 */
function solveMin(a: Float64Array, r: number, c: number): Int32Array {
  // 1-based internally: column 0 is the virtual source; owner[j] = row (1-based) on column j.
  const u = new Float64Array(r + 1), v = new Float64Array(c + 1);
  const owner = new Int32Array(c + 1), prev = new Int32Array(c + 1);
  const dist = new Float64Array(c + 1);
  const done = new Uint8Array(c + 1);
  for (let row = 1; row <= r; row++) {
    owner[0] = row;
    let col = 0;
    dist.fill(Infinity);
    done.fill(0);
    // Grow the shortest-path tree until it reaches a free column.
    do {
      done[col] = 1;
      const i = owner[col]!;
      const base = (i - 1) * c - 1, ui = u[i]!;
      let step = Infinity, next = 0;
      for (let j = 1; j <= c; j++) {
        if (done[j]) continue;
        const red = a[base + j]! - ui - v[j]!;
        if (red < dist[j]!) { dist[j] = red; prev[j] = col; }
        if (dist[j]! < step) { step = dist[j]!; next = j; }
      }
      for (let j = 0; j <= c; j++) {
        if (done[j]) { u[owner[j]!]! += step; v[j]! -= step; } else dist[j]! -= step;
      }
      col = next;
    } while (owner[col] !== 0);
    // Augment: shift owners back along the path to the source.
    do {
      const p = prev[col]!;
      owner[col] = owner[p]!;
      col = p;
    } while (col !== 0);
  }
  const out = new Int32Array(r);
  for (let j = 1; j <= c; j++) if (owner[j]! > 0) out[owner[j]! - 1] = j - 1;
  return out;
}
