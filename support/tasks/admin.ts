/**
 * Quilt's access model as an admin works it, through the registry's GraphQL admin API (Quilt's
 * schema: policyCreateManaged, roleCreateManaged, admin.user.create / mutate); what a user may then
 * do is judged by the storage itself with the credentials the catalog hands that user. Everything a
 * scenario creates carries a scenario-unique name and is removed after it (users, then roles, then
 * policies), also when it fails.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@quilt-e2e/quilt-js';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { CatalogError, type CatalogClient, type S3CredentialsAnswer } from '../adapters/catalog.js';
import { ObjectStore } from '../domain/objects.js';
import { ENTRY_POINTS, outcomesAtEntryPoints } from './auth.js';
import { expectAppFor } from './catalog-pages.js';

/**
 * The real (scenario-unique) name of a user or role the feature names ("newcomer" → "newcomer-1a2b3c4d").
 * With `_`: a name of letters, digits and underscores, as Quilt's admin pages take role names
 * ("readers" → "readers_1a2b3c4d").
 */
export function real(world: QuiltWorld, name: string, separator: '-' | '_' = '-'): string {
  let n = world.memory.adminNames.get(name);
  if (!n) {
    n = `${separator === '_' ? name.replace(/[^A-Za-z0-9_]/g, '_') : name}${separator}${randomBytes(4).toString('hex')}`;
    world.memory.adminNames.set(name, n);
  }
  return n;
}

export const admin = (world: QuiltWorld): CatalogClient => world.catalog('admin');

const mutate = <T>(world: QuiltWorld, query: string, variables: Record<string, unknown>, field: string, ok: string): Promise<T> =>
  admin(world).expectAnswer<T>(query, variables, field, ok);

/** The user goes after the scenario (also when it fails). */
export function removeUserAfter(world: QuiltWorld, name: string): void {
  world.ledger.register(`user ${name}`, async () => { await admin(world).graphql('mutation($n: String!) { admin { user { mutate(name: $n) { delete { __typename } } } } }', { n: name }); });
}

/** A policy granting READ_WRITE on the test bucket and a managed role built from it, both removed after the scenario. */
export async function makeWriterRole(world: QuiltWorld, role: string): Promise<void> {
  await makeRole(world, role, world.bucket, 'READ_WRITE');
}

/** A policy granting READ on the test bucket and a managed role built from it, both removed after the scenario. */
export async function makeReaderRole(world: QuiltWorld, role: string): Promise<void> {
  await makeRole(world, role, world.bucket, 'READ');
}

/** A policy granting `level` on `bucket` and a managed role built from it, both removed after the scenario. */
export async function makeRole(world: QuiltWorld, role: string, bucket: string, level: 'READ' | 'READ_WRITE'): Promise<void> {
  const name = real(world, role);
  const policy = await mutate<{ id: string }>(world, 'mutation($i: ManagedPolicyInput!) { policyCreateManaged(input: $i) { __typename ... on Policy { id } ... on InvalidInput { errors { path message } } ... on OperationError { message } } }',
    { i: { title: `${level.toLowerCase().replace('_', '-')} on ${bucket} for ${name}`, permissions: [{ bucket, level }], roles: [] } }, 'policyCreateManaged', 'Policy');
  world.ledger.register(`policy ${policy.id}`, async () => { await admin(world).graphql(`mutation { policyDelete(id: "${policy.id}") { __typename } }`); });
  const created = await mutate<{ role: { id: string } }>(world, 'mutation($i: ManagedRoleInput!) { roleCreateManaged(input: $i) { __typename ... on RoleCreateSuccess { role { ... on ManagedRole { id } } } } }',
    { i: { name, policies: [policy.id] } }, 'roleCreateManaged', 'RoleCreateSuccess');
  world.ledger.register(`role ${name}`, async () => { await admin(world).graphql(`mutation { roleDelete(id: "${created.role.id}") { __typename } }`); });
}

/** The catalog as a user the scenario made sees it (a token minted for them). */
export function asUser(world: QuiltWorld, user: string): CatalogClient {
  return world.catalog('admin', mintFor(world, real(world, user)));
}

