/**
 * Exact mutual-reachability MST by Borůvka's algorithm over the neighbour layer's KD-tree
 * (euclidean or manhattan), in the spirit of McInnes & Healy (2017, "Accelerated hierarchical
 * density clustering") and fast_hdbscan.
 *
 * Each round finds, for every component, its lightest edge to another component: every point p
 * searches the tree for its lightest mutual-reachability edge max(core(p), core(q), d(p, q) / α)
 * to a point q of another component, skipping subtrees that hold only p's component, and
 * subtrees whose lower bound max(core(p), least core in the subtree, box distance / α) exceeds
 * the best edge its component has so far; points whose own core distance exceeds it are skipped.
 * The chosen edges join components (union–find); rounds repeat until one component is left
 * (≤ log₂ n rounds).
 *
 * Ties: a component keeps the first lightest edge its search meets (searches stop at bounds equal
 * to the best so far, which matters: a point's core distance is the weight of many of its edges).
 * Each round's chosen edges are then added in ascending weight, skipping any that would close a
 * cycle (union–find), which keeps the result a minimum spanning tree whatever the tie choices
 * (checked against Kruskal in the tests, and on random small graphs with heavy ties).
 * Weights are the exact row formulas (float64 sums over the float32 values), the same values as
 * Prim's (mst.ts), so both give the same multiset of MST weights. Memory O(n + tree).
 */
import type { KDTree } from '../../neighbors/index.js';
import { checkAbort, type RunControl } from '../../core/control.js';
import { toDistance, type HdbscanMetric } from './distances.js';
import type { MstEdges } from './mst.js';

/**
 * @param core core distances in units (squared for euclidean), by row [n].
 * @returns the n − 1 MST edges (rows and plain distances), in the order found.
 */
