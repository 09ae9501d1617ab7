/**
 * The nearest-neighbour chain algorithm (Murtagh 1983; Müllner 2011, "Modern hierarchical,
 * agglomerative clustering algorithms", fig. 5) for the reducible methods complete, average,
 * weighted and ward: SciPy 1.10's `nn_chain`, with its tie rules.
 *
 * The chain grows from the lowest-index live cluster by following nearest neighbours (scanning
 * live clusters in index order, strict `<`, and preferring the previous chain element, so ties
 * cannot cycle) until two clusters are each other's nearest; they merge into the slot of the
 * higher index and the chain loses its last two entries. The work matrix is updated in place by
 * Lance–Williams. Merges come out in chain order, not by height: the caller sorts them (stable)
 * and relabels (`labelSorted`), as SciPy does.
 *
 * Cost O(n²) time, no memory beyond the work matrix `D` (mutated) and O(n) arrays.
 */
import { checkAbort, type RunControl } from '../core/control.js';
import type { Condensed } from './condensed.js';
import { lanceWilliams, type MethodCode, type ClampCount } from './lanceWilliams.js';

/** Unsorted merges [x, y, height, size] in slot numbers ((n−1) × 4). `D` is overwritten. */
export function nnChain(D: Condensed, n: number, code: MethodCode, ctl: RunControl, clamp: ClampCount, where: string): Float64Array {
  const z = new Float64Array((n - 1) * 4);
  const size = new Int32Array(n).fill(1);
  // live clusters as a doubly linked list in increasing index order (sentinel n)
  const next = new Int32Array(n + 1), prev = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) { next[i] = i + 1; prev[i] = i - 1; }
  next[n] = n; prev[0] = n;
  let head = 0;
  const chain = new Int32Array(n);
  let len = 0;
  const every = Math.max(1, Math.floor(n / 100));
  // position of pair (i, x) for i < x is rowStart(i) + x; for i > x it is rowStart(x) + i
  const rowStart = (i: number): number => n * i - (i * (i + 1)) / 2 - i - 1;
  for (let k = 0; k < n - 1; k++) {
    if ((k & 63) === 0) checkAbort(ctl.signal, where);
    if (len === 0) { chain[0] = head; len = 1; }
    let x = 0, y = -1, cur = Infinity;
    for (;;) {
      x = chain[len - 1]!;
      if (len > 1) {
        y = chain[len - 2]!;
        cur = D[x < y ? rowStart(x) + y : rowStart(y) + x]!;
      } else { cur = Infinity; y = -1; }
      const bx = rowStart(x);
      for (let i = head; i < n; i = next[i]!) {
        if (i === x) continue;
        const v = D[i < x ? rowStart(i) + x : bx + i]!;
        if (v < cur) { cur = v; y = i; }
      }
      if (len > 1 && y === chain[len - 2]) break;
      chain[len++] = y;
    }
    len -= 2;
    if (x > y) { const t = x; x = y; y = t; }
    const nx = size[x]!, ny = size[y]!;
    z[4 * k] = x; z[4 * k + 1] = y; z[4 * k + 2] = cur; z[4 * k + 3] = nx + ny;
    // drop x, keep the union in y
    size[x] = 0;
    const px = prev[x]!, nxt = next[x]!;
    if (x === head) head = nxt; else next[px] = nxt;
    prev[nxt] = px;
    size[y] = nx + ny;
    const bx = rowStart(x), by = rowStart(y);
    for (let i = head; i < n; i = next[i]!) {
      if (i === y) continue;
      const ix = i < x ? rowStart(i) + x : bx + i;
      const iy = i < y ? rowStart(i) + y : by + i;
      D[iy] = lanceWilliams(code, D[ix]!, D[iy]!, cur, nx, ny, size[i]!, clamp);
    }
    if (k % every === 0) ctl.onProgress?.({ stage: `${where}: merging`, done: k + 1, total: n - 1 });
  }
  return z;
}
