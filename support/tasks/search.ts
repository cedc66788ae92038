/**
 * Search workflows (spec §1.3, §2.1): what a search finds must be exactly the real, current data —
 * no phantoms, nothing stale — and every result must lead somewhere real: the object, its catalog
 * page, the package it names. Searches are retried within a deadline while the indexer catches up.
 */
import { expect } from 'chai';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import type { SearchRequest, SearchResult } from '../domain/search.js';
import { quilt3Oracle } from '../oracles/quilt3.js';
import { eventually } from '@quilt-e2e/test-kit';
import { catalogObjectUrl } from '@quilt-e2e/quilt-js';
import { expectObjectPage, expectRevisionPage, previewOf } from './catalog-pages.js';
import { checkBucketAccess } from '../domain/access.js';
import { oneVisit } from '../adapters/catalog-app.js';

/** How long the indexer may take to make a change searchable (the local budget is p95 ≤ 2 s). */
const INDEX_DEADLINE_MS = Number(process.env.QUILT_E2E_INDEX_DEADLINE_MS ?? 20_000);

export async function searchFiles(world: QuiltWorld, persona: PersonaRole, query: string, folder: string): Promise<void> {
  world.memory.searchRequest = { persona, request: { query, scope: 'file', bucket: world.bucket, keyPrefix: world.key(folder), limit: 50 } };
  await rerun(world);
}

export async function searchPackages(world: QuiltWorld, persona: PersonaRole, query: string): Promise<void> {
  world.memory.searchRequest = { persona, request: { query, scope: 'package', bucket: world.bucket, nameContains: `-${world.scenarioId}/`, limit: 50 } };
  await rerun(world);
}

async function rerun(world: QuiltWorld): Promise<SearchResult[]> {
  const { persona, request } = world.memory.searchRequest;
  const answer = await world.searchOps(persona).search(request);
  world.memory.searchResults = answer.results;
  return answer.results;
}

const relative = (world: QuiltWorld, folder: string, key: string): string => key.slice(world.key(folder).length);

/**
 * The search finds exactly these files, once the catalog's index holds every file S3 lists in the
 * folder (seen through its search API, not through the driver): before that, a search that finds
 * too much (any file matching any word) could answer exactly the expected files by chance, from an
 * index that has not seen the others yet. Re-run until it agrees, within the index deadline.
 */
export async function expectFilesFound(world: QuiltWorld, folder: string, expected: string[]): Promise<void> {
  await expectFolderInIndex(world, folder);
  await eventually(async () => {
    const results = await rerun(world);
    expect(results.map((r) => relative(world, folder, r.key!)).sort()).to.deep.equal([...expected].sort());
  }, { timeoutMs: INDEX_DEADLINE_MS, what: `the search finding exactly ${expected.join(', ')}` });
}

/** The catalog's search index holds every file S3 lists under `folder` now (the oracle: a raw S3 listing). */
async function expectFolderInIndex(world: QuiltWorld, folder: string): Promise<void> {
  const prefix = world.key(folder);
  const inS3 = (await world.objects('admin').list(world.bucket, prefix, 1000)).objects.map((o) => o.key);
  if (inS3.length === 0) return;
  await eventually(async () => {
    const r = await world.catalog('admin').search({ index: world.bucket, action: 'freeform', body: { query: { prefix: { key: prefix } } }, size: inS3.length + 50 });
    const held = r.hits.hits.map((h) => String(h._source?.key));
    expect(held, `the files of ${folder} in the search index`).to.include.members(inS3);
  }, { timeoutMs: INDEX_DEADLINE_MS, what: `the search index holding every file S3 lists under ${folder}` });
}

export async function expectResultsAreRealObjects(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  for (const r of world.memory.searchResults) {
    const info = await world.objects(persona).info(r.s3Uri!);
    expect(info.size, `size of ${r.key} (search said ${r.size})`).to.equal(r.size).and.to.be.greaterThan(0);
    // The index describes the object's current version: same ETag (and version, when it names one).
    expect(r.etag, `ETag of ${r.key} (search said ${r.etag})`).to.equal(info.etag);
    if (r.versionId !== undefined && info.versionId !== undefined) expect(r.versionId, `version of ${r.key}`).to.equal(info.versionId);
  }
}

/** What a catalog page names: a file of a bucket, or a revision of a package. */
type PageSubject = { bucket: string; key: string } | { bucket: string; name: string; hash: string };

