// Unit tests of the density/hierarchy figures (condensed tree, reachability plot, dendrogram) and
// of the density report sections: mark counts, colours, truncation, capping of infinite values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { condensedTreeSvg, dendrogramSvg, reachabilitySvg } from '../../src/report/hierarchy.js';
import { agglomerativeSection, hdbscanSection, opticsSection } from '../../src/report/density.js';
import { renderReport } from '../../src/report/render.js';
import { scatterSvg } from '../../src/report/svg.js';
import { clusterColors, NOISE_COLOR } from '../../src/report/palette.js';
import * as hdbscan from '../../src/density/hdbscan.js';
import { linkage } from '../../src/hierarchy/linkage.js';
import { bundled } from '../helpers/data.js';

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;
const iris = bundled('iris');

test('condensedTreeSvg(condensedClusters(model)) draws one node bar per cluster node, selected ones in their cluster colour', () => {
  const r = hdbscan.fit(iris.x, { minClusterSize: 5 });
  const c = hdbscan.condensedClusters(r);
  const colors = clusterColors(r.k);
  const svg = condensedTreeSvg(c, { colors });
  assert.equal(count(svg, /<rect class="node/g), c.node.length);
  assert.equal(count(svg, /class="node selected"/g), r.k);
  for (let l = 0; l < r.k; l++) assert.ok(svg.includes(`data-label="${l}" `) && svg.includes(`fill="${colors[l]}"`));
  assert.ok(svg.startsWith('<svg') && svg.endsWith('</svg>'));
  assert.ok(!/NaN|Infinity/.test(svg));
});

test('condensedTreeSvg caps infinite λ (stored as Number.MAX_VALUE) at the largest finite one', () => {
  const tree = {
    node: [10, 11, 12], parent: [-1, 10, 10], lambdaBirth: [0, 1, 1], lambdaDeath: [1, Number.MAX_VALUE, 4], size: [10, 5, 5], label: [-1, 0, 1],
  };
  const svg = condensedTreeSvg(tree);
  assert.equal(count(svg, /<rect class="node/g), 3);
  assert.ok(!/NaN|Infinity|e\+308/.test(svg));
});

test('reachabilitySvg(r, labels) draws one bar per position and a ∞ marker for each undefined reachability', () => {
  const r = [Infinity, 0.5, 0.4, 2, -1, 0.3];
  const labels = [0, 0, 0, -1, 1, 1];
  const svg = reachabilitySvg(r, labels, { cut: 1 });
  assert.equal(count(svg, /<rect class="bar"/g), 6);
  assert.equal(count(svg, /<path class="inf"/g), 2);
  assert.equal(count(svg, new RegExp(`fill="${NOISE_COLOR}"`, 'g')), 1);
  assert.ok(svg.includes('class="cut"'));
  assert.ok(!/NaN/.test(svg));
});

test('dendrogramSvg(z, n) draws n − 1 links for small n and the last p merges (p leaves) beyond maxLeaves', () => {
  const z = linkage(iris.x, { method: 'ward' }).z;
  const full = dendrogramSvg(z, 150, { labels: iris.y });
  assert.equal(count(full, /<path class="link"/g), 149);
  assert.equal(count(full, /<line class="leaf"/g), 150);
  const cut = dendrogramSvg(z, 150, { maxLeaves: 100, p: 12 });
  assert.equal(count(cut, /<path class="link"/g), 11);
  assert.equal(count(cut, /<line class="leaf"/g), 12);
  // truncated leaves print their sizes, which add up to n
  const sizes = [...cut.matchAll(/>\((\d+)\)</g)].map((m) => Number(m[1]));
  const singles = count(cut, /text-anchor="start">\d+</g);
  assert.equal(sizes.reduce((a, b) => a + b, 0) + singles, 150);
});

test('dendrogramSvg colours the links inside one flat cluster with its colour and mixed links grey', () => {
  // rows 0,1 merge (cluster 0), rows 2,3 merge (cluster 1), then both
  const z = [0, 1, 1, 2, 2, 3, 1, 2, 4, 5, 3, 4];
  const colors = ['#111111', '#222222'];
  const svg = dendrogramSvg(z, 4, { labels: [0, 0, 1, 1], colors });
  assert.equal(count(svg, /<path class="link"/g), 3);
  assert.ok(svg.includes('stroke="#111111"') && svg.includes('stroke="#222222"'));
});

test('scatterSvg(points, labels) draws noise in its own group under the clusters, still one mark per row', () => {
  const svg = scatterSvg([[0, 0], [1, 1], [2, 2], [3, 3]], [1, -1, 0, -1]);
  assert.equal(count(svg, /<circle data-row=/g), 4);
  const noiseGroup = svg.slice(svg.indexOf('class="marks noise"'), svg.indexOf('<g class="marks"'));
  assert.equal(count(noiseGroup, /data-cluster="-1"/g), 2);
  assert.equal(count(svg, /class="legend-entry"/g), 3);
  assert.ok(svg.includes('Noise (2)'));
});

test('hdbscanSection, opticsSection and agglomerativeSection pair the scatter with their structure figure', () => {
  const h = hdbscanSection({ name: 'iris hdbscan', x: iris.x, truth: iris.y }, { minClusterSize: 5 });
  assert.equal(h.figures.n_clusters, 2);
  assert.ok(h.section.structure!.svg.includes('class="chart condensed-tree"'));
  const o = opticsSection({ name: 'iris optics', x: iris.x }, { minSamples: 15 });
  assert.equal(o.figures.n, 150);
  assert.equal(count(o.section.structure!.svg, /<rect class="bar"/g), 150);
  assert.equal(o.figures.ari, null);
  const a = agglomerativeSection({ name: 'iris ward', x: iris.x, truth: iris.y }, { linkage: 'ward', k: 3 });
  assert.equal(count(a.section.structure!.svg, /<path class="link"/g), 149);
  assert.ok(a.figures.ari! > 0.7);
  const html = renderReport({ sections: [h.section, o.section, a.section] });
  assert.equal(count(html, /<circle data-row=/g), 450);
  assert.equal(count(html, /class="card structure"/g), 3);
  assert.ok(html.includes('Reachability plot') && html.includes('Dendrogram') && html.includes('Condensed cluster tree'));
  assert.equal(count(html, /class="card full extra"/g), 1); // the nested density tree (icicle) of the HDBSCAN section
  assert.ok(html.includes('Nested density tree'));
});
