/**
 * Error workflows (spec §3): attempts that must be refused, and the checks on what the user is
 * told and on what was (not) written. An attempt's error is kept in the World for the Then steps.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { BucketAccessError } from '../domain/objects.js';
import { McpToolError } from '../drivers/mcp.js';
import type { AccessReport } from '../domain/access.js';
import { listFolder, uploadFiles } from './content.js';
import { ownPackage } from './packages.js';

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

/** One entry of a publish attempt: a file of the scenario's folder (or any URI), its logical key and an optional claimed hash. */
export interface AttemptEntry { file: string; logicalKey?: string; hash?: { type: string; value: string } }

/**
 * Asks the registry (the catalog's packageConstruct, as Quilt's catalog and quilt-mcp publish) to
 * publish a package; keeps the answer. Names and URIs go to the platform as given: the suite
 * checks nothing itself, so a refusal is the platform's. A file that is not a path of the
 * scenario (it has a scheme, or no "/") is sent as it is.
 */
export async function tryConstruct(world: QuiltWorld, persona: PersonaRole, featureName: string, entries: AttemptEntry[], bucket = world.bucket): Promise<void> {
  const name = world.packageName(featureName);
  ownPackage(world, name);
  const asGiven = (f: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(f) || !f.includes('/');
  if (world.driver === 'mcp') {
    // package_create takes S3 URIs and a registry, nothing else: a logical key of its own or a claimed
    // hash cannot be said (those scenarios carry an @mcp-cannot-... tag).
    const registry = /^[a-z][a-z0-9+.-]*:/i.test(bucket) ? bucket : `s3://${bucket}`;
    await attempt(world, async () => { world.memory.construct = await world.mcpPackageOps(persona).createAsGiven(name, entries.map((e) => (asGiven(e.file) ? e.file : world.uri(e.file))), registry) as never; });
    return;
  }
  await attempt(world, async () => {
    world.memory.construct = await world.catalog(persona).packageConstruct({ bucket, name, message: 'an attempt that should be refused' },
      entries.map((e) => ({ logicalKey: e.logicalKey ?? e.file.slice(e.file.lastIndexOf('/') + 1), physicalKey: asGiven(e.file) ? e.file : world.uri(e.file), ...(e.hash ? { hash: e.hash } : {}) })));
  });
}

function invalidInput(world: QuiltWorld, path: string): { path?: string; name?: string; message: string } {
  expect(world.memory.error, `the catalog failed instead of answering: ${world.memory.error?.message}`).to.equal(undefined);
  const r = world.memory.construct;
  expect(r.__typename, `the registry's answer: ${JSON.stringify(r)}`).to.equal('InvalidInput');
  expect((r.errors ?? []).map((e) => e.path), 'the paths the registry names').to.deep.equal([path]);
  return r.errors![0]!;
}

export function expectInvalidInput(world: QuiltWorld, path: string, words: string[], example: boolean): void {
  // Through quilt-mcp the refusal is the tool's text (its answers name no field paths): the same words and example are asked of it.
  const e = world.driver === 'mcp' ? { message: toolRefusal(world) } : invalidInput(world, path);
  const said = `: ${JSON.stringify(e.message.slice(0, 500))}`;
  for (const w of words) expect(e.message.toLowerCase(), `the message names ${JSON.stringify(w)}${said}`).to.include(w.toLowerCase());
  if (example) expect(e.message, `the message shows an example of a right value${said}`).to.match(/for example|e\.g\.|such as/i);
}

/** The text of quilt-mcp's refusal (a tool error); a tool that answered success instead fails here, with what it answered. */
function toolRefusal(world: QuiltWorld): string {
  const e = world.memory.error;
  if (!e) expect.fail(`quilt-mcp accepted it: ${JSON.stringify(world.memory.construct)?.slice(0, 400)}`);
  return e instanceof McpToolError ? e.answer : e.message;
}

/** A well-formed sha2-256-chunked value that matches no file: 32 zero bytes, base64. */
export const ZERO_CHUNKED_SHA256 = Buffer.alloc(32).toString('base64');

/**
 * The registry refused a claimed hash, naming the claimed one and the file's real one. The real
 * one is computed here from the bytes the scenario uploaded, with node:crypto (quilt3's
 * sha2-256-chunked of a file of one chunk is base64(sha256(sha256(bytes)))).
 */
export async function expectHashMismatch(world: QuiltWorld, path: string, file: string): Promise<void> {
  const e = invalidInput(world, path);
  const bytes = world.memory.seeded.get(world.key(file));
  if (!bytes) throw new Error(`"${file}" was not uploaded by an earlier step of this scenario`);
  const real = createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest('base64');
  expect(e.message, 'the message names the claimed hash').to.include(ZERO_CHUNKED_SHA256);
  expect(e.message, 'the message names the file\'s real hash').to.include(real);
  expect(e.name, 'the error name').to.match(/checksum|hash/i);
}

export const tryList = (world: QuiltWorld, persona: PersonaRole, folder: string): Promise<void> => attempt(world, () => listFolder(world, persona, folder));

export const tryUpload = (world: QuiltWorld, persona: PersonaRole, folder: string, name: string): Promise<void> =>
  attempt(world, () => uploadFiles(world, persona, folder, [{ name, content: 'should not be written' }], true));

export function expectAccessDenied(world: QuiltWorld): void {
  const e = refusal(world);
  if (e instanceof McpToolError) {
    // Through quilt-mcp: what the tool said must say the same as the engine's error does.
    expect(e.answer, `the tool ${e.tool} names the refusal`).to.match(/AccessDenied/);
    expect(e.answer, `the tool ${e.tool} names the bucket`).to.include(world.bucket);
    expect(e.answer, `the tool ${e.tool} suggests a remedy`).to.match(/ask|permission|grant|policy|persona|contact/i);
    return;
  }
  expect(e, `an access error, got ${e.name}: ${e.message}`).to.be.instanceOf(BucketAccessError);
  const a = e as BucketAccessError;
  expect({ code: a.code, status: a.status, bucket: a.bucket }).to.deep.equal({ code: 'AccessDenied', status: 403, bucket: world.bucket });
  expect(a.message).to.include(`"${world.bucket}"`);
  expect(a.message, 'the message suggests a remedy').to.match(/ask the bucket owner|use a persona that has it/);
}

/**
 * Nothing of a refused publish is in the registry: no pointer in the package's namespace (which is
 * this scenario's own: "test" becomes "test-<scenario id>"), and no object copied under the
 * package's name. Manifests are content-addressed (.quilt/packages/<top hash>) and shared by
 * everyone: a manifest no pointer names is not a package, so they are not listed here.
 */
export async function expectNothingWritten(world: QuiltWorld, featureName: string): Promise<void> {
  const admin = world.objects('admin');
  const name = world.packageName(featureName);
  const ns = name.split('/')[0]!;
  expect(ns, 'the namespace is the scenario\'s own').to.include(world.scenarioId);
  expect(await admin.versionsUnder(world.bucket, `.quilt/named_packages/${ns}/`), 'pointers written in the namespace').to.deep.equal([]);
  expect(await admin.versionsUnder(world.bucket, `${ns}/`), 'objects copied under the package name').to.deep.equal([]);
}

export async function expectNoObject(world: QuiltWorld, path: string): Promise<void> {
  expect(await world.objects('admin').versionsUnder(world.bucket, world.key(path))).to.deep.equal([]);
}

export async function checkAccess(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  world.memory.access = await world.accessOps(persona).check(world.bucket, { probePrefix: world.key('.access-probe/'), sampleKey: [...world.memory.seeded.keys()][0] });
}

export function expectAccess(world: QuiltWorld, level: string, list: boolean, read: boolean, write: boolean): void {
  const r: AccessReport = world.memory.access;
  expect({ level: r.permissionLevel, list: r.accessSummary.canList, read: r.accessSummary.canRead, write: r.accessSummary.canWrite }, JSON.stringify(r.evidence))
    .to.deep.equal({ level, list, read, write });
  if (write) expect(r.evidence.write).to.match(/succeeded and the probe was removed/);
}

/** Asks a driver for an object's details by a URI given as it is (bad input, spec §3.3). */
export async function tryInfo(world: QuiltWorld, persona: PersonaRole, uri: string): Promise<void> {
  await attempt(world, () => world.bucketOps(persona).info(uri));
}

/** The attempt was refused, and its message (the tool's own text, through quilt-mcp) names each of these words. */
export function expectRefusalNaming(world: QuiltWorld, words: string[]): void {
  const e = refusal(world);
  const text = e instanceof McpToolError ? e.answer : e.message;
  for (const w of words) expect(text.toLowerCase(), `the refusal names ${JSON.stringify(w)}: ${text.slice(0, 300)}`).to.include(w.toLowerCase());
}