/** A user switches their own active role to another of their roles (switchRole). */
export async function switchOwnRole(world: QuiltWorld, user: string, role: string): Promise<void> {
  const r = await asUser(world, user).graphql<{ switchRole: { __typename: string; role?: { name: string } } }>(
    'mutation($r: String!) { switchRole(roleName: $r) { __typename ... on Me { role { name } } ... on InvalidInput { errors { path message } } ... on OperationError { message } } }', { r: roleName(world, role) });
  expect(r.switchRole.__typename, `switchRole answered ${JSON.stringify(r.switchRole)}`).to.equal('Me');
  expect(r.switchRole.role?.name).to.equal(roleName(world, role));
}

/** The role's real name: one the scenario made, or a role of the stack (Quilt's ReadQuiltBucket, ...). */
export const roleName = (world: QuiltWorld, role: string): string => world.memory.adminNames.get(role) ?? role;

/** How long a mail with a link (an invitation, a password reset) may take to reach the user's inbox. */
export const MAIL_DEADLINE_MS = 15_000;

/**
 * The links mailed to an address, oldest first, from the target's inbox: a file of JSON lines
 * `{to, subject, link}` (the local stack's outbox, or QUILT_E2E_INBOX); none while it does not exist.
 */
export function mailedLinks(inbox: string, to: string): string[] {
  let text: string;
  try { text = readFileSync(inbox, 'utf8'); } catch { return []; }
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { to?: string; link?: string })
    .filter((m) => m.to === to && m.link).map((m) => m.link!);
}

/** The email of a user the scenario made. */
export const emailOf = (world: QuiltWorld, user: string): string => `${real(world, user)}@example.com`;

/** Dana creates a user (a When-step: through the run's driver; a Given, `setUp`: through the suite's engine). */
export async function createUser(world: QuiltWorld, user: string, role: string, extraRoles: string[] = [], setUp = false): Promise<void> {
  const name = real(world, user);
  await world.adminOps(setUp).createUser({ name, email: emailOf(world, user), role: roleName(world, role), extraRoles: extraRoles.map((r) => roleName(world, r)) });
  removeUserAfter(world, name);
}

export async function switchRole(world: QuiltWorld, user: string, role: string): Promise<void> {
  await world.adminOps().setRole(real(world, user), roleName(world, role));
}

/** An S3 client of the target working with credentials the catalog handed a user (the caller destroys it). */
export function s3WithExchanged(world: QuiltWorld, c: S3CredentialsAnswer): S3Client {
  return createS3Client({ ...world.target.s3, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) } });
}

/** What the storage lets the user do with the credentials the catalog hands them (their own token). */
export async function expectUserRights(world: QuiltWorld, user: string, write: boolean): Promise<void> {
  const c = await asUser(world, user).credentials();
  world.memory.exchanged = c;
  expect(c.SessionToken, 'temporary credentials of the role carry a session token').to.be.a('string').and.not.equal('');
  const s3 = s3WithExchanged(world, c);
  const key = world.key(`admin/${user}.txt`);
  world.ledger.register(`s3://${world.bucket}/${key}`, async () => { await world.objects('admin').purgePrefix(world.bucket, key); });
  try {
    await s3.send(new ListObjectsV2Command({ Bucket: world.bucket, MaxKeys: 1 }));
    const wrote = await new ObjectStore(s3).put(world.bucket, [{ key, body: `written by ${user}` }]).then(() => 'written', (e: Error) => `${e.name} ${e.message}`);
    if (write) expect(wrote, 'the role grants read-write: S3 takes the write').to.equal('written');
    else expect(wrote, 'the role grants read only: S3 refuses the write').to.match(/AccessDenied/);
  } finally {
    s3.destroy();
  }
}

const ACCESS = '{ roles { ... on ManagedRole { id name policies { id } } ... on UnmanagedRole { id name arn } } policies { id title permissions { bucket { name } level } } admin { user { list { name email isActive isAdmin role { ... on ManagedRole { name } } extraRoles { ... on ManagedRole { name } } } } } }';

/**
 * What Dana lists of the roles, policies and users a request is about (by name; policies by
 * title), as JSON: other scenarios change other roles and users at the same time, so only these
 * are compared before and after.
 */
async function accessOf(world: QuiltWorld, about: { roles?: string[]; users?: string[]; policies?: string[] }): Promise<string> {
  const a = await admin(world).graphql<{ roles: Array<{ name?: string }>; policies: Array<{ title: string }>; admin: { user: { list: Array<{ name: string }> } } }>(ACCESS);
  return JSON.stringify({
    roles: a.roles.filter((r) => about.roles?.includes(r.name ?? '')),
    policies: a.policies.filter((p) => about.policies?.includes(p.title)),
    users: a.admin.user.list.filter((u) => about.users?.includes(u.name)),
  });
}

