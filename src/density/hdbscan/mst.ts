/**
 * Core distances and the mutual-reachability minimum spanning tree of HDBSCAN.
 *
 * Mutual reachability (Campello et al. 2013, with the robust-single-linkage α of Chaudhuri &
 * Dasgupta as the hdbscan library applies it): mr(a, b) = max(core(a), core(b), d(a, b) / α).
 * Core distances are not scaled by α.
 */
import { checkAbort, type RunControl } from '../../core/control.js';
import { queryKnn, type NeighborIndex } from '../../neighbors/index.js';
import { toDistance, unitsBlock, unitsRow, type HdbscanMetric } from './distances.js';

/** Core distances of the fit and of the prediction data, in units (see distances.ts). */
export interface CoreUnits {
  /** Units to the minSamples-th other point = the (minSamples + 1)-th neighbour counting the point itself. [n] */
  fit: Float64Array;
  /** Units to the minSamples-th neighbour counting the point itself (the library's prediction data). [n] */
  prediction: Float64Array;
  /** The min(minSamples + 2, n) nearest rows of each row, itself usually first ([n × that], ascending). */
  neighbors: Int32Array;
}

/**
 * Core distances (units) of every row of x [n × d]: the (minSamples + 1)-th smallest distance of
 * a row to all n rows, itself included (so duplicates count as neighbours at 0), from the
 * neighbour layer's exact k-NN (KD-tree or blocked brute force); the kept neighbour's units are
 * then recomputed by the same exact row formula the MST uses, so core and edge values tie
 * exactly where they should. 1 ≤ minSamples ≤ n − 1.
 */
export function coreUnits(metric: HdbscanMetric, index: NeighborIndex, minSamples: number,
  ctl: RunControl, where: string): CoreUnits {
  checkAbort(ctl.signal, where);
  // one neighbour beyond the core one when there is one: it tells Borůvka whether the list holds
  // every row within the core distance (see boruvkaMst); the first minSamples + 1 are unchanged
  const n = index.n, d = index.d, x = index.data.data, k = Math.min(minSamples + 2, n);
  const { indices } = queryKnn(index, null, k, { includeSelf: true }, where);
  const fit = new Float64Array(n), prediction = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    fit[i] = unitsRow(metric, x, i, x, indices[i * k + minSamples]!, d);
    prediction[i] = unitsRow(metric, x, i, x, indices[i * k + minSamples - 1]!, d);
  }
  ctl.onProgress?.({ stage: `${where}: core distances`, done: n, total: n });
  return { fit, prediction, neighbors: indices };
}

/** Minimum spanning tree as edge columns in the order found; weights are distances (not units). */
export interface MstEdges {
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly distance: Float64Array;
}

/**
 * Prim's algorithm on the complete mutual-reachability graph, computed on the fly: each step
 * measures the newest tree vertex against the vertices still outside (one kernel call over a
 * compacted copy of their rows), so time is O(n²·d) and memory O(n·d), with no n × n matrix.
 * Exact (the hdbscan library's `mst_linkage_core_vector`); ties go to the lower row index.
 */
