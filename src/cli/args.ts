/**
 * Command-line flags derived from option spec tables: each spec entry `fooBar` becomes the flag
 * `--foo-bar`, with its type, range, default and doc taken from the entry, so flags, validation
 * and `--help` come from one place. Parsing is `node:util` parseArgs (strict); every usage
 * error is a ClusterkitError (the CLI exits 2 on those) naming the flag.
 */
import { parseArgs } from 'node:util';
import { ClusterkitError, show } from '../core/errors.js';
import type { OptionEntry, OptionSpec } from '../core/options.js';

/** One flag: the option it sets, its spec entry, and how it reads on the command line. */
export interface Flag {
  /** camelCase option name set by the flag. */
  readonly name: string;
  /** Flag name without dashes (kebab-case). */
  readonly flag: string;
  readonly entry: OptionEntry;
  /** Placeholder in --help, e.g. 'N', 'FILE'. */
  readonly valueName?: string;
  /** Replaces the entry's doc in --help. */
  readonly doc?: string;
  /** One-letter alias, e.g. 'o' for -o. */
  readonly short?: string;
}

/** A titled group of flags in --help. */
export interface FlagGroup {
  readonly title: string;
  readonly flags: readonly Flag[];
}

/** camelCase → kebab-case: `nInit` → `n-init`, `maxIter` → `max-iter`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Flags for every entry of `spec` except `skip`; `extra` overrides value names and docs. */
export function flagsFromSpec(spec: OptionSpec, skip: readonly string[] = [],
  extra: Readonly<Record<string, { valueName?: string; doc?: string }>> = {}): Flag[] {
  return Object.entries(spec).filter(([name]) => !skip.includes(name)).map(([name, entry]) => ({
    name, flag: kebab(name), entry, ...extra[name],
  }));
}

const isBool = (f: Flag): boolean => f.entry.type === 'bool';

function placeholder(f: Flag): string {
  if (isBool(f)) return '';
  if (f.valueName) return ` ${f.valueName}`;
  switch (f.entry.type) {
    case 'int': return ' N';
    case 'float': return ' X';
    case 'enum': return ` ${f.entry.values.join('|')}`;
    default: return ' VALUE';
  }
}

function defaultText(e: OptionEntry): string {
  if (!('default' in e) || e.default === undefined || e.type === 'bool') return '';
  return ` [default: ${String(e.default)}]`;
}

