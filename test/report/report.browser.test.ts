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

function demo(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, 'demo', '--out', dir, '--open', 'no'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}

test('clusterkit demo writes a report that Chromium shows with one mark per row, one legend entry per cluster and no network', async () => {
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
      assert.deepEqual(sections.map((s) => s.id), EXPECTED.map((e) => e.id));
      for (const [i, e] of EXPECTED.entries()) {
        const s = sections[i]!;
        assert.equal(s.marks, e.rows, `${e.id}: scatter marks`);
        assert.equal(s.distinctRows, e.rows, `${e.id}: one mark per row`);
        assert.equal(s.visibleMarks, e.rows, `${e.id}: every mark is drawn`);
        assert.equal(s.legend, e.clusters, `${e.id}: legend entries`);
        assert.equal(s.charts, 5, `${e.id}: scatter, sizes, convergence, elbow, silhouette`);
      }
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
