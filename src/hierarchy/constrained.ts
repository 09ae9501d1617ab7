/**
 * Agglomerative clustering restricted by a connectivity graph (as scikit-learn's
 * `AgglomerativeClustering(connectivity=…)`): two clusters may merge only if an edge of the
 * graph joins them. With a kNN graph this needs O(n·k) memory instead of the n² work matrix, and
 * keeps clusters spatially contiguous.
 *
 * Cluster distances:
 * - 'ward': the exact Ward criterion from the cluster means and sizes,
 *   √(2|A||B|/(|A|+|B|)) ‖μ_A − μ_B‖ (SciPy's Euclidean scale; scikit-learn's `ward_tree`
 *   minimises the same quantity). Only adjacent clusters are candidates, so heights can have
 *   inversions (`monotonic` false).
 * - 'single', 'complete', 'average': the minimum, maximum and mean of the distances of the
 *   graph edges between the two clusters (not of all member pairs). With a complete graph they
 *   equal the unconstrained linkages; scikit-learn's `linkage_tree` with connectivity also uses
 *   edge distances, but its average is a size-weighted approximation, so numbers can differ.
 *
 * Algorithm: a binary heap of candidate merges (height, slot a, slot b, versions) with lazy
 * deletion; each cluster keeps a list of neighbour slots (and edge aggregates), rebuilt
 * (deduplicated through a union–find redirect) when it merges, after which an entry is pushed
 * per neighbour. Ties → lower (height, a, b). Cost O(E log E) for E graph edges plus the
 * neighbour lists of merged clusters; memory about 40 bytes per edge.
 *
 * A graph with several connected components is completed as scikit-learn's
 * `_fix_connectivity` does: for every pair of components, the closest pair of rows (by the
 * metric) becomes an edge; a warning says so. That costs O(n²·d) time in the worst case.
 */
import { ClusterkitError } from '../core/errors.js';
import { type Matrix, type CsrMatrix, takeRows } from '../core/matrix.js';
import { checkAbort, type RunControl } from '../core/control.js';
import { assignNearest, l1Block, cosineBlock, sqDistRow } from '../kernels/index.js';
import { condensedIndex, rowDistance, type Condensed, type LinkageMetric } from './condensed.js';
import type { LinkageMethod, ClampCount } from './lanceWilliams.js';

/** Methods allowed with a connectivity graph (scikit-learn's set). */
export const CONNECTIVITY_METHODS: readonly LinkageMethod[] = ['ward', 'single', 'complete', 'average'];

/** Throw DIM_MISMATCH / BAD_DATA unless g is a well-formed n × n CSR graph. */
export function checkConnectivity(g: CsrMatrix, n: number, where: string): void {
  if (g.rows !== n || g.cols !== n) {
    throw new ClusterkitError('DIM_MISMATCH', `${where}: option 'connectivity' must be an n × n graph with n = ${n} rows. Got ${g.rows} × ${g.cols}.`, 'connectivity');
  }
  if (g.indptr.length !== n + 1 || g.indptr[0] !== 0 || g.indptr[n] !== g.indices.length) {
    throw new ClusterkitError('BAD_DATA', `${where}: option 'connectivity' indptr must have n + 1 = ${n + 1} entries from 0 to nnz = ${g.indices.length}. Got ${g.indptr.length} entries ending at ${g.indptr[g.indptr.length - 1]}.`, 'connectivity');
  }
  for (let i = 0; i < n; i++) {
    if (g.indptr[i + 1]! < g.indptr[i]!) {
      throw new ClusterkitError('BAD_DATA', `${where}: option 'connectivity' indptr must not decrease. Got ${g.indptr[i]} then ${g.indptr[i + 1]} at row ${i}.`, 'connectivity');
    }
  }
  for (let t = 0; t < g.indices.length; t++) {
    const j = g.indices[t]!;
    if (!(j >= 0 && j < n)) throw new ClusterkitError('BAD_DATA', `${where}: option 'connectivity' column indices must be in [0, ${n - 1}]. Got ${j} at entry ${t}.`, 'connectivity');
  }
}

export interface ConstrainedInput {
  x: Matrix | null;
  precomputed: Condensed | null;
  n: number;
  method: LinkageMethod;
  metric: LinkageMetric;
  graph: CsrMatrix;
  ctl: RunControl;
  where: string;
  warnings: string[];
  clamp: ClampCount;
}

