import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { BUNDLED_NAMES, bundledDataDir, bundledPaths, loadBundled } from '../../src/datasets/bundled.js';
import { dataset, labels, throwsCode } from '../preprocessing/_data.js';

describe('loadBundled', () => {
  it("loadBundled('iris') gives 150 × 4 float32 features with 50 rows per class and names", () => {
    const iris = loadBundled('iris');
    assert.equal(iris.name, 'iris');
    assert.equal(iris.x.rows, 150);
    assert.equal(iris.x.cols, 4);
    assert.ok(iris.x.data instanceof Float32Array);
    assert.ok(iris.labels instanceof Int32Array);
    const per = [0, 0, 0];
    for (const l of iris.labels) per[l]!++;
    assert.deepEqual(per, [50, 50, 50]);
    assert.deepEqual(iris.featureNames, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    assert.deepEqual(iris.classNames, ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(Array.from(iris.x.data.subarray(0, 4)), [5.1, 3.5, 1.4, 0.2].map(Math.fround));
  });

  it('loadBundled(name) gives the documented shapes and class sizes for every bundled set, equal to the raw files', () => {
    const shapes = { iris: [150, 4, 3], wine: [178, 13, 3], breast_cancer: [569, 30, 2], digits: [1797, 64, 10] } as const;
    for (const name of BUNDLED_NAMES) {
      const ds = loadBundled(name);
      const [n, d, k] = shapes[name];
      assert.equal(ds.x.rows, n, name);
      assert.equal(ds.x.cols, d, name);
      assert.equal(new Set(ds.labels).size, k, name);
      assert.equal(ds.featureNames?.length, d, name);
      assert.equal(ds.classNames?.length, k, name);
      assert.deepEqual(ds.x.data, dataset(name).data, name);
      assert.deepEqual(ds.labels, labels(name), name);
    }
    const wine = loadBundled('wine'), per = [0, 0, 0];
    for (const l of wine.labels) per[l]!++;
    assert.deepEqual(per, [59, 71, 48]);
  });

  it('loadBundled returns fresh arrays on every call', () => {
    const a = loadBundled('iris');
    a.x.data[0] = 99;
    assert.equal(loadBundled('iris').x.data[0], Math.fround(5.1));
  });

  it('bundledDataDir() finds the package data folder from the compiled module', () => {
    const dir = bundledDataDir();
    assert.ok(dir.endsWith('data'));
    assert.ok(existsSync(bundledPaths('digits').features));
    assert.ok(existsSync(bundledPaths('digits').labels));
  });

  it('loadBundled refuses an unknown name with BAD_OPTION listing the names', () => {
    throwsCode(() => loadBundled('mnist' as never), 'BAD_OPTION', "loadBundled: option 'name' must be one of 'iris', 'wine', 'breast_cancer', 'digits'. Got \"mnist\".");
  });
});
