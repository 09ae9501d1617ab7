/**
 * Figures of density and hierarchical clusterings, as SVG strings (pure, browser-safe): the
 * HDBSCAN condensed tree drawn as an icicle, the OPTICS reachability plot and a dendrogram of a
 * SciPy linkage matrix (truncated to the last p merges like scipy's truncate_mode='lastp').
 */
import { NOISE_COLOR, clusterColors } from './palette.js';
import { INK, MUTED, axes, esc, formatNumber, frame, niceTicks, open, px } from './svg.js';

/** The cluster nodes of a condensed tree, columnar [m] (what `condensedClusters(model)` returns). */
export interface CondensedClustersLike {
  /** Node id (root first). */
  readonly node: ArrayLike<number>;
  /** Parent node id, −1 for the root. */
  readonly parent: ArrayLike<number>;
  /** λ = 1 / distance where the node is born, and where its last own points leave. */
  readonly lambdaBirth: ArrayLike<number>;
  readonly lambdaDeath: ArrayLike<number>;
  /** Points of the node when born. */
  readonly size: ArrayLike<number>;
  /** Cluster label when the node is selected, else −1. */
  readonly label: ArrayLike<number>;
}

/** Options of {@link condensedTreeSvg}. */
export interface CondensedTreeOptions {
  title?: string;
  /** @defaultValue 560 × 460 */
  width?: number;
  height?: number;
  /** Colour of cluster label c (as in the scatter). @defaultValue clusterColors(max label + 1) */
  colors?: readonly string[];
}

/** Largest finite λ below Number.MAX_VALUE / 2 (results store ∞ as Number.MAX_VALUE). */
function finiteMax(values: ArrayLike<number>): number {
  let hi = 0;
  for (let i = 0; i < values.length; i++) { const v = values[i]!; if (Number.isFinite(v) && v < Number.MAX_VALUE / 2 && v > hi) hi = v; }
  return hi;
}

/**
 * The condensed tree as an icicle: one `<rect class="node">` per cluster node (data-node,
 * data-label), its width ∝ its size, spanning vertically from its birth λ (top) to the λ where it
 * ends (its last points leave or it splits); children sit side by side inside their parent's
 * span, so the points that fall out as noise show as the parent's uncovered width. Selected
 * clusters are filled with their scatter colour and outlined; the others are pale grey.
 * λ = 1 / distance grows downwards; infinite λ is capped at the largest finite one. Cost O(m log m).
 */
