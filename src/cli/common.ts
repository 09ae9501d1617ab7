/** Pieces shared by the CLI commands: output sinks, column lists, scalers, the version. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterkitError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { OptionSpec } from '../core/options.js';
import type { ColumnRef } from '../io/table.js';
import * as standardScaler from '../preprocessing/standardScaler.js';
import * as minMaxScaler from '../preprocessing/minMaxScaler.js';

/** Where a command writes: stdout and stderr (swappable in tests). */
export interface Ctx {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal (progress bars allowed). */
  readonly errIsTTY: boolean;
}

/** The process's own streams. */
export const processCtx: Ctx = {
  out: (t) => { process.stdout.write(t); },
  err: (t) => { process.stderr.write(t); },
  errIsTTY: process.stderr.isTTY === true,
};

/** A command: parses its own argv, returns the exit code (0) or throws. */
export interface Command {
  readonly name: string;
  /** One line for `clusterkit --help`. */
  readonly summary: string;
  run(argv: readonly string[], ctx: Ctx): Promise<number>;
}

/** `a,b,3` → ['a', 'b', 3]: items of digits only are 0-based indices, others names. */
export function parseColumnList(text: string): ColumnRef[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** A single column given by name or index text. */
export function parseColumn(text: string): ColumnRef {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : text;
}

/** --header auto|yes|no → the readers' `header` option. */
export function headerOption(v: unknown): boolean | 'auto' {
  return v === 'yes' ? true : v === 'no' ? false : 'auto';
}

/** Options shared by commands that read data files. */
export const HEADER_ENTRY = {
  type: 'enum', values: ['auto', 'yes', 'no'], default: 'auto',
  doc: "whether the first CSV/TSV row is a header ('auto': when a cell is not a number)",
} as const;

/** Output switches of every command. */
export const OUTPUT_SPEC = {
  json: { type: 'bool', default: false, doc: 'print one JSON object on stdout instead of the table' },
  quiet: { type: 'bool', default: false, doc: 'no progress bar on stderr' },
} as const satisfies OptionSpec;

/** A fitted scaler as stored in a model file. */
export type Scaler = standardScaler.StandardScalerResult | minMaxScaler.MinMaxScalerResult;

/** Fit the scaler named by --scale on x; null for 'none'. */
export function fitScaler(kind: unknown, x: Matrix): Scaler | null {
  if (kind === 'standard') return standardScaler.fit(x);
  if (kind === 'minmax') return minMaxScaler.fit(x);
  return null;
}

/** Apply a stored scaler (null: x unchanged). */
export function applyScaler(s: Scaler | null | undefined, x: Matrix): Matrix {
  if (!s) return x;
  if (s.kind === 'standard-scaler') return standardScaler.transform(s, x);
  if (s.kind === 'min-max-scaler') return minMaxScaler.transform(s, x);
  throw new ClusterkitError('BAD_MODEL', `model: 'scaler.kind' must be 'standard-scaler' or 'min-max-scaler'. Got ${JSON.stringify((s as { kind?: unknown }).kind)}.`);
}

/** `kind` of a scaler → the --scale value that made it. */
export function scaleName(s: Scaler | null | undefined): 'standard' | 'minmax' | 'none' {
  return !s ? 'none' : s.kind === 'standard-scaler' ? 'standard' : 'minmax';
}

let version: string | null = null;

/** The package version, from the clusterkit package.json above this module. */
export function packageVersion(): string {
  if (version) return version;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'clusterkit' && pkg.version) return (version = pkg.version);
      } catch { /* keep walking */ }
    }
    if (dirname(dir) === dir) return (version = 'unknown');
  }
}

/** JSON for --json output: numbers as they are, non-finite as null, typed arrays as arrays. */
export function jsonLine(v: unknown): string {
  return `${JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'number' && !Number.isFinite(x)) return null;
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return Array.from(x as unknown as ArrayLike<number>);
    return x;
  })}\n`;
}