/** The page of a file or a revision opens in Quilt's catalog, in the browser, and shows what it names. */
async function expectPageShows(world: QuiltWorld, persona: PersonaRole, subject: PageSubject): Promise<void> {
  if ('key' in subject) {
    // What its preview is to show: the file's first bytes, read from S3 itself.
    const head = await world.objects('admin').text(`s3://${subject.bucket}/${subject.key}`, 2048);
    await expectObjectPage(world, persona, subject.bucket, subject.key, previewOf(subject.key, head.text));
  }
  else await expectRevisionPage(world, persona, subject.bucket, subject.name, subject.hash);
}

export async function expectResultPagesOpen(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  await oneVisit(async () => {
    for (const r of world.memory.searchResults) {
      if (r.type === 'file') await expectPageShows(world, persona, { bucket: r.bucket, key: r.key! });
      else await expectPageShows(world, persona, { bucket: r.bucket, name: r.packageName!, hash: r.hash! });
    }
  });
}

export async function expectPackageFound(world: QuiltWorld, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const latest = world.memory.pushes.filter((p) => p.name === name).at(-1)!;
  await eventually(async () => {
    const results = await rerun(world);
    const hit = results.find((r) => r.packageName === name);
    expect(hit, `${name} among ${results.map((r) => r.packageName).join(', ') || 'no results'}`).to.not.equal(undefined);
    expect({ hash: hit!.hash, entries: hit!.totalEntries, size: hit!.size }, `the search result for ${name}: its revision, files and bytes`).to.deep.equal({ hash: latest.hash, entries: latest.revision.totalEntries, size: latest.revision.totalBytes });
  }, { timeoutMs: INDEX_DEADLINE_MS, what: `the search finding ${name} at its latest revision` });
}

/** From the search hit: browse the package at the hash found, and open its revision page. */
export async function expectFoundPackageBrowses(world: QuiltWorld, persona: PersonaRole, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const hit = world.memory.searchResults.find((r) => r.packageName === name)!;
  const rev = await world.registry(persona).browse(hit.packageName!, hit.hash!);
  const pushed = await quilt3Oracle(world.target).browse(name, world.memory.pushes.filter((p) => p.name === name).at(-1)!.hash);
  expect(rev.entries.map((e) => [e.logicalKey, e.size]).sort(), 'the revision found vs the one published, as quilt3 reads it').to.deep.equal(pushed.entries.map((e) => [e.logicalKey, e.size]).sort());
  await expectPageShows(world, persona, { bucket: hit.bucket, name, hash: hit.hash! });
}

/** Workflow §2.1: the persona may read every bucket the results come from — measured, not inferred. */
export async function expectReadableBuckets(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  const buckets = [...new Set(world.memory.searchResults.map((r) => r.bucket))];
  expect(buckets.length, 'buckets in the results').to.be.greaterThan(0);
  for (const b of buckets) {
    const r = await checkBucketAccess(world.s3(persona), b, { sampleKey: world.memory.searchResults.find((x) => x.bucket === b)?.key, probePrefix: world.key('.access-probe/') });
    expect(r.accessSummary.canRead, `${b}: ${JSON.stringify(r.evidence)}`).to.equal(true);
  }
}

export async function expectNeighboursListed(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  for (const r of world.memory.searchResults) {
    const parent = r.key!.slice(0, r.key!.lastIndexOf('/') + 1);
    const listing = await world.objects(persona).list(r.bucket, parent, 10);
    expect(listing.objects.map((o) => o.key), `listing around ${r.key}`).to.include(r.key);
  }
}

export async function expectPreviews(world: QuiltWorld, persona: PersonaRole, maxBytes: number): Promise<void> {
  for (const r of world.memory.searchResults) {
    const t = await world.objects(persona).text(r.s3Uri!, maxBytes);
    const stored = Buffer.from(world.memory.seeded.get(r.key!)!).subarray(0, maxBytes).toString('utf8');
    expect(t.text, `preview of ${r.key}`).to.equal(stored).and.not.equal('');
  }
}

/** A report of catalog links for the results, every one of which opens. */
export async function expectLinkReport(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  const base = world.target.catalog!.catalogUrl;
  const links = world.memory.searchResults.map((r) => catalogObjectUrl(base, r.bucket, r.key!));
  world.attach(links.join('\n'), 'text/uri-list');
  await oneVisit(async () => {
    for (const r of world.memory.searchResults) await expectPageShows(world, persona, { bucket: r.bucket, key: r.key! });
  });
}

export type { SearchRequest };

/** The file search for `query` in a folder (re-run until the index has caught up) finds exactly these files. */
export async function expectSearchFinds(world: QuiltWorld, persona: PersonaRole, query: string, folder: string, expected: string[]): Promise<void> {
  await searchFiles(world, persona, query, folder);
  await expectFilesFound(world, folder, expected);
}
