import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as dbscan from '../../src/density/dbscan.js';
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';

/**
 * Plain O(n²) DBSCAN with scikit-learn 1.2's definitions (see src/density/dbscan.ts): core =
 * |{j : Σ(xᵢ − xⱼ)² ≤ eps²}| ≥ minSamples (i included), clusters numbered by their lowest core row,
 * a border row takes the lowest cluster id among its core neighbours.
 */
function reference(x: Matrix, eps: number, minSamples: number): { labels: number[]; core: number[] } {
  const n = x.rows, d = x.cols, rr = eps * eps;
  const near = (i: number, j: number): boolean => {
    let s = 0;
    for (let t = 0; t < d; t++) { const u = x.data[i * d + t]! - x.data[j * d + t]!; s += u * u; }
    return s <= rr;
  };
  const isCore = Array.from({ length: n }, (_, i) => {
    let c = 0;
    for (let j = 0; j < n; j++) if (near(i, j)) c++;
    return c >= minSamples;
  });
  const labels = new Array<number>(n).fill(-1);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!isCore[i] || labels[i]! >= 0) continue;
    const stack = [i];
    labels[i] = k;
    while (stack.length > 0) {
      const a = stack.pop()!;
      for (let b = 0; b < n; b++) if (isCore[b] && labels[b] === -1 && near(a, b)) { labels[b] = k; stack.push(b); }
    }
    k++;
  }
  for (let i = 0; i < n; i++) {
    if (isCore[i]) continue;
    let best = -1;
    for (let j = 0; j < n; j++) if (isCore[j] && near(i, j) && (best < 0 || labels[j]! < best)) best = labels[j]!;
    labels[i] = best;
  }
  return { labels, core: isCore.flatMap((c, i) => (c ? [i] : [])) };
}

/** Rows on a lattice of step 0.5 (exact in float32), some repeated: many pairs exactly eps apart. */
function lattice(n: number, side: number, seed: number): Matrix {
  const rng = createRng(seed), data = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = 0.5 * Math.floor(rng.next() * side);
    data[2 * i + 1] = 0.5 * Math.floor(rng.next() * side);
  }
  return { data, rows: n, cols: 2 };
}

/** Gaussian blobs with uniform noise, plus optional far rows. */
function blobs(n: number, seed: number, far: number[] = []): Matrix {
  const rng = createRng(seed), data = new Float32Array(2 * (n + far.length));
  for (let i = 0; i < n; i++) {
    const c = i % 4, noise = i % 10 === 0;
    for (let t = 0; t < 2; t++) {
      const g = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      data[2 * i + t] = noise ? (rng.next() - 0.5) * 16 : 3 * (c >> t & 1) + 0.6 * g;
    }
  }
  far.forEach((v, t) => { data[2 * (n + t)] = v; data[2 * (n + t) + 1] = -v; });
  return { data, rows: n + far.length, cols: 2 };
}

describe('dbscan.fit in 2-D (grid path) vs a plain O(n²) DBSCAN', () => {
  it('dbscan.fit(lattice, {eps, minSamples}) equals the plain definition with many distances exactly eps', () => {
    const x = lattice(900, 24, 5);
    for (const eps of [0.5, 1, Math.SQRT1_2, 1.5]) {
      for (const minSamples of [1, 3, 6, 10]) {
        const r = dbscan.fit(x, { eps, minSamples }), ref = reference(x, eps, minSamples);
        assert.deepEqual(Array.from(r.coreSampleIndices), ref.core, `eps ${eps} minSamples ${minSamples}`);
        assert.deepEqual(Array.from(r.labels), ref.labels, `eps ${eps} minSamples ${minSamples}`);
      }
    }
  });

  it('dbscan.fit(blobs, {eps, minSamples}) equals the plain definition, also when far rows make the grid too large', () => {
    for (const far of [[], [1e7]]) {
      const x = blobs(1200, 9, far);
      for (const [eps, minSamples] of [[0.2, 5], [0.35, 10], [0.8, 30], [5, 4]] as const) {
        const r = dbscan.fit(x, { eps, minSamples }), ref = reference(x, eps, minSamples);
        assert.deepEqual(Array.from(r.labels), ref.labels, `far ${far.length} eps ${eps} minSamples ${minSamples}`);
        assert.deepEqual(Array.from(r.coreSampleIndices), ref.core);
        assert.ok(r.nClusters >= 1);
      }
    }
  });
});
