/**
 * The S3 front as a process of the stack (packages/stack/src/servers/s3-front.ts):
 *   QUILT_E2E_S3_FRONT_PORT (7481), QUILT_E2E_S3_PORT (RGW, 7480),
 *   QUILT_E2E_S3_FRONT_MAX_BODY_BYTES (268435456), QUILT_E2E_S3_FRONT_TIMEOUT_MS (120000),
 *   QUILT_E2E_S3_FRONT_ACCESS_LOG (<data>/s3-front/access-log.jsonl: the object reads the catalog counts).
 */
import { REGION, S3_USERS } from '@quilt-e2e/constants';
import { loadPorts } from '@quilt-e2e/env';
import { createS3Front } from './server.js';
import { accessLogPath, loadPlatformEnv } from '../platform-env.js';
import { ACTIVE_FAULT } from '../faults.js';

const whole = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${JSON.stringify(raw)} is not a whole number above 0, for example ${fallback}`);
  return n;
};

const ports = loadPorts(process.env);
const log = (line: string): void => { process.stderr.write(`${new Date().toISOString()} ${line}\n`); };
const front = createS3Front({
  port: ports.s3Front,
  upstream: `http://127.0.0.1:${ports.s3}`,
  region: REGION,
  reader: { accessKeyId: S3_USERS.admin.accessKeyId, secretAccessKey: S3_USERS.admin.secretAccessKey },
  maxBodyBytes: whole('QUILT_E2E_S3_FRONT_MAX_BODY_BYTES', 256 * 1024 * 1024),
  upstreamTimeoutMs: whole('QUILT_E2E_S3_FRONT_TIMEOUT_MS', 120_000),
  accessLog: process.env.QUILT_E2E_S3_FRONT_ACCESS_LOG || accessLogPath(loadPlatformEnv()),
  log,
});
await front.app.listen({ host: '127.0.0.1', port: ports.s3Front });
log(`s3-front: listening on http://127.0.0.1:${ports.s3Front}, RGW at http://127.0.0.1:${ports.s3}${ACTIVE_FAULT ? `; FAULT ${ACTIVE_FAULT} (QUILT_E2E_PLATFORM_FAULT)` : ''}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => { void front.close().finally(() => process.exit(0)); });
