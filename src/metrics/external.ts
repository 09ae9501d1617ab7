import { ClusterkitError, badOption } from '../core/errors.js';
import { pairConfusionFrom, sparseContingency, type SparseContingency } from './contingency.js';
import { linearSumAssignment } from './hungarian.js';
import { logFactorials } from './special.js';

/**
 * External clustering metrics: compare a predicted labelling with a reference ("truth").
 *
 * Every function takes two label vectors of equal length n ≥ 1 (arbitrary 32-bit integers;
 * −1 is an ordinary label, not noise) and follows scikit-learn 1.2.1, special cases included:
 * when both labellings are a single cluster, ARI, AMI, NMI, homogeneity, completeness,
 * V-measure, FMI and the Rand index are 1.0 and mutual information is 0.
 * Bad input throws ClusterkitError: DIM_MISMATCH (lengths differ), EMPTY_DATA (n = 0),
 * BAD_DATA (a label that is not a 32-bit integer), BAD_OPTION (an unknown `average`).
 * Costs are O(n log n) plus the table size, except AMI (expected MI: at most O(n^1.5) terms) and
 * accuracy (Hungarian: O(r²·c) for r × c clusters).
 */

/** How a normalised MI divides: by the mean, geometric mean, min or max of the two entropies. */
export type AverageMethod = 'arithmetic' | 'geometric' | 'min' | 'max';
const AVERAGES: readonly AverageMethod[] = ['arithmetic', 'geometric', 'min', 'max'];

const EPS = 2.220446049250313e-16; // float64 machine epsilon, numpy's finfo(float64).eps
/** Largest dense table the Hungarian accuracy builds (2^26 float64 cells = 512 MB). */
const MAX_ASSIGNMENT_CELLS = 1 << 26;

type Labels = ArrayLike<number>;

function checkAverage(where: string, average: unknown): AverageMethod {
  if (typeof average !== 'string' || !(AVERAGES as readonly string[]).includes(average)) {
    badOption(where, 'average', `one of ${AVERAGES.map((a) => `'${a}'`).join(', ')}`, average);
  }
  return average as AverageMethod;
}

function generalizedAverage(u: number, v: number, average: AverageMethod): number {
  switch (average) {
    case 'min': return Math.min(u, v);
    case 'max': return Math.max(u, v);
    case 'geometric': return Math.sqrt(u * v);
    case 'arithmetic': return (u + v) / 2;
  }
}

/** Entropy (nats) of a labelling from its class sizes (scikit-learn's `entropy`). */
function entropyOf(counts: Float64Array, n: number): number {
  if (counts.length <= 1) return 0;
  const logN = Math.log(n);
  let h = 0;
  for (let q = 0; q < counts.length; q++) {
    const p = counts[q]!;
    h += (p / n) * (Math.log(p) - logN);
  }
  return -h;
}

function bothSingleCluster(s: SparseContingency): boolean {
  return s.rowLabels.length === 1 && s.colLabels.length === 1;
}

// ---------------------------------------------------------------- from a contingency table

/** Mutual information (nats) from a sparse table, term by term as scikit-learn. */
export function mutualInfoFrom(s: SparseContingency): number {
  if (s.rowLabels.length === 1 || s.colLabels.length === 1) return 0;
  const n = s.n, logN = Math.log(n);
  // log(Σ a) + log(Σ b) with Σ a = Σ b = n
  const logSums = 2 * logN;
  let mi = 0;
  for (let q = 0; q < s.cellCount.length; q++) {
    const nij = s.cellCount[q]!;
    const pij = nij / n;
    const outer = s.rowSums[s.cellRow[q]!]! * s.colSums[s.cellCol[q]!]!;
    const term = pij * (Math.log(nij) - logN) + pij * (-Math.log(outer) + logSums);
    if (Math.abs(term) >= EPS) mi += term;
  }
  return mi > 0 ? mi : 0;
}

/** Distinct values of `sizes` (ascending) with their multiplicities. */
function groupSizes(sizes: Float64Array): { value: Float64Array; count: Float64Array } {
  const sorted = sizes.slice().sort();
  const value: number[] = [], count: number[] = [];
  for (let q = 0; q < sorted.length; q++) {
    if (q > 0 && sorted[q] === sorted[q - 1]) count[count.length - 1]!++;
    else { value.push(sorted[q]!); count.push(1); }
  }
  return { value: Float64Array.from(value), count: Float64Array.from(count) };
}

