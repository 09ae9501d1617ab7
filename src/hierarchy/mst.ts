/**
 * Single linkage through the minimum spanning tree (Prim's algorithm on the complete graph, with
 * distances computed on the fly): SciPy 1.10's `mst_single_linkage`, with its tie rule. Starting
 * from row 0, each step adds the outside row nearest to the tree (ties → lowest row index) and
 * records the edge (last added row, new row, distance). The caller sorts the n − 1 edges by
 * distance (stable) and relabels them (`labelSorted`), as SciPy does.
 *
 * Cost O(n²·d) time (one row against the rows still outside the tree per step, through the
 * kernel layer), O(n) memory beyond the data; from a condensed matrix O(n²) time and no copy.
 */
import type { Matrix } from '../core/matrix.js';
import { checkAbort, type RunControl } from '../core/control.js';
import { assignNearest, l1Block, cosineBlock } from '../kernels/index.js';
import { condensedIndex, type Condensed, type LinkageMetric } from './condensed.js';

const WHERE = 'linkage';

/**
 * Prim's MST over data rows. Returns unsorted rows [x, y, distance, 0] ((n−1) × 4, float64).
 * Euclidean / squared Euclidean: exact float64 Σ(xᵢ − xⱼ)² of the float32 rows (kernel
 * `assignNearest` with the new tree row as the only centre, over the outside rows); Manhattan
 * and cosine: `l1Block` / `cosineBlock` of the new row against all rows.
 */
export function primFromData(X: Matrix, metric: LinkageMetric, ctl: RunControl): Float64Array {
  const { data, rows: n, cols: d } = X;
  const z = new Float64Array((n - 1) * 4);
  const best = new Float64Array(n).fill(Infinity); // distance of each outside row to the tree
  const tmp = new Float64Array(n);
  const lab = new Int32Array(n);
  const rest = new Int32Array(n - 1); // rows outside the tree, in no particular order
  for (let i = 1; i < n; i++) rest[i - 1] = i;
  let count = n - 1, x = 0;
  const every = Math.max(1, Math.floor(n / 100));
  for (let k = 0; k < n - 1; k++) {
    if ((k & 63) === 0) checkAbort(ctl.signal, WHERE);
    const xr = data.subarray(x * d, x * d + d);
    if (metric === 'manhattan') l1Block(data, n, xr, 1, d, tmp);
    else if (metric === 'cosine') cosineBlock(data, n, xr, 1, d, tmp);
    else assignNearest(data, n, d, xr, 1, lab, tmp, null, rest, count);
    const root = metric === 'euclidean';
    let y = -1, cur = Infinity, pos = -1;
    for (let p = 0; p < count; p++) {
      const i = rest[p]!;
      const v = root ? Math.sqrt(tmp[i]!) : tmp[i]!;
      let b = best[i]!;
      if (v < b) { b = v; best[i] = v; }
      if (b < cur || (b === cur && i < y)) { cur = b; y = i; pos = p; }
    }
    z[4 * k] = x; z[4 * k + 1] = y; z[4 * k + 2] = cur;
    rest[pos] = rest[--count]!;
    x = y;
    if (k % every === 0) ctl.onProgress?.({ stage: `${WHERE}: single (MST)`, done: k + 1, total: n - 1 });
  }
  return z;
}

/** Prim's MST over a condensed matrix (read only). Returns unsorted rows [x, y, distance, 0]. */
export function primFromCondensed(y: Condensed, n: number, ctl: RunControl): Float64Array {
  const z = new Float64Array((n - 1) * 4);
  const best = new Float64Array(n).fill(Infinity);
  const merged = new Uint8Array(n);
  const every = Math.max(1, Math.floor(n / 100));
  let x = 0;
  for (let k = 0; k < n - 1; k++) {
    if ((k & 63) === 0) checkAbort(ctl.signal, WHERE);
    merged[x] = 1;
    let cur = Infinity, yy = -1;
    // i < x: strided positions; i > x: contiguous from condensedIndex(n, x, x + 1)
    for (let i = 0; i < x; i++) {
      if (merged[i]) continue;
      const v = y[condensedIndex(n, i, x)]!;
      if (v < best[i]!) best[i] = v;
      if (best[i]! < cur) { cur = best[i]!; yy = i; }
    }
    const base = x + 1 < n ? condensedIndex(n, x, x + 1) - (x + 1) : 0;
    for (let i = x + 1; i < n; i++) {
      if (merged[i]) continue;
      const v = y[base + i]!;
      if (v < best[i]!) best[i] = v;
      if (best[i]! < cur) { cur = best[i]!; yy = i; }
    }
    z[4 * k] = x; z[4 * k + 1] = yy; z[4 * k + 2] = cur;
    x = yy;
    if (k % every === 0) ctl.onProgress?.({ stage: `${WHERE}: single (MST)`, done: k + 1, total: n - 1 });
  }
  return z;
}
