// The kernel layer and its worker pool in a browser page: headless Chromium (Debian's
// /usr/bin/chromium through playwright-core) loads the library bundle dist/src/index.js from a
// local server, once with the cross-origin isolation headers that shared memory needs and once
// without, and clusters a generated blob set there. The page runs the same function as the test
// process (runCase below, shipped to the page as source), so labels, inertia and kernel outputs
// must be bitwise equal to Node's, whatever the thread count. Fails (does not skip) when
// Chromium is missing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import * as clusterkit from '../../src/index.js';
import { ROOT } from '../helpers/data.js';
import { ISOLATION_HEADERS, startStaticServer, type StaticServer } from '../helpers/static-server.js';

const CHROMIUM = '/usr/bin/chromium';
const PAGE = '/kernels.html';
const ENTRY = '/dist/src/index.js';
/** The pool's module worker (new URL('./pool-worker.js', import.meta.url) in dist/src/kernels/). */
const POOL_WORKER = '/dist/src/kernels/pool-worker.js';

/** What runCase needs: the blob set (n × d, k blobs), k-means settings and the kernel backend. */
interface CaseParams {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly clusterStd: number;
  readonly dataSeed: number;
  readonly fitSeed: number;
  readonly nInit: number;
  /** Node's kernel backend setting, applied in the page too (CLUSTERKIT_KERNELS=ts reaches both). */
  readonly backend: clusterkit.kernels.KernelBackend;
}

/** Labels of one run, summarised: FNV-1a of the Int32 bytes, the first rows, the cluster sizes. */
interface LabelSummary {
  readonly hash: string;
  readonly first: readonly number[];
  readonly counts: readonly number[];
}

interface FitSummary {
  readonly labels: LabelSummary;
  readonly centroidsHash: string;
  /** The float64 inertia, and its 8 bytes in hex (bitwise comparison). */
  readonly inertia: number;
  readonly inertiaBits: string;
  readonly nIter: number;
  readonly converged: boolean;
}

interface CaseResult {
  readonly backend: string;
  readonly wasm: boolean;
  /** FNV-1a of the generated x bytes and its size: both sides cluster the same data. */
  readonly dataHash: string;
  readonly rows: number;
  readonly cols: number;
  readonly hamerly: FitSummary;
  readonly lloyd: FitSummary;
  /** kernels.assignNearest of every row against the generating centres [k × d]. */
  readonly assign: {
    readonly labels: LabelSummary;
    readonly dist2Hash: string;
    readonly dist2SumBits: string;
    /** Rows whose nearest generating centre is the blob they were drawn from. */
    readonly agreeWithTruth: number;
  };
}

/** kernelInfo() as the lead's pool contract defines it (src/kernels/index.ts). */
interface KernelInfo {
  readonly backend: 'wasm' | 'ts';
  readonly simd: boolean;
  readonly relaxedSimd: boolean;
  readonly threads: number;
  readonly sharedMemory: boolean;
}

/** What the page reports about itself. */
interface PageEnv {
  readonly crossOriginIsolated: boolean;
  readonly sharedArrayBuffer: boolean;
  readonly hardwareConcurrency: number;
}

/**
 * The computation under test, run in Node and (as source text) in the page. Self-contained: it
 * may use only its arguments, since the page gets `runCase.toString()`. `await` on the fits and
 * the kernel call keeps it valid if they become asynchronous.
 */