/** Min-heap of (height, a, b, va, vb) with growable typed storage. */
class MergeHeap {
  h = new Float64Array(1024); a = new Int32Array(1024); b = new Int32Array(1024);
  va = new Int32Array(1024); vb = new Int32Array(1024);
  size = 0;
  private less(i: number, j: number): boolean {
    const hi = this.h[i]!, hj = this.h[j]!;
    if (hi !== hj) return hi < hj;
    if (this.a[i] !== this.a[j]) return this.a[i]! < this.a[j]!;
    return this.b[i]! < this.b[j]!;
  }
  private swap(i: number, j: number): void {
    let t: number;
    t = this.h[i]!; this.h[i] = this.h[j]!; this.h[j] = t;
    t = this.a[i]!; this.a[i] = this.a[j]!; this.a[j] = t;
    t = this.b[i]!; this.b[i] = this.b[j]!; this.b[j] = t;
    t = this.va[i]!; this.va[i] = this.va[j]!; this.va[j] = t;
    t = this.vb[i]!; this.vb[i] = this.vb[j]!; this.vb[j] = t;
  }
  push(h: number, a: number, b: number, va: number, vb: number): void {
    if (a > b) { let t = a; a = b; b = t; t = va; va = vb; vb = t; }
    if (this.size === this.h.length) {
      const grow = <T extends Float64Array | Int32Array>(x: T): T => { const y = new (x.constructor as new (n: number) => T)(x.length * 2); y.set(x); return y; };
      this.h = grow(this.h); this.a = grow(this.a); this.b = grow(this.b); this.va = grow(this.va); this.vb = grow(this.vb);
    }
    let i = this.size++;
    this.h[i] = h; this.a[i] = a; this.b[i] = b; this.va[i] = va; this.vb[i] = vb;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p); i = p;
    }
  }
  /** Remove the top; its fields are left at index `size` (read them via `last*`). */
  pop(): void {
    this.swap(0, --this.size);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < this.size && this.less(l, m)) m = l;
      if (r < this.size && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m); i = m;
    }
  }
}

