/**
 * Performance workflows (spec §4): each measures a real operation on the target, attaches the
 * figure with its budget to the report, and fails when the budget is exceeded.
 */
import { expect } from 'chai';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { attachMeasurement } from '../reporting/measurements.js';
import { budgetSeconds, BUDGETS, type BudgetName } from '../budgets.js';
import { ensureLargeFolder, LARGE_FOLDER_PREFIX } from '../fixtures/large-folder.js';
import { ownPackage, remember } from './packages.js';
import { eventually, stalledMsSince } from '@quilt-e2e/test-kit';
import { searchCatalog } from '../domain/search.js';

/**
 * Times an action and remembers the figure under a budget name. A time the whole machine stood
 * still meanwhile (a paused VM: the servers did no work either) is left out of the figure, and said.
 */
export async function timed<T>(world: QuiltWorld, budget: BudgetName, action: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const t = process.hrtime.bigint();
  const result = await action();
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const stillS = stalledMsSince(started) / 1000;
  if (stillS > 0) world.log(`${BUDGETS[budget].label}: ${seconds.toFixed(2)} s, of which the machine stood still ${stillS.toFixed(2)} s — left out of the figure`);
  world.memory.timings.set(budget, Math.max(0, seconds - stillS));
  return result;
}

/** Attaches the measured figure and fails when it is over its budget. */
export function expectWithinBudget(world: QuiltWorld, budget: BudgetName): void {
  const seconds = world.memory.timings.get(budget);
  expect(seconds, `nothing was measured for "${BUDGETS[budget].label}"`).to.be.a('number');
  const limit = budgetSeconds(budget);
  attachMeasurement(world, { name: BUDGETS[budget].label, value: Number(seconds!.toFixed(3)), unit: 's', budget: limit, target: world.target.kind });
  expect(seconds!, `${BUDGETS[budget].label} took ${seconds!.toFixed(2)} s, over its budget of ${limit} s`).to.be.at.most(limit);
}

export async function ensureLargeFolderFixture(world: QuiltWorld, count: number): Promise<void> {
  const r = await ensureLargeFolder(world.s3('admin'), world.bucket, count, (m) => world.log(m));
  if (r.created) world.log(`created the fixture folder in ${r.seconds.toFixed(1)} s`);
}

export async function listLargeFolder(world: QuiltWorld, persona: PersonaRole, count: number): Promise<void> {
  world.memory.listing = await timed(world, 'list_10k_objects', () => world.objects(persona).list(world.bucket, `${LARGE_FOLDER_PREFIX}batch-`, count));
}

export function expectListedCount(world: QuiltWorld, count: number): void {
  const l = world.memory.listing;
  expect(l.count).to.equal(count);
  expect(new Set(l.objects.map((o) => o.key)).size, 'no key listed twice across pages').to.equal(count);
}

/** Looks up `count` files of the large folder at once, `concurrency` at a time. */
export async function parallelLookups(world: QuiltWorld, persona: PersonaRole, count: number, concurrency: number): Promise<void> {
  const store = world.objects(persona);
  const listing = await store.list(world.bucket, `${LARGE_FOLDER_PREFIX}batch-00/`, count);
  world.memory.listing = listing;
  const uris = listing.objects.map((o) => o.s3Uri);
  world.memory.infos = await timed(world, 'parallel_heads', async () => {
    const out: Awaited<ReturnType<typeof store.info>>[] = new Array(uris.length);
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < uris.length) { const i = next++; out[i] = await store.info(uris[i]!); }
    }));
    return out;
  });
}

export function expectLookupsAgree(world: QuiltWorld, count: number): void {
  const infos = world.memory.infos;
  expect(infos.length).to.equal(count);
  const listed = new Map(world.memory.listing.objects.map((o) => [o.s3Uri, o]));
  for (const i of infos) expect({ size: i.size, etag: i.etag }, i.s3Uri).to.deep.equal({ size: listed.get(i.s3Uri)!.size, etag: listed.get(i.s3Uri)!.etag });
}

