/**
 * Where the local platform finds the servers it runs on (RGW, OpenSearch, Trino) and where it
 * keeps its state: the shared constants (@quilt-e2e/constants) overridden by the same environment
 * variables the stack reads (QUILT_E2E_HOME, QUILT_E2E_<SERVER>_PORT, QUILT_E2E_LOCAL_BUCKET).
 * The stack starts the platform with its environment; home and ports are read by the same code
 * as the stack's (@quilt-e2e/env), so both agree without the platform importing the stack.
 */
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  CATALOG_SERVICE_USER, DEFAULT_TEST_BUCKET, HOME_LAYOUT, LOOPBACK, REGION, S3_USERS, TRINO_CATALOG, TRINO_SCHEMA, TRINO_USER,
} from '@quilt-e2e/constants';
import { loadPorts, resolveHome, type Ports } from '@quilt-e2e/env';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { TrinoClient } from '@quilt-e2e/trino-rest';

export type PlatformPorts = Ports;
export interface PlatformUser { uid: string; accessKeyId: string; secretAccessKey: string }

export interface PlatformEnv {
  dataDir: string;
  logDir: string;
  ports: PlatformPorts;
  region: string;
  s3Endpoint: string;
  testBucket: string;
  users: Record<keyof typeof S3_USERS, PlatformUser>;
  serviceUser: PlatformUser;
}

export function loadPlatformEnv(env: NodeJS.ProcessEnv = process.env): PlatformEnv {
  const home = resolveHome(env);
  const ports = loadPorts(env);
  return {
    dataDir: join(home, HOME_LAYOUT.data),
    logDir: join(home, HOME_LAYOUT.logs),
    ports,
    region: REGION,
    s3Endpoint: `http://${LOOPBACK}:${ports.s3}`,
    testBucket: env.QUILT_E2E_LOCAL_BUCKET ?? DEFAULT_TEST_BUCKET,
    users: { admin: { ...S3_USERS.admin }, reader: { ...S3_USERS.reader }, outsider: { ...S3_USERS.outsider } },
    serviceUser: { ...CATALOG_SERVICE_USER },
  };
}

/** RGW as the bucket owner (the admin user): what the platform's own services write with. */
export function platformS3Client(p: PlatformEnv = loadPlatformEnv()): S3Client {
  return createS3Client({ endpoint: p.s3Endpoint, region: p.region, credentials: { accessKeyId: p.users.admin.accessKeyId, secretAccessKey: p.users.admin.secretAccessKey } });
}

/** The stack's Trino, in the package tables' catalog and schema. */
export function platformTrino(p: PlatformEnv = loadPlatformEnv(), requestTimeoutMs = 60_000): TrinoClient {
  return new TrinoClient({ server: `http://${LOOPBACK}:${p.ports.trino}`, user: TRINO_USER, catalog: TRINO_CATALOG, schema: TRINO_SCHEMA, source: 'quilt-e2e-platform', requestTimeoutMs });
}

/** Where the S3 front records object reads and the catalog reads them to count accesses. */
export function accessLogPath(p: PlatformEnv): string {
  return join(p.dataDir, 's3-front', 'access-log.jsonl');
}
