/**
 * Seeding for the centroid family: greedy k-means++ (as scikit-learn), k-means‖ (Bahmani et al.
 * 2012) for large n, and distinct random rows. All draws come from the Rng passed in. Every
 * function returns the chosen row indices; callers copy the rows.
 */
import type { Rng } from '../core/rng.js';
import { candidatePotentials, updateClosest, assignNearest, pinRows, wasmKernelsAvailable } from '../kernels/index.js';

/** Distances D²(x) from every row to the first chosen row, float64 [n]. */
function firstClosest(x: Float32Array, n: number, d: number, first: number): Float64Array {
  const closest = new Float64Array(n).fill(Infinity);
  updateClosest(x, n, d, x.subarray(first * d, first * d + d), closest);
  return closest;
}

/** Index i such that cum[i-1] < v ≤ cum[i] (numpy searchsorted 'left'), clipped to n − 1. */
function searchSorted(cum: Float64Array, v: number): number {
  let lo = 0, hi = cum.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! < v) lo = mid + 1; else hi = mid;
  }
  return Math.min(lo, cum.length - 1);
}

/** A row drawn with probability ∝ weight (uniform when weights is null). */
function drawWeighted(rng: Rng, n: number, weights: Float32Array | Float64Array | null): number {
  if (!weights) return rng.int(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i]!;
  let v = rng.next() * total;
  for (let i = 0; i < n; i++) { v -= weights[i]!; if (v < 0) return i; }
  return n - 1;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007; scikit-learn's `_kmeans_plusplus`): the first
 * centre is drawn ∝ weight; each next one is the best, by resulting potential Σ w·D², of
 * `nLocalTrials` candidates drawn ∝ w·D². Cost O(n·k·d·nLocalTrials).
 * @param x [n × d]; @param nLocalTrials default 2 + ⌊ln k⌋ (scikit-learn).
 * @returns row indices [k] of the chosen centres.
 */
export function kmeansPlusPlus(x: Float32Array, n: number, d: number, k: number, rng: Rng,
  weights: Float32Array | Float64Array | null = null, nLocalTrials?: number): Int32Array {
  const unpin = pinRows(x); // read in place by the kernels during the k passes
  try {
    return plusPlus(x, n, d, k, rng, weights, nLocalTrials);
  } finally {
    unpin();
  }
}

function plusPlus(x: Float32Array, n: number, d: number, k: number, rng: Rng,
  weights: Float32Array | Float64Array | null, nLocalTrials: number | undefined): Int32Array {
  const trials = nLocalTrials ?? 2 + Math.floor(Math.log(k));
  const chosen = new Int32Array(k);
  chosen[0] = drawWeighted(rng, n, weights);
  const closest = firstClosest(x, n, d, chosen[0]!);
  const cum = new Float64Array(n);
  const cand = new Float32Array(trials * d), candIdx = new Int32Array(trials), pot = new Float64Array(trials);
  // the candidates' updated closest arrays (saves the update pass): on the WebAssembly path the
  // kernel layer keeps them itself for the updateClosest call, so only the TypeScript path asks
  const mins = !wasmKernelsAvailable() && trials * n <= 2 ** 25 ? new Float64Array(trials * n) : null;
  for (let c = 1; c < k; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) { s += (weights ? weights[i]! : 1) * closest[i]!; cum[i] = s; }
    for (let t = 0; t < trials; t++) {
      const id = searchSorted(cum, rng.next() * s);
      candIdx[t] = id;
      cand.set(x.subarray(id * d, id * d + d), t * d);
    }
    candidatePotentials(x, n, d, cand, trials, closest, weights, pot, mins);
    let best = 0;
    for (let t = 1; t < trials; t++) if (pot[t]! < pot[best]!) best = t;
    chosen[c] = candIdx[best]!;
    if (mins) closest.set(mins.subarray(best * n, best * n + n));
    else updateClosest(x, n, d, cand.subarray(best * d, best * d + d), closest);
  }
  return chosen;
}

/** k distinct rows drawn uniformly (partial Fisher–Yates over a lazy permutation). */
export function randomRows(n: number, k: number, rng: Rng): Int32Array {
  const swapped = new Map<number, number>();
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const vj = swapped.get(j) ?? j, vi = swapped.get(i) ?? i;
    out[i] = vj;
    swapped.set(j, vi);
  }
  return out;
}

/**
 * k-means‖ (scalable k-means++, Bahmani et al. 2012): `rounds` passes each sampling every row
 * independently with probability min(1, ℓ·w·D²/φ) (ℓ = `oversampling`, default 2k), then the
 * candidates, weighted by how many rows (Σ w) each is nearest to, are reduced to k centres by
 * weighted greedy k-means++. Cost O(rounds·n·ℓ·d) instead of O(n·k·d·trials) with k sequential
 * passes. Returns row indices [k] (fewer candidates than k are topped up with random rows).
 */
export function kmeansParallel(x: Float32Array, n: number, d: number, k: number, rng: Rng,
  weights: Float32Array | Float64Array | null = null, rounds = 5, oversampling = 2 * k): Int32Array {
  const unpin = pinRows(x);
  try {
    return parallelSeeds(x, n, d, k, rng, weights, rounds, oversampling);
  } finally {
    unpin();
  }
}

function parallelSeeds(x: Float32Array, n: number, d: number, k: number, rng: Rng,
  weights: Float32Array | Float64Array | null, rounds: number, oversampling: number): Int32Array {
  const cands: number[] = [drawWeighted(rng, n, weights)];
  const inSet = new Uint8Array(n);
  inSet[cands[0]!] = 1;
  const closest = firstClosest(x, n, d, cands[0]!);
  const lab = new Int32Array(n), dist = new Float64Array(n);
  for (let r = 0; r < rounds; r++) {
    let phi = 0;
    for (let i = 0; i < n; i++) phi += (weights ? weights[i]! : 1) * closest[i]!;
    if (phi <= 0) break;
    const fresh: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = (oversampling * (weights ? weights[i]! : 1) * closest[i]!) / phi;
      if (!inSet[i] && rng.next() < p) { fresh.push(i); inSet[i] = 1; }
    }
    if (fresh.length === 0) continue;
    const c = new Float32Array(fresh.length * d);
    fresh.forEach((id, t) => c.set(x.subarray(id * d, id * d + d), t * d));
    assignNearest(x, n, d, c, fresh.length, lab, dist);
    for (let i = 0; i < n; i++) if (dist[i]! < closest[i]!) closest[i] = dist[i]!;
    cands.push(...fresh);
  }
  if (cands.length <= k) {
    const extra = randomRows(n, n, rng);
    for (let t = 0; cands.length < k && t < n; t++) if (!inSet[extra[t]!]) { inSet[extra[t]!] = 1; cands.push(extra[t]!); }
    return Int32Array.from(cands.slice(0, k));
  }
  const m = cands.length, c = new Float32Array(m * d);
  cands.forEach((id, t) => c.set(x.subarray(id * d, id * d + d), t * d));
  assignNearest(x, n, d, c, m, lab, dist);
  const cw = new Float64Array(m);
  for (let i = 0; i < n; i++) cw[lab[i]!]! += weights ? weights[i]! : 1;
  const pick = kmeansPlusPlus(c, m, d, k, rng, cw);
  return Int32Array.from(pick, (t) => cands[t]!);
}
