// Internal metrics. Known answers: test/fixtures/internal_metrics.json is a copy of
// shared/reference/internal_metrics.json (scikit-learn 1.2.1; its "how" field), plus one added
// section, "float32_input_reference" (its own "how" and "script": numpy float64 on the
// float32-rounded inputs).
//
// Tolerances. clusterkit's Matrix is float32, so iris (one-decimal values) and the stored float64
// standardised wine matrix are rounded to float32 on input (relative change up to 6e-8 per value).
// That rounding alone moves sklearn's values by up to 6.8e-7 absolute per silhouette sample and
// 3.8e-8 relative for the scores, CH and DB (measured against the float32 reference), so 1e-12
// against sklearn is impossible with float32 data. We therefore check (1) against sklearn with the
// tightest tolerances that hold — samples 1e-6 absolute, scores / CH / DB 1e-7 relative — and
// (2) against the float64 computation on the same float32-rounded inputs at 1e-12 relative, which
// shows that all of the gap is input rounding and none is arithmetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  calinskiHarabasz, daviesBouldin, inertia, silhouetteSamples, silhouetteScore, type SilhouetteMetric,
} from '../../src/metrics/index.js';
import type { Matrix } from '../../src/core/matrix.js';
import { createRng } from '../../src/core/rng.js';
import { matrixOf, readCsv, readFixture } from './_data.js';
import { throwsCode } from '../helpers/errors.js';

type SetName = 'iris' | 'wine_standardised';
type LabelSet = 'true_labels' | 'kmeans_labels';
interface Scores {
  silhouette_score_euclidean: number; silhouette_score_cosine: number;
  silhouette_samples_euclidean: number[]; silhouette_samples_cosine: number[];
  calinski_harabasz_score: number; davies_bouldin_score: number;
}
interface Fixture {
  how: string;
  iris: Record<LabelSet, Scores & { labels: number[] }>;
  wine_standardised: Record<LabelSet, Scores & { labels: number[] }> & { X_standardised: number[][] };
  float32_input_reference: { how: string; script: string } & Record<SetName, Record<LabelSet, Scores & { inertia: number }>>;
}
const F = readFixture<Fixture>('internal_metrics.json');
const DATA: Record<SetName, Matrix> = {
  iris: readCsv('iris.features.csv'),
  wine_standardised: matrixOf(F.wine_standardised.X_standardised),
};
const SETS: SetName[] = ['iris', 'wine_standardised'];
const LABELS: LabelSet[] = ['true_labels', 'kmeans_labels'];
const METRICS: SilhouetteMetric[] = ['euclidean', 'cosine'];

const SK_SAMPLE_ABS = 1e-6;
const SK_REL = 1e-7;
const F32_REL = 1e-12;

function rel(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${what}: got ${actual}, expected ${expected} (rel tol ${tol})`);
}
function abs(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} (abs tol ${tol})`);
}

test('the internal metrics fixture keeps both provenance notes', () => {
  assert.match(F.how, /scikit-learn 1\.2\.1/);
  assert.match(F.float32_input_reference.how, /float32-rounded/);
  assert.equal(DATA.iris.rows, 150);
  assert.equal(DATA.wine_standardised.rows, 178);
});

