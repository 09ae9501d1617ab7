import { readFile } from 'node:fs/promises';
import { ClusterkitError, show } from '../core/errors.js';
import { fromJSON, toJSON } from '../core/json.js';
import { fileError } from './files.js';
import { writeFileAtomic } from './write.js';

/** The `format` field of every clusterkit model file. */
export const MODEL_FORMAT = 'clusterkit-model';
/** The model file layout this version writes and reads. */
export const MODEL_FORMAT_VERSION = 1;

/** Any fitted result: plain data with a `kind` (e.g. 'kmeans'). */
export interface ModelResult {
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** Options of `loadModel`. */
export interface LoadModelOptions {
  /** Refuse a model of another kind (BAD_MODEL). @defaultValue any kind */
  kind?: string;
}

/**
 * Save a fitted result as a versioned JSON model file, atomically:
 * `{"format": "clusterkit-model", "formatVersion": 1, "kind": …, …result}`, typed arrays encoded
 * by `core/json` so they load back typed. Throws BAD_DATA (from `toJSON`) when the result holds
 * NaN or Infinity, before anything is written (an existing file is left as it was).
 */
export async function saveModel(path: string, result: ModelResult): Promise<void> {
  if (result === null || typeof result !== 'object' || typeof result.kind !== 'string' || result.kind === '') {
    throw new ClusterkitError('BAD_MODEL', `saveModel(${path}): result must be a fitted result with a 'kind'. Got ${show(result === null || typeof result !== 'object' ? result : result.kind)}.`);
  }
  const { kind, ...rest } = result;
  const text = toJSON({ format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, kind, ...rest });
  await writeFileAtomic(path, `${text}\n`);
}

/**
 * Load a model saved by `saveModel`: checks `format`, `formatVersion` and `kind`, restores typed
 * arrays, and returns the result object (without `format`/`formatVersion`).
 * Errors: BAD_FILE for a missing/unreadable file; BAD_MODEL naming the path and the problem (not
 * JSON, not a clusterkit model, a newer format version, no kind, or not `opts.kind`).
 */
export async function loadModel<T extends ModelResult = ModelResult>(path: string, opts: LoadModelOptions = {}): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw fileError(e, path, 'loadModel');
  }
  const bad = (what: string): never => {
    throw new ClusterkitError('BAD_MODEL', `loadModel(${path}): ${what}`);
  };
  let obj: unknown;
  try {
    obj = fromJSON(text);
  } catch (e) {
    if (e instanceof ClusterkitError) bad(`typed arrays must be valid. ${e.message}`);
    bad(`file must be JSON. Got invalid JSON (${(e as Error).message}).`);
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) bad(`file must hold a JSON object. Got ${Array.isArray(obj) ? 'an array' : show(obj)}.`);
  const { format, formatVersion, ...result } = obj as Record<string, unknown>;
  if (format !== MODEL_FORMAT) bad(`'format' must be "${MODEL_FORMAT}". Got ${show(format)}; this is not a clusterkit model file.`);
  if (formatVersion !== MODEL_FORMAT_VERSION) {
    const hint = typeof formatVersion === 'number' && formatVersion > MODEL_FORMAT_VERSION ? ' The file was written by a newer clusterkit: upgrade to read it.' : '';
    bad(`'formatVersion' must be ${MODEL_FORMAT_VERSION}. Got ${show(formatVersion)}.${hint}`);
  }
  const kind = result.kind;
  if (typeof kind !== 'string' || kind === '') bad(`'kind' must be a non-empty string naming the estimator. Got ${show(kind)}.`);
  if (opts.kind !== undefined && kind !== opts.kind) bad(`'kind' must be "${opts.kind}". Got ${show(kind)}.`);
  return result as T;
}
