/**
 * `clusterkit fit INPUT --algo kmeans --k 3 [--out labels.csv] [--model model.json] [--json]`:
 * read a data file, fit, write one label per row and optionally the model (with its scaler and
 * input column names, so `predict` repeats the same preprocessing).
 */
import type { Matrix } from '../core/matrix.js';
import type { OptionSpec } from '../core/options.js';
import { externalScores, inertia as inertiaOf } from '../metrics/index.js';
import { readCsvChunks } from '../io/csv.js';
import { extension } from '../io/files.js';
import { readTable } from '../io/read.js';
import { readLabels, writeLabels } from '../io/write.js';
import { saveModel } from '../io/model.js';
import { ALGORITHMS, algorithmByName, initMethods, type CliAlgorithm, type EstimatorOptions, type FitResultLike } from '../estimators.js';
import { convert, flagsFromSpec, formatFlagHelp, parseFlags, usage, withFlagName, withReaderFlags, type Flag } from './args.js';
import {
  HEADER_ENTRY, OUTPUT_SPEC, applyScaler, fitScaler, headerOption, jsonLine, parseColumn, parseColumnList,
  scaleName, type Command, type Ctx, type Scaler,
} from './common.js';
import { fmt, keyValues } from './format.js';
import { ProgressBar } from './progress.js';
import { DENSITY_ALGOS, noiseOf, writeDensityOutputs } from './density.js';

/** Flags of `fit` that are not estimator options. */
export const FIT_SPEC = {
  algo: { type: 'enum', values: ALGORITHMS.map((a) => a.name), default: 'kmeans', doc: 'clustering algorithm' },
  out: { type: 'string', doc: "labels file, one label per input row: .csv (header 'label'), .jsonl or .txt" },
  model: { type: 'string', doc: 'save the fitted model here (versioned JSON with the scaler and the input column names)' },
  columns: { type: 'string', doc: 'feature columns, comma-separated names or 0-based indices [default: all but the label and weights columns]' },
  labelColumn: { type: 'string', doc: 'column of true classes: kept out of the features; adds ARI and NMI to the summary' },
  weights: { type: 'string', doc: 'column of non-negative row weights (kept out of the features)' },
  header: HEADER_ENTRY,
  scale: { type: 'enum', values: ['none', 'standard', 'minmax'], default: 'none', doc: 'scale columns before fitting; the scaler is saved in the model and applied by predict' },
  tree: { type: 'string', doc: 'write the cluster tree as JSON: HDBSCAN condensed tree (parent, child, lambdaVal, childSize + selected nodes), agglomerative linkage tree, OPTICS xi hierarchy' },
  scores: { type: 'string', doc: "HDBSCAN: write per-row membership probability and GLOSH outlier score as CSV (header 'probability,outlier_score')" },
  linkageOut: { type: 'string', doc: "write the SciPy-style linkage matrix as CSV (header 'id_a,id_b,height,size'): HDBSCAN's single-linkage tree or agglomerative's merges" },
  stream: { type: 'bool', default: false, doc: 'minibatch-kmeans on a CSV/TSV: read chunks of --batch-size rows and fit with partialFit, one step per chunk, --max-iter passes (default 1); memory ~ one chunk' },
  ...OUTPUT_SPEC,
} as const satisfies OptionSpec;

const IO_FLAGS: Flag[] = flagsFromSpec(FIT_SPEC, [], {
  out: { valueName: 'FILE' }, model: { valueName: 'FILE' }, columns: { valueName: 'A,B,…' },
  labelColumn: { valueName: 'COLUMN' }, weights: { valueName: 'COLUMN' },
  tree: { valueName: 'FILE' }, scores: { valueName: 'FILE' }, linkageOut: { valueName: 'FILE' },
});

/** Spec keys never exposed as flags (set from other flags). */
const HIDDEN = ['sampleWeight'];

