/**
 * The local platform's Athena and Glue APIs (packages/platform/src/athena/main.ts): a Node process
 * on 127.0.0.1:<ports.athena> speaking AWS JSON 1.1 and running the queries on the stack's Trino.
 * Any AWS SDK reaches it through AWS_ENDPOINT_URL_ATHENA / AWS_ENDPOINT_URL_GLUE. It needs Trino
 * (queries, metadata) and RGW (results, who may query), so it starts after both.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { StackConfig } from '../config.js';
import { httpGet, spawnDetached } from '../lib/proc.js';
import type { ManagedServer, Reporter, StartedProcess } from '../server.js';

const require = createRequire(import.meta.url);
const platformDir = dirname(require.resolve('@quilt-e2e/platform/package.json'));
const entry = join(platformDir, 'src', 'athena', 'main.ts');
const logFile = (c: StackConfig): string => join(c.logDir, 'athena.log');

function fastifyVersion(): string | undefined {
  try {
    return (createRequire(join(platformDir, 'package.json'))('fastify/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

export const athena: ManagedServer = {
  name: 'athena',
  startAfter: ['ceph', 'trino'],
  version: `local Athena + Glue APIs (fastify ${fastifyVersion() ?? 'missing'}, on Trino)`,
  ports: (c) => [c.ports.athena],
  hint: 'The Athena/Glue API is part of this project: run `npm ci`, keep QUILT_E2E_ATHENA_PORT free, and see logs/athena.log; it needs ceph and trino up.',

  async isInstalled() {
    return existsSync(entry) && fastifyVersion() !== undefined;
  },

  async install() {
    if (fastifyVersion() === undefined) throw new Error('the npm package "fastify" is missing: run `npm ci` in the repository');
  },

  async start(c: StackConfig, out: Reporter): Promise<StartedProcess[]> {
    const env: NodeJS.ProcessEnv = { ...process.env, QUILT_E2E_ATHENA_PORT: String(c.ports.athena), QUILT_E2E_HOME: c.home };
    const pid = spawnDetached(process.execPath, ['--import', 'tsx', entry], { cwd: platformDir, env, logFile: logFile(c) });
    out.info(`athena: started (pid ${pid}) on 127.0.0.1:${c.ports.athena}, log ${logFile(c)}`);
    return [{ name: 'athena (node)', pid }];
  },

  async healthy(c: StackConfig) {
    try {
      const r = await httpGet(`http://127.0.0.1:${c.ports.athena}/health`, 3000);
      return r.status === 200 && (JSON.parse(r.body) as { ok?: boolean }).ok === true;
    } catch {
      return false;
    }
  },

  logFiles(c: StackConfig) {
    return [logFile(c)];
  },
};
