// Micro-benchmark of the fused assignment kernel, TypeScript vs WebAssembly SIMD (not part of npm test).
//   node dist/bench/kernel-micro.js [n=200000] [d=64] [k=100] [reps=5]
// Each repetition times assignNearestTs, then the wasm path without and with `second`; prints
// seconds, GFLOP/s (2·n·k·d per call) and the ratio, then medians, the label agreement and the load.
import { loadavg } from 'node:os';
import { assignNearestTs } from '../src/kernels/dense.js';
import { assignNearestWasm, wasmKernelsAvailable } from '../src/kernels/wasm.js';
import { createRng } from '../src/core/rng.js';

const [n, d, k, reps] = [200000, 64, 100, 5].map((v, i) => Number(process.argv[2 + i] ?? v)) as [number, number, number, number];
const rng = createRng(0);
const x = new Float32Array(n * d); for (let i = 0; i < x.length; i++) x[i] = rng.normal();
const c = x.slice(0, k * d);
const lt = new Int32Array(n), dt = new Float64Array(n), lw = new Int32Array(n), dw = new Float64Array(n), sw = new Float64Array(n);
const flop = 2 * n * k * d;
const gf = (t: number): string => (flop / t / 1e9).toFixed(2);
const median = (a: number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1]!;
if (!wasmKernelsAvailable()) console.log('WebAssembly SIMD not available: wasm rows run the TypeScript kernel');
console.log(`assign ${n}×${d}, k=${k}; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
const T: number[] = [], W: number[] = [], W2: number[] = [];
const time = (f: () => void): number => { const t0 = performance.now(); f(); return (performance.now() - t0) / 1000; };
for (let rep = 0; rep < reps; rep++) {
  const tt = time(() => assignNearestTs(x, n, d, c, k, lt, dt));
  const tw = time(() => { if (!assignNearestWasm(x, n, d, c, k, lw, dw)) assignNearestTs(x, n, d, c, k, lw, dw); });
  const tw2 = time(() => { if (!assignNearestWasm(x, n, d, c, k, lw, dw, sw)) assignNearestTs(x, n, d, c, k, lw, dw, sw); });
  T.push(tt); W.push(tw); W2.push(tw2);
  console.log(`  ts ${tt.toFixed(3)} s (${gf(tt)} GFLOP/s)   wasm ${tw.toFixed(3)} s (${gf(tw)} GFLOP/s, ${(tt / tw).toFixed(1)}×)` +
    `   wasm+second ${tw2.toFixed(3)} s (${gf(tw2)} GFLOP/s)`);
}
let same = 0;
for (let i = 0; i < n; i++) if (lt[i] === lw[i]) same++;
const mt = median(T), mw = median(W), mw2 = median(W2);
console.log(`median: ts ${mt.toFixed(3)} s (${gf(mt)} GFLOP/s), wasm ${mw.toFixed(3)} s (${gf(mw)} GFLOP/s), ` +
  `wasm+second ${mw2.toFixed(3)} s; wasm/ts speed ${(mt / mw).toFixed(1)}×; labels equal ${same}/${n}; ` +
  `load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