/**
 * Expected mutual information (nats) of two random labellings with the margins of `s`
 * (hypergeometric model of Vinh, Epps & Bailey 2010), with the terms of scikit-learn's
 * `expected_mutual_information` (log-factorials from `logGamma`). Two shortcuts that change
 * only rounding: clusters of equal size share one inner sum (weighted by their count), and the
 * tail terms whose probability underflows to exactly 0 are skipped. Cost about
 * (#distinct class sizes) × (#distinct cluster sizes) × 40·√(aᵢbⱼ/N) terms; at most O(n^1.5).
 */
export function expectedMutualInfoFrom(s: SparseContingency): number {
  const R = s.rowSums.length, C = s.colSums.length, N = s.n;
  if (R === 1 || C === 1) return 0;
  const A = groupSizes(s.rowSums), B = groupSizes(s.colSums);
  const maxAB = Math.max(A.value[A.value.length - 1]!, B.value[B.value.length - 1]!);
  const lf = logFactorials(N); // lf[k] = ln k! = gammaln(k + 1)
  const logN = Math.log(N);
  const logNnij = new Float64Array(maxAB + 1);
  for (let k = 1; k <= maxAB; k++) logNnij[k] = logN + Math.log(k);
  const glnN = lf[N]!;
  let emi = 0;
  for (let i = 0; i < A.value.length; i++) {
    const ai = A.value[i]!, logAi = Math.log(ai);
    const gi = lf[ai]! + lf[N - ai]!;
    for (let j = 0; j < B.value.length; j++) {
      const bj = B.value[j]!, logBj = Math.log(bj);
      const gij = gi + lf[bj]! + lf[N - bj]! - glnN;
      let lo = Math.max(1, ai + bj - N), hi = Math.min(ai, bj);
      if (lo > hi) continue;
      // ln P(nij) of the hypergeometric law; P is unimodal (log-concave) in nij, so the terms
      // where exp underflows to exactly 0 form the two tails: skip them (they add exactly 0).
      const gln = (x: number): number => gij - lf[x]! - lf[ai - x]! - lf[bj - x]! - lf[N - ai - bj + x]!;
      const mode = Math.min(hi, Math.max(lo, Math.floor(((ai + 1) * (bj + 1)) / (N + 2))));
      let t = mode;
      while (t > lo && Math.exp(gln(t - 1)) > 0) t--;
      lo = t;
      t = mode;
      while (t < hi && Math.exp(gln(t + 1)) > 0) t++;
      hi = t;
      let inner = 0;
      for (let nij = lo; nij <= hi; nij++) {
        const term2 = logNnij[nij]! - logAi - logBj;
        inner += (nij / N) * term2 * Math.exp(gln(nij));
      }
      emi += A.count[i]! * B.count[j]! * inner;
    }
  }
  return emi;
}