/** Flags of one algorithm, from its spec. */
export function algorithmFlags(a: CliAlgorithm): Flag[] {
  const methods = initMethods(a.spec).join(', ');
  const init = a.initFile === 'centroids'
    ? { valueName: 'METHOD|FILE', doc: `seeding: ${methods}, or a FILE (.csv/.npy) of k × d start centroids (in the input's units; scaled like the data)` }
    : a.initFile === 'indices'
      ? { valueName: 'METHOD|FILE', doc: `initial medoids: ${methods}, or a FILE of k 0-based row indices (one per line)` }
      : {};
  return flagsFromSpec(a.spec, HIDDEN, { init, k: { valueName: 'K' }, seed: { valueName: 'N' } })
    .filter((f) => f.entry.type !== 'custom' || (f.name === 'init' && a.initFile !== null));
}

function helpText(): string {
  const groups = [{ title: 'Input and output', flags: IO_FLAGS }];
  // A flag is listed again under a later algorithm only when its doc or default differs.
  const seen = new Map<string, string>();
  const sig = (f: Flag): string => `${f.doc ?? f.entry.doc}|${'default' in f.entry ? String(f.entry.default) : ''}`;
  for (const a of ALGORITHMS) {
    const fl = algorithmFlags(a);
    const fresh = fl.filter((f) => seen.get(f.flag) !== sig(f));
    const shared = fl.filter((f) => seen.get(f.flag) === sig(f)).map((f) => `--${f.flag}`);
    fl.forEach((f) => { if (!seen.has(f.flag)) seen.set(f.flag, sig(f)); });
    groups.push({ title: `${a.title} (--algo ${a.name})${shared.length ? `; also ${shared.join(', ')}` : ''}`, flags: fresh });
  }
  return `Usage: clusterkit fit INPUT [flags]

Cluster the rows of INPUT (.csv, .tsv, .txt, .jsonl, .npy, .parquet) and write one label per row.

${formatFlagHelp(groups)}Examples:
  clusterkit fit data/iris.features.csv --algo kmeans --k 3 --seed 0 --out labels.csv
  clusterkit fit wine.csv --label-column class --scale standard --k 3 --model model.json --json
  clusterkit fit big.csv --algo minibatch-kmeans --stream --k 50 --batch-size 4096 --out labels.csv
  clusterkit fit data/noisy2d.features.csv --algo hdbscan --min-cluster-size 15 --out labels.csv --tree tree.json --scores scores.csv --model hdb.json
  clusterkit fit data/noisy2d.features.csv --algo dbscan --eps 0.3 --min-samples 10 --out labels.csv
  clusterkit fit data/noisy2d.features.csv --algo optics --min-samples 10 --xi 0.05 --out labels.csv
  clusterkit fit data/iris.features.csv --algo agglomerative --linkage ward --k 3 --linkage-out Z.csv

Density algorithms (hdbscan, dbscan, optics) label noise -1; their summary gives n_clusters, n_noise
and noise_fraction (inertia is null). OPTICS has no predict; HDBSCAN models predict approximately
(approximatePredict) and DBSCAN models by the nearest core point.

Exit status: 0 on success, 2 on bad input (one line on stderr), 1 on an unexpected error.
`;
}

/** Every flag any algorithm accepts, for parsing before --algo is known. */
function allFlags(): Flag[] {
  const out: Flag[] = [...IO_FLAGS];
  for (const a of ALGORITHMS) for (const f of algorithmFlags(a)) if (!out.some((t) => t.flag === f.flag)) out.push(f);
  return out;
}

/** Summary printed by fit (also the --json object). */
export interface FitSummary {
  algorithm: string;
  params: object;
  input: string;
  n: number;
  d: number;
  k: number;
  /** Null for density algorithms (noise makes it meaningless). */
  inertia: number | null;
  /** Density algorithms: clusters (noise excluded), noise rows, and their fraction of n. */
  n_clusters?: number;
  n_noise?: number;
  noise_fraction?: number;
  iterations: number | null;
  converged: boolean | null;
  seconds: number;
  ari?: number;
  nmi?: number;
  sizes: number[];
  out: string | null;
  model: string | null;
  warnings: string[];
  /** k-medoids: total deviation Σ d(row, its medoid) in the metric's units. */
  loss?: number;
}

function sizesOf(labels: Int32Array, k: number): number[] {
  const s = new Array<number>(k).fill(0);
  for (const l of labels) if (l >= 0 && l < k) s[l]!++;
  return s;
}

