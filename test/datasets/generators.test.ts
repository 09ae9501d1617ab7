import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeAnisotropic, makeBlobs, makeCircles, makeMoons, uniformNoise, type GeneratedData } from '../../src/datasets/generators.js';
import { throwsCode } from '../preprocessing/_data.js';

function counts(labels: Int32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const l of labels) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

function sameBytes(a: GeneratedData, b: GeneratedData): boolean {
  return Buffer.from(a.x.data.buffer, a.x.data.byteOffset, a.x.data.byteLength)
    .equals(Buffer.from(b.x.data.buffer, b.x.data.byteOffset, b.x.data.byteLength)) &&
    Buffer.from(a.labels.buffer).equals(Buffer.from(b.labels.buffer));
}

/** Per-cluster mean and (population) standard deviation of each coordinate. */
function clusterStats(g: GeneratedData, c: number): { mean: number[]; std: number[] } {
  const d = g.x.cols, mean = new Array<number>(d).fill(0), sq = new Array<number>(d).fill(0);
  let n = 0;
  for (let i = 0; i < g.x.rows; i++) {
    if (g.labels[i] !== c) continue;
    n++;
    for (let t = 0; t < d; t++) mean[t]! += g.x.data[i * d + t]!;
  }
  for (let t = 0; t < d; t++) mean[t]! /= n;
  for (let i = 0; i < g.x.rows; i++) {
    if (g.labels[i] !== c) continue;
    for (let t = 0; t < d; t++) sq[t]! += (g.x.data[i * d + t]! - mean[t]!) ** 2;
  }
  return { mean, std: sq.map((s) => Math.sqrt(s / n)) };
}

