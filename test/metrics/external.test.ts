// External metrics. Known answers: test/fixtures/metrics.json is an unchanged copy of
// shared/reference/metrics.json, made with scikit-learn 1.2.1 / scipy 1.10.1 (its "how" field
// names the calls). Pairwise precision/recall/F1 are not in the fixture; they are derived in the
// tests from its pair_confusion_matrix (C01 = FP, C10 = FN, C11 = TP, ordered pairs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracy, adjustedMutualInfo, adjustedRandIndex, completeness, contingencyTable, externalScores, fowlkesMallows,
  homogeneity, mutualInfo, normalizedMutualInfo, pairConfusionMatrix, pairF1, pairPrecision, pairPrecisionRecallF1,
  pairRecall, purity, randIndex, vMeasure, type AverageMethod,
} from '../../src/metrics/index.js';
import { lcgLabels, readFixture } from './_data.js';
import { throwsCode } from '../helpers/errors.js';

interface Case {
  name: string; n: number; labels_true: number[]; labels_pred: number[];
  adjusted_rand_score: number; rand_score: number;
  adjusted_mutual_info_score: { arithmetic: number; max: number };
  normalized_mutual_info_score: Record<'arithmetic' | 'geometric' | 'min' | 'max', number>;
  mutual_info_score: number; homogeneity_score: number; completeness_score: number; v_measure_score: number;
  fowlkes_mallows_score: number;
  contingency_matrix: { row_labels_true: number[]; col_labels_pred: number[]; counts: number[][] };
  pair_confusion_matrix: number[][];
  accuracy_hungarian: { value: number; matched_pairs_true_pred: number[][] };
  purity: number;
}
const M = readFixture<{ how: string; cases: Case[] }>('metrics.json');
const ABS = 1e-12;
const AMI_ABS = 1e-10;

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} (tol ${tol})`);
}

/** Pairwise scores derived from the fixture's ordered-pair confusion matrix. */
function pairExpected(c: Case): { precision: number; recall: number; f1: number } {
  const [[, fp], [fn, tp]] = c.pair_confusion_matrix as [[number, number], [number, number]];
  if (tp + fp === 0 && tp + fn === 0) return { precision: 1, recall: 1, f1: 1 };
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0, recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

test('the metrics fixture has 9 cases with provenance', () => {
  assert.equal(M.cases.length, 9);
  assert.match(M.how, /scikit-learn 1\.2\.1/);
});

for (const c of M.cases) {
  const t = Int32Array.from(c.labels_true), p = Int32Array.from(c.labels_pred);

  test(`contingencyTable(${c.name}) equals sklearn's contingency_matrix with sorted labels`, () => {
    const ct = contingencyTable(t, p);
    assert.deepEqual(Array.from(ct.rowLabels), c.contingency_matrix.row_labels_true);
    assert.deepEqual(Array.from(ct.colLabels), c.contingency_matrix.col_labels_pred);
    assert.deepEqual(Array.from(ct.counts), c.contingency_matrix.counts.flat());
    assert.equal(ct.n, c.n);
  });

  test(`pairConfusionMatrix(${c.name}) equals sklearn's ordered-pair counts`, () => {
    assert.deepEqual(pairConfusionMatrix(t, p), c.pair_confusion_matrix);
  });

  test(`adjustedRandIndex and randIndex(${c.name}) equal sklearn within 1e-12`, () => {
    close(adjustedRandIndex(t, p), c.adjusted_rand_score, ABS, 'ARI');
    close(randIndex(t, p), c.rand_score, ABS, 'Rand');
  });

  test(`adjustedMutualInfo(${c.name}) equals sklearn within 1e-10 for 'arithmetic' and 'max'`, () => {
    close(adjustedMutualInfo(t, p), c.adjusted_mutual_info_score.arithmetic, AMI_ABS, 'AMI default');
    close(adjustedMutualInfo(t, p, 'arithmetic'), c.adjusted_mutual_info_score.arithmetic, AMI_ABS, 'AMI arithmetic');
    close(adjustedMutualInfo(t, p, 'max'), c.adjusted_mutual_info_score.max, AMI_ABS, 'AMI max');
  });

  test(`normalizedMutualInfo(${c.name}) equals sklearn within 1e-12 for every average`, () => {
    for (const avg of ['arithmetic', 'geometric', 'min', 'max'] as const) {
      close(normalizedMutualInfo(t, p, avg), c.normalized_mutual_info_score[avg], ABS, `NMI ${avg}`);
    }
    close(normalizedMutualInfo(t, p), c.normalized_mutual_info_score.arithmetic, ABS, 'NMI default');
  });

  test(`mutualInfo, homogeneity, completeness, vMeasure(${c.name}) equal sklearn within 1e-12`, () => {
    close(mutualInfo(t, p), c.mutual_info_score, ABS, 'MI');
    close(homogeneity(t, p), c.homogeneity_score, ABS, 'homogeneity');
    close(completeness(t, p), c.completeness_score, ABS, 'completeness');
    close(vMeasure(t, p), c.v_measure_score, ABS, 'V');
  });

  test(`fowlkesMallows and purity(${c.name}) equal the fixture within 1e-12`, () => {
    close(fowlkesMallows(t, p), c.fowlkes_mallows_score, ABS, 'FMI');
    close(purity(t, p), c.purity, ABS, 'purity');
  });

  test(`accuracy(${c.name}) equals scipy's Hungarian optimum and the stored matching's total`, () => {
    const r = accuracy(t, p);
    close(r.accuracy, c.accuracy_hungarian.value, ABS, 'accuracy');
    // The stored pairs' total (scipy's optimum) equals ours; tied optima may pick other pairs.
    const cm = c.contingency_matrix;
    const cell = (lt: number, lp: number): number =>
      cm.counts[cm.row_labels_true.indexOf(lt)]![cm.col_labels_pred.indexOf(lp)]!;
    const stored = c.accuracy_hungarian.matched_pairs_true_pred.reduce((s, [a, b]) => s + cell(a!, b!), 0);
    const ours = r.matching.reduce((s, [a, b]) => s + cell(a, b), 0);
    assert.equal(ours, stored);
    close(stored / c.n, c.accuracy_hungarian.value, ABS, 'stored total');
    // A valid matching: min(#classes, #clusters) pairs, each label at most once.
    const k = Math.min(cm.row_labels_true.length, cm.col_labels_pred.length);
    assert.equal(r.matching.length, k);
    assert.equal(new Set(r.matching.map((m) => m[0])).size, k);
    assert.equal(new Set(r.matching.map((m) => m[1])).size, k);
  });

  test(`pairPrecisionRecallF1(${c.name}) equals TP/(TP+FP), TP/(TP+FN) and their harmonic mean`, () => {
    const e = pairExpected(c);
    const r = pairPrecisionRecallF1(t, p);
    close(r.precision, e.precision, ABS, 'precision');
    close(r.recall, e.recall, ABS, 'recall');
    close(r.f1, e.f1, ABS, 'F1');
    assert.equal(pairPrecision(t, p), r.precision);
    assert.equal(pairRecall(t, p), r.recall);
    assert.equal(pairF1(t, p), r.f1);
    // FMI is the geometric mean of pairwise precision and recall (when some pair is together in both).
    if (c.pair_confusion_matrix[1]![1]! > 0) close(Math.sqrt(r.precision * r.recall), c.fowlkes_mallows_score, ABS, 'FMI²');
  });

  test(`externalScores(${c.name}) returns every score, equal to the single functions`, () => {
    const s = externalScores(t, p);
    assert.deepEqual(Object.keys(s).sort(), ['accuracy', 'ami', 'completeness', 'f1', 'fmi', 'homogeneity', 'mi', 'nmi',
      'precision', 'purity', 'rand', 'recall', 'v_measure', 'ari'].sort());
    close(s.ari, c.adjusted_rand_score, ABS, 'ari');
    close(s.ami, c.adjusted_mutual_info_score.arithmetic, AMI_ABS, 'ami');
    close(s.nmi, c.normalized_mutual_info_score.arithmetic, ABS, 'nmi');
    close(s.homogeneity, c.homogeneity_score, ABS, 'homogeneity');
    close(s.completeness, c.completeness_score, ABS, 'completeness');
    close(s.v_measure, c.v_measure_score, ABS, 'v_measure');
    close(s.fmi, c.fowlkes_mallows_score, ABS, 'fmi');
    close(s.purity, c.purity, ABS, 'purity');
    close(s.accuracy, c.accuracy_hungarian.value, ABS, 'accuracy');
    close(s.rand, c.rand_score, ABS, 'rand');
    close(s.mi, c.mutual_info_score, ABS, 'mi');
    const e = pairExpected(c);
    close(s.precision, e.precision, ABS, 'precision');
    close(s.recall, e.recall, ABS, 'recall');
    close(s.f1, e.f1, ABS, 'f1');
  });

  test(`every metric of ${c.name} accepts plain number arrays like Int32Array`, () => {
    assert.deepEqual(externalScores(c.labels_true, c.labels_pred), externalScores(t, p));
  });
}

