/**
 * Blocked brute-force neighbour search through the kernel layer (`sqDistBlock`, `l1Block`,
 * `cosineBlock`): blocks of QUERY_BLOCK queries against blocks of DATA_BLOCK rows, so memory
 * stays O(QUERY_BLOCK × DATA_BLOCK) whatever n (never n × n). Cost O(m·n·d).
 *
 * Exactness: the Euclidean kernel uses the expansion ‖x‖² − 2x·y + ‖y‖² (float64, centred),
 * which can differ from Σ(xₜ − yₜ)² in the last bits. The kernel values only screen candidates:
 * every kept candidate is settled with the exact row distance (./distance.ts), with a margin
 * `tol` that bounds the kernel's rounding, so results equal those of an exact scan (ties →
 * lower index). Manhattan and cosine kernels compute exactly the row formulas (tol = 0).
 * kNN keeps k + SLACK candidates per query; if the margin could hide a candidate (many rows
 * within `tol` of the k-th distance) that query is redone by an exact scan.
 */
import type { Matrix } from '../core/matrix.js';
import { sqDistBlock, sqDistBlockApprox, l1Block, cosineBlock, rowNorms2 } from '../kernels/index.js';
import { KHeap, type KnnResult, type RadiusResult, NeighborBuffer, sortPairs, concatRows } from './kdtree.js';
import { rdistRows, fromReduced, toReduced, type RowMetric } from './distance.js';

/** Queries per block and data rows per block (kernel output QUERY_BLOCK × DATA_BLOCK float64 = 1 MB). */
export const QUERY_BLOCK = 64;
export const DATA_BLOCK = 2048;
/** Extra kNN candidates kept beyond k before exact settling. */
const SLACK = 8;

/** Precomputed per-data quantities shared by the queries of one call. */
interface BruteCtx {
  readonly metric: RowMetric;
  readonly x: Float32Array;
  readonly n: number;
  readonly d: number;
  /** Squared row norms of x (cosine only). */
  readonly xn2: Float64Array | null;
  /** Screening margin on reduced distances (0 when kernels are exact). */
  readonly tol: number;
}

function makeCtx(x: Matrix, queries: Matrix | null, metric: RowMetric): BruteCtx {
  const { data, rows: n, cols: d } = x;
  let xn2: Float64Array | null = null, tol = 0;
  if (metric === 'cosine') { xn2 = new Float64Array(n); rowNorms2(data, n, d, xn2); }
  if (metric === 'euclidean') {
    // kernel error ≲ d·2⁻⁵²·(‖q − μ‖² + ‖x − μ‖²) for the block mean μ; both ≤ 4·S with S the largest
    // squared distance of any row (data or query) to the data mean. A 10× generous bound:
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t]! += data[i * d + t]!;
    for (let t = 0; t < d; t++) mean[t]! /= Math.max(1, n);
    let s = 0;
    const scan = (m: Matrix): void => {
      for (let i = 0; i < m.rows; i++) {
        let v = 0;
        for (let t = 0; t < d; t++) { const u = m.data[i * d + t]! - mean[t]!; v += u * u; }
        if (v > s) s = v;
      }
    };
    scan(x);
    if (queries) scan(queries);
    tol = 80 * (d + 4) * 2 ** -52 * s;
  }
  return { metric, x: data, n, d, xn2, tol };
}

/** Kernel block: reduced distances of mq query rows (q) to nb data rows (b), out [mq × nb]. */
function kernelBlock(metric: RowMetric, q: Float32Array, mq: number, b: Float32Array, nb: number, d: number, out: Float64Array): void {
  if (metric === 'euclidean') sqDistBlock(q, mq, b, nb, d, out);
  else if (metric === 'manhattan') l1Block(q, mq, b, nb, d, out);
  else cosineBlock(q, mq, b, nb, d, out);
}

/**
 * Drive the blocks: for each block of queries (rows of `q`, or the x rows listed in `rows`), call
 * `onBlock(q0, mq, qb, j0, nb, out)` for every data block, where qb holds the block's query rows
 * and out [mq × nb] the kernel reduced distances. With `approxTol` (Euclidean only) the block
 * values are the kernel layer's screening estimates (`sqDistBlockApprox`, float32 on the worker
 * pool) and approxTol[r] receives, per query of the block, the largest error bound over the blocks.
 */
