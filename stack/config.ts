/**
 * Configuration of the embedded local stack: where it caches downloads, keeps data and logs,
 * and which loopback ports each server uses. Every value can be overridden by an environment
 * variable; the defaults need no configuration at all.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';

/**
 * The local catalog's token settings when QUILT_E2E_JWT_* are not set. Data only, shared by the
 * catalog (which verifies tokens) and the suite (which mints them with its own JWT library).
 * Local-only: anyone who can read this repository can mint tokens with it.
 */
export const DEFAULT_JWT_SECRET = 'quilt-e2e-local-catalog-jwt-secret-not-for-production';
export const DEFAULT_JWT_ISSUER = 'quilt-e2e-catalog';
export const DEFAULT_JWT_AUDIENCE = 'quilt-e2e';

export interface StackPorts {
  /** Ceph RADOS Gateway (S3 API). */
  s3: number;
  /** Ceph monitor (msgr2). */
  cephMon: number;
  /** OpenSearch HTTP. */
  opensearch: number;
  /** OpenSearch transport (node-to-node; bound to loopback, unused by clients). */
  opensearchTransport: number;
  /** Trino coordinator HTTP. */
  trino: number;
  /** Local Quilt catalog (auth, GraphQL, search API, pages). */
  catalog: number;
}

export interface StackConfig {
  /** Root of everything the stack writes: downloads, data, logs. Outside the repository. */
  home: string;
  /** Downloaded and unpacked server distributions (kept across `down`/`up`). */
  cacheDir: string;
  /** Server data and runtime state (PIDs). */
  dataDir: string;
  /** One log folder for every server. */
  logDir: string;
  host: '127.0.0.1';
  ports: StackPorts;
  /** Java 17 (OpenSearch 2.19). */
  java17Home: string;
  /** Java 24+ (Trino 476). */
  java25Home: string;
  /** The S3 credentials of the stack's admin user and the bucket the suite tests against. */
  s3: { accessKeyId: string; secretAccessKey: string; region: string; testBucket: string };
  /** RGW users behind the suite's personas (local target only; loopback, local-only keys). */
  s3Users: Record<'admin' | 'reader' | 'outsider', { uid: string; accessKeyId: string; secretAccessKey: string }>;
  /** The local catalog's service user (not a persona): follows the bucket index log through RGW's admin API. */
  catalogService: { uid: string; accessKeyId: string; secretAccessKey: string };
  /** Seconds each server may take to become healthy before `up` gives up. */
  healthDeadlineSeconds: number;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`${name}=${JSON.stringify(raw)} is not a TCP port: use a whole number from 1 to 65535, for example ${name}=${fallback}`);
  }
  return n;
}

function firstExisting(candidates: string[], fallback: string): string {
  return candidates.find((c) => existsSync(join(c, 'bin', 'java'))) ?? fallback;
}

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const home = resolve(env.QUILT_E2E_HOME ?? join(homedir(), '.cache', 'quilt-e2e'));
  return {
    home,
    cacheDir: join(home, 'dist'),
    dataDir: join(home, 'data'),
    logDir: join(home, 'logs'),
    host: '127.0.0.1',
    ports: {
      s3: port(env, 'QUILT_E2E_S3_PORT', 7480),
      cephMon: port(env, 'QUILT_E2E_CEPH_MON_PORT', 3300),
      opensearch: port(env, 'QUILT_E2E_OPENSEARCH_PORT', 9200),
      opensearchTransport: port(env, 'QUILT_E2E_OPENSEARCH_TRANSPORT_PORT', 9300),
      trino: port(env, 'QUILT_E2E_TRINO_PORT', 8080),
      catalog: port(env, 'QUILT_E2E_CATALOG_PORT', 3000),
    },
    java17Home: env.QUILT_E2E_JAVA17_HOME ?? firstExisting(
      ['/usr/lib/jvm/java-17-openjdk-amd64', '/usr/lib/jvm/java-17-openjdk-arm64', '/usr/lib/jvm/openjdk-17'],
      '/usr/lib/jvm/java-17-openjdk-amd64'),
    java25Home: env.QUILT_E2E_JAVA25_HOME ?? firstExisting(
      ['/usr/lib/jvm/temurin-25-jdk-amd64', '/usr/lib/jvm/temurin-25-jdk-arm64', '/usr/lib/jvm/java-25-openjdk-amd64'],
      '/usr/lib/jvm/temurin-25-jdk-amd64'),
    s3: {
      accessKeyId: 'QUILTE2EADMINKEY0001',
      secretAccessKey: 'quilt-e2e-admin-secret-key-local-only-0001',
      region: 'us-east-1',
      testBucket: env.QUILT_E2E_LOCAL_BUCKET ?? 'quilt-e2e',
    },
    s3Users: {
      admin: { uid: 'quilt-e2e-admin', accessKeyId: 'QUILTE2EADMINKEY0001', secretAccessKey: 'quilt-e2e-admin-secret-key-local-only-0001' },
      reader: { uid: 'quilt-e2e-reader', accessKeyId: 'QUILTE2EREADERKEY001', secretAccessKey: 'quilt-e2e-reader-secret-key-local-only-001' },
      outsider: { uid: 'quilt-e2e-outsider', accessKeyId: 'QUILTE2EOUTSIDERKEY1', secretAccessKey: 'quilt-e2e-outsider-secret-key-local-only-1' },
    },
    catalogService: { uid: 'quilt-e2e-catalog', accessKeyId: 'QUILTE2ECATALOGKEY01', secretAccessKey: 'quilt-e2e-catalog-secret-key-local-only-01' },
    healthDeadlineSeconds: Number(env.QUILT_E2E_HEALTH_DEADLINE ?? 180),
  };
}
