/**
 * The S3 front (packages/platform/src/s3-front/main.ts): RGW with S3's flexible checksums, on
 * 127.0.0.1:<ports.s3Front>. quilt3 uploads with ChecksumAlgorithm=SHA256 and needs the checksum S3
 * answers, which RGW 16 does not give; clients that upload with quilt3 use this endpoint. Starts
 * after ceph.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { StackConfig } from '../config.js';
import { httpGet, spawnDetached } from '../lib/proc.js';
import type { ManagedServer, Reporter, StartedProcess } from '../server.js';

const require = createRequire(import.meta.url);
const platformDir = dirname(require.resolve('@quilt-e2e/platform/package.json'));
const entry = join(platformDir, 'src', 's3-front', 'main.ts');
const logFile = (c: StackConfig): string => join(c.logDir, 's3-front.log');

export const s3Front: ManagedServer = {
  name: 's3-front',
  startAfter: ['ceph'],
  version: 'S3 front: RGW with S3 flexible checksums (fastify)',
  ports: (c) => [c.ports.s3Front],
  hint: 'The S3 front is part of this project: run `npm ci`, keep QUILT_E2E_S3_FRONT_PORT free, and see logs/s3-front.log; it needs ceph up.',

  async isInstalled() {
    return existsSync(entry);
  },

  async install() {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: the repository is incomplete`);
  },

  async start(c: StackConfig, out: Reporter): Promise<StartedProcess[]> {
    const env: NodeJS.ProcessEnv = { ...process.env, QUILT_E2E_S3_FRONT_PORT: String(c.ports.s3Front), QUILT_E2E_S3_PORT: String(c.ports.s3), QUILT_E2E_HOME: c.home };
    const pid = spawnDetached(process.execPath, ['--import', 'tsx', entry], { cwd: platformDir, env, logFile: logFile(c) });
    out.info(`s3-front: started (pid ${pid}) on 127.0.0.1:${c.ports.s3Front} before RGW, log ${logFile(c)}`);
    return [{ name: 's3-front (node)', pid }];
  },

  async healthy(c: StackConfig) {
    // An anonymous ListBuckets through the front: RGW's 200 (an empty list) comes back through it.
    try {
      const r = await httpGet(`http://127.0.0.1:${c.ports.s3Front}/`, 3000);
      return r.status === 200 && r.body.includes('ListAllMyBucketsResult');
    } catch {
      return false;
    }
  },

  logFiles(c: StackConfig) {
    return [logFile(c)];
  },
};