for (const set of SETS) {
  for (const ls of LABELS) {
    const ref = F[set][ls], f32 = F.float32_input_reference[set][ls], X = DATA[set], labels = ref.labels;
    for (const metric of METRICS) {
      test(`silhouetteSamples(${set}, ${ls}, ${metric}) equals sklearn within 1e-6 and the float32-input reference within 1e-12`, () => {
        const s = silhouetteSamples(X, labels, { metric });
        assert.equal(s.length, X.rows);
        const sk = ref[`silhouette_samples_${metric}`], ex = f32[`silhouette_samples_${metric}`];
        for (let i = 0; i < s.length; i++) {
          abs(s[i]!, sk[i]!, SK_SAMPLE_ABS, `sklearn row ${i}`);
          rel(s[i]!, ex[i]!, F32_REL, `float32 reference row ${i}`);
        }
      });
      test(`silhouetteScore(${set}, ${ls}, ${metric}) equals sklearn within 1e-7 relative and the float32-input reference within 1e-12`, () => {
        const v = silhouetteScore(X, labels, { metric });
        rel(v, ref[`silhouette_score_${metric}`], SK_REL, 'sklearn');
        rel(v, f32[`silhouette_score_${metric}`], F32_REL, 'float32 reference');
      });
    }
    test(`calinskiHarabasz and daviesBouldin(${set}, ${ls}) equal sklearn within 1e-7 and the float32-input reference within 1e-12`, () => {
      const ch = calinskiHarabasz(X, labels), db = daviesBouldin(X, labels);
      rel(ch, ref.calinski_harabasz_score, SK_REL, 'CH sklearn');
      rel(db, ref.davies_bouldin_score, SK_REL, 'DB sklearn');
      rel(ch, f32.calinski_harabasz_score, F32_REL, 'CH float32 reference');
      rel(db, f32.davies_bouldin_score, F32_REL, 'DB float32 reference');
    });
    test(`inertia(${set}, ${ls}) equals the float32-input reference within 1e-12`, () => {
      rel(inertia(X, labels), f32.inertia, F32_REL, 'inertia');
    });
  }
}

// ---------------------------------------------------------------- hand-computed answers

test('silhouetteSamples on 1-D points [0, 1, 10, 11] in two pairs gives (b - a) / max(a, b)', () => {
  const X = matrixOf([[0], [1], [10], [11]]);
  const s = silhouetteSamples(X, [0, 0, 1, 1]);
  const expected = [(10.5 - 1) / 10.5, (9.5 - 1) / 9.5, (9.5 - 1) / 9.5, (10.5 - 1) / 10.5];
  // 1e-13: the kernel's distances use the norm expansion, exact only to rounding.
  for (let i = 0; i < 4; i++) abs(s[i]!, expected[i]!, 1e-13, `row ${i}`);
  abs(silhouetteScore(X, [0, 0, 1, 1]), expected.reduce((a, b) => a + b) / 4, 1e-13, 'score');
});

test('silhouetteSamples gives 0 to the member of a singleton cluster (sklearn convention)', () => {
  const X = matrixOf([[0], [1], [10], [11], [30]]);
  const s = silhouetteSamples(X, [0, 0, 1, 1, 2]);
  assert.equal(s[4], 0);
  // Row 0: a = 1, b = min(mean(10, 11), 30) = 10.5.
  abs(s[0]!, 9.5 / 10.5, 1e-13, 'row 0');
});

test('silhouetteSamples with metric cosine uses 1 - cos and ignores vector length', () => {
  // Directions 0°, 0° (scaled), 90°, 90°: within-pair distance 0, across 1 → every sample 1.
  const X = matrixOf([[1, 0], [5, 0], [0, 2], [0, 0.5]]);
  assert.deepEqual(Array.from(silhouetteSamples(X, [0, 0, 1, 1], { metric: 'cosine' })), [1, 1, 1, 1]);
  // Euclidean on the same points is not 1 (lengths differ).
  assert.ok(silhouetteSamples(X, [0, 0, 1, 1])[1]! < 1);
});

test('calinskiHarabasz and daviesBouldin on two 1-D pairs match the formulas by hand', () => {
  const X = matrixOf([[0], [2], [10], [12]]), l = [0, 0, 1, 1];
  // Means 1 and 11, overall 6: B = 2·25 + 2·25 = 100, W = 4·1 = 4, CH = (100 / 1) / (4 / 2) = 50.
  abs(calinskiHarabasz(X, l), 50, 1e-12, 'CH');
  // s = 1 for both clusters, centroid distance 10: DB = (1 + 1) / 10 = 0.2.
  abs(daviesBouldin(X, l), 0.2, 1e-15, 'DB');
  // W = 4 is the inertia.
  assert.equal(inertia(X, l), 4);
});

