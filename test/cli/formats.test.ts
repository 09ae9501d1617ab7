// `clusterkit fit INPUT` on every input format: the same iris rows written as .csv, .tsv, .npy,
// .jsonl and .parquet give the same labels as the library on the matrix itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { ROOT, bundled } from '../helpers/data.js';
import { writeNpy } from '../../src/io/npy.js';
import * as kmeans from '../../src/centroid/kmeans.js';

const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const TMP = mkdtempSync(join(tmpdir(), 'clusterkit-formats-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
const { x } = bundled('iris');
const rows = Array.from({ length: x.rows }, (_, i) => Array.from(x.data.subarray(i * 4, i * 4 + 4)));
const expected = Array.from(kmeans.fit(x, { k: 3, seed: 0 }).labels);

const writers: Record<string, (p: string) => Promise<void> | void> = {
  csv: (p) => writeFileSync(p, 'a,b,c,d\n' + rows.map((r) => r.join(',')).join('\n') + '\n'),
  tsv: (p) => writeFileSync(p, rows.map((r) => r.join('\t')).join('\n') + '\n'),
  npy: (p) => writeNpy(p, x),
  jsonl: (p) => writeFileSync(p, rows.map((r) => JSON.stringify({ id: 'r', embedding: r })).join('\n') + '\n'),
  parquet: (p) => {
    parquetWriteFile({ filename: p, columnData: ['a', 'b', 'c', 'd'].map((name, j) => ({ name, data: new Float32Array(rows.map((r) => r[j]!)), type: 'FLOAT' as const })) });
  },
};

for (const [ext, write] of Object.entries(writers)) {
  test(`clusterkit fit iris.${ext} --k 3 --seed 0 writes the library's labels`, async () => {
    const input = join(TMP, `iris.${ext}`), out = join(TMP, `labels-${ext}.csv`);
    await write(input);
    const summary = JSON.parse(execFileSync(process.execPath, [MAIN, 'fit', input, '--k', '3', '--seed', '0', '--out', out, '--json'], { encoding: 'utf8' })) as { n: number; d: number };
    assert.equal(summary.n, 150);
    assert.equal(summary.d, 4);
    const got = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(got[0], 'label');
    assert.deepEqual(got.slice(1).map(Number), expected);
  });
}
