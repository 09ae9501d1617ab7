// Opens the demo report in headless Chromium (Debian's /usr/bin/chromium through playwright-core)
// and checks what a reader sees: one scatter mark per data row, one legend entry per cluster,
// and no request leaving the file. Fails (does not skip) when Chromium is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ROOT } from '../helpers/data.js';

const CHROMIUM = '/usr/bin/chromium';
const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
/** Rows and classes of the bundled datasets, in demo order (data/README.md). */
const EXPECTED = [
  { id: 'iris', rows: 150, clusters: 3 },
  { id: 'wine-standardised', rows: 178, clusters: 3 },
  { id: 'breast-cancer-wisconsin-standardised', rows: 569, clusters: 2 },
  { id: 'digits', rows: 1797, clusters: 10 },
];
/** Density and hierarchy sections of the demo: rows, legend entries (clusters + a noise entry), structure figure and its marks. */
const DENSITY = [
  { id: 'noisy2d-hdbscan', rows: 10000, legend: 7 + 1, figure: 'svg.condensed-tree', mark: 'rect.node' },
  { id: 'noisy2d-first-2000-rows-optics', rows: 2000, legend: 5 + 1, figure: 'svg.reachability', mark: 'rect.bar' },
  { id: 'iris-ward-linkage', rows: 150, legend: 3, figure: 'svg.dendrogram', mark: 'path.link' },
];

function demo(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, 'demo', '--out', dir, '--open', 'no'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}

test('clusterkit demo writes a report that Chromium shows with one mark per row, one legend entry per cluster (and noise), the density figures and no network', async () => {
  assert.ok(existsSync(CHROMIUM),
    `${CHROMIUM} is missing: the report test needs Debian's Chromium. Install it with 'sudo apt-get install -y chromium' (CI does this in .ci/run).`);
  const dir = mkdtempSync(join(tmpdir(), 'clusterkit-report-'));
  try {
    const r = await demo(dir);
    assert.equal(r.code, 0, r.stderr);
    const path = join(dir, 'clusterkit-report.html');
    assert.ok(r.stdout.includes(`report: ${path}`), r.stdout);
    for (const name of ['iris', 'wine', 'breast_cancer', 'digits']) assert.match(r.stdout, new RegExp(`^${name}\\s+\\d+`, 'm'));
    // iris row of the table: n, d, k, then ARI = 0.7302 (scikit-learn's value for KMeans n_init=10, random_state=0)
    assert.match(r.stdout, /^iris\s+150\s+4\s+3\s+0\.7302\s/m);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
      const sections = await page.$$eval('section.dataset', (els) => els.map((s) => ({
        id: s.id,
        marks: s.querySelectorAll('svg.scatter circle[data-row]').length,
        distinctRows: new Set(Array.from(s.querySelectorAll('svg.scatter circle[data-row]')).map((c) => c.getAttribute('data-row'))).size,
        legend: s.querySelectorAll('svg.scatter .legend-entry').length,
        visibleMarks: Array.from(s.querySelectorAll('svg.scatter circle[data-row]')).filter((c) => {
          const b = (c as SVGGraphicsElement).getBoundingClientRect();
          return b.width > 0 && b.height > 0;
        }).length,
        charts: s.querySelectorAll('svg.chart').length,
      })));
      assert.deepEqual(sections.map((s) => s.id), [...EXPECTED, ...DENSITY].map((e) => e.id));
      for (const [i, e] of EXPECTED.entries()) {
        const s = sections[i]!;
        assert.equal(s.marks, e.rows, `${e.id}: scatter marks`);
        assert.equal(s.distinctRows, e.rows, `${e.id}: one mark per row`);
        assert.equal(s.visibleMarks, e.rows, `${e.id}: every mark is drawn`);
        assert.equal(s.legend, e.clusters, `${e.id}: legend entries`);
        assert.equal(s.charts, 5, `${e.id}: scatter, sizes, convergence, elbow, silhouette`);
      }
      for (const [i, e] of DENSITY.entries()) {
        const s = sections[EXPECTED.length + i]!;
        assert.equal(s.marks, e.rows, `${e.id}: scatter marks`);
        assert.equal(s.distinctRows, e.rows, `${e.id}: one mark per row`);
        assert.equal(s.visibleMarks, e.rows, `${e.id}: every mark is drawn`);
        assert.equal(s.legend, e.legend, `${e.id}: legend entries`);
      }
      const figs = await page.$$eval('section.dataset', (els, spec) => els.slice(4).map((s, i) => {
        const f = s.querySelector(spec[i]!.figure) as SVGGraphicsElement | null;
        const b = f?.getBoundingClientRect();
        return {
          marks: f ? f.querySelectorAll(spec[i]!.mark).length : -1, width: b?.width ?? 0, height: b?.height ?? 0,
          noiseLegend: Array.from(s.querySelectorAll('svg.scatter .legend-entry')).some((g) => /noise/i.test(g.textContent ?? '')),
        };
      }), DENSITY);
      // HDBSCAN: one bar per cluster node (≥ the 7 selected); OPTICS: one bar per row; ward on iris: n − 1 merges
      assert.ok(figs[0]!.marks >= 7, `condensed tree nodes: ${figs[0]!.marks}`);
      assert.equal(figs[1]!.marks, 2000);
      assert.equal(figs[2]!.marks, 149);
      for (const [i, f] of figs.entries()) assert.ok(f.width > 200 && f.height > 200, `${DENSITY[i]!.id}: figure drawn (${f.width} × ${f.height})`);
      assert.deepEqual(figs.map((f) => f.noiseLegend), [true, true, false]);
      assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), [], 'requests that left the page');
      assert.deepEqual(errors, []);
      await page.screenshot({ path: join(dir, 'report.png'), clip: { x: 0, y: 0, width: 1280, height: 900 } });
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