test('calinskiHarabasz is 1 and daviesBouldin 0 when every cluster is a single repeated point', () => {
  const X = matrixOf([[1, 1], [1, 1], [4, 5], [4, 5]]);
  assert.equal(calinskiHarabasz(X, [0, 0, 1, 1]), 1);
  assert.equal(daviesBouldin(X, [0, 0, 1, 1]), 0);
});

test('inertia with weights equals duplicating rows, and weight 0 removes a row', () => {
  const X = matrixOf([[0, 0], [1, 0], [4, 4], [6, 4], [5, 7]]), l = [0, 0, 1, 1, 1];
  const dup = matrixOf([[0, 0], [1, 0], [1, 0], [1, 0], [4, 4], [6, 4], [5, 7], [5, 7]]);
  abs(inertia(X, l, [1, 3, 1, 1, 2]), inertia(dup, [0, 0, 0, 0, 1, 1, 1, 1]), 1e-12, 'w = copies');
  const drop = matrixOf([[0, 0], [1, 0], [4, 4], [6, 4]]);
  abs(inertia(X, l, Float64Array.from([1, 1, 1, 1, 0])), inertia(drop, [0, 0, 1, 1]), 1e-12, 'w = 0');
  // k = 1: total sum of squares about the mean.
  const one = inertia(matrixOf([[1], [2], [3], [6]]), [4, 4, 4, 4]);
  assert.equal(one, 14); // mean 3: 4 + 1 + 0 + 9
});

// ---------------------------------------------------------------- properties

test('silhouetteScore, calinskiHarabasz and daviesBouldin are invariant to renaming labels, -1 included', () => {
  const X = DATA.iris, l = F.iris.kmeans_labels.labels;
  const renamed = l.map((v) => [-1, 40, 7][v]!); // -1 is an ordinary cluster here
  const a = silhouetteSamples(X, l), b = silhouetteSamples(X, renamed);
  for (let i = 0; i < a.length; i++) abs(b[i]!, a[i]!, 1e-15, `row ${i}`);
  rel(calinskiHarabasz(X, renamed), calinskiHarabasz(X, l), 1e-13, 'CH');
  rel(daviesBouldin(X, renamed), daviesBouldin(X, l), 1e-13, 'DB');
  rel(inertia(X, renamed), inertia(X, l), 1e-13, 'inertia');
  rel(silhouetteScore(X, renamed, { metric: 'cosine' }), silhouetteScore(X, l, { metric: 'cosine' }), 1e-13, 'cosine');
});

test('silhouetteSamples does not depend on the row order (rows and labels permuted together)', () => {
  const X = DATA.wine_standardised, l = F.wine_standardised.true_labels.labels, n = X.rows, d = X.cols;
  const rng = createRng(5), perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [perm[i], perm[j]] = [perm[j]!, perm[i]!]; }
  const Xp = new Float32Array(n * d);
  perm.forEach((src, i) => Xp.set(X.data.subarray(src * d, src * d + d), i * d));
  const sp = silhouetteSamples({ data: Xp, rows: n, cols: d }, perm.map((src) => l[src]!));
  const s = silhouetteSamples(X, l);
  perm.forEach((src, i) => abs(sp[i]!, s[src]!, 1e-12, `row ${src}`));
});

test('silhouetteSamples stays in [-1, 1], daviesBouldin and calinskiHarabasz are >= 0 on random labellings', () => {
  const X = DATA.iris, rng = createRng(11);
  for (let trial = 0; trial < 5; trial++) {
    const k = 2 + trial;
    const l = Array.from({ length: X.rows }, (_, i) => (i < k ? i : rng.int(k)));
    for (const metric of METRICS) for (const v of silhouetteSamples(X, l, { metric })) assert.ok(v >= -1 && v <= 1);
    assert.ok(daviesBouldin(X, l) >= 0);
    assert.ok(calinskiHarabasz(X, l) >= 0);
  }
});