async function runCase(ck: typeof clusterkit, p: CaseParams): Promise<CaseResult> {
  const fnv = (a: ArrayBufferView): string => {
    const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    let h = 0x811c9dc5;
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    return (h >>> 0).toString(16).padStart(8, '0');
  };
  const bits = (v: number): string => Array.from(new Uint8Array(Float64Array.of(v).buffer), (x) => x.toString(16).padStart(2, '0')).join('');
  const summary = (labels: Int32Array, k: number): LabelSummary => {
    const counts = new Array<number>(k).fill(0);
    for (let i = 0; i < labels.length; i++) counts[labels[i]!]! += 1;
    return { hash: fnv(labels), first: Array.from(labels.subarray(0, 12)), counts };
  };
  const fitSummary = async (algorithm: 'hamerly' | 'lloyd'): Promise<FitSummary> => {
    const m = await ck.kmeans.fit(blobs.x, { k: p.k, seed: p.fitSeed, nInit: p.nInit, algorithm });
    return {
      labels: summary(m.labels, p.k), centroidsHash: fnv(m.centroids),
      inertia: m.inertia, inertiaBits: bits(m.inertia), nIter: m.nIter, converged: m.converged,
    };
  };

  ck.kernels.setKernelBackend(p.backend);
  const blobs = ck.datasets.makeBlobs({ n: p.n, d: p.d, centers: p.k, clusterStd: p.clusterStd, seed: p.dataSeed });
  const { x } = blobs;
  const hamerly = await fitSummary('hamerly');
  const lloyd = await fitSummary('lloyd');

  const labels = new Int32Array(x.rows);
  const dist2 = new Float64Array(x.rows);
  await ck.kernels.assignNearest(x.data, x.rows, x.cols, blobs.centers, p.k, labels, dist2);
  let sum = 0, agree = 0;
  for (let i = 0; i < x.rows; i++) { sum += dist2[i]!; if (labels[i] === blobs.labels[i]) agree++; }
  return {
    backend: ck.kernels.getKernelBackend(), wasm: ck.kernels.wasmKernelsAvailable(),
    dataHash: fnv(x.data), rows: x.rows, cols: x.cols, hamerly, lloyd,
    assign: { labels: summary(labels, p.k), dist2Hash: fnv(dist2), dist2SumBits: bits(sum), agreeWithTruth: agree },
  };
}

const PARAMS: CaseParams = {
  n: 20_000, d: 16, k: 8, clusterStd: 3, dataSeed: 7, fitSeed: 3, nInit: 2,
  backend: clusterkit.kernels.getKernelBackend(),
};

