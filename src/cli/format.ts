/** Plain-text output of the CLI: numbers and aligned tables. */

/** A number with `digits` significant digits (integers in full), '-' for null / non-finite. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(digits - 1);
  if (a >= 10 ** digits) return v.toFixed(0);
  const s = v.toPrecision(digits);
  return s.includes('e') ? String(Number(s)) : s;
}

/**
 * Align rows into columns separated by two spaces: by default the first column left-aligned and
 * the others right-aligned (numbers); `align` ('l' / 'r' per column) overrides. The first row is
 * the header, underlined with dashes.
 */
export function table(rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  if (rows.length === 0) return '';
  const n = Math.max(...rows.map((r) => r.length));
  const w = Array.from({ length: n }, (_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length)));
  const left = (j: number): boolean => (align?.[j] ?? (j === 0 ? 'l' : 'r')) === 'l';
  const line = (r: readonly string[]): string =>
    r.map((c, j) => (left(j) ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ').trimEnd();
  const out = [line(rows[0]!), w.map((x) => '-'.repeat(x)).join('  ')];
  for (const r of rows.slice(1)) out.push(line(r));
  return `${out.join('\n')}\n`;
}

/** Two-column "key  value" list, keys padded. */
export function keyValues(pairs: readonly (readonly [string, string])[]): string {
  const w = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}