export function condensedTreeSvg(tree: CondensedClustersLike, options: CondensedTreeOptions = {}): string {
  const width = options.width ?? 560, height = options.height ?? 460;
  const m = tree.node.length;
  const idx = new Map<number, number>();
  for (let i = 0; i < m; i++) idx.set(tree.node[i]!, i);
  const children: number[][] = Array.from({ length: m }, () => []);
  let root = 0;
  for (let i = 0; i < m; i++) {
    const p = idx.get(tree.parent[i]!);
    if (p === undefined) root = i; else children[p]!.push(i);
  }
  let maxLabel = -1;
  for (let i = 0; i < m; i++) maxLabel = Math.max(maxLabel, tree.label[i]!);
  const colors = options.colors ?? clusterColors(maxLabel + 1);
  const cap = Math.max(finiteMax(tree.lambdaDeath), finiteMax(tree.lambdaBirth)) * 1.04 || 1;
  const lam = (v: number): number => (Number.isFinite(v) && v < Number.MAX_VALUE / 2 ? Math.min(v, cap) : cap);
  // End of a node: where its own points stop, or its children are born, whichever is later.
  const end = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let e = lam(tree.lambdaDeath[i]!);
    for (const c of children[i]!) e = Math.max(e, lam(tree.lambdaBirth[c]!));
    end[i] = Math.max(e, lam(tree.lambdaBirth[i]!));
  }
  // Horizontal spans in point units: root [0, size]; children centred in the parent's span with equal gaps.
  const x0 = new Float64Array(m);
  const stack = [root];
  x0[root] = 0;
  while (stack.length) {
    const i = stack.pop()!;
    const kids = children[i]!;
    if (kids.length === 0) continue;
    kids.sort((a, b) => tree.node[a]! - tree.node[b]!);
    const used = kids.reduce((s, c) => s + tree.size[c]!, 0);
    const gap = Math.max(0, tree.size[i]! - used) / (kids.length + 1);
    let x = x0[i]! + gap;
    for (const c of kids) { x0[c] = x; x += tree.size[c]! + gap; stack.push(c); }
  }
  const total = m > 0 ? tree.size[root]! : 1;
  const yt = niceTicks(0, cap, 5);
  const f = frame(width, height, { l: 58, r: 16, t: options.title ? 30 : 14, b: 40 }, [0, Math.max(1, total)], [Math.max(cap, yt[yt.length - 1]!), 0], [], yt);
  const parts: string[] = [open(width, height, options.title ?? 'Condensed cluster tree', 'condensed-tree')];
  parts.push(axes(f, { title: options.title, xLabel: 'Points (width ∝ cluster size)', yLabel: 'λ = 1 / distance', width, xGrid: false }));
  parts.push('<g class="nodes">');
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => lam(tree.lambdaBirth[a]!) - lam(tree.lambdaBirth[b]!));
  for (const i of order) {
    const l = tree.label[i]!, sel = l >= 0;
    const xa = f.sx(x0[i]!), xb = f.sx(x0[i]! + tree.size[i]!);
    const ya = f.sy(lam(tree.lambdaBirth[i]!)), yb = f.sy(end[i]!);
    const fill = sel ? colors[l] ?? NOISE_COLOR : '#e9ecef';
    const tip = `node ${tree.node[i]}${sel ? ` · cluster ${l}` : ''} · ${tree.size[i]} points · λ ${formatNumber(tree.lambdaBirth[i]!)} → ${formatNumber(end[i]!)}`;
    parts.push(`<rect class="node${sel ? ' selected' : ''}" data-node="${tree.node[i]}" data-label="${l}" x="${px(xa)}" y="${px(Math.min(ya, yb))}" width="${px(Math.max(0.8, xb - xa))}" height="${px(Math.max(1, Math.abs(yb - ya)))}" fill="${fill}" fill-opacity="${sel ? 0.85 : 1}" stroke="${sel ? INK : '#adb5bd'}" stroke-width="${sel ? 1.2 : 0.6}"><title>${esc(tip)}</title></rect>`);
  }
  parts.push('</g>');
  parts.push(`<g class="legend" font-size="11" fill="${MUTED}"><rect x="${px(f.right - 150)}" y="${px(f.bottom - 34)}" width="10" height="10" fill="#e9ecef" stroke="#adb5bd"/><text x="${px(f.right - 136)}" y="${px(f.bottom - 25)}">not selected</text><rect x="${px(f.right - 150)}" y="${px(f.bottom - 18)}" width="10" height="10" fill="${colors[0] ?? NOISE_COLOR}" stroke="${INK}"/><text x="${px(f.right - 136)}" y="${px(f.bottom - 9)}">selected cluster</text></g>`);
  parts.push('</svg>');
  return parts.join('');
}

/** Options of {@link reachabilitySvg}. */
export interface ReachabilityOptions {
  title?: string;
  /** @defaultValue 560 × 320 */
  width?: number;
  height?: number;
  /** Colour of cluster label c. @defaultValue clusterColors(max label + 1) */
  colors?: readonly string[];
  /** Horizontal line at this reachability (e.g. a DBSCAN-like cut). */
  cut?: number;
}

/**
 * OPTICS reachability plot: one `<rect class="bar">` per position of the ordering (data-pos,
 * data-label), height = reachability of the row at that position, coloured by the row's label
 * (grey for noise). `reachability` [n] is in ordering order with Infinity (or any value < 0) for
 * "undefined"; those bars are drawn capped at the top with a `.inf` triangle marker above them.
 * `labels` [n] is indexed by position too (pass labels[ordering[t]]).
 */
