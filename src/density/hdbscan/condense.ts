/**
 * Single-linkage tree from sorted MST edges, the condensed tree, and cluster stability, following
 * the hdbscan library (`_hdbscan_linkage.label`, `_hdbscan_tree.condense_tree`,
 * `compute_stability`).
 */
import type { MstEdges } from './mst.js';

/**
 * SciPy-style single-linkage tree, columnar: row i merges `left[i]` and `right[i]` (points are
 * 0..n−1, the node made in row i is n + i) at `distance[i]`, giving a node of `size[i]` points.
 * Rows ascend in distance.
 */
export interface SingleLinkageTree {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly distance: Float64Array;
  readonly size: Int32Array;
}

/** Union–find over the sorted MST edges (left = root of the edge's first end, as the library). */
export function singleLinkage(n: number, edges: MstEdges): SingleLinkageTree {
  const ne = Math.max(0, n - 1);
  const left = new Int32Array(ne), right = new Int32Array(ne), size = new Int32Array(ne);
  const distance = Float64Array.from(edges.distance);
  const parent = new Int32Array(Math.max(1, 2 * n - 1)).fill(-1);
  const sz = new Int32Array(Math.max(1, 2 * n - 1));
  sz.fill(1, 0, n);
  const find = (v: number): number => {
    let r = v;
    while (parent[r] !== -1) r = parent[r]!;
    while (v !== r) { const p = parent[v]!; parent[v] = r; v = p; }
    return r;
  };
  for (let i = 0; i < ne; i++) {
    const a = find(edges.from[i]!), b = find(edges.to[i]!);
    left[i] = a; right[i] = b;
    const s = sz[a]! + sz[b]!;
    size[i] = s; sz[n + i] = s;
    parent[a] = n + i; parent[b] = n + i;
  }
  return { left, right, distance, size };
}

/**
 * The condensed tree as columns (the hdbscan library's `condensed_tree_.to_numpy()`): each row
 * says `child` (a point 0..n−1 or a cluster ≥ n + 1) leaves `parent` (a cluster; the root is n)
 * at λ = `lambdaVal` = 1 / distance, carrying `childSize` points. λ of a zero distance is
 * infinite in the library; results store `Number.MAX_VALUE` instead (JSON has no Infinity).
 */
export interface CondensedTree {
  readonly parent: Int32Array;
  readonly child: Int32Array;
  readonly lambdaVal: Float64Array;
  readonly childSize: Int32Array;
}

/**
 * Condense the single-linkage tree top-down (breadth first, left before right, as the library):
 * a merge whose sides both hold ≥ minClusterSize points makes two new clusters (numbered in the
 * order made); otherwise the points of each small side leave the current cluster at that λ,
 * one row each, and the current cluster continues as the large side. Internal λ may be Infinity.
 * Cost O(n).
 */
export function condenseTree(slt: SingleLinkageTree, n: number, minClusterSize: number): CondensedTree & { nClusters: number } {
  const cap = 2 * n + 2;
  const parent = new Int32Array(cap), child = new Int32Array(cap), lambdaVal = new Float64Array(cap), childSize = new Int32Array(cap);
  let rows = 0;
  const push = (p: number, c: number, l: number, s: number): void => {
    parent[rows] = p; child[rows] = c; lambdaVal[rows] = l; childSize[rows] = s; rows++;
  };
  if (n < 2) return { parent: parent.slice(0, 0), child: child.slice(0, 0), lambdaVal: lambdaVal.slice(0, 0), childSize: childSize.slice(0, 0), nClusters: 0 };
  const root = 2 * n - 2;
  const relabel = new Int32Array(2 * n - 1);
  relabel[root] = n;
  let next = n + 1;
  const count = (v: number): number => (v >= n ? slt.size[v - n]! : 1);
  // FIFO of hierarchy nodes that stand for a cluster; a second FIFO walks fragments that fall out.
  const queue = new Int32Array(2 * n - 1), frag = new Int32Array(2 * n - 1);
  let qh = 0, qt = 0;
  queue[qt++] = root;
  const emit = (sub: number, p: number, l: number): void => {
    let fh = 0, ft = 0;
    frag[ft++] = sub;
    while (fh < ft) {
      const v = frag[fh++]!;
      if (v < n) push(p, v, l, 1);
      else { frag[ft++] = slt.left[v - n]!; frag[ft++] = slt.right[v - n]!; }
    }
  };
  while (qh < qt) {
    const node = queue[qh++]!;
    if (node < n) continue;
    const r = node - n, a = slt.left[r]!, b = slt.right[r]!, dist = slt.distance[r]!;
    const l = dist > 0 ? 1 / dist : Infinity;
    const ca = count(a), cb = count(b), p = relabel[node]!;
    if (ca >= minClusterSize && cb >= minClusterSize) {
      relabel[a] = next++; push(p, relabel[a]!, l, ca);
      relabel[b] = next++; push(p, relabel[b]!, l, cb);
      queue[qt++] = a; queue[qt++] = b;
    } else if (ca < minClusterSize && cb < minClusterSize) {
      emit(a, p, l); emit(b, p, l);
    } else if (ca < minClusterSize) {
      relabel[b] = p; emit(a, p, l); queue[qt++] = b;
    } else {
      relabel[a] = p; emit(b, p, l); queue[qt++] = a;
    }
  }
  return {
    parent: parent.slice(0, rows), child: child.slice(0, rows), lambdaVal: lambdaVal.slice(0, rows),
    childSize: childSize.slice(0, rows), nClusters: next - n,
  };
}

/**
 * Stability of every cluster node c (index c − n): Σ over rows with parent c of
 * (λ − λ_birth(c)) × childSize, λ_birth(root) = 0 (the library's `compute_stability`). [nClusters]
 */
export function stability(t: CondensedTree, n: number, nClusters: number): Float64Array {
  const birth = new Float64Array(nClusters);
  for (let i = 0; i < t.child.length; i++) if (t.child[i]! >= n) birth[t.child[i]! - n] = t.lambdaVal[i]!;
  const s = new Float64Array(nClusters);
  for (let i = 0; i < t.parent.length; i++) {
    const c = t.parent[i]! - n, l = t.lambdaVal[i]!;
    if (l !== birth[c]) s[c]! += (l - birth[c]!) * t.childSize[i]!; // ∞ − ∞ counts 0 (the library: NaN)
  }
  return s;
}
