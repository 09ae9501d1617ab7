/**
 * The k-means benchmark's data set: 200 000 × 64 float32 Gaussian blobs around 100 centres
 * (clusterkit's seeded `makeBlobs`), and 100 shared start centroids chosen by clusterkit's
 * k-means++ on it. Written once to bench/data/ (git-ignored) and reused while the files exist.
 *
 * Files, in the layout the peer runners read (/work/shared/anchors/README.md, "Data formats"):
 *   blobs200k_64d.f32          raw little-endian float32, row-major [n × d]
 *   blobs200k_64d.json         {"n": …, "d": …, …how it was made}
 *   blobs200k_64d.labels.txt   the generating blob of each row, one integer per line
 *   blobs200k_64d.init100.f32  start centroids [k × d] float32 (rows of the data)
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBlobs, uniformNoise } from '../src/datasets/generators.js';
import { kmeansPlusPlus } from '../src/centroid/init.js';
import { createRng } from '../src/core/rng.js';
import { kernelFloat32Array } from '../src/kernels/index.js';

/** How the benchmark data set is made. Changing any value changes the file name's meaning: delete bench/data/ after. */
export const BLOBS = {
  name: 'blobs200k_64d',
  n: 200_000,
  d: 64,
  centers: 100,
  clusterStd: 2,
  centerBox: [-10, 10] as const,
  seed: 0,
  /** Start centroids: k and the seed of clusterkit's k-means++ that picks them. */
  k: 100,
  initSeed: 0,
};

/** Project root: the folder holding package.json, found upwards from this file (bench/ or dist/bench/). */
export const ROOT = (() => {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'package.json'))) return d;
    d = dirname(d);
  }
  throw new Error('bench: package.json must be above bench/. Got none.');
})();

export const DATA_DIR = join(ROOT, 'bench', 'data');

export interface BenchFiles {
  /** Data [n × d] float32. */
  readonly data: string;
  readonly json: string;
  readonly labels: string;
  /** Start centroids [k × d] float32. */
  readonly init: string;
  readonly n: number;
  readonly d: number;
  readonly k: number;
}

export function benchFiles(): BenchFiles {
  const base = join(DATA_DIR, BLOBS.name);
  return {
    data: `${base}.f32`, json: `${base}.json`, labels: `${base}.labels.txt`, init: `${base}.init${BLOBS.k}.f32`,
    n: BLOBS.n, d: BLOBS.d, k: BLOBS.k,
  };
}

/** Write a file atomically: a temporary sibling, then rename. */
export function writeAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** Bytes of a Float32Array (little-endian on every platform Node runs on here). */
function bytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Read a raw float32 file into a fresh Float32Array in kernel memory (`kernelFloat32Array`), checking its length. */
export function readF32(path: string, expect: number): Float32Array {
  const buf = readFileSync(path);
  if (buf.byteLength !== expect * 4) {
    throw new Error(`bench: ${path} must hold ${expect} float32 values (${expect * 4} bytes). Got ${buf.byteLength} bytes.`);
  }
  // in the kernels' shared memory (zero-copy for the fits), as clusterkit's own readers do
  const out = kernelFloat32Array(expect);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(buf);
  return out;
}

/**
 * Make the data files unless all of them exist. Returns the paths and whether they were made now,
 * with the seconds spent generating and seeding (untimed by the benchmark itself).
 */
export function ensureData(log: (s: string) => void = () => {}): BenchFiles & { made: boolean } {
  const f = benchFiles();
  if ([f.data, f.json, f.labels, f.init].every((p) => existsSync(p))) {
    const meta = JSON.parse(readFileSync(f.json, 'utf8')) as { n: number; d: number };
    if (meta.n === f.n && meta.d === f.d) return { ...f, made: false };
  }
  mkdirSync(DATA_DIR, { recursive: true });
  log(`generating ${f.data} (${f.n} × ${f.d}, ${BLOBS.centers} blobs, std ${BLOBS.clusterStd}, seed ${BLOBS.seed}) …`);
  let t0 = performance.now();
  const b = makeBlobs({ n: f.n, d: f.d, centers: BLOBS.centers, clusterStd: BLOBS.clusterStd,
    centerBox: [...BLOBS.centerBox], seed: BLOBS.seed });
  const genS = (performance.now() - t0) / 1000;
  log(`  generated in ${genS.toFixed(1)} s; choosing ${f.k} start centroids with clusterkit k-means++ (seed ${BLOBS.initSeed}) …`);
  t0 = performance.now();
  const idx = kmeansPlusPlus(b.x.data, f.n, f.d, f.k, createRng(BLOBS.initSeed));
  const c0 = new Float32Array(f.k * f.d);
  for (let j = 0; j < f.k; j++) c0.set(b.x.data.subarray(idx[j]! * f.d, (idx[j]! + 1) * f.d), j * f.d);
  const seedS = (performance.now() - t0) / 1000;
  log(`  seeded in ${seedS.toFixed(1)} s`);
  writeAtomic(f.data, bytes(b.x.data));
  writeAtomic(f.labels, Array.from(b.labels).join('\n') + '\n');
  writeAtomic(f.init, bytes(c0));
  writeAtomic(f.json, JSON.stringify({
    n: f.n, d: f.d,
    how: `clusterkit makeBlobs({n: ${f.n}, d: ${f.d}, centers: ${BLOBS.centers}, clusterStd: ${BLOBS.clusterStd}, ` +
      `centerBox: [${BLOBS.centerBox.join(', ')}], seed: ${BLOBS.seed}}); start centroids ${BLOBS.name}.init${f.k}.f32 = ` +
      `rows chosen by clusterkit kmeansPlusPlus(k = ${f.k}, createRng(${BLOBS.initSeed}), 2 + ⌊ln k⌋ local trials)`,
    init_rows: Array.from(idx),
  }) + '\n');
  return { ...f, made: true };
}

