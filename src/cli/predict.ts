/**
 * `clusterkit predict INPUT --model model.json --out labels.csv`: label new rows with a model
 * saved by `fit --model`, reading the same columns and applying the same scaler.
 */
import { ClusterkitError } from '../core/errors.js';
import type { OptionSpec } from '../core/options.js';
import { loadModel, type ModelResult } from '../io/model.js';
import { readTable } from '../io/read.js';
import { writeLabels } from '../io/write.js';
import { ALGORITHMS, algorithmByKind } from '../estimators.js';
import { flagsFromSpec, formatFlagHelp, parseFlags, usage } from './args.js';
import { HEADER_ENTRY, OUTPUT_SPEC, applyScaler, headerOption, jsonLine, scaleName, type Command, type Ctx, type Scaler } from './common.js';
import { fmt, keyValues } from './format.js';

export const PREDICT_SPEC = {
  model: { type: 'string', doc: 'model file written by clusterkit fit --model (required)' },
  out: { type: 'string', doc: "labels file: .csv (header 'label'), .jsonl or .txt" },
  header: HEADER_ENTRY,
  ...OUTPUT_SPEC,
} as const satisfies OptionSpec;

const FLAGS = flagsFromSpec(PREDICT_SPEC, [], { model: { valueName: 'FILE' }, out: { valueName: 'FILE' } });

function helpText(): string {
  return `Usage: clusterkit predict INPUT --model FILE [--out FILE] [flags]

Assign each row of INPUT to the nearest cluster of a saved model. The model's input columns are
read by name and its scaler (--scale at fit time) is applied first.
Models of: ${ALGORITHMS.filter((a) => a.canPredict).map((a) => a.name).join(', ')}.
How new rows are labelled:
  k-means family, k-medoids, agglomerative: the nearest centre / medoid / training row's cluster
  hdbscan: approximate predict (the hdbscan library's approximate_predict): where the row would
           join the condensed tree, without re-clustering; may be -1 (noise)
  dbscan:  the cluster of the nearest core point when it lies within eps, else -1 (noise)
  optics:  no predict (it only orders the training rows): refit, or use hdbscan/dbscan

${formatFlagHelp([{ title: 'Flags', flags: FLAGS }])}Example:
  clusterkit fit train.csv --k 3 --scale standard --model model.json
  clusterkit predict new.csv --model model.json --out labels.csv
  clusterkit fit data/noisy2d.features.csv --algo hdbscan --min-cluster-size 15 --model hdb.json
  clusterkit predict data/noisy2d.features.csv --model hdb.json --out labels.csv
`;
}

interface CliModel extends ModelResult {
  readonly k?: number;
  readonly inputColumns?: unknown;
  readonly scaler?: Scaler | null;
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'label new rows with a saved model',
  async run(argv: readonly string[], ctx: Ctx): Promise<number> {
    const p = parseFlags('predict', argv, FLAGS);
    if (p.help) { ctx.out(helpText()); return 0; }
    const v = p.values;
    if (v.model === undefined) throw usage('predict', "flag '--model' must be given (a model file from 'clusterkit fit --model'). Got none.", 'model');
    if (p.positionals.length !== 1) {
      throw usage('predict', p.positionals.length === 0 ? 'INPUT must be given (a data file). Got no file.' : `exactly one INPUT must be given. Got ${p.positionals.length}.`);
    }
    const input = p.positionals[0]!;
    const modelPath = v.model as string;
    const model = await loadModel<CliModel>(modelPath);
    const algo = algorithmByKind(model.kind);
    if (!algo) {
      throw new ClusterkitError('BAD_MODEL', `clusterkit predict: model kind must be one of ${ALGORITHMS.flatMap((a) => a.kinds).join(', ')}. Got '${model.kind}' in ${modelPath}.`);
    }
    const cols = Array.isArray(model.inputColumns) && model.inputColumns.every((c) => typeof c === 'string') ? model.inputColumns as string[] : undefined;
    const table = await readTable(input, { header: headerOption(v.header), ...(cols ? { columns: cols } : {}) });
    const x = applyScaler(model.scaler ?? null, table.matrix);
    const t0 = performance.now();
    const labels = algo.predict(model, x);
    const seconds = (performance.now() - t0) / 1000;
    if (v.out !== undefined) await writeLabels(v.out as string, labels);
    const k = typeof model.k === 'number' ? model.k : Math.max(-1, ...labels) + 1;
    const sizes = new Array<number>(k).fill(0);
    for (const l of labels) if (l >= 0 && l < k) sizes[l]!++;
    const summary = {
      algorithm: algo.name, model: modelPath, input, n: x.rows, d: x.cols, k, sizes, scale: scaleName(model.scaler),
      seconds, out: (v.out as string | undefined) ?? null,
    };
    if (v.json) ctx.out(jsonLine(summary));
    else {
      ctx.out(`clusterkit predict\n${keyValues([
        ['input', `${input} (${x.rows} rows × ${x.cols} columns)`],
        ['model', `${modelPath} (${algo.name}, k = ${k}, scale ${summary.scale})`],
        ['sizes', sizes.join(', ')],
        ['seconds', fmt(seconds, 3)],
        ['labels', summary.out ?? '(not written: pass --out FILE)'],
      ])}`);
    }
    return 0;
  },
};
