/**
 * Package workflows (spec §1.1, §2.2, §3.3) as tasks a persona performs on the registry (the
 * test bucket), with the checks that make each step fail for the right reason. Every package a
 * scenario pushes is registered for removal — pointers and copied data at once, manifests by the
 * sweeper later (see ownPackage).
 */
import { expectPageOfRevision, previewOf } from './catalog-pages.js';
import { expect } from 'chai';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { quilt3Oracle, Quilt3OracleError } from '../oracles/quilt3.js';
import type { PushResult } from '@quilt-e2e/quilt-js';
import { oneVisit } from '../adapters/catalog-app.js';

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Registers the removal of everything a package of this scenario may leave in the bucket (once per package). */
export function ownPackage(world: QuiltWorld, name: string): void {
  const key = `package ${name}`;
  if (world.ledger.describe().includes(key)) return;
  world.ledger.register(key, async () => {
    const admin = world.objects('admin');
    await admin.purgePrefix(world.bucket, `.quilt/named_packages/${name}/`);
    await admin.purgePrefix(world.bucket, `${name}/`);
    // Manifests stay for now: a top hash does not cover physical keys, so scenarios running beside
    // this one may share the manifest object, and on Ceph RGW 16 deleting ANY version of a key makes
    // reads of that key answer NoSuchKey for a moment even while other versions remain (measured:
    // 39 of 145 GETs while 40 versions came and went). The sweeper removes this scenario's manifest
    // versions (S3 metadata quilt-e2e-scenario) once they are older than its age.
  });
}

export function remember(world: QuiltWorld, push: PushResult, request?: Record<string, string>): PushResult {
  world.memory.pushes.push({ ...push, ...(request ? { request } : {}) });
  world.memory.revision = push.revision;
  return push;
}

/**
 * Creates a package from files of the scenario's folder; logical keys are the file names. As a
 * When-step the run's driver performs it; as a Given (`setUp`) the suite's engine sets it up.
 */
export async function createFromFiles(world: QuiltWorld, persona: PersonaRole, featureName: string, paths: string[], message?: string, userMeta?: unknown, setUp = false): Promise<void> {
  const name = world.packageName(featureName);
  ownPackage(world, name);
  remember(world, await (setUp ? world.registry(persona) : world.packageOps(persona)).create(name, {
    entries: paths.map((p) => ({ logicalKey: basename(p), source: world.uri(p) })),
    // A message of the scenario's own when the feature gives none: a top hash does not cover physical
    // keys, so two scenarios publishing equal files would otherwise share one manifest object (and
    // any reader caching it by hash would see the other scenario's — soon deleted — files).
    message: message ?? `published by scenario ${world.scenarioId}`,
    ...(userMeta !== undefined ? { userMeta } : {}),
  }), Object.fromEntries(paths.map((p) => [basename(p), world.key(p)])));
}

/** Adds files to the package (a When-step: the run's driver; a Given, `setUp`: the suite's engine). */
export async function addFiles(world: QuiltWorld, persona: PersonaRole, featureName: string, paths: string[], setUp = false): Promise<void> {
  const name = world.packageName(featureName);
  const before = world.memory.pushes.filter((p) => p.name === name).at(-1)?.request;
  remember(world, await (setUp ? world.registry(persona) : world.packageOps(persona)).update(name, { set: paths.map((p) => ({ logicalKey: basename(p), source: world.uri(p) })), message: `added ${paths.map(basename).join(', ')} (scenario ${world.scenarioId})` }),
    before ? { ...before, ...Object.fromEntries(paths.map((p) => [basename(p), world.key(p)])) } : undefined);
}

export async function browse(world: QuiltWorld, persona: PersonaRole, featureName: string, ref = 'latest'): Promise<void> {
  world.memory.revision = await world.packageOps(persona).browse(world.packageName(featureName), ref);
}

/**
 * The revision a browse of `latest` showed: the newest this scenario pushed. A browse that names
 * its top hash must name that one (quilt-mcp's package_browse names none: its hash is "unknown").
 */
