/**
 * Package workflows (spec §1.1, §2.2, §3.3) as tasks a persona performs on the registry (the
 * test bucket), with the checks that make each step fail for the right reason. Every package a
 * scenario pushes is registered for removal — pointers and copied data at once, manifests by the
 * sweeper later (see ownPackage).
 */
import { expect } from 'chai';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { QuiltNotFoundError, catalogPackageUrl, catalogRevisionUrl, catalogRevisionsUrl, type PushResult } from '@quilt-e2e/quilt-js';

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

export function remember(world: QuiltWorld, push: PushResult): PushResult {
  world.memory.pushes.push(push);
  world.memory.revision = push.revision;
  return push;
}

/** Creates a package from files of the scenario's folder; logical keys are the file names. */
export async function createFromFiles(world: QuiltWorld, persona: PersonaRole, featureName: string, paths: string[], message?: string, userMeta?: unknown): Promise<void> {
  const name = world.packageName(featureName);
  ownPackage(world, name);
  remember(world, await world.registry(persona).create(name, {
    entries: paths.map((p) => ({ logicalKey: basename(p), source: world.uri(p) })),
    message: message ?? null,
    ...(userMeta !== undefined ? { userMeta } : {}),
  }));
}

export async function addFiles(world: QuiltWorld, persona: PersonaRole, featureName: string, paths: string[]): Promise<void> {
  const name = world.packageName(featureName);
  remember(world, await world.registry(persona).update(name, { set: paths.map((p) => ({ logicalKey: basename(p), source: world.uri(p) })), message: `added ${paths.map(basename).join(', ')}` }));
}

export async function browse(world: QuiltWorld, persona: PersonaRole, featureName: string, ref = 'latest'): Promise<void> {
  world.memory.revision = await world.registry(persona).browse(world.packageName(featureName), ref);
}

export function expectFiles(world: QuiltWorld, rows: { 'logical key': string; size: string }[]): void {
  const rev = world.memory.revision;
  expect(rev.entries.map((e) => [e.logicalKey, e.size])).to.deep.equal(rows.map((r) => [r['logical key'], Number(r.size)]));
  expect(rev.totalEntries).to.equal(rows.length);
  expect(rev.totalBytes).to.equal(rows.reduce((n, r) => n + Number(r.size), 0));
  for (const e of rev.entries) expect(e.hash.type).to.equal('sha2-256-chunked');
}

export function expectMessageAndMeta(world: QuiltWorld, message: string, userMeta: unknown): void {
  const rev = world.memory.revision;
  expect(rev.message).to.equal(message);
  expect(rev.userMeta).to.deep.equal(userMeta);
}

export async function expectRevisions(world: QuiltWorld, featureName: string, count: number): Promise<void> {
  const name = world.packageName(featureName);
  const registry = world.registry('admin');
  const revisions = await registry.revisions(name);
  expect(revisions.map((r) => r.hash), 'revisions, newest first').to.deep.equal([...world.memory.pushes.filter((p) => p.name === name)].reverse().map((p) => p.hash).slice(0, count));
  expect(revisions.length).to.equal(count);
  expect(await registry.latestHash(name), 'latest is the newest revision').to.equal(world.memory.pushes.at(-1)!.hash);
}

export async function diffWithPrevious(world: QuiltWorld, persona: PersonaRole, featureName: string): Promise<void> {
  world.memory.diff = await world.registry(persona).diff(world.packageName(featureName));
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
  await world.registry(persona).deletePackage(world.packageName(featureName));
}

export async function expectPackageGone(world: QuiltWorld, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const registry = world.registry('admin');
  let error: unknown;
  try { await registry.browse(name); } catch (e) { error = e; }
  expect(error, `browsing ${name} after deletion`).to.be.instanceOf(QuiltNotFoundError);
  expect(await registry.list({ namespace: name.split('/')[0] })).to.not.include(name);
  expect(await registry.revisions(name)).to.deep.equal([]);
}

/** Packages every object under a folder of the scenario (listing page by page), keys relative to the folder. */
export async function createFromFolder(world: QuiltWorld, persona: PersonaRole, folder: string, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  ownPackage(world, name);
  remember(world, await world.registry(persona).createFromPrefix(name, `s3://${world.bucket}/${world.key(folder)}`, { message: `packaged from ${folder}` }));
}

/** The package has exactly one entry per object of the folder, each keyed by its path relative to the folder and pointing at it. */
export async function expectPackageMirrorsFolder(world: QuiltWorld, featureName: string, folder: string, count: number): Promise<void> {
  const rev = await world.registry('admin').browse(world.packageName(featureName));
  const listing = await world.objects('admin').list(world.bucket, world.key(folder), count + 1000);
  expect(listing.count, 'objects in the folder').to.equal(count);
  expect(rev.totalEntries, 'entries in the package').to.equal(listing.count);
  const prefix = world.key(folder);
  const expected = listing.objects.map((o) => o.key.slice(prefix.length)).sort();
  expect([...rev.logicalKeys].sort()).to.deep.equal(expected);
  for (const key of rev.logicalKeys.slice(0, 50)) {
    const loc = rev.location(key);
    expect(loc.scheme === 's3' && loc.key, `physical key of ${key}`).to.equal(`${prefix}${key}`);
  }
  expect(new Set(rev.logicalKeys.map((k) => k.split('/')[0])).size, 'run folders kept').to.be.greaterThan(1);
}

/** Opens every catalog URL of the package's latest revision; each must open and (local catalog) show the revision's hash. */
export async function openCatalogUrls(world: QuiltWorld, persona: PersonaRole, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const push = world.memory.pushes.filter((p) => p.name === name).at(-1)!;
  const base = world.target.catalog!.catalogUrl;
  const first = push.revision.entries[0]!.logicalKey;
  const urls = [
    catalogPackageUrl(base, world.bucket, name),
    catalogRevisionUrl(base, world.bucket, name, push.hash),
    catalogRevisionUrl(base, world.bucket, name, push.timestamp, first),
    catalogRevisionsUrl(base, world.bucket, name),
  ];
  world.memory.pages = [];
  for (const url of urls) world.memory.pages.push(await world.catalog(persona).page(url));
}

export function expectPagesShowRevision(world: QuiltWorld, featureName: string): void {
  const hash = world.memory.pushes.filter((p) => p.name === world.packageName(featureName)).at(-1)!.hash;
  for (const p of world.memory.pages) {
    expect(p.status, `HTTP status of ${p.url}`).to.equal(200);
    if (world.target.kind === 'local') expect(p.html, `${p.url} shows the revision ${hash.slice(0, 10)}`).to.include(hash);
  }
  expect(world.memory.pages.length).to.equal(4);
}