function forBlocks(ctx: BruteCtx, q: Float32Array, m: number, rows: Int32Array | null,
  onQueries: (q0: number, mq: number, qb: Float32Array) => void,
  onBlock: (q0: number, mq: number, qb: Float32Array, j0: number, nb: number, out: Float64Array) => void,
  onQueriesDone: (q0: number, mq: number, qb: Float32Array) => void, approxTol: Float64Array | null = null): void {
  const { x, n, d, metric } = ctx;
  const out = new Float64Array(QUERY_BLOCK * DATA_BLOCK);
  const tolBlock = new Float64Array(QUERY_BLOCK);
  const qb = new Float32Array(QUERY_BLOCK * d);
  for (let q0 = 0; q0 < m; q0 += QUERY_BLOCK) {
    const mq = Math.min(QUERY_BLOCK, m - q0);
    if (rows) for (let r = 0; r < mq; r++) qb.set(x.subarray(rows[q0 + r]! * d, rows[q0 + r]! * d + d), r * d);
    else qb.set(q.subarray(q0 * d, (q0 + mq) * d));
    onQueries(q0, mq, qb);
    if (approxTol) approxTol.fill(0);
    for (let j0 = 0; j0 < n; j0 += DATA_BLOCK) {
      const nb = Math.min(DATA_BLOCK, n - j0);
      if (approxTol) {
        sqDistBlockApprox(qb, mq, x.subarray(j0 * d, (j0 + nb) * d), nb, d, out, tolBlock);
        for (let r = 0; r < mq; r++) if (tolBlock[r]! > approxTol[r]!) approxTol[r] = tolBlock[r]!;
      } else kernelBlock(metric, qb, mq, x.subarray(j0 * d, (j0 + nb) * d), nb, d, out);
      onBlock(q0, mq, qb, j0, nb, out);
    }
    onQueriesDone(q0, mq, qb);
  }
}

/**
 * k nearest rows of x [n × d] for each query row ([m × d]), or for each row of x when `queries`
 * is null (a row is not its own neighbour unless `includeSelf`). k ≤ available rows.
 * @returns [m × k] indices and plain distances, ascending, ties → lower index.
 */
export function bruteKnn(x: Matrix, queries: Matrix | null, k: number, metric: RowMetric, includeSelf = false): KnnResult {
  const ctx = makeCtx(x, queries, metric);
  const { n, d } = ctx;
  const m = queries ? queries.rows : n;
  const skipSelf = queries === null && !includeSelf;
  const avail = skipSelf ? n - 1 : n;
  // Euclidean: screened with float32 estimates and a per-query bound (qtol), settled exactly
  const qtol = metric === 'euclidean' ? new Float64Array(QUERY_BLOCK) : null;
  const kk = Math.min(avail, k + (ctx.tol > 0 ? (qtol ? 2 * SLACK : SLACK) : 0));
  const heaps = Array.from({ length: Math.min(QUERY_BLOCK, m) }, () => new KHeap(Math.max(1, kk)));
  const exact = new KHeap(Math.max(1, k));
  const indices = new Int32Array(m * k), distances = new Float64Array(m * k);
  const qn2 = new Float64Array(QUERY_BLOCK);
  const qdata = queries ? queries.data : x.data;
  forBlocks(ctx, qdata, m, null,
    (_q0, mq, qb) => { for (let r = 0; r < mq; r++) heaps[r]!.reset(); if (metric === 'cosine') rowNorms2(qb, mq, d, qn2); },
    (q0, mq, _qb, j0, nb, out) => {
      for (let r = 0; r < mq; r++) {
        const h = heaps[r]!, self = skipSelf ? q0 + r : -1, o = r * nb;
        for (let j = 0; j < nb; j++) {
          const v = out[o + j]!;
          if (h.size < h.k || v <= h.dist[0]!) { if (j0 + j !== self) h.push(v, j0 + j); }
        }
      }
    },
    (q0, mq, qb) => {
      for (let r = 0; r < mq; r++) {
        const h = heaps[r]!, self = skipSelf ? q0 + r : -1;
        exact.reset();
        let redo = false;
        if (ctx.tol > 0 && h.size === h.k && h.k < avail) {
          // k-th smallest kernel value among the kept ones vs the largest kept
          const vals = Array.from(h.dist.subarray(0, h.size)).sort((a, b) => a - b);
          if (vals[h.size - 1]! <= vals[k - 1]! + 2 * (qtol ? qtol[r]! : ctx.tol)) redo = true;
        }
        if (redo) {
          for (let j = 0; j < n; j++) {
            if (j === self) continue;
            exact.push(rdistRows(metric, qb, r, qn2[r]!, ctx.x, j, ctx.xn2 ? ctx.xn2[j]! : 0, d), j);
          }
        } else {
          for (let t = 0; t < h.size; t++) {
            const j = h.idx[t]!;
            const v = ctx.tol > 0 ? rdistRows(metric, qb, r, qn2[r]!, ctx.x, j, ctx.xn2 ? ctx.xn2[j]! : 0, d) : h.dist[t]!;
            exact.push(v, j);
          }
        }
        exact.drainSorted(null, indices, distances, (q0 + r) * k);
        if (metric === 'euclidean') for (let t = 0; t < k; t++) distances[(q0 + r) * k + t] = Math.sqrt(distances[(q0 + r) * k + t]!);
      }
    }, qtol);
  return { k, indices, distances };
}

