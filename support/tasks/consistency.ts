/**
 * Consistency (spec §5): the same package seen through every path agrees with the manifest in S3
 * — after a push, after an update and after a delete. Paths that are eventually consistent
 * (search, SQL) are given a deadline to catch up; none may show a stale or phantom revision.
 */
import { expect } from 'chai';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { eventually } from '@quilt-e2e/test-kit';
import { quilt3Oracle } from '../oracles/quilt3.js';
import { chunkedSha256 } from '../oracles/checksums.js';
import { expectNoSuchPackagePage, expectPackagePage, expectRevisionPage, revisionsShown } from './catalog-pages.js';
import { pointersInSearch, viewOfRevision, viewThroughGraphql, viewThroughSearch, viewThroughSql, type PackageView } from '../domain/package-views.js';
import { besidePages, oneVisit } from '../adapters/catalog-app.js';

const DEADLINE_MS = Number(process.env.QUILT_E2E_INDEX_DEADLINE_MS ?? 20_000);

export type PathName = 'S3 manifest' | 'registry GraphQL' | 'catalog page' | 'search index' | 'SQL package tables' | "quilt-mcp's other backend";

/**
 * The fields every path must agree on. "No package metadata" is written as an absent user_meta in
 * the manifest and as "{}" by Quilt's indexer, so both read as {} here.
 */
const comparable = (v: PackageView): Omit<PackageView, 'source'> => ({
  hash: v.hash, message: v.message, userMeta: v.userMeta ?? {}, totalEntries: v.totalEntries, totalBytes: v.totalBytes, entries: v.entries,
});

/** The source of truth for the revision of `featureName` pushed last, read once per revision: every path is compared with the same reading. */
function truth(world: QuiltWorld, featureName: string): Promise<PackageView> {
  const name = world.packageName(featureName);
  const push = world.memory.pushes.filter((p) => p.name === name).at(-1);
  if (!push) throw new Error(`no revision of ${featureName} was pushed in this scenario`);
  const read = truths.get(world) ?? new Map<string, Promise<PackageView>>();
  truths.set(world, read);
  const key = `${name}@${push.hash}`;
  if (!read.has(key)) read.set(key, readTruth(world, name, push));
  return read.get(key)!;
}

const truths = new WeakMap<QuiltWorld, Map<string, Promise<PackageView>>>();

/**
 * The source of truth every path is compared with: the revision the scenario published, as the
 * REAL quilt3 reads it from S3 (support/oracles/quilt3.ts — quilt3 recomputes its top hash), after
 * checking it holds exactly what the scenario asked for: each entry is one of the files the
 * scenario uploaded, with their size and a sha2-256-chunked computed here from their bytes.
 */
async function readTruth(world: QuiltWorld, name: string, push: QuiltWorld['memory']['pushes'][number]): Promise<PackageView> {
  const q = await quilt3Oracle(world.target).browse(name, push.hash);
  const asked = push.request;
  if (asked) {
    expect(q.entries.map((e) => e.logicalKey).sort(), 'the files of the revision, as quilt3 reads them').to.deep.equal(Object.keys(asked).sort());
    for (const e of q.entries) {
      const bytes = world.memory.seeded.get(asked[e.logicalKey]!);
      if (!bytes) throw new Error(`${e.logicalKey} was published from ${asked[e.logicalKey]}, which no earlier step of this scenario uploaded`);
      expect({ size: e.size, hash: e.hashValue }, `${e.logicalKey}: size and sha2-256-chunked of the bytes uploaded`).to.deep.equal({ size: bytes.length, hash: chunkedSha256(bytes) });
    }
  }
  const entries: PackageView['entries'] = {};
  for (const e of q.entries) entries[e.logicalKey] = { size: e.size, hash: e.hashValue ?? '' };
  const totalBytes = q.entries.reduce((n, e) => n + e.size, 0);
  return { source: 'quilt3', hash: q.topHash, message: q.message, userMeta: JSON.parse(q.userMetaJson) as unknown, totalEntries: q.entries.length, totalBytes, entries };
}

/**
 * Every path at the same time, as a monitor looks at them; every path that disagrees is reported,
 * not only the first. The catalog's pages are read beside the others (besidePages): the scenario
 * waits on the browser only for what it takes beyond them.
 */
