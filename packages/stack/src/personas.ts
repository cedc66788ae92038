/**
 * The personas become Quilt users through Quilt's own admin API, as an admin would make them: Dana
 * (the bucket owner, the catalog's first admin) makes Rita and Otto with their roles
 * (PERSONA_ROLES: Rita ReadQuiltBucket, Otto NoQuiltBucket) — admin.user.get, then
 * admin.user.create when missing, or setRole when an earlier run left another role. Idempotent.
 */
import { readFileSync } from 'node:fs';
import { PERSONA_ROLES } from '@quilt-e2e/constants';

export interface PersonaUsers { admin: { uid: string }; reader: { uid: string }; outsider: { uid: string } }

async function gql<T>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await fetch(`${url}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(15_000),
  });
  const body = await r.json().catch(() => ({})) as { data?: T; errors?: Array<{ message: string }>; message?: string };
  if (r.status !== 200 || body.errors?.length || !body.data) throw new Error(`the catalog's admin API answered ${r.status}: ${body.message ?? body.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
  return body.data;
}

type UserResult = { __typename: string; errors?: Array<{ path: string; message: string }>; message?: string };
const RESULT = '__typename ... on InvalidInput { errors { path message } } ... on OperationError { message }';

/** Makes the reader and the outsider users of the catalog at `url` with their roles, as the admin (whose token is `adminToken`). Returns what it did. */
export async function provisionPersonas(url: string, adminToken: string, users: PersonaUsers): Promise<string[]> {
  const done: string[] = [];
  for (const persona of ['reader', 'outsider'] as const) {
    const name = users[persona].uid;
    const role = PERSONA_ROLES[persona];
    const got = await gql<{ admin: { user: { get: { role: { name: string } | null } | null } } }>(url, adminToken,
      'query($n: String!) { admin { user { get(name: $n) { role { ... on ManagedRole { name } } } } } }', { n: name });
    const existing = got.admin.user.get;
    let r: UserResult | undefined;
    if (!existing) {
      r = (await gql<{ admin: { user: { create: UserResult } } }>(url, adminToken, `mutation($i: UserInput!) { admin { user { create(input: $i) { ${RESULT} } } } }`,
        { i: { name, email: `${name}@users.quilt-e2e.local`, role } })).admin.user.create;
      done.push(`${name} (${role}) created`);
    } else if (existing.role?.name !== role) {
      r = (await gql<{ admin: { user: { mutate: { setRole: UserResult } } } }>(url, adminToken, `mutation($n: String!, $r: String!) { admin { user { mutate(name: $n) { setRole(role: $r) { ${RESULT} } } } } }`,
        { n: name, r: role })).admin.user.mutate.setRole;
      done.push(`${name} given back the role ${role} (it had ${existing.role?.name ?? 'none'})`);
    }
    if (r && r.__typename !== 'User') throw new Error(`could not make the user ${name}: ${r.__typename} ${JSON.stringify(r.errors ?? r.message ?? '')}`);
  }
  return done;
}

async function post(url: string, body: unknown): Promise<number> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  await r.arrayBuffer();
  return r.status;
}

/**
 * Gives each persona their password for the web catalog's sign-in form, as a user gets one: the
 * admin sends a reset link (admin.user.mutate.resetPassword), the link arrives in the catalog's
 * outbox (`outboxFile`, this stack's stand-in for email) and is used with POST /api/change_password.
 * A persona who can already sign in with it is left alone. Returns what it did.
 */
export async function provisionPasswords(url: string, adminToken: string, users: PersonaUsers, passwords: Record<keyof PersonaUsers, string>, outboxFile: string): Promise<string[]> {
  const done: string[] = [];
  for (const persona of ['admin', 'reader', 'outsider'] as const) {
    const name = users[persona].uid;
    if (await post(`${url}/api/login`, { username: name, password: passwords[persona] }) === 200) continue;
    const r = await gql<{ admin: { user: { mutate: { resetPassword: { __typename: string } } | null } } }>(url, adminToken,
      'mutation($n: String!) { admin { user { mutate(name: $n) { resetPassword { __typename ... on OperationError { message } } } } } }', { n: name });
    if (r.admin.user.mutate?.resetPassword.__typename !== 'Ok') throw new Error(`the catalog would not send ${name} a reset link: ${JSON.stringify(r.admin.user.mutate)}`);
    const mail = readFileSync(outboxFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { user?: string; link?: string }).filter((m) => m.user === name).pop();
    if (!mail?.link) throw new Error(`no reset link for ${name} in ${outboxFile}`);
    const status = await post(`${url}/api/change_password`, { link: mail.link, password: passwords[persona] });
    if (status !== 200) throw new Error(`setting ${name}'s password with the reset link answered ${status}`);
    done.push(`${name} can sign in with a password`);
  }
  return done;
}