test('silhouetteScore with sampleSize and seed repeats exactly, varies with the seed and stays near the exact score on iris', () => {
  const X = DATA.iris, l = F.iris.true_labels.labels;
  const exact = silhouetteScore(X, l);
  const a = silhouetteScore(X, l, { sampleSize: 100, seed: 3 });
  assert.equal(silhouetteScore(X, l, { sampleSize: 100, seed: 3 }), a);
  assert.notEqual(silhouetteScore(X, l, { sampleSize: 100, seed: 4 }), a);
  assert.notEqual(a, exact);
  for (let seed = 0; seed < 8; seed++) {
    const v = silhouetteScore(X, l, { sampleSize: 100, seed });
    assert.ok(Math.abs(v - exact) < 0.05, `seed ${seed}: ${v} vs exact ${exact}`);
  }
  // Default seed is 0; a sample of all n rows is the exact score.
  assert.equal(silhouetteScore(X, l, { sampleSize: 100 }), silhouetteScore(X, l, { sampleSize: 100, seed: 0 }));
  assert.equal(silhouetteScore(X, l, { sampleSize: 150, seed: 9 }), exact);
  assert.equal(silhouetteScore(X, l, { sampleSize: null }), exact);
});

test('silhouetteSamples works on blocks: 300 random rows equal a direct double loop', () => {
  const n = 300, d = 3, rng = createRng(2);
  const data = new Float32Array(n * d).map(() => rng.normal());
  data.fill(0, 0, d); // a zero row: cosine distance 1 to everything else
  const X = { data, rows: n, cols: d }, l = Array.from({ length: n }, (_, i) => i % 4);
  for (const metric of METRICS) {
    const dist = (i: number, j: number): number => {
      let s = 0, ni = 0, nj = 0;
      for (let t = 0; t < d; t++) {
        const a = data[i * d + t]!, b = data[j * d + t]!;
        s += metric === 'euclidean' ? (a - b) ** 2 : a * b; ni += a * a; nj += b * b;
      }
      if (metric === 'euclidean') return Math.sqrt(s);
      return ni > 0 && nj > 0 ? 1 - s / Math.sqrt(ni * nj) : 1;
    };
    const s = silhouetteSamples(X, l, { metric });
    for (let i = 0; i < n; i += 7) {
      const sum = [0, 0, 0, 0], cnt = [0, 0, 0, 0];
      for (let j = 0; j < n; j++) { cnt[l[j]!]!++; if (j !== i) sum[l[j]!]! += dist(i, j); }
      const a = sum[l[i]!]! / (cnt[l[i]!]! - 1);
      const b = Math.min(...[0, 1, 2, 3].filter((c) => c !== l[i]).map((c) => sum[c]! / cnt[c]!));
      abs(s[i]!, (b - a) / Math.max(a, b), 1e-12, `${metric} row ${i}`);
    }
  }
});

test('silhouetteScore, daviesBouldin, calinskiHarabasz and inertia accept number[][] like a Matrix and leave X unchanged', () => {
  const rows = [[0, 1], [1, 1], [5, 5], [6, 5], [9, 0]], l = [0, 0, 1, 1, 1];
  const X = matrixOf(rows), copy = X.data.slice();
  assert.equal(silhouetteScore(rows, l), silhouetteScore(X, l));
  assert.equal(daviesBouldin(rows, l), daviesBouldin(X, l));
  assert.equal(calinskiHarabasz(rows, l), calinskiHarabasz(X, l));
  assert.equal(inertia(rows, l), inertia(X, l));
  assert.deepEqual(X.data, copy);
});

// ---------------------------------------------------------------- bad input