/** The test page: imports the bundle, exposes it and runCase, then marks itself ready. */
const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>clusterkit kernels</title></head>
<body><script type="module">
import * as clusterkit from '${ENTRY}';
const runCase = ${runCase.toString()};
globalThis.clusterkit = clusterkit;
globalThis.runCase = (params) => runCase(clusterkit, params);
document.body.dataset.ready = 'yes';
</script></body></html>
`;

interface Mode {
  readonly name: string;
  readonly isolated: boolean;
  server?: StaticServer;
}
const MODES: Mode[] = [{ name: 'isolated', isolated: true }, { name: 'not isolated', isolated: false }];

let browser: Browser | undefined;
let nodeResult: CaseResult | undefined;

before(async () => {
  for (const m of MODES) m.server = await startStaticServer({ root: ROOT, prefixes: ['/dist/src/'], pages: { [PAGE]: PAGE_HTML }, isolated: m.isolated });
  nodeResult = await runCase(clusterkit, PARAMS);
  if (existsSync(CHROMIUM)) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }
});

after(async () => {
  await browser?.close();
  for (const m of MODES) await m.server?.close();
});

/** Everything a page did that a clean run must not show. */
interface Trouble {
  readonly errors: string[];
  readonly failed: string[];
  readonly offsite: string[];
}

/** Open the test page of a mode in a fresh context, recording errors and requests (workers' too). */
async function openPage(mode: Mode): Promise<{ context: BrowserContext; page: Page; trouble: Trouble }> {
  assert.ok(existsSync(CHROMIUM),
    `${CHROMIUM} is missing: the browser kernel test needs Debian's Chromium. Install it with 'sudo apt-get install -y chromium' (CI does this in .ci/run).`);
  assert.ok(browser && mode.server);
  const origin = mode.server.origin;
  const context = await browser.newContext();
  const trouble: Trouble = { errors: [], failed: [], offsite: [] };
  context.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:')) trouble.offsite.push(u);
  });
  context.on('requestfailed', (r) => trouble.failed.push(`${r.url()}: ${r.failure()?.errorText ?? '?'}`));
  context.on('response', (r) => { if (r.status() >= 400) trouble.failed.push(`${r.url()}: HTTP ${r.status()}`); });
  const page = await context.newPage();
  page.on('pageerror', (e) => trouble.errors.push(`page: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') trouble.errors.push(`console: ${m.text()}`); });
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') trouble.errors.push(`worker ${w.url()}: ${m.text()}`); }));
  await page.goto(origin + PAGE, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset['ready'] === 'yes', undefined, { timeout: 10_000 })
    .catch((e: unknown) => { throw new Error(`the page did not load ${ENTRY}: ${JSON.stringify(trouble)}`, { cause: e }); });
  return { context, page, trouble };
}

async function pageEnv(page: Page): Promise<PageEnv> {
  return page.evaluate(() => ({
    crossOriginIsolated: globalThis.crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    hardwareConcurrency: navigator.hardwareConcurrency,
  }));
}

async function pageRun(page: Page): Promise<CaseResult> {
  return page.evaluate((p) => (globalThis as unknown as { runCase(q: CaseParams): Promise<CaseResult> }).runCase(p), PARAMS);
}

async function pageKernelInfo(page: Page): Promise<KernelInfo> {
  return page.evaluate(() => (globalThis as unknown as { clusterkit: { kernelInfo(): KernelInfo } }).clusterkit.kernelInfo());
}

/** How often a mode's server answered the pool worker's script with 200. */
function workerLoads(mode: Mode): number {
  return mode.server!.log.filter((r) => r.path === POOL_WORKER && r.status === 200).length;
}

/** Sanity of the Node reference: the blobs are found, and the summary has the stated sizes. */
function checkReference(r: CaseResult): void {
  assert.equal(r.rows, PARAMS.n);
  assert.equal(r.cols, PARAMS.d);
  for (const f of [r.hamerly, r.lloyd]) {
    assert.equal(f.labels.counts.reduce((a, b) => a + b, 0), PARAMS.n);
    assert.ok(f.converged && f.nIter >= 2, `k-means converged after ${f.nIter} iterations`);
    assert.ok(Number.isFinite(f.inertia) && f.inertia > 0);
  }
  // Hamerly's bounds give Lloyd's labels from the same start (src/centroid/kmeans.ts)
  assert.deepEqual(r.hamerly.labels, r.lloyd.labels);
  assert.equal(r.hamerly.inertiaBits, r.lloyd.inertiaBits);
  assert.ok(r.assign.agreeWithTruth > 0.9 * PARAMS.n, `rows nearest their own blob centre: ${r.assign.agreeWithTruth}`);
}

test('startStaticServer serves the bundle with JavaScript MIME types and the isolation headers only in isolated mode, and nothing outside dist/src', async () => {
  for (const m of MODES) {
    const origin = m.server!.origin;
    const js = await fetch(origin + ENTRY);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(await js.text(), /from '\.\/core\/matrix\.js'/);
    const html = await fetch(origin + PAGE);
    assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) {
      assert.equal(js.headers.get(name), m.isolated ? value : null, `${m.name}: ${name}`);
      assert.equal(html.headers.get(name), m.isolated ? value : null, `${m.name}: ${name}`);
    }
    for (const path of ['/package.json', '/dist/test/kernels/browser.test.js', '/dist/src/../../package.json', '/dist/src/%2e%2e/%2e%2e/package.json', '/dist/src/missing.js']) {
      const r = await fetch(origin + path);
      assert.equal(r.status, 404, `${m.name}: ${path}`);
      assert.equal(r.headers.get('cross-origin-embedder-policy'), m.isolated ? 'require-corp' : null);
    }
  }
  checkReference(nodeResult!);
});

test('kmeans.fit and kernels.assignNearest in a cross-origin-isolated Chromium page give Node\'s labels and bitwise inertia, on shared memory with one thread per core', async () => {
  const { context, page, trouble } = await openPage(MODES[0]!);
  try {
    const env = await pageEnv(page);
    assert.equal(env.crossOriginIsolated, true);
    assert.equal(env.sharedArrayBuffer, true);
    // a page can start workers only while its main thread is idle: start them before the run
    const ready = await page.evaluate(() => (globalThis as unknown as { clusterkit: { kernelsReady(): Promise<{ threads: number; readyWorkers: number }> } }).clusterkit.kernelsReady());
    assert.equal(ready.readyWorkers, ready.threads - 1, `kernelsReady(): ${JSON.stringify(ready)}`);
    const result = await pageRun(page);
    assert.deepEqual(result, nodeResult, 'the page and Node computed different results');
    assert.deepEqual(trouble, { errors: [], failed: [], offsite: [] });
    // The pool sizes itself from navigator.hardwareConcurrency, which Chromium takes from the CPU
    // affinity mask, as Node's availableParallelism() does: both agree on one machine.
    const info = await pageKernelInfo(page);
    const cores = Math.min(env.hardwareConcurrency, availableParallelism());
    assert.equal(info.sharedMemory, true, `kernelInfo(): ${JSON.stringify(info)}`);
    assert.equal(info.threads, cores, `kernelInfo(): ${JSON.stringify(info)}; cores ${cores}`);
    if (cores >= 2) assert.ok(info.threads >= 2);
    assert.equal(info.backend, result.wasm && result.backend !== 'ts' ? 'wasm' : 'ts');
    assert.equal(info.simd, result.wasm);
    if (info.threads >= 2) {
      assert.ok(workerLoads(MODES[0]!) >= 1, `${POOL_WORKER} was not loaded`);
      // the worker really ran chunks of the page's kernel calls
      const stats = await page.evaluate(() => (globalThis as unknown as { clusterkit: { kernels: { kernelStats(): { workerChunks: number; parallelJobs: number } } } }).clusterkit.kernels.kernelStats());
      assert.ok(stats.parallelJobs > 0 && stats.workerChunks > 0, `kernelStats(): ${JSON.stringify(stats)}`);
    }
    // Chromium validates relaxed SIMD: the fused multiply-add build runs here, with Node's exact results (above)
    if (info.simd) assert.equal(info.relaxedSimd, true, `kernelInfo(): ${JSON.stringify(info)}`);
    assert.deepEqual(trouble, { errors: [], failed: [], offsite: [] });
  } finally {
    await context.close();
  }
});

test('kmeans.fit and kernels.assignNearest in a Chromium page without cross-origin isolation run single-threaded and give Node\'s labels and bitwise inertia', async () => {
  const { context, page, trouble } = await openPage(MODES[1]!);
  try {
    const env = await pageEnv(page);
    assert.equal(env.crossOriginIsolated, false);
    assert.equal(env.sharedArrayBuffer, false);
    const result = await pageRun(page);
    assert.deepEqual(result, nodeResult, 'the page and Node computed different results');
    assert.deepEqual(trouble, { errors: [], failed: [], offsite: [] });
    const info = await pageKernelInfo(page);
    assert.equal(info.threads, 1, `kernelInfo(): ${JSON.stringify(info)}`);
    assert.equal(info.sharedMemory, false, `kernelInfo(): ${JSON.stringify(info)}`);
    assert.equal(info.backend, result.wasm && result.backend !== 'ts' ? 'wasm' : 'ts');
    assert.equal(workerLoads(MODES[1]!), 0, `no pool workers without shared memory`);
    assert.deepEqual(trouble, { errors: [], failed: [], offsite: [] });
  } finally {
    await context.close();
  }
});
