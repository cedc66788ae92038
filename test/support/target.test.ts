/**
 * The quilt target's token settings (support/target.ts): with PLATFORM_TEST_JWT_SECRET the suite
 * mints the personas' tokens and the expired/forged ones; checked with an independent library (jose).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jwtVerify, errors } from 'jose';
import { loadTarget } from '../../support/target.js';

const ENV = { QUILT_E2E_TARGET: 'quilt', QUILT_TEST_BUCKET: 'my-bucket', PLATFORM_TEST_JWT_SECRET: 'a-stack-secret-of-enough-length', PLATFORM_TEST_JWT_ISSUER: 'quilt-stack', PLATFORM_TEST_JWT_AUDIENCE: 'quilt', QUILT_E2E_READER_USER: 'rita' };
const key = new TextEncoder().encode(ENV.PLATFORM_TEST_JWT_SECRET);

test('with PLATFORM_TEST_JWT_SECRET the personas get tokens signed with it, for their users', async () => {
  const t = loadTarget(ENV);
  assert.ok(t.minting, 'the target can mint');
  const { payload } = await jwtVerify(t.personas.reader!.token!, key, { issuer: 'quilt-stack', audience: 'quilt', algorithms: ['HS256'] });
  assert.equal(payload.sub, 'rita');
  assert.equal((await jwtVerify(t.personas.admin!.token!, key, { algorithms: ['HS256'] })).payload.sub, 'admin');
});

test('expired and forged tokens are what they claim to be; an explicit token wins', async () => {
  const t = loadTarget(ENV);
  await assert.rejects(jwtVerify(t.minting!.mint('admin', { expiresInSeconds: -120 }), key), errors.JWTExpired);
  await assert.rejects(jwtVerify(t.minting!.mint('admin', { secret: 'another-secret-of-enough-length' }), key), errors.JWSSignatureVerificationFailed);
  assert.equal(loadTarget({ ...ENV, QUILT_E2E_READER_JWT: 'given.token.here' }).personas.reader!.token, 'given.token.here');
  assert.equal(loadTarget({ QUILT_E2E_TARGET: 'quilt', QUILT_TEST_BUCKET: 'b' }).minting, undefined);
});

test('an S3 endpoint of the quilt target is taken from AWS_ENDPOINT_URL_S3', () => {
  assert.equal(loadTarget({ ...ENV, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:7480' }).s3.endpoint, 'http://127.0.0.1:7480');
  assert.equal(loadTarget(ENV).s3.endpoint, undefined);
});
