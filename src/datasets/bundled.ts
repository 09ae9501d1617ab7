/**
 * The small real datasets shipped in the package's `data/` folder (see data/README.md for
 * origin and licences). Node-only: reads files with `node:fs`. The folder is found by walking up
 * from this module to the directory whose package.json is named "clusterkit", so it works from
 * src/ (ts runners) and dist/src/ alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterkitError, badOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

/** Names accepted by {@link loadBundled}. */
export const BUNDLED_NAMES = ['iris', 'wine', 'breast_cancer', 'digits'] as const;
export type BundledName = (typeof BUNDLED_NAMES)[number];

/** A bundled dataset: fresh arrays on every call (callers may mutate them). */
export interface BundledDataset {
  readonly name: BundledName;
  /** Features, [n × d]. */
  readonly x: Matrix;
  /** True class of each row, [n], in 0 … k − 1. */
  readonly labels: Int32Array;
  /** Name of class c at index c, where known. */
  readonly classNames?: readonly string[];
  /** Name of column j at index j, where known. */
  readonly featureNames?: readonly string[];
}

const BC_BASE = ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity',
  'concave points', 'symmetry', 'fractal dimension'];

/** Names as in scikit-learn 1.2's loaders (iris columns without the " (cm)" unit suffix). */
const META: Record<BundledName, { classNames: readonly string[]; featureNames: readonly string[] }> = {
  iris: {
    classNames: ['setosa', 'versicolor', 'virginica'],
    featureNames: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
  },
  wine: {
    classNames: ['class_0', 'class_1', 'class_2'],
    featureNames: ['alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols', 'flavanoids',
      'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue', 'od280/od315_of_diluted_wines', 'proline'],
  },
  breast_cancer: {
    classNames: ['malignant', 'benign'],
    featureNames: [...BC_BASE.map((f) => `mean ${f}`), ...BC_BASE.map((f) => `${f} error`), ...BC_BASE.map((f) => `worst ${f}`)],
  },
  digits: {
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    featureNames: Array.from({ length: 64 }, (_, j) => `pixel_${Math.floor(j / 8)}_${j % 8}`),
  },
};

let cachedDir: string | null = null;

/**
 * Absolute path of the package's `data/` folder. Throws BAD_FILE when no ancestor of this
 * module holds the clusterkit package.json with a data folder.
 */
export function bundledDataDir(): string {
  if (cachedDir) return cachedDir;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && existsSync(join(dir, 'data'))) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'clusterkit') return (cachedDir = join(dir, 'data'));
      } catch { /* not ours; keep walking */ }
    }
    if (dirname(dir) === dir) break;
  }
  throw new ClusterkitError('BAD_FILE', `loadBundled: the clusterkit data folder must exist above ${start}. Got none (is the package installed with its data/ folder?).`);
}

/** Paths of the two files of a bundled dataset: `{ features, labels }`. */
export function bundledPaths(name: BundledName): { features: string; labels: string } {
  checkName(name);
  const dir = bundledDataDir();
  return { features: join(dir, `${name}.features.csv`), labels: join(dir, `${name}.labels.txt`) };
}

/**
 * Load a bundled dataset: iris (150 × 4, 3 classes), wine (178 × 13, 3), breast_cancer
 * (569 × 30, 2) or digits (1797 × 64, 10). Values are parsed as doubles and stored as float32.
 * Throws BAD_OPTION for an unknown name, BAD_FILE for a missing or malformed file (naming
 * the file, line and column).
 */
export function loadBundled(name: BundledName): BundledDataset {
  const paths = bundledPaths(name);
  const x = parseCsv(readText(paths.features), `${name}.features.csv`);
  const labels = parseLabels(readText(paths.labels), `${name}.labels.txt`);
  if (labels.length !== x.rows) {
    throw new ClusterkitError('BAD_FILE', `${name}.labels.txt: line count must equal the ${x.rows} rows of ${name}.features.csv. Got ${labels.length}.`);
  }
  const meta = META[name];
  return { name, x, labels, classNames: [...meta.classNames], featureNames: [...meta.featureNames] };
}

function checkName(name: unknown): asserts name is BundledName {
  if (typeof name !== 'string' || !(BUNDLED_NAMES as readonly string[]).includes(name)) {
    badOption('loadBundled', 'name', `one of ${BUNDLED_NAMES.map((s) => `'${s}'`).join(', ')}`, name);
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClusterkitError('BAD_FILE', `loadBundled: file ${path} must be readable. Got ${(e as Error).message}.`);
  }
}

/** Split into lines, dropping one trailing empty line and any '\r'. */
function lines(text: string): string[] {
  const ls = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  while (ls.length > 0 && ls[ls.length - 1] === '') ls.pop();
  return ls;
}

/** Headerless numeric CSV → Matrix; every line must have as many cells as the first. */
function parseCsv(text: string, file: string): Matrix {
  const ls = lines(text);
  if (ls.length === 0) throw new ClusterkitError('BAD_FILE', `${file}: file must hold at least 1 row. Got 0.`);
  const d = ls[0]!.split(',').length;
  const data = new Float32Array(ls.length * d);
  for (let i = 0; i < ls.length; i++) {
    const cells = ls[i]!.split(',');
    if (cells.length !== d) {
      throw new ClusterkitError('BAD_FILE', `${file} line ${i + 1}: row must have ${d} values like line 1. Got ${cells.length}.`);
    }
    for (let j = 0; j < d; j++) {
      const s = cells[j]!.trim(), v = Number(s);
      if (s === '' || !Number.isFinite(v)) {
        throw new ClusterkitError('BAD_FILE', `${file} line ${i + 1}, column ${j + 1}: value must be a finite number. Got ${JSON.stringify(cells[j])}.`);
      }
      data[i * d + j] = v;
    }
  }
  return { data, rows: ls.length, cols: d };
}

/** One integer per line → Int32Array. */
function parseLabels(text: string, file: string): Int32Array {
  const ls = lines(text);
  const out = new Int32Array(ls.length);
  for (let i = 0; i < ls.length; i++) {
    const s = ls[i]!.trim(), v = Number(s);
    if (s === '' || !Number.isInteger(v)) {
      throw new ClusterkitError('BAD_FILE', `${file} line ${i + 1}: label must be an integer. Got ${JSON.stringify(ls[i])}.`);
    }
    out[i] = v;
  }
  return out;
}