export async function attemptRoleCreate(world: QuiltWorld, persona: PersonaRole, role: string): Promise<void> {
  world.memory.rolesBefore = await accessOf(world, { roles: [real(world, role)] });
  try {
    await world.catalog(persona).graphql(`mutation { roleCreateManaged(input: { name: "${real(world, role)}", policies: [] }) { __typename } }`);
    world.memory.error = undefined;
  } catch (e) {
    world.memory.error = e as Error;
  }
}

export function expectRefusedAsNonAdmin(world: QuiltWorld): void {
  const e = world.memory.error;
  expect(e, 'the catalog let a non-admin create a role').to.be.instanceOf(CatalogError);
  expect((e as CatalogError).status).to.equal(403);
  expect((e as CatalogError).message).to.match(/admins only/);
}

export async function expectRolesUnchanged(world: QuiltWorld): Promise<void> {
  const about = JSON.parse(world.memory.rolesBefore) as { roles: unknown[] };
  expect(about.roles, 'no such role before the attempt').to.deep.equal([]);
  expect(await accessOf(world, { roles: [...world.memory.adminNames.values()] }), 'the role was not made').to.equal(world.memory.rolesBefore);
}

export async function setActive(world: QuiltWorld, user: string, active: boolean, setUp = false): Promise<void> {
  await world.adminOps(setUp).setActive(real(world, user), active);
}

export async function deleteUser(world: QuiltWorld, user: string): Promise<void> {
  await world.adminOps().deleteUser(real(world, user));
}

/** The user's own (valid, freshly minted) token is refused with `status` at every entry point. */
export async function expectUserRefusedEverywhere(world: QuiltWorld, user: string, status: number): Promise<void> {
  const outcomes = await outcomesAtEntryPoints(world, asUser(world, user));
  expect(outcomes).to.deep.equal(ENTRY_POINTS.map((e) => `${e}: ${status}`));
}


export async function attemptPolicyFor(world: QuiltWorld, bucket: string): Promise<void> {
  world.memory.policiesBefore = await accessOf(world, { policies: [`read on ${bucket}`] });
  world.memory.policyAnswer = (await admin(world).graphql<{ policyCreateManaged: { __typename: string; id?: string; errors?: Array<{ path: string; name: string; message: string }> } }>(
    'mutation($i: ManagedPolicyInput!) { policyCreateManaged(input: $i) { __typename ... on Policy { id } ... on InvalidInput { errors { path name message } } ... on OperationError { message } } }',
    { i: { title: `read on ${bucket}`, permissions: [{ bucket, level: 'READ' }], roles: [] } })).policyCreateManaged;
  world.memory.policyAnswer.bucket = bucket;
  const made = world.memory.policyAnswer.id;
  if (made) world.ledger.register(`policy ${made}`, async () => { await admin(world).graphql(`mutation { policyDelete(id: "${made}") { __typename } }`); });
}

export function expectPolicyRefusedFor(world: QuiltWorld): void {
  const a = world.memory.policyAnswer;
  const bucket = a.bucket!;
  expect(a.__typename, JSON.stringify(a)).to.equal('InvalidInput');
  expect(a.errors!.map((e) => e.path)).to.deep.equal(['input.permissions[0].bucket']);
  expect(a.errors![0]!.message).to.include(bucket).and.to.include(world.bucket);
}

export async function expectPoliciesUnchanged(world: QuiltWorld): Promise<void> {
  expect(await accessOf(world, { policies: [`read on ${world.memory.policyAnswer.bucket}`] })).to.equal(world.memory.policiesBefore);
}


type Answer = { __typename?: string; errors?: Array<{ path: string | null; name: string; message: string }> } | null;

/** Dana sends a request the catalog should refuse (through GraphQL, to see Quilt's own answer); what it answered is kept. */
async function attemptAsAdmin(world: QuiltWorld, query: string, variables: Record<string, unknown>, field: string, about: { roles?: string[]; users?: string[] }): Promise<void> {
  world.memory.accessAbout = about;
  world.memory.accessBefore = await accessOf(world, about);
  const a = await admin(world).answerAt<NonNullable<Answer>>(query, variables, field);
  world.memory.adminAnswer = { typename: a === null ? 'null (no such user)' : a.__typename ?? '?', errors: a?.errors ?? [] };
}

