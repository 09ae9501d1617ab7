/**
 * The self-contained HTML report: one string holding inline CSS and inline SVG only (no
 * scripts, no fonts, no images, no links to other hosts), so it opens offline in any browser.
 * Pure function of its input; `./write.ts` saves it atomically from Node.
 */
import { NOISE_COLOR, clusterColors } from './palette.js';
import { barChartSvg, esc, formatNumber, lineChartSvg, scatterSvg, type Points2D } from './svg.js';

/** One figure in a section's metrics table (and, when shared by all sections, in the overview). */
export interface ReportMetric {
  /** Stable key, e.g. 'ari' (used to line up the overview table). */
  readonly key: string;
  /** Column / row heading, e.g. 'ARI'. */
  readonly label: string;
  /** The value; null prints as '–'. */
  readonly value: number | null;
  /** Significant digits shown. @defaultValue 4 */
  readonly digits?: number;
  /** One-line explanation shown under the label. */
  readonly hint?: string;
  /** Also show in the overview table at the top (when every section has it). @defaultValue true */
  readonly overview?: boolean;
}

/** Inertia and silhouette of fits over a range of k (the elbow sweep). */
export interface ElbowData {
  /** k values, ascending [m]. */
  readonly k: readonly number[];
  /** Inertia (Σ squared distances) of the fit at each k [m]. */
  readonly inertia: readonly number[];
  /** Mean silhouette at each k [m]; null where undefined (k = 1). */
  readonly silhouette?: readonly (number | null)[];
  /** The k of the main fit, marked on both charts. */
  readonly chosenK?: number;
  /** How the sweep was run (e.g. 'nInit 3, seed 0; silhouette on 1000 sampled rows'). */
  readonly note?: string;
}

/** One dataset's part of the report. */
export interface ReportSection {
  /** HTML id of the section (letters, digits, '-', '_'). @defaultValue derived from name */
  readonly id?: string;
  /** Heading, e.g. 'Iris'. */
  readonly name: string;
  /** One paragraph under the heading (plain text). */
  readonly description?: string;
  /** Rows, columns, clusters. */
  readonly n: number;
  readonly d: number;
  readonly k: number;
  /** Algorithm name and the parameters worth showing. */
  readonly algorithm: string;
  readonly params?: Readonly<Record<string, string | number | boolean | null>>;
  /** 2-D projection of the rows [n × 2] (e.g. the first two principal components). */
  readonly points2d: Points2D;
  /** Axis titles of the projection. @defaultValue ['PC 1', 'PC 2'] */
  readonly axisLabels?: readonly [string, string];
  /** Cluster of each row [n]; −1 = noise. */
  readonly labels: ArrayLike<number>;
  /** Cluster centres in the projection [k × 2], drawn as diamonds. */
  readonly centers2d?: Points2D;
  /** True class of each row [n], for the cluster × class table. */
  readonly truth?: ArrayLike<number>;
  /** Name of true class c at index c. */
  readonly truthNames?: readonly string[];
  /** Quality figures, in display order. */
  readonly metrics: readonly ReportMetric[];
  /** Objective per iteration of the fit (k-means `history`). */
  readonly history?: readonly { readonly iter: number; readonly inertia: number }[];
  readonly elbow?: ElbowData;
  /** A structure figure drawn next to the scatter (condensed tree, reachability plot or dendrogram; an SVG string from ./hierarchy.ts). */
  readonly structure?: { readonly title: string; readonly svg: string; readonly note?: string };
  /** More figures (SVG strings), each drawn full width below the scatter row. */
  readonly figures?: readonly { readonly title: string; readonly svg: string; readonly note?: string }[];
  /** Note under the scatter. @defaultValue one dot per row, diamonds = centres (or noise in grey) */
  readonly scatterNote?: string;
  /** Scatter heading. @defaultValue 'Clusters in the first two principal components' */
  readonly scatterTitle?: string;
  readonly warnings?: readonly string[];
}

/** Everything {@link renderReport} draws. */
export interface ReportData {
  /** @defaultValue 'clusterkit report' */
  readonly title?: string;
  /** One line under the title. */
  readonly subtitle?: string;
  /** Shown in the footer (pass a timestamp or version; the function itself reads no clock). */
  readonly footer?: string;
  readonly sections: readonly ReportSection[];
}

