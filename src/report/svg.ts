/**
 * Inline SVG charts as strings: a scatter plot coloured by cluster, a line chart and a bar
 * chart. Pure functions (no DOM, no `node:*`), so they run in browsers and in Node alike. Every
 * chart is self-contained: inline attributes only, a system font stack, no external resources.
 * Text is escaped; numbers are rounded to 0.1 px to keep the markup small.
 */
import type { Matrix } from '../core/matrix.js';
import { NOISE_COLOR, clusterColors } from './palette.js';

/** Font stack of every chart (no web fonts). */
export const FONT_STACK = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
/** Text, secondary text, grid and axis colours shared by the figures. */
export const INK = '#1f2328', MUTED = '#59636e', GRID = '#e6e8eb', AXIS = '#8c959f';

/** Escape text for HTML and SVG content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Round a pixel coordinate to 0.1. */
/** Pixel value as text, one decimal. */
export const px = (v: number): string => String(Math.round(v * 10) / 10);

/**
 * About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10^e), ascending.
 * A degenerate range is widened by one unit each side.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) { lo -= 1; hi += 1; }
  const step = niceStep((hi - lo) / Math.max(1, count));
  const start = Math.ceil(lo / step - 1e-9), end = Math.floor(hi / step + 1e-9);
  const out: number[] = [];
  for (let i = start; i <= end; i++) out.push(Number((i * step).toPrecision(12)) + 0); // no 0.30000000000000004, no −0
  return out;
}

/** The 1, 2, 5 × 10^e step nearest to `raw` on a log scale (cut-offs √2, √10, √50, as d3's ticks). */
function niceStep(raw: number): number {
  const e = Math.floor(Math.log10(raw)), base = 10 ** e, f = raw / base;
  return (f >= Math.sqrt(50) ? 10 : f >= Math.sqrt(10) ? 5 : f >= Math.SQRT2 ? 2 : 1) * base;
}

/** Tick label for `v` on an axis whose ticks are `step` apart: 1.5k / 2.5M for large values. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${trim((v / 1e6).toFixed(Math.max(0, decimals(step / 1e6))))}M`;
  if (a >= 1e4) return `${trim((v / 1e3).toFixed(Math.max(0, decimals(step / 1e3))))}k`;
  return trim(v.toFixed(Math.max(0, decimals(step))));
}
const decimals = (step: number): number => Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
const trim = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

/**
 * A number for tables and labels: `digits` significant digits, thousands grouped with thin
 * spaces, exponent form below 1e-4. Non-finite values print as '–'.
 */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-4) return v.toExponential(Math.max(0, digits - 1));
  if (a >= 10 ** digits) return group(Math.round(v).toString());
  return trim(v.toPrecision(digits));
}
const group = (s: string): string => s.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');

/** Linear map from [d0, d1] to [r0, r1]. */
function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A plot area and its scales (shared by the figure functions). */
export interface Frame {
  left: number; right: number; top: number; bottom: number;
  sx: (v: number) => number; sy: (v: number) => number;
  xTicks: number[]; yTicks: number[];
}

/** The plot area of a width × height figure with margins m, mapping the domains to it. */
export function frame(width: number, height: number, m: { l: number; r: number; t: number; b: number },
  xDomain: [number, number], yDomain: [number, number], xTicks: number[], yTicks: number[]): Frame {
  const left = m.l, right = width - m.r, top = m.t, bottom = height - m.b;
  return { left, right, top, bottom, xTicks, yTicks, sx: scale(xDomain[0], xDomain[1], left, right), sy: scale(yDomain[0], yDomain[1], bottom, top) };
}

