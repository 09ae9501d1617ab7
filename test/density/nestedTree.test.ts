import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nt from '../../src/density/nestedTree.js';
import * as hdbscan from '../../src/density/hdbscan.js';
import * as dbscan from '../../src/density/dbscan.js';
import { icicleSvg } from '../../src/report/icicle.js';
import { type Matrix, takeRows } from '../../src/core/matrix.js';
import { toJSON, fromJSON } from '../../src/core/json.js';
import { createRng } from '../../src/core/rng.js';
import { bundled, csvMatrix } from '../helpers/data.js';
import { throwsCode } from '../helpers/errors.js';

const IRIS = bundled('iris').x;
const NOISY = takeRows(csvMatrix('data/noisy2d.features.csv'), Array.from({ length: 2000 }, (_, i) => i));
const CASES: { name: string; x: Matrix; mcs: number; eps: number[] }[] = [
  { name: 'noisy2d_first2000', x: NOISY, mcs: 15, eps: [0.1, 0.2, 0.3, 0.5, 0.8] },
  { name: 'iris', x: IRIS, mcs: 5, eps: [0.2, 0.3, 0.4, 0.6, 1.0] },
];

const sorted = (a: ArrayLike<number>): number[] => Array.from(a).sort((p, q) => p - q);
const rowsWhere = (labels: Int32Array, c: number): number[] => { const o: number[] = []; labels.forEach((l, i) => { if (l === c) o.push(i); }); return o; };
const isSubset = (a: Int32Array, b: Int32Array): boolean => { const s = new Set(b); return a.every((v) => s.has(v)); };

/** Shape checks every tree must pass: permutation, ranges, sizes, nesting. */
function checkStructure(t: nt.NestedTree): void {
  assert.deepEqual(sorted(t.order), Array.from({ length: t.n }, (_, i) => i));
  const root = t.nodes[0]!;
  assert.equal(root.parent, -1); assert.equal(root.size, t.n); assert.equal(root.start, 0); assert.equal(root.depth, 0);
  for (const v of t.nodes) {
    assert.equal(v.size, v.end - v.start);
    let sum = v.ownSize;
    for (const c of v.children) {
      const ch = t.nodes[c]!;
      assert.equal(ch.parent, v.id); assert.ok(c > v.id); assert.equal(ch.depth, v.depth + 1);
      assert.ok(ch.size <= v.size, `${ch.name} larger than ${v.name}`);
      assert.ok(ch.start >= v.start && ch.end <= v.end);
      assert.ok(isSubset(nt.nodeMembers(t, c), nt.nodeMembers(t, v.id)));
      sum += ch.size;
    }
    assert.equal(sum, v.size);
  }
}

