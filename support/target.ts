/**
 * Which Quilt stack the suite runs against, from the environment:
 *  - local (default): the embedded stack this project starts itself (stack/);
 *  - quilt: a real deployment — AWS S3/Athena/Glue and a real catalog — named by the spec's variables.
 */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SECRET, loadStackConfig, type StackConfig } from '@quilt-e2e/stack/config.js';
import type { S3Credentials } from '@quilt-e2e/quilt-js/s3-client.js';

export type TargetKind = 'local' | 'quilt';
export type PersonaRole = 'admin' | 'reader' | 'outsider';

export interface PersonaAccess {
  /** Explicit keys, or undefined for the AWS default credential chain. */
  credentials?: S3Credentials;
  /** The persona's catalog identity (a JWT bearer token), when the target has a catalog. */
  token?: string;
}

/** How to make tokens for the catalog (needed for expired/forged-token scenarios). */
export interface TokenMinting {
  mint(user: string, options?: { expiresInSeconds?: number; secret?: string }): string;
  users: Record<PersonaRole, string>;
}

export interface TargetConfig {
  kind: TargetKind;
  /** The bucket the suite tests against (and the package registry). */
  bucket: string;
  s3: { endpoint?: string; region: string };
  /** The credentials each persona uses; a missing persona makes the scenarios that need it skip, with the reason. */
  personas: Partial<Record<PersonaRole, PersonaAccess>>;
  /** The catalog and registry API; absent when the target has none configured. */
  catalog?: { registryUrl: string; catalogUrl: string };
  /** Present when the suite may mint tokens itself (local target, or a quilt target with PLATFORM_TEST_JWT_SECRET). */
  minting?: TokenMinting;
  /** Present only for the local target. */
  stack?: StackConfig;
}

export class ConfigurationError extends Error {}

function required(env: NodeJS.ProcessEnv, name: string, example: string): string {
  const v = env[name];
  if (!v) throw new ConfigurationError(`${name} is not set: the quilt target needs it, for example ${name}=${example}`);
  return v;
}

function keysFromEnv(env: NodeJS.ProcessEnv, prefix: string): PersonaAccess | undefined {
  const id = env[`${prefix}_ACCESS_KEY_ID`];
  const secret = env[`${prefix}_SECRET_ACCESS_KEY`];
  if (!id || !secret) return undefined;
  return { credentials: { accessKeyId: id, secretAccessKey: secret, ...(env[`${prefix}_SESSION_TOKEN`] ? { sessionToken: env[`${prefix}_SESSION_TOKEN`] } : {}) } };
}

export function loadTarget(env: NodeJS.ProcessEnv = process.env): TargetConfig {
  const kind = (env.QUILT_E2E_TARGET ?? 'local').toLowerCase();
  if (kind === 'local') {
    const stack = loadStackConfig(env);
    const secret = env.QUILT_E2E_JWT_SECRET;
    const minting: TokenMinting = {
      // Minted with an independent JWT library (jsonwebtoken), not the catalog's own code.
      mint: (user, o = {}) => {
        const now = Math.floor(Date.now() / 1000);
        return jwt.sign({ sub: user, iss: env.QUILT_E2E_JWT_ISSUER ?? DEFAULT_JWT_ISSUER, aud: env.QUILT_E2E_JWT_AUDIENCE ?? DEFAULT_JWT_AUDIENCE, iat: now, exp: now + (o.expiresInSeconds ?? 3600), jti: randomUUID() },
          o.secret ?? secret ?? DEFAULT_JWT_SECRET, { algorithm: 'HS256', noTimestamp: true });
      },
      users: { admin: stack.s3Users.admin.uid, reader: stack.s3Users.reader.uid, outsider: stack.s3Users.outsider.uid },
    };
    const persona = (role: PersonaRole): PersonaAccess => ({
      credentials: { accessKeyId: stack.s3Users[role].accessKeyId, secretAccessKey: stack.s3Users[role].secretAccessKey },
      token: minting.mint(minting.users[role]),
    });
    const url = `http://127.0.0.1:${stack.ports.catalog}`;
    return {
      kind: 'local',
      bucket: stack.s3.testBucket,
      s3: { endpoint: `http://127.0.0.1:${stack.ports.s3}`, region: stack.s3.region },
      personas: { admin: persona('admin'), reader: persona('reader'), outsider: persona('outsider') },
      catalog: { registryUrl: url, catalogUrl: url },
      minting,
      stack,
    };
  }
  if (kind === 'quilt') {
    const withToken = (access: PersonaAccess | undefined, token: string | undefined): PersonaAccess | undefined =>
      access || token ? { ...(access ?? {}), ...(token ? { token } : {}) } : undefined;
    const admin = withToken(keysFromEnv(env, 'QUILT_E2E_ADMIN') ?? {}, env.PLATFORM_TEST_JWT_TOKEN ?? env.QUILT_E2E_ADMIN_JWT);
    const reader = withToken(keysFromEnv(env, 'QUILT_E2E_READER'), env.QUILT_E2E_READER_JWT);
    const outsider = withToken(keysFromEnv(env, 'QUILT_E2E_OUTSIDER'), env.QUILT_E2E_OUTSIDER_JWT);
    const registryUrl = env.QUILT_REGISTRY_URL;
    const catalogUrl = env.QUILT_CATALOG_URL;
    if ((registryUrl === undefined) !== (catalogUrl === undefined)) {
      throw new ConfigurationError('set both QUILT_CATALOG_URL and QUILT_REGISTRY_URL (for example https://quilt.example.com and https://quilt-registry.example.com), or neither');
    }
    return {
      kind: 'quilt',
      bucket: required(env, 'QUILT_TEST_BUCKET', 'my-quilt-test-bucket'),
      s3: { region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1' },
      personas: { ...(admin ? { admin } : {}), ...(reader ? { reader } : {}), ...(outsider ? { outsider } : {}) },
      ...(registryUrl && catalogUrl ? { catalog: { registryUrl: registryUrl.replace(/\/$/, ''), catalogUrl: catalogUrl.replace(/\/$/, '') } } : {}),
    };
  }
  throw new ConfigurationError(`QUILT_E2E_TARGET=${JSON.stringify(env.QUILT_E2E_TARGET)} is not a target: use "local" (the embedded stack, the default) or "quilt" (a real deployment named by QUILT_TEST_BUCKET, QUILT_CATALOG_URL, QUILT_REGISTRY_URL, ...)`);
}
