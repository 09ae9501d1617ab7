/**
 * Scores derived from the condensed tree and the MST: GLOSH outlier scores, exemplars and the
 * library's relative validity, as the hdbscan library defines them.
 */
import type { CondensedTree } from './condense.js';
import type { TreeIndex } from './select.js';
import type { MstEdges } from './mst.js';

/** Largest λ of any row in each cluster's whole subtree. [nClusters] */
export function subtreeMaxLambda(ix: TreeIndex): Float64Array {
  const m = Float64Array.from(ix.ownMaxLambda);
  for (let c = ix.nClusters - 1; c >= 1; c--) {
    const p = ix.parentOf[c]! - ix.n;
    if (m[c]! > m[p]!) m[p] = m[c]!;
  }
  return m;
}

/**
 * GLOSH (Campello et al. 2015) as the hdbscan library computes it (`outlier_scores`): for the
 * point's row (C, p, λ_p), (λ_max(C) − λ_p) / λ_max(C) with λ_max(C) the largest λ in C's
 * subtree; 0 when λ_max(C) = 0 or λ_p = ∞. Where the library divides ∞ by ∞ (λ_max(C) = ∞,
 * λ_p finite, from duplicate points) it returns NaN; this returns 1, the limit. [n]
 */
export function glosh(t: CondensedTree, ix: TreeIndex): Float64Array {
  const sub = subtreeMaxLambda(ix), out = new Float64Array(ix.n);
  for (let p = 0; p < ix.n; p++) {
    const row = ix.pointRow[p]!;
    if (row < 0) continue;
    const lm = sub[t.parent[row]! - ix.n]!, lp = t.lambdaVal[row]!;
    out[p] = lm === 0 || lp === Infinity ? 0 : lm === Infinity ? 1 : (lm - lp) / lm;
  }
  return out;
}

/**
 * Exemplars of each selected cluster (the library's `exemplars_`, as row indices): the leaf
 * clusters below it (depth first, left child first) and in each leaf the points whose λ equals
 * that leaf's largest λ, in tree-row order. Returns flat rows and offsets [k + 1].
 */
export function exemplars(t: CondensedTree, ix: TreeIndex, selected: Int32Array): { rows: Int32Array; offsets: Int32Array } {
  const n = ix.n, rows: number[] = [], offsets = new Int32Array(selected.length + 1);
  // points of each leaf at its largest λ, in row order
  const atMax: number[][] = Array.from({ length: ix.nClusters }, () => []);
  for (let i = 0; i < t.child.length; i++) {
    const c = t.child[i]!, p = t.parent[i]! - n;
    if (c < n && ix.children[2 * p] === -1 && t.lambdaVal[i] === ix.ownMaxLambda[p]) atMax[p]!.push(c);
  }
  selected.forEach((s, r) => {
    const stack = [s];
    while (stack.length) {
      const c = stack.pop()!, a = ix.children[2 * (c - n)]!;
      if (a < 0) rows.push(...atMax[c - n]!);
      else stack.push(ix.children[2 * (c - n) + 1]!, a);
    }
    offsets[r + 1] = rows.length;
  });
  return { rows: Int32Array.from(rows), offsets };
}

/**
 * The hdbscan library's `relative_validity_`: a fast DBCV-like score on the mutual-reachability
 * MST. Per cluster, density sparseness DSC = the longest MST edge inside it and separation DSPC =
 * the shortest edge to another cluster (2 × the longest MST edge when none; with one cluster,
 * 2 × the shortest cluster–noise edge, or the longest edge when none); V = (DSPC − DSC) /
 * max(DSPC, DSC); score Σ |C|·V / n (noise counted in n). Not the full DBCV of Moulavi et al.
 */
export function relativeValidity(labels: Int32Array, k: number, mst: MstEdges): number {
  const n = labels.length;
  if (k === 0) return 0;
  const size = new Float64Array(k), dsc = new Float64Array(k), dspc = new Float64Array(k).fill(Infinity);
  for (let i = 0; i < n; i++) if (labels[i]! >= 0) size[labels[i]!]!++;
  let minOutlierSep = Infinity, maxDist = 0;
  for (let e = 0; e < mst.distance.length; e++) {
    const a = labels[mst.from[e]!]!, b = labels[mst.to[e]!]!, w = mst.distance[e]!;
    if (w > maxDist) maxDist = w;
    if (a === -1 && b === -1) continue;
    if (a === -1 || b === -1) { if (w < minOutlierSep) minOutlierSep = w; continue; }
    if (a === b) { if (w > dsc[a]!) dsc[a] = w; } else {
      if (w < dspc[a]!) dspc[a] = w;
      if (w < dspc[b]!) dspc[b] = w;
    }
  }
  if (minOutlierSep === Infinity) minOutlierSep = maxDist;
  const correction = 2 * (k > 1 ? maxDist : minOutlierSep);
  let score = 0;
  for (let c = 0; c < k; c++) {
    const sep = dspc[c] === Infinity ? correction : dspc[c]!;
    const den = Math.max(sep, dsc[c]!);
    const v = den > 0 ? (sep - dsc[c]!) / den : 0;
    score += size[c]! * v / n;
  }
  return score;
}