/** Merges [id_a, id_b, height, size] in merge order ((n−1) × 4). */
export function constrainedLinkage(inp: ConstrainedInput): Float64Array {
  const { n, method, graph, ctl, where } = inp;
  const X = inp.x, pre = inp.precomputed;
  const metric: LinkageMetric = method === 'ward' ? 'euclidean' : inp.metric;
  // 1. undirected simple edge list (i < j)
  let { ei, ej } = symmetricEdges(graph, n);
  // 2. complete a disconnected graph (scikit-learn's _fix_connectivity)
  const comp = components(n, ei, ej);
  if (comp.count > 1) {
    const extra = connectComponents(X, pre, n, metric, comp.label, comp.count, ctl, where);
    inp.warnings.push(`${where}: the connectivity graph has ${comp.count} connected components; ${extra.ei.length} edges joining the closest rows of every pair of components were added (as scikit-learn does).`);
    const a = new Int32Array(ei.length + extra.ei.length), b = new Int32Array(ei.length + extra.ei.length);
    a.set(ei); a.set(extra.ei, ei.length); b.set(ej); b.set(extra.ej, ej.length);
    ei = a; ej = b;
  }
  const E = ei.length;
  const edgeBased = method !== 'ward';
  const avg = method === 'average';
  const tmp = new Float64Array(1);
  const edgeDist = (i: number, j: number): number =>
    pre ? pre[condensedIndex(n, i, j)]! : rowDistance(X!, metric, i, j, tmp);

  // 3. neighbour lists per slot: nb (slots), val (min / max / sum of edge distances), cnt (edges)
  const deg = new Int32Array(n);
  for (let e = 0; e < E; e++) { deg[ei[e]!]!++; deg[ej[e]!]!++; }
  let nb: Int32Array[] = new Array<Int32Array>(n), val: Float64Array[] = [], cnt: Float64Array[] = [];
  for (let i = 0; i < n; i++) nb[i] = new Int32Array(deg[i]!);
  if (edgeBased) for (let i = 0; i < n; i++) { val[i] = new Float64Array(deg[i]!); if (avg) cnt[i] = new Float64Array(deg[i]!).fill(1); }
  const fill = new Int32Array(n);
  const heap = new MergeHeap();
  for (let e = 0; e < E; e++) {
    const i = ei[e]!, j = ej[e]!;
    const dist = edgeBased ? edgeDist(i, j) : Math.sqrt(sqDistRow(X!.data, i, X!.data, j, X!.cols));
    const pi = fill[i]!++, pj = fill[j]!++;
    nb[i]![pi] = j; nb[j]![pj] = i;
    if (edgeBased) { val[i]![pi] = dist; val[j]![pj] = dist; }
    heap.push(dist, i, j, 0, 0);
  }

  // 4. merge
  const d = X ? X.cols : 0;
  const mean = method === 'ward' ? Float64Array.from(X!.data) : null; // [n × d] cluster means by slot
  const size = new Float64Array(n).fill(1);
  const id = new Int32Array(n);
  for (let i = 0; i < n; i++) id[i] = i;
  const ver = new Int32Array(n), alive = new Uint8Array(n).fill(1);
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[x] !== r) { const p = parent[x]!; parent[x] = r; x = p; }
    return r;
  };
  const pos = new Int32Array(n).fill(-1);
  const z = new Float64Array((n - 1) * 4);
  const every = Math.max(1, Math.floor(n / 100));
  let k = 0;
  while (k < n - 1) {
    if (heap.size === 0) throw new ClusterkitError('BAD_DATA', `${where}: internal error, the completed connectivity graph ran out of edges after ${k} merges.`);
    heap.pop();
    const t0 = heap.size;
    const a = heap.a[t0]!, b = heap.b[t0]!;
    if (!alive[a] || !alive[b] || ver[a] !== heap.va[t0] || ver[b] !== heap.vb[t0]) continue;
    const h = heap.h[t0]!;
    if ((k & 63) === 0) checkAbort(ctl.signal, where);
    // keep the union in s = b, drop t = a
    const s = b, t = a;
    const ia = id[a]!, ib = id[b]!;
    z[4 * k] = Math.min(ia, ib); z[4 * k + 1] = Math.max(ia, ib); z[4 * k + 2] = h; z[4 * k + 3] = size[s]! + size[t]!;
    if (mean) {
      const ns = size[s]!, nt = size[t]!, w = ns + nt;
      for (let c = 0; c < d; c++) mean[s * d + c] = (ns * mean[s * d + c]! + nt * mean[t * d + c]!) / w;
    }
    size[s] = size[s]! + size[t]!;
    alive[t] = 0; parent[t] = s;
    id[s] = n + k;
    ver[s]!++;
    // rebuild s's neighbour list from s's and t's, redirecting merged slots and combining duplicates
    const lists = [s, t];
    let m = 0;
    const outNb: number[] = [], outVal: number[] = [], outCnt: number[] = [];
    for (const u of lists) {
      const L = nb[u]!, V = edgeBased ? val[u]! : null, C = avg ? cnt[u]! : null;
      for (let p = 0; p < L.length; p++) {
        const c = find(L[p]!);
        if (c === s) continue;
        const q = pos[c]!;
        if (q < 0) {
          pos[c] = m++;
          outNb.push(c);
          if (V) outVal.push(V[p]!);
          if (C) outCnt.push(C[p]!);
        } else if (V) {
          if (method === 'single') { if (V[p]! < outVal[q]!) outVal[q] = V[p]!; }
          else if (method === 'complete') { if (V[p]! > outVal[q]!) outVal[q] = V[p]!; }
          else { outVal[q] = outVal[q]! + V[p]!; outCnt[q] = outCnt[q]! + C![p]!; }
        }
      }
    }
    nb[s] = Int32Array.from(outNb); nb[t] = new Int32Array(0);
    if (edgeBased) { val[s] = Float64Array.from(outVal); val[t] = new Float64Array(0); }
    if (avg) { cnt[s] = Float64Array.from(outCnt); cnt[t] = new Float64Array(0); }
    for (let q = 0; q < m; q++) {
      const c = outNb[q]!;
      pos[c] = -1;
      let v: number;
      if (method === 'ward') {
        const ns = size[s]!, nc = size[c]!;
        v = Math.sqrt((2 * ns * nc) / (ns + nc) * sqDistRow(mean!, s, mean!, c, d));
      } else v = avg ? outVal[q]! / outCnt[q]! : outVal[q]!;
      heap.push(v, s, c, ver[s]!, ver[c]!);
    }
    k++;
    if (k % every === 0) ctl.onProgress?.({ stage: `${where}: merging (connectivity)`, done: k, total: n - 1 });
  }
  return z;
}

