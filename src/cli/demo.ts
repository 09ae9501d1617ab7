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
import { readFile } from 'node:fs/promises';
import { bundledDataDir } from '../datasets/bundled.js';
import { readTable } from '../io/read.js';
import { agglomerativeSection, hdbscanSection, opticsSection, type DensityFigures } from '../report/density.js';

/** Default file name of the report (in the current directory, or in --out DIR). */
export const REPORT_FILE = 'clusterkit-report.html';

export const DEMO_SPEC = {
  out: { type: 'string', doc: `directory to write ${REPORT_FILE} into (created if missing), or a path ending in .html [default: ./${REPORT_FILE}]` },
  open: { type: 'enum', values: ['auto', 'yes', 'no'], default: 'auto', doc: "open the report in a browser ('auto': when run from a terminal with a desktop)" },
  datasets: { type: 'string', doc: `comma-separated subset of ${BUNDLED_NAMES.join(', ')} [default: all]` },
  density: { type: 'enum', values: ['auto', 'yes', 'no'], default: 'auto', doc: "add the density and hierarchy sections (HDBSCAN and OPTICS on noisy2d, ward on iris); 'auto': when --datasets is not given" },
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
HTML report (inline SVG and CSS: it opens offline). Unless --density no (or --datasets is given),
the report also holds density and hierarchy sections: HDBSCAN (minClusterSize 15) on the 10 000
rows of data/noisy2d with its condensed tree, OPTICS (minSamples 10, xi 0.1, minClusterSize 5 %)
on its first 2000 rows with the reachability plot, and ward linkage on iris with the dendrogram.

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
    const density: DensityFigures[] = [];
    if (v.density === 'yes' || (v.density !== 'no' && v.datasets === undefined)) {
      try {
        for (const out of await densitySections(bar)) { sections.push(out.section); density.push(out.figures); }
      } finally {
        bar.done();
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const written = await writeReport(path, {
      title: 'clusterkit demo: k-means on four classic datasets',
      subtitle: 'k = number of true classes, k-means++ seeding, nInit 10, seed 0. Scores compare the clusters with the true classes.',
      footer: `clusterkit ${packageVersion()} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${fmt(seconds, 3)} s.`,
      sections,
    });
    if (v.json) {
      ctx.out(jsonLine({ report: written, seconds, datasets: figures.map(({ name, n, d, k, f }) => ({ name, n, d, k, ...f })), density }));
    } else {
      const head = ['dataset', 'n', 'd', 'k', 'ARI', 'AMI', 'NMI', 'accuracy', 'purity', 'silhouette', 'inertia', 'iter', 'seconds'];
      const rows = figures.map(({ name, n, d, k, f }) => [name, String(n), String(d), String(k), fmt(f.ari), fmt(f.ami), fmt(f.nmi),
        fmt(f.accuracy), fmt(f.purity), fmt(f.silhouette), fmt(f.inertia, 6), String(f.iterations), fmt(f.seconds, 2)]);
      let text = `clusterkit demo: k-means (k = number of classes, nInit 10, seed 0) on the bundled datasets\n\n${table([head, ...rows])}`;
      if (density.length > 0) {
        const dh = ['density/hierarchy', 'n', 'd', 'clusters', 'noise', 'ARI', 'NMI', 'seconds'];
        const dr = density.map((f) => [f.algorithm, String(f.n), String(f.d), String(f.n_clusters), fmt(f.noise_fraction), fmt(f.ari ?? NaN), fmt(f.nmi ?? NaN), fmt(f.seconds, 2)]);
        text += `\n${table([dh, ...dr])}`;
      }
      ctx.out(`${text}\nreport: ${written}\n`);
    }
    if (shouldOpen(v.open)) openInBrowser(written);
    return 0;
  },
};

/** HDBSCAN and OPTICS on data/noisy2d (OPTICS on its first 2000 rows), ward on iris. */
async function densitySections(bar: ProgressBar): Promise<ReturnType<typeof hdbscanSection>[]> {
  const dir = bundledDataDir();
  const t = await readTable(join(dir, 'noisy2d.features.csv'));
  const truth = Int32Array.from((await readFile(join(dir, 'noisy2d.labels.txt'), 'utf8')).trim().split(/\r?\n/).map(Number));
  const names = ['blob 0', 'blob 1', 'blob 2', 'blob 3', 'moon 4', 'moon 5'];
  const progress = (label: string) => { bar.setLabel(`demo ${label}`); return (q: { stage: string; done: number; total: number }) => bar.update(q); };
  const noisyDesc = '10 000 synthetic points in the plane: four Gaussian blobs of different spread, two half-moons and 1000 uniformly scattered noise rows (true label −1).';
  const out = [hdbscanSection({ name: 'noisy2d: HDBSCAN', description: noisyDesc, x: t.matrix, truth, truthNames: names, onProgress: progress('hdbscan') },
    { minClusterSize: 15 })];
  const m = 2000;
  out.push(opticsSection({
    name: 'noisy2d (first 2000 rows): OPTICS', description: `The first ${m} rows of noisy2d; OPTICS orders them by density and ξ-steep valleys of the reachability plot become clusters.`,
    x: { data: t.matrix.data.subarray(0, 2 * m), rows: m, cols: 2 }, truth: truth.subarray(0, m), truthNames: names, onProgress: progress('optics'),
  }, { minSamples: 10, xi: 0.1, minClusterSize: 0.05 }));
  const iris = loadBundled('iris');
  out.push(agglomerativeSection({
    name: 'Iris: ward linkage', description: "Fisher's iris (raw measurements) merged bottom-up by Ward's criterion, cut at 3 clusters.",
    x: iris.x, truth: iris.labels, truthNames: iris.classNames, onProgress: progress('ward'),
  }, { linkage: 'ward', k: 3 }));
  return out;
}