/** Grid lines, axis lines, tick labels, axis labels and title of a frame. */
export function axes(f: Frame, o: { title?: string; xLabel?: string; yLabel?: string; width: number; xFmt?: (v: number) => string; yFmt?: (v: number) => string; xGrid?: boolean }): string {
  const xs = f.xTicks, ys = f.yTicks;
  const xStep = xs.length > 1 ? xs[1]! - xs[0]! : 1, yStep = ys.length > 1 ? ys[1]! - ys[0]! : 1;
  const xFmt = o.xFmt ?? ((v: number) => formatTick(v, xStep)), yFmt = o.yFmt ?? ((v: number) => formatTick(v, yStep));
  const parts: string[] = [];
  parts.push(`<g class="grid" stroke="${GRID}" stroke-width="1">`);
  for (const v of ys) parts.push(`<line x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(f.sy(v))}" y2="${px(f.sy(v))}"/>`);
  if (o.xGrid !== false) for (const v of xs) parts.push(`<line y1="${px(f.top)}" y2="${px(f.bottom)}" x1="${px(f.sx(v))}" x2="${px(f.sx(v))}"/>`);
  parts.push('</g>');
  parts.push(`<g class="axis" stroke="${AXIS}" stroke-width="1"><line x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(f.bottom)}" y2="${px(f.bottom)}"/><line x1="${px(f.left)}" x2="${px(f.left)}" y1="${px(f.top)}" y2="${px(f.bottom)}"/></g>`);
  parts.push(`<g class="ticks" fill="${MUTED}" font-size="11">`);
  for (const v of xs) parts.push(`<text x="${px(f.sx(v))}" y="${px(f.bottom + 16)}" text-anchor="middle">${esc(xFmt(v))}</text>`);
  for (const v of ys) parts.push(`<text x="${px(f.left - 6)}" y="${px(f.sy(v) + 4)}" text-anchor="end">${esc(yFmt(v))}</text>`);
  parts.push('</g>');
  if (o.xLabel) parts.push(`<text class="axis-label" x="${px((f.left + f.right) / 2)}" y="${px(f.bottom + 34)}" text-anchor="middle" fill="${INK}" font-size="12">${esc(o.xLabel)}</text>`);
  if (o.yLabel) {
    const cy = (f.top + f.bottom) / 2;
    parts.push(`<text class="axis-label" transform="translate(14 ${px(cy)}) rotate(-90)" text-anchor="middle" fill="${INK}" font-size="12">${esc(o.yLabel)}</text>`);
  }
  if (o.title) parts.push(`<text class="chart-title" x="${px(f.left)}" y="18" fill="${INK}" font-size="13" font-weight="600">${esc(o.title)}</text>`);
  return parts.join('');
}

/** Opening `<svg>` tag of a figure (class `chart cls`, accessible label). */
export function open(width: number, height: number, label: string, cls: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${cls}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}" font-family="${esc(FONT_STACK)}">`;
}

/** Points in the plane: a Matrix with 2 columns, a flat array [x0, y0, x1, y1, …], or pairs. */
export type Points2D = Matrix | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** Read point i of a Points2D as [x, y]. */
function pointReader(p: Points2D): { n: number; at: (i: number) => [number, number] } {
  if (typeof p === 'object' && p !== null && 'data' in p && 'cols' in p) {
    const m = p as Matrix;
    return { n: m.rows, at: (i) => [m.data[i * m.cols]!, m.cols > 1 ? m.data[i * m.cols + 1]! : 0] };
  }
  const a = p as ArrayLike<unknown>;
  if (a.length > 0 && typeof a[0] === 'object' && a[0] !== null) {
    const rows = a as ArrayLike<ArrayLike<number>>;
    return { n: rows.length, at: (i) => [rows[i]![0]!, rows[i]![1]!] };
  }
  const flat = a as ArrayLike<number>;
  return { n: Math.floor(flat.length / 2), at: (i) => [flat[2 * i]!, flat[2 * i + 1]!] };
}

function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } }
  if (lo === Infinity) return [0, 1];
  return [lo, hi];
}

function padded([lo, hi]: [number, number], f = 0.04): [number, number] {
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - span * f, hi + span * f];
}

/** Options of {@link scatterSvg}. */
export interface ScatterOptions {
  /** Draw a legend with one entry per cluster (class `legend-entry`). @defaultValue true */
  legend?: boolean;
  /** Chart title drawn in the SVG. @defaultValue none */
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixel size of the whole SVG (legend included). @defaultValue 640 × 420 */
  width?: number;
  height?: number;
  /** Legend text of cluster id c. @defaultValue `Cluster c (n)`, `Noise (n)` for −1 */
  clusterName?: (c: number, count: number) => string;
  /** Tooltip of row i (an SVG `<title>`). @defaultValue `row i · cluster c` */
  tooltip?: (i: number, cluster: number) => string;
  /** Cluster centres in the same 2-D coordinates, drawn as outlined diamonds (class `center`). */
  centers?: Points2D;
  /** Colour of each cluster id (index = id). @defaultValue clusterColors(max id + 1) */
  colors?: readonly string[];
}

