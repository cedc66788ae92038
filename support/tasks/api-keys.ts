/**
 * API keys as programs use them: a user makes a key through the registry's GraphQL (apiKeyCreate),
 * the REAL quilt3 (PyPI) logs in with it and works with the rights of the key's user — the S3
 * credentials the catalog hands that user — and an admin revokes keys with quilt3's own admin API
 * (quilt3.admin.api_keys, logged in with an admin's key). What quilt3 read is checked against the
 * quilt3 oracle and raw S3 reads. Keys a scenario makes are revoked after it.
 */
import { expect } from 'chai';
import { quilt3Oracle } from '../oracles/quilt3.js';
import { Quilt3Client, Quilt3ClientError } from '../quilt3/client.js';
import type { CatalogClient } from '../adapters/catalog.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { admin, asUser, emailOf, real } from './admin.js';
import { ownPackage } from './packages.js';

/** A key the scenario makes for `owner` through `client` (apiKeyCreate); revoked after the scenario. */
export async function makeKey(world: QuiltWorld, client: CatalogClient, keyName: string, owner: string): Promise<{ id: string; secret: string; user: string }> {
  const r = await client.graphql<{ apiKeyCreate: { __typename: string; secret?: string; apiKey?: { id: string } } }>(
    'mutation($i: APIKeyCreateInput!) { apiKeyCreate(input: $i) { __typename ... on APIKeyCreated { secret apiKey { id } } ... on InvalidInput { errors { path message } } } }',
    { i: { name: keyName, expiresInDays: 1 } });
  expect(r.apiKeyCreate.__typename, `apiKeyCreate answered ${JSON.stringify(r.apiKeyCreate)}`).to.equal('APIKeyCreated');
  const key = { id: r.apiKeyCreate.apiKey!.id, secret: r.apiKeyCreate.secret!, user: owner };
  world.ledger.register(`API key ${keyName} of ${owner}`, async () => {
    await admin(world).graphql('mutation($id: ID!) { admin { apiKeys { revoke(id: $id) { __typename } } } }', { id: key.id });
  });
  return key;
}

/** The user makes an API key for a program; the feature calls it by `keyName`. */
export async function userMakesKey(world: QuiltWorld, user: string, keyName: string): Promise<void> {
  world.memory.apiKeys.set(keyName, await makeKey(world, asUser(world, user), `${keyName}-${world.scenarioId}`, user));
}

function keyNamed(world: QuiltWorld, keyName: string): { id: string; secret: string; user: string } {
  const k = world.memory.apiKeys.get(keyName);
  if (!k) throw new Error(`no earlier step made the API key "${keyName}": add 'Given "<user>" has made the API key "${keyName}"'`);
  return k;
}

const quilt3 = (world: QuiltWorld): Quilt3Client => new Quilt3Client(world.target);

/** Two small text files of this scenario (logical key → text): the scenario's id makes its manifest its own. */
export const filesOf = (world: QuiltWorld): Record<string, string> => ({
  'README.md': `# pushed by quilt3 with an API key (scenario ${world.scenarioId})\n`,
  'data/values.csv': `id,value\n1,${world.scenarioId}\n2,42\n`,
});

/** quilt3, logged in with the key and given the key's S3 credentials from the catalog, pushes a package. */
export async function pushWithKey(world: QuiltWorld, keyName: string, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  ownPackage(world, name);
  const files = filesOf(world);
  await pushWithQuilt3(world, name, files, { apiKey: keyNamed(world, keyName).secret, s3: 'catalog-credentials' });
}

/** quilt3 pushes the files as `name` (logged in with a key, or with given credentials); what it pushed is remembered. */
export async function pushWithQuilt3(world: QuiltWorld, name: string, files: Record<string, string>, auth: Parameters<Quilt3Client['push']>[0]): Promise<void> {
  const { topHash } = await quilt3(world).push(auth, name, files, `pushed by quilt3 (scenario ${world.scenarioId})`);
  // The manifest is this scenario's own (its files name the scenario): removed with the package.
  world.ledger.register(`manifest ${topHash}`, async () => { await world.objects('admin').purgePrefix(world.bucket, `.quilt/packages/${topHash}`); });
  world.memory.quilt3Pushed = { name, topHash, files };
}

/** quilt3, given the temporary credentials the user got from the catalog (no API key, no keys of its own), pushes a package. */
export async function pushWithExchangedCredentials(world: QuiltWorld, featureName: string): Promise<void> {
  const c = world.memory.exchanged;
  if (!c.SessionToken) throw new Error('the credentials the catalog handed have no session token: they are not temporary credentials of a role');
  const name = world.packageName(featureName);
  ownPackage(world, name);
  await pushWithQuilt3(world, name, filesOf(world), { credentials: { AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken } });
}

