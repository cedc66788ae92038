/**
 * Quilt's canaries, run by a person in Quilt's web catalog (a real browser): the bucket's overview
 * or its access-denied page, a pinned Quilt+ URI that keeps giving the same bytes, a search that
 * finds a new file. What the page showed is checked against the storage itself.
 */
import { expect } from 'chai';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { catalogBucketUrl } from '@quilt-e2e/quilt-js';
import { eventually } from '@quilt-e2e/test-kit';
import { downloadVia } from '../adapters/catalog-app.js';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { ACCESS_DENIED, OVERVIEW, viewPage } from './catalog-pages.js';
import { addFiles } from './packages.js';
import { escapeRegExp } from '../text.js';

/** How long the indexer may take to make a new file searchable (as the search scenarios allow). */
const INDEX_DEADLINE_MS = Number(process.env.QUILT_E2E_INDEX_DEADLINE_MS ?? 20_000);

export async function openBucket(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  world.memory.pageView = await viewPage(world, persona, catalogBucketUrl(world.target.catalog!.catalogUrl, world.bucket), [{ shows: OVERVIEW, withIt: [world.bucket] }, { shows: ACCESS_DENIED }]);
}

export function expectOverview(world: QuiltWorld): void {
  const v = world.memory.pageView;
  expect(v.matched, `the bucket page shows: ${v.text.replace(/\s+/g, ' ').slice(0, 400)}`).to.equal(OVERVIEW);
  expect(v.text, 'an overview of the bucket, not a refusal').to.not.include(ACCESS_DENIED);
}

export function expectAccessDenied(world: QuiltWorld): void {
  const v = world.memory.pageView;
  expect(v.matched, `the bucket page shows: ${v.text.replace(/\s+/g, ' ').slice(0, 400)}`).to.equal(ACCESS_DENIED);
  expect(v.text, 'no overview of a bucket he may not read').to.not.include(OVERVIEW);
}

/** Given: a newer revision of the package whose file of that name has other bytes. */
export async function pushNewerRevision(world: QuiltWorld, path: string, featureName: string): Promise<void> {
  await addFiles(world, 'admin', featureName, [path], true);
}

/** Opens the Quilt+ URI of the package's first revision at `file` in the catalog and downloads the file from the page it resolves to. */
export async function downloadPinned(world: QuiltWorld, persona: PersonaRole, file: string, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const first = world.memory.pushes.find((p) => p.name === name)!;
  // The URI as the run's driver gives it (the engine builds it; quilt-mcp's catalog_uri answers it).
  const uri = await world.packageOps(persona).quiltPlusUri(name, first.hash, file);
  world.log(`Quilt+ URI of the first revision: ${uri}`);
  const view = await viewPage(world, persona, `${world.target.catalog!.catalogUrl}/uri/${encodeURIComponent(uri)}`,
    [{ shows: `${name} @ ${first.hash.slice(0, 10)}`, withIt: [file] }, { shows: /No Such (Revision|Package|Object)/ }], downloadVia(/download file/i));
  expect(view.matched, `the Quilt+ URI's page shows: ${view.text.replace(/\s+/g, ' ').slice(0, 400)}`).to.equal(`${name} @ ${first.hash.slice(0, 10)}`);
  world.memory.downloaded = view.then as Buffer;
}

/** The downloaded bytes are those of the first revision's file: the physical key and version its manifest pins, read from S3. */
export async function expectPinnedBytes(world: QuiltWorld, file: string, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const first = world.memory.pushes.find((p) => p.name === name)!;
  const entry = first.revision.entries.find((e) => e.logicalKey === file)!;
  const url = new URL(entry.physicalKey);
  const versionId = url.searchParams.get('versionId') ?? undefined;
  const r = await world.s3('admin').send(new GetObjectCommand({ Bucket: url.hostname, Key: decodeURIComponent(url.pathname.slice(1)), ...(versionId ? { VersionId: versionId } : {}) }));
  const pinned = Buffer.from(await r.Body!.transformToByteArray());
  expect(world.memory.downloaded.toString('utf8'), `the bytes the catalog gave for ${file} of the first revision`).to.equal(pinned.toString('utf8'));
  expect(world.memory.downloaded.equals(pinned), 'byte for byte').to.equal(true);
}

/** A key as the catalog's search results show it: bucket / segment / ... / file. */
const shownPath = (bucket: string, key: string): RegExp =>
  new RegExp([bucket, ...key.split('/')].map(escapeRegExp).join('\\s*/\\s*'));

/** Searches the bucket in the catalog (its search page), until the scenario's file shows up or the index deadline passes. */
export async function searchInCatalog(world: QuiltWorld, persona: PersonaRole, query: string): Promise<void> {
  const url = `${world.target.catalog!.catalogUrl}/b/${encodeURIComponent(world.bucket)}/search?q=${encodeURIComponent(query)}`;
  const mine = shownPath(world.bucket, world.key('').replace(/\/$/, ''));
  await eventually(async () => {
    world.memory.pageView = await viewPage(world, persona, url, [{ shows: mine }, { shows: /\b0 results|no (results|matches)/i }]);
    expect(world.memory.pageView.matched, 'the search page lists a result of this scenario').to.equal(mine);
  }, { timeoutMs: INDEX_DEADLINE_MS, what: `the catalog's search finding ${query}` });
}

export function expectResultListed(world: QuiltWorld, path: string): void {
  const v = world.memory.pageView;
  expect(v.text, `the catalog's search results: ${v.text.replace(/\s+/g, ' ').slice(0, 500)}`).to.match(shownPath(world.bucket, world.key(path)));
}
