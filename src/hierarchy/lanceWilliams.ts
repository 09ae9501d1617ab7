/**
 * Lance–Williams updates: the distance from cluster i to the union of clusters x and y, from
 * d(x, i), d(y, i), d(x, y) and the sizes. Written term by term in SciPy 1.10's order
 * (`_hierarchy_distance_update.pxi`) so that float64 inputs give SciPy's bits, and with them its
 * tie decisions. Ward, centroid and median act on plain (not squared) Euclidean distances, as
 * SciPy's do, so their heights are on the Euclidean scale.
 */

/** The seven linkage methods (SciPy's names). */
export type LinkageMethod = 'single' | 'complete' | 'average' | 'weighted' | 'ward' | 'centroid' | 'median';

export const LINKAGE_METHODS: readonly LinkageMethod[] = ['single', 'complete', 'average', 'weighted', 'ward', 'centroid', 'median'];

/** Method codes used inside the merge loops (plain numbers, so bundlers need no enum support). */
export type MethodCode = 0 | 1 | 2 | 3 | 4 | 5 | 6;
export const MethodCode = { Single: 0, Complete: 1, Average: 2, Weighted: 3, Ward: 4, Centroid: 5, Median: 6 } as const;

export function methodCode(m: LinkageMethod): MethodCode {
  switch (m) {
    case 'single': return MethodCode.Single;
    case 'complete': return MethodCode.Complete;
    case 'average': return MethodCode.Average;
    case 'weighted': return MethodCode.Weighted;
    case 'ward': return MethodCode.Ward;
    case 'centroid': return MethodCode.Centroid;
    case 'median': return MethodCode.Median;
  }
}

/**
 * Counter of square roots of negative numbers met in ward/centroid/median updates (possible
 * only for non-Euclidean input or by rounding): they are taken as 0 (SciPy would give NaN).
 * `worst` is the most negative argument relative to d(x,i)² + d(y,i)².
 */
export interface ClampCount { count: number; worst: number }

/** d(x∪y, i) by Lance–Williams. nx, ny, ni: cluster sizes. */
export function lanceWilliams(code: MethodCode, dxi: number, dyi: number, dxy: number,
  nx: number, ny: number, ni: number, clamp: ClampCount): number {
  switch (code) {
    case MethodCode.Single: return dxi < dyi ? dxi : dyi;
    case MethodCode.Complete: return dxi > dyi ? dxi : dyi;
    case MethodCode.Average: return (nx * dxi + ny * dyi) / (nx + ny);
    case MethodCode.Weighted: return 0.5 * (dxi + dyi);
    case MethodCode.Ward: {
      const t = 1.0 / (nx + ny + ni);
      return root((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy, dxi, dyi, clamp);
    }
    case MethodCode.Centroid:
      return root((((nx * dxi * dxi) + (ny * dyi * dyi)) - (nx * ny * dxy * dxy) / (nx + ny)) / (nx + ny), dxi, dyi, clamp);
    case MethodCode.Median:
      return root(0.5 * (dxi * dxi + dyi * dyi) - 0.25 * dxy * dxy, dxi, dyi, clamp);
  }
}

function root(v: number, dxi: number, dyi: number, clamp: ClampCount): number {
  if (v >= 0) return Math.sqrt(v);
  const scale = dxi * dxi + dyi * dyi;
  const rel = scale > 0 ? v / scale : -Infinity;
  // rounding alone gives |v| of a few ulps of the scale; count only real violations
  if (rel < -1e-9) { clamp.count++; if (rel < clamp.worst) clamp.worst = rel; }
  return 0;
}