/** A package whose files sit `depth` folders deep, `width` files per folder level. */
export async function createDeepPackage(world: QuiltWorld, persona: PersonaRole, featureName: string, depth: number, width: number): Promise<void> {
  const name = world.packageName(featureName);
  const entries = [];
  for (let d = 1; d <= depth; d++) {
    const dir = Array.from({ length: d }, (_, i) => `level-${i + 1}`).join('/');
    for (let w = 0; w < width; w++) entries.push({ logicalKey: `${dir}/file-${w}.txt`, content: `depth ${d} file ${w}\n` });
  }
  ownPackage(world, name);
  remember(world, await world.registry(persona).create(name, { entries, message: `${depth} levels deep` }));
}

export async function browseDeepest(world: QuiltWorld, persona: PersonaRole, featureName: string, depth: number): Promise<void> {
  const path = Array.from({ length: depth }, (_, i) => `level-${i + 1}`).join('/');
  await timed(world, 'deep_browse', async () => {
    const rev = await world.packageOps(persona).browse(world.packageName(featureName));
    world.memory.revision = rev;
    world.memory.node = rev.node(`${path}/`);
  });
}

export function expectDeepestFolder(world: QuiltWorld, files: number, totalEntries: number): void {
  const node = world.memory.node;
  const fileChildren = [...node.children.values()].filter((c) => c.entry !== undefined);
  expect(fileChildren.length, 'files in the deepest folder').to.equal(files);
  expect(world.memory.revision.totalEntries).to.equal(totalEntries);
}

/** The search index has caught up with the fixture folder (it is indexed once, like the folder itself). */
export async function expectFolderIndexed(world: QuiltWorld, count: number): Promise<void> {
  await eventually(async () => {
    const r = await world.catalog('admin').search({ index: world.bucket, action: 'freeform', body: { size: 0, track_total_hits: true, query: { prefix: { key: `${LARGE_FOLDER_PREFIX}batch-` } } } });
    const total = typeof r.hits.total === 'number' ? r.hits.total : r.hits.total.value;
    expect(total, 'fixture files in the search index').to.be.at.least(count);
  }, { timeoutMs: 300_000, intervalMs: 2000, what: `the search index holding the ${count} fixture files` });
}

export async function searchLargeFolder(world: QuiltWorld, persona: PersonaRole, query: string, limit: number): Promise<void> {
  const answer = await timed(world, 'search_1000_results', () => searchCatalog(world.catalog(persona), { query, scope: 'file', bucket: world.bucket, keyPrefix: `${LARGE_FOLDER_PREFIX}batch-`, limit }));
  world.memory.searchResults = answer.results;
  world.memory.searchTotal = answer.totalResults;
}

/** Every file of the folder mentions the query word, so the reported total must be exactly the number of files S3 lists there. */
export async function expectSearchVolume(world: QuiltWorld, returned: number): Promise<void> {
  expect(world.memory.searchResults.length, 'results returned').to.equal(returned);
  let listed = 0;
  let token: string | undefined;
  do {
    const page = await world.objects('reader').list(world.bucket, `${LARGE_FOLDER_PREFIX}batch-`, 1000, token);
    listed += page.count;
    token = page.nextContinuationToken;
  } while (token);
  expect(world.memory.searchTotal, `total matches vs the ${listed} files S3 lists`).to.equal(listed);
  expect(new Set(world.memory.searchResults.map((r) => r.key)).size, 'distinct results').to.equal(returned);
  for (const r of world.memory.searchResults) expect(r.key!.startsWith(LARGE_FOLDER_PREFIX), r.key).to.equal(true);
}

export async function parallelSearches(world: QuiltWorld, persona: PersonaRole, queries: string[]): Promise<void> {
  const client = world.catalog(persona);
  world.memory.parallelAnswers = await timed(world, 'parallel_searches', () => Promise.all(queries.map((query) =>
    searchCatalog(client, { query, scope: 'file', bucket: world.bucket, keyPrefix: LARGE_FOLDER_PREFIX, limit: 10 }))));
}

export function expectEveryParallelSearchAnswered(world: QuiltWorld, count: number): void {
  const answers = world.memory.parallelAnswers;
  expect(answers.length).to.equal(count);
  for (const a of answers) {
    expect(a.results.length, 'results of each search').to.be.greaterThan(0);
    for (const r of a.results) expect(r.key!.startsWith(LARGE_FOLDER_PREFIX)).to.equal(true);
  }
}
