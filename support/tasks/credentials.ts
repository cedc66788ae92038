/**
 * Credentials that run out: the S3 credentials the catalog hands a user carry an Expiration, and the
 * storage itself refuses them after it (RGW says AccessDenied, AWS ExpiredToken); the next exchange
 * gives fresh ones. A real stack's lifetime is its deployment's (an hour or more), so the scenario
 * runs on the local stack, whose admin control makes one user's credentials short-lived.
 */
import { expect } from 'chai';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3CredentialsAnswer } from '../adapters/catalog.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { admin, asUser, real, s3WithExchanged } from './admin.js';

export async function shortenCredentials(world: QuiltWorld, user: string, seconds: number): Promise<void> {
  if (world.target.kind !== 'local') throw new Error('only the local stack can shorten a user\'s credentials: tag the scenario @local-only');
  await admin(world).setLocalCredentialsTtl(real(world, user), seconds);
  world.ledger.register(`credentials lifetime of ${user}`, async () => { await admin(world).setLocalCredentialsTtl(real(world, user), null).catch(() => undefined); });
}

export async function exchange(world: QuiltWorld, user: string): Promise<void> {
  world.memory.exchanged = await asUser(world, user).credentials();
}

/** What S3 answers a listing of the test bucket made with these credentials: "ok" or the error's name. */
async function listWith(world: QuiltWorld, c: S3CredentialsAnswer): Promise<string> {
  const s3 = s3WithExchanged(world, c);
  try {
    return await s3.send(new ListObjectsV2Command({ Bucket: world.bucket, MaxKeys: 1 })).then(() => 'ok', (e: Error) => e.name);
  } finally {
    s3.destroy();
  }
}

export async function expectEndAtExpiration(world: QuiltWorld): Promise<void> {
  const c = world.memory.exchanged;
  expect(c.SessionToken, 'temporary credentials carry a session token').to.be.a('string').and.not.equal('');
  const expiresAt = Date.parse(c.Expiration ?? '');
  expect(Number.isFinite(expiresAt), `Expiration ${c.Expiration} is a time`).to.equal(true);
  expect(expiresAt - Date.now(), 'the credentials expire within the lifetime set for the scenario').to.be.within(0, 60_000);
  expect(await listWith(world, c), 'S3 accepts the credentials before their Expiration').to.equal('ok');
  world.log(`credentials expire at ${c.Expiration}; waiting until 1.5 s after it`);
  await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 1500));
  expect(await listWith(world, c), 'S3 refuses the credentials after their Expiration').to.match(/^(AccessDenied|ExpiredToken|InvalidAccessKeyId)$/);
}

export async function expectFreshCredentials(world: QuiltWorld, user: string): Promise<void> {
  const old = world.memory.exchanged;
  const fresh = await asUser(world, user).credentials();
  expect(fresh.AccessKeyId, 'a new credential, not the expired one').to.not.equal(old.AccessKeyId);
  expect(Date.parse(fresh.Expiration ?? '')).to.be.greaterThan(Date.now());
  expect(await listWith(world, fresh), 'S3 accepts the fresh credentials').to.equal('ok');
}
