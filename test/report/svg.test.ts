// Unit tests of the report's pure SVG/HTML builders and of the section builder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChartSvg, esc, formatNumber, formatTick, lineChartSvg, niceTicks, scatterSvg } from '../../src/report/svg.js';
import { clusterColors, NOISE_COLOR, OKABE_ITO, TABLEAU_10 } from '../../src/report/palette.js';
import { renderReport, type ReportSection } from '../../src/report/render.js';
import { kmeansSection } from '../../src/report/analyze.js';
import * as kmeans from '../../src/centroid/kmeans.js';
import { bundled, fixture } from '../helpers/data.js';

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;

test('niceTicks(lo, hi, n) gives round steps covering the range', () => {
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(-0.93, 1.2, 4), [-0.5, 0, 0.5, 1]);
  assert.deepEqual(niceTicks(3, 3, 5), [2, 2.5, 3, 3.5, 4]);
  assert.deepEqual(niceTicks(NaN, 1), [0, 1]);
});

test('formatTick and formatNumber print short, exact-enough labels', () => {
  assert.equal(formatTick(1200000, 200000), '1.2M');
  assert.equal(formatTick(25000, 5000), '25k');
  assert.equal(formatTick(0.25, 0.05), '0.25');
  assert.equal(formatTick(4, 2), '4');
  assert.equal(formatNumber(0.73023827), '0.7302');
  assert.equal(formatNumber(78.851441, 6), '78.8514');
  assert.equal(formatNumber(1165431.7), '1\u2009165\u2009432');
  assert.equal(formatNumber(NaN), '–');
});