test('silhouetteScore refuses labels of the wrong length, non-integer labels and NaN data', () => {
  const X = matrixOf([[0], [1], [2], [3]]);
  throwsCode(() => silhouetteScore(X, [0, 0, 1]), 'DIM_MISMATCH',
    /^silhouetteScore: labels must have one entry per row of X \(4\)\. Got 3\.$/);
  throwsCode(() => daviesBouldin(X, [0, 0, 1, 1.5]), 'BAD_DATA',
    /^daviesBouldin: labels\[3\] must be an integer label in \[-2\^31, 2\^31 - 1\]\. Got 1\.5\.$/);
  throwsCode(() => calinskiHarabasz(matrixOf([[0], [NaN], [2]]), [0, 1, 1]), 'BAD_DATA',
    /^calinskiHarabasz: data must be finite\. Got NaN at row 1, column 0\.$/);
  throwsCode(() => inertia({ data: new Float32Array(0), rows: 0, cols: 2 }, []), 'EMPTY_DATA',
    /^inertia: data must have at least 1 row\. Got 0 rows\.$/);
});

test('silhouetteSamples, daviesBouldin and calinskiHarabasz need 2 to n - 1 clusters', () => {
  const X = matrixOf([[0], [1], [2], [3]]);
  throwsCode(() => silhouetteSamples(X, [5, 5, 5, 5]), 'BAD_DATA',
    /^silhouetteSamples: the number of clusters must be in \[2, n - 1 = 3\]\. Got 1\.$/);
  throwsCode(() => daviesBouldin(X, [0, 1, 2, 3]), 'BAD_DATA', /^daviesBouldin: .*\[2, n - 1 = 3\]\. Got 4\.$/);
  throwsCode(() => calinskiHarabasz(X, [0, 0, 0, 0]), 'BAD_DATA', /Got 1\.$/);
  // A sample that holds a single cluster is refused too.
  const big = matrixOf(Array.from({ length: 20 }, (_, i) => [i]));
  const l = Array.from({ length: 20 }, (_, i) => (i === 0 ? 1 : 0));
  throwsCode(() => silhouetteScore(big, l, { sampleSize: 2, seed: 1 }), 'BAD_DATA', /^silhouetteScore: the number of clusters in the sample of 2 rows must be in \[2, n - 1 = 1\]\. Got (1|2)\.$/);
});

test('silhouetteScore refuses a bad metric, an unknown option and a sampleSize outside [2, n]', () => {
  const X = matrixOf([[0], [1], [2], [3]]), l = [0, 0, 1, 1];
  throwsCode(() => silhouetteScore(X, l, { metric: 'manhattan' as SilhouetteMetric }), 'BAD_OPTION',
    /^silhouetteScore: option 'metric' must be one of 'euclidean', 'cosine'\. Got "manhattan"\.$/);
  throwsCode(() => silhouetteSamples(X, l, { sampleSize: 3 } as never), 'UNKNOWN_OPTION',
    /^silhouetteSamples: unknown option 'sampleSize'\. Known options: metric\.$/);
  throwsCode(() => silhouetteScore(X, l, { sampleSize: 5 }), 'BAD_OPTION',
    /^silhouetteScore: option 'sampleSize' must be an integer in \[2, n = 4\]\. Got 5\.$/);
  throwsCode(() => silhouetteScore(X, l, { sampleSize: 1 }), 'BAD_OPTION', /option 'sampleSize' must be an integer in \[2, inf\]\. Got 1\./);
  throwsCode(() => silhouetteScore(X, l, { seed: -1 }), 'BAD_OPTION', /option 'seed' must be an integer/);
});

test('inertia refuses weights of the wrong length or negative weights', () => {
  const X = matrixOf([[0], [1], [2]]), l = [0, 0, 1];
  throwsCode(() => inertia(X, l, [1, 1]), 'DIM_MISMATCH', /^inertia: weights must have one entry per row of X \(3\)\. Got 2\.$/);
  throwsCode(() => inertia(X, l, [1, -2, 1]), 'BAD_DATA', /^inertia: weights\[1\] must be a finite number ≥ 0\. Got -2\.$/);
});
