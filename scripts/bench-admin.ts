/**
 * Admin mutations against the stack's catalog (a script that prints figures): N rounds of
 * policyCreateManaged, roleCreateManaged (an IAM role and its policy in RGW), admin.user.create,
 * setRole, then their removal — p50/p95 per mutation against the budget (p95 <= 300 ms). Everything
 * made carries a "bench-" name and is removed at the end, also after a failure.
 *
 *   npx tsx scripts/bench-admin.ts [--rounds 20]
 */
import { randomBytes } from 'node:crypto';
import { mintToken } from '@quilt-e2e/platform';
import { loadStackConfig } from '@quilt-e2e/stack';

const i = process.argv.indexOf('--rounds');
const rounds = i >= 0 ? Number(process.argv[i + 1]) : 20;
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 500) throw new Error('--rounds takes a whole number from 1 to 500, for example --rounds 20');
const c = loadStackConfig();
const url = `http://127.0.0.1:${c.ports.catalog}/graphql`;
const token = await mintToken(c.s3Users.admin.uid);
const times = new Map<string, number[]>();
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function gql(what: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const t = performance.now();
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(15_000) });
  const body = await r.json() as { data?: Record<string, unknown>; errors?: unknown };
  (times.get(what) ?? times.set(what, []).get(what)!).push(performance.now() - t);
  if (r.status !== 200 || body.errors) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.data!;
}

const made: Array<{ policy: string; role?: string; user?: string }> = [];
try {
  for (let n = 0; n < rounds; n++) {
    const tag = `bench-${randomBytes(3).toString('hex')}`;
    const p = (await gql('policyCreateManaged', 'mutation($i: ManagedPolicyInput!) { policyCreateManaged(input: $i) { ... on Policy { id } } }',
      { i: { title: tag, permissions: [{ bucket: c.s3.testBucket, level: 'READ' }], roles: [] } })).policyCreateManaged as { id: string };
    const m: (typeof made)[number] = { policy: p.id };
    made.push(m);
    const r = (await gql('roleCreateManaged', 'mutation($i: ManagedRoleInput!) { roleCreateManaged(input: $i) { ... on RoleCreateSuccess { role { ... on ManagedRole { id } } } } }',
      { i: { name: tag, policies: [p.id] } })).roleCreateManaged as { role: { id: string } };
    m.role = r.role.id;
    await gql('admin.user.create', 'mutation($i: UserInput!) { admin { user { create(input: $i) { __typename } } } }', { i: { name: tag, email: `${tag}@example.com`, role: 'ReadQuiltBucket' } });
    m.user = tag;
    await gql('setRole', `mutation { admin { user { mutate(name: "${tag}") { setRole(role: "${tag}") { __typename } } } } }`);
  }
} finally {
  for (const m of made) {
    if (m.user) await gql('user delete', `mutation { admin { user { mutate(name: "${m.user}") { delete { __typename } } } } }`).catch((e: unknown) => console.error(String(e)));
    if (m.role) await gql('roleDelete', `mutation { roleDelete(id: "${m.role}") { __typename } }`).catch((e: unknown) => console.error(String(e)));
    await gql('policyDelete', `mutation { policyDelete(id: "${m.policy}") { __typename } }`).catch((e: unknown) => console.error(String(e)));
  }
}
console.log(`admin mutations at ${url}, ${rounds} round(s):`);
for (const [what, xs] of times) {
  const p95 = pct(xs, 95);
  console.log(`  ${what.padEnd(20)} p50 ${pct(xs, 50).toFixed(1).padStart(6)} ms  p95 ${p95.toFixed(1).padStart(6)} ms  (${xs.length})  ${p95 <= 300 ? 'PASS' : 'FAIL'} (budget p95 <= 300 ms)`);
}