const CSS = `
:root{--ink:#1f2328;--muted:#59636e;--line:#d8dee4;--soft:#f6f8fa;--accent:#0072B2}
*{box-sizing:border-box}
body{margin:0;background:#fbfbfc;color:var(--ink);font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;-webkit-font-smoothing:antialiased}
main{max-width:1180px;margin:0 auto;padding:32px 24px 48px}
header.top h1{font-size:28px;margin:0 0 4px;letter-spacing:-.01em}
header.top p{margin:0;color:var(--muted)}
nav.toc{margin:14px 0 0;display:flex;flex-wrap:wrap;gap:8px}
nav.toc a{color:var(--accent);text-decoration:none;border:1px solid var(--line);border-radius:999px;padding:2px 12px;font-size:13px;background:#fff}
nav.toc a:hover{border-color:var(--accent)}
h2{font-size:22px;margin:0 0 2px;letter-spacing:-.005em}
h3{font-size:14px;margin:0 0 8px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.04em}
section.dataset{margin-top:36px;padding-top:8px;border-top:1px solid var(--line)}
.meta{color:var(--muted);margin:0 0 14px;font-size:14px}
.meta code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:1px 5px;border-radius:4px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:16px;margin-top:16px}
.grid.wide{grid-template-columns:minmax(0,1.6fr) minmax(300px,1fr)}
.grid.wide.pair{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}
@media (max-width:900px){.grid.wide,.grid{grid-template-columns:1fr}}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 16px 12px;min-width:0}
.card svg{display:block;width:100%;height:auto}
.card.full{grid-column:1/-1}
.card p.note{margin:6px 0 0;color:var(--muted);font-size:12.5px}
table{border-collapse:collapse;width:100%;font-size:14px;font-variant-numeric:tabular-nums}
th,td{padding:6px 10px;border-bottom:1px solid #eef0f2;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
thead th{font-size:11.5px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.02em;border-bottom:1px solid var(--line)}
table.metrics td{white-space:normal;vertical-align:top}
table.metrics td.value{font-weight:600;white-space:nowrap}
span.hint{display:block;color:var(--muted);font-size:12px;line-height:1.35;margin-top:1px}
.scroll{overflow-x:auto}
table.overview td:first-child a{color:var(--accent);text-decoration:none;font-weight:600}
table.contingency td,table.contingency th{min-width:38px;padding:5px 8px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:0}
.warn{background:#fff8e6;border:1px solid #f0d58c;border-radius:8px;padding:8px 12px;margin-top:12px;font-size:13.5px}
footer{margin-top:40px;color:var(--muted);font-size:12.5px}
`;

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'section';

function metricValue(m: ReportMetric): string {
  return m.value === null ? '–' : formatNumber(m.value, m.digits ?? 4);
}

/** The overview table: one row per section, one column per metric key present in every section. */
function overview(sections: readonly ReportSection[], ids: string[]): string {
  if (sections.length === 0) return '';
  const first = sections[0]!.metrics;
  const keys = first.filter((m) => m.overview !== false && sections.every((s) => s.metrics.some((t) => t.key === m.key)));
  const head = ['Dataset', 'n', 'd', 'k', ...keys.map((m) => m.label)];
  const rows = sections.map((s, i) => {
    const cells = keys.map((m) => `<td>${esc(metricValue(s.metrics.find((t) => t.key === m.key)!))}</td>`).join('');
    return `<tr><td><a href="#${ids[i]}">${esc(s.name)}</a></td><td>${s.n}</td><td>${s.d}</td><td>${s.k}</td>${cells}</tr>`;
  }).join('');
  return `<div class="card" style="margin-top:20px"><h3>Overview</h3><div class="scroll"><table class="overview"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div></div>`;
}