for (const cs of CASES) {
  test(`nt.fromHdbscan(model) on ${cs.name} has every selected cluster as a node, sizes as the condensed tree and nested members`, () => {
    const model = hdbscan.fit(cs.x, { minClusterSize: cs.mcs });
    assert.ok(model.k >= 2);
    const t = nt.fromHdbscan(model);
    assert.equal(t.kind, 'nested-tree'); assert.equal(t.source, 'hdbscan'); assert.equal(t.levelKind, 'lambda');
    checkStructure(t);
    const cc = hdbscan.condensedClusters(model);
    assert.equal(t.nodes.length, cc.node.length);
    t.nodes.forEach((v, i) => {
      assert.equal(v.size, cc.size[i]); assert.equal(v.birth, cc.lambdaBirth[i]); assert.equal(v.level, v.birth);
      assert.equal(v.parent, i === 0 ? -1 : cc.parent[i]! - model.n);
    });
    for (let c = 0; c < model.k; c++) {
      const v = t.nodes.find((u) => u.cluster === c)!;
      assert.equal(v.id, model.selectedNodes[c]! - model.n);
      const mem = nt.nodeMembers(t, v.id), inC = rowsWhere(model.labels, c);
      assert.ok(isSubset(Int32Array.from(inC), mem)); // the cluster's rows, plus rows that left it as noise
      for (const r of mem) assert.ok(model.labels[r] === c || model.labels[r] === -1);
    }
    // a node's own rows are the rows that leave the condensed tree at it
    const ct = model.condensedTree;
    for (let r = 0; r < ct.child.length; r++) {
      if (ct.child[r]! >= model.n) continue;
      const v = t.nodes[ct.parent[r]! - model.n]!;
      assert.ok(t.order.subarray(v.start, v.start + v.ownSize).includes(ct.child[r]!));
    }
  });

  test(`nt.fromDbscanSweep(x, {eps}) on ${cs.name} has every DBSCAN cluster at every ε as a node with exactly its members`, () => {
    const t = nt.fromDbscanSweep(cs.x, { eps: cs.eps, minSamples: 5 });
    assert.equal(t.source, 'dbscan-sweep'); assert.equal(t.levelKind, 'eps');
    checkStructure(t);
    assert.equal(t.switches.row.length, 0); // no border row changes side on these data and ε
    assert.deepEqual(nt.fromDbscanSweep(cs.x, { eps: cs.eps, minSamples: 5, method: 'direct' }).nodes, t.nodes);
    assert.deepEqual(t.layers.map((l) => l.eps), cs.eps);
    const seen = new Set<number>();
    cs.eps.forEach((eps, i) => {
      const direct = dbscan.fit(cs.x, { eps, minSamples: 5 });
      const lay = t.layers[i]!;
      assert.equal(lay.nClusters, direct.k);
      assert.ok(Math.abs(lay.coverage - (1 - direct.nNoise / cs.x.rows)) < 1e-12);
      assert.deepEqual(nt.layerLabels(t, i), direct.labels);
      for (let c = 0; c < direct.k; c++) {
        const v = t.nodes[lay.nodeOfCluster[c]!]!;
        assert.deepEqual(Array.from(nt.nodeMembers(t, v.id)), rowsWhere(direct.labels, c));
        assert.ok(v.firstLayer <= i && i <= v.lastLayer);
        assert.ok(v.birth <= eps && eps <= v.death, `${v.name}: ε ${eps} outside [${v.birth}, ${v.death}]`);
        seen.add(v.id);
        // nesting: the cluster's node lies inside the node of the next ε's cluster holding its rows
        if (i + 1 < cs.eps.length) {
          const next = dbscan.fit(cs.x, { eps: cs.eps[i + 1]!, minSamples: 5 });
          const up = next.labels[nt.nodeMembers(t, v.id)[0]!]!;
          const w = t.nodes[t.layers[i + 1]!.nodeOfCluster[up]!]!;
          let a = v.id; while (a !== w.id && a !== -1) a = t.nodes[a]!.parent;
          assert.equal(a, w.id);
        }
      }
    });
    for (const v of t.nodes) if (v.cluster >= 0) assert.ok(seen.has(v.id)); // no node without a DBSCAN cluster but the root
    for (const v of t.nodes) if (v.parent >= 0) assert.equal(v.death, t.nodes[v.parent]!.birth);
  });
}

test('nt.fromDbscanSweep(x) on two blobs of three tight blobs gives root → 2 → 6', () => {
  const rng = createRng(7), rows: number[][] = [];
  for (let g = 0; g < 2; g++) for (let b = 0; b < 3; b++) for (let i = 0; i < 20; i++) {
    rows.push([g * 10 + b * 1 + rng.next() * 0.1, rng.next() * 0.1]);
  }
  const t = nt.fromDbscanSweep(rows, { eps: [0.3, 2, 20], minSamples: 4 });
  checkStructure(t);
  assert.equal(t.nodes.length, 9);
  assert.equal(t.nodes[0]!.children.length, 2);
  for (const c of t.nodes[0]!.children) {
    assert.equal(t.nodes[c]!.children.length, 3);
    assert.equal(t.nodes[c]!.size, 60);
    for (const l of t.nodes[c]!.children) { assert.equal(t.nodes[l]!.size, 20); assert.equal(t.nodes[l]!.birth, 0.3); }
  }
  assert.equal(t.nodes[0]!.name, 'L2C0N120');
  // the chain merges: ε 0.3 and ε 2 give different clusters, so no merged chains here; repeat ε 2.5 merges with 2
  const t2 = nt.fromDbscanSweep(rows, { eps: [0.3, 2, 2.5, 20], minSamples: 4 });
  assert.equal(t2.nodes.length, 9);
  const mid = t2.nodes[t2.nodes[0]!.children[0]!]!;
  assert.deepEqual([mid.birth, mid.death, mid.firstLayer, mid.lastLayer], [2, 20, 1, 2]);
});

