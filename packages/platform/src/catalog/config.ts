/**
 * Configuration of the local Quilt catalog service (main.ts). Everything comes from
 * the platform's environment (platform-env.ts: ports, S3 users) plus a few QUILT_E2E_* variables of its own; the
 * defaults need no configuration at all and are for this loopback-only stack, never for a real one.
 */
import { join } from 'node:path';
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SECRET, PERSONA_ROLES, STATUS_BUCKET, type MANAGED_ROLES } from '@quilt-e2e/constants';
import { accessLogPath, loadPlatformEnv, type PlatformEnv } from '../platform-env.js';
import type { GraphqlLimits } from './graphql/guards.js';

export { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SECRET };

export interface CatalogUser { uid: string; accessKeyId: string; secretAccessKey: string }

/** A user of the catalog: an RGW user and the catalog role (Quilt's name) whose credentials get_credentials hands out. */
export interface CatalogPersonaUser extends CatalogUser { role: keyof typeof MANAGED_ROLES }

export interface CatalogConfig {
  host: '127.0.0.1';
  port: number;
  /** Base URL clients use, e.g. http://127.0.0.1:3000 */
  url: string;
  s3Endpoint: string;
  region: string;
  opensearchUrl: string;
  /** The buckets this catalog serves, indexes and lists in bucketConfigs. */
  buckets: string[];
  /** Known users (RGW uids) with their S3 keys: a token's `sub` must name one of them. */
  users: Record<string, CatalogPersonaUser>;
  /** The user whose keys the indexer and the notification set-up use (the bucket owner). */
  indexerUser: string;
  /**
   * Pages (/b/...) are served without a token with this user's real S3 permissions; empty string:
   * pages need a token like every other endpoint.
   */
  anonymousUser: string;
  jwt: { secret: string; issuer: string; audience: string };
  /** The catalog's durable state: the event queue. */
  dataDir: string;
  /** The S3 front's access log: the object reads package access counts are counted from. */
  accessLog: string;
  /** Where the stack's canaries keep their results (status.ts). */
  statusBucket: string;
  /** Quilt's web catalog app of this stack: the links the catalog sends (password resets) open there. */
  webAppUrl: string;
  logFile: string;
  /** Requests with a larger body are refused with 413. */
  maxBodyBytes: number;
  /** The Id of the RGW bucket notification older stacks had (removed at start: see legacy-notifications.ts). */
  topicName: string;
  /** The catalog's own RGW service user: reads the bucket index log through RGW's admin API (caps buckets=read, bilog=read,write). */
  serviceUser: CatalogUser;
  /** How long a "may this user read this bucket" answer from RGW is reused. */
  authzCacheMs: number;
  /** Credentials from get_credentials: STS AssumeRole of the user's role, lasting this long. */
  credentials: {
    ttlSeconds: number;
    /** RGW role names are `<prefix><Quilt role name>`: one catalog's roles never meet another's. */
    rolePrefix: string;
    /** Where issued credentials are recorded for the stack's other AWS-protocol APIs (the Athena API). */
    issuedDir: string;
  };
  /** A request not answered within this many ms is answered 503 DeadlineExceeded and its work stopped. */
  deadlineMs: number;
  /** Guard rails checked on every GraphQL query before it runs (graphql/guards.ts). */
  graphql: GraphqlLimits;
}

/** The guard rails' settings with their defaults (README of the catalog). */
export const GUARD_DEFAULTS = {
  QUILT_E2E_CATALOG_DEADLINE_MS: 60_000,
  QUILT_E2E_GRAPHQL_MAX_DEPTH: 16,
  QUILT_E2E_GRAPHQL_MAX_ALIASES: 100,
  QUILT_E2E_GRAPHQL_MAX_COST: 20_000,
} as const;