/** Undirected simple edges (i < j) of a CSR graph, self-loops dropped, duplicates merged. */
function symmetricEdges(g: CsrMatrix, n: number): { ei: Int32Array; ej: Int32Array } {
  const keys: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let p = g.indptr[i]!; p < g.indptr[i + 1]!; p++) {
      const j = g.indices[p]!;
      if (j === i) continue;
      keys.push(i < j ? i * n + j : j * n + i);
    }
  }
  const sorted = Float64Array.from(keys).sort();
  const ei: number[] = [], ej: number[] = [];
  for (let t = 0; t < sorted.length; t++) {
    if (t > 0 && sorted[t] === sorted[t - 1]) continue;
    const key = sorted[t]!, i = Math.floor(key / n);
    ei.push(i); ej.push(key - i * n);
  }
  return { ei: Int32Array.from(ei), ej: Int32Array.from(ej) };
}

/** Connected components: label per node (0 … count−1 by lowest member) and count. */
function components(n: number, ei: Int32Array, ej: Int32Array): { label: Int32Array; count: number } {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
  for (let e = 0; e < ei.length; e++) {
    const a = find(ei[e]!), b = find(ej[e]!);
    if (a !== b) { if (a < b) parent[b] = a; else parent[a] = b; }
  }
  const label = new Int32Array(n).fill(-1), rootLabel = new Int32Array(n).fill(-1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (rootLabel[r] === -1) rootLabel[r] = count++;
    label[i] = rootLabel[r]!;
  }
  return { label, count };
}

/** For every pair of components, the closest pair of rows as an edge (scikit-learn's fix). */
function connectComponents(X: Matrix | null, pre: Condensed | null, n: number, metric: LinkageMetric,
  label: Int32Array, count: number, ctl: RunControl, where: string): { ei: Int32Array; ej: Int32Array } {
  const members: number[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < n; i++) members[label[i]!]!.push(i);
  const ei: number[] = [], ej: number[] = [];
  for (let p = 0; p < count; p++) {
    checkAbort(ctl.signal, where);
    for (let q = p + 1; q < count; q++) {
      const [i, j] = closestPair(X, pre, n, metric, members[p]!, members[q]!);
      ei.push(Math.min(i, j)); ej.push(Math.max(i, j));
    }
  }
  return { ei: Int32Array.from(ei), ej: Int32Array.from(ej) };
}

/** Closest (row of A, row of B) under the metric; ties → first in A's order, then B's. */
function closestPair(X: Matrix | null, pre: Condensed | null, n: number, metric: LinkageMetric,
  A: number[], B: number[]): [number, number] {
  let best = Infinity, bi = A[0]!, bj = B[0]!;
  if (pre) {
    for (const i of A) for (const j of B) {
      const v = pre[condensedIndex(n, i, j)]!;
      if (v < best) { best = v; bi = i; bj = j; }
    }
    return [bi, bj];
  }
  const d = X!.cols;
  const ra = takeRows(X!, A), rb = takeRows(X!, B);
  if (metric === 'euclidean' || metric === 'sqeuclidean') {
    const lab = new Int32Array(A.length), d2 = new Float64Array(A.length);
    assignNearest(ra.data, A.length, d, rb.data, B.length, lab, d2);
    for (let r = 0; r < A.length; r++) if (d2[r]! < best) { best = d2[r]!; bi = A[r]!; bj = B[lab[r]!]!; }
    return [bi, bj];
  }
  const rowsPer = Math.max(1, Math.floor((1 << 20) / B.length));
  const out = new Float64Array(Math.min(rowsPer, A.length) * B.length);
  for (let s = 0; s < A.length; s += rowsPer) {
    const m = Math.min(rowsPer, A.length - s);
    const a = ra.data.subarray(s * d, (s + m) * d);
    if (metric === 'manhattan') l1Block(a, m, rb.data, B.length, d, out); else cosineBlock(a, m, rb.data, B.length, d, out);
    for (let r = 0; r < m; r++) for (let c = 0; c < B.length; c++) {
      const v = out[r * B.length + c]!;
      if (v < best) { best = v; bi = A[s + r]!; bj = B[c]!; }
    }
  }
  return [bi, bj];
}