export function boruvkaMst(tree: KDTree, metric: HdbscanMetric, core: Float64Array, alpha: number,
  ctl: RunControl, where: string): MstEdges {
  const { n, d, points, index, nodeStart, nodeEnd, nodeLeft, nodeRight, lo, hi, nodeCount } = tree;
  const from = new Int32Array(Math.max(0, n - 1)), to = new Int32Array(Math.max(0, n - 1));
  const distance = new Float64Array(Math.max(0, n - 1));
  if (n < 2) return { from, to, distance };
  const l2 = metric === 'euclidean';
  const scale = alpha === 1 ? 1 : l2 ? 1 / (alpha * alpha) : 1 / alpha;

  // per tree position: core units and component (a union–find root, by position)
  const coreP = new Float64Array(n);
  for (let p = 0; p < n; p++) coreP[p] = core[index[p]!]!;
  const parent = new Int32Array(n);
  for (let p = 0; p < n; p++) parent[p] = p;
  const find = (v: number): number => {
    let r = v;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[v] !== r) { const nx = parent[v]!; parent[v] = r; v = nx; }
    return r;
  };
  const comp = new Int32Array(n);
  for (let p = 0; p < n; p++) comp[p] = p;

  // per node: least core units below it (static) and its single component (−1 = mixed)
  const minCore = new Float64Array(nodeCount), nodeComp = new Int32Array(nodeCount);
  for (let v = nodeCount - 1; v >= 0; v--) {
    const l = nodeLeft[v]!;
    if (l < 0) {
      let m = Infinity;
      for (let p = nodeStart[v]!; p < nodeEnd[v]!; p++) if (coreP[p]! < m) m = coreP[p]!;
      minCore[v] = m;
    } else minCore[v] = Math.min(minCore[l]!, minCore[nodeRight[v]!]!);
  }

  // best edge per component (indexed by root position): weight and its two positions
  const half = d >> 1;
  const bestW = new Float64Array(n), bestA = new Int32Array(n), bestB = new Int32Array(n);
  const stack = new Int32Array(2 * nodeCount + 2), stackBound = new Float64Array(2 * nodeCount + 2);

  /**
   * Units from position p to node v's box, scaled by 1/α: a lower bound on d(p, q)/α for q in v.
   * Returns Infinity once a partial sum (after half of the terms) reaches `lim`: the full bound
   * would reach it too (the sum only grows), and callers only compare it with `lim`.
   */
  const boxBound = (po: number, v: number, lim: number): number => {
    const o = v * d;
    let s = 0, t = 0;
    if (l2) {
      for (; t < half; t++) {
        const x = points[po + t]!, a = lo[o + t]! - x, b = x - hi[o + t]!;
        const g = a > 0 ? a : b > 0 ? b : 0;
        s += g * g;
      }
      if (s * scale >= lim) return Infinity;
      for (; t < d; t++) {
        const x = points[po + t]!, a = lo[o + t]! - x, b = x - hi[o + t]!;
        const g = a > 0 ? a : b > 0 ? b : 0;
        s += g * g;
      }
    } else {
      for (; t < half; t++) {
        const x = points[po + t]!, a = lo[o + t]! - x, b = x - hi[o + t]!;
        s += a > 0 ? a : b > 0 ? b : 0;
      }
      if (s * scale >= lim) return Infinity;
      for (; t < d; t++) {
        const x = points[po + t]!, a = lo[o + t]! - x, b = x - hi[o + t]!;
        s += a > 0 ? a : b > 0 ? b : 0;
      }
    }
    return s * scale;
  };

  /** Search the lightest edge from position p to another component; update its component's best. */
  const search = (p: number, c: number): void => {
    const cp = coreP[p]!, po = p * d;
    let sp = 0;
    stack[sp] = 0; stackBound[sp] = cp; sp++;
    while (sp > 0) {
      sp--;
      const v = stack[sp]!;
      if (stackBound[sp]! >= bestW[c]!) continue;
      const l = nodeLeft[v]!;
      if (l < 0) {
        for (let q = nodeStart[v]!; q < nodeEnd[v]!; q++) {
          if (comp[q] === c) continue;
          let w = coreP[q]!;
          if (w < cp) w = cp;
          if (w >= bestW[c]!) continue;
          const qo = q * d;
          let s = 0, t = 0;
          // the sum only grows: once a partial sum reaches the best weight, this edge cannot win
          if (l2) {
            for (; t < half; t++) { const u = points[po + t]! - points[qo + t]!; s += u * u; }
            if (s * scale >= bestW[c]!) continue;
            for (; t < d; t++) { const u = points[po + t]! - points[qo + t]!; s += u * u; }
          } else {
            for (; t < half; t++) { const u = points[po + t]! - points[qo + t]!; s += u < 0 ? -u : u; }
            if (s * scale >= bestW[c]!) continue;
            for (; t < d; t++) { const u = points[po + t]! - points[qo + t]!; s += u < 0 ? -u : u; }
          }
          s *= scale;
          if (s > w) w = s;
          if (w < bestW[c]!) { bestW[c] = w; bestA[c] = p; bestB[c] = q; }
        }
        continue;
      }
      const r = nodeRight[v]!;
      // push the farther child first so the nearer is searched first
      // a child is pushed iff its bound max(box / α, core(p), least core) is below the best weight;
      // the box part is skipped or cut short when the rest already decides (same decisions)
      let bl = -1, br = -1;
      const lim = bestW[c]!;
      if (nodeComp[l] !== c) { const m = Math.max(cp, minCore[l]!); bl = m >= lim ? m : Math.max(boxBound(po, l, lim), m); }
      if (nodeComp[r] !== c) { const m = Math.max(cp, minCore[r]!); br = m >= lim ? m : Math.max(boxBound(po, r, lim), m); }
      if (bl >= 0 && br >= 0) {
        if (bl <= br) {
          if (br < lim) { stack[sp] = r; stackBound[sp] = br; sp++; }
          if (bl < lim) { stack[sp] = l; stackBound[sp] = bl; sp++; }
        } else {
          if (bl < lim) { stack[sp] = l; stackBound[sp] = bl; sp++; }
          if (br < lim) { stack[sp] = r; stackBound[sp] = br; sp++; }
        }
      } else if (bl >= 0) {
        if (bl < lim) { stack[sp] = l; stackBound[sp] = bl; sp++; }
      } else if (br >= 0 && br < lim) { stack[sp] = r; stackBound[sp] = br; sp++; }
    }
  };

  const order = new Int32Array(n);
  let edges = 0, round = 0;
  while (edges < n - 1) {
    checkAbort(ctl.signal, where);
    ctl.onProgress?.({ stage: `${where}: spanning tree`, done: edges, total: n - 1 });
    round++;
    // node components for this round (children have higher ids than parents)
    for (let v = nodeCount - 1; v >= 0; v--) {
      const l = nodeLeft[v]!;
      if (l < 0) {
        const s = nodeStart[v]!, c0 = comp[s]!;
        let c = c0;
        for (let p = s + 1; p < nodeEnd[v]!; p++) if (comp[p] !== c0) { c = -1; break; }
        nodeComp[v] = c;
      } else {
        const a = nodeComp[l]!;
        nodeComp[v] = a >= 0 && a === nodeComp[nodeRight[v]!] ? a : -1;
      }
    }
    for (let p = 0; p < n; p++) if (comp[p] === p) { bestW[p] = Infinity; bestA[p] = -1; bestB[p] = -1; }
    for (let p = 0; p < n; p++) {
      const c = comp[p]!;
      if (coreP[p]! >= bestW[c]!) continue;
      search(p, c);
      if ((p & 0xffff) === 0xffff) checkAbort(ctl.signal, where);
    }
    let added = 0, nc = 0;
    for (let c = 0; c < n; c++) if (comp[c] === c && bestA[c]! >= 0) order[nc++] = c;
    const chosen = order.subarray(0, nc).sort((x, y) => bestW[x]! - bestW[y]! || x - y);
    for (const c of chosen) {
      const a = bestA[c]!, b = bestB[c]!, ra = find(a), rb = find(b);
      if (ra === rb) continue; // the same edge chosen by both of its components, or a tie that would close a cycle
      parent[ra] = rb;
      from[edges] = index[a]!; to[edges] = index[b]!; distance[edges] = toDistance(metric, bestW[c]!);
      edges++; added++;
    }
    if (added === 0) throw new Error(`${where}: Borůvka made no progress in round ${round} (internal error).`);
    for (let p = 0; p < n; p++) comp[p] = find(p);
  }
  return { from, to, distance };
}
