/**
 * Which Quilt stack the suite runs against, from the environment:
 *  - local (default): the embedded stack this project starts itself (stack/);
 *  - quilt: a real deployment — AWS S3/Athena/Glue and a real catalog — named by the spec's variables.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SECRET, LOCAL_PASSWORDS } from '@quilt-e2e/constants';
import { loadStackConfig, type StackConfig } from '@quilt-e2e/stack';
import type { S3Credentials } from '@quilt-e2e/quilt-js';

export type TargetKind = 'local' | 'quilt';
export type PersonaRole = 'admin' | 'reader' | 'outsider';

export interface PersonaAccess {
  /** Explicit keys, or undefined for the AWS default credential chain. */
  credentials?: S3Credentials;
  /** The persona's catalog identity (a JWT bearer token), when the target has a catalog. */
  token?: string;
  /** How the persona signs in to the web catalog's form, when the target gives a password (else the browser is handed the token). */
  signIn?: { username: string; password: string };
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
  /** STS (GetCallerIdentity); absent: AWS's own, or AWS_ENDPOINT_URL_STS. */
  sts?: { endpoint?: string };
  /** The credentials each persona uses; a missing persona makes the scenarios that need it skip, with the reason. */
  personas: Partial<Record<PersonaRole, PersonaAccess>>;
  /** The catalog and registry API; absent when the target has none configured. */
  catalog?: {
    registryUrl: string;
    catalogUrl: string;
    /** Where the browser's requests to S3's AWS hosts go when the stack's S3 is not AWS (QUILT_E2E_BROWSER_S3_PROXY): an S3 proxy's <url>/<region>/<bucket>/<key>. */
    browserS3Proxy?: string;
  };
  /**
   * Where the mail the stack sends its users can be read (QUILT_E2E_INBOX): a file of JSON lines
   * {to, subject, link}, as the local stack's outbox. Absent: a user an admin invites signs in with
   * a token minted for them instead of the password their invitation's link would set.
   */
  inbox?: string;
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

/** HS256 tokens minted with an independent JWT library (jsonwebtoken), never the catalog's own code. */
function hs256Minter(secret: string, issuer: string | undefined, audience: string | undefined): TokenMinting['mint'] {
  return (user, o = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return jwt.sign({ sub: user, ...(issuer ? { iss: issuer } : {}), ...(audience ? { aud: audience } : {}), iat: now, exp: now + (o.expiresInSeconds ?? 3600), jti: randomUUID() },
      o.secret ?? secret, { algorithm: 'HS256', noTimestamp: true });
  };
}

