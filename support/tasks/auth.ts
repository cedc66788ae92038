/**
 * Authentication flow (the spec's goal 5): a token's identity carries from the catalog to S3,
 * GraphQL and search; bad tokens are refused at every entry point; a reader cannot publish.
 */
import { expect } from 'chai';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { CatalogError, type CatalogClient } from '../adapters/catalog.js';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { ObjectStore } from '../domain/objects.js';
import { eventually } from '@quilt-e2e/test-kit';
import { ownPackage } from './packages.js';
import { attempt } from './errors.js';
import { quilt3Oracle } from '../oracles/quilt3.js';
import { chunkedSha256 } from '../oracles/checksums.js';

export async function exchangeToken(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  const c = await world.catalog(persona).credentials();
  expect(c.AccessKeyId, 'an access key id').to.be.a('string').and.not.equal('');
  expect(c.SecretAccessKey, 'a secret key').to.be.a('string').and.not.equal('');
  world.memory.exchanged = c;
}

/** Reads a scenario file with nothing but the exchanged credentials. */
export async function readWithExchanged(world: QuiltWorld, path: string): Promise<void> {
  const c = world.memory.exchanged;
  const s3 = createS3Client({ ...world.target.s3, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) } });
  try {
    const bytes = await new ObjectStore(s3).bytes(world.uri(path));
    expect(Buffer.from(bytes).equals(Buffer.from(world.memory.seeded.get(world.key(path))!)), 'the bytes read with the exchanged credentials').to.equal(true);
  } finally { s3.destroy(); }
}

/**
 * The exchanged credentials are the persona's own, as the storage itself judges them: a write with
 * them into the scenario's folder is refused by S3 (AccessDenied) for a reader — another user's
 * keys (the bucket owner's) would be allowed to write.
 */
export async function expectExchangedMayNotWrite(world: QuiltWorld): Promise<void> {
  const c = world.memory.exchanged;
  const s3 = createS3Client({ ...world.target.s3, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) } });
  const key = world.key('auth/written-with-exchanged-credentials.txt');
  world.ledger.register(`s3://${world.bucket}/${key}`, async () => { await world.objects('admin').purgePrefix(world.bucket, key); });
  let error: unknown;
  try {
    await new ObjectStore(s3).put(world.bucket, [{ key, body: 'must not be written' }]);
  } catch (e) { error = e; } finally { s3.destroy(); }
  expect(error, 'S3 let the exchanged credentials write: they are not the reader\'s own').to.be.instanceOf(Error);
  expect(`${(error as { code?: string }).code ?? ''} ${(error as Error).name} ${(error as Error).message}`).to.match(/AccessDenied/);
}

export async function expectIdentity(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  const me = await world.catalog(persona).graphql<{ me: { name: string } }>('query { me { name } }');
  const expected = world.target.minting?.users[persona];
  if (expected) expect(me.me.name).to.equal(expected);
  else expect(me.me.name).to.be.a('string').and.not.equal('');
  const buckets = await world.catalog(persona).graphql<{ bucketConfigs: { name: string }[] }>('query { bucketConfigs { name } }');
  expect(buckets.bucketConfigs.map((b) => b.name)).to.include(world.bucket);
}

/** Finds a file of the scenario through the catalog's search API with the persona's token (eventually: indexing is asynchronous). */
export async function expectSearchFinds(world: QuiltWorld, persona: PersonaRole, path: string): Promise<void> {
  const key = world.key(path);
  await eventually(async () => {
    const r = await world.catalog(persona).search({ index: world.bucket, action: 'freeform', body: { query: { term: { key } } }, size: 5 });
    expect(r.hits.hits.map((h) => h._source?.key), `search for ${key}`).to.include(key);
  }, { timeoutMs: 15_000, what: `${path} being searchable through the catalog` });
}

type Entry = 'GraphQL' | 'the search API' | 'the session endpoint' | 'the credentials endpoint';
export const ENTRY_POINTS: Entry[] = ['GraphQL', 'the search API', 'the session endpoint', 'the credentials endpoint'];

async function call(client: CatalogClient, bucket: string, entry: Entry): Promise<unknown> {
  switch (entry) {
    case 'GraphQL': return client.graphql('query { bucketConfigs { name } }');
    case 'the search API': return client.search({ index: bucket, action: 'freeform', body: { query: { match_all: {} } }, size: 1 });
    case 'the session endpoint': return client.me();
    case 'the credentials endpoint': return client.credentials();
  }
}