test('adjustedRandIndex and friends give 1.0 when both sides are one cluster and MI 0 (sklearn special case)', () => {
  const one = [7, 7, 7, 7];
  const s = externalScores(one, [3, 3, 3, 3]);
  for (const key of ['ari', 'ami', 'nmi', 'homogeneity', 'completeness', 'v_measure', 'fmi', 'purity', 'accuracy',
    'rand', 'precision', 'recall', 'f1'] as const) assert.equal(s[key], 1, key);
  assert.equal(s.mi, 0);
  for (const avg of ['arithmetic', 'geometric', 'min', 'max'] as const) {
    assert.equal(adjustedMutualInfo(one, one, avg), 1);
    assert.equal(normalizedMutualInfo(one, one, avg), 1);
  }
});

test('externalScores of a single item follows sklearn: everything 1 but FMI 0 and MI 0', () => {
  const s = externalScores([5], [9]);
  assert.equal(s.ari, 1); assert.equal(s.rand, 1); assert.equal(s.ami, 1); assert.equal(s.nmi, 1);
  assert.equal(s.fmi, 0); // sklearn: tk = 0 → 0
  assert.equal(s.mi, 0);
  assert.equal(s.accuracy, 1); assert.equal(s.purity, 1);
  assert.deepEqual([s.precision, s.recall, s.f1], [1, 1, 1]);
});

