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
 * Work saved between and within rounds, none of it changing the edges chosen:
 * - each point keeps its lightest edge out (nfW, nfQ); while the other end stays outside its
 *   component that edge is still what a new search would return, so only the others search;
 *   a point that found nothing keeps a lower bound instead, which only rises as components grow;
 * - edges are symmetric, so w(p, q) ≥ bound(q): searches skip points and subtrees (least bound
 *   per node) whose bounds already reach the best weight, and a node of one component whose
 *   every edge out provably weighs more than its component's best (nodeClear) is passed over;
 * - mixed leaves search first (edges out are found there), then single-component nodes with the
 *   heaviest component best first, so their raised bounds spare the later searches;
 * - first round: the k-NN list of the core distances gives each point an upper bound on its
 *   answer, and the answer itself when it proves the lightest edge weighs core(p) (firstQ).
 * On 100 000 × 10-D blobs (bench) this cut the distance evaluations of the four rounds from
 * ≈ 76 M + 0.2 M + 52 M + 7 M to 0.02 M + 0.2 M + 20 M + 1.2 M, with the same MST.
 *
 * Ties: a point's answer is the first lightest edge its search meets (the order is fixed: children
 * by bound, nearer first, left on equal bounds; leaves by position; pruning only drops subtrees),
 * and a component keeps the least (weight, position of its point) among its points' answers
 * (a point's core distance is the weight of many of its edges, so ties are common).
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

const f64 = new Float64Array(1), u32 = new Uint32Array(f64.buffer);
/** The next float64 above x ≥ 0 (finite). */
function nextUp(x: number): number {
  if (x === Infinity) return x;
  f64[0] = x;
  const lo = (u32[0]! + 1) >>> 0;
  u32[0] = lo;
  if (lo === 0) u32[1] = u32[1]! + 1;
  return f64[0]!;
}

/**
 * @param core core distances in units (squared for euclidean), by row [n].
 * @param neighbors optional k nearest rows of each row [n × k] (the core-distance search's): their
 *   edges bound each point's first-round answer from above, so that search prunes from the start.
 * @returns the n − 1 MST edges (rows and plain distances), in the order found.
 */
export function boruvkaMst(tree: KDTree, metric: HdbscanMetric, core: Float64Array, alpha: number,
  ctl: RunControl, where: string, neighbors: Int32Array | null = null): MstEdges {
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
  // per component: an upper bound on its best weight from edges found by other components'
  // searches (an edge out of one is an edge out of the other); it caps searches, never picks
  const upper = new Float64Array(n);
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

  /**
   * The lightest edge from position p to another component that weighs less than `cap`: sets
   * foundW / foundQ (foundQ = −1 when there is none). Among equal weights it keeps the first met
   * in the search order, which is fixed (children by their bounds, nearer first, left on ties;
   * leaves by position): pruning only drops subtrees, never reorders them.
   */
  let foundW = Infinity, foundQ = -1;
  const search = (p: number, c: number, cap: number): void => {
    const cp = coreP[p]!, po = p * d;
    let bw = cap;
    foundQ = -1;
    let sp = 0;
    stack[sp] = 0; stackBound[sp] = cp; sp++;
    while (sp > 0) {
      sp--;
      const v = stack[sp]!;
      if (stackBound[sp]! >= bw) continue;
      const l = nodeLeft[v]!;
      if (l < 0) {
        for (let q = nodeStart[v]!; q < nodeEnd[v]!; q++) {
          if (comp[q] === c || nfW[q]! >= bw) continue; // w(p, q) ≥ q's own lower bound
          let w = coreP[q]!;
          if (w < cp) w = cp;
          if (w >= bw) continue;
          const qo = q * d;
          let s = 0, t = 0;
          // the sum only grows: once a partial sum reaches the best weight, this edge cannot win
          if (l2) {
            for (; t < half; t++) { const u = points[po + t]! - points[qo + t]!; s += u * u; }
            if (s * scale >= bw) continue;
            for (; t < d; t++) { const u = points[po + t]! - points[qo + t]!; s += u * u; }
          } else {
            for (; t < half; t++) { const u = points[po + t]! - points[qo + t]!; s += u < 0 ? -u : u; }
            if (s * scale >= bw) continue;
            for (; t < d; t++) { const u = points[po + t]! - points[qo + t]!; s += u < 0 ? -u : u; }
          }
          s *= scale;
          if (s > w) w = s;
          if (w < bw) { bw = w; foundQ = q; }
        }
        continue;
      }
      const r = nodeRight[v]!;
      // push the farther child first so the nearer is searched first
      // a child is pushed iff its bound max(box / α, core(p), least core) is below the best weight
      // and so is the least lower bound of its points (minLB, which never reorders: the order
      // of pushed children depends on the first bound only); the box part is skipped or cut
      // short when the rest already decides (same decisions)
      let bl = -1, br = -1;
      const lim = bw;
      if (nodeComp[l] !== c) {
        const m = Math.max(cp, minCore[l]!);
        bl = m >= lim || minLB[l]! >= lim ? Infinity : Math.max(boxBound(po, l, lim), m);
      }
      if (nodeComp[r] !== c) {
        const m = Math.max(cp, minCore[r]!);
        br = m >= lim || minLB[r]! >= lim ? Infinity : Math.max(boxBound(po, r, lim), m);
      }
      if (bl >= 0 && br >= 0) {
        if (bl <= br) {
          if (br < lim) { stack[sp] = r; stackBound[sp] = Math.max(br, minLB[r]!); sp++; }
          if (bl < lim) { stack[sp] = l; stackBound[sp] = Math.max(bl, minLB[l]!); sp++; }
        } else {
          if (bl < lim) { stack[sp] = l; stackBound[sp] = Math.max(bl, minLB[l]!); sp++; }
          if (br < lim) { stack[sp] = r; stackBound[sp] = Math.max(br, minLB[r]!); sp++; }
        }
      } else if (bl >= 0) {
        if (bl < lim) { stack[sp] = l; stackBound[sp] = Math.max(bl, minLB[l]!); sp++; }
      } else if (br >= 0 && br < lim) { stack[sp] = r; stackBound[sp] = Math.max(br, minLB[r]!); sp++; }
    }
    foundW = bw;
  };

  /**
   * Units from node u's box to node v's box, scaled by 1/α: a lower bound on d(p, q)/α for p in
   * u, q in v (the float64 differences of box sides are monotone, as those of points).
   */
  const boxBoxBound = (u: number, v: number): number => {
    const ou = u * d, ov = v * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const a = lo[ov + t]! - hi[ou + t]!, b = lo[ou + t]! - hi[ov + t]!;
      const g = a > 0 ? a : b > 0 ? b : 0;
      s += l2 ? g * g : g;
    }
    return s * scale;
  };
  /** The same from node u's box to the point at position q. */
  const boxPointBound = (u: number, q: number): number => {
    const ou = u * d, qo = q * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const x = points[qo + t]!, a = lo[ou + t]! - x, b = x - hi[ou + t]!;
      const g = a > 0 ? a : b > 0 ? b : 0;
      s += l2 ? g * g : g;
    }
    return s * scale;
  };
  /**
   * True when every edge from a point of node u (all in component c) to another component weighs
   * more than lim: bounds max(least core of u, least core of v, box distance / α) over the tree,
   * nearer subtrees first; false at the first point of another component that the bounds
   * cannot rule out.
   */
  const nodeClear = (u: number, c: number, lim: number): boolean => {
    const mq = minLB[u]!; // every edge from a point weighs at least that point's lower bound
    if (mq > lim) return true;
    let sp = 0;
    stack[sp] = 0; stackBound[sp] = mq; sp++;
    while (sp > 0) {
      const v = stack[--sp]!;
      const l = nodeLeft[v]!;
      if (l < 0) {
        for (let q = nodeStart[v]!; q < nodeEnd[v]!; q++) {
          if (comp[q] === c || nfW[q]! > lim) continue;
          if (boxPointBound(u, q) <= lim) return false;
        }
        continue;
      }
      const r = nodeRight[v]!;
      let bl = Infinity, br = Infinity;
      if (nodeComp[l] !== c && minLB[l]! <= lim) { bl = boxBoxBound(u, l); if (bl < mq) bl = mq; }
      if (nodeComp[r] !== c && minLB[r]! <= lim) { br = boxBoxBound(u, r); if (br < mq) br = mq; }
      if (bl <= br) {
        if (br <= lim) { stack[sp] = r; stackBound[sp] = br; sp++; }
        if (bl <= lim) { stack[sp] = l; stackBound[sp] = bl; sp++; }
      } else {
        if (bl <= lim) { stack[sp] = l; stackBound[sp] = bl; sp++; }
        if (br <= lim) { stack[sp] = r; stackBound[sp] = br; sp++; }
      }
    }
    return true;
  };
  const qstack = new Int32Array(2 * nodeCount + 2);
  const pureUnits = new Int32Array(nodeCount), mixedUnits = new Int32Array(nodeCount);
  let searched = 0;
  /**
   * Points of leaf u without a cached edge: each searches unless its lower bound shows it cannot
   * beat its component's holder (W, h), the least (weight, position) so far; with an equal
   * weight it wins only below h, so then its search accepts w ≤ W (cap nextUp(W)). Points that
   * find nothing raise their bound to the cap.
   */
  const leafPoints = (u: number): void => {
    for (let p = nodeStart[u]!; p < nodeEnd[u]!; p++) {
      if (nfQ[p]! >= 0) continue;
      const c = comp[p]!, W = bestW[c]!, h = bestA[c]!, lb = nfW[p]!, U = upper[c]!;
      if (lb > W || (lb === W && p > h) || lb > U) continue;
      let cap = h >= 0 && p < h ? nextUp(W) : W;
      if (U < cap) { const cu = nextUp(U); if (cu < cap) cap = cu; } // an answer above U cannot win
      if (firstRound && firstCap[p]! < cap) cap = firstCap[p]!;
      if (firstRound && firstQ[p]! >= 0) { foundW = coreP[p]!; foundQ = firstQ[p]!; } else search(p, c, cap);
      if (foundQ >= 0) {
        nfW[p] = foundW; nfQ[p] = foundQ;
        if (foundW < W || p < h) { bestW[c] = foundW; bestA[c] = p; bestB[c] = foundQ; }
        const co = comp[foundQ]!; // the same edge leaves the other component: its best weighs ≤ it
        if (foundW < upper[co]!) upper[co] = foundW;
      } else nfW[p] = cap;
      if ((++searched & 0xffff) === 0) checkAbort(ctl.signal, where);
    }
    leafLB(u);
    raiseUp(u);
  };

  // per position: the lightest edge to another component found by its last search (nfW, nfQ),
  // or, when nfQ = −1, a lower bound nfW on it (edges only get heavier as components grow).
  // While nfQ stays outside the component, the edge is still the answer a new search would
  // give, ties included (see search), so only the other points search again.
  const nfW = Float64Array.from(coreP), nfQ = new Int32Array(n).fill(-1);
  // per node: the least nfW of its points, a lower bound on every edge from them to another
  // component (edges are symmetric, so searches from elsewhere skip such nodes too); kept
  // valid as bounds rise (up the tree from the node that changed)
  const minLB = new Float64Array(nodeCount), parentNode = new Int32Array(nodeCount).fill(-1);
  for (let v = 0; v < nodeCount; v++) if (nodeLeft[v]! >= 0) { parentNode[nodeLeft[v]!] = v; parentNode[nodeRight[v]!] = v; }
  const leafLB = (v: number): void => {
    let m = Infinity;
    for (let p = nodeStart[v]!; p < nodeEnd[v]!; p++) if (nfW[p]! < m) m = nfW[p]!;
    minLB[v] = m;
  };
  const raiseUp = (v: number): void => {
    for (let a = parentNode[v]!; a >= 0; a = parentNode[a]!) {
      const m = Math.min(minLB[nodeLeft[a]!]!, minLB[nodeRight[a]!]!);
      if (m <= minLB[a]!) break;
      minLB[a] = m;
    }
  };
  // first round: the lightest edge to one of its k nearest rows (the exact weight, as search
  // computes it) bounds a point's answer, so its search accepts only w ≤ that (cap = nextUp).
  // When that edge weighs core(p), the least possible, and the list provably holds every row q
  // with max(core(q), d(p, q)/α) ≤ core(p) (its last row lies beyond: d/α > core(p)), the search
  // is skipped: every node holding such a q has bound exactly core(p), so ties go left and the
  // search would meet first the one of least position (firstQ).
  const firstCap = new Float64Array(n).fill(Infinity), firstQ = new Int32Array(n).fill(-1);
  const kk = neighbors && neighbors.length > 0 ? neighbors.length / n : 0;
  const unitsPos = (po: number, qo: number): number => {
    let s = 0;
    if (l2) for (let c = 0; c < d; c++) { const u = points[po + c]! - points[qo + c]!; s += u * u; }
    else for (let c = 0; c < d; c++) { const u = points[po + c]! - points[qo + c]!; s += u < 0 ? -u : u; }
    return s * scale;
  };
  for (let p = 0; p < n && kk > 0; p++) {
    const i = index[p]!, cp = coreP[p]!, po = p * d;
    let ub = Infinity, least = -1;
    for (let t = 0; t < kk; t++) {
      const j = neighbors![i * kk + t]!;
      if (j === i) continue;
      const q = tree.position[j]!;
      let w = coreP[q]!;
      if (w < cp) w = cp;
      if (w > ub || (w === ub && w > cp)) continue;
      const s = unitsPos(po, q * d);
      if (s > w) w = s;
      if (w < ub) ub = w;
      if (w === cp && (least < 0 || q < least)) least = q;
    }
    firstCap[p] = nextUp(ub);
    if (least >= 0 && scale >= 1) {
      const jl = neighbors![i * kk + kk - 1]!;
      if (jl !== i && unitsPos(po, tree.position[jl]! * d) > cp) firstQ[p] = least;
    }
  }
  const order = new Int32Array(n);
  let edges = 0, round = 0, firstRound = true;
  while (edges < n - 1) {
    checkAbort(ctl.signal, where);
    ctl.onProgress?.({ stage: `${where}: spanning tree`, done: edges, total: n - 1 });
    round++;
    firstRound = round === 1;
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
    for (let p = 0; p < n; p++) if (comp[p] === p) { bestW[p] = Infinity; bestA[p] = -1; bestB[p] = -1; upper[p] = Infinity; }
    // a component keeps the lightest candidate, the lowest position on ties: (w, p) < (W, h)
    // (a) points whose cached edge still leaves their component: that edge is still their answer
    for (let p = 0; p < n; p++) {
      const q = nfQ[p]!;
      if (q < 0) continue;
      const c = comp[p]!;
      if (comp[q] === c) { nfQ[p] = -1; continue; } // absorbed: its weight stays a lower bound
      if (nfW[p]! < bestW[c]!) { bestW[c] = nfW[p]!; bestA[c] = p; bestB[c] = q; }
      if (nfW[p]! < upper[comp[q]!]!) upper[comp[q]!] = nfW[p]!;
    }
    for (let v = nodeCount - 1; v >= 0; v--) {
      if (nodeLeft[v]! < 0) leafLB(v);
      else minLB[v] = Math.min(minLB[nodeLeft[v]!]!, minLB[nodeRight[v]!]!);
    }
    // (b) the others search, unless their lower bound shows they cannot beat the holder: first
    // the leaves holding several components (where edges out are found), then the largest nodes
    // of one component, heaviest component best first (their raised bounds spare later searches,
    // as w(p, q) ≥ bound(q)); such a node whose every edge out weighs more than its component's
    // best (nodeClear) is passed over whole. The order changes only the work: the holder is the
    // least (weight, position) whatever the order (see leafPoints).
    let nm = 0, np = 0, qt = 0;
    qstack[qt++] = 0;
    while (qt > 0) {
      const u = qstack[--qt]!;
      if (nodeComp[u]! >= 0) { pureUnits[np++] = u; continue; }
      const l = nodeLeft[u]!;
      if (l >= 0) { qstack[qt++] = nodeRight[u]!; qstack[qt++] = l; } else mixedUnits[nm++] = u;
    }
    for (let t = 0; t < nm; t++) leafPoints(mixedUnits[t]!);
    const key = (v: number): number => Math.min(bestW[nodeComp[v]!]!, upper[nodeComp[v]!]!);
    const pure = pureUnits.subarray(0, np).sort((a, b) => key(b) - key(a) || a - b);
    for (let t = 0; t < np; t++) {
      qt = 0;
      qstack[qt++] = pure[t]!;
      while (qt > 0) {
        const u = qstack[--qt]!, cu = nodeComp[u]!;
        const lim = Math.min(bestW[cu]!, upper[cu]!);
        if (lim < Infinity && nodeClear(u, cu, lim)) {
          const lb = nextUp(lim);
          let m = Infinity;
          for (let p = nodeStart[u]!; p < nodeEnd[u]!; p++) {
            if (nfQ[p]! < 0 && nfW[p]! < lb) nfW[p] = lb;
            if (nfW[p]! < m) m = nfW[p]!; // points with a cached edge keep it (≥ their old bound)
          }
          minLB[u] = m;
          raiseUp(u);
          continue;
        }
        const l = nodeLeft[u]!;
        if (l >= 0) { qstack[qt++] = nodeRight[u]!; qstack[qt++] = l; } else leafPoints(u);
      }
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