export const fitCommand: Command = {
  name: 'fit',
  summary: 'cluster the rows of a data file; write labels and optionally the model',
  async run(argv: readonly string[], ctx: Ctx): Promise<number> {
    const flags = allFlags();
    const p = parseFlags('fit', argv, flags, false);
    if (p.help) { ctx.out(helpText()); return 0; }
    const io: Record<string, unknown> = {};
    for (const f of IO_FLAGS) if (f.name in p.raw) io[f.name] = convert('fit', f, p.raw[f.name]!);
    const algo = algorithmByName((io.algo as string | undefined) ?? 'kmeans')!;
    const aFlags = algorithmFlags(algo);
    const opts: EstimatorOptions = {};
    for (const name of Object.keys(p.raw)) {
      if (IO_FLAGS.some((f) => f.name === name)) continue;
      const f = aFlags.find((t) => t.name === name);
      if (!f) {
        const fl = flags.find((t) => t.name === name)!;
        const users = ALGORITHMS.filter((a) => algorithmFlags(a).some((t) => t.name === name)).map((a) => a.name);
        throw usage('fit', `flag '--${fl.flag}' must be used with --algo ${users.join(' or ')}. Got --algo ${algo.name}.`, name);
      }
      opts[name] = convert('fit', f, p.raw[name]!);
    }
    if (p.positionals.length === 0) throw usage('fit', "INPUT must be given (a .csv, .tsv, .txt, .jsonl, .npy or .parquet file). Got no file. Run 'clusterkit fit --help'.");
    if (p.positionals.length > 1) throw usage('fit', `exactly one INPUT must be given. Got ${p.positionals.length}: ${p.positionals.join(' ')}.`);
    const input = p.positionals[0]!;
    const bar = new ProgressBar(!io.quiet && ctx.errIsTTY, `${algo.name}`);
    try {
      const summary = io.stream === true
        ? await fitStream(input, algo, aFlags, opts, io, bar)
        : await fitInMemory(input, algo, aFlags, opts, io, bar);
      bar.done();
      ctx.out(io.json ? jsonLine(summary) : readable(summary));
      return 0;
    } finally {
      bar.done();
    }
  },
};

/** `--init FILE`: read start centroids (scaled like the data) or medoid row indices. */
async function readInit(opts: EstimatorOptions, algo: CliAlgorithm, header: boolean | 'auto', scaler: Scaler | null): Promise<void> {
  const v = opts.init;
  if (typeof v !== 'string' || initMethods(algo.spec).includes(v) || algo.initFile === null) return;
  const t = await readTable(v, { header });
  if (algo.initFile === 'centroids') {
    opts.init = applyScaler(scaler, t.matrix);
    return;
  }
  const idx = Array.from(t.matrix.data);
  const bad = idx.findIndex((i) => !Number.isInteger(i) || i < 0);
  if (bad >= 0) throw usage('fit', `flag '--init' file '${v}' must hold 0-based row indices. Got ${idx[bad]} at value ${bad + 1}.`, 'init');
  opts.init = idx;
}

function fitWithFlags(algo: CliAlgorithm, aFlags: Flag[], x: Matrix, opts: EstimatorOptions): FitResultLike {
  try {
    return algo.fit(x, opts);
  } catch (e) {
    throw withFlagName(e, aFlags);
  }
}