/** The latest revision, as the quilt3 oracle (the admin) reads it, is what quilt3 pushed: its hash, exactly its files, their bytes in S3, under the package's folder. */
export async function expectPushedPackage(world: QuiltWorld, featureName: string): Promise<void> {
  const pushed = world.memory.quilt3Pushed;
  expect(pushed.name).to.equal(world.packageName(featureName));
  const pkg = await quilt3Oracle(world.target).browse(pushed.name);
  expect(pkg.topHash, 'the latest revision is the one quilt3 pushed').to.equal(pushed.topHash);
  expect(pkg.entries.map((e) => e.logicalKey).sort()).to.deep.equal(Object.keys(pushed.files).sort());
  for (const e of pkg.entries) {
    expect((await world.objects('admin').text(e.physicalKey)).text, `the bytes of ${e.logicalKey} in S3 (${e.physicalKey})`).to.equal(pushed.files[e.logicalKey]);
    expect(e.physicalKey.startsWith(`s3://${world.bucket}/${pushed.name}/`), `${e.physicalKey} lies under the package's folder`).to.equal(true);
  }
}

/** quilt3, logged in with the key, lists its keys and reads the package (`s3`: with the key's catalog credentials, or the key only). */
export async function readWithKey(world: QuiltWorld, keyName: string, featureName: string, s3: 'key-only' | 'catalog-credentials'): Promise<void> {
  try {
    world.memory.quilt3Read = await quilt3(world).read(keyNamed(world, keyName).secret, world.packageName(featureName), s3);
    world.memory.error = undefined;
  } catch (e) {
    world.memory.error = e as Error;
  }
}

export function expectListsKey(world: QuiltWorld, keyName: string): void {
  if (world.memory.error) throw world.memory.error;
  expect(world.memory.quilt3Read.myKeys, 'quilt3.api_keys.list() as the key\'s user').to.include(`${keyName}-${world.scenarioId}`);
}

/** What quilt3 read is the latest revision as the quilt3 oracle (the admin) reads it, every file byte for byte as S3 holds it. */
export async function expectReadPackage(world: QuiltWorld, featureName: string): Promise<void> {
  if (world.memory.error) throw world.memory.error;
  const read = world.memory.quilt3Read;
  const pkg = await quilt3Oracle(world.target).browse(world.packageName(featureName));
  expect(read.topHash, 'the revision quilt3 read is the latest').to.equal(pkg.topHash);
  expect(Object.keys(read.files).sort()).to.deep.equal(pkg.entries.map((e) => e.logicalKey).sort());
  for (const e of pkg.entries) {
    expect(read.files[e.logicalKey]!.physicalKey).to.equal(e.physicalKey);
    const inS3 = await world.objects('admin').text(e.physicalKey);
    expect(read.files[e.logicalKey]!.text, `the bytes of ${e.logicalKey} quilt3 read, against S3 (${e.physicalKey})`).to.equal(inS3.text);
  }
}

/**
 * The known defect quilt3-api-key-no-s3-credentials (docs/known-defects.md): quilt3 8.0.0's
 * login_with_api_key asks the catalog for no S3 credentials, so with none of its own it reads the
 * private bucket unsigned and S3 refuses. Fails the day quilt3 reads (or fails otherwise): then the
 * record is brought up to date.
 */
export function expectKnownKeyOnlyDefect(world: QuiltWorld): void {
  const e = world.memory.error;
  expect(e, 'quilt3 read the package with only an API key: the known defect quilt3-api-key-no-s3-credentials is gone — update docs/known-defects.md and this scenario').to.be.instanceOf(Quilt3ClientError);
  expect((e as Quilt3ClientError).type, `quilt3 failed otherwise than recorded: ${(e as Error).message}`).to.equal('NoValidS3Client');
  expect((e as Error).message).to.match(/S3 AccessDenied/);
}

/** Dana, with quilt3's admin API (logged in with a key of her own), revokes the user's key of that name. */
export async function adminRevokesWithQuilt3(world: QuiltWorld, keyName: string, user: string): Promise<void> {
  const danaKey = await makeKey(world, admin(world), `admin-${world.scenarioId}`, 'Dana');
  const key = keyNamed(world, keyName);
  const revoked = await quilt3(world).adminRevokeKeys(danaKey.secret, emailOf(world, user), `${keyName}-${world.scenarioId}`);
  expect(revoked, `quilt3.admin.api_keys revoked the key of ${real(world, user)} named ${keyName}`).to.deep.equal([key.id]);
}

export async function attemptWithKey(world: QuiltWorld, keyName: string): Promise<void> {
  try {
    await quilt3(world).credentials(keyNamed(world, keyName).secret);
    world.memory.error = undefined;
  } catch (e) {
    world.memory.error = e as Error;
  }
}

/** quilt3 was refused for the key (401), while the key's user, with a token of their own, is still served: it is the key that was refused. */
export async function expectKeyRefused(world: QuiltWorld, keyName: string): Promise<void> {
  const e = world.memory.error;
  expect(e, 'quilt3 got credentials with a revoked API key').to.be.instanceOf(Quilt3ClientError);
  expect((e as Quilt3ClientError).type, (e as Error).message).to.equal('Unauthorized');
  const c = await asUser(world, keyNamed(world, keyName).user).credentials();
  expect(c.AccessKeyId, 'the key\'s user still gets credentials with a token').to.be.a('string').and.not.equal('');
}

export async function expectKeyWorks(world: QuiltWorld, keyName: string): Promise<void> {
  const c = await quilt3(world).credentials(keyNamed(world, keyName).secret);
  expect(c.hasSessionToken, 'the catalog hands quilt3 temporary credentials (with a session token)').to.equal(true);
}
