/**
 * The catalog's guard rails and HTTP framing against the real stack: GraphQL depth, alias and cost
 * limits refused before anything runs (no S3 question asked), one S3 authorization question shared
 * by the concurrent fields of a request, a bare JWT accepted as Quilt's registry accepts it, one
 * access-log line per request, and the request deadline. Starts its own catalog processes.
 *
 *   node --import tsx --test packages/platform/test/catalog/guards.test.ts
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;

before(async () => { cat = await startCatalogUnderTest(); });
after(async () => { await cat?.teardown(); });

interface AuthzStats { asked: number; cached: number; shared: number; pending: number }
const authz = async (c: CatalogUnderTest): Promise<AuthzStats> => (await c.get('/internal/authz', null)).body as AuthzStats;
const aliases = (n: number, field = 'bucketConfigs { name }'): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
type Refusal = { error: string; message: string; errors: Array<{ message: string; extensions: Record<string, unknown> }> };

describe('GraphQL guard rails', () => {
  test('3,000 aliases are refused before anything runs: 400, the limit and its setting named, no S3 question asked', async () => {
    const before = await authz(cat);
    const t = performance.now();
    const r = await cat.post('reader', { query: aliases(3000) });
    const took = performance.now() - t;
    const after = await authz(cat);
    assert.equal(r.status, 400, JSON.stringify(r.body).slice(0, 300));
    const b = r.body as unknown as Refusal;
    assert.equal(b.error, 'QueryTooComplex');
    assert.match(b.message, /more than 100 fields with aliases.*QUILT_E2E_GRAPHQL_MAX_ALIASES/);
    assert.deepEqual({ ...b.errors[0]!.extensions, actual: undefined }, { code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 100, actual: undefined, setting: 'QUILT_E2E_GRAPHQL_MAX_ALIASES' });
    assert.equal(after.asked - before.asked, 0, 'no S3 authorization question for a refused query');
    assert.equal(after.cached - before.cached, 0, 'no authorization looked up at all');
    assert.ok(took < 1000, `refused in ${Math.round(took)} ms`);
  });

  test('aliases in a fragment count too; 100 aliases still run', async () => {
    const viaFragment = await cat.post('reader', { query: `query { ...F } fragment F on Query ${aliases(101)}` });
    assert.equal(viaFragment.status, 400);
    assert.equal((viaFragment.body as unknown as Refusal).errors[0]!.extensions.limit, 'aliases');
    const ok = await cat.post('reader', { query: aliases(100, 'me { name }') });
    assert.equal(ok.status, 200, JSON.stringify(ok.body).slice(0, 300));
    assert.equal(Object.keys(ok.body.data as object).length, 100);
  });

  test('a query nested deeper than 16 levels is refused with the setting that allows more', async () => {
    // Nesting through a type that nests: PackageDir.children, 17 levels deep.
    let sel = 'path';
    for (let i = 0; i < 17; i++) sel = `children { ... on PackageDir { ${sel} } }`;
    const q = `{ package(bucket: "${cat.bucket}", name: "a/b") { revision { dir(path: "") { ${sel} } } } }`;
    const r = await cat.post('reader', { query: q });
    assert.equal(r.status, 400, JSON.stringify(r.body).slice(0, 300));
    const b = r.body as unknown as Refusal;
    assert.equal(b.errors[0]!.extensions.limit, 'depth');
    assert.match(b.message, /nested more than 16 levels deep.*QUILT_E2E_GRAPHQL_MAX_DEPTH/);
  });

  test('a query whose pages multiply past the cost limit is refused; the same query with small pages runs', async () => {
    const q = (perPage: number): string => `{ packages(bucket: "${cat.bucket}") { total page(perPage: ${perPage}) { name revisions { total page(perPage: ${perPage}) { hash message } } } } }`;
    const big = await cat.post('reader', { query: q(1000) });
    assert.equal(big.status, 400, JSON.stringify(big.body).slice(0, 300));
    const b = big.body as unknown as Refusal;
    assert.equal(b.errors[0]!.extensions.limit, 'cost');
    assert.match(b.message, /estimated cost is more than 20000.*QUILT_E2E_GRAPHQL_MAX_COST/);
    const small = await cat.post('reader', { query: q(10) });
    assert.equal(small.status, 200, JSON.stringify(small.body).slice(0, 300));
    // The cost follows a page size given as a variable too.
    const viaVariable = await cat.post('reader', { query: `query($n: Int) { packages(bucket: "${cat.bucket}") { page(perPage: $n) { revisions { page(perPage: $n) { hash } } } } }`, variables: { n: 1000 } });
    assert.equal(viaVariable.status, 400);
  });

  test('the concurrent fields of one request share one S3 authorization question', async () => {
    // A user whose answer is not cached yet: the outsider asks (denied, so the fields come back empty).
    const before = await authz(cat);
    const r = await cat.post('outsider', { query: aliases(90) });
    const after = await authz(cat);
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    assert.deepEqual(Object.values(r.body.data as Record<string, unknown[]>).map((v) => v.length), Array(90).fill(0));
    assert.ok(after.asked - before.asked <= 1, `${after.asked - before.asked} questions asked for 90 fields`);
    assert.equal((after.asked - before.asked) + (after.shared - before.shared) + (after.cached - before.cached), 90, 'every field checked the bucket');
  });
});

describe('HTTP framing', () => {
  test("a bare JWT is accepted as Quilt's registry accepts it (its web catalog sends one); other schemes are refused with the right forms", async () => {
    const token = await cat.token('reader');
    const bare = await cat.post(null, { query: '{ me { name } }' }, { authorization: token });
    assert.equal(bare.status, 200, JSON.stringify(bare.body));
    assert.deepEqual(bare.body.data, { me: { name: cat.uid('reader') } });
    const search = await cat.get(`/api/search?index=${cat.bucket}&action=search&query=x`, null, { authorization: token });
    assert.equal(search.status, 200, search.text.slice(0, 200));
    const basic = await cat.post(null, { query: '{ me { name } }' }, { authorization: 'Basic dXNlcjpwYXNz' });
    assert.equal(basic.status, 401);
    assert.equal(basic.body.error, 'MalformedToken');
    assert.match(String(basic.body.message), /"Bearer <token>" \(a JWT, or an API key qk_\.\.\.\) or the bare token/);
  });

  test('every request gets one access-log line: method, path, status, time and user', async () => {
    const marker = `/api/nothing-${Date.now()}`;
    await cat.get(marker, 'reader');
    await cat.post('reader', { query: '{ me { name } }' });
    const log = readFileSync(cat.logFile, 'utf8');
    assert.match(log, new RegExp(`access: GET ${marker} 404 \\d+ ms -`));
    assert.match(log, new RegExp(`access: POST /graphql 200 \\d+ ms ${cat.uid('reader')}`));
  });

  test('a malformed address is the caller\'s error, answered in the catalog\'s words', async () => {
    const r = await cat.get('/browse/%E0%A4%A', 'reader');
    assert.equal(r.status, 400, r.text.slice(0, 200));
  });
});