function metricsTable(s: ReportSection): string {
  const rows = s.metrics.map((m) =>
    `<tr data-metric="${esc(m.key)}"><td>${esc(m.label)}${m.hint ? `<span class="hint">${esc(m.hint)}</span>` : ''}</td><td class="value">${esc(metricValue(m))}</td></tr>`).join('');
  return `<div class="card"><h3>Quality</h3><table class="metrics"><thead><tr><th>Metric</th><th>Value</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function clusterIds(labels: ArrayLike<number>): { ids: number[]; counts: Map<number, number> } {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  return { ids: [...counts.keys()].sort((a, b) => a - b), counts };
}

/** Cluster × true-class counts, shaded by share of the cluster. */
function contingency(s: ReportSection, colors: readonly string[]): string {
  const truth = s.truth!;
  const { ids } = clusterIds(s.labels);
  const classes = clusterIds(truth).ids;
  const idx = new Map(classes.map((c, j) => [c, j]));
  const table = new Map<number, number[]>(ids.map((c) => [c, new Array<number>(classes.length).fill(0)]));
  for (let i = 0; i < s.labels.length; i++) table.get(s.labels[i]!)![idx.get(truth[i]!)!]!++;
  const className = (c: number): string => s.truthNames?.[c] ?? String(c);
  const head = `<tr><th>Cluster \\ class</th>${classes.map((c) => `<th>${esc(className(c))}</th>`).join('')}<th>Total</th></tr>`;
  const body = ids.map((c) => {
    const row = table.get(c)!, total = row.reduce((a, b) => a + b, 0);
    const sw = `<span class="swatch" style="background:${c < 0 ? NOISE_COLOR : colors[c] ?? NOISE_COLOR}"></span>`;
    const cells = row.map((v) => {
      const a = total > 0 ? v / total : 0;
      return `<td style="background:rgba(0,114,178,${(a * 0.45).toFixed(3)})">${v}</td>`;
    }).join('');
    return `<tr><td>${sw}${c < 0 ? 'noise' : `Cluster ${c}`}</td>${cells}<td>${total}</td></tr>`;
  }).join('');
  return `<div class="card${classes.length > 4 ? ' full' : ''}"><h3>Clusters against true classes</h3><div class="scroll"><table class="contingency"><thead>${head}</thead><tbody>${body}</tbody></table></div><p class="note">Rows: found clusters; columns: the true classes (counts). Shading: share of the cluster's rows.</p></div>`;
}

function paramsText(s: ReportSection): string {
  const p = s.params ? Object.entries(s.params).map(([k, v]) => `${k} = ${v === null ? 'null' : String(v)}`).join(', ') : '';
  return `<code>${esc(s.algorithm)}</code>${p ? ` (${esc(p)})` : ''}`;
}

