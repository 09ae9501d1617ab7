/**
 * `clusterkit demo [--out DIR] [--open no]`: k-means on the bundled datasets (k = number of
 * classes, nInit 10, seed 0), a table of quality figures against the true classes, and one
 * self-contained HTML report.
 */
import { spawn } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { OptionSpec } from '../core/options.js';
import { BUNDLED_NAMES, loadBundled, type BundledName } from '../datasets/bundled.js';
import * as standardScaler from '../preprocessing/standardScaler.js';
import { kmeansSection, type SectionFigures } from '../report/analyze.js';
import type { ReportSection } from '../report/render.js';
import { writeReport } from '../report/write.js';
import { flagsFromSpec, formatFlagHelp, parseFlags, usage } from './args.js';
import { OUTPUT_SPEC, jsonLine, packageVersion, type Command, type Ctx } from './common.js';
import { fmt, table } from './format.js';
import { ProgressBar } from './progress.js';

/** Default file name of the report (in the current directory, or in --out DIR). */
export const REPORT_FILE = 'clusterkit-report.html';

export const DEMO_SPEC = {
  out: { type: 'string', doc: `directory to write ${REPORT_FILE} into (created if missing), or a path ending in .html [default: ./${REPORT_FILE}]` },
  open: { type: 'enum', values: ['auto', 'yes', 'no'], default: 'auto', doc: "open the report in a browser ('auto': when run from a terminal with a desktop)" },
  datasets: { type: 'string', doc: `comma-separated subset of ${BUNDLED_NAMES.join(', ')} [default: all]` },
  ...OUTPUT_SPEC,
} as const satisfies OptionSpec;

const FLAGS = flagsFromSpec(DEMO_SPEC, [], { out: { valueName: 'DIR|FILE' }, datasets: { valueName: 'A,B,…' } });

/** How each bundled dataset is shown. */
const DATASETS: Record<BundledName, { title: string; standardise: boolean; description: string }> = {
  iris: {
    title: 'Iris', standardise: false,
    description: "Fisher's iris: sepal and petal length and width (cm) of 150 flowers of 3 species. Raw measurements.",
  },
  wine: {
    title: 'Wine (standardised)', standardise: true,
    description: '13 chemical measurements of 178 Italian wines from 3 cultivars, on very different scales, so each column is standardised (z-scores) before clustering.',
  },
  breast_cancer: {
    title: 'Breast Cancer Wisconsin (standardised)', standardise: true,
    description: '30 features of cell nuclei from 569 biopsy images, malignant or benign; standardised columns.',
  },
  digits: {
    title: 'Digits', standardise: false,
    description: '1797 handwritten digits as 8 × 8 images: 64 pixel intensities from 0 to 16. Raw pixels.',
  },
};

function helpText(): string {
  return `Usage: clusterkit demo [--out DIR] [--open no] [flags]

Cluster the bundled datasets (${BUNDLED_NAMES.join(', ')}) with k-means, k = the number of classes,
nInit 10, seed 0; print quality figures against the true classes and write one self-contained
HTML report (inline SVG and CSS: it opens offline).

${formatFlagHelp([{ title: 'Flags', flags: FLAGS }])}`;
}

/** Where the report goes: --out DIR → DIR/clusterkit-report.html; --out X.html → X.html. */
async function reportPath(out: string | undefined): Promise<string> {
  if (out === undefined) return resolve(REPORT_FILE);
  if (out.toLowerCase().endsWith('.html') || out.toLowerCase().endsWith('.htm')) return resolve(out);
  const dir = resolve(out);
  const s = await stat(dir).catch(() => null);
  if (s && !s.isDirectory()) throw usage('demo', `flag '--out' must be a directory or a .html path. Got the file '${out}'.`, 'out');
  if (!s) await mkdir(dir, { recursive: true });
  return join(dir, REPORT_FILE);
}

/** Open `path` with the desktop's default browser; failures are ignored (the path is printed anyway). */
function openInBrowser(path: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', path] : [path];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => { /* no opener: nothing to do */ });
    child.unref();
  } catch { /* ignore */ }
}

