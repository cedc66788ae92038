/**
 * The registry's REST session and user endpoints that Quilt's web catalog calls, against a catalog
 * of its own: /api/me, /api/refresh, /api/logout (the token is refused after it), and the legacy
 * /api/users/* administration — the same operations as the GraphQL admin API, with the refusals
 * the app recognises.
 *
 *   node --import tsx --test packages/platform/test/catalog/rest-session.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureQuilt3 } from '@quilt-e2e/test-kit';
import { startCatalogUnderTest, type CatalogUnderTest, type Persona } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;
before(async () => { cat = await startCatalogUnderTest(); });
after(async () => { await cat?.teardown(); });

async function rest(method: 'GET' | 'POST', path: string, auth: Persona | string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = auth === 'admin' || auth === 'reader' || auth === 'outsider' ? await cat.token(auth) : auth;
  const r = await fetch(`${cat.config.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: r.status, body: await r.json() as Record<string, unknown> };
}

test('/api/me names the token\'s user as the app reads it; /api/refresh gives a fresh token of the same user', async () => {
  const me = await rest('GET', '/api/me?_cachebust=0.5', 'reader');
  assert.deepEqual(me, { status: 200, body: { current_user: cat.uid('reader'), email: `${cat.uid('reader')}@users.quilt-e2e.local`, is_staff: false, is_active: true } });
  assert.equal((await rest('GET', '/api/me', 'admin')).body.is_staff, true);
  const refreshed = await rest('POST', '/api/refresh', 'reader');
  assert.equal(refreshed.status, 200);
  assert.ok(Math.abs(Number(refreshed.body.exp) - Date.now() / 1000 - 3600) < 60, 'exp in Unix seconds, an hour ahead');
  assert.equal((await rest('GET', '/api/me', String(refreshed.body.token))).body.current_user, cat.uid('reader'));
});

test('/api/logout signs the token out: it is refused afterwards, other tokens of the user still work; a restart keeps it so', async () => {
  const token = await cat.token('outsider');
  assert.equal((await rest('GET', '/api/me', token)).status, 200);
  assert.deepEqual(await rest('POST', '/api/logout', token), { status: 200, body: {} });
  const after = await rest('GET', '/api/me', token);
  assert.equal(after.status, 401);
  assert.equal(after.body.error, 'TokenRevoked');
  assert.equal((await rest('GET', '/api/me', 'outsider')).status, 200, 'a new token of the same user works');
  await cat.restart();
  assert.equal((await rest('GET', '/api/me', token)).status, 401, 'still signed out after a restart');
});

test('quilt3 login: the real quilt3 takes the code of /api/code (login_with_token), gets its access token at /api/token and the user\'s S3 credentials with it', async () => {
  const code = await rest('GET', '/api/code', 'reader');
  assert.equal(code.status, 200);
  assert.equal(typeof code.body.code, 'string');
  assert.equal((await rest('GET', '/api/me', String(code.body.code))).status, 401, 'a login code is not an access token');
  const home = mkdtempSync(join(tmpdir(), 'quilt3-login-'));
  try {
    // quilt3 in a home of its own: configured for this registry, logged in with the code, then who it is and its credentials.
    const script = `
import json, quilt3, quilt3.session as s
quilt3.config(navigator_url=${JSON.stringify(cat.config.url)}, registryUrl=${JSON.stringify(cat.config.url)})
quilt3.session.login_with_token(${JSON.stringify(code.body.code)})
me = s.get_session().get(s.get_registry_url() + "/api/me").json()
print(json.dumps({"me": me["current_user"], "logged_in": quilt3.logged_in(), "key": s._load_credentials().get("access_key")}))`;
    const r = spawnSync(await ensureQuilt3(), ['-c', script], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: join(home, 'data') } });
    assert.equal(r.status, 0, r.stderr);
    const said = JSON.parse(r.stdout.trim().split('\n').pop()!) as { me: string; logged_in: string; key: string };
    assert.equal(said.me, cat.uid('reader'));
    assert.equal(said.logged_in, cat.config.url);
    assert.match(said.key, /\S{8,}/, 'S3 credentials from get_credentials');
  } finally { rmSync(home, { recursive: true, force: true }); }
  const bad = await fetch(`${cat.config.url}/api/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `refresh_token=${await cat.token('reader')}`, signal: AbortSignal.timeout(15_000) });
  assert.equal(bad.status, 401, 'an access token is not a login code');
  assert.match(String(((await bad.json()) as { message?: string }).message), /not a quilt3 login code/);
});

test('/api/users/*: an admin creates, lists, changes and deletes a user; the GraphQL admin API sees the same', async () => {
  const name = `rest-${randomBytes(3).toString('hex')}`;
  assert.deepEqual(await rest('POST', '/api/users/create', 'admin', { username: name, email: `${name}@example.com` }), { status: 200, body: {} });
  assert.equal((await rest('POST', '/api/users/set_role', 'admin', { username: name, role: 'ReadWriteQuiltBucket' })).status, 200);
  assert.equal((await rest('POST', '/api/users/grant_admin', 'admin', { username: name })).status, 200);
  assert.equal((await rest('POST', '/api/users/disable', 'admin', { username: name })).status, 200);
  assert.equal((await rest('POST', '/api/users/edit_email', 'admin', { username: name, email: `${name}@example.org` })).status, 200);
  const list = (await rest('GET', '/api/users/list', 'admin')).body.results as Array<Record<string, unknown>>;
  const row = list.find((u) => u.username === name)!;
  const roles = (await cat.post('admin', { query: '{ roles { ... on ManagedRole { id name } } }' })).body as { data: { roles: Array<{ id: string; name: string }> } };
  assert.deepEqual([row.email, row.is_active, row.is_superuser, row.role_id], [`${name}@example.org`, false, true, roles.data.roles.find((r) => r.name === 'ReadWriteQuiltBucket')!.id]);
  const viaGraphql = await cat.post('admin', { query: `{ admin { user { get(name: "${name}") { email isActive isAdmin role { ... on ManagedRole { name } } } } } }` });
  assert.deepEqual((viaGraphql.body as { data: unknown }).data, { admin: { user: { get: { email: `${name}@example.org`, isActive: false, isAdmin: true, role: { name: 'ReadWriteQuiltBucket' } } } } });
  assert.equal((await rest('POST', '/api/users/delete', 'admin', { username: name })).status, 200);
  assert.equal((await rest('POST', '/api/users/enable', 'admin', { username: name })).status, 404, 'a deleted user is not found');
});

test('/api/users/*: the refusals the app recognises; a non-admin is refused and nothing changes', async () => {
  const taken = await rest('POST', '/api/users/create', 'admin', { username: cat.uid('reader'), email: 'someone-else@example.com' });
  assert.equal(taken.status, 409);
  assert.match(String(taken.body.message), /Username already taken/);
  const email = await rest('POST', '/api/users/create', 'admin', { username: 'fresh-name', email: 'not-an-email' });
  assert.equal(email.status, 400);
  assert.match(String(email.body.message), /Invalid email/);
  const otherEmail = await rest('POST', '/api/users/edit_email', 'admin', { username: cat.uid('outsider'), email: `${cat.uid('reader')}@users.quilt-e2e.local` });
  assert.match(String(otherEmail.body.message), /Another user already has that email/);
  const missing = await rest('POST', '/api/users/create', 'admin', { username: 'no-email' });
  assert.equal(missing.status, 400);
  assert.match(String(missing.body.message), /\{"username":"rita","email":"rita@example.com"\}/);
  const before = (await rest('GET', '/api/users/list', 'admin')).body;
  assert.equal((await rest('POST', '/api/users/grant_admin', 'reader', { username: cat.uid('reader') })).status, 403);
  assert.equal((await rest('GET', '/api/users/list', 'reader')).status, 403);
  assert.deepEqual((await rest('GET', '/api/users/list', 'admin')).body, before, 'nothing changed');
});

test('password sign-in: a reset link to the outbox, the password set with it (once), then /api/login answers a token; wrong or deactivated is refused', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const outbox = (): Array<{ to: string; user: string; link: string; token?: string }> =>
    readFileSync(join(cat.config.dataDir, 'outbox', 'mail.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { to: string; user: string; link: string; token?: string });
  const login = (username: string, password: string) => fetch(`${cat.config.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }), signal: AbortSignal.timeout(15_000) })
    .then(async (r) => ({ status: r.status, body: await r.json() as Record<string, unknown> }));
  const post = (path: string, body: unknown) => fetch(`${cat.config.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) })
    .then(async (r) => ({ status: r.status, body: await r.json() as Record<string, unknown> }));
  const user = cat.uid('reader');

  const reset = await cat.post('admin', { query: `mutation { admin { user { mutate(name: "${user}") { resetPassword { __typename } } } } }` });
  assert.deepEqual((reset.body as { data: unknown }).data, { admin: { user: { mutate: { resetPassword: { __typename: 'Ok' } } } } });
  const mail = outbox().at(-1)!;
  assert.equal(mail.user, user);
  assert.equal(mail.to, `${user}@users.quilt-e2e.local`);
  assert.match(mail.link, new RegExp(`^${cat.config.webAppUrl}/reset_password/[A-Za-z0-9_-]{32}$`));
  assert.equal(mail.token, undefined, 'the token is in the link only');
  const token = mail.link.split('/reset_password/')[1]!;
  assert.equal((await login(user, 'correct horse battery')).status, 401, 'no password yet');
  const short = await post('/api/change_password', { link: token, password: 'short' });
  assert.deepEqual([short.status, /Password must be/.test(String(short.body.message))], [400, true]);
  assert.equal((await post('/api/change_password', { link: mail.link, password: 'correct horse battery' })).status, 200, 'the whole link works as well as its token');
  const again = await post('/api/change_password', { link: token, password: 'another good password' });
  assert.deepEqual([again.status, again.body.message], [401, 'Reset token invalid'], 'a link is used once');

  const wrong = await login(user, 'wrong password!');
  assert.equal(wrong.status, 401);
  assert.match(String(wrong.body.message), /Login attempt failed/);
  const ok = await login(user, 'correct horse battery');
  assert.equal(ok.status, 200);
  assert.ok(Math.abs(Number(ok.body.exp) - Date.now() / 1000 - 3600) < 60);
  assert.equal((await rest('GET', '/api/me', String(ok.body.token))).body.current_user, user);

  const lines = outbox().length;
  assert.deepEqual(await post('/api/reset_password', { email: 'nobody@nowhere.example' }), { status: 200, body: {} }, 'who has an account is not told');
  assert.equal(outbox().length, lines, 'and no mail is sent');
  assert.deepEqual(await post('/api/reset_password', { email: `${user}@users.quilt-e2e.local` }), { status: 200, body: {} });
  assert.equal(outbox().length, lines + 1);

  await cat.post('admin', { query: `mutation { admin { user { mutate(name: "${user}") { setActive(active: false) { __typename } } } } }` });
  assert.equal((await login(user, 'correct horse battery')).status, 401, 'a deactivated user cannot sign in');
  await cat.post('admin', { query: `mutation { admin { user { mutate(name: "${user}") { setActive(active: true) { __typename } } } } }` });
});

test('a user an admin creates is invited: a mail to their address with a link that sets their password, then they sign in', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const outbox = (): Array<{ to: string; user: string; subject: string; link: string }> =>
    readFileSync(join(cat.config.dataDir, 'outbox', 'mail.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { to: string; user: string; subject: string; link: string });
  const name = `invitee_${Date.now().toString(36)}`;
  const made = await cat.post('admin', { query: `mutation { admin { user { create(input: { name: "${name}", email: "${name}@example.com", role: "ReadQuiltBucket" }) { __typename } } } }` });
  assert.deepEqual((made.body as { data: unknown }).data, { admin: { user: { create: { __typename: 'User' } } } });
  const mail = outbox().at(-1)!;
  assert.deepEqual([mail.user, mail.to], [name, `${name}@example.com`]);
  assert.match(mail.subject, /invited/);
  assert.match(mail.link, new RegExp(`^${cat.config.webAppUrl}/reset_password/[A-Za-z0-9_-]{32}$`));
  const set = await fetch(`${cat.config.url}/api/change_password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ link: mail.link, password: 'a first password' }), signal: AbortSignal.timeout(15_000) });
  assert.equal(set.status, 200);
  const login = await fetch(`${cat.config.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: name, password: 'a first password' }), signal: AbortSignal.timeout(15_000) });
  assert.equal(login.status, 200);
  await cat.post('admin', { query: `mutation { admin { user { mutate(name: "${name}") { delete { __typename } } } } }` });
});