export async function expectEveryPath(paths: PathName[], check: (path: PathName) => Promise<void>): Promise<void> {
  const failed: Array<{ path: PathName; error: unknown }> = [];
  await Promise.all(paths.map((path) => (path === 'catalog page' ? check(path) : besidePages(() => check(path)))
    .catch((error: unknown) => { failed.push({ path, error }); })));
  failed.sort((a, b) => paths.indexOf(a.path) - paths.indexOf(b.path));
  if (failed.length === 1) throw failed[0]!.error;
  if (failed.length > 1) throw new Error(`${failed.length} of ${paths.length} paths disagree:\n${failed.map((f) => `- ${f.path}: ${(f.error as Error).message ?? String(f.error)}`).join('\n')}`);
}

export async function expectPathAgrees(world: QuiltWorld, featureName: string, path: PathName): Promise<void> {
  const name = world.packageName(featureName);
  const expected = comparable(await truth(world, featureName));
  const reader = world.catalog('reader');
  switch (path) {
    case 'S3 manifest': {
      // The pointers as plain S3 objects (read as Rita): latest names the revision, and quilt3 lists it as the newest.
      const latest = await world.objects('reader').text(`s3://${world.bucket}/.quilt/named_packages/${name}/latest`);
      expect(latest.text.trim(), 'the latest pointer').to.equal(expected.hash);
      expect((await quilt3Oracle(world.target).revisions(name))[0]?.hash, 'the newest revision quilt3 lists').to.equal(expected.hash);
      break;
    }
    case 'registry GraphQL': {
      const v = await viewThroughGraphql(reader, world.bucket, name, 'latest');
      expect(v, 'GraphQL knows the package').to.not.equal(undefined);
      expect(comparable(v!)).to.deep.equal(expected);
      break;
    }
    case 'catalog page': {
      // What Rita sees in Quilt's catalog: the package at latest lists the latest revision's top-level
      // files and folders, the revision's own page names its hash, and the revisions list starts with it.
      const topLevel = [...new Set(Object.keys(expected.entries).map((lk) => lk.split('/')[0]!))];
      // One visit: she goes from page to page in the app.
      await oneVisit(async () => {
        await expectPackagePage(world, 'reader', world.bucket, name, topLevel);
        await expectRevisionPage(world, 'reader', world.bucket, name, expected.hash, topLevel);
        expect((await revisionsShown(world, 'reader', world.bucket, name, expected.hash))[0], 'the newest revision the revisions page lists').to.equal(expected.hash);
      });
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
    case "quilt-mcp's other backend": {
      // Rita browses it through the backend of quilt-mcp that did not write it (spec §5.2): platform
      // when quilt3 wrote, quilt3 when platform did — same release.
      const other = world.otherMcpBackend();
      const v = comparable(viewOfRevision(`quilt-mcp (${other})`, await world.mcpPackageOps('reader', other).browse(name)));
      // Field by field, so that a failure names what the backend got wrong.
      const said = (what: string): string => `${what}, browsed through quilt-mcp's ${other} backend`;
      const sizes = (e: PackageView['entries']): Record<string, number> => Object.fromEntries(Object.entries(e).map(([k, x]) => [k, x.size]));
      expect(sizes(v.entries), said('the files and their sizes')).to.deep.equal(sizes(expected.entries));
      expect(v.hash, said('the top hash')).to.equal(expected.hash);
      expect(v.entries, said('the files\' hashes')).to.deep.equal(expected.entries);
      expect(v.message, said('the message')).to.equal(expected.message);
      expect(v.userMeta, said('the metadata')).to.deep.equal(expected.userMeta);
      break;
    }
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
      expect((await world.objects('admin').list(world.bucket, `.quilt/named_packages/${name}/`)).objects.map((o) => o.key), 'pointers still there (current objects; old versions may stay in a versioned bucket)').to.deep.equal([]);
      expect(await quilt3Oracle(world.target).revisions(name), 'revisions quilt3 lists').to.deep.equal([]);
      break;
    case 'registry GraphQL':
      expect(await viewThroughGraphql(reader, world.bucket, name, 'latest')).to.equal(undefined);
      break;
    case 'catalog page':
      // Quilt's catalog shows its not-found page for the package, in the browser as Rita sees it.
      await expectNoSuchPackagePage(world, 'reader', world.bucket, name);
      break;
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