export function primMst(metric: HdbscanMetric, x: Float32Array, n: number, d: number, core: Float64Array, alpha: number,
  ctl: RunControl, where: string): MstEdges {
  const from = new Int32Array(Math.max(0, n - 1)), to = new Int32Array(Math.max(0, n - 1));
  const distance = new Float64Array(Math.max(0, n - 1));
  if (n < 2) return { from, to, distance };
  const scale = alpha === 1 ? 1 : metric === 'euclidean' ? 1 / (alpha * alpha) : 1 / alpha;
  // vertices outside the tree, compacted: ids, rows, core units, best units so far and its source
  let m = n - 1;
  const ids = new Int32Array(m), rows = new Float32Array(m * d), coreR = new Float64Array(m);
  const best = new Float64Array(m).fill(Infinity), src = new Int32Array(m);
  for (let r = 0; r < m; r++) { ids[r] = r + 1; coreR[r] = core[r + 1]!; }
  rows.set(x.subarray(d, n * d));
  const dist = new Float64Array(m);
  let cur = 0;
  const every = Math.max(1, Math.floor(n / 100));
  for (let step = 0; step < n - 1; step++) {
    if (step % every === 0) {
      checkAbort(ctl.signal, where);
      ctl.onProgress?.({ stage: `${where}: spanning tree`, done: step, total: n - 1 });
    }
    unitsBlock(metric, rows, m, x.subarray(cur * d, cur * d + d), 1, d, dist);
    const cc = core[cur]!;
    let bi = 0, bv = Infinity, bid = 0x7fffffff;
    for (let r = 0; r < m; r++) {
      let v = scale === 1 ? dist[r]! : dist[r]! * scale;
      if (v < cc) v = cc;
      const cr = coreR[r]!;
      if (v < cr) v = cr;
      if (v < best[r]!) { best[r] = v; src[r] = cur; }
      const b = best[r]!;
      if (b < bv || (b === bv && ids[r]! < bid)) { bv = b; bi = r; bid = ids[r]!; }
    }
    from[step] = src[bi]!; to[step] = bid;
    distance[step] = toDistance(metric, bv);
    cur = bid;
    // remove position bi (move the last one into it)
    m--;
    if (bi !== m) {
      ids[bi] = ids[m]!; coreR[bi] = coreR[m]!; best[bi] = best[m]!; src[bi] = src[m]!;
      rows.copyWithin(bi * d, m * d, m * d + d);
    }
  }
  return { from, to, distance };
}

/** Edges from which sortEdges uses the radix sort (below, a comparator sort is quicker from cold). */
const RADIX_MIN_EDGES = 1 << 16;

/**
 * Edge order by ascending weight (stable: equal weights keep the order found). LSD radix sort on
 * the float64 bit patterns (weights are ≥ +0, whose bits order as the numbers do): eight 8-bit
 * passes, keys carried along so every pass reads and writes in sequence; passes whose digit is
 * the same everywhere are skipped. O(n), no comparator (a comparator sort took ≈ 2 s on 10⁶).
 */
export function sortEdges(e: MstEdges): MstEdges {
  const ne = e.distance.length;
  if (ne < RADIX_MIN_EDGES) {
    const order = Array.from({ length: ne }, (_, i) => i).sort((a, b) => e.distance[a]! - e.distance[b]! || a - b);
    const from = new Int32Array(ne), to = new Int32Array(ne), distance = new Float64Array(ne);
    order.forEach((o, i) => { from[i] = e.from[o]!; to[i] = e.to[o]!; distance[i] = e.distance[o]!; });
    return { from, to, distance };
  }
  const bits = new Uint32Array(Float64Array.from(e.distance).buffer);
  let lo = new Uint32Array(ne), hi = new Uint32Array(ne), ix = new Int32Array(ne);
  for (let i = 0; i < ne; i++) { lo[i] = bits[2 * i]!; hi[i] = bits[2 * i + 1]!; ix[i] = i; }
  let lo2 = new Uint32Array(ne), hi2 = new Uint32Array(ne), ix2 = new Int32Array(ne);
  const count = new Int32Array(257);
  for (let pass = 0; pass < 8; pass++) {
    const shift = (pass % 4) * 8, useHi = pass >= 4;
    count.fill(0);
    const src = useHi ? hi : lo;
    for (let i = 0; i < ne; i++) count[((src[i]! >>> shift) & 255) + 1]++;
    let same = false;
    for (let b = 1; b <= 256; b++) if (count[b] === ne) { same = true; break; }
    if (same) continue;
    for (let b = 0; b < 256; b++) count[b + 1] += count[b]!;
    for (let i = 0; i < ne; i++) {
      const t = count[(src[i]! >>> shift) & 255]!++;
      lo2[t] = lo[i]!; hi2[t] = hi[i]!; ix2[t] = ix[i]!;
    }
    let u = lo; lo = lo2; lo2 = u;
    u = hi; hi = hi2; hi2 = u;
    const v = ix; ix = ix2; ix2 = v;
  }
  const from = new Int32Array(ne), to = new Int32Array(ne), distance = new Float64Array(ne);
  for (let i = 0; i < ne; i++) { const o = ix[i]!; from[i] = e.from[o]!; to[i] = e.to[o]!; distance[i] = e.distance[o]!; }
  return { from, to, distance };
}
