/**
 * Views of a linkage matrix: flat clusters (SciPy's `fcluster` with the 'maxclust' and
 * 'distance' criteria), cophenetic distances and the cophenetic correlation (SciPy's `cophenet`).
 * All take a `LinkageResult`, a bare Float64Array Z [(n−1) × 4] or rows of 4 numbers, and
 * check it first (BAD_DATA naming the row).
 */
import { ClusterkitError, badOption } from '../core/errors.js';
import { checkLinkage, type LinkageLike } from './linkage.js';
import { condensedLength, condensedN, type Condensed } from './condensed.js';

/** Cut criterion: at most `k` clusters, or merges up to height `distance`. */
export type CutOptions = { k: number; distance?: undefined } | { distance: number; k?: undefined };

/**
 * For each merge row i, the largest height in its subtree (SciPy's `maxdists`): [n − 1].
 * Equal to the row's height when heights are monotone.
 */
export function maxdists(z: LinkageLike): Float64Array {
  const { z: Z, n } = checkLinkage(z, 'maxdists');
  return maxDistsOf(Z, n);
}

function maxDistsOf(Z: Float64Array, n: number): Float64Array {
  const md = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) {
    let m = Z[4 * i + 2]!;
    const a = Z[4 * i]!, b = Z[4 * i + 1]!;
    if (a >= n && md[a - n]! > m) m = md[a - n]!;
    if (b >= n && md[b - n]! > m) m = md[b - n]!;
    md[i] = m;
  }
  return md;
}

/**
 * Flat clusters from a linkage matrix, as SciPy 1.10's `fcluster` (labels here are 0-based:
 * label = SciPy's label − 1; clusters are numbered in the order SciPy's depth-first walk from the
 * root meets them, left child first).
 * - `{k}`: criterion 'maxclust': the lowest threshold t among the subtree maxima (`maxdists`)
 *   that leaves at most k clusters; fewer than k when heights tie at the cut. k in [1, n].
 * - `{distance}`: criterion 'distance': every subtree whose largest height is ≤ t becomes one
 *   cluster (observations in a cluster have cophenetic distance ≤ t). t ≥ 0.
 * Returns Int32Array [n]. Cost O(n log n) for maxclust (binary search), O(n) for distance.
 */
export function fcluster(z: LinkageLike, options: CutOptions): Int32Array {
  const W = 'fcluster';
  const { z: Z, n } = checkLinkage(z, W);
  if (options === null || typeof options !== 'object') badOption(W, 'k', "given, or 'distance' given", options);
  const hasK = options.k !== undefined, hasD = options.distance !== undefined;
  if (hasK === hasD) {
    throw new ClusterkitError('BAD_OPTION', `${W}: exactly one of options 'k' and 'distance' must be given. Got ${hasK ? 'both' : 'neither'}.`, 'k');
  }
  for (const key of Object.keys(options)) {
    if (key !== 'k' && key !== 'distance') throw new ClusterkitError('UNKNOWN_OPTION', `${W}: unknown option '${key}'. Known options: k, distance.`, key);
  }
  const md = maxDistsOf(Z, n);
  const T = new Int32Array(n);
  if (hasD) {
    const t = options.distance!;
    if (typeof t !== 'number' || !(t >= 0) || t === Infinity) badOption(W, 'distance', 'a finite number in [0, inf]', t);
    monocrit(Z, n, md, t, T);
    return T;
  }
  const k = options.k!;
  if (!Number.isInteger(k) || k < 1 || k > n) badOption(W, 'k', `an integer in [1, n = ${n}]`, k);
  // SciPy's cluster_maxclust_monocrit: binary search over the rows for the lowest maxdists value
  // that leaves ≤ k clusters (md is non-decreasing in the row index for SciPy-ordered matrices);
  // index −1 stands for −∞ and is never read. k = n: every row alone, label = row index.
  if (k >= n) { for (let i = 0; i < n; i++) T[i] = i; return T; }
  let lo = -1, hi = n - 1;
  const visited = new Uint8Array(2 * n - 1), stack = new Int32Array(n);
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const thresh = md[mid]!;
    visited.fill(0);
    let nc = 0, top = 0;
    stack[0] = 2 * n - 2;
    while (top >= 0) {
      const root = stack[top]! - n;
      const l = Z[4 * root]!, r = Z[4 * root + 1]!;
      if (md[root]! <= thresh) {
        nc++;
        if (nc > k) break;
        top--; visited[l] = 1; visited[r] = 1;
        continue;
      }
      if (!visited[l]) {
        visited[l] = 1;
        if (l >= n) { stack[++top] = l; continue; }
        nc++;
        if (nc > k) break;
      }
      if (!visited[r]) {
        visited[r] = 1;
        if (r >= n) { stack[++top] = r; continue; }
        nc++;
        if (nc > k) break;
      }
      top--;
    }
    if (nc > k) lo = mid; else hi = mid;
  }
  monocrit(Z, n, md, md[hi]!, T);
  return T;
}