/** The bad tokens of the auth scenarios, made the way an attacker or a stale client would present them. */
export function badToken(world: QuiltWorld, kind: string): string | undefined {
  const m = world.target.minting;
  switch (kind) {
    case 'no token': return undefined;
    case 'a malformed token': return 'not-a-jwt';
    case 'an expired token':
      if (!m) throw new Error('this target cannot mint tokens (set PLATFORM_TEST_JWT_SECRET): an expired token cannot be made');
      return m.mint(m.users.admin, { expiresInSeconds: -120 });
    case 'a token signed with another secret':
      if (!m) throw new Error('this target cannot mint tokens: a forged token cannot be made');
      return m.mint(m.users.admin, { secret: 'an-attackers-secret-that-is-long-enough' });
    default: throw new Error(`unknown kind of token "${kind}": use no token, a malformed token, an expired token, a token signed with another secret`);
  }
}

export async function expectRefusedEverywhere(world: QuiltWorld, kind: string, status: number): Promise<void> {
  const outcomes = await outcomesAtEntryPoints(world, world.catalog('admin', badToken(world, kind) ?? ''));
  expect(outcomes).to.deep.equal(ENTRY_POINTS.map((e) => `${e}: ${status}`));
}

/** What each entry point answered a client: "accepted", or the status it refused with. */
export async function outcomesAtEntryPoints(world: QuiltWorld, client: CatalogClient): Promise<string[]> {
  const outcomes: string[] = [];
  for (const entry of ENTRY_POINTS) {
    try {
      await call(client, world.bucket, entry);
      outcomes.push(`${entry}: accepted`);
    } catch (e) {
      outcomes.push(e instanceof CatalogError ? `${entry}: ${e.status}` : `${entry}: ${(e as Error).message}`);
    }
  }
  return outcomes;
}

export async function searchBucket(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  await attempt(world, () => world.catalog(persona).search({ index: world.bucket, action: 'freeform', body: { query: { match_all: {} } }, size: 1 }));
}

export function expectRefusal(world: QuiltWorld, status: number): void {
  const error = world.memory.error;
  expect(error, 'a refusal').to.be.instanceOf(CatalogError);
  expect((error as CatalogError).status, error!.message).to.equal(status);
}

/** Publishes a package through the catalog's GraphQL (packageConstruct) from files of the scenario. */
export async function publishThroughCatalog(world: QuiltWorld, persona: PersonaRole, featureName: string, paths: string[]): Promise<void> {
  const name = world.packageName(featureName);
  ownPackage(world, name);
  const entries = paths.map((p) => ({ logicalKey: p.slice(p.lastIndexOf('/') + 1), physicalKey: world.uri(p) }));
  world.memory.construct = await world.catalog(persona).packageConstruct({ bucket: world.bucket, name, message: `published through the catalog (scenario ${world.scenarioId})` }, entries);
  world.memory.constructRequest = Object.fromEntries(paths.map((p) => [p.slice(p.lastIndexOf('/') + 1), world.key(p)]));
}

export function expectPublishRefused(world: QuiltWorld): void {
  const r = world.memory.construct;
  expect(r.__typename, JSON.stringify(r)).to.equal('OperationError');
  // Quilt's pkgpush answers OperationError named "AWSError" with the S3 code in context.error_code, or "Forbidden".
  expect(`${r.name ?? ''} ${r.message ?? ''} ${JSON.stringify(r.context ?? {})}`).to.match(/AccessDenied|Forbidden|not allowed|denied/i);
}

export function expectPublished(world: QuiltWorld): string {
  const r = world.memory.construct;
  expect(r.__typename, JSON.stringify(r)).to.equal('PackagePushSuccess');
  return r.revision!.hash;
}

/**
 * What the catalog published is exactly the files it was given, as the real quilt3 reads the
 * revision from S3 (top hash recomputed by quilt3): each file's size and sha2-256-chunked computed
 * here from the uploaded bytes, and the `latest` pointer (a plain S3 object) naming the revision.
 */
export async function expectPublishedAsGiven(world: QuiltWorld, featureName: string): Promise<void> {
  const hash = expectPublished(world);
  const name = world.packageName(featureName);
  const q = await quilt3Oracle(world.target).browse(name, hash);
  const asked = world.memory.constructRequest;
  expect(q.entries.map((e) => e.logicalKey).sort(), 'the files quilt3 reads in the published revision').to.deep.equal(Object.keys(asked).sort());
  for (const e of q.entries) {
    const bytes = world.memory.seeded.get(asked[e.logicalKey]!)!;
    expect({ size: e.size, hash: e.hashValue, physicalKey: e.physicalKey.replace(/\?versionId=.*$/, '') }, e.logicalKey)
      .to.deep.equal({ size: bytes.length, hash: chunkedSha256(bytes), physicalKey: `s3://${world.bucket}/${asked[e.logicalKey]}` });
  }
  const latest = await world.objects('reader').text(`s3://${world.bucket}/.quilt/named_packages/${name}/latest`);
  expect(latest.text.trim(), 'the latest pointer').to.equal(hash);
}
