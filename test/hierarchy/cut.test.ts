// fcluster / cophenetic / cophenetCorrelation / maxdists on hand-checked trees. Expected labels are
// SciPy 1.17.1's fcluster output minus 1 (same code as 1.10 for these criteria), e.g.
// fcluster(linkage([[0],[1],[3],[6],[10]], 'single'), 3, 'maxclust') = [1 1 1 2 3].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkage, fcluster, cophenetic, cophenetCorrelation, maxdists, checkLinkage } from '../../src/hierarchy/index.js';
import { ClusterkitError } from '../../src/core/errors.js';

const isCode = (code: string, re?: RegExp) => (e: unknown): boolean =>
  e instanceof ClusterkitError && e.code === code && (!re || re.test(e.message));

// single linkage of 0, 1, 3, 6, 10 on a line: Z = [[0,1,1,2],[2,5,2,3],[3,6,3,4],[4,7,4,5]]
const line = linkage([[0], [1], [3], [6], [10]], { method: 'single' });

test('linkage of 0, 1, 3, 6, 10 on a line gives the chain SciPy gives', () => {
  assert.deepEqual(Array.from(line.z), [0, 1, 1, 2, 2, 5, 2, 3, 3, 6, 3, 4, 4, 7, 4, 5]);
});

test('fcluster(z, {k}) gives SciPy\'s maxclust labels − 1 for every k', () => {
  const expect: Record<number, number[]> = {
    1: [0, 0, 0, 0, 0], 2: [0, 0, 0, 0, 1], 3: [0, 0, 0, 1, 2], 4: [0, 0, 1, 2, 3], 5: [0, 1, 2, 3, 4],
  };
  for (let k = 1; k <= 5; k++) assert.deepEqual(Array.from(fcluster(line, { k })), expect[k], `k = ${k}`);
  // the bare matrix and rows of 4 numbers are accepted too
  assert.deepEqual(Array.from(fcluster(line.z, { k: 3 })), expect[3]);
  assert.deepEqual(Array.from(fcluster([[0, 1, 1, 2], [2, 5, 2, 3], [3, 6, 3, 4], [4, 7, 4, 5]], { k: 3 })), expect[3]);
});

test('fcluster(z, {distance}) merges subtrees whose largest height is ≤ t, as SciPy', () => {
  const expect: [number, number[]][] = [
    [0, [0, 1, 2, 3, 4]], [0.5, [0, 1, 2, 3, 4]], [1, [0, 0, 1, 2, 3]], [2, [0, 0, 0, 1, 2]],
    [2.5, [0, 0, 0, 1, 2]], [3, [0, 0, 0, 0, 1]], [4, [0, 0, 0, 0, 0]],
  ];
  for (const [t, labels] of expect) assert.deepEqual(Array.from(fcluster(line, { distance: t })), labels, `t = ${t}`);
});

test('fcluster on a tree with an inversion uses subtree maxima (maxdists), as SciPy', () => {
  // centroid: Z = [[0, 1, 2, 2], [2, 3, 1.8, 3]]; SciPy maxclust 1, 2, 3 → [1 1 1], [1 1 1], [1 2 3]
  const z = linkage([[0, 0], [2, 0], [1, 1.8]], { method: 'centroid', precision: 'float64' });
  assert.deepEqual(Array.from(maxdists(z)), [2, 2]);
  assert.deepEqual(Array.from(fcluster(z, { k: 1 })), [0, 0, 0]);
  assert.deepEqual(Array.from(fcluster(z, { k: 2 })), [0, 0, 0]);
  assert.deepEqual(Array.from(fcluster(z, { k: 3 })), [0, 1, 2]);
  assert.deepEqual(Array.from(fcluster(z, { distance: 1.9 })), [0, 1, 2]);
});

test('fcluster refuses k out of [1, n], both or neither criterion, unknown options and bad t', () => {
  assert.throws(() => fcluster(line, { k: 0 }), isCode('BAD_OPTION', /option 'k' must be an integer in \[1, n = 5\]\. Got 0\./));
  assert.throws(() => fcluster(line, { k: 6 }), isCode('BAD_OPTION', /Got 6/));
  assert.throws(() => fcluster(line, { k: 2.5 }), isCode('BAD_OPTION', /Got 2\.5/));
  assert.throws(() => fcluster(line, { k: 2, distance: 1 } as never), isCode('BAD_OPTION', /exactly one of options 'k' and 'distance'.*Got both/));
  assert.throws(() => fcluster(line, {} as never), isCode('BAD_OPTION', /Got neither/));
  assert.throws(() => fcluster(line, { distance: -1 }), isCode('BAD_OPTION', /option 'distance'.*Got -1/));
  assert.throws(() => fcluster(line, { k: 2, criterion: 'x' } as never), isCode('UNKNOWN_OPTION', /'criterion'/));
});

test('cophenetic(z) gives the merge height of every pair, condensed', () => {
  // SciPy cophenet(Z) = [1 2 3 4 2 3 4 3 4 4]
  assert.deepEqual(Array.from(cophenetic(line)), [1, 2, 3, 4, 2, 3, 4, 3, 4, 4]);
});

test('cophenetCorrelation(z, y) is 1 for an ultrametric, Pearson\'s r otherwise, and checks lengths', () => {
  const c = cophenetic(line);
  assert.equal(cophenetCorrelation(line, c), 1);
  const y = [1, 3, 6, 10, 2, 5, 9, 3, 7, 4]; // |xi − xj| of 0, 1, 3, 6, 10
  // r computed by hand: Pearson(y, c)
  const m = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
  const cy = Array.from(c), my = m(y), mc = m(cy);
  const num = y.reduce((s, v, i) => s + (v - my) * (cy[i]! - mc), 0);
  const den = Math.sqrt(y.reduce((s, v) => s + (v - my) ** 2, 0) * cy.reduce((s, v) => s + (v - mc) ** 2, 0));
  assert.ok(Math.abs(cophenetCorrelation(line, y) - num / den) < 1e-15);
  assert.throws(() => cophenetCorrelation(line, [1, 2, 3]), isCode('DIM_MISMATCH', /'y' must have n\(n−1\)\/2 = 10 distances.*Got 3/));
});

test('checkLinkage refuses malformed matrices, naming the row', () => {
  assert.throws(() => checkLinkage(new Float64Array(6), 'fcluster'), isCode('BAD_DATA', /\(n−1\) × 4 values.*Got 6/));
  assert.throws(() => fcluster(Float64Array.of(0, 1, 1, 2, 0, 2, 2, 3), { k: 1 }), isCode('BAD_DATA', /row 1 must merge clusters not merged before\. Got 0 a second time/));
  assert.throws(() => fcluster(Float64Array.of(0, 1, 1, 3), { k: 1 }), isCode('BAD_DATA', /row 0 size must be 2.*Got 3/));
  assert.throws(() => fcluster(Float64Array.of(0, 5, 1, 2), { k: 1 }), isCode('BAD_DATA', /row 0 ids must be integers in \[0, 1\].*Got 5/));
  assert.throws(() => fcluster(Float64Array.of(0, 1, -1, 2), { k: 1 }), isCode('BAD_DATA', /height must be finite and ≥ 0\. Got -1/));
  assert.throws(() => cophenetic([[0, 1, 1]]), isCode('BAD_DATA', /row 0 must have 4 values/));
});
