/**
 * The one error class of clusterkit. Every error thrown for bad input or options is a
 * `ClusterkitError` with a stable `code` (tests and the CLI match on it) and, where it
 * applies, the offending parameter name. Messages follow one template:
 * `<where>: <what> must be <expected>. Got <actual>.`
 */
export type ErrorCode =
  | 'BAD_OPTION' // an option value is outside its domain
  | 'UNKNOWN_OPTION' // an option name that the estimator does not know
  | 'BAD_DATA' // NaN/Infinity, ragged rows, non-numeric cells, wrong lengths
  | 'EMPTY_DATA' // zero rows or zero columns
  | 'DIM_MISMATCH' // wrong number of columns at predict time, or mismatched lengths
  | 'BAD_FILE' // unreadable or malformed file
  | 'BAD_MODEL' // a model file that is not a clusterkit model or has the wrong version
  | 'ABORTED'; // the caller's AbortSignal fired

export class ClusterkitError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'ClusterkitError';
  }
}

/** Throw a BAD_OPTION error in the standard form. */
export function badOption(where: string, param: string, expected: string, got: unknown): never {
  throw new ClusterkitError('BAD_OPTION', `${where}: option '${param}' must be ${expected}. Got ${show(got)}.`, param);
}

/** Render a value for an error message (short, never throws). */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return typeof v;
}
