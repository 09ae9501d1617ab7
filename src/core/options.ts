import { ClusterkitError, badOption } from './errors.js';

/**
 * Option specs: one table per estimator drives validation, defaults, CLI flags and docs
 * (as scikit-learn's `_parameter_constraints`). Each entry documents one option.
 */
export type OptionEntry =
  | { type: 'int'; min?: number; max?: number; default?: number; nullable?: boolean; doc: string }
  | { type: 'float'; min?: number; max?: number; exclusiveMin?: boolean; default?: number; nullable?: boolean; doc: string }
  | { type: 'bool'; default?: boolean; doc: string }
  | { type: 'enum'; values: readonly string[]; default?: string; doc: string }
  | { type: 'string'; default?: string; doc: string }
  /** Validated by the estimator itself (arrays, matrices, callbacks). */
  | { type: 'custom'; expected: string; check: (v: unknown) => boolean; doc: string };

export type OptionSpec = Readonly<Record<string, OptionEntry>>;

/** Names every estimator accepts in addition to its spec (run control, not model parameters). */
export const CONTROL_OPTIONS = ['onProgress', 'signal'] as const;

/**
 * Validate `opts` against `spec`: unknown names are UNKNOWN_OPTION errors; wrong types or
 * out-of-range values are BAD_OPTION errors naming the parameter and the allowed range.
 * Returns a new object with defaults filled in (undefined values count as absent).
 */
export function resolveOptions<T>(where: string, spec: OptionSpec, opts: object | undefined): T {
  const out: Record<string, unknown> = {};
  const given = (opts ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in spec) && !(CONTROL_OPTIONS as readonly string[]).includes(key)) {
      const known = Object.keys(spec).join(', ');
      throw new ClusterkitError('UNKNOWN_OPTION', `${where}: unknown option '${key}'. Known options: ${known}.`, key);
    }
  }
  for (const [key, e] of Object.entries(spec)) {
    const v = given[key];
    if (v === undefined) {
      if ('default' in e && e.default !== undefined) out[key] = e.default;
      continue;
    }
    checkValue(where, key, e, v);
    out[key] = v;
  }
  for (const key of CONTROL_OPTIONS) if (given[key] !== undefined) out[key] = given[key];
  return out as T;
}

function checkValue(where: string, key: string, e: OptionEntry, v: unknown): void {
  switch (e.type) {
    case 'int':
    case 'float': {
      if (v === null && e.nullable) return;
      const isInt = e.type === 'int';
      const lo = e.min ?? -Infinity, hi = e.max ?? Infinity;
      const excl = e.type === 'float' && e.exclusiveMin === true;
      const range = `${excl ? '(' : '['}${lo === -Infinity ? '-inf' : lo}, ${hi === Infinity ? 'inf' : hi}]`;
      const ok = typeof v === 'number' && Number.isFinite(v) && (!isInt || Number.isInteger(v)) &&
        (excl ? v > lo : v >= lo) && v <= hi;
      if (!ok) badOption(where, key, `${isInt ? 'an integer' : 'a finite number'} in ${range}`, v);
      return;
    }
    case 'bool':
      if (typeof v !== 'boolean') badOption(where, key, 'true or false', v);
      return;
    case 'enum':
      if (typeof v !== 'string' || !e.values.includes(v)) badOption(where, key, `one of ${e.values.map((s) => `'${s}'`).join(', ')}`, v);
      return;
    case 'string':
      if (typeof v !== 'string') badOption(where, key, 'a string', v);
      return;
    case 'custom':
      if (!e.check(v)) badOption(where, key, e.expected, v);
      return;
  }
}

/** Check an integer against a data-dependent range, e.g. k in [1, n]. */
export function checkIntRange(where: string, key: string, v: number, lo: number, hi: number, hiName?: string): void {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    badOption(where, key, `an integer in [${lo}, ${hiName ? `${hiName} = ` : ''}${hi}]`, v);
  }
}