/** Adjusted Rand index from a sparse table. */
export function adjustedRandIndexFrom(s: SparseContingency): number {
  const [[tn, fp], [fn, tp]] = pairConfusionFrom(s);
  if (fn === 0 && fp === 0) return 1;
  return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

/** Rand index from a sparse table. */
export function randIndexFrom(s: SparseContingency): number {
  const [[c00, c01], [c10, c11]] = pairConfusionFrom(s);
  const num = c00 + c11, den = c00 + c01 + c10 + c11;
  if (num === den || den === 0) return 1;
  return num / den;
}

/** Normalised mutual information from a sparse table. */
export function normalizedMutualInfoFrom(s: SparseContingency, average: AverageMethod = 'arithmetic'): number {
  if (bothSingleCluster(s)) return 1;
  const mi = mutualInfoFrom(s);
  if (mi === 0) return 0;
  const hTrue = entropyOf(s.rowSums, s.n), hPred = entropyOf(s.colSums, s.n);
  return mi / generalizedAverage(hTrue, hPred, average);
}

/** Adjusted mutual information from a sparse table. */
export function adjustedMutualInfoFrom(s: SparseContingency, average: AverageMethod = 'arithmetic'): number {
  if (bothSingleCluster(s)) return 1;
  const mi = mutualInfoFrom(s);
  const emi = expectedMutualInfoFrom(s);
  const hTrue = entropyOf(s.rowSums, s.n), hPred = entropyOf(s.colSums, s.n);
  let den = generalizedAverage(hTrue, hPred, average) - emi;
  den = den < 0 ? Math.min(den, -EPS) : Math.max(den, EPS);
  return (mi - emi) / den;
}

/** Homogeneity, completeness and V-measure from a sparse table. */
export function homogeneityCompletenessFrom(s: SparseContingency, beta = 1):
  { homogeneity: number; completeness: number; vMeasure: number } {
  const hTrue = entropyOf(s.rowSums, s.n), hPred = entropyOf(s.colSums, s.n);
  const mi = mutualInfoFrom(s);
  const homogeneity = hTrue !== 0 ? mi / hTrue : 1;
  const completeness = hPred !== 0 ? mi / hPred : 1;
  const vMeasure = homogeneity + completeness === 0 ? 0
    : ((1 + beta) * homogeneity * completeness) / (beta * homogeneity + completeness);
  return { homogeneity, completeness, vMeasure };
}

/** Fowlkes–Mallows index from a sparse table. */
export function fowlkesMallowsFrom(s: SparseContingency): number {
  const n = s.n;
  let tk = 0, pk = 0, qk = 0;
  for (let q = 0; q < s.cellCount.length; q++) tk += s.cellCount[q]! * s.cellCount[q]!;
  for (let j = 0; j < s.colSums.length; j++) pk += s.colSums[j]! * s.colSums[j]!;
  for (let i = 0; i < s.rowSums.length; i++) qk += s.rowSums[i]! * s.rowSums[i]!;
  tk -= n; pk -= n; qk -= n;
  return tk !== 0 ? Math.sqrt(tk / pk) * Math.sqrt(tk / qk) : 0;
}

/** Purity from a sparse table: Σⱼ maxᵢ C[i][j] / n. */
export function purityFrom(s: SparseContingency): number {
  const best = new Float64Array(s.colLabels.length);
  for (let q = 0; q < s.cellCount.length; q++) {
    const j = s.cellCol[q]!;
    if (s.cellCount[q]! > best[j]!) best[j] = s.cellCount[q]!;
  }
  let sum = 0;
  for (let j = 0; j < best.length; j++) sum += best[j]!;
  return sum / s.n;
}

/** Result of `accuracy`. */
export interface AccuracyResult {
  /** Fraction of items on matched (truth, prediction) pairs, in [0, 1]. */
  readonly accuracy: number;
  /** The one-to-one matching as [truth label, predicted label] pairs, ascending by truth label; min(#classes, #clusters) pairs. */
  readonly matching: ReadonlyArray<readonly [number, number]>;
}

/** Hungarian-matched accuracy from a sparse table. */
export function accuracyFrom(s: SparseContingency, where = 'accuracy'): AccuracyResult {
  const r = s.rowLabels.length, c = s.colLabels.length;
  if (r * c > MAX_ASSIGNMENT_CELLS) {
    throw new ClusterkitError('BAD_DATA',
      `${where}: the classes × clusters table for the Hungarian matching must have at most 2^26 cells. Got ${r} × ${c}.`);
  }
  const dense = new Float64Array(r * c);
  for (let q = 0; q < s.cellCount.length; q++) dense[s.cellRow[q]! * c + s.cellCol[q]!] = s.cellCount[q]!;
  const asg = linearSumAssignment(dense, r, c, { maximize: true });
  const matching: Array<readonly [number, number]> = [];
  for (let t = 0; t < asg.rowInd.length; t++) matching.push([s.rowLabels[asg.rowInd[t]!]!, s.colLabels[asg.colInd[t]!]!]);
  return { accuracy: asg.total / s.n, matching };
}

/** Pair-counting precision, recall and F1 (see `pairPrecisionRecallF1`). */
export interface PairScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Pairwise precision, recall and F1 from a sparse table. */
export function pairScoresFrom(s: SparseContingency): PairScores {
  const [[, fp], [fn, tp]] = pairConfusionFrom(s);
  if (tp + fp === 0 && tp + fn === 0) return { precision: 1, recall: 1, f1: 1 };
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

// ---------------------------------------------------------------- public label-vector API

/**
 * Adjusted Rand index (Hubert & Arabie 1985), in [−0.5, 1]: 1 for identical partitions, about 0
 * for independent ones. Symmetric. scikit-learn's `adjusted_rand_score`.
 * @param truth [n] reference labels; @param pred [n] predicted labels.
 */
export function adjustedRandIndex(truth: Labels, pred: Labels): number {
  return adjustedRandIndexFrom(sparseContingency(truth, pred, 'adjustedRandIndex'));
}

/** Rand index, in [0, 1]: fraction of item pairs on which the two labellings agree. Symmetric. scikit-learn's `rand_score`. */
export function randIndex(truth: Labels, pred: Labels): number {
  return randIndexFrom(sparseContingency(truth, pred, 'randIndex'));
}

/** Mutual information in nats (natural log), ≥ 0. Symmetric. scikit-learn's `mutual_info_score`. */
export function mutualInfo(truth: Labels, pred: Labels): number {
  return mutualInfoFrom(sparseContingency(truth, pred, 'mutualInfo'));
}

/**
 * Adjusted mutual information (Vinh, Epps & Bailey 2010), ≤ 1, about 0 for independent
 * labellings: (MI − E[MI]) / (avg(H(truth), H(pred)) − E[MI]) with the exact expected MI under
 * the hypergeometric model. Symmetric. scikit-learn's `adjusted_mutual_info_score`.
 * @param average how the entropies are averaged. @defaultValue 'arithmetic'
 */
export function adjustedMutualInfo(truth: Labels, pred: Labels, average: AverageMethod = 'arithmetic'): number {
  const where = 'adjustedMutualInfo';
  const avg = checkAverage(where, average);
  return adjustedMutualInfoFrom(sparseContingency(truth, pred, where), avg);
}

/**
 * Normalised mutual information in [0, 1]: MI / avg(H(truth), H(pred)). Symmetric.
 * scikit-learn's `normalized_mutual_info_score`.
 * @param average how the entropies are averaged. @defaultValue 'arithmetic'
 */
export function normalizedMutualInfo(truth: Labels, pred: Labels, average: AverageMethod = 'arithmetic'): number {
  const where = 'normalizedMutualInfo';
  const avg = checkAverage(where, average);
  return normalizedMutualInfoFrom(sparseContingency(truth, pred, where), avg);
}

/** Homogeneity in [0, 1]: MI / H(truth); 1 when every cluster holds a single class. scikit-learn's `homogeneity_score`. */
export function homogeneity(truth: Labels, pred: Labels): number {
  return homogeneityCompletenessFrom(sparseContingency(truth, pred, 'homogeneity')).homogeneity;
}

/** Completeness in [0, 1]: MI / H(pred); 1 when every class lies in a single cluster. scikit-learn's `completeness_score`. */
export function completeness(truth: Labels, pred: Labels): number {
  return homogeneityCompletenessFrom(sparseContingency(truth, pred, 'completeness')).completeness;
}

/**
 * V-measure in [0, 1]: (1 + β)·h·c / (β·h + c) of homogeneity h and completeness c
 * (Rosenberg & Hirschberg 2007). scikit-learn's `v_measure_score`.
 * @param beta weight of completeness against homogeneity, > 0. @defaultValue 1
 */
export function vMeasure(truth: Labels, pred: Labels, beta = 1): number {
  const where = 'vMeasure';
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) badOption(where, 'beta', 'a finite number in (0, inf)', beta);
  return homogeneityCompletenessFrom(sparseContingency(truth, pred, where), beta).vMeasure;
}

/**
 * Fowlkes–Mallows index in [0, 1]: the geometric mean of pairwise precision and recall,
 * TP / √((TP + FP)(TP + FN)) over unordered item pairs. Symmetric. 0 when no pair is together
 * in both labellings (also for n = 1). scikit-learn's `fowlkes_mallows_score`.
 */
export function fowlkesMallows(truth: Labels, pred: Labels): number {
  return fowlkesMallowsFrom(sparseContingency(truth, pred, 'fowlkesMallows'));
}

/** Purity in (0, 1]: each predicted cluster votes for its majority class; Σⱼ maxᵢ C[i][j] / n. Not symmetric. */
export function purity(truth: Labels, pred: Labels): number {
  return purityFrom(sparseContingency(truth, pred, 'purity'));
}

/**
 * Clustering accuracy in (0, 1]: the best one-to-one matching of classes to clusters
 * (Hungarian algorithm on the contingency table, maximised), Σ matched C[i][j] / n. With
 * unequal numbers of classes and clusters, min of the two pairs are matched and items of
 * unmatched ones count as errors. Symmetric in value. Among tied optimal matchings the one
 * returned may differ from scipy's. Cost O(r²·c) for r × c (r ≤ c) classes × clusters; throws
 * BAD_DATA when r·c > 2^26 (the dense table would exceed 512 MB).
 */
export function accuracy(truth: Labels, pred: Labels): AccuracyResult {
  return accuracyFrom(sparseContingency(truth, pred, 'accuracy'), 'accuracy');
}

/**
 * Pair-counting precision, recall and F1 over unordered item pairs: a pair is positive when
 * its two items share a predicted cluster and correct when they share a true class.
 * precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean. A ratio with a
 * zero denominator is 0, except that all three are 1 when neither labelling puts any two items
 * together (both all singletons, or n = 1).
 */
export function pairPrecisionRecallF1(truth: Labels, pred: Labels): PairScores {
  return pairScoresFrom(sparseContingency(truth, pred, 'pairPrecisionRecallF1'));
}

/** Pairwise precision (see `pairPrecisionRecallF1`). */
export function pairPrecision(truth: Labels, pred: Labels): number {
  return pairScoresFrom(sparseContingency(truth, pred, 'pairPrecision')).precision;
}

/** Pairwise recall (see `pairPrecisionRecallF1`). */
export function pairRecall(truth: Labels, pred: Labels): number {
  return pairScoresFrom(sparseContingency(truth, pred, 'pairRecall')).recall;
}

/** Pairwise F1 (see `pairPrecisionRecallF1`). */
export function pairF1(truth: Labels, pred: Labels): number {
  return pairScoresFrom(sparseContingency(truth, pred, 'pairF1')).f1;
}

/** Every external score at once (one contingency table); AMI and NMI use the arithmetic mean. */
export interface ExternalScores {
  readonly ari: number;
  readonly ami: number;
  readonly nmi: number;
  readonly homogeneity: number;
  readonly completeness: number;
  readonly v_measure: number;
  readonly fmi: number;
  readonly purity: number;
  /** Hungarian-matched accuracy (the matching itself: `accuracy()`). */
  readonly accuracy: number;
  /** Pairwise F1, precision and recall. */
  readonly f1: number;
  readonly precision: number;
  readonly recall: number;
  /** Rand index. */
  readonly rand: number;
  /** Mutual information, nats. */
  readonly mi: number;
}

/**
 * All external scores of `pred` against `truth` from one contingency table: the values of
 * the single-metric functions (AMI and NMI with `average = 'arithmetic'`, V-measure with β = 1).
 * Throws as the single functions (BAD_DATA from `accuracy` beyond 2^26 classes × clusters).
 */
export function externalScores(truth: Labels, pred: Labels): ExternalScores {
  const s = sparseContingency(truth, pred, 'externalScores');
  const hc = homogeneityCompletenessFrom(s);
  const pr = pairScoresFrom(s);
  return {
    ari: adjustedRandIndexFrom(s),
    ami: adjustedMutualInfoFrom(s),
    nmi: normalizedMutualInfoFrom(s),
    homogeneity: hc.homogeneity,
    completeness: hc.completeness,
    v_measure: hc.vMeasure,
    fmi: fowlkesMallowsFrom(s),
    purity: purityFrom(s),
    accuracy: accuracyFrom(s, 'externalScores').accuracy,
    f1: pr.f1,
    precision: pr.precision,
    recall: pr.recall,
    rand: randIndexFrom(s),
    mi: mutualInfoFrom(s),
  };
}
