// One common suite over every registered estimator (scikit-learn's check_estimator idea):
// same result from number[][] and Float32Array input, predict(fit) = labels, JSON round trip
// keeps predictions, same seed = same bytes, unknown and out-of-range options refused, wrong
// dimension refused at predict time, NaN refused naming row and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESTIMATORS } from '../../src/index.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import { toArrays } from '../../src/core/matrix.js';
import { ClusterkitError } from '../../src/core/errors.js';
import type { OptionEntry } from '../../src/core/options.js';
import { bundled } from '../helpers/data.js';

const { x } = bundled('iris');
/** Clusters OPTICS (minSamples 15, ξ 0.05) extracts from iris. */
const OPTICS_IRIS_CLUSTERS = 2;
const isCode = (code: string, re?: RegExp) => (e: unknown): boolean =>
  e instanceof ClusterkitError && e.code === code && (!re || re.test(e.message));

/** A value outside the entry's domain, or undefined when none can be made. */
function badValue(e: OptionEntry): unknown {
  switch (e.type) {
    case 'int': return e.min !== undefined ? e.min - 1 : 1.5;
    case 'float': return e.min !== undefined ? e.min - 1 : Number.NaN;
    case 'bool': return 'yes';
    case 'enum': return '__nope__';
    case 'string': return 42;
    case 'custom': return Symbol('bad');
  }
}

for (const est of ESTIMATORS) {
  const base = est.testOptions;
  // HDBSCAN finds 2 clusters in iris (hdbscan library: 2); OPTICS (minSamples 15, ξ 0.05) finds OPTICS_IRIS_CLUSTERS
  const nClusters = est.name === 'hdbscan' ? 2 : est.name === 'optics' ? OPTICS_IRIS_CLUSTERS : 3;
  test(`${est.name}: fit on number[][] and on a Matrix gives the same bytes, and predict(fit) equals the labels`, () => {
    const a = est.fit(x, base), b = est.fit(toArrays(x), base);
    assert.deepEqual(a.labels, b.labels);
    if (!est.canPredict) {
      assert.throws(() => est.predict(a, x), isCode('BAD_OPTION', /has no predict/));
      assert.equal(new Set(a.labels).size - (a.labels.includes(-1) ? 1 : 0), nClusters);
      return;
    }
    const p = est.predict(a, x);
    if (est.predictIsExact) assert.deepEqual(p, a.labels);
    else assert.ok(p.filter((v, i) => v === a.labels[i]).length >= 0.9 * x.rows, 'approximate predict agrees on ≥ 90 % of rows');
    assert.equal(new Set(a.labels).size - (a.labels.includes(-1) ? 1 : 0), nClusters);
  });

  test(`${est.name}: the same seed gives the same result, and a JSON round trip keeps predictions`, () => {
    const a = est.fit(x, base), b = est.fit(x, base);
    // everything but wall-clock timings must be identical
    const noTimes = (r: unknown): string => JSON.stringify(JSON.parse(toJSON(r)), (k, v: unknown) => (/seconds$/i.test(k) ? undefined : v));
    assert.equal(noTimes(a), noTimes(b));
    const back = fromJSON(toJSON(a));
    if (est.canPredict) assert.deepEqual(est.predict(back, x), est.predict(a, x));
    else assert.deepEqual((back as { labels: Int32Array }).labels, a.labels);
  });

  test(`${est.name}: an unknown option is refused naming it`, () => {
    assert.throws(() => est.fit(x, { ...base, colour: 'red' }), isCode('UNKNOWN_OPTION', /unknown option 'colour'/));
  });

  for (const [name, entry] of Object.entries(est.spec)) {
    const bad = badValue(entry);
    if (bad === undefined || name === 'k') continue;
    test(`${est.name}: option '${name}' refuses ${String(bad)} with a BAD_OPTION naming it`, () => {
      assert.throws(() => est.fit(x, { ...base, [name]: bad }), (e: unknown) =>
        e instanceof ClusterkitError && (e.code === 'BAD_OPTION' || e.code === 'DIM_MISMATCH') && e.message.includes(`'${name}'`));
    });
  }

  test(`${est.name}: k > n, NaN data and a wrong dimension at predict time are refused`, () => {
    if ('k' in base) assert.throws(() => est.fit([[1, 2], [3, 4]], { ...base, k: 3 }), isCode('BAD_OPTION', /'k'/));
    assert.throws(() => est.fit([[1, 2], [3, NaN], [5, 6]], 'k' in base ? { ...base, k: 2 } : base), isCode('BAD_DATA', /row 1, column 1/));
    const m = est.fit(x, base);
    if (est.canPredict) assert.throws(() => est.predict(m, [[1, 2, 3]]), isCode('DIM_MISMATCH'));
  });
}