/** A field of /proc/self/status in MB (VmRSS: resident now; VmHWM: peak since the last reset). */
export function vmMb(field: 'VmRSS' | 'VmHWM'): number {
  const m = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Reset the kernel's peak-RSS mark so VmHWM covers the timed part only (Linux ≥ 4.0). */
export function resetPeak(): boolean {
  try { writeFileSync('/proc/self/clear_refs', '5'); return true; } catch { return false; }
}

/**
 * Start the timed part of a runner: collect garbage (with --expose-gc), read load1 and the resident
 * memory with the data loaded (base), reset the peak mark. `peak()` then gives the peak resident
 * MB since (the whole process's when the mark cannot be reset); `gc` collects between repeats.
 */
export function startTimed(): { gc: () => void; load1: number; base: number; scoped: boolean; peak: () => number } {
  const g = (globalThis as { gc?: () => void }).gc;
  const gc = (): void => { g?.(); };
  gc();
  const load1 = loadavg()[0]!;
  const base = vmMb('VmRSS');
  const scoped = resetPeak();
  return { gc, load1, base, scoped, peak: () => (scoped ? vmMb('VmHWM') : process.resourceUsage().maxRSS / 1024) };
}

/** Median of the values (mean of the two middle ones for an even count). */
export function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q), h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** A .f32 data file with its sibling .json ({n, d}): the rows as a flat Float32Array. */
export function readSet(path: string): { n: number; d: number; x: Float32Array } {
  const { n, d } = JSON.parse(readFileSync(path.replace(/\.f32$/, '.json'), 'utf8')) as { n: number; d: number };
  return { n, d, x: readF32(path, n * d) };
}

/** clusterkit's version from package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** A density-bench data set: Gaussian blobs (clusterkit makeBlobs) plus uniform noise, rows shuffled together. */
export interface DensitySpec {
  name: string;
  n: number;
  d: number;
  centers: number;
  clusterStd: number;
  /** Fraction of the n rows that are uniform noise in [−noiseBox, noiseBox]^d (labelled −1). */
  noise: number;
  noiseBox: number;
  seed: number;
}

/** Generate a DensitySpec set: rows [n × d] and ground truth (noise −1), Fisher–Yates shuffled so any prefix is a fair sample. */
export function densitySet(s: DensitySpec): { x: Float32Array; labels: Int32Array } {
  const nNoise = Math.round(s.n * s.noise), nb = s.n - nNoise;
  const b = makeBlobs({ n: nb, d: s.d, centers: s.centers, clusterStd: s.clusterStd, seed: s.seed });
  const x = new Float32Array(s.n * s.d), lab = new Int32Array(s.n).fill(-1);
  x.set(b.x.data);
  lab.set(b.labels);
  if (nNoise > 0) x.set(uniformNoise({ n: nNoise, d: s.d, low: -s.noiseBox, high: s.noiseBox, seed: s.seed + 1 }).x.data, nb * s.d);
  const rng = createRng(s.seed + 2), tmp = new Float32Array(s.d);
  for (let i = s.n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    if (j === i) continue;
    tmp.set(x.subarray(i * s.d, (i + 1) * s.d));
    x.copyWithin(i * s.d, j * s.d, (j + 1) * s.d);
    x.set(tmp, j * s.d);
    const l = lab[i]!; lab[i] = lab[j]!; lab[j] = l;
  }
  return { x, labels: lab };
}