function browsedHash(world: QuiltWorld): string {
  const rev = world.memory.revision;
  const latest = world.memory.pushes.filter((p) => p.name === rev.name).at(-1)?.hash;
  if (!latest) return rev.hash;
  if (rev.hash !== 'unknown') expect(rev.hash, 'the top hash the browse showed is the latest revision').to.equal(latest);
  return latest;
}

/** The revision browsed holds exactly these files — as the browse showed it, and as the real quilt3 reads the same revision from S3. */
export async function expectFiles(world: QuiltWorld, rows: { 'logical key': string; size: string }[]): Promise<void> {
  const rev = world.memory.revision;
  const want = rows.map((r) => [r['logical key'], Number(r.size)]);
  expect(rev.entries.map((e) => [e.logicalKey, e.size]), 'the files the browse showed').to.deep.equal(want);
  expect(rev.totalEntries).to.equal(rows.length);
  expect(rev.totalBytes).to.equal(rows.reduce((n, r) => n + Number(r.size), 0));
  const q = await quilt3Oracle(world.target).browse(rev.name, browsedHash(world));
  expect(q.entries.map((e) => [e.logicalKey, e.size]).sort(), 'the files quilt3 reads at that revision').to.deep.equal([...want].sort());
  for (const e of q.entries) {
    expect(e.hashType, `hash type of ${e.logicalKey}`).to.equal('sha2-256-chunked');
    expect(rev.file(e.logicalKey).hash.value, `hash of ${e.logicalKey}: the browse vs quilt3`).to.equal(e.hashValue);
  }
}

export async function expectMessageAndMeta(world: QuiltWorld, message: string, userMeta: unknown): Promise<void> {
  const rev = world.memory.revision;
  expect(rev.message, 'the message the browse showed').to.equal(message);
  expect(rev.userMeta, 'the metadata the browse showed').to.deep.equal(userMeta);
  const q = await quilt3Oracle(world.target).browse(rev.name, browsedHash(world));
  expect({ message: q.message, userMeta: JSON.parse(q.userMetaJson) as unknown }, 'message and metadata as quilt3 reads them').to.deep.equal({ message, userMeta });
}

export async function expectRevisions(world: QuiltWorld, featureName: string, count: number): Promise<void> {
  const name = world.packageName(featureName);
  // As the real quilt3 lists them from the pointers in S3.
  const q3 = quilt3Oracle(world.target);
  const revisions = await q3.revisions(name);
  expect(revisions.map((r) => r.hash), 'revisions, newest first').to.deep.equal([...world.memory.pushes.filter((p) => p.name === name)].reverse().map((p) => p.hash).slice(0, count));
  expect(revisions.length).to.equal(count);
  expect(await q3.latestHash(name), 'latest is the newest revision').to.equal(world.memory.pushes.at(-1)!.hash);
}

export async function diffWithPrevious(world: QuiltWorld, persona: PersonaRole, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const made = world.memory.pushes.filter((p) => p.name === name);
  world.memory.diff = await world.packageOps(persona).diff(name, { from: made.at(-2)?.hash, to: made.at(-1)?.hash });
}

export function expectDiff(world: QuiltWorld, rows: { change: string; 'logical key': string }[]): void {
  const d = world.memory.diff;
  const name = d.name;
  const pushes = world.memory.pushes.filter((p) => p.name === name);
  expect({ from: d.from, to: d.to }, 'the diff compares the previous revision with the latest').to.deep.equal({ from: pushes.at(-2)?.hash, to: pushes.at(-1)?.hash });
  const pick = (c: string): string[] => rows.filter((r) => r.change === c).map((r) => r['logical key']);
  expect({ added: d.added, modified: d.modified, deleted: d.deleted }).to.deep.equal({ added: pick('added'), modified: pick('modified'), deleted: pick('deleted') });
}

export async function deletePackage(world: QuiltWorld, persona: PersonaRole, featureName: string): Promise<void> {
  await world.packageOps(persona).deletePackage(world.packageName(featureName));
}