/** A setting that is a whole number of at least `min`, or its default; anything else is refused with an example. */
function rolePrefix(raw: string): string {
  if (!/^[A-Za-z0-9+=,.@_-]{0,32}$/.test(raw)) throw new Error(`QUILT_E2E_CATALOG_ROLE_PREFIX=${JSON.stringify(raw)} is not the start of an IAM role name: use up to 32 letters, digits or +=,.@_- (for example quilt-e2e-)`);
  return raw;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: keyof typeof GUARD_DEFAULTS | 'QUILT_E2E_CATALOG_AUTHZ_CACHE_MS' | 'QUILT_E2E_CATALOG_CREDENTIALS_TTL_S', fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name}=${JSON.stringify(raw)} is not a whole number of at least ${min}: use for example ${name}=${fallback}`);
  return n;
}

function list(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

export function loadCatalogConfig(env: NodeJS.ProcessEnv = process.env, stack: PlatformEnv = loadPlatformEnv(env)): CatalogConfig {
  const users: Record<string, CatalogPersonaUser> = {};
  for (const [persona, u] of Object.entries(stack.users) as Array<[keyof typeof PERSONA_ROLES, PlatformEnv['users']['admin']]>) {
    users[u.uid] = { uid: u.uid, accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey, role: PERSONA_ROLES[persona] };
  }
  const anonymousUser = env.QUILT_E2E_CATALOG_ANONYMOUS_USER ?? stack.users.reader.uid;
  if (anonymousUser !== '' && !users[anonymousUser]) {
    throw new Error(`QUILT_E2E_CATALOG_ANONYMOUS_USER=${JSON.stringify(anonymousUser)} is not a known user: use one of ${Object.keys(users).join(', ')}, or an empty value to require a token for pages`);
  }
  const secret = env.QUILT_E2E_JWT_SECRET ?? DEFAULT_JWT_SECRET;
  if (secret.length < 16) throw new Error('QUILT_E2E_JWT_SECRET must be at least 16 characters long');
  const maxBody = Number(env.QUILT_E2E_CATALOG_MAX_BODY_BYTES ?? 1024 * 1024);
  if (!Number.isInteger(maxBody) || maxBody < 1024) throw new Error('QUILT_E2E_CATALOG_MAX_BODY_BYTES must be a whole number of bytes, at least 1024');
  const port = stack.ports.catalog;
  return {
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    webAppUrl: (env.QUILT_E2E_CATALOG_WEB_APP_URL ?? `http://127.0.0.1:${stack.ports.catalogUi}`).replace(/\/$/, ''),
    s3Endpoint: stack.s3Endpoint,
    region: stack.region,
    opensearchUrl: `http://127.0.0.1:${stack.ports.opensearch}`,
    buckets: list(env.QUILT_E2E_CATALOG_BUCKETS) ?? [stack.testBucket],
    users,
    indexerUser: stack.users.admin.uid,
    anonymousUser,
    jwt: { secret, issuer: env.QUILT_E2E_JWT_ISSUER ?? DEFAULT_JWT_ISSUER, audience: env.QUILT_E2E_JWT_AUDIENCE ?? DEFAULT_JWT_AUDIENCE },
    dataDir: env.QUILT_E2E_CATALOG_DATA_DIR ?? join(stack.dataDir, 'catalog'),
    accessLog: env.QUILT_E2E_CATALOG_ACCESS_LOG || accessLogPath(stack),
    statusBucket: env.QUILT_E2E_CATALOG_STATUS_BUCKET || STATUS_BUCKET,
    logFile: join(stack.logDir, 'catalog.log'),
    maxBodyBytes: maxBody,
    topicName: env.QUILT_E2E_CATALOG_TOPIC ?? 'quilt-e2e-catalog',
    serviceUser: { ...stack.serviceUser },
    authzCacheMs: wholeNumber(env, 'QUILT_E2E_CATALOG_AUTHZ_CACHE_MS', 10_000, 0),
    credentials: {
      ttlSeconds: wholeNumber(env, 'QUILT_E2E_CATALOG_CREDENTIALS_TTL_S', 3600, 1),
      rolePrefix: rolePrefix(env.QUILT_E2E_CATALOG_ROLE_PREFIX ?? 'quilt-e2e-'),
      issuedDir: join(stack.dataDir, 'issued-credentials'),
    },
    deadlineMs: wholeNumber(env, 'QUILT_E2E_CATALOG_DEADLINE_MS', GUARD_DEFAULTS.QUILT_E2E_CATALOG_DEADLINE_MS, 100),
    graphql: {
      maxDepth: wholeNumber(env, 'QUILT_E2E_GRAPHQL_MAX_DEPTH', GUARD_DEFAULTS.QUILT_E2E_GRAPHQL_MAX_DEPTH, 2),
      maxAliases: wholeNumber(env, 'QUILT_E2E_GRAPHQL_MAX_ALIASES', GUARD_DEFAULTS.QUILT_E2E_GRAPHQL_MAX_ALIASES, 0),
      maxCost: wholeNumber(env, 'QUILT_E2E_GRAPHQL_MAX_COST', GUARD_DEFAULTS.QUILT_E2E_GRAPHQL_MAX_COST, 10),
    },
  };
}
