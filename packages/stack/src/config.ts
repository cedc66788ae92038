/**
 * Configuration of the embedded local stack: where it caches downloads, keeps data and logs,
 * and which loopback ports each server uses. Every value can be overridden by an environment
 * variable; the defaults need no configuration at all.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { CATALOG_SERVICE_USER, DEFAULT_TEST_BUCKET, HOME_LAYOUT, LOOPBACK, REGION, S3_USERS } from '@quilt-e2e/constants';
import { loadPorts, resolveHome } from '@quilt-e2e/env';

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
  /** The local Athena and Glue APIs (AWS JSON 1.1, one endpoint for both). */
  athena: number;
  /** The Quilt MCP server (quilt-mcp) over streamable HTTP. */
  mcp: number;
  /** RGW behind the S3 front that answers S3's flexible checksums (quilt3's uploads need them). */
  s3Front: number;
  /** Quilt's own web catalog app (its registry and S3 proxies on the same origin). */
  catalogUi: number;
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

function firstExisting(candidates: string[], fallback: string): string {
  return candidates.find((c) => existsSync(join(c, 'bin', 'java'))) ?? fallback;
}

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const home = resolveHome(env);
  const ports: StackPorts = loadPorts(env);
  return {
    home,
    cacheDir: join(home, HOME_LAYOUT.dist),
    dataDir: join(home, HOME_LAYOUT.data),
    logDir: join(home, HOME_LAYOUT.logs),
    host: LOOPBACK,
    ports,
    java17Home: env.QUILT_E2E_JAVA17_HOME ?? firstExisting(
      ['/usr/lib/jvm/java-17-openjdk-amd64', '/usr/lib/jvm/java-17-openjdk-arm64', '/usr/lib/jvm/openjdk-17'],
      '/usr/lib/jvm/java-17-openjdk-amd64'),
    java25Home: env.QUILT_E2E_JAVA25_HOME ?? firstExisting(
      ['/usr/lib/jvm/temurin-25-jdk-amd64', '/usr/lib/jvm/temurin-25-jdk-arm64', '/usr/lib/jvm/java-25-openjdk-amd64'],
      '/usr/lib/jvm/temurin-25-jdk-amd64'),
    s3: {
      accessKeyId: S3_USERS.admin.accessKeyId,
      secretAccessKey: S3_USERS.admin.secretAccessKey,
      region: REGION,
      testBucket: env.QUILT_E2E_LOCAL_BUCKET ?? DEFAULT_TEST_BUCKET,
    },
    s3Users: { admin: { ...S3_USERS.admin }, reader: { ...S3_USERS.reader }, outsider: { ...S3_USERS.outsider } },
    catalogService: { ...CATALOG_SERVICE_USER },
    healthDeadlineSeconds: Number(env.QUILT_E2E_HEALTH_DEADLINE ?? 180),
  };
}
