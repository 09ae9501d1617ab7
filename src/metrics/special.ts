/**
 * Special functions needed by the metrics (JavaScript's Math has no log-gamma).
 */

/** Stirling-series coefficients B₂ₖ / (2k(2k − 1)), k = 1..7. */
const STIRLING = [
  1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156,
] as const;
const HALF_LOG_2PI = 0.9189385332046728; // ½ ln(2π)
/** Below this the argument is shifted up before the asymptotic series is used. */
const SHIFT_TO = 15;
/** Integers up to this use ln((x − 1)!) with the factorial computed exactly. */
const EXACT_FACTORIAL = 23;

/**
 * ln Γ(x) for x > 0 (NaN otherwise): ln((x − 1)!) from the exact factorial for integers
 * x ≤ 23; otherwise the Stirling series with seven Bernoulli terms for x ≥ 15 (truncation error
 * < 1e-19 there) and the recurrence ln Γ(x) = ln Γ(x + m) − ln(x(x+1)…(x+m−1)) below 15.
 * Agrees with scipy's `gammaln` / C's `lgamma` to a few ulp for x ≥ 15 and integers, and to
 * about 5e-15 absolute for other x < 15.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return NaN;
  if (x === 1 || x === 2) return 0;
  if (x <= EXACT_FACTORIAL && Number.isInteger(x)) {
    let f = 1;
    for (let k = 2; k < x; k++) f *= k; // (x − 1)! is exact in float64 up to 22!
    return Math.log(f);
  }
  let shift = 0;
  if (x < SHIFT_TO) {
    let prod = 1;
    while (x < SHIFT_TO) { prod *= x; x += 1; }
    shift = Math.log(prod);
  }
  const inv = 1 / x, inv2 = inv * inv;
  let series = STIRLING[6];
  for (let k = 5; k >= 0; k--) series = series * inv2 + STIRLING[k]!;
  series *= inv;
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series - shift;
}

/**
 * Table of ln(k!) = ln Γ(k + 1) for k = 0..n: out [n + 1]. Cost O(n).
 */
export function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let k = 2; k <= n; k++) out[k] = logGamma(k + 1);
  return out;
}