test('nt.fromDbscanSweep(x) lists border rows whose DBSCAN cluster is not the nested one, and layerLabels rebuilds DBSCAN exactly', () => {
  const r = createRng(2);
  const rows = Array.from({ length: 30 }, () => [Math.round(r.next() * 20) / 10, Math.round(r.next() * 20) / 10]);
  const eps = [0.3, 0.4, 0.5];
  const t = nt.fromDbscanSweep(rows, { eps, minSamples: 4 });
  checkStructure(t);
  assert.deepEqual(Array.from(t.switches.row), [8]);
  assert.deepEqual(Array.from(t.switches.layer), [2]);
  assert.match(t.warnings.join(' '), /1 border-row assignments/);
  eps.forEach((e, i) => {
    const direct = dbscan.fit(rows, { eps: e, minSamples: 4 });
    assert.deepEqual(nt.layerLabels(t, i), direct.labels);
    assert.equal(direct.isCore[8], 0);
    for (let c = 0; c < direct.k; c++) {
      const mem = Array.from(nt.nodeMembers(t, t.layers[i]!.nodeOfCluster[c]!));
      const want = rowsWhere(direct.labels, c);
      if (i < 2) assert.deepEqual(mem, want);
      else assert.deepEqual(mem.filter((p) => p !== 8), want.filter((p) => p !== 8)); // row 8 switches at ε 0.5
    }
  });
  assert.equal(t.switches.cluster[0], dbscan.fit(rows, { eps: 0.5, minSamples: 4 }).labels[8]);
});

test('nt.fromDbscanSweep(x, {method: \'mst\'}) gives the labels of dbscan.fit at every ε on 500 random points, for each metric and minSamples', () => {
  const r = createRng(11);
  const rows = Array.from({ length: 500 }, () => [r.next(), r.next(), r.next() * 0.5]);
  const grid = Array.from({ length: 400 }, () => [Math.round(r.next() * 30) / 10, Math.round(r.next() * 30) / 10]); // many ties
  const runs: [number[][], 'euclidean' | 'manhattan' | 'cosine', number, number[]][] = [
    [rows, 'euclidean', 5, [0.03, 0.05, 0.08, 0.12, 0.2]], [rows, 'manhattan', 3, [0.04, 0.08, 0.15]],
    [rows, 'cosine', 8, [0.001, 0.005, 0.02]], [rows, 'euclidean', 1, [0.02, 0.05]], [rows, 'euclidean', 2, [0.02, 0.05]],
    [grid, 'euclidean', 4, [0.1, 0.2, 0.3, 0.5]], [grid, 'manhattan', 6, [0.1, 0.2, 0.3]],
  ];
  for (const [x, metric, minSamples, eps] of runs) {
    const t = nt.fromDbscanSweep(x, { eps, minSamples, metric });
    const u = nt.fromDbscanSweep(x, { eps, minSamples, metric, method: 'direct' });
    assert.deepEqual(u.nodes, t.nodes); assert.deepEqual(u.order, t.order); assert.deepEqual(u.switches, t.switches);
    eps.forEach((e, i) => assert.deepEqual(nt.layerLabels(t, i), dbscan.fit(x, { eps: e, minSamples, metric }).labels, `${metric} m=${minSamples} ε=${e}`));
  }
});