describe('generators', () => {
  it('makeBlobs({n: 100, centers: 3}) splits 34/33/33 points over 3 clusters in 2-D with centers in [-10, 10]', () => {
    const g = makeBlobs({ n: 100, centers: 3 });
    assert.equal(g.x.rows, 100);
    assert.equal(g.x.cols, 2);
    assert.equal(g.x.data.length, 200);
    assert.deepEqual([...counts(g.labels).entries()].sort((a, b) => a[0] - b[0]), [[0, 34], [1, 33], [2, 33]]);
    assert.equal(g.centers.length, 6);
    for (const c of g.centers) assert.ok(c >= -10 && c <= 10);
  });

  it('makeBlobs({sizes, centers, clusterStd}) places each cluster at its center with its standard deviation', () => {
    const centers = Float32Array.from([0, 0, 0, 50, 50, 50, -40, 10, 0]);
    const g = makeBlobs({ sizes: [4000, 3000, 2000], centers, d: 3, clusterStd: [0.5, 2, 1], seed: 3 });
    assert.equal(g.x.rows, 9000);
    assert.equal(g.x.cols, 3);
    assert.deepEqual([...counts(g.labels).entries()].sort((a, b) => a[0] - b[0]), [[0, 4000], [1, 3000], [2, 2000]]);
    const stds = [0.5, 2, 1];
    for (let c = 0; c < 3; c++) {
      const s = clusterStats(g, c);
      for (let t = 0; t < 3; t++) {
        // 5 standard errors of the mean and of the standard deviation.
        const n = [4000, 3000, 2000][c]!;
        assert.ok(Math.abs(s.mean[t]! - centers[c * 3 + t]!) < 5 * stds[c]! / Math.sqrt(n), `cluster ${c} mean ${t}`);
        assert.ok(Math.abs(s.std[t]! - stds[c]!) < 5 * stds[c]! / Math.sqrt(2 * n), `cluster ${c} std ${t}: ${s.std[t]}`);
      }
    }
  });

  it('makeBlobs({centers: Matrix}) takes d from the matrix and clusterStd 0 puts every point on its center', () => {
    const centers = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), rows: 2, cols: 3 };
    const g = makeBlobs({ n: 10, centers, clusterStd: 0, shuffle: false });
    assert.equal(g.x.cols, 3);
    for (let i = 0; i < 10; i++) {
      const c = g.labels[i]!;
      assert.equal(c, i < 5 ? 0 : 1);
      assert.deepEqual(Array.from(g.x.data.subarray(i * 3, i * 3 + 3)), Array.from(centers.data.subarray(c * 3, c * 3 + 3)));
    }
  });

  it('makeBlobs with the same seed gives identical bytes, and different seeds differ', () => {
    const a = makeBlobs({ n: 500, centers: 4, d: 5, seed: 42 });
    const b = makeBlobs({ n: 500, centers: 4, d: 5, seed: 42 });
    const c = makeBlobs({ n: 500, centers: 4, d: 5, seed: 43 });
    assert.ok(sameBytes(a, b));
    assert.deepEqual(a.centers, b.centers);
    assert.ok(!sameBytes(a, c));
    assert.notDeepEqual(a.centers, c.centers);
  });

  it('makeBlobs({shuffle: true}) is a row permutation of the shuffle: false output', () => {
    const s = makeBlobs({ n: 300, centers: 3, seed: 9 }), u = makeBlobs({ n: 300, centers: 3, seed: 9, shuffle: false });
    const key = (g: GeneratedData): string[] => Array.from({ length: g.x.rows }, (_, i) => `${g.labels[i]}:${g.x.data[2 * i]},${g.x.data[2 * i + 1]}`).sort();
    assert.deepEqual(key(s), key(u));
    assert.ok(!sameBytes(s, u));
    for (let i = 1; i < 300; i++) assert.ok(u.labels[i]! >= u.labels[i - 1]!, 'unshuffled labels are sorted');
  });

  it('makeMoons({n: 101}) puts 50 points on the outer moon and 51 on the inner, inside [-1, 2] × [-0.5, 1]', () => {
    const g = makeMoons({ n: 101 });
    assert.equal(g.x.rows, 101);
    assert.equal(g.x.cols, 2);
    assert.deepEqual([...counts(g.labels).entries()].sort((a, b) => a[0] - b[0]), [[0, 50], [1, 51]]);
    for (let i = 0; i < 101; i++) {
      const [a, b] = [g.x.data[2 * i]!, g.x.data[2 * i + 1]!];
      assert.ok(a >= -1 - 1e-6 && a <= 2 + 1e-6 && b >= -0.5 - 1e-6 && b <= 1 + 1e-6, `point ${i}: (${a}, ${b})`);
      // Outer moon: unit circle around (0, 0), upper half; inner: around (1, 0.5), lower half.
      const r = g.labels[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
      assert.ok(Math.abs(r - 1) < 1e-6);
      assert.ok(g.labels[i] === 0 ? b >= -1e-7 : b <= 0.5 + 1e-7);
    }
    const u = makeMoons({ n: 4, shuffle: false });
    assert.deepEqual(Array.from(u.x.data), [1, 0, -1, Math.fround(Math.sin(Math.PI)), 0, 0.5, 2, Math.fround(0.5 - Math.sin(Math.PI))]);
  });

  it('makeMoons({noise: 0.1}) scatters points around the moons, seeded', () => {
    const g = makeMoons({ n: 2000, noise: 0.1, seed: 1 });
    let dev = 0;
    for (let i = 0; i < 2000; i++) {
      const [a, b] = [g.x.data[2 * i]!, g.x.data[2 * i + 1]!];
      const r = g.labels[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
      dev += (r - 1) ** 2;
    }
    const rms = Math.sqrt(dev / 2000);
    assert.ok(rms > 0.07 && rms < 0.13, `radial rms ${rms}`);
    assert.ok(sameBytes(g, makeMoons({ n: 2000, noise: 0.1, seed: 1 })));
    assert.ok(!sameBytes(g, makeMoons({ n: 2000, noise: 0.1, seed: 2 })));
  });

  it('makeCircles({n: 200, factor: 0.5}) puts 100 points on radius 1 and 100 on radius 0.5', () => {
    const g = makeCircles({ n: 200, factor: 0.5, seed: 4 });
    assert.deepEqual([...counts(g.labels).entries()].sort((a, b) => a[0] - b[0]), [[0, 100], [1, 100]]);
    for (let i = 0; i < 200; i++) {
      const r = Math.hypot(g.x.data[2 * i]!, g.x.data[2 * i + 1]!);
      assert.ok(Math.abs(r - (g.labels[i] === 0 ? 1 : 0.5)) < 1e-6);
    }
    const noisy = makeCircles({ n: 200, noise: 0.05, seed: 4 });
    assert.ok(sameBytes(noisy, makeCircles({ n: 200, noise: 0.05, seed: 4 })));
    assert.ok(!sameBytes(noisy, makeCircles({ n: 200, noise: 0.05, seed: 5 })));
  });

  it('uniformNoise({n, d, low, high}) labels every point -1 and stays in [low, high)', () => {
    const g = uniformNoise({ n: 1000, d: 3, low: -2, high: 5, seed: 7 });
    assert.equal(g.x.rows, 1000);
    assert.equal(g.x.cols, 3);
    assert.ok(g.labels.every((l) => l === -1));
    let mean = 0;
    for (const v of g.x.data) { assert.ok(v >= -2 && v <= 5); mean += v; }
    mean /= 3000;
    assert.ok(Math.abs(mean - 1.5) < 0.2, `mean ${mean}`); // sd of the mean ≈ 2.02 / √3000 ≈ 0.037
    assert.ok(sameBytes(g, uniformNoise({ n: 1000, d: 3, low: -2, high: 5, seed: 7 })));
    assert.ok(!sameBytes(g, uniformNoise({ n: 1000, d: 3, low: -2, high: 5, seed: 8 })));
  });

  it('makeAnisotropic({transform}) equals makeBlobs with the same seed multiplied by the map', () => {
    const T = [0.60834549, -0.63667341, -0.40887718, 0.85253229]; // scikit-learn's example map
    const g = makeAnisotropic({ n: 300, k: 3, seed: 170, transform: T });
    const b = makeBlobs({ n: 300, centers: 3, seed: 170 });
    assert.deepEqual(g.labels, b.labels);
    for (let i = 0; i < 300; i++) {
      const [u, v] = [b.x.data[2 * i]!, b.x.data[2 * i + 1]!];
      assert.ok(Math.abs(g.x.data[2 * i]! - (u * T[0]! + v * T[2]!)) < 1e-5);
      assert.ok(Math.abs(g.x.data[2 * i + 1]! - (u * T[1]! + v * T[3]!)) < 1e-5);
    }
    assert.deepEqual(Array.from(g.transform), T.map(Math.fround));
  });

  it('makeAnisotropic() draws a seeded random map, giving elongated clusters', () => {
    const g = makeAnisotropic({ n: 3000, k: 3, d: 2, seed: 11 });
    assert.ok(sameBytes(g, makeAnisotropic({ n: 3000, k: 3, d: 2, seed: 11 })));
    assert.ok(!sameBytes(g, makeAnisotropic({ n: 3000, k: 3, d: 2, seed: 12 })));
    // Covariance of cluster 0 is Tᵀ·T (std 1 before the map): compare with the stored map.
    const T = g.transform, c0 = clusterStats(g, 0);
    const want = [Math.hypot(T[0]!, T[2]!), Math.hypot(T[1]!, T[3]!)];
    want.forEach((w, t) => assert.ok(Math.abs(c0.std[t]! - w) < 0.1 * w, `std ${t}: ${c0.std[t]} vs ${w}`));
  });

  it('generators refuse bad options with BAD_OPTION or UNKNOWN_OPTION naming the parameter', () => {
    throwsCode(() => makeBlobs({ n: 0 }), 'BAD_OPTION', "makeBlobs: option 'n' must be an integer in [1, inf]. Got 0.");
    throwsCode(() => makeBlobs({ n: 10, sizes: [5, 5] }), 'BAD_OPTION', "'n' and 'sizes'");
    throwsCode(() => makeBlobs({ sizes: [5, 5], centers: 3 }), 'BAD_OPTION', "'sizes'", 'length k = 3');
    throwsCode(() => makeBlobs({ centers: 2, clusterStd: [1, 2, 3] }), 'BAD_OPTION', "'clusterStd'", 'length k = 2');
    throwsCode(() => makeBlobs({ clusterStd: -1 }), 'BAD_OPTION', "'clusterStd'", 'non-negative');
    throwsCode(() => makeBlobs({ centers: Float32Array.from([1, 2, 3]), d: 2 }), 'BAD_OPTION', "'centers'", 'd = 2');
    throwsCode(() => makeBlobs({ centerBox: [3, 1] }), 'BAD_OPTION', "'centerBox'");
    throwsCode(() => makeBlobs({ seed: -1 }), 'BAD_OPTION', "'seed'");
    throwsCode(() => makeBlobs({ nSamples: 10 } as never), 'UNKNOWN_OPTION', "makeBlobs: unknown option 'nSamples'");
    throwsCode(() => makeMoons({ noise: -0.1 }), 'BAD_OPTION', "makeMoons: option 'noise'");
    throwsCode(() => makeCircles({ factor: 1 }), 'BAD_OPTION', "makeCircles: option 'factor' must be a number in [0, 1). Got 1.");
    throwsCode(() => uniformNoise({ low: 1, high: 1 }), 'BAD_OPTION', "uniformNoise: option 'high' must be greater than low = 1. Got 1.");
    throwsCode(() => makeAnisotropic({ d: 3, transform: [1, 0, 0, 1] }), 'BAD_OPTION', "'transform'", '3 × 3');
  });
});