async function fitInMemory(input: string, algo: CliAlgorithm, aFlags: Flag[], opts: EstimatorOptions,
  io: Record<string, unknown>, bar: ProgressBar): Promise<FitSummary> {
  const header = headerOption(io.header);
  const table = await readTable(input, {
    header,
    ...(io.columns !== undefined ? { columns: parseColumnList(io.columns as string) } : {}),
    ...(io.labelColumn !== undefined ? { labelColumn: parseColumn(io.labelColumn as string) } : {}),
    ...(io.weights !== undefined ? { weightsColumn: parseColumn(io.weights as string) } : {}),
  }).catch((e: unknown) => { throw withReaderFlags(e); });
  const scaler = fitScaler(io.scale, table.matrix);
  const x = applyScaler(scaler, table.matrix);
  await readInit(opts, algo, header, scaler);
  if (table.weights) opts.sampleWeight = table.weights;
  opts.onProgress = bar.callback;
  const t0 = performance.now();
  const result = fitWithFlags(algo, aFlags, x, opts);
  const seconds = (performance.now() - t0) / 1000;
  if (io.out !== undefined) await writeLabels(io.out as string, result.labels);
  await writeDensityOutputs(algo.name, result, {
    ...(io.tree !== undefined ? { tree: io.tree as string } : {}),
    ...(io.scores !== undefined ? { scores: io.scores as string } : {}),
    ...(io.linkageOut !== undefined ? { linkageOut: io.linkageOut as string } : {}),
  });
  if (io.model !== undefined) await saveModel(io.model as string, { ...result, inputColumns: table.columnNames, scaler });
  const density = DENSITY_ALGOS.includes(algo.name);
  const s: FitSummary = {
    algorithm: algo.name,
    params: { ...result.options, scale: scaleName(scaler) },
    input,
    n: x.rows, d: x.cols, k: result.k,
    inertia: density ? null : typeof result.inertia === 'number' ? result.inertia : inertiaOf(x, result.labels),
    iterations: typeof result.nIter === 'number' ? result.nIter : null,
    converged: typeof result.converged === 'boolean' ? result.converged : null,
    seconds,
    sizes: sizesOf(result.labels, result.k),
    out: (io.out as string | undefined) ?? null,
    model: (io.model as string | undefined) ?? null,
    warnings: [...(result.warnings ?? [])],
  };
  if (typeof result.loss === 'number') s.loss = result.loss;
  if (density) {
    const { nNoise, noiseFraction } = noiseOf(result.labels);
    s.n_clusters = result.k; s.n_noise = nNoise; s.noise_fraction = noiseFraction;
  }
  if (table.labels) {
    const e = externalScores(table.labels, result.labels);
    s.ari = e.ari;
    s.nmi = e.nmi;
  }
  return s;
}

/** The chunks of `it`, with reader errors rewritten to name the CLI flags. */
async function* withReaderErrors<T>(it: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    yield* it;
  } catch (e) {
    throw withReaderFlags(e);
  }
}

