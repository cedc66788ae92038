/**
 * Consistency (spec §5): the same package seen through every path agrees with the manifest in S3
 * — after a push, after an update and after a delete. Paths that are eventually consistent
 * (search, SQL) are given a deadline to catch up; none may show a stale or phantom revision.
 */
import { expect } from 'chai';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { eventually } from '../eventually.js';
import { catalogPackageUrl } from '@quilt-e2e/quilt-js';
import { pointersInSearch, viewOfPage, viewOfRevision, viewThroughGraphql, viewThroughSearch, viewThroughSql, type PackageView } from '../domain/package-views.js';

const DEADLINE_MS = Number(process.env.QUILT_E2E_INDEX_DEADLINE_MS ?? 20_000);

export type PathName = 'S3 manifest' | 'registry GraphQL' | 'catalog page' | 'search index' | 'SQL package tables';

/**
 * The fields every path must agree on. "No package metadata" is written as an absent user_meta in
 * the manifest and as "{}" by Quilt's indexer, so both read as {} here.
 */
const comparable = (v: PackageView): Omit<PackageView, 'source'> => ({
  hash: v.hash, message: v.message, userMeta: v.userMeta ?? {}, totalEntries: v.totalEntries, totalBytes: v.totalBytes, entries: v.entries,
});

/** The revision as the suite pushed it: the source of truth every path is compared with. */
function truth(world: QuiltWorld, featureName: string): PackageView {
  const name = world.packageName(featureName);
  const push = world.memory.pushes.filter((p) => p.name === name).at(-1);
  if (!push) throw new Error(`no revision of ${featureName} was pushed in this scenario`);
  return viewOfRevision('pushed', push.revision);
}

export async function expectPathAgrees(world: QuiltWorld, featureName: string, path: PathName): Promise<void> {
  const name = world.packageName(featureName);
  const expected = comparable(truth(world, featureName));
  const reader = world.catalog('reader');
  switch (path) {
    case 'S3 manifest': {
      // Read back from S3 by the hash alone: the manifest object, re-hashed by the engine.
      const rev = await world.registry('reader').browse(name, expected.hash);
      expect(comparable(viewOfRevision(path, rev))).to.deep.equal(expected);
      expect(await world.registry('reader').latestHash(name), 'latest pointer').to.equal(expected.hash);
      break;
    }
    case 'registry GraphQL': {
      const v = await viewThroughGraphql(reader, world.bucket, name, 'latest');
      expect(v, 'GraphQL knows the package').to.not.equal(undefined);
      expect(comparable(v!)).to.deep.equal(expected);
      break;
    }
    case 'catalog page': {
      const page = await reader.page(catalogPackageUrl(world.target.catalog!.catalogUrl, world.bucket, name));
      expect(page.status).to.equal(200);
      if (world.target.kind !== 'local') { world.log('a real catalog renders pages in the browser: only the status is checked'); break; }
      const v = viewOfPage(page.html);
      const topLevel: Record<string, number> = {};
      for (const [lk, e] of Object.entries(expected.entries)) {
        const first = lk.split('/')[0]!;
        topLevel[first] = (topLevel[first] ?? 0) + e.size;
      }
      expect({ hash: v.hash, totalBytes: v.totalBytes, files: v.files }).to.deep.equal({ hash: expected.hash, totalBytes: expected.totalBytes, files: topLevel });
      break;
    }
    case 'search index':
      await eventually(async () => {
        const v = await viewThroughSearch(reader, world.bucket, expected.hash);
        expect(v, `the manifest ${expected.hash.slice(0, 10)} in the search index`).to.not.equal(undefined);
        expect(comparable(v!)).to.deep.equal(expected);
        const tags = await pointersInSearch(reader, world.bucket, name);
        const pushes = world.memory.pushes.filter((p) => p.name === name);
        expect(tags, 'pointers in the search index').to.deep.equal([...pushes.map((p) => p.timestamp), 'latest'].sort());
      }, { timeoutMs: DEADLINE_MS, what: `the search index agreeing with ${featureName}` });
      break;
    case 'SQL package tables': {
      // SQL reads the registry's S3 layout directly: a push is visible on the very next query.
      const v = await viewThroughSql(world.sql().engine, sqlTables(world), name);
      expect(v, 'SQL knows the package').to.not.equal(undefined);
      expect(comparable(v!)).to.deep.equal(expected);
      break;
    }
  }
}

const sqlTables = (world: QuiltWorld): { tag: string; manifest: string; entry: string } => ({
  tag: world.sql().metadataTable('tag'), manifest: world.sql().metadataTable('manifest'), entry: world.sql().metadataTable('entry'),
});

export async function expectGoneFromPath(world: QuiltWorld, featureName: string, path: PathName): Promise<void> {
  const name = world.packageName(featureName);
  const reader = world.catalog('reader');
  switch (path) {
    case 'S3 manifest':
      expect(await world.registry('reader').latestHash(name)).to.equal(undefined);
      expect(await world.registry('reader').revisions(name)).to.deep.equal([]);
      break;
    case 'registry GraphQL':
      expect(await viewThroughGraphql(reader, world.bucket, name, 'latest')).to.equal(undefined);
      break;
    case 'catalog page': {
      const page = await reader.page(catalogPackageUrl(world.target.catalog!.catalogUrl, world.bucket, name));
      expect(page.status, 'the package page after the delete').to.equal(world.target.kind === 'local' ? 404 : page.status);
      break;
    }
    case 'search index':
      await eventually(async () => {
        expect(await pointersInSearch(reader, world.bucket, name), 'pointers left in the search index').to.deep.equal([]);
      }, { timeoutMs: DEADLINE_MS, what: `the search index forgetting ${featureName}` });
      break;
    case 'SQL package tables':
      expect(await viewThroughSql(world.sql().engine, sqlTables(world), name), 'SQL after the delete').to.equal(undefined);
      break;
  }
}