test('pairPrecisionRecallF1 on a hand example counts unordered pairs', () => {
  // truth {0,1,2}{3,4}; pred {0,1}{2,3,4}: pred pairs 1 + 3 = 4, truth pairs 3 + 1 = 4, together in both: (0,1), (3,4).
  const r = pairPrecisionRecallF1([0, 0, 0, 1, 1], [0, 0, 1, 1, 1]);
  assert.equal(r.precision, 0.5);
  assert.equal(r.recall, 0.5);
  assert.equal(r.f1, 0.5);
  // All singletons in pred against a grouped truth: no predicted pairs → precision 0, recall 0.
  assert.deepEqual(pairPrecisionRecallF1([0, 0, 1], [0, 1, 2]), { precision: 0, recall: 0, f1: 0 });
});

// ---------------------------------------------------------------- properties

const SYMMETRIC = ['ari', 'ami', 'nmi', 'v_measure', 'fmi', 'rand', 'mi', 'accuracy', 'f1'] as const;

test('externalScores is symmetric in truth and pred for ARI, AMI, NMI, V, FMI, Rand, MI, accuracy and F1', () => {
  for (const [n, ka, kb, seed] of [[60, 3, 4, 1], [300, 5, 7, 2], [1000, 10, 3, 3]] as const) {
    const a = lcgLabels(n, ka, seed), b = lcgLabels(n, kb, seed + 100);
    const ab = externalScores(a, b), ba = externalScores(b, a);
    for (const key of SYMMETRIC) close(ab[key], ba[key], 1e-12, `${key} n=${n}`);
    // Swapping sides swaps homogeneity with completeness and precision with recall.
    close(ab.homogeneity, ba.completeness, 1e-12, 'h ↔ c');
    close(ab.precision, ba.recall, 1e-12, 'P ↔ R');
  }
});

test('externalScores is invariant to renaming the labels on either side', () => {
  const n = 500, a = lcgLabels(n, 5, 11), b = lcgLabels(n, 7, 12);
  const base = externalScores(a, b);
  // Relabel with a non-monotone map that includes -1 and large values, which also reorders the table.
  const mapA = [42, -1, 7, 1000000, -5], mapB = [3, 2, 1, 0, -1, 99, -100];
  const a2 = a.map((v) => mapA[v]!), b2 = b.map((v) => mapB[v]!);
  const moved = externalScores(a2, b2);
  for (const key of Object.keys(base) as Array<keyof typeof base>) close(moved[key], base[key], 1e-12, key);
});

test('externalScores stays within each metric\'s bounds on random labellings', () => {
  for (let seed = 0; seed < 20; seed++) {
    const n = 20 + seed * 13, a = lcgLabels(n, 2 + (seed % 6), seed), b = lcgLabels(n, 1 + (seed % 9), seed + 50);
    const s = externalScores(a, b);
    assert.ok(s.ari >= -0.5 && s.ari <= 1, `ari ${s.ari}`);
    assert.ok(s.ami <= 1 + 1e-12, `ami ${s.ami}`);
    for (const key of ['nmi', 'homogeneity', 'completeness', 'v_measure', 'fmi', 'rand', 'precision', 'recall', 'f1'] as const) {
      assert.ok(s[key] >= 0 && s[key] <= 1 + 1e-12, `${key} ${s[key]}`);
    }
    assert.ok(s.purity > 0 && s.purity <= 1);
    assert.ok(s.accuracy > 0 && s.accuracy <= s.purity + 1e-12, 'accuracy ≤ purity (a matching is one vote per cluster)');
    assert.ok(s.mi >= 0 && s.mi <= Math.log(n));
  }
});

