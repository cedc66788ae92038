/**
 * Error workflows (spec §3): attempts that must be refused, and the checks on what the user is
 * told and on what was (not) written. An attempt's error is kept in the World for the Then steps.
 */
import { expect } from 'chai';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { BucketAccessError } from '../domain/objects.js';
import { checkBucketAccess, type AccessReport } from '../domain/access.js';
import { PackageRegistry, QuiltValidationError } from '@quilt-e2e/quilt-js';
import { listFolder, uploadFiles } from './content.js';

/** Runs an action that is expected to fail; keeps its error (a success is kept as "no error"). */
export async function attempt(world: QuiltWorld, action: () => Promise<unknown>): Promise<void> {
  world.memory.error = undefined;
  try { await action(); } catch (e) { world.memory.error = e instanceof Error ? e : new Error(String(e)); }
}

function refusal(world: QuiltWorld): Error {
  const e = world.memory.error;
  expect(e, 'the attempt should have been refused, but it succeeded').to.be.instanceOf(Error);
  return e!;
}

export const tryCreatePackage = (world: QuiltWorld, persona: PersonaRole, rawName: string, paths: string[], registry?: string): Promise<void> =>
  attempt(world, async () => {
    const reg = registry === undefined ? world.registry(persona) : new PackageRegistry(world.s3(persona), registry);
    world.memory.attemptStartedAt ??= new Date();
    await reg.create(rawName, { entries: paths.map((p) => ({ logicalKey: p.slice(p.lastIndexOf('/') + 1), source: world.uri(p) })) });
  });

export const tryInspectUri = (world: QuiltWorld, persona: PersonaRole, uri: string): Promise<void> =>
  attempt(world, () => world.objects(persona).info(uri));

export const tryList = (world: QuiltWorld, persona: PersonaRole, folder: string): Promise<void> => attempt(world, () => listFolder(world, persona, folder));

export const tryUpload = (world: QuiltWorld, persona: PersonaRole, folder: string, name: string): Promise<void> =>
  attempt(world, () => uploadFiles(world, persona, folder, [{ name, content: 'should not be written' }]));

export function expectValidationRefusal(world: QuiltWorld, words: string[]): void {
  const e = refusal(world);
  expect(e, `a validation error, got ${e.name}: ${e.message}`).to.be.instanceOf(QuiltValidationError);
  for (const w of words) expect(e.message.toLowerCase(), `the message names ${JSON.stringify(w)}`).to.include(w.toLowerCase());
  expect(e.message, 'the message shows an example of a right value').to.match(/for example|e\.g\.|such as/i);
}

export function expectAccessDenied(world: QuiltWorld): void {
  const e = refusal(world);
  expect(e, `an access error, got ${e.name}: ${e.message}`).to.be.instanceOf(BucketAccessError);
  const a = e as BucketAccessError;
  expect({ code: a.code, status: a.status, bucket: a.bucket }).to.deep.equal({ code: 'AccessDenied', status: 403, bucket: world.bucket });
  expect(a.message).to.include(`"${world.bucket}"`);
  expect(a.message, 'the message suggests a remedy').to.match(/ask the bucket owner|use a persona that has it/);
}

/** Nothing of a rejected package push is in the registry: no pointers under its namespace, no manifest written since the attempt. */
export async function expectNothingWritten(world: QuiltWorld, rawName: string): Promise<void> {
  const admin = world.objects('admin');
  const ns = (world.memory.packages.get(rawName) ?? rawName).split('/')[0]!;
  expect(await admin.versionsUnder(world.bucket, `.quilt/named_packages/${ns}/`), 'pointers written').to.deep.equal([]);
  const since = (world.memory.attemptStartedAt ?? new Date(Date.now() - 60_000)).getTime() - 1000;
  const manifests = await admin.list(world.bucket, '.quilt/packages/', 100_000);
  const fresh = manifests.objects.filter((o) => o.lastModified.getTime() >= since && !world.memory.pushes.some((p) => o.key.endsWith(p.hash)));
  expect(fresh.map((o) => o.key), 'manifests written since the attempt').to.deep.equal([]);
}

export async function expectNoObject(world: QuiltWorld, path: string): Promise<void> {
  expect(await world.objects('admin').versionsUnder(world.bucket, world.key(path))).to.deep.equal([]);
}

export async function checkAccess(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  world.memory.access = await checkBucketAccess(world.s3(persona), world.bucket, { probePrefix: world.key('.access-probe/'), sampleKey: [...world.memory.seeded.keys()][0] });
}

export function expectAccess(world: QuiltWorld, level: string, list: boolean, read: boolean, write: boolean): void {
  const r: AccessReport = world.memory.access!;
  expect({ level: r.permissionLevel, list: r.accessSummary.canList, read: r.accessSummary.canRead, write: r.accessSummary.canWrite }, JSON.stringify(r.evidence))
    .to.deep.equal({ level, list, read, write });
  if (write) expect(r.evidence.write).to.match(/succeeded and the probe was removed/);
}