/**
 * Scatter plot of n points [n × 2] coloured by `labels` [n]: exactly one `<circle>` per row,
 * carrying `data-row="i"` and `data-cluster="c"`; label −1 is noise (grey, smaller, drawn first
 * in its own `g.noise` group so the clusters sit on top), the others follow in row order.
 * The legend has one `<g class="legend-entry">` per distinct label, in ascending order.
 * Non-finite coordinates are clamped to the plot edge so the one-mark-per-row rule holds.
 */
export function scatterSvg(points2d: Points2D, labels: ArrayLike<number>, options: ScatterOptions = {}): string {
  const { n, at } = pointReader(points2d);
  const showLegend = options.legend !== false;
  const width = options.width ?? 640, height = options.height ?? 420;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(labels[i] ?? -1, (counts.get(labels[i] ?? -1) ?? 0) + 1);
  const ids = [...counts.keys()].sort((a, b) => a - b);
  const maxId = ids.length ? Math.max(...ids) : -1;
  const colors = options.colors ?? clusterColors(maxId + 1);
  const colorOf = (c: number): string => (c < 0 ? NOISE_COLOR : colors[c] ?? NOISE_COLOR);
  const name = options.clusterName ?? ((c: number, m: number) => (c < 0 ? `Noise (${m})` : `Cluster ${c} (${m})`));

  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < n; i++) { const [x, y] = at(i); xs.push(x); ys.push(y); }
  const xd = padded(extent(xs)), yd = padded(extent(ys));
  const xt = niceTicks(xd[0], xd[1], 6), yt = niceTicks(yd[0], yd[1], 5);
  const legendW = showLegend ? 150 : 0;
  const f = frame(width, height, { l: 52, r: 16 + legendW, t: options.title ? 30 : 14, b: 46 },
    [Math.min(xd[0], xt[0]!), Math.max(xd[1], xt[xt.length - 1]!)], [Math.min(yd[0], yt[0]!), Math.max(yd[1], yt[yt.length - 1]!)], xt, yt);
  const r = n <= 200 ? 3.6 : n <= 600 ? 3 : n <= 2000 ? 2.4 : 1.8;
  const parts: string[] = [open(width, height, options.title ?? 'Scatter plot of the clusters', 'scatter')];
  parts.push(axes(f, { title: options.title, xLabel: options.xLabel, yLabel: options.yLabel, width }));
  const clampX = (v: number): number => (Number.isFinite(v) ? f.sx(v) : v > 0 ? f.right : f.left);
  const clampY = (v: number): number => (Number.isFinite(v) ? f.sy(v) : v > 0 ? f.top : f.bottom);
  const tip = options.tooltip ?? ((i: number, c: number) => `row ${i} · ${c < 0 ? 'noise' : `cluster ${c}`}`);
  // Noise (−1) first, smaller and paler, so the clusters sit on top of it; then the clusters, each group in row order.
  const hasNoise = counts.has(-1);
  for (const noise of hasNoise ? [true, false] : [false]) {
    parts.push(noise
      ? `<g class="marks noise" fill-opacity="0.55" stroke="none">`
      : `<g class="marks" fill-opacity="0.8" stroke="#ffffff" stroke-width="0.5">`);
    for (let i = 0; i < n; i++) {
      const c = labels[i] ?? -1;
      if ((c < 0) !== noise && hasNoise) continue;
      parts.push(`<circle data-row="${i}" data-cluster="${c}" cx="${px(clampX(xs[i]!))}" cy="${px(clampY(ys[i]!))}" r="${c < 0 ? px(r * 0.75) : r}" fill="${colorOf(c)}"><title>${esc(tip(i, c))}</title></circle>`);
    }
    parts.push('</g>');
  }
  if (options.centers) {
    const cr = pointReader(options.centers);
    parts.push('<g class="centers" stroke="#1f2328" stroke-width="1.5">');
    for (let j = 0; j < cr.n; j++) {
      const [cx, cy] = cr.at(j);
      if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
      const X = f.sx(cx), Y = f.sy(cy), s = 7;
      parts.push(`<path class="center" data-cluster="${j}" d="M${px(X)} ${px(Y - s)}L${px(X + s)} ${px(Y)}L${px(X)} ${px(Y + s)}L${px(X - s)} ${px(Y)}Z" fill="${colorOf(j)}"><title>centre of cluster ${j}</title></path>`);
    }
    parts.push('</g>');
  }
  if (showLegend) {
    const lx = f.right + 18;
    const rowH = Math.min(20, Math.max(12, (f.bottom - f.top - 20) / Math.max(1, ids.length)));
    parts.push(`<g class="legend" font-size="11.5" fill="${INK}"><text x="${lx}" y="${px(f.top + 4)}" font-weight="600">Cluster (size)</text>`);
    ids.forEach((c, t) => {
      const y = f.top + 20 + t * rowH;
      parts.push(`<g class="legend-entry" data-cluster="${c}"><circle cx="${lx + 5}" cy="${px(y - 4)}" r="5" fill="${colorOf(c)}"/><text x="${lx + 16}" y="${px(y)}">${esc(name(c, counts.get(c)!))}</text></g>`);
    });
    if (options.centers) {
      const y = f.top + 20 + ids.length * rowH + 6;
      parts.push(`<g class="legend-note"><path d="M${lx + 5} ${px(y - 10)}l6 6l-6 6l-6 -6z" fill="#ffffff" stroke="#1f2328" stroke-width="1.5"/><text x="${lx + 16}" y="${px(y)}">centre</text></g>`);
    }
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}

