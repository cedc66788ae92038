/**
 * The bucket's package list while packages are being deleted (the web catalog's package list beside
 * a scenario's clean-up): a package gone between the listing and the reading of its revisions is
 * left out of the page, as Quilt's list (from its index) no longer has it — the page never fails.
 *
 *   node --import tsx --test packages/platform/test/catalog/package-list-race.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PackageRegistry } from '@quilt-e2e/quilt-js';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;
const run = randomBytes(4).toString('hex');
const COUNT = 12;
const names = Array.from({ length: COUNT }, (_, i) => `race${run}/pkg-${String(i).padStart(2, '0')}`);

before(async () => {
  cat = await startCatalogUnderTest();
  const registry = new PackageRegistry(cat.s3('admin'), cat.bucket);
  for (const name of names) {
    // Three revisions each: the page reads every revision pointer of every package it lists.
    await registry.create(name, { entries: [{ logicalKey: 'a.txt', content: `${name} 1\n` }], message: 'one' });
    await registry.update(name, { set: [{ logicalKey: 'b.txt', content: `${name} 2\n` }], message: 'two' });
    await registry.update(name, { set: [{ logicalKey: 'c.txt', content: `${name} 3\n` }], message: 'three' });
  }
});
after(async () => { await cat?.teardown(); });

const LIST = `query($b: String!, $f: String) { packages(bucket: $b, filter: $f) { total page(perPage: 50, order: MODIFIED) { name modified accessCounts { total } revisions { total } } } }`;

test('packages listed while they are deleted: every answer is a page without errors, and at the end none is listed', async () => {
  const registry = new PackageRegistry(cat.s3('admin'), cat.bucket);
  let deleting = true;
  const deletions = (async () => {
    // One after another, a moment apart, as scenarios clean up: many lists run meanwhile.
    for (const name of names) { await registry.deletePackage(name); await new Promise((r) => setTimeout(r, 150)); }
    deleting = false;
  })();
  const answers: Array<{ errors?: unknown; names: string[] }> = [];
  while (deleting) {
    const r = await cat.post('reader', { query: LIST, variables: { b: cat.bucket, f: `race${run}/` } });
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    const page = (r.body.data as { packages: { page: Array<{ name: string }> } | null } | null)?.packages?.page;
    answers.push({ errors: r.body.errors, names: (page ?? []).map((p) => p.name) });
  }
  await deletions;
  assert.ok(answers.length >= 5, `only ${answers.length} lists ran while the packages were deleted`);
  const failed = answers.filter((a) => a.errors !== undefined);
  assert.deepEqual(failed.slice(0, 2).map((a) => a.errors), [], `${failed.length} of ${answers.length} lists answered errors`);
  const final = await cat.post('reader', { query: LIST, variables: { b: cat.bucket, f: `race${run}/` } });
  assert.deepEqual((final.body.data as { packages: { total: number } }).packages.total, 0);
});
