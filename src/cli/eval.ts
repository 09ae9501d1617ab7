/**
 * `clusterkit eval --pred labels.csv --truth truth.csv [--data X.csv] [--json]`: score predicted
 * labels against true classes (ARI, AMI, NMI, homogeneity, completeness, V-measure, FMI,
 * purity, accuracy, pairwise F1) and, given the data, by internal criteria (silhouette, Davies–Bouldin,
 * Calinski–Harabasz, and DBCV with negative labels as noise).
 */
import { ClusterkitError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { OptionSpec } from '../core/options.js';
import { calinskiHarabasz, daviesBouldin, externalScores, silhouetteScore } from '../metrics/index.js';
import { dbcv } from '../metrics/dbcv.js';
import { readTable } from '../io/read.js';
import { readLabels } from '../io/write.js';
import { flagsFromSpec, formatFlagHelp, parseFlags, usage, withFlagName, withReaderFlags } from './args.js';
import { HEADER_ENTRY, OUTPUT_SPEC, headerOption, jsonLine, parseColumn, parseColumnList, type Command, type Ctx } from './common.js';
import { fmt, table } from './format.js';

export const EVAL_SPEC = {
  pred: { type: 'string', doc: "predicted labels: a .csv/.tsv column ('label' or the only column), .jsonl field or .txt (required)" },
  predColumn: { type: 'string', doc: 'column of --pred holding the labels (name or 0-based index)' },
  truth: { type: 'string', doc: 'true classes, same formats as --pred (text classes are fine) (required)' },
  truthColumn: { type: 'string', doc: "column of --truth holding the classes, e.g. 'species'" },
  data: { type: 'string', doc: 'the clustered data: adds silhouette, Davies–Bouldin, Calinski–Harabasz and DBCV (DBCV not with --sample-size)' },
  columns: { type: 'string', doc: 'feature columns of --data, comma-separated names or 0-based indices' },
  labelColumn: { type: 'string', doc: 'a column of --data to leave out of the features (e.g. the classes)' },
  header: HEADER_ENTRY,
  metric: { type: 'enum', values: ['euclidean', 'cosine'], default: 'euclidean', doc: 'distance of the silhouette' },
  sampleSize: { type: 'int', min: 2, doc: 'silhouette on this many sampled rows (seeded) [default: all rows]' },
  seed: { type: 'int', min: 0, default: 0, doc: 'seed of the silhouette sample' },
  ...OUTPUT_SPEC,
} as const satisfies OptionSpec;

const FLAGS = flagsFromSpec(EVAL_SPEC, [], {
  pred: { valueName: 'FILE' }, truth: { valueName: 'FILE' }, data: { valueName: 'FILE' },
  predColumn: { valueName: 'COLUMN' }, truthColumn: { valueName: 'COLUMN' }, columns: { valueName: 'A,B,…' }, labelColumn: { valueName: 'COLUMN' },
});

function helpText(): string {
  return `Usage: clusterkit eval --pred FILE --truth FILE [--data FILE] [flags]

Score predicted labels against the true classes; with --data also by internal criteria.

${formatFlagHelp([{ title: 'Flags', flags: FLAGS }])}Examples:
  clusterkit eval --pred labels.csv --truth data/iris.labels.txt --json
  clusterkit eval --pred labels.csv --truth iris.csv --truth-column species --data iris.csv --label-column species
`;
}

/** Rows of the readable table: key, label, meaning. */
const ROWS: readonly [string, string, string][] = [
  ['ari', 'ARI', 'adjusted Rand index (1 = same partition, 0 = chance)'],
  ['ami', 'AMI', 'adjusted mutual information'],
  ['nmi', 'NMI', 'normalised mutual information (arithmetic)'],
  ['homogeneity', 'homogeneity', 'each cluster holds one class'],
  ['completeness', 'completeness', 'each class sits in one cluster'],
  ['v_measure', 'V-measure', 'harmonic mean of the two'],
  ['fmi', 'FMI', 'Fowlkes–Mallows index'],
  ['purity', 'purity', "rows in their cluster's majority class"],
  ['accuracy', 'accuracy', 'best one-to-one cluster-class matching'],
  ['f1', 'pair F1', 'F1 over pairs of rows'],
  ['silhouette', 'silhouette', '-1 … 1, higher is better'],
  ['davies_bouldin', 'Davies-Bouldin', 'lower is better'],
  ['calinski_harabasz', 'Calinski-Harabasz', 'higher is better'],
  ['dbcv', 'DBCV', 'density-based validity, -1 … 1, higher is better (negative labels = noise)'],
];

/** DBCV (negative labels = noise), or null with a warning when it is undefined (one cluster, a one-row cluster). */
function dbcvOrNull(x: Matrix, pred: Int32Array, warnings: string[]): number | null {
  try {
    const s = dbcv(x, pred).score;
    if (Number.isNaN(s)) { warnings.push('DBCV is undefined for these labels (it needs 2 clusters besides noise, with nonzero sparseness or separation).'); return null; }
    return s;
  } catch (err) {
    if (err instanceof ClusterkitError && err.code === 'BAD_DATA' && err.param === 'labels') {
      warnings.push(`DBCV is undefined here: ${err.message}`);
      return null;
    }
    throw err;
  }
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score predicted labels against true classes (and the data)',
  async run(argv: readonly string[], ctx: Ctx): Promise<number> {
    const p = parseFlags('eval', argv, FLAGS);
    if (p.help) { ctx.out(helpText()); return 0; }
    const v = p.values;
    if (p.positionals.length > 0) throw usage('eval', `positional arguments must not be given (use --pred and --truth). Got ${p.positionals.join(' ')}.`);
    if (v.pred === undefined) throw usage('eval', "flag '--pred' must be given (the predicted labels file). Got none.", 'pred');
    if (v.truth === undefined) throw usage('eval', "flag '--truth' must be given (the true classes file). Got none.", 'truth');
    const header = headerOption(v.header);
    const pred = await readLabels(v.pred as string, { header, ...(v.predColumn !== undefined ? { column: parseColumn(v.predColumn as string) } : {}) });
    const truth = await readLabels(v.truth as string, { header, ...(v.truthColumn !== undefined ? { column: parseColumn(v.truthColumn as string) } : {}) });
    if (pred.length !== truth.length) {
      throw new ClusterkitError('DIM_MISMATCH', `clusterkit eval: --pred and --truth must have one label per row each. Got ${pred.length} and ${truth.length} rows.`);
    }
    const e = externalScores(truth, pred);
    const out: Record<string, number | null> = {
      ari: e.ari, ami: e.ami, nmi: e.nmi, homogeneity: e.homogeneity, completeness: e.completeness,
      v_measure: e.v_measure, fmi: e.fmi, purity: e.purity, accuracy: e.accuracy, f1: e.f1,
    };
    const warnings: string[] = [];
    if (v.data !== undefined) {
      const t = await readTable(v.data as string, {
        header,
        ...(v.columns !== undefined ? { columns: parseColumnList(v.columns as string) } : {}),
        ...(v.labelColumn !== undefined ? { labelColumn: parseColumn(v.labelColumn as string) } : {}),
      }).catch((e: unknown) => { throw withReaderFlags(e); });
      if (t.matrix.rows !== pred.length) {
        throw new ClusterkitError('DIM_MISMATCH', `clusterkit eval: --data must have one row per label (${pred.length}). Got ${t.matrix.rows} rows in ${v.data as string}.`);
      }
      const clusters = new Set(pred).size;
      if (clusters < 2 || clusters > pred.length - 1) {
        warnings.push(`internal scores need 2 … n − 1 clusters; the labels have ${clusters}.`);
        out.silhouette = out.davies_bouldin = out.calinski_harabasz = null;
      } else {
        try {
          out.silhouette = silhouetteScore(t.matrix, pred, {
            metric: v.metric as 'euclidean' | 'cosine' | undefined,
            ...(v.sampleSize !== undefined ? { sampleSize: Math.min(v.sampleSize as number, pred.length) } : {}),
            seed: v.seed as number | undefined,
          });
        } catch (err) {
          throw withFlagName(err, FLAGS);
        }
        out.davies_bouldin = daviesBouldin(t.matrix, pred);
        out.calinski_harabasz = calinskiHarabasz(t.matrix, pred);
      }
      // DBCV costs O(Σ |cluster|² · d) on all rows; with --sample-size the caller asked for less.
      if (v.sampleSize === undefined) out.dbcv = dbcvOrNull(t.matrix, pred, warnings);
      else warnings.push('DBCV is computed on all rows only; left out with --sample-size.');
    }
    if (v.json) {
      ctx.out(jsonLine({ n: pred.length, ...out, ...(warnings.length ? { warnings } : {}) }));
    } else {
      const rows = [['metric', 'value', 'meaning'], ...ROWS.filter(([k]) => k in out).map(([k, label, hint]) => [label, fmt(out[k]), hint])];
      ctx.out(`clusterkit eval: ${pred.length} rows, ${new Set(pred).size} clusters, ${new Set(truth).size} classes\n${table(rows, ['l', 'r', 'l'])}`);
      for (const w of warnings) ctx.out(`warning: ${w}\n`);
    }
    return 0;
  },
};
