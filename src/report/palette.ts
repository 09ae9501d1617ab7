/**
 * Colour-blind-safe categorical colours for clusters. Up to 8 clusters use the Okabe–Ito
 * palette (Okabe & Ito 2008, "Color Universal Design"), reordered so that the first colours
 * differ most in lightness; 9 or 10 clusters use Tableau 10 (Tableau 2016), whose ten hues
 * stay apart under the common colour-vision deficiencies; beyond 10, hues are spread by the
 * golden angle at two lightness levels (readable, but no longer guaranteed distinct).
 * Noise (label −1) is always light grey.
 */

/** Okabe–Ito, in the order used for clusters 0…7. */
export const OKABE_ITO: readonly string[] = [
  '#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442',
];

/** Tableau 10 (2016 revision). */
export const TABLEAU_10: readonly string[] = [
  '#4E79A7', '#F28E2B', '#E15759', '#76B7B2', '#59A14F', '#EDC948', '#B07AA1', '#FF9DA7', '#9C755F', '#BAB0AC',
];

/** Colour of noise / unassigned rows (label −1). */
export const NOISE_COLOR = '#B8B8B8';

/**
 * `k` cluster colours (hex strings) for a figure with k clusters: Okabe–Ito for k ≤ 8,
 * Tableau 10 for k ≤ 10, then generated hues. Deterministic.
 */
export function clusterColors(k: number): string[] {
  if (k <= OKABE_ITO.length) return OKABE_ITO.slice(0, Math.max(0, k));
  if (k <= TABLEAU_10.length) return TABLEAU_10.slice(0, k);
  const out = TABLEAU_10.slice();
  for (let j = TABLEAU_10.length; j < k; j++) {
    const hue = Math.round((j * 137.508) % 360);
    out.push(`hsl(${hue}, 55%, ${j % 2 === 0 ? 42 : 62}%)`);
  }
  return out;
}
