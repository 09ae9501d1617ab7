/**
 * Flat clusters from the condensed tree, with the hdbscan library's rules (`get_clusters`,
 * `epsilon_search`, `do_labelling`, `get_probabilities`, `get_stability_scores`).
 */
import type { CondensedTree } from './condense.js';

/** Per-cluster view of a condensed tree; cluster node c is at index c − n, the root is n. */
export interface TreeIndex {
  readonly n: number;
  readonly nClusters: number;
  /** Parent node of each cluster (−1 for the root). [nClusters] */
  readonly parentOf: Int32Array;
  /** λ at which each cluster was made (0 for the root). [nClusters] */
  readonly birth: Float64Array;
  /** Points in each cluster when made (n for the root). [nClusters] */
  readonly sizeOf: Int32Array;
  /** The two child clusters of each cluster in row order, −1 when it has none. [nClusters × 2] */
  readonly children: Int32Array;
  /** Largest λ among the rows whose parent is the cluster (0 if none): the library's `max_lambdas`. [nClusters] */
  readonly ownMaxLambda: Float64Array;
  /** Row of the condensed tree where each point leaves. [n] */
  readonly pointRow: Int32Array;
}

export function indexTree(t: CondensedTree, n: number, nClusters: number): TreeIndex {
  const parentOf = new Int32Array(nClusters).fill(-1), birth = new Float64Array(nClusters);
  const sizeOf = new Int32Array(nClusters), children = new Int32Array(2 * nClusters).fill(-1);
  const ownMaxLambda = new Float64Array(nClusters), pointRow = new Int32Array(n).fill(-1);
  if (nClusters > 0) sizeOf[0] = n;
  for (let i = 0; i < t.parent.length; i++) {
    const p = t.parent[i]! - n, c = t.child[i]!, l = t.lambdaVal[i]!;
    if (l > ownMaxLambda[p]!) ownMaxLambda[p] = l;
    if (c < n) { pointRow[c] = i; continue; }
    const ci = c - n;
    parentOf[ci] = p + n; birth[ci] = l; sizeOf[ci] = t.childSize[i]!;
    if (children[2 * p] === -1) children[2 * p] = c; else children[2 * p + 1] = c;
  }
  return { n, nClusters, parentOf, birth, sizeOf, children, ownMaxLambda, pointRow };
}

export interface SelectOptions {
  readonly method: 'eom' | 'leaf';
  readonly allowSingleCluster: boolean;
  readonly epsilon: number;
  readonly maxClusterSize: number;
}

/**
 * Selected cluster nodes, ascending. `stab` [nClusters] is updated as the library's selection
 * leaves it (EOM replaces a node's value by its children's sum, rounded to float32 as the
 * library's `cdef float`, where that sum is larger), which `persistence` then reads.
 */
export function selectClusters(ix: TreeIndex, stab: Float64Array, o: SelectOptions): Int32Array {
  const { n, nClusters: nc, children } = ix;
  if (nc === 0) return new Int32Array(0);
  const root = n;
  let chosen: number[];
  const hasTree = nc > 1;
  if (o.method === 'eom') {
    const maxSize = o.maxClusterSize <= 0 ? n + 1 : o.maxClusterSize;
    const cond = new Uint8Array(nc);
    const last = o.allowSingleCluster ? 0 : 1;
    for (let c = nc - 1; c >= last; c--) {
      const a = children[2 * c]!, b = children[2 * c + 1]!;
      const sub = a < 0 ? 0 : Math.fround(stab[a - n]! + stab[b - n]!);
      // the library sizes the root as the sum of its child clusters (0 when it has none)
      const size = c === 0 ? (a < 0 ? 0 : ix.sizeOf[a - n]! + ix.sizeOf[b - n]!) : ix.sizeOf[c]!;
      if (sub > stab[c]! || size > maxSize) { cond[c] = 0; stab[c] = sub; } else cond[c] = 1;
    }
    // a node is selected when it qualifies and no ancestor does (top-down; parents have lower ids)
    const sel = new Uint8Array(nc), blocked = new Uint8Array(nc);
    chosen = [];
    for (let c = 0; c < nc; c++) {
      const p = ix.parentOf[c]!;
      if (p >= 0) blocked[c] = blocked[p - n]! | sel[p - n]!;
      if (cond[c] && !blocked[c]) { sel[c] = 1; chosen.push(c + n); }
    }
    if (o.epsilon !== 0 && hasTree) {
      if (chosen.length === 1 && chosen[0] === root) chosen = o.allowSingleCluster ? chosen : [];
      else chosen = epsilonSearch(ix, chosen, o.epsilon, o.allowSingleCluster);
    }
  } else {
    const leaves: number[] = [];
    if (hasTree) {
      const stack = [root];
      while (stack.length) {
        const c = stack.pop()!, a = children[2 * (c - n)]!, b = children[2 * (c - n) + 1]!;
        if (a < 0) leaves.push(c); else stack.push(b, a);
      }
    }
    chosen = leaves.length === 0 ? [] : o.epsilon !== 0 ? epsilonSearch(ix, leaves, o.epsilon, o.allowSingleCluster) : leaves;
  }
  return Int32Array.from(new Set(chosen)).sort();
}

