/**
 * Icicle chart of a nested density tree (src/density/nestedTree.ts) as an SVG string: the root
 * on top, each node's children below it, widths proportional to size (a node's own rows, e.g.
 * HDBSCAN noise, show as the uncovered part under it). Pure (no DOM, no `node:*`).
 */
import type { NestedTree, NestedTreeNode } from '../density/nestedTree.js';
import { FONT_STACK, esc, formatNumber } from './svg.js';
import { clusterColors, NOISE_COLOR } from './palette.js';
import { badOption } from '../core/errors.js';

export interface IcicleOptions {
  /** Fill per node id (array) or function; @defaultValue one palette colour per branch under the root, root grey */
  colors?: readonly string[] | ((node: NestedTreeNode) => string);
  /** Pixels. @defaultValue 800 */
  width?: number;
  /** Pixels. @defaultValue 400 */
  height?: number;
  /** Title drawn above the chart. */
  title?: string;
  /** Vertical axis: 'depth' (one band per tree depth) or 'level': for HDBSCAN trees λ grows
   *  downwards (linear; leaves lasting past a quarter of the split range below the last split are
   *  clipped there), for ε sweeps one band per ε layer, largest ε on top, a node spanning the layers
   *  it stands for. The root keeps a band of its own. @defaultValue 'depth' */
  scale?: 'depth' | 'level';
}

const px = (v: number): string => String(Math.round(v * 10) / 10);

/**
 * The tree as an icicle: one `<rect data-node="id">` per node, each with a `<title>` tooltip
 * (name, label, size, levels, keywords) and a text label when wide enough.
 */
export function icicleSvg(tree: NestedTree, options: IcicleOptions = {}): string {
  const { width = 800, height = 400, title, scale = 'depth', colors } = options;
  if (!(Number.isFinite(width) && width > 0)) badOption('icicleSvg', 'width', 'a number > 0', width);
  if (!(Number.isFinite(height) && height > 0)) badOption('icicleSvg', 'height', 'a number > 0', height);
  if (scale !== 'depth' && scale !== 'level') badOption('icicleSvg', 'scale', "'depth' or 'level'", scale);
  if (Array.isArray(colors) && colors.length < tree.nodes.length) badOption('icicleSvg', 'colors', `one colour per node (${tree.nodes.length})`, colors);
  const nodes = tree.nodes, m = nodes.length, n = Math.max(1, tree.n);
  const top0 = title ? 26 : 4, H = height - top0 - 4, W = width - 8;

  // default colours: branch under the root, lighter with depth
  const branch = new Int32Array(m).fill(-1);
  const rootKids = m > 0 ? nodes[0]!.children : [];
  rootKids.forEach((c, i) => { branch[c] = i; });
  for (let v = 1; v < m; v++) if (branch[v] === -1) branch[v] = branch[nodes[v]!.parent]!;
  const pal = clusterColors(rootKids.length);
  const fill = (v: NestedTreeNode): string =>
    typeof colors === 'function' ? colors(v) : Array.isArray(colors) ? String(colors[v.id]) : v.id === 0 ? NOISE_COLOR : pal[branch[v.id]!]!;

  // vertical extent of each node, in pixels from the chart top
  const y0 = new Float64Array(m), y1 = new Float64Array(m);
  if (scale === 'depth') {
    let maxDepth = 0;
    for (const v of nodes) maxDepth = Math.max(maxDepth, v.depth);
    const band = H / (maxDepth + 1);
    for (const v of nodes) { y0[v.id] = v.depth * band; y1[v.id] = (v.depth + 1) * band; }
  } else if (tree.levelKind === 'eps') {
    // one band per ε layer, largest ε on top (the root keeps a band of its own above them)
    const L = tree.layers.length, rootBand = Math.min(24, H * 0.1), band = (H - rootBand) / Math.max(1, L);
    const yLayer = (i: number): number => rootBand + (L - 1 - i) * band; // top of layer i's band
    for (const v of nodes) {
      const first = Math.min(Math.max(v.firstLayer, 0), L), last = Math.min(Math.max(v.lastLayer, 0), L - 1);
      y0[v.id] = v.id === 0 ? 0 : yLayer(last);
      y1[v.id] = first >= L ? rootBand : yLayer(first) + band;
    }
  } else {
    // λ grows downwards: a node spans [its birth, the λ where it splits (children's birth) or its last rows leave]
    const big = Number.MAX_VALUE / 2;
    const top = new Float64Array(m), bot = new Float64Array(m);
    let lo = Infinity, hiBirth = -Infinity;
    for (const v of nodes) {
      top[v.id] = v.birth;
      bot[v.id] = v.children.length ? Math.max(...v.children.map((c) => nodes[c]!.birth)) : v.death;
      if (v.id > 0) { lo = Math.min(lo, v.birth); if (v.birth < big) hiBirth = Math.max(hiBirth, v.birth); }
    }
    // leaves may last far longer than any split (one very dense cluster): clip them a quarter span below the last split
    let hi = Number.isFinite(hiBirth) ? hiBirth + 0.25 * Math.max(hiBirth - lo, hiBirth * 0.1) : 1;
    if (!(hi > lo)) hi = lo + 1;
    const rootBand = m > 1 ? Math.min(24, H * 0.1) : H;
    const map = (t: number): number => rootBand + (Math.min(Math.max(t, lo), hi) - lo) / (hi - lo) * (H - rootBand);
    y0[0] = 0; y1[0] = m > 1 ? rootBand : H;
    for (let v = 1; v < m; v++) {
      y0[v] = map(top[v]!);
      y1[v] = Math.max(map(bot[v]!), y0[v]! + 2);
    }
  }

  const levelName = tree.levelKind === 'lambda' ? 'λ' : 'ε';
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart icicle" viewBox="0 0 ${px(width)} ${px(height)}" width="${px(width)}" height="${px(height)}" role="img" aria-label="${esc(title ?? 'Nested density tree')}" font-family="${esc(FONT_STACK)}">`,
  ];
  if (title) parts.push(`<text class="chart-title" x="4" y="18" fill="#1f2328" font-size="13" font-weight="600">${esc(title)}</text>`);
  for (const v of nodes) {
    const x = 4 + (v.start / n) * W, w = (v.size / n) * W, y = top0 + y0[v.id]!, h = Math.max(0, y1[v.id]! - y0[v.id]!);
    const tip = [
      v.label ? `${v.label} (${v.name})` : v.name, `size ${v.size}`,
      `${levelName} birth ${formatNumber(v.birth)}, death ${formatNumber(v.death)}`,
      ...(v.keywords && v.keywords.length ? [`keywords: ${v.keywords.join(', ')}`] : []),
    ].join('\n');
    parts.push(`<g data-node="${v.id}"><rect data-node="${v.id}" x="${px(x)}" y="${px(y)}" width="${px(w)}" height="${px(h)}" fill="${esc(fill(v))}" stroke="#ffffff" stroke-width="0.5"><title>${esc(tip)}</title></rect>`);
    const text = v.label ?? v.name;
    if (w > text.length * 6.5 + 6 && h >= 12) {
      parts.push(`<text x="${px(x + 3)}" y="${px(y + Math.min(h, 24) / 2 + 4)}" font-size="10" fill="#1f2328" pointer-events="none">${esc(text)}</text>`);
    }
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}