export async function expectPackageGone(world: QuiltWorld, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  // As the real quilt3 sees the registry, and as plain S3 listings show it.
  const q3 = quilt3Oracle(world.target);
  let error: unknown;
  try { await q3.browse(name); } catch (e) { error = e; }
  expect(Quilt3OracleError.isNotFound(error), `quilt3 browsing ${name} after deletion: ${(error as Error | undefined)?.message ?? 'it still browses'}`).to.equal(true);
  expect(await q3.listPackages(`${name.split('/')[0]}/`)).to.not.include(name);
  expect(await q3.revisions(name)).to.deep.equal([]);
  expect((await world.objects('admin').list(world.bucket, `.quilt/named_packages/${name}/`)).objects.map((o) => o.key), 'pointers still there (current objects; old versions may stay in a versioned bucket)').to.deep.equal([]);
}

/** Packages every object under a folder of the scenario (listing page by page), keys relative to the folder. */
export async function createFromFolder(world: QuiltWorld, persona: PersonaRole, folder: string, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  ownPackage(world, name);
  remember(world, await world.packageOps(persona).createFromPrefix(name, `s3://${world.bucket}/${world.key(folder)}`, { message: `packaged from ${folder}` }));
}

/** The package has exactly one entry per object of the folder, each keyed by its path relative to the folder and pointing at it. */
export async function expectPackageMirrorsFolder(world: QuiltWorld, featureName: string, folder: string, count: number): Promise<void> {
  // The package as the real quilt3 reads it; the folder as S3 lists it.
  const rev = await quilt3Oracle(world.target).browse(world.packageName(featureName));
  const listing = await world.objects('admin').list(world.bucket, world.key(folder), count + 1000);
  expect(listing.count, 'objects in the folder').to.equal(count);
  expect(rev.totalEntries, 'entries in the package').to.equal(listing.count);
  const prefix = world.key(folder);
  const sizes = new Map(listing.objects.map((o) => [o.key.slice(prefix.length), o.size]));
  expect(rev.entries.map((e) => e.logicalKey).sort(), 'logical keys: the paths inside the folder').to.deep.equal([...sizes.keys()].sort());
  for (const e of rev.entries) {
    expect(e.physicalKey.replace(/\?versionId=.*$/, ''), `physical key of ${e.logicalKey}`).to.equal(`s3://${world.bucket}/${prefix}${e.logicalKey}`);
    expect(e.size, `size of ${e.logicalKey}`).to.equal(sizes.get(e.logicalKey));
  }
  expect(new Set(rev.entries.map((e) => e.logicalKey.split('/')[0])).size, 'run folders kept').to.be.greaterThan(1);
}

/** The catalog URLs of the package's latest revision, as the run's driver gives them (the engine: Quilt's URL scheme; quilt-mcp: catalog_url). */
export async function openCatalogUrls(world: QuiltWorld, persona: PersonaRole, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const push = world.memory.pushes.filter((p) => p.name === name).at(-1)!;
  world.memory.pages = { persona, urls: await world.packageOps(persona).catalogUrls(name, { hash: push.hash, timestamp: push.timestamp, firstFile: push.revision.entries[0]!.logicalKey }) };
}

/** Each URL opens, in the browser, a page of exactly that revision (by its hash, its timestamp, latest, or the revisions list with its hash). */
export async function expectPagesShowRevision(world: QuiltWorld, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const push = world.memory.pushes.filter((p) => p.name === name).at(-1)!;
  const { persona, urls } = world.memory.pages;
  const first = push.revision.entries[0]!;
  const firstTop = first.logicalKey.split('/')[0]!;
  // A page of the first file shows its preview: the file's first bytes, read from S3 itself.
  const preview = previewOf(first.logicalKey, (await world.objects('admin').text(first.physicalKey, 2048)).text);
  await oneVisit(async () => {
    for (const url of urls) await expectPageOfRevision(world, persona, url, name, { hash: push.hash, timestamp: push.timestamp, firstTop, preview });
  });
  // The engine opens the package, revision (by hash, by timestamp with a file) and revisions pages; quilt-mcp's catalog_url gives the package and a file page.
  expect(urls.length, 'catalog pages opened').to.equal(world.driver === 'mcp' ? 2 : 4);
}