test('nt.fromDbscanSweep(x, {eps: {start, step}}) keeps the ε where the DBSCAN cluster count first drops, as the paper\'s schedule', () => {
  const start = 0.1, step = 0.1, maxSteps = 25;
  const t = nt.fromDbscanSweep(NOISY, { eps: { start, step, maxSteps }, minSamples: 5 });
  checkStructure(t);
  // the rule, by dbscan.fit on the whole grid
  const want: number[] = [];
  let last = Infinity;
  for (let j = 0; j <= maxSteps && last > 1; j++) {
    const e = Number((start + j * step).toPrecision(12)), k = dbscan.fit(NOISY, { eps: e, minSamples: 5 }).k;
    if (j === 0 || k < last) { want.push(e); last = k; }
  }
  assert.deepEqual(t.layers.map((l) => l.eps), want);
  assert.ok(want.length >= 4);
  const counts = t.layers.map((l) => l.nClusters);
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i]! < counts[i - 1]!);
  t.layers.forEach((l, i) => assert.deepEqual(nt.layerLabels(t, i), dbscan.fit(NOISY, { eps: l.eps, minSamples: 5 }).labels));
  // ε₀ giving one cluster is halved until it gives more
  const h = nt.fromDbscanSweep(IRIS, { eps: { start: 4, step: 0.05 } });
  assert.ok(h.layers[0]!.eps < 4 && h.layers[0]!.nClusters > 1);
  assert.equal(h.layers[0]!.eps, 4 / 2 ** Math.round(Math.log2(4 / h.layers[0]!.eps)));
  assert.equal(dbscan.fit(IRIS, { eps: h.layers[0]!.eps * 2, minSamples: 5 }).k, 1);
  assert.equal(h.layers.at(-1)!.nClusters, 1);
  throwsCode(() => nt.fromDbscanSweep(IRIS, { eps: { start: 0.1, step: 0 } }), 'BAD_OPTION', "option 'eps.step' must be a finite number > 0", 'Got 0.');
  throwsCode(() => nt.fromDbscanSweep(IRIS, { eps: { start: 0.1, step: 0.1 }, method: 'direct' }), 'BAD_OPTION', "option 'method' must be 'mst' with an adaptive eps schedule");
  throwsCode(() => nt.fromDbscanSweep(IRIS, { eps: { start: 0.1, step: 0.1, stop: 2 } as nt.AdaptiveEps }), 'UNKNOWN_OPTION', "option 'eps.stop'");
});