export function reachabilitySvg(reachability: ArrayLike<number>, labels: ArrayLike<number>, options: ReachabilityOptions = {}): string {
  const width = options.width ?? 560, height = options.height ?? 320;
  const n = reachability.length;
  let hi = 0, maxLabel = -1;
  for (let t = 0; t < n; t++) {
    const v = reachability[t]!;
    if (Number.isFinite(v) && v >= 0 && v > hi) hi = v;
    maxLabel = Math.max(maxLabel, labels[t] ?? -1);
  }
  if (hi === 0) hi = 1;
  const cap = hi * 1.12;
  const colors = options.colors ?? clusterColors(maxLabel + 1);
  const yt = niceTicks(0, cap, 5).filter((v) => v <= cap);
  const f = frame(width, height, { l: 58, r: 16, t: options.title ? 30 : 20, b: 40 }, [0, Math.max(1, n)], [0, cap], [], yt);
  const parts: string[] = [open(width, height, options.title ?? 'Reachability plot', 'reachability')];
  parts.push(axes(f, { title: options.title, xLabel: 'Rows in OPTICS order', yLabel: 'Reachability distance', width, xGrid: false }));
  const bw = (f.right - f.left) / Math.max(1, n);
  const infs: number[] = [];
  parts.push('<g class="bars" shape-rendering="crispEdges">');
  for (let t = 0; t < n; t++) {
    const v = reachability[t]!, c = labels[t] ?? -1;
    const inf = !(Number.isFinite(v) && v >= 0);
    if (inf) infs.push(t);
    const y = f.sy(inf ? cap : v);
    parts.push(`<rect class="bar" data-pos="${t}" data-label="${c}" x="${px(f.left + t * bw)}" y="${px(y)}" width="${px(Math.max(0.6, bw))}" height="${px(Math.max(0, f.bottom - y))}" fill="${c < 0 ? NOISE_COLOR : colors[c] ?? NOISE_COLOR}"/>`);
  }
  parts.push('</g>');
  if (options.cut !== undefined && Number.isFinite(options.cut)) {
    const y = f.sy(Math.min(cap, options.cut));
    parts.push(`<g class="cut"><line x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(y)}" y2="${px(y)}" stroke="${INK}" stroke-dasharray="4 3"/><text x="${px(f.right - 4)}" y="${px(y - 4)}" text-anchor="end" font-size="11" fill="${INK}">cut ${esc(formatNumber(options.cut))}</text></g>`);
  }
  parts.push(`<g class="infs" fill="${INK}">`);
  for (const t of infs) {
    const x = f.left + (t + 0.5) * bw, y = f.sy(cap);
    parts.push(`<path class="inf" data-pos="${t}" d="M${px(x - 4)} ${px(y - 9)}L${px(x + 4)} ${px(y - 9)}L${px(x)} ${px(y - 2)}Z"><title>position ${t}: reachability ∞ (start of a new region)</title></path>`);
  }
  parts.push('</g>');
  parts.push(`<text class="note" x="${px(f.right)}" y="${px(f.top - 6)}" text-anchor="end" font-size="11" fill="${MUTED}">▼ = ∞ (capped)</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** Options of {@link dendrogramSvg}. */
export interface DendrogramOptions {
  title?: string;
  /** @defaultValue 560 × 380 */
  width?: number;
  height?: number;
  /** Draw only the last p merges (p leaves, scipy truncate_mode='lastp') when n > maxLeaves. @defaultValue 30 */
  p?: number;
  /** Largest n drawn in full. @defaultValue 200 */
  maxLeaves?: number;
  /** Flat cluster of each original row [n]: links whose subtree lies in one cluster take its colour. */
  labels?: ArrayLike<number>;
  colors?: readonly string[];
  /** Horizontal line at this height (e.g. the distance threshold). */
  cut?: number;
  /** Axis title of the heights. @defaultValue 'Merge height' */
  yLabel?: string;
}

/**
 * Dendrogram of a SciPy linkage matrix z [(n − 1) × 4] (a, b, height, size) over n rows: one
 * `<path class="link">` (a ∩ shape) per merge drawn and one `.leaf` tick per leaf. For n >
 * maxLeaves only the last p merges are drawn, so p leaves remain (scipy truncate_mode='lastp'),
 * each truncated leaf labelled with its size in parentheses. Leaves are ordered as scipy does
 * (left subtree first). Cost O(n).
 */
export function dendrogramSvg(z: ArrayLike<number>, n: number, options: DendrogramOptions = {}): string {
  const width = options.width ?? 560, height = options.height ?? 380;
  const m = Math.floor(z.length / 4);
  const maxLeaves = options.maxLeaves ?? 200;
  const p = n > maxLeaves ? Math.max(2, Math.min(n, options.p ?? 30)) : n;
  // Nodes drawn as merges: ids ≥ 2n − p (the last p − 1 merges); others are leaves.
  const firstDrawn = n + m - (p - 1);
  const sizeOf = (v: number): number => (v < n ? 1 : z[4 * (v - n) + 3]!);
  const heightOf = (v: number): number => (v < firstDrawn ? 0 : z[4 * (v - n) + 2]!);
  // Cluster of each subtree: the common label of its rows, or −2 when mixed.
  let lab: Int32Array | null = null;
  if (options.labels) {
    lab = new Int32Array(n + m);
    for (let i = 0; i < n; i++) lab[i] = options.labels[i] ?? -1;
    for (let r = 0; r < m; r++) { const a = lab[z[4 * r]!]!, b = lab[z[4 * r + 1]!]!; lab[n + r] = a === b ? a : -2; }
  }
  let maxLabel = -1;
  if (options.labels) for (let i = 0; i < n; i++) maxLabel = Math.max(maxLabel, options.labels[i] ?? -1);
  const colors = options.colors ?? clusterColors(maxLabel + 1);
  const linkColor = (v: number): string => {
    const c = lab ? lab[v]! : -2;
    return c >= 0 ? colors[c] ?? MUTED : c === -1 ? NOISE_COLOR : MUTED;
  };
  // Leaf order: depth-first from the root, left first (iterative).
  const leaves: number[] = [];
  if (m > 0) {
    const stack = [n + m - 1];
    while (stack.length) {
      const v = stack.pop()!;
      if (v < firstDrawn || v < n) { leaves.push(v); continue; }
      const r = v - n;
      stack.push(z[4 * r + 1]!, z[4 * r]!);
    }
  } else if (n === 1) leaves.push(0);
  const pos = new Map<number, number>();
  leaves.forEach((v, t) => pos.set(v, t));
  let hi = 0;
  for (let r = 0; r < m; r++) hi = Math.max(hi, z[4 * r + 2]!);
  if (!(hi > 0)) hi = 1;
  const yt = niceTicks(0, hi * 1.05, 5);
  const truncated = p < n;
  const f = frame(width, height, { l: 58, r: 16, t: options.title ? 30 : 14, b: truncated ? 58 : 40 }, [0, Math.max(1, leaves.length)], [0, Math.max(hi * 1.05, yt[yt.length - 1]!)], [], yt);
  const parts: string[] = [open(width, height, options.title ?? 'Dendrogram', 'dendrogram')];
  parts.push(axes(f, {
    title: options.title, yLabel: options.yLabel ?? 'Merge height', width, xGrid: false,
    xLabel: truncated ? `Last ${p} merges (leaf: rows in it)` : 'Rows',
  }));
  // x of each drawn node: leaves at slot centres, merges midway between their children.
  const xOf = new Map<number, number>();
  leaves.forEach((v, t) => xOf.set(v, f.left + (t + 0.5) * (f.right - f.left) / Math.max(1, leaves.length)));
  parts.push('<g class="links" fill="none" stroke-width="1.2">');
  for (let r = Math.max(0, firstDrawn - n); r < m; r++) {
    const a = z[4 * r]!, b = z[4 * r + 1]!, v = n + r;
    const xa = xOf.get(a)!, xb = xOf.get(b)!, h = f.sy(z[4 * r + 2]!);
    xOf.set(v, (xa + xb) / 2);
    parts.push(`<path class="link" data-node="${v}" d="M${px(xa)} ${px(f.sy(heightOf(a)))}V${px(h)}H${px(xb)}V${px(f.sy(heightOf(b)))}" stroke="${linkColor(v)}"><title>${esc(`merge ${v}: ${sizeOf(v)} rows at height ${formatNumber(z[4 * r + 2]!)}`)}</title></path>`);
  }
  parts.push('</g>');
  parts.push(`<g class="leaves" font-size="10" fill="${MUTED}">`);
  const every = Math.max(1, Math.ceil(leaves.length / 40));
  leaves.forEach((v, t) => {
    const x = xOf.get(v)!;
    parts.push(`<line class="leaf" data-node="${v}" x1="${px(x)}" x2="${px(x)}" y1="${px(f.bottom)}" y2="${px(f.bottom + 4)}" stroke="${linkColor(v)}"/>`);
    if (truncated && t % every === 0) {
      parts.push(`<text x="${px(x)}" y="${px(f.bottom + 8)}" transform="rotate(60 ${px(x)} ${px(f.bottom + 8)})" text-anchor="start">${v < n ? String(v) : `(${sizeOf(v)})`}</text>`);
    }
  });
  parts.push('</g>');
  if (options.cut !== undefined && Number.isFinite(options.cut)) {
    const y = f.sy(options.cut);
    parts.push(`<g class="cut"><line x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(y)}" y2="${px(y)}" stroke="${INK}" stroke-dasharray="4 3"/><text x="${px(f.right - 4)}" y="${px(y - 4)}" text-anchor="end" font-size="11" fill="${INK}">cut ${esc(formatNumber(options.cut))}</text></g>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