/**
 * Malzer & Baum's ε rule as the library applies it: a selected node made below ε (distance
 * 1/λ_birth < ε) is replaced by its nearest ancestor made above ε; below the root's children it
 * stops at the child (or at the root with allowSingleCluster).
 */
function epsilonSearch(ix: TreeIndex, leaves: readonly number[], eps: number, allowSingle: boolean): number[] {
  const n = ix.n, root = n, out: number[] = [], processed = new Uint8Array(ix.nClusters);
  const up = (leaf: number): number => {
    for (;;) {
      const p = ix.parentOf[leaf - n]!;
      if (p === root) return allowSingle ? root : leaf;
      if (1 / ix.birth[p - n]! > eps) return p;
      leaf = p;
    }
  };
  for (const leaf of leaves) {
    if (leaf === root || !(1 / ix.birth[leaf - n]! < eps)) { out.push(leaf); continue; }
    if (processed[leaf - n]) continue;
    const top = up(leaf);
    out.push(top);
    const stack = [top];
    while (stack.length) {
      const c = stack.pop()!;
      if (c !== top) processed[c - n] = 1;
      const a = ix.children[2 * (c - n)]!;
      if (a >= 0) stack.push(a, ix.children[2 * (c - n) + 1]!);
    }
  }
  return out;
}

/**
 * Labels (−1 noise, else the rank of the point's nearest selected ancestor among the selected
 * nodes) and membership probabilities min(λ_p, λ_max(S)) / λ_max(S) (1 when λ_max(S) = 0 or
 * λ_p = ∞; 0 for noise). With the root as the only cluster (allowSingleCluster), a point belongs
 * when λ_p ≥ 1/ε (ε > 0) or λ_p ≥ the largest λ of the root's own rows, as the library.
 */
export function labelPoints(t: CondensedTree, ix: TreeIndex, selected: Int32Array, o: SelectOptions):
  { labels: Int32Array; probabilities: Float64Array } {
  const { n, nClusters: nc } = ix;
  const labels = new Int32Array(n).fill(-1), probabilities = new Float64Array(n);
  if (nc === 0) return { labels, probabilities };
  const rank = new Int32Array(nc).fill(-1);
  selected.forEach((c, r) => { rank[c - n] = r; });
  // top[c]: the selected node a point under c is labelled with (−2 = reaches the root)
  const top = new Int32Array(nc);
  for (let c = 0; c < nc; c++) {
    if (c === 0) top[c] = -2;
    else top[c] = rank[c]! >= 0 ? c : top[ix.parentOf[c]! - n]!;
  }
  const rootOnly = selected.length === 1 && selected[0] === n && o.allowSingleCluster;
  const rootCut = o.epsilon !== 0 ? 1 / o.epsilon : ix.ownMaxLambda[0]!;
  for (let p = 0; p < n; p++) {
    const row = ix.pointRow[p]!;
    if (row < 0) continue;
    const lp = t.lambdaVal[row]!, c = top[t.parent[row]! - n]!;
    let s: number;
    if (c === -2) {
      if (!rootOnly || !(lp >= rootCut)) continue;
      s = 0;
    } else s = c;
    labels[p] = rank[s]!;
    const ml = ix.ownMaxLambda[s]!;
    probabilities[p] = ml === 0 || lp === Infinity ? 1 : Math.min(lp, ml) / ml;
  }
  return { labels, probabilities };
}

/**
 * Cluster persistence: stability(S) / (|S| × largest λ in the tree), |S| = points labelled S;
 * 1 when that λ is 0 or ∞ or S is empty (the library's `get_stability_scores`). [k]
 */
export function persistence(t: CondensedTree, n: number, selected: Int32Array, stab: Float64Array, labels: Int32Array): Float64Array {
  let maxL = 0;
  for (let i = 0; i < t.lambdaVal.length; i++) if (t.lambdaVal[i]! > maxL) maxL = t.lambdaVal[i]!;
  const size = new Int32Array(selected.length);
  for (let i = 0; i < labels.length; i++) if (labels[i]! >= 0) size[labels[i]!]!++;
  const out = new Float64Array(selected.length);
  selected.forEach((c, r) => {
    out[r] = maxL === Infinity || maxL === 0 || size[r] === 0 ? 1 : stab[c - n]! / (size[r]! * maxL);
  });
  return out;
}