export function loadTarget(env: NodeJS.ProcessEnv = process.env): TargetConfig {
  const kind = (env.QUILT_E2E_TARGET ?? 'local').toLowerCase();
  if (kind === 'local') {
    const stack = loadStackConfig(env);
    const minting: TokenMinting = {
      mint: hs256Minter(env.QUILT_E2E_JWT_SECRET ?? DEFAULT_JWT_SECRET, env.QUILT_E2E_JWT_ISSUER ?? DEFAULT_JWT_ISSUER, env.QUILT_E2E_JWT_AUDIENCE ?? DEFAULT_JWT_AUDIENCE),
      users: { admin: stack.s3Users.admin.uid, reader: stack.s3Users.reader.uid, outsider: stack.s3Users.outsider.uid },
    };
    const persona = (role: PersonaRole): PersonaAccess => ({
      credentials: { accessKeyId: stack.s3Users[role].accessKeyId, secretAccessKey: stack.s3Users[role].secretAccessKey },
      token: minting.mint(minting.users[role]),
      signIn: { username: stack.s3Users[role].uid, password: LOCAL_PASSWORDS[role] },
    });
    const url = `http://127.0.0.1:${stack.ports.catalog}`;
    return {
      kind: 'local',
      bucket: stack.s3.testBucket,
      // The S3 front: RGW with S3's flexible checksums, as AWS answers them (quilt3 uploads need them).
      s3: { endpoint: `http://127.0.0.1:${stack.ports.s3Front}`, region: stack.s3.region },
      // The stack's AWS API port speaks STS: GetCallerIdentity there, the rest passed to RGW's STS.
      sts: { endpoint: `http://127.0.0.1:${stack.ports.athena}` },
      personas: { admin: persona('admin'), reader: persona('reader'), outsider: persona('outsider') },
      // The registry, and Quilt's own web catalog app in front of it (as on a real stack, two URLs).
      catalog: { registryUrl: url, catalogUrl: `http://127.0.0.1:${stack.ports.catalogUi}`, browserS3Proxy: `http://127.0.0.1:${stack.ports.catalogUi}/__s3proxy` },
      minting,
      // This stack sends no email: what it would send is written to the catalog's outbox.
      inbox: join(stack.dataDir, 'catalog', 'outbox', 'mail.jsonl'),
      stack,
    };
  }
  if (kind === 'quilt') {
    // With PLATFORM_TEST_JWT_SECRET the suite mints the personas' tokens (and the expired and forged
    // ones of the auth scenarios) itself: users QUILT_E2E_<ROLE>_USER, issuer/audience as the stack checks them.
    const secret = env.PLATFORM_TEST_JWT_SECRET;
    const minting: TokenMinting | undefined = secret ? {
      mint: hs256Minter(secret, env.PLATFORM_TEST_JWT_ISSUER, env.PLATFORM_TEST_JWT_AUDIENCE),
      users: { admin: env.QUILT_E2E_ADMIN_USER ?? 'admin', reader: env.QUILT_E2E_READER_USER ?? 'reader', outsider: env.QUILT_E2E_OUTSIDER_USER ?? 'outsider' },
    } : undefined;
    const tokenOf = (role: PersonaRole, given: string | undefined): string | undefined => given ?? minting?.mint(minting.users[role]);
    // A password (QUILT_E2E_<ROLE>_PASSWORD, with QUILT_E2E_<ROLE>_USER) signs the persona in with the web catalog's form.
    const signInOf = (role: PersonaRole): PersonaAccess['signIn'] => {
      const prefix = `QUILT_E2E_${role.toUpperCase()}`;
      const password = env[`${prefix}_PASSWORD`];
      const username = env[`${prefix}_USER`] ?? minting?.users[role];
      return password && username ? { username, password } : undefined;
    };
    const withToken = (role: PersonaRole, access: PersonaAccess | undefined, token: string | undefined): PersonaAccess | undefined => {
      const signIn = signInOf(role);
      return access || token || signIn ? { ...(access ?? {}), ...(token ? { token } : {}), ...(signIn ? { signIn } : {}) } : undefined;
    };
    const admin = withToken('admin', keysFromEnv(env, 'QUILT_E2E_ADMIN') ?? {}, tokenOf('admin', env.PLATFORM_TEST_JWT_TOKEN ?? env.QUILT_E2E_ADMIN_JWT));
    const reader = withToken('reader', keysFromEnv(env, 'QUILT_E2E_READER'), tokenOf('reader', env.QUILT_E2E_READER_JWT));
    const outsider = withToken('outsider', keysFromEnv(env, 'QUILT_E2E_OUTSIDER'), tokenOf('outsider', env.QUILT_E2E_OUTSIDER_JWT));
    const registryUrl = env.QUILT_REGISTRY_URL;
    const catalogUrl = env.QUILT_CATALOG_URL;
    if ((registryUrl === undefined) !== (catalogUrl === undefined)) {
      throw new ConfigurationError('set both QUILT_CATALOG_URL and QUILT_REGISTRY_URL (for example https://quilt.example.com and https://quilt-registry.example.com), or neither');
    }
    return {
      kind: 'quilt',
      bucket: required(env, 'QUILT_TEST_BUCKET', 'my-quilt-test-bucket'),
      // An S3 endpoint (AWS_ENDPOINT_URL_S3) means path-style addressing (createS3Client), as for RGW or a VPC endpoint.
      s3: { region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1', ...(env.AWS_ENDPOINT_URL_S3 ? { endpoint: env.AWS_ENDPOINT_URL_S3 } : {}) },
      ...(env.AWS_ENDPOINT_URL_STS ? { sts: { endpoint: env.AWS_ENDPOINT_URL_STS } } : {}),
      personas: { ...(admin ? { admin } : {}), ...(reader ? { reader } : {}), ...(outsider ? { outsider } : {}) },
      ...(minting ? { minting } : {}),
      ...(env.QUILT_E2E_INBOX ? { inbox: env.QUILT_E2E_INBOX } : {}),
      ...(registryUrl && catalogUrl ? {
        catalog: {
          registryUrl: registryUrl.replace(/\/$/, ''), catalogUrl: catalogUrl.replace(/\/$/, ''),
          ...(env.QUILT_E2E_BROWSER_S3_PROXY ? { browserS3Proxy: env.QUILT_E2E_BROWSER_S3_PROXY.replace(/\/$/, '') } : {}),
        },
      } : {}),
    };
  }
  throw new ConfigurationError(`QUILT_E2E_TARGET=${JSON.stringify(env.QUILT_E2E_TARGET)} is not a target: use "local" (the embedded stack, the default) or "quilt" (a real deployment named by QUILT_TEST_BUCKET, QUILT_CATALOG_URL, QUILT_REGISTRY_URL, ...)`);
}
