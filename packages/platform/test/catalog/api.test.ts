/**
 * The local catalog's HTTP contract against the real stack (RGW + OpenSearch): authentication,
 * authorization decided by RGW, credentials, the search API fed by RGW's bucket index log,
 * and bad input. Starts its own catalog process on its own bucket (`@quilt-e2e/test-kit/catalog`).
 *
 *   node --import tsx --test packages/platform/test/catalog/api.test.ts
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { AuthError, mintToken, verifyToken } from '../../src/catalog/auth.js';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { startCatalogUnderTest, type CatalogUnderTest, type Persona } from '@quilt-e2e/test-kit/catalog';
import { eventually } from '@quilt-e2e/test-kit';

let cat: CatalogUnderTest;
const personas: Persona[] = ['admin', 'reader', 'outsider'];

before(async () => { cat = await startCatalogUnderTest(); });
after(async () => { await cat?.teardown(); });

describe('tokens', () => {
  const opts = { secret: 'a-secret-of-at-least-16-chars', issuer: 'iss', audience: 'aud', knownUsers: new Set(['u1']) };
  const refused = async (token: string | Promise<string>, code: string, why: string): Promise<void> => {
    await assert.rejects(async () => verifyToken(await token, opts), (e: unknown) => {
      assert.ok(e instanceof AuthError, `${why}: expected an AuthError, got ${String(e)}`);
      assert.equal(e.code, code, `${why}: ${e.message}`);
      assert.ok(e.message.length > 20, `${why}: the message ${JSON.stringify(e.message)} says too little`);
      return true;
    }, why);
  };
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  test('a minted token verifies and names its user; tampering, expiry and wrong claims are refused with a reason', async () => {
    const t = await mintToken('u1', { secret: opts.secret, issuer: 'iss', audience: 'aud' });
    const ok = await verifyToken(t, opts);
    assert.equal(ok.user, 'u1');
    assert.equal(ok.expiresAt.getTime(), (ok.claims.exp as number) * 1000);
    const [h, p, s] = t.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    await refused(`${h}.${b64({ ...claims, sub: 'u2' })}.${s}`, 'InvalidSignature', 'a forged payload');
    await refused(`${h}.${p}.`, 'InvalidSignature', 'no signature');
    await refused(mintToken('u1', { ...opts, expiresInSeconds: -60 }), 'TokenExpired', 'expired');
    await refused(mintToken('u1', { ...opts, issuer: 'other' }), 'InvalidClaims', 'another issuer');
    await refused(mintToken('u1', { ...opts, claims: { iss: undefined } }), 'InvalidClaims', 'no issuer');
    await refused(mintToken('u1', { ...opts, audience: 'other' }), 'InvalidClaims', 'another audience');
    await refused(mintToken('u1', { ...opts, claims: { exp: undefined } }), 'InvalidClaims', 'no exp');
    await refused(mintToken('u1', { ...opts, claims: { exp: 'tomorrow' } }), 'InvalidClaims', 'a string exp');
    await refused(mintToken('u1', { ...opts, claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }), 'InvalidClaims', 'not valid yet');
    await refused(mintToken('nobody', opts), 'UnknownUser', 'an unknown user');
    await refused(mintToken('', opts), 'InvalidClaims', 'no user');
    await refused(mintToken('u1', { ...opts, secret: 'another-secret-16-chars' }), 'InvalidSignature', 'another secret');
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${p}.`, 'MalformedToken', 'alg none');
    await refused(`${b64({ alg: 'HS512', typ: 'JWT' })}.${p}.${s}`, 'MalformedToken', 'alg HS512');
    await refused(`${b64({ typ: 'JWT' })}.${p}.${s}`, 'MalformedToken', 'no alg');
    await refused(`${b64({ alg: 'HS256', crit: ['x-unknown'], 'x-unknown': 1 })}.${p}.${s}`, 'MalformedToken', 'an unknown critical header');
    await refused(`${h}.${Buffer.from('not json').toString('base64url')}.${s}`, 'MalformedToken', 'a payload that is not JSON');
    await refused(`${h}.${b64([1, 2])}.${s}`, 'MalformedToken', 'a payload that is not an object');
    await refused(`${h}.${p}.###`, 'MalformedToken', 'a signature that is not base64url');
    await refused('not-a-token', 'MalformedToken', 'one part');
    await refused('###.###.###', 'MalformedToken', 'garbage');
    // within the leeway (5 s) a just-expired token still passes; `now` and the leeway are honoured
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await verifyToken(await mintToken('u1', { ...opts, now, expiresInSeconds: -2 }), opts)).user, 'u1');
    await assert.rejects(verifyToken(await mintToken('u1', { ...opts, now, expiresInSeconds: -2 }), { ...opts, leewaySeconds: 0 }), { code: 'TokenExpired' });
    assert.equal((await verifyToken(await mintToken('u1', { ...opts, now: now - 7200 }), { ...opts, now: now - 7000 })).user, 'u1');
    // `id` works like `sub`; aud may be a list
    assert.equal((await verifyToken(await mintToken('', { ...opts, claims: { sub: undefined, id: 'u1' } }), opts)).user, 'u1');
    assert.equal((await verifyToken(await mintToken('u1', { ...opts, claims: { aud: ['x', 'aud'] } }), opts)).user, 'u1');
  });
  test('a token signed by hand (node:crypto HMAC-SHA256, not jose) verifies like a minted one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sign = (header: unknown, claims: unknown, secret = opts.secret): string => {
      const input = `${b64(header)}.${b64(claims)}`;
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    };
    const claims = { sub: 'u1', iss: 'iss', aud: 'aud', iat: now, exp: now + 60 };
    assert.equal((await verifyToken(sign({ alg: 'HS256', typ: 'JWT' }, claims), opts)).user, 'u1');
    assert.equal((await verifyToken(sign({ alg: 'HS256' }, claims), opts)).user, 'u1', 'typ is optional');
    await refused(sign({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-16-chars'), 'InvalidSignature', 'signed with another secret');
    await refused(sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: 'now' }), 'InvalidClaims', 'a string iat');
  });
});

describe('health', () => {
  test('GET /health answers 200 with OpenSearch, S3 and the indexer lag, without a token', async () => {
    const r = await cat.get('/health');
    assert.equal(r.status, 200, r.text);
    const b = r.body as { ok: boolean; opensearch: { ok: boolean }; s3: { ok: boolean }; indexer: Record<string, unknown> };
    assert.equal(b.ok, true);
    assert.equal(b.opensearch.ok, true);
    assert.equal(b.s3.ok, true);
    for (const k of ['queueLength', 'lastEventAgeMs', 'p95LagMs']) assert.ok(k in b.indexer, `indexer.${k} missing in ${JSON.stringify(b.indexer)}`);
  });
});

describe('authentication: every endpoint but /health answers 401 {error, message} to a bad or missing token', () => {
  const endpoints: Array<[string, (h: Record<string, string>) => Promise<{ status: number; body: unknown }>]> = [
    ['GET /api/auth/get_credentials', (h) => cat.get('/api/auth/get_credentials', null, h)],
    ['GET /api/search', (h) => cat.get(`/api/search?index=${cat.bucket}&action=search&query=x`, null, h)],
    ['POST /graphql', (h) => cat.post(null, { query: '{ me { name } }' }, h)],
  ];
  const badTokens = async (): Promise<Array<[string, Record<string, string>]>> => {
    const c = cat.config.jwt;
    const base = { secret: c.secret, issuer: c.issuer, audience: c.audience };
    return [
      ['no Authorization header', {}],
      ['a Basic header', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['a malformed token', { authorization: 'Bearer abc.def' }],
      ['garbage base64', { authorization: 'Bearer ###.###.###' }],
      ...(await Promise.all(personas.map(async (p): Promise<Array<[string, Record<string, string>]>> => [
        [`${p}: wrongly signed`, { authorization: `Bearer ${await mintToken(cat.uid(p), { ...base, secret: 'not-the-catalog-secret-123' })}` }],
        [`${p}: expired`, { authorization: `Bearer ${await mintToken(cat.uid(p), { ...base, expiresInSeconds: -120 })}` }],
        [`${p}: another issuer`, { authorization: `Bearer ${await mintToken(cat.uid(p), { ...base, issuer: 'someone-else' })}` }],
        [`${p}: another audience`, { authorization: `Bearer ${await mintToken(cat.uid(p), { ...base, audience: 'another-app' })}` }],
      ]))).flat(),
      ['an unknown user', { authorization: `Bearer ${await mintToken('quilt-e2e-nobody', base)}` }],
    ];
  };
  for (const [name, call] of endpoints) {
    test(name, async () => {
      for (const [why, headers] of await badTokens()) {
        const r = await call(headers);
        assert.equal(r.status, 401, `${name} with ${why}: expected 401, got ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        const b = r.body as { error?: unknown; message?: unknown };
        assert.equal(typeof b.error, 'string', `${why}: no "error" in ${JSON.stringify(b)}`);
        assert.equal(typeof b.message, 'string', `${why}: no "message" in ${JSON.stringify(b)}`);
      }
    });
  }
});

describe('credentials', () => {
  for (const p of personas) {
    test(`get_credentials gives ${p} STS credentials of the role that RGW accepts with exactly ${p}'s permissions`, async () => {
      const r = await cat.get('/api/auth/get_credentials', p);
      assert.equal(r.status, 200, r.text);
      const c = r.body as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
      assert.match(c.AccessKeyId, /^\S+$/);
      assert.notEqual(c.AccessKeyId, cat.config.users[cat.uid(p)]!.accessKeyId, 'temporary keys, not the user\'s own');
      assert.ok(typeof c.SessionToken === 'string' && c.SessionToken.length > 20, `SessionToken ${JSON.stringify(c.SessionToken)}`);
      const left = Date.parse(c.Expiration) - Date.now();
      assert.ok(left > 30 * 60_000 && left <= 3600_000 + 5000, `Expiration ${c.Expiration}: about an hour from now (the default)`);
      const again = (await cat.get('/api/auth/get_credentials', p)).body as typeof c;
      assert.equal(again.AccessKeyId, c.AccessKeyId, 'reused while more than half their lifetime is left');
      const s3 = createS3Client({ endpoint: cat.config.s3Endpoint, region: cat.config.region, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
      try {
        const list = await s3.send(new ListObjectsV2Command({ Bucket: cat.bucket, MaxKeys: 1 })).then(() => 'ok', (e: { name?: string }) => e.name);
        assert.equal(list, p === 'outsider' ? 'AccessDenied' : 'ok', `${p} listing the bucket`);
        const key = `creds/${p}-${randomBytes(3).toString('hex')}.txt`;
        const put = await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: key, Body: 'x' })).then((o) => o.VersionId ?? 'ok', (e: { name?: string }) => `denied:${e.name}`);
        if (p === 'admin') {
          assert.ok(!put.startsWith('denied'), `admin could not write: ${put}`);
          await cat.s3('admin').send(new DeleteObjectCommand({ Bucket: cat.bucket, Key: key, VersionId: put }));
        } else {
          assert.equal(put, 'denied:AccessDenied', `${p} should not be able to write`);
        }
      } finally {
        s3.destroy();
      }
      // Without the session token RGW does not know the key.
      const bare = createS3Client({ endpoint: cat.config.s3Endpoint, region: cat.config.region, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey } });
      try {
        const list = await bare.send(new ListObjectsV2Command({ Bucket: cat.bucket, MaxKeys: 1 })).then(() => 'ok', (e: { name?: string }) => e.name);
        assert.notEqual(list, 'ok', 'temporary keys without their session token are refused');
      } finally {
        bare.destroy();
      }
    });
  }

  test("me names the user's role: Dana ReadWriteQuiltBucket, Rita ReadQuiltBucket, Otto NoQuiltBucket", async () => {
    const names = await Promise.all(personas.map(async (p) => ((await cat.post(p, { query: '{ me { role { name } } }' })).body.data as { me: { role: { name: string } } }).me.role.name));
    assert.deepEqual(names, ['ReadWriteQuiltBucket', 'ReadQuiltBucket', 'NoQuiltBucket']);
  });
});

describe('search API', () => {
  test('an object written to S3 becomes searchable (by its text and key), then disappears when its version is deleted', async () => {
    const word = `zebra${randomBytes(4).toString('hex')}`;
    const key = `search/${word} notes.md`;
    const put = await cat.s3('admin').send(new PutObjectCommand({ Bucket: cat.bucket, Key: key, Body: `# Notes\nthe ${word} crossed the road\n` }));
    const hits = await cat.searchUntil(word, (h) => h.length === 1, `${key} searchable`);
    const doc = hits[0]!;
    assert.equal(doc._id, `${key}:${put.VersionId}`);
    assert.equal(doc._source.key, key);
    assert.equal(doc._source.ext, '.md');
    assert.equal(doc._source.version_id, put.VersionId);
    assert.equal(doc._source.delete_marker, false);
    assert.match(String(doc._source.content), new RegExp(word));
    await cat.searchUntil('notes', (h) => h.some((x) => x._source.key === key), 'found by a word of the key');
    await cat.s3('admin').send(new DeleteObjectCommand({ Bucket: cat.bucket, Key: key, VersionId: put.VersionId }));
    await cat.searchUntil(word, (h) => h.length === 0, `${key} gone from search`);
  });

  test('a delete marker is indexed as a document with delete_marker: true', async () => {
    const word = `marker${randomBytes(4).toString('hex')}`;
    const key = `search/${word}.txt`;
    await cat.s3('admin').send(new PutObjectCommand({ Bucket: cat.bucket, Key: key, Body: word }));
    await cat.searchUntil(word, (h) => h.length === 1, 'object searchable');
    const del = await cat.s3('admin').send(new DeleteObjectCommand({ Bucket: cat.bucket, Key: key }));
    assert.equal(del.DeleteMarker, true);
    const body = JSON.stringify({ query: { bool: { filter: [{ term: { key } }, { term: { delete_marker: true } }] } } });
    await (async () => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const r = await cat.get(`/api/search?index=${cat.bucket}&action=freeform&body=${encodeURIComponent(body)}`, 'reader');
        assert.equal(r.status, 200, r.text);
        const h = (r.body as { hits: { hits: Array<{ _id: string }> } }).hits.hits;
        if (h.length === 1) { assert.equal(h[0]!._id, `${key}:${del.VersionId}`); return; }
        assert.ok(Date.now() < deadline, `no delete-marker document for ${key} within 20 s`);
        await new Promise((r2) => setTimeout(r2, 100));
      }
    })();
  });

  test('action=sample answers the newest files of the sample types, their newest versions, none whose newest version is deleted, however many newer ones were deleted', async () => {
    const run = `sample${randomBytes(4).toString('hex')}`;
    const s3 = cat.s3('admin');
    const live: Record<string, string> = {};
    for (let i = 0; i < 3; i += 1) {
      const key = `${run}/live-${i}.csv`;
      live[key] = (await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: key, Body: `a,b\n${i},${i}\n` }))).VersionId!;
    }
    // 45 newer files, deleted (a delete marker each): more than the 40 keys (2 x 20) the answer looks at first.
    const gone: string[] = [];
    for (let i = 0; i < 45; i += 1) {
      const key = `${run}/gone-${i}.csv`;
      await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: key, Body: 'x\n' }));
      await s3.send(new DeleteObjectCommand({ Bucket: cat.bucket, Key: key }));
      gone.push(key);
    }
    const body = JSON.stringify({ query: { bool: { filter: [{ prefix: { key: `${run}/` } }, { term: { delete_marker: true } }] } } });
    await eventually(async () => {
      const r = await cat.get(`/api/search?index=${cat.bucket}&action=freeform&size=0&body=${encodeURIComponent(body)}`, 'reader');
      assert.equal((r.body as { hits?: { total?: number } }).hits?.total, 45, r.text.slice(0, 200));
    }, { timeoutMs: 30_000, what: `the 45 delete markers under ${run}/ indexed` });
    const r = await cat.get(`/api/search?index=${cat.bucket}&action=sample`, 'reader');
    assert.equal(r.status, 200, r.text);
    const answer = r.body as { aggregations?: { objects: { buckets: Array<{ latest: { hits: { hits: Array<{ _source: { key: string; version_id: string } }> } } }> } } };
    const sampled = (answer.aggregations?.objects.buckets ?? []).map((b) => b.latest.hits.hits[0]!._source);
    const ours = sampled.filter((x) => x.key.startsWith(`${run}/`));
    assert.deepEqual(Object.fromEntries(ours.map((x) => [x.key, x.version_id])), live, `the sample: ${JSON.stringify(sampled)}`);
    assert.deepEqual(Object.keys(answer.aggregations!.objects), ['buckets'], 'the answer holds the keys only, as Quilt\'s does');
    assert.ok(!gone.some((k) => sampled.some((x) => x.key === k)), 'no deleted file in the sample');
  });

  test('who may search is what RGW says: admin and reader may, the outsider gets 403 on the bucket and on its _packages index', async () => {
    for (const p of ['admin', 'reader'] as const) {
      const r = await cat.get(`/api/search?index=${cat.bucket},${cat.bucket}_packages&action=search&query=*`, p);
      assert.equal(r.status, 200, `${p}: ${r.text.slice(0, 300)}`);
      assert.ok('hits' in (r.body as object), 'raw OpenSearch shape with hits');
    }
    for (const index of [cat.bucket, `${cat.bucket}_packages`]) {
      const r = await cat.get(`/api/search?index=${index}&action=search&query=*`, 'outsider');
      assert.equal(r.status, 403, r.text);
      assert.equal((r.body as { error: string }).error, 'Forbidden');
    }
    const star = await cat.get('/api/search?index=*&action=search&query=*', 'outsider');
    assert.equal(star.status, 403, 'the outsider may read no served bucket');
  });

  test('bad search requests answer 400 with a reason; an unknown bucket 404', async () => {
    const cases: Array<[string, number, RegExp]> = [
      ['', 400, /index/],
      [`?index=${cat.bucket}&action=search`, 400, /query/],
      [`?index=${cat.bucket}&action=freeform&body=${encodeURIComponent('{not json')}`, 400, /JSON/],
      [`?index=${cat.bucket}&action=explode&query=x`, 400, /action/],
      [`?index=${cat.bucket}&action=search&query=x&size=-1`, 400, /size/],
      [`?index=${cat.bucket}&action=freeform&body=${encodeURIComponent('{"query":{"nonsense":{}}}')}`, 400, /OpenSearch/],
      [`?index=Bad_Index!&action=search&query=x`, 400, /index/],
      [`?index=${cat.bucket}&action=freeform&body=${encodeURIComponent(JSON.stringify({ query: { terms: { key: { index: 'other-bucket', id: '1', path: 'key' } } } }))}`, 400, /other indexes/],
      [`?index=quilt-e2e-no-such-bucket-${randomBytes(3).toString('hex')}&action=search&query=x`, 404, /does not exist/],
    ];
    for (const [qs, status, re] of cases) {
      const r = await cat.get(`/api/search${qs}`, 'reader');
      assert.equal(r.status, status, `${qs}: ${r.text.slice(0, 300)}`);
      assert.match((r.body as { message: string }).message, re, qs);
    }
  });
});

describe('bad input', () => {
  test('malformed GraphQL answers 400 with a clear error; unknown fields 400; a non-JSON body 400', async () => {
    const parse = await cat.post('reader', { query: '{ bucketConfigs { name ' });
    assert.equal(parse.status, 400);
    assert.equal(parse.body.error, 'GraphQLParseFailed');
    assert.match(String(parse.body.message), /Syntax Error/);
    const unknown = await cat.post('reader', { query: '{ noSuchField }' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error, 'GraphQLValidationFailed');
    assert.match(String(unknown.body.message), /noSuchField/);
    const notJson = await cat.post('reader', 'this is not json');
    assert.equal(notJson.status, 400);
    assert.match(String(notJson.body.message), /not JSON/);
    const noQuery = await cat.post('reader', { variables: {} });
    assert.equal(noQuery.status, 400);
    const badVars = await cat.post('reader', { query: 'query($b: String!) { package(bucket: $b, name: "a/b") { name } }', variables: { b: 42 } });
    assert.equal(badVars.status, 400, JSON.stringify(badVars.body));
  });

  test('a body over 1 MiB answers 413 and the catalog keeps serving', async () => {
    const big = JSON.stringify({ query: `{ me { name } } ${'#'.repeat(1024 * 1024 + 10)}` });
    const r = await cat.post('reader', big);
    assert.equal(r.status, 413);
    assert.equal(r.body.error, 'PayloadTooLarge');
    const ok = await cat.post('reader', { query: '{ me { name } }' });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.data, { me: { name: cat.uid('reader') } });
  });

  test('unknown endpoints answer 404 and wrong methods 405, as JSON', async () => {
    const r = await cat.get('/api/nothing-here', 'reader');
    assert.equal(r.status, 404);
    assert.equal((r.body as { error: string }).error, 'NotFound');
    const g = await cat.get('/graphql', 'reader');
    assert.equal(g.status, 405);
  });


});

describe("the contract real clients read (Quilt's schema and config.json)", () => {
  test('GET /config.json: every key Quilt\'s catalog/config-schema.json requires, without a token', async () => {
    const r = await cat.get('/config.json', null);
    assert.equal(r.status, 200);
    const c = r.body as Record<string, unknown>;
    // catalog/config-schema.json in quiltdata/quilt: "required".
    for (const k of ['alwaysRequiresAuth', 'apiGatewayEndpoint', 'mixpanelToken', 'mode', 'passwordAuth', 'region', 'registryUrl', 's3Proxy', 'serviceBucket', 'ssoAuth', 'ssoProviders', 'stackVersion']) {
      assert.ok(k in c, `config.json has ${k}`);
    }
    assert.equal(c.registryUrl, cat.url);
    assert.equal(c.region, 'us-east-1');
    assert.match(String(c.analyticsBucket), /^quilt-e2e-analyticsbucket-/, 'named as CloudFormation names a stack\'s analytics bucket');
  });

  test('me: Quilt\'s fields (name, email, isAdmin, role, roles); the bucket owner is the admin', async () => {
    const q = '{ me { name email isAdmin role { name } roles { name } } }';
    const admin = await cat.post('admin', { query: q });
    const reader = await cat.post('reader', { query: q });
    const a = (admin.body.data as { me: { name: string; email: string; isAdmin: boolean; role: { name: string }; roles: { name: string }[] } }).me;
    const r = (reader.body.data as { me: typeof a }).me;
    assert.equal(a.name, cat.uid('admin'));
    assert.equal(a.isAdmin, true);
    assert.equal(r.isAdmin, false);
    assert.match(r.email, /@/);
    assert.deepEqual(r.roles, [r.role]);
  });

  test('bucketConfigs: the fields quilt-mcp asks for (browsable, tags, ...)', async () => {
    const r = await cat.post('reader', { query: '{ bucketConfigs { name title description iconUrl browsable tags relevanceScore lastIndexed overviewUrl linkedData } }' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const b = (r.body.data as { bucketConfigs: Array<Record<string, unknown>> }).bucketConfigs;
    assert.deepEqual(b.map((x) => [x.name, x.browsable]), [[cat.bucket, true]]);
  });
});