function shouldOpen(mode: unknown): boolean {
  if (mode === 'yes') return true;
  if (mode === 'no') return false;
  const desktop = process.platform === 'darwin' || process.platform === 'win32' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  return process.stdout.isTTY === true && desktop && !process.env.CI;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'cluster the bundled datasets and write an HTML report',
  async run(argv: readonly string[], ctx: Ctx): Promise<number> {
    const p = parseFlags('demo', argv, FLAGS);
    if (p.help) { ctx.out(helpText()); return 0; }
    const v = p.values;
    if (p.positionals.length > 0) throw usage('demo', `positional arguments must not be given. Got ${p.positionals.join(' ')}.`);
    let names: BundledName[] = [...BUNDLED_NAMES];
    if (v.datasets !== undefined) {
      names = (v.datasets as string).split(',').map((s) => s.trim()).filter(Boolean) as BundledName[];
      const bad = names.find((s) => !(BUNDLED_NAMES as readonly string[]).includes(s));
      if (bad !== undefined || names.length === 0) {
        throw usage('demo', `flag '--datasets' must list names among ${BUNDLED_NAMES.join(', ')}. Got '${bad ?? v.datasets}'.`, 'datasets');
      }
    }
    const path = await reportPath(v.out as string | undefined);
    const bar = new ProgressBar(!v.quiet && ctx.errIsTTY, 'demo');
    const sections: ReportSection[] = [];
    const figures: { name: BundledName; n: number; d: number; k: number; f: SectionFigures }[] = [];
    const t0 = performance.now();
    try {
      names.forEach((name, t) => {
        const meta = DATASETS[name];
        const ds = loadBundled(name);
        const x = meta.standardise ? standardScaler.fitTransform(ds.x).x : ds.x;
        const k = new Set(ds.labels).size;
        bar.setLabel(`demo ${name}`);
        const out = kmeansSection({
          name: meta.title, description: meta.description, x, k, truth: ds.labels, truthNames: ds.classNames,
          fit: { nInit: 10, seed: 0 },
          // digits: fewer sweep restarts and a smaller silhouette sample keep the demo short
          sweepNInit: x.rows > 1000 ? 2 : 3, sweepSilhouetteSample: 800,
          params: meta.standardise ? { scale: 'standard' } : undefined,
          onProgress: (q) => bar.update({ stage: q.stage, done: t + 0.5 * (q.stage === 'fit' ? 0 : 1) + 0.5 * q.done / Math.max(1, q.total), total: names.length }),
        });
        sections.push(out.section);
        figures.push({ name, n: x.rows, d: x.cols, k, f: out.figures });
      });
    } finally {
      bar.done();
    }
    const seconds = (performance.now() - t0) / 1000;
    const written = await writeReport(path, {
      title: 'clusterkit demo: k-means on four classic datasets',
      subtitle: 'k = number of true classes, k-means++ seeding, nInit 10, seed 0. Scores compare the clusters with the true classes.',
      footer: `clusterkit ${packageVersion()} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${fmt(seconds, 3)} s.`,
      sections,
    });
    if (v.json) {
      ctx.out(jsonLine({ report: written, seconds, datasets: figures.map(({ name, n, d, k, f }) => ({ name, n, d, k, ...f })) }));
    } else {
      const head = ['dataset', 'n', 'd', 'k', 'ARI', 'AMI', 'NMI', 'accuracy', 'purity', 'silhouette', 'inertia', 'iter', 'seconds'];
      const rows = figures.map(({ name, n, d, k, f }) => [name, String(n), String(d), String(k), fmt(f.ari), fmt(f.ami), fmt(f.nmi),
        fmt(f.accuracy), fmt(f.purity), fmt(f.silhouette), fmt(f.inertia, 6), String(f.iterations), fmt(f.seconds, 2)]);
      ctx.out(`clusterkit demo: k-means (k = number of classes, nInit 10, seed 0) on the bundled datasets\n\n${table([head, ...rows])}\nreport: ${written}\n`);
    }
    if (shouldOpen(v.open)) openInBrowser(written);
    return 0;
  },
};