/** Mini-batch k-means over CSV chunks: --max-iter passes of partialFit, then one labelling pass. */
async function fitStream(input: string, algo: CliAlgorithm, aFlags: Flag[], opts: EstimatorOptions,
  io: Record<string, unknown>, bar: ProgressBar): Promise<FitSummary> {
  if (!algo.partialFit) throw usage('fit', `flag '--stream' must be used with --algo minibatch-kmeans. Got --algo ${algo.name}.`, 'stream');
  const ext = extension(input);
  if (!['.csv', '.tsv', '.tab', '.txt'].includes(ext)) {
    throw usage('fit', `INPUT must be a .csv, .tsv or .txt file with --stream. Got ${ext ? `'${ext}'` : 'no extension'}.`, 'stream');
  }
  if (io.scale !== undefined && io.scale !== 'none') {
    throw usage('fit', `flag '--scale' must be 'none' with --stream (scale the file beforehand). Got '${String(io.scale)}'.`, 'scale');
  }
  for (const f of ['tree', 'scores', 'linkageOut'] as const) {
    if (io[f] !== undefined) throw usage('fit', `flag '--${f === 'linkageOut' ? 'linkage-out' : f}' must not be used with --stream. Got both.`, f);
  }
  const header = headerOption(io.header);
  const batch = (opts.batchSize as number | undefined) ?? 1024;
  if (!Number.isInteger(batch) || batch < 1) throw usage('fit', `flag '--batch-size' must be an integer ≥ 1. Got ${batch}.`, 'batchSize');
  const passes = (opts.maxIter as number | undefined) ?? 1;
  const readOpts = {
    header, chunkRows: batch,
    ...(io.columns !== undefined ? { columns: parseColumnList(io.columns as string) } : {}),
    ...(io.labelColumn !== undefined ? { labelColumn: parseColumn(io.labelColumn as string) } : {}),
    ...(io.weights !== undefined ? { weightsColumn: parseColumn(io.weights as string) } : {}),
  };
  await readInit(opts, algo, header, null);
  const stepOpts: EstimatorOptions = { ...opts };
  delete stepOpts.maxIter; // passes over the file, handled here
  let state: { kind: string } | null = null;
  let rows = 0, columnNames: string[] = [];
  const t0 = performance.now();
  for (let pass = 0; pass < passes; pass++) {
    rows = 0;
    for await (const chunk of withReaderErrors(readCsvChunks(input, readOpts))) {
      columnNames = chunk.columnNames;
      const o: EstimatorOptions = state === null ? { ...stepOpts } : {};
      if (chunk.weights) o.sampleWeight = chunk.weights;
      try {
        state = algo.partialFit(state, chunk, o);
      } catch (e) {
        throw withFlagName(e, aFlags);
      }
      rows += chunk.rows;
      bar.update({ stage: `pass ${pass + 1}/${passes}, rows`, done: rows, total: 0 });
    }
  }
  // Labelling pass: nearest centre of every row, and the inertia.
  const model = state as { kind: string; k: number; d: number; centroids: Float32Array } | null;
  if (!model) throw usage('fit', `INPUT must hold at least one data row. Got none in '${input}'.`);
  let labels = new Int32Array(Math.max(16, rows));
  let n = 0, inertia = 0;
  for await (const chunk of withReaderErrors(readCsvChunks(input, readOpts))) {
    const l = algo.predict(model, chunk);
    if (n + l.length > labels.length) { const g = new Int32Array(Math.max(n + l.length, labels.length * 2)); g.set(labels); labels = g; }
    labels.set(l, n);
    const d = chunk.cols;
    for (let i = 0; i < chunk.rows; i++) {
      let s = 0;
      for (let t = 0; t < d; t++) { const v = chunk.data[i * d + t]! - model.centroids[l[i]! * d + t]!; s += v * v; }
      inertia += (chunk.weights ? chunk.weights[i]! : 1) * s;
    }
    n += chunk.rows;
  }
  labels = labels.slice(0, n);
  const seconds = (performance.now() - t0) / 1000;
  if (io.out !== undefined) await writeLabels(io.out as string, labels);
  if (io.model !== undefined) await saveModel(io.model as string, { ...model, inputColumns: columnNames, scaler: null });
  const st = model as unknown as { options: object; nSteps?: number };
  const s: FitSummary = {
    algorithm: algo.name, params: { ...st.options, stream: true, passes, scale: 'none' }, input,
    n, d: model.d, k: model.k, inertia, iterations: st.nSteps ?? null, converged: null, seconds,
    sizes: sizesOf(labels, model.k), out: (io.out as string | undefined) ?? null, model: (io.model as string | undefined) ?? null, warnings: [],
  };
  if (io.labelColumn !== undefined) {
    const truth = await readLabels(input, { column: parseColumn(io.labelColumn as string), header });
    const e = externalScores(truth, labels);
    s.ari = e.ari;
    s.nmi = e.nmi;
  }
  return s;
}

function readable(s: FitSummary): string {
  const pairs: [string, string][] = [
    ['input', `${s.input} (${s.n} rows × ${s.d} columns)`],
    ['algorithm', `${s.algorithm} (${Object.entries(s.params).filter(([k]) => k !== 'k').map(([k, v]) => `${k} ${String(v)}`).join(', ')})`],
    ['clusters', `${s.k} (sizes ${s.sizes.join(', ')})`],
    ...(s.n_noise !== undefined
      ? [['noise', `${s.n_noise} rows (${fmt(100 * s.noise_fraction!, 3)} %), label -1`] as [string, string]]
      : [['inertia', s.inertia === null ? '-' : fmt(s.inertia, 6)] as [string, string]]),
    ...(s.loss !== undefined ? [['loss', `${fmt(s.loss, 6)} (total deviation)`] as [string, string]] : []),
    ['iterations', s.iterations === null ? '-' : `${s.iterations}${s.converged === false ? ' (not converged: raise --max-iter)' : ''}`],
    ['seconds', fmt(s.seconds, 3)],
  ];
  if (s.ari !== undefined) pairs.push(['ARI', fmt(s.ari)], ['NMI', fmt(s.nmi!)]);
  pairs.push(['labels', s.out ?? '(not written: pass --out FILE)']);
  if (s.model) pairs.push(['model', s.model]);
  let text = `clusterkit fit\n${keyValues(pairs)}`;
  for (const w of s.warnings) text += `warning: ${w}\n`;
  return text;
}