/**
 * SciPy's `cluster_monocrit`: depth-first from the root (left child first); the first node met
 * with md ≤ cutoff leads a cluster holding its whole subtree; leaves met outside any such node
 * are singletons. Writes 0-based labels in the order clusters are met.
 */
function monocrit(Z: Float64Array, n: number, md: Float64Array, cutoff: number, T: Int32Array): void {
  const visited = new Uint8Array(2 * n - 1), stack = new Int32Array(n);
  let top = 0, nCluster = 0, leader = -1;
  stack[0] = 2 * n - 2;
  while (top >= 0) {
    const root = stack[top]! - n;
    const l = Z[4 * root]!, r = Z[4 * root + 1]!;
    if (leader === -1 && md[root]! <= cutoff) { leader = root; nCluster++; }
    if (l >= n && !visited[l]) { visited[l] = 1; stack[++top] = l; continue; }
    if (r >= n && !visited[r]) { visited[r] = 1; stack[++top] = r; continue; }
    if (l < n) { if (leader === -1) nCluster++; T[l] = nCluster - 1; }
    if (r < n) { if (leader === -1) nCluster++; T[r] = nCluster - 1; }
    if (leader === root) leader = -1;
    top--;
  }
}

/**
 * Cophenetic distances (SciPy's `cophenet(Z)`): for each pair of rows, the height of the merge
 * that first joins them, condensed [n(n−1)/2] float64 (O(n²) memory and time).
 */
export function cophenetic(z: LinkageLike): Float64Array {
  const { z: Z, n } = checkLinkage(z, 'cophenetic');
  const out = new Float64Array(condensedLength(n));
  // members of each cluster as linked lists over rows: head, tail per cluster id, next per row
  const head = new Int32Array(2 * n - 1), tail = new Int32Array(2 * n - 1), next = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) { head[i] = i; tail[i] = i; }
  for (let r = 0; r < n - 1; r++) {
    const a = Z[4 * r]!, b = Z[4 * r + 1]!, h = Z[4 * r + 2]!;
    for (let p = head[a]!; p !== -1; p = next[p]!) {
      for (let q = head[b]!; q !== -1; q = next[q]!) {
        const i = p < q ? p : q, j = p < q ? q : p;
        out[n * i - (i * (i + 1)) / 2 + (j - i - 1)] = h;
      }
    }
    next[tail[a]!] = head[b]!;
    head[n + r] = head[a]!; tail[n + r] = tail[b]!;
  }
  return out;
}

/**
 * Cophenetic correlation coefficient (SciPy's `cophenet(Z, Y)[0]`): Pearson correlation between
 * the cophenetic distances of Z and the condensed distances `y` [n(n−1)/2] the tree was built
 * from. In [−1, 1]; 0 when either side is constant. Float64 sums.
 */
export function cophenetCorrelation(z: LinkageLike, y: Condensed | ArrayLike<number>): number {
  const W = 'cophenetCorrelation';
  const { n } = checkLinkage(z, W);
  const m = condensedLength(n);
  if (y.length !== m) {
    condensedN(y.length, W, 'y');
    throw new ClusterkitError('DIM_MISMATCH', `${W}: 'y' must have n(n−1)/2 = ${m} distances for the n = ${n} rows of the tree. Got ${y.length}.`, 'y');
  }
  const c = cophenetic(z);
  let my = 0, mc = 0;
  for (let t = 0; t < m; t++) { my += y[t]!; mc += c[t]!; }
  my /= m; mc /= m;
  let num = 0, dy = 0, dc = 0;
  for (let t = 0; t < m; t++) {
    const a = y[t]! - my, b = c[t]! - mc;
    num += a * b; dy += a * a; dc += b * b;
  }
  const den = Math.sqrt(dy * dc);
  return den > 0 ? num / den : 0;
}