/** Wrap `text` to `width` columns, continuation lines indented by `indent`. */
function wrap(text: string, width: number, indent: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) { lines.push(cur); cur = w; } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** --help text of flag groups: `  --flag VALUE   doc [default: …]`, wrapped at 80 columns. */
export function formatFlagHelp(groups: readonly FlagGroup[]): string {
  const out: string[] = [];
  const col = 28;
  for (const g of groups) {
    out.push(`${g.title}:`);
    for (const f of g.flags) {
      const head = `  --${f.flag}${placeholder(f)}`;
      let doc = (f.doc ?? f.entry.doc).replace(/\s*@defaultValue.*$/, '');
      if (f.entry.type === 'int' || f.entry.type === 'float') {
        const lo = f.entry.min, hi = f.entry.max;
        if (lo !== undefined && hi !== undefined) doc += ` (${lo} … ${hi})`;
        else if (lo !== undefined) doc += ` (≥ ${lo}${f.entry.type === 'float' && f.entry.exclusiveMin ? ', exclusive' : ''})`;
      }
      doc += defaultText(f.entry);
      const pad = head.length + 2 <= col ? ' '.repeat(col - head.length) : `\n${' '.repeat(col)}`;
      out.push(`${head}${pad}${wrap(doc, 80 - col, col)}`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** Parsed command line: converted values by option name (only flags given), and positionals. */
export interface ParsedArgs {
  readonly values: Record<string, unknown>;
  /** Values as typed (text, or booleans for switches), by option name. */
  readonly raw: Record<string, string | boolean>;
  /** Flags given, by option name → the flag text used (for error messages). */
  readonly given: ReadonlyMap<string, string>;
  readonly positionals: string[];
  readonly help: boolean;
}

/** Usage error (exit 2) in the house template. */
export function usage(command: string, message: string, param?: string): ClusterkitError {
  return new ClusterkitError('BAD_OPTION', `${command}: ${message}`, param);
}

/**
 * Parse `argv` against `flags` (plus --help/-h). Numbers are read strictly (`--k 3x` is an error
 * naming `--k`), enums are checked against their values, booleans take `--flag` / `--no-flag`.
 * Range checks are left to the estimator (its message is then tied to the flag by the CLI).
 * With `convertValues` false only `raw` is filled (the caller converts, e.g. once it knows which
 * estimator's spec applies).
 */
export function parseFlags(command: string, argv: readonly string[], flags: readonly Flag[], convertValues = true): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  const byFlag = new Map<string, Flag>();
  for (const f of flags) {
    if (byFlag.has(f.flag)) continue;
    byFlag.set(f.flag, f);
    options[f.flag] = { type: isBool(f) ? 'boolean' : 'string', ...(f.short ? { short: f.short } : {}) };
    if (isBool(f)) options[`no-${f.flag}`] = { type: 'boolean' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const m = /'(-[^']*)'/.exec(err.message);
    const flag = m?.[1] ?? '';
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw usage(command, `flag '${flag}' is not known. Run 'clusterkit ${command} --help' for the flags.`);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--([a-z0-9-]+)/.exec(err.message)?.[1];
      const f = name ? byFlag.get(name) : undefined;
      if (f && !isBool(f)) {
        const hint = f.entry.type === 'int' || f.entry.type === 'float' ? ` (write --${f.flag}=-1 for a negative number)` : '';
        throw usage(command, `flag '--${f.flag}' must be followed by a value${placeholder(f)}${hint}. Got none.`, f.name);
      }
      throw usage(command, `flag '--${name ?? flag}' must not take a value. Got one.`);
    }
    throw usage(command, err.message);
  }
  const values: Record<string, unknown> = {};
  const rawValues: Record<string, string | boolean> = {};
  const given = new Map<string, string>();
  for (const [key, raw] of Object.entries(parsed.values)) {
    if (key === 'help' || raw === undefined) continue;
    const neg = key.startsWith('no-') && !byFlag.has(key);
    const f = byFlag.get(neg ? key.slice(3) : key)!;
    const text = `--${key}`;
    if (given.has(f.name)) throw usage(command, `flag '--${f.flag}' must be given once. Got it twice (also as '${given.get(f.name)}').`, f.name);
    given.set(f.name, text);
    rawValues[f.name] = neg ? !(raw as boolean) : (raw as string | boolean);
    if (convertValues) values[f.name] = neg ? !(raw as boolean) : convert(command, f, raw as string | boolean);
  }
  return { values, raw: rawValues, given, positionals: parsed.positionals, help: parsed.values.help === true };
}

/** Convert one flag's text to the entry's type. */
export function convert(command: string, f: Flag, raw: string | boolean): unknown {
  const e = f.entry;
  if (typeof raw === 'boolean') return raw;
  const s = raw.trim();
  switch (e.type) {
    case 'int': {
      if (e.nullable && s === 'null') return null;
      if (!/^[+-]?\d+$/.test(s)) throw usage(command, `flag '--${f.flag}' must be an integer. Got ${show(raw)}.`, f.name);
      return Number(s);
    }
    case 'float': {
      if (e.nullable && s === 'null') return null;
      const v = Number(s);
      if (s === '' || !Number.isFinite(v)) throw usage(command, `flag '--${f.flag}' must be a finite number. Got ${show(raw)}.`, f.name);
      return v;
    }
    case 'enum':
      if (!e.values.includes(s)) throw usage(command, `flag '--${f.flag}' must be one of ${e.values.map((v) => `'${v}'`).join(', ')}. Got ${show(raw)}.`, f.name);
      return s;
    default:
      return raw;
  }
}

/**
 * Tie an estimator's option error to its flag: `kmeans: option 'k' must be …` becomes
 * `kmeans: option 'k' (flag --k) must be …`. Other errors pass through unchanged.
 */
export function withFlagName(e: unknown, flags: readonly Flag[]): unknown {
  if (!(e instanceof ClusterkitError) || !e.param) return e;
  const f = flags.find((t) => t.name === e.param);
  if (!f) return e;
  const marker = `option '${e.param}'`;
  const msg = e.message.includes(marker) ? e.message.replace(marker, `${marker} (flag --${f.flag})`) : `${e.message} (flag --${f.flag})`;
  const out = new ClusterkitError(e.code, msg, e.param);
  out.stack = e.stack;
  return out;
}

/** Reader option names as they appear in io error messages → the CLI flag that sets them. */
const READER_FLAGS: Readonly<Record<string, string>> = {
  labelColumn: 'label-column', columns: 'columns', weightsColumn: 'weights', header: 'header',
};

/**
 * Rewrite reader option names in an io error (`option 'labelColumn'`) as the CLI flags that set
 * them (`flag '--label-column'`), for commands where the user gave those flags.
 */
export function withReaderFlags(e: unknown): unknown {
  if (!(e instanceof ClusterkitError)) return e;
  const msg = e.message.replace(/option '(labelColumn|columns|weightsColumn|header)'/g, (_m, name: string) => `flag '--${READER_FLAGS[name]}'`);
  if (msg === e.message) return e;
  const out = new ClusterkitError(e.code, msg, e.param);
  out.stack = e.stack;
  return out;
}