/** One line of {@link lineChartSvg}: y[i] at x[i]; `null` / non-finite y leaves a gap. */
export interface LineSeries {
  readonly name: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number | null>;
  /** @defaultValue the palette colour of the series index */
  readonly color?: string;
  readonly dashed?: boolean;
}

/** Options of {@link lineChartSvg}. */
export interface LineChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** @defaultValue 480 × 300 */
  width?: number;
  height?: number;
  /** Dots on the data points. @defaultValue true when every series has ≤ 60 points */
  markers?: boolean;
  /** Only integer x ticks (iterations, k). @defaultValue false */
  integerX?: boolean;
  /** Draw a dashed vertical rule at this x (e.g. the chosen k), labelled `markLabel`. */
  markX?: number;
  markLabel?: string;
  /** Start the y axis at 0 when all values are positive. @defaultValue false */
  yFromZero?: boolean;
}

/**
 * Line chart of one or more series with axes, grid, labels and (for 2+ series) a legend.
 * Each series is a `<path class="series">`; markers are `<circle class="point">`.
 */
export function lineChartSvg(series: readonly LineSeries[], options: LineChartOptions = {}): string {
  const width = options.width ?? 480, height = options.height ?? 300;
  const palette = clusterColors(Math.max(1, series.length));
  const allX: number[] = [], allY: number[] = [];
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      const y = s.y[i];
      if (y !== null && y !== undefined && Number.isFinite(y)) { allX.push(s.x[i]!); allY.push(y); }
    }
  }
  if (options.markX !== undefined) allX.push(options.markX);
  let [x0, x1] = extent(allX);
  let [y0, y1] = extent(allY);
  if (options.yFromZero && y0 > 0) y0 = 0;
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  const xPad = (x1 - x0) * 0.03;
  x0 -= xPad; x1 += xPad;
  if (y0 === y1) { const d = Math.abs(y0) * 0.1 || 1; y0 -= d; y1 += d; }
  const yPad = (y1 - y0) * 0.06;
  if (!(options.yFromZero && y0 === 0)) y0 -= yPad;
  y1 += yPad;
  let xt = niceTicks(x0, x1, Math.min(8, Math.max(2, x1 - x0)));
  if (options.integerX) {
    xt = xt.filter((v) => Number.isInteger(v));
    if (xt.length === 0) xt = [Math.round(x0)];
  }
  const yt = niceTicks(y0, y1, 5);
  const legend = series.length > 1;
  const markRoom = options.markX !== undefined && options.markLabel ? 14 : 0;
  const f = frame(width, height, { l: 58, r: 16, t: (options.title ? 30 : 14) + (legend ? 16 : 0) + markRoom, b: 46 },
    [x0, x1], [Math.min(y0, yt[0]!), Math.max(y1, yt[yt.length - 1]!)], xt, yt);
  const parts: string[] = [open(width, height, options.title ?? 'Line chart', 'line')];
  parts.push(axes(f, { title: options.title, xLabel: options.xLabel, yLabel: options.yLabel, width, xGrid: false }));
  if (options.markX !== undefined) {
    const X = px(f.sx(options.markX));
    parts.push(`<g class="mark"><line x1="${X}" x2="${X}" y1="${px(f.top)}" y2="${px(f.bottom)}" stroke="${MUTED}" stroke-dasharray="4 3"/>`);
    if (options.markLabel) parts.push(`<text x="${X}" y="${px(f.top - 5)}" text-anchor="middle" font-size="11" fill="${MUTED}">${esc(options.markLabel)}</text>`);
    parts.push('</g>');
  }
  series.forEach((s, si) => {
    const color = s.color ?? palette[si]!;
    let d = '', pen = false;
    const dots: string[] = [];
    for (let i = 0; i < s.x.length; i++) {
      const y = s.y[i];
      if (y === null || y === undefined || !Number.isFinite(y)) { pen = false; continue; }
      const X = px(f.sx(s.x[i]!)), Y = px(f.sy(y));
      d += `${pen ? 'L' : 'M'}${X} ${Y}`;
      pen = true;
      dots.push(`<circle class="point" cx="${X}" cy="${Y}" r="3" fill="${color}"><title>${esc(`${s.name}: x = ${formatNumber(s.x[i]!)}, y = ${formatNumber(y)}`)}</title></circle>`);
    }
    parts.push(`<path class="series" d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} stroke-linejoin="round" stroke-linecap="round"/>`);
    const markers = options.markers ?? series.every((t) => t.x.length <= 60);
    if (markers) parts.push(`<g class="points">${dots.join('')}</g>`);
  });
  if (legend) {
    let x = f.left;
    const y = (options.title ? 30 : 14) + 4;
    parts.push(`<g class="legend" font-size="11.5" fill="${INK}">`);
    series.forEach((s, si) => {
      const color = s.color ?? palette[si]!;
      parts.push(`<g class="legend-entry"><line x1="${x}" x2="${x + 16}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/><text x="${x + 21}" y="${y + 4}">${esc(s.name)}</text></g>`);
      x += 30 + s.name.length * 6.5;
    });
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}