/**
 * Visit the radius neighbours (distance ≤ r, Euclidean tested as Σ(xₜ−yₜ)² ≤ r²) of the x rows
 * listed in `rows` (or of queries rows when given), in blocks: `visit(q, buf)` receives the query
 * number (position in `rows` / row of queries) and a buffer of (row, reduced distance) pairs,
 * valid only during the call, in ascending row order. A row is its own neighbour only if `includeSelf`.
 */
export function bruteRadiusVisit(x: Matrix, queries: Matrix | null, rows: Int32Array | null, r: number, metric: RowMetric,
  includeSelf: boolean, visit: (q: number, buf: NeighborBuffer) => void): void {
  const ctx = makeCtx(x, queries, metric);
  const { d } = ctx;
  const m = queries ? queries.rows : rows ? rows.length : ctx.n;
  const rr = toReduced(metric, r);
  const bufs = Array.from({ length: Math.min(QUERY_BLOCK, m) }, () => new NeighborBuffer());
  const qn2 = new Float64Array(QUERY_BLOCK);
  const qdata = queries ? queries.data : x.data;
  const selfOf = (q: number): number => queries || includeSelf ? -1 : rows ? rows[q]! : q;
  forBlocks(ctx, qdata, m, queries ? null : rows,
    (_q0, mq, qb) => { for (let t = 0; t < mq; t++) bufs[t]!.count = 0; if (metric === 'cosine') rowNorms2(qb, mq, d, qn2); },
    (q0, mq, qb, j0, nb, out) => {
      const lim = rr + ctx.tol;
      for (let t = 0; t < mq; t++) {
        const buf = bufs[t]!, self = selfOf(q0 + t), o = t * nb;
        for (let j = 0; j < nb; j++) {
          const v = out[o + j]!;
          if (v > lim || j0 + j === self) continue;
          if (ctx.tol > 0) {
            // settle with the exact distance; the kernel block holds the query rows at t
            const e = rdistRows(metric, qb, t, qn2[t]!, ctx.x, j0 + j, ctx.xn2 ? ctx.xn2[j0 + j]! : 0, d);
            if (e <= rr) buf.push(j0 + j, e);
          } else buf.push(j0 + j, v);
        }
      }
    },
    (q0, mq) => { for (let t = 0; t < mq; t++) visit(q0 + t, bufs[t]!); });
}

/**
 * Radius neighbours of each query row (or of each row of x when `queries` is null, itself
 * excluded unless `includeSelf`) as CSR. Memory O(total neighbours).
 */
export function bruteRadius(x: Matrix, queries: Matrix | null, r: number, metric: RowMetric,
  options: { includeSelf?: boolean; sort?: boolean } = {}): RadiusResult {
  const m = queries ? queries.rows : x.rows;
  const indptr = new Int32Array(m + 1);
  const rowsIdx: Int32Array[] = new Array(m), rowsDist: Float64Array[] = new Array(m);
  let nnz = 0;
  bruteRadiusVisit(x, queries, null, r, metric, options.includeSelf ?? false, (q, buf) => {
    const ci = buf.idx.slice(0, buf.count), cd = buf.dist.slice(0, buf.count);
    if (options.sort !== false) sortPairs(ci, cd);
    for (let t = 0; t < cd.length; t++) cd[t] = fromReduced(metric, cd[t]!);
    rowsIdx[q] = ci; rowsDist[q] = cd; nnz += ci.length;
  });
  for (let q = 0; q < m; q++) indptr[q + 1] = indptr[q]! + rowsIdx[q]!.length;
  return concatRows(indptr, rowsIdx, rowsDist, nnz);
}