test('externalScores gives every score 1 (MI = entropy) for a perfect match up to renaming', () => {
  const a = lcgLabels(400, 6, 9), b = a.map((v) => 10 - 3 * v);
  const s = externalScores(a, b);
  for (const key of ['ari', 'ami', 'nmi', 'homogeneity', 'completeness', 'v_measure', 'fmi', 'purity', 'accuracy',
    'rand', 'precision', 'recall', 'f1'] as const) close(s[key], 1, 1e-12, key);
});

test('vMeasure weights completeness with beta as sklearn: (1+β)hc/(βh+c)', () => {
  const c = M.cases[0]!;
  const h = c.homogeneity_score, k = c.completeness_score;
  close(vMeasure(c.labels_true, c.labels_pred, 2), (3 * h * k) / (2 * h + k), 1e-12, 'β = 2');
  close(vMeasure(c.labels_true, c.labels_pred, 0.5), (1.5 * h * k) / (0.5 * h + k), 1e-12, 'β = 0.5');
});

// ---------------------------------------------------------------- bad input


test('adjustedRandIndex refuses labellings of different lengths with DIM_MISMATCH', () => {
  throwsCode(() => adjustedRandIndex([0, 1, 1], [0, 1]), 'DIM_MISMATCH',
    /^adjustedRandIndex: truth and pred must have equal lengths\. Got 3 and 2\.$/);
  throwsCode(() => externalScores(new Int32Array(4), new Int32Array(5)), 'DIM_MISMATCH', /^externalScores: .*Got 4 and 5\.$/);
});

test('normalizedMutualInfo refuses empty labellings with EMPTY_DATA', () => {
  throwsCode(() => normalizedMutualInfo([], []), 'EMPTY_DATA',
    /^normalizedMutualInfo: labels must hold at least 1 item\. Got 0 items\.$/);
});

test('mutualInfo refuses non-integer labels with BAD_DATA naming the item', () => {
  throwsCode(() => mutualInfo([0, 1, 1], [0, 1.5, 2]), 'BAD_DATA',
    /^mutualInfo: pred\[1\] must be an integer label in \[-2\^31, 2\^31 - 1\]\. Got 1\.5\.$/);
  throwsCode(() => accuracy([0, NaN], [0, 1]), 'BAD_DATA', /^accuracy: truth\[1\] must be .*Got NaN\.$/);
  throwsCode(() => purity([0, 2 ** 40], [0, 1]), 'BAD_DATA', /truth\[1\] .*Got 1099511627776\./);
  throwsCode(() => contingencyTable(['a', 'b'] as unknown as number[], [0, 1]), 'BAD_DATA', /truth\[0\] .*Got a\./);
});

test('adjustedMutualInfo and normalizedMutualInfo refuse an unknown average with BAD_OPTION', () => {
  throwsCode(() => adjustedMutualInfo([0, 1], [0, 1], 'mean' as AverageMethod), 'BAD_OPTION',
    /^adjustedMutualInfo: option 'average' must be one of 'arithmetic', 'geometric', 'min', 'max'\. Got "mean"\.$/);
  throwsCode(() => normalizedMutualInfo([0, 1], [0, 1], 'median' as AverageMethod), 'BAD_OPTION', /Got "median"\./);
  throwsCode(() => vMeasure([0, 1], [0, 1], 0), 'BAD_OPTION', /^vMeasure: option 'beta' must be .*Got 0\.$/);
});

test('accuracy refuses a classes × clusters table above 2^26 cells with BAD_DATA', () => {
  const n = 10000, a = new Int32Array(n), b = new Int32Array(n);
  for (let i = 0; i < n; i++) { a[i] = i; b[i] = -i; }
  throwsCode(() => accuracy(a, b), 'BAD_DATA',
    /^accuracy: the classes × clusters table for the Hungarian matching must have at most 2\^26 cells\. Got 10000 × 10000\.$/);
  throwsCode(() => externalScores(a, b), 'BAD_DATA', /^externalScores: the classes × clusters table/);
  assert.equal(adjustedRandIndex(a, b), 1); // the other metrics need no dense table
});