/** A tiny Newick parser: name, branch length, children. */
interface NwNode { name: string; length: number | null; children: NwNode[] }
function parseNewick(s: string): NwNode {
  let i = 0;
  const name = (): string => {
    if (s[i] === "'") {
      let out = ''; i++;
      for (;;) {
        if (s[i] === "'" && s[i + 1] === "'") { out += "'"; i += 2; } else if (s[i] === "'") { i++; return out; } else out += s[i++];
      }
    }
    const m = /^[^\s()[\]':;,]*/.exec(s.slice(i))![0]; i += m.length; return m;
  };
  const node = (): NwNode => {
    const children: NwNode[] = [];
    if (s[i] === '(') {
      i++;
      children.push(node());
      while (s[i] === ',') { i++; children.push(node()); }
      assert.equal(s[i], ')'); i++;
    }
    const nm = name();
    let length: number | null = null;
    if (s[i] === ':') { i++; const m = /^[-+0-9.eE]+/.exec(s.slice(i))![0]; i += m.length; length = Number(m); }
    return { name: nm, length, children };
  };
  const root = node();
  assert.equal(s.slice(i), ';');
  return root;
}
const flat = (r: NwNode): NwNode[] => [r, ...r.children.flatMap(flat)];

for (const source of ['hdbscan', 'sweep'] as const) {
  test(`nt.toNewick(tree) of the ${source} tree on noisy2d parses back with its leaves, names and branch lengths`, () => {
    const t = source === 'hdbscan' ? nt.fromHdbscan(hdbscan.fit(NOISY, { minClusterSize: 15 })) : nt.fromDbscanSweep(NOISY, { eps: [0.1, 0.3, 0.8] });
    const text = nt.toNewick(t);
    const root = parseNewick(text), all = flat(root);
    assert.equal(all.length, t.nodes.length);
    assert.equal(all.filter((v) => v.children.length === 0).length, t.nodes.filter((v) => v.children.length === 0).length);
    assert.equal(root.length, null);
    const byName = new Map(t.nodes.map((v) => [v.name, v]));
    assert.equal(byName.size, t.nodes.length);
    for (const p of all) {
      const v = byName.get(p.name)!;
      assert.ok(v, p.name);
      assert.match(v.name, /^L\d+C\d+N\d+$/);
      assert.equal(p.children.length, v.children.length);
      if (v.parent >= 0) assert.ok(Math.abs(p.length! - Math.abs(v.level - t.nodes[v.parent]!.level)) <= 1e-9 * Math.max(1, v.level));
    }
  });
}

test('nt.toNewick(tree, {names}) quotes names with Newick punctuation and doubles quotes', () => {
  const t = nt.fromDbscanSweep(IRIS, { eps: [0.3, 0.5, 0.8, 1.5] });
  const names = t.nodes.map((v) => `it's (${v.id}), a:b;`);
  const root = parseNewick(nt.toNewick(t, { names }));
  assert.deepEqual(flat(root).map((p) => p.name).sort(), [...names].sort());
  assert.equal(parseNewick(nt.toNewick(t, { names: (v) => `n${v.id}` })).name, 'n0');
  throwsCode(() => nt.toNewick(t, { names: ['a'] }), 'BAD_OPTION', "option 'names'", `one name per node (${t.nodes.length})`);
});

test('toJSON / fromJSON round trip a nested tree, and nodeMembers works on the copy', () => {
  for (const t of [nt.fromHdbscan(hdbscan.fit(IRIS, { minClusterSize: 5 })), nt.fromDbscanSweep(IRIS, { eps: [0.3, 0.6] })]) {
    const back = fromJSON<nt.NestedTree>(toJSON(t));
    assert.deepEqual(back, t);
    assert.ok(back.order instanceof Int32Array);
    assert.deepEqual(nt.nodeMembers(back, 1), nt.nodeMembers(t, 1));
    assert.equal(nt.toNewick(back), nt.toNewick(t));
  }
});

test('nt.annotateTree(tree, fn) sets label and keywords per node from its member rows, leaving the tree unchanged', () => {
  const t = nt.fromDbscanSweep(IRIS, { eps: [0.3, 0.6] });
  const seen: number[] = [];
  const a = nt.annotateTree(t, (rows, node) => {
    seen.push(node.id);
    assert.deepEqual(rows, nt.nodeMembers(t, node.id));
    return node.id === 0 ? { keywords: ['all'] } : { label: `first row ${rows[0]}`, keywords: ['k1', 'k<2>'] };
  });
  assert.deepEqual(seen, t.nodes.map((v) => v.id));
  assert.equal(t.nodes[1]!.label, undefined);
  assert.equal(a.nodes[0]!.label, undefined); assert.deepEqual(a.nodes[0]!.keywords, ['all']);
  assert.equal(a.nodes[1]!.label, `first row ${nt.nodeMembers(t, 1)[0]}`);
  assert.ok(nt.toNewick(a).includes(`'first row ${nt.nodeMembers(t, 1)[0]}'`));
  const svg = icicleSvg(a);
  assert.ok(svg.includes('keywords: k1, k&lt;2&gt;'));
  assert.deepEqual(fromJSON(toJSON(a)), a);
});

test('icicleSvg(tree) draws one rect per node with data-node and a title tooltip, in depth and level scales', () => {
  for (const t of [nt.fromHdbscan(hdbscan.fit(NOISY, { minClusterSize: 15 })), nt.fromDbscanSweep(NOISY, { eps: [0.1, 0.3, 0.8] })]) {
    for (const scale of ['depth', 'level'] as const) {
      const svg = icicleSvg(t, { scale, title: 'A <tree>', width: 640, height: 300 });
      assert.ok(svg.startsWith('<svg') && svg.endsWith('</svg>'));
      const rects = [...svg.matchAll(/<rect data-node="(\d+)" x="([-\d.]+)" y="([-\d.]+)" width="([-\d.]+)" height="([-\d.]+)"[^>]*><title>([^<]*)<\/title>/g)];
      assert.equal((svg.match(/<rect/g) ?? []).length, t.nodes.length);
      assert.equal(rects.length, t.nodes.length);
      assert.deepEqual(rects.map((m) => Number(m[1])), t.nodes.map((v) => v.id));
      for (const m of rects) {
        const v = t.nodes[Number(m[1])]!;
        assert.ok(m[6]!.startsWith(v.name) && m[6]!.includes(`size ${v.size}`));
        assert.ok(Math.abs(Number(m[4]) - v.size / t.n * 632) <= 0.06);
        for (const k of [2, 3, 4, 5]) assert.ok(Number.isFinite(Number(m[k])) && Number(m[k]) >= 0);
        if (v.parent >= 0) { // below its parent
          const p = rects[v.parent]!;
          assert.ok(Number(m[3]) >= Number(p[3]) - 1e-9);
        }
      }
      assert.ok(svg.includes('A &lt;tree&gt;'));
    }
  }
  const t = nt.fromDbscanSweep(IRIS, { eps: [0.3, 0.6] });
  const svg = icicleSvg(t, { colors: t.nodes.map(() => '#123456') });
  assert.equal((svg.match(/fill="#123456"/g) ?? []).length, t.nodes.length);
  throwsCode(() => icicleSvg(t, { width: 0 }), 'BAD_OPTION', "icicleSvg: option 'width'", 'Got 0.');
});

test('nt.fromDbscanSweep(x, options) refuses an empty or bad ε list and unknown options, and sorts ε given out of order', () => {
  throwsCode(() => nt.fromDbscanSweep(IRIS, { eps: [] }), 'BAD_OPTION', "nestedTree: option 'eps' must be a non-empty array", 'Got an array of length 0.');
  throwsCode(() => nt.fromDbscanSweep(IRIS, { eps: 0.3 as unknown as number[] }), 'BAD_OPTION', "option 'eps' must be a non-empty array of ε > 0 or {start, step}", 'Got 0.3.');
  throwsCode(() => nt.fromDbscanSweep(IRIS, { eps: [0.3, -1] }), 'BAD_OPTION', "option 'eps' must be finite numbers > 0", 'Got -1.');
  throwsCode(() => nt.fromDbscanSweep(IRIS, { eps: [0.3, NaN] }), 'BAD_OPTION', "option 'eps'", 'Got NaN.');
  throwsCode(() => nt.fromDbscanSweep(IRIS, { eps: [0.3], minSample: 3 } as nt.DbscanSweepOptions), 'UNKNOWN_OPTION', "option 'minSample'");
  throwsCode(() => nt.fromDbscanSweep(IRIS, { eps: [0.3], minSamples: 0 }), 'BAD_OPTION', "nestedTree: option 'minSamples' must be an integer ≥ 1", 'Got 0.');
  throwsCode(() => nt.fromDbscanSweep(IRIS, { eps: [0.3], method: 'fast' as 'mst' }), 'BAD_OPTION', "option 'method' must be 'mst' or 'direct'", 'Got "fast".');
  throwsCode(() => nt.fromDbscanSweep(IRIS, { eps: [0.3], metric: 'precomputed' as 'cosine' }), 'BAD_OPTION', "option 'metric'");
  throwsCode(() => nt.fromDbscanSweep([], { eps: [0.3] }), 'EMPTY_DATA');
  const a = nt.fromDbscanSweep(IRIS, { eps: [0.8, 0.3, 0.5, 0.3] }), b = nt.fromDbscanSweep(IRIS, { eps: [0.3, 0.5, 0.8] });
  assert.deepEqual(a.layers, b.layers); assert.deepEqual(a.nodes, b.nodes); assert.deepEqual(a.order, b.order);
  assert.match(a.warnings[0]!, /sorted ascending and de-duplicated to \[0\.3, 0\.5, 0\.8\]/);
  assert.equal(b.warnings.length, 0);
  throwsCode(() => nt.nodeMembers(b, b.nodes.length), 'BAD_OPTION', "option 'id' must be a node id");
  throwsCode(() => nt.layerLabels(b, 3), 'BAD_OPTION', "option 'layer' must be a layer index in [0, 2]");
});