function section(s: ReportSection, id: string): string {
  const { ids, counts } = clusterIds(s.labels);
  const maxId = ids.length ? Math.max(...ids) : -1;
  const colors = clusterColors(Math.max(maxId + 1, s.k));
  const [xl, yl] = s.axisLabels ?? ['PC 1', 'PC 2'];
  const out: string[] = [`<section class="dataset" id="${id}" data-rows="${s.labels.length}" data-clusters="${ids.length}">`];
  out.push(`<h2>${esc(s.name)}</h2>`);
  out.push(`<p class="meta">${s.n} rows × ${s.d} columns · ${s.k} clusters · ${paramsText(s)}</p>`);
  if (s.description) out.push(`<p class="meta">${esc(s.description)}</p>`);
  const noise = ids.includes(-1);
  const note = s.scatterNote ?? `One dot per row, coloured by cluster${s.centers2d ? '; diamonds mark the cluster centres' : ''}${noise ? '; noise (label −1) in small grey dots underneath' : ''}.`;
  out.push(`<div class="grid wide${s.structure ? ' pair' : ''}">`);
  out.push(`<div class="card"><h3>${esc(s.scatterTitle ?? 'Clusters in the first two principal components')}</h3>${scatterSvg(s.points2d, s.labels, {
    legend: true, xLabel: xl, yLabel: yl, centers: s.centers2d, colors, width: 660, height: 600,
    tooltip: s.truth ? (i, c) => `row ${i} · ${c < 0 ? 'noise' : `cluster ${c}`} · class ${s.truthNames?.[s.truth![i]!] ?? s.truth![i]}` : undefined,
  })}<p class="note">${esc(note)}</p></div>`);
  if (s.structure) {
    out.push(`<div class="card structure"><h3>${esc(s.structure.title)}</h3>${s.structure.svg}${s.structure.note ? `<p class="note">${esc(s.structure.note)}</p>` : ''}</div>`);
    out.push('</div><div class="grid">');
    out.push(metricsTable(s));
  } else {
    out.push(metricsTable(s));
    out.push('</div><div class="grid">');
  }
  for (const g of s.figures ?? []) {
    out.push(`<div class="card full extra"><h3>${esc(g.title)}</h3>${g.svg}${g.note ? `<p class="note">${esc(g.note)}</p>` : ''}</div>`);
  }
  const bars = ids.map((c) => ({ label: c < 0 ? 'noise' : String(c), value: counts.get(c)!, color: c < 0 ? NOISE_COLOR : colors[c] }));
  out.push(`<div class="card"><h3>Cluster sizes</h3>${barChartSvg(bars, { xLabel: 'Cluster', yLabel: 'Rows' })}</div>`);
  if (s.history && s.history.length > 0) {
    const h = s.history;
    out.push(`<div class="card"><h3>Convergence</h3>${lineChartSvg([{ name: 'inertia', x: h.map((t) => t.iter), y: h.map((t) => t.inertia) }],
      { xLabel: 'Iteration', yLabel: 'Inertia (Σ squared distances)', integerX: true })}<p class="note">Inertia of each iteration's assignment, best of the restarts (${h.length} iterations).</p></div>`);
  }
  if (s.elbow && s.elbow.k.length > 0) {
    const e = s.elbow;
    const mark = e.chosenK !== undefined ? { markX: e.chosenK, markLabel: `k = ${e.chosenK}` } : {};
    out.push(`<div class="card"><h3>Elbow: inertia over k</h3>${lineChartSvg([{ name: 'inertia', x: e.k, y: e.inertia }],
      { xLabel: 'Number of clusters k', yLabel: 'Inertia', integerX: true, yFromZero: true, ...mark })}${e.note ? `<p class="note">${esc(e.note)}</p>` : ''}</div>`);
    if (e.silhouette) {
      out.push(`<div class="card"><h3>Silhouette over k</h3>${lineChartSvg([{ name: 'silhouette', x: e.k, y: e.silhouette, color: '#D55E00' }],
        { xLabel: 'Number of clusters k', yLabel: 'Mean silhouette', integerX: true, ...mark })}<p class="note">Higher is better (−1 … 1).</p></div>`);
    }
  }
  if (s.truth) out.push(contingency(s, colors));
  out.push('</div>');
  if (s.warnings && s.warnings.length > 0) out.push(`<div class="warn"><strong>Warnings.</strong> ${s.warnings.map(esc).join(' ')}</div>`);
  out.push('</section>');
  return out.join('\n');
}

/**
 * Render the whole report as one HTML document (UTF-8). Each section has a PCA scatter with one
 * `<circle data-row>` per row and one `.legend-entry` per cluster, cluster sizes, the metrics
 * table, the convergence curve, the elbow and silhouette sweeps and, with true classes, a
 * cluster × class table. Section ids are made unique.
 */
export function renderReport(data: ReportData): string {
  const title = data.title ?? 'clusterkit report';
  const used = new Set<string>();
  const ids = data.sections.map((s) => {
    const base = slug(s.id ?? s.name);
    let id = base;
    for (let t = 2; used.has(id); t++) id = `${base}-${t}`;
    used.add(id);
    return id;
  });
  const toc = data.sections.length > 1
    ? `<nav class="toc">${data.sections.map((s, i) => `<a href="#${ids[i]}">${esc(s.name)}</a>`).join('')}</nav>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header class="top"><h1>${esc(title)}</h1>${data.subtitle ? `<p>${esc(data.subtitle)}</p>` : ''}${toc}</header>
${overview(data.sections, ids)}
${data.sections.map((s, i) => section(s, ids[i]!)).join('\n')}
<footer>${esc(data.footer ?? 'Made with clusterkit.')} Self-contained file: inline SVG and CSS, no scripts, no network.</footer>
</main>
</body>
</html>
`;
}