const ERRORS = '... on InvalidInput { errors { path name message } } ... on OperationError { name message }';

export async function attemptDuplicateRole(world: QuiltWorld, role: string): Promise<void> {
  await attemptAsAdmin(world, `mutation($i: ManagedRoleInput!) { roleCreateManaged(input: $i) { __typename ... on RoleCreateSuccess { role { ... on ManagedRole { id } } } } }`, { i: { name: role, policies: [] } }, 'roleCreateManaged', { roles: [role] });
  if (world.memory.adminAnswer.typename === 'RoleCreateSuccess') {
    // A catalog that took the duplicate: the second role goes after the scenario (the first stays).
    const roles = await admin(world).graphql<{ roles: Array<{ id?: string; name?: string }> }>('{ roles { ... on ManagedRole { id name } } }');
    const second = roles.roles.filter((r) => r.name === role).at(-1)?.id;
    if (second) world.ledger.register(`duplicate role ${role}`, async () => { await admin(world).graphql(`mutation { roleDelete(id: "${second}") { __typename } }`); });
  }
}

/** Dana deletes a role the scenario made and gave `user` (so it is in use whatever the target). */
export async function attemptDeleteRoleInUse(world: QuiltWorld, role: string, user: string): Promise<void> {
  const name = roleName(world, role);
  const roles = await admin(world).graphql<{ roles: Array<{ id?: string; name?: string }> }>('{ roles { ... on ManagedRole { id name } } }');
  const id = roles.roles.find((r) => r.name === name)?.id;
  if (!id) throw new Error(`no role ${name}: an earlier step makes it ('Given Dana has made a policy ... and the role "${role}" from it')`);
  await attemptAsAdmin(world, `mutation($id: ID!) { roleDelete(id: $id) { __typename } }`, { id }, 'roleDelete', { roles: [name], users: [real(world, user)] });
}

export async function attemptUserWithEmail(world: QuiltWorld, user: string, email: string): Promise<void> {
  await attemptAsAdmin(world, `mutation($i: UserInput!) { admin { user { create(input: $i) { __typename ${ERRORS} } } } }`,
    { i: { name: real(world, user), email, role: 'ReadQuiltBucket' } }, 'admin.user.create', { users: [real(world, user)] });
  if (world.memory.adminAnswer.typename === 'User') {
    const name = real(world, user);
    removeUserAfter(world, name);
  }
}

export async function attemptDeactivateUnknown(world: QuiltWorld, user: string): Promise<void> {
  await attemptAsAdmin(world, `mutation($n: String!) { admin { user { mutate(name: $n) { setActive(active: false) { __typename ${ERRORS} } } } } }`,
    { n: real(world, user) }, 'admin.user.mutate', { users: [real(world, user)] });
}

/** The catalog answered with Quilt's `typename`; for InvalidInput, about `field` with a message holding `words` ("-": none). */
export function expectAdminRefusal(world: QuiltWorld, typename: string, field: string, words: string): void {
  const a = world.memory.adminAnswer;
  expect(a.typename, JSON.stringify(a)).to.equal(typename);
  expect(a.errors.map((e) => e.path), 'the field the refusal is about').to.deep.equal(field === '-' ? [] : [field]);
  if (words !== '-') expect(a.errors[0]!.message).to.include(words);
}

export async function expectAccessUnchanged(world: QuiltWorld): Promise<void> {
  expect(await accessOf(world, world.memory.accessAbout), 'the roles and users the request was about are as before').to.equal(world.memory.accessBefore);
}

/** In Quilt's web catalog (a real browser, signed in as the user signed in earlier in the scenario, else with their token): the bucket's overview, or a signed-out page. */
export async function expectWebCatalogFor(world: QuiltWorld, user: string, shows: 'overview' | 'signed out'): Promise<void> {
  const name = real(world, user);
  await expectAppFor(world, { user: name, signIn: world.memory.signIns.get(name) ?? { token: mintFor(world, name) } }, shows);
}

/** A token for a user the scenario made (the target's JWT secret). */
export function mintFor(world: QuiltWorld, name: string): string {
  const minting = world.target.minting;
  if (!minting) throw new Error('this target cannot mint a token for a user an admin just made: set PLATFORM_TEST_JWT_SECRET (the catalog\'s JWT secret)');
  return minting.mint(name);
}