test('esc(text) escapes the five HTML-special characters', () => {
  assert.equal(esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('clusterColors(k) is Okabe–Ito up to 8, Tableau 10 up to 10, then distinct generated hues', () => {
  assert.deepEqual(clusterColors(3), OKABE_ITO.slice(0, 3));
  assert.deepEqual(clusterColors(10), TABLEAU_10.slice());
  const c14 = clusterColors(14);
  assert.equal(c14.length, 14);
  assert.equal(new Set(c14).size, 14);
});

test('scatterSvg(points, labels) draws one circle per row and one legend entry per cluster', () => {
  const pts = [[0, 0], [1, 1], [2, 0.5], [3, 2], [NaN, 1], [4, Infinity]];
  const labels = [0, 1, 1, 2, -1, 0];
  const svg = scatterSvg(pts, labels, { legend: true, title: 'T <1>' });
  assert.equal(count(svg, /<circle data-row="/g), 6);
  for (let i = 0; i < 6; i++) assert.ok(svg.includes(`data-row="${i}" data-cluster="${labels[i]}"`), `row ${i}`);
  assert.equal(count(svg, /class="legend-entry"/g), 4); // noise, 0, 1, 2
  assert.ok(svg.includes('Noise (1)'));
  assert.ok(svg.includes('Cluster 1 (2)'));
  assert.ok(svg.includes(`fill="${NOISE_COLOR}"`));
  assert.ok(svg.includes('T &lt;1&gt;'));
  assert.ok(!svg.includes('NaN') && !svg.includes('Infinity'), 'non-finite coordinates are clamped');
  const flat = scatterSvg(new Float32Array([0, 0, 1, 1]), [0, 0], { legend: false });
  assert.equal(count(flat, /<circle data-row=/g), 2);
  assert.equal(count(flat, /legend-entry/g), 0);
});

test('scatterSvg accepts a Matrix and draws centres as diamonds', () => {
  const m = { data: new Float32Array([0, 0, 1, 0, 0, 1, 5, 5]), rows: 4, cols: 2 };
  const svg = scatterSvg(m, [0, 0, 0, 1], { centers: [[0.3, 0.3], [5, 5]] });
  assert.equal(count(svg, /<circle data-row=/g), 4);
  assert.equal(count(svg, /<path class="center"/g), 2);
});

test('lineChartSvg(series) draws one path per series, leaving gaps at null values', () => {
  const svg = lineChartSvg([
    { name: 'a', x: [1, 2, 3, 4], y: [4, 3, null, 1] },
    { name: 'b', x: [1, 2, 3, 4], y: [1, 2, 3, 4], dashed: true },
  ], { title: 'curves', xLabel: 'k', yLabel: 'value', integerX: true, markX: 3, markLabel: 'k = 3' });
  assert.equal(count(svg, /<path class="series"/g), 2);
  const first = /<path class="series" d="([^"]*)"/.exec(svg)![1]!;
  assert.equal(count(first, /M/g), 2, 'a gap starts a new sub-path');
  assert.equal(count(svg, /<circle class="point"/g), 7);
  assert.equal(count(svg, /class="legend-entry"/g), 2);
  assert.ok(svg.includes('k = 3'));
  assert.ok(svg.includes('>value</text>') && svg.includes('>k</text>'), 'axis labels');
});

test('barChartSvg(bars) draws one rect per bar with heights proportional to the values', () => {
  const svg = barChartSvg([{ label: '0', value: 50 }, { label: '1', value: 100 }, { label: '2', value: 25 }], { yLabel: 'Rows' });
  const heights = [...svg.matchAll(/<rect class="bar"[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(heights.length, 3);
  assert.ok(Math.abs(heights[1]! / heights[0]! - 2) < 0.01);
  assert.ok(Math.abs(heights[0]! / heights[2]! - 2) < 0.02);
});

function section(name: string, n: number, k: number): ReportSection {
  const labels = Int32Array.from({ length: n }, (_, i) => i % k);
  return {
    name, n, d: 2, k, algorithm: 'kmeans', params: { nInit: 1 },
    points2d: Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i)), labels,
    truth: Int32Array.from({ length: n }, (_, i) => (i * 7) % k),
    metrics: [{ key: 'ari', label: 'ARI', value: 0.5 }, { key: 'seconds', label: 'Seconds', value: null }],
    history: [{ iter: 1, inertia: 10 }, { iter: 2, inertia: 8 }],
    elbow: { k: [1, 2, 3], inertia: [30, 12, 8], silhouette: [null, 0.4, 0.3], chosenK: k },
    warnings: ['a <warning>'],
  };
}

test('renderReport(data) is one self-contained page: sections, marks per row, no external resources', () => {
  const html = renderReport({ title: 'R & D', sections: [section('One', 40, 3), section('One', 25, 2)] });
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes('<title>R &amp; D</title>'));
  const ids = [...html.matchAll(/<section class="dataset" id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(ids, ['one', 'one-2']);
  const parts = html.split('<section class="dataset"').slice(1);
  assert.equal(count(parts[0]!, /<circle data-row=/g), 40);
  assert.equal(count(parts[1]!, /<circle data-row=/g), 25);
  assert.equal(count(parts[0]!.split('</svg>')[0]!, /class="legend-entry"/g), 3);
  assert.ok(html.includes('a &lt;warning&gt;'));
  assert.ok(html.includes('Clusters against true classes'));
  assert.ok(!/<script|<link|<img|<iframe|@import|url\(/i.test(html), 'no scripts, links, images or CSS urls');
  const urls = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(urls.every((u) => u.startsWith('#')), `only in-page links: ${urls.filter((u) => !u.startsWith('#')).join(' ')}`);
  const overview = html.slice(html.indexOf('class="overview"'), html.indexOf('</table>', html.indexOf('class="overview"')));
  assert.ok(overview.includes('>ARI<') && overview.includes('>Seconds<'));
});

test('kmeansSection(iris, k 3) reports the k-means result, its scores and a sweep of k', () => {
  const { x, y } = bundled('iris');
  const out = kmeansSection({ name: 'Iris', x, k: 3, truth: y, sweepK: [1, 2, 3, 4] });
  // scikit-learn 1.2.1 KMeans(n_clusters=3, n_init=10, random_state=0) (test/fixtures/kmeans.json "seeded_band")
  const band = fixture('kmeans.json').iris.seeded_band.runs[0];
  assert.ok(Math.abs(out.figures.ari! - band.ari_vs_true) < 1e-9);
  const lib = kmeans.fit(x, { k: 3, nInit: 10, seed: 0 });
  assert.deepEqual(out.result.labels, lib.labels);
  assert.equal(out.figures.inertia, lib.inertia);
  assert.equal(out.figures.iterations, lib.nIter);
  assert.equal(out.section.elbow!.inertia[2], lib.inertia, 'the sweep reuses the main fit at k');
  assert.equal(out.section.elbow!.silhouette![0], null, 'no silhouette for one cluster');
  assert.ok(out.section.elbow!.inertia[0]! > out.section.elbow!.inertia[1]!);
  assert.equal(out.section.history!.length, lib.history.length);
  assert.deepEqual(out.section.metrics.map((m) => m.key),
    ['ari', 'ami', 'nmi', 'accuracy', 'purity', 'silhouette', 'davies_bouldin', 'calinski_harabasz', 'inertia', 'iterations', 'seconds']);
  const pts = out.section.points2d as Float32Array;
  assert.equal(pts.length, 300);
  assert.match(out.section.axisLabels![0], /^PC 1 \(92\.\d % of variance\)$/);
});
