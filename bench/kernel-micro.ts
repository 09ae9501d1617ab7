// Quick micro-benchmark of the fused assignment kernel (not part of npm test).
import { assignNearest } from '../src/kernels/index.js';
import { createRng } from '../src/core/rng.js';
const n = Number(process.argv[2] ?? 200000), d = 64, k = 100;
const rng = createRng(0);
const x = new Float32Array(n * d); for (let i = 0; i < x.length; i++) x[i] = rng.normal();
const c = x.slice(0, k * d);
const labels = new Int32Array(n), dist = new Float32Array(n);
for (let rep = 0; rep < 5; rep++) {
  const t0 = performance.now();
  assignNearest(x, n, d, c, k, labels, dist);
  const t = (performance.now() - t0) / 1000;
  console.log(`assign ${n}x${d} k=${k}: ${t.toFixed(3)} s, ${(2 * n * d * k / t / 1e9).toFixed(2)} GFLOP/s`);
}
