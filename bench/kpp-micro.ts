// Micro-benchmark of k-means++ seeding (not part of npm test): node dist/bench/kpp-micro.js [n]
import { kmeansPlusPlus } from '../src/centroid/init.js';
import { createRng } from '../src/core/rng.js';
const n = Number(process.argv[2] ?? 200000), d = 64, k = 100;
const rng = createRng(0);
const x = new Float32Array(n * d); for (let i = 0; i < x.length; i++) x[i] = rng.normal();
const t0 = performance.now();
kmeansPlusPlus(x, n, d, k, createRng(1));
console.log(`k-means++ ${n}x${d} k=${k}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