/** One bar of {@link barChartSvg}. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** @defaultValue the first palette colour */
  readonly color?: string;
}

/** Options of {@link barChartSvg}. */
export interface BarChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** @defaultValue 480 × 300 */
  width?: number;
  height?: number;
  /** Print each bar's value above it. @defaultValue true when there are ≤ 24 bars */
  valueLabels?: boolean;
}

/** Vertical bar chart from 0: one `<rect class="bar">` per entry, category labels below. */
export function barChartSvg(bars: readonly Bar[], options: BarChartOptions = {}): string {
  const width = options.width ?? 480, height = options.height ?? 300;
  const m = bars.length;
  let hi = 0, lo = 0;
  for (const b of bars) { if (Number.isFinite(b.value)) { hi = Math.max(hi, b.value); lo = Math.min(lo, b.value); } }
  if (hi === lo) hi = lo + 1;
  const yt = niceTicks(lo, hi * 1.08, 5);
  const f = frame(width, height, { l: 58, r: 16, t: options.title ? 30 : 14, b: 46 }, [0, Math.max(1, m)],
    [Math.min(lo, yt[0]!), Math.max(hi * 1.08, yt[yt.length - 1]!)], [], yt);
  const parts: string[] = [open(width, height, options.title ?? 'Bar chart', 'bar')];
  parts.push(axes(f, { title: options.title, xLabel: options.xLabel, yLabel: options.yLabel, width, xGrid: false }));
  const slot = (f.right - f.left) / Math.max(1, m), bw = Math.max(1, Math.min(48, slot * 0.72));
  const showVals = options.valueLabels ?? m <= 24;
  const everyLabel = Math.max(1, Math.ceil(m / 24));
  parts.push(`<g class="bars" font-size="11">`);
  bars.forEach((b, t) => {
    const v = Number.isFinite(b.value) ? b.value : 0;
    const cx = f.left + slot * (t + 0.5);
    const y0 = f.sy(0), y1 = f.sy(v);
    const top = Math.min(y0, y1), h = Math.abs(y1 - y0);
    parts.push(`<rect class="bar" x="${px(cx - bw / 2)}" y="${px(top)}" width="${px(bw)}" height="${px(h)}" rx="2" fill="${b.color ?? clusterColors(1)[0]}"><title>${esc(`${b.label}: ${formatNumber(b.value)}`)}</title></rect>`);
    if (showVals) parts.push(`<text x="${px(cx)}" y="${px(top - 4)}" text-anchor="middle" fill="${INK}">${esc(formatNumber(b.value))}</text>`);
    if (t % everyLabel === 0) parts.push(`<text x="${px(cx)}" y="${px(f.bottom + 16)}" text-anchor="middle" fill="${MUTED}">${esc(b.label)}</text>`);
  });
  parts.push('</g></svg>');
  return parts.join('');
}
