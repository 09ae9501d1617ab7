/**
 * Müllner's generic algorithm (2011, "Modern hierarchical, agglomerative clustering
 * algorithms", fig. 3) for linkages that are not reducible, centroid and median: SciPy 1.10's
 * `fast_linkage`, with its tie rules and its binary heap.
 *
 * Each live cluster x keeps a candidate nearest neighbour among the live clusters of higher
 * index and a lower bound of that distance, in a binary heap keyed by x. The heap minimum is
 * checked against the work matrix; if stale, x's neighbour is recomputed and the heap updated,
 * else x and its neighbour y merge (into y's slot, the cluster gets id n + k). Output rows are in
 * merge order with their final ids, not sorted: centroid and median can have inversions
 * (a later merge lower than an earlier one), and SciPy keeps the merge order.
 *
 * Cost O(n²) time typically (O(n³) worst case), memory the work matrix `D` (mutated) and O(n).
 */
import { checkAbort, type RunControl } from '../core/control.js';
import type { Condensed } from './condensed.js';
import { lanceWilliams, type MethodCode, type ClampCount } from './lanceWilliams.js';

/** Binary min-heap over keys 0 … m−1 with changeable values (SciPy's `Heap`, same sift rules). */
class KeyHeap {
  private readonly indexByKey: Int32Array;
  private readonly keyByIndex: Int32Array;
  private readonly values: Float64Array;
  private size: number;
  constructor(values: Float64Array) {
    const m = values.length;
    this.size = m;
    this.indexByKey = new Int32Array(m);
    this.keyByIndex = new Int32Array(m);
    for (let i = 0; i < m; i++) { this.indexByKey[i] = i; this.keyByIndex[i] = i; }
    this.values = Float64Array.from(values);
    for (let i = Math.floor(m / 2) - 1; i >= 0; i--) this.siftDown(i);
  }
  minKey(): number { return this.keyByIndex[0]!; }
  minValue(): number { return this.values[0]!; }
  removeMin(): void {
    this.swap(0, this.size - 1);
    this.size--;
    this.siftDown(0);
  }
  change(key: number, value: number): void {
    const index = this.indexByKey[key]!;
    const old = this.values[index]!;
    this.values[index] = value;
    if (value < old) this.siftUp(index); else this.siftDown(index);
  }
  private siftUp(index: number): void {
    let parent = (index - 1) >> 1;
    while (index > 0 && this.values[parent]! > this.values[index]!) {
      this.swap(index, parent);
      index = parent;
      parent = (index - 1) >> 1;
    }
  }
  private siftDown(index: number): void {
    let child = 2 * index + 1;
    while (child < this.size) {
      if (child + 1 < this.size && this.values[child + 1]! < this.values[child]!) child++;
      if (this.values[index]! > this.values[child]!) {
        this.swap(index, child);
        index = child;
        child = 2 * index + 1;
      } else break;
    }
  }
  private swap(i: number, j: number): void {
    const v = this.values[i]!; this.values[i] = this.values[j]!; this.values[j] = v;
    const ki = this.keyByIndex[i]!, kj = this.keyByIndex[j]!;
    this.keyByIndex[i] = kj; this.keyByIndex[j] = ki;
    this.indexByKey[kj] = i; this.indexByKey[ki] = j;
  }
}

/** Merges [id_a, id_b, height, size] in merge order with final ids ((n−1) × 4). `D` is overwritten. */
export function genericLinkage(D: Condensed, n: number, code: MethodCode, ctl: RunControl, clamp: ClampCount, where: string): Float64Array {
  const z = new Float64Array((n - 1) * 4);
  const size = new Int32Array(n).fill(1);
  const id = new Int32Array(n);
  for (let i = 0; i < n; i++) id[i] = i;
  const next = new Int32Array(n + 1), prev = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) { next[i] = i + 1; prev[i] = i - 1; }
  next[n] = n; prev[0] = n;
  let head = 0;
  const rowStart = (i: number): number => n * i - (i * (i + 1)) / 2 - i - 1;
  const neighbor = new Int32Array(n - 1);
  const minDist = new Float64Array(n - 1);
  // nearest live cluster of higher index than x: [index, distance] (−1, ∞ when none)
  let fy = -1, fd = Infinity;
  const findMin = (x: number): void => {
    fy = -1; fd = Infinity;
    const b = rowStart(x);
    for (let i = next[x]!; i < n; i = next[i]!) {
      const v = D[b + i]!;
      if (v < fd) { fd = v; fy = i; }
    }
  };
  for (let x = 0; x < n - 1; x++) { findMin(x); neighbor[x] = fy; minDist[x] = fd; }
  const heap = new KeyHeap(minDist);
  const every = Math.max(1, Math.floor(n / 100));
  for (let k = 0; k < n - 1; k++) {
    if ((k & 63) === 0) checkAbort(ctl.signal, where);
    let x = 0, y = 0, dist = 0;
    for (let i = 0; i < n - k; i++) {
      x = heap.minKey(); dist = heap.minValue();
      y = neighbor[x]!;
      if (dist === D[rowStart(x) + y]) break;
      findMin(x);
      y = fy; dist = fd;
      neighbor[x] = y; minDist[x] = dist;
      heap.change(x, dist);
    }
    heap.removeMin();
    let idx = id[x]!, idy = id[y]!;
    const nx = size[x]!, ny = size[y]!;
    if (idx > idy) { const t = idx; idx = idy; idy = t; }
    z[4 * k] = idx; z[4 * k + 1] = idy; z[4 * k + 2] = dist; z[4 * k + 3] = nx + ny;
    size[x] = 0;
    const px = prev[x]!, nxx = next[x]!;
    if (x === head) head = nxx; else next[px] = nxx;
    prev[nxx] = px;
    size[y] = nx + ny;
    id[y] = n + k;
    const bx = rowStart(x), by = rowStart(y);
    for (let i = head; i < n; i = next[i]!) {
      if (i === y) continue;
      const ix = i < x ? rowStart(i) + x : bx + i;
      const iy = i < y ? rowStart(i) + y : by + i;
      D[iy] = lanceWilliams(code, D[ix]!, D[iy]!, dist, nx, ny, size[i]!, clamp);
    }
    // neighbour candidates pointing at the dropped x now point at y (a guess, checked lazily)
    for (let i = head; i < x; i = next[i]!) if (neighbor[i] === x) neighbor[i] = y;
    // lower the bounds of clusters below y whose distance to the new cluster is smaller
    for (let i = head; i < y; i = next[i]!) {
      const v = D[rowStart(i) + y]!;
      if (v < minDist[i]!) { neighbor[i] = y; minDist[i] = v; heap.change(i, v); }
    }
    if (y < n - 1) {
      findMin(y);
      if (fy !== -1) { neighbor[y] = fy; minDist[y] = fd; heap.change(y, fd); }
    }
    if (k % every === 0) ctl.onProgress?.({ stage: `${where}: merging`, done: k + 1, total: n - 1 });
  }
  return z;
}
