/**
 * The local Quilt catalog (stack/catalog/main.ts): a Node process of this project, started with
 * tsx, on 127.0.0.1:<ports.catalog>. It needs RGW (events, data) and OpenSearch (search), so it is
 * started after them; it sets up its own RGW notification topic when it starts.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { StackConfig } from '../config.js';
import { httpGet, spawnDetached } from '../lib/proc.js';
import type { ManagedServer, Reporter, StartedProcess } from '../server.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = join(repoRoot, 'stack', 'catalog', 'main.ts');
const logFile = (c: StackConfig): string => join(c.logDir, 'catalog.log');

function graphqlVersion(): string | undefined {
  try {
    const req = createRequire(join(repoRoot, 'package.json'));
    return (req('graphql/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

export const catalog: ManagedServer = {
  name: 'catalog',
  version: `local (graphql-js ${graphqlVersion() ?? 'missing'})`,
  ports: (c) => [c.ports.catalog],
  hint: 'The catalog is part of this project: run `npm ci` (it needs graphql, yaml and the AWS SDK), keep QUILT_E2E_CATALOG_PORT free, and see logs/catalog.log; it needs ceph and opensearch up.',

  async isInstalled() {
    return existsSync(entry) && graphqlVersion() !== undefined;
  },

  async install(_c: StackConfig, _out: Reporter) {
    if (graphqlVersion() === undefined) throw new Error('the npm package "graphql" is missing: run `npm ci` in the repository');
  },

  async start(c: StackConfig, out: Reporter): Promise<StartedProcess[]> {
    const env: NodeJS.ProcessEnv = { ...process.env, QUILT_E2E_CATALOG_PORT: String(c.ports.catalog), QUILT_E2E_HOME: c.home };
    const pid = spawnDetached(process.execPath, ['--import', 'tsx', entry], { cwd: repoRoot, env, logFile: logFile(c) });
    out.info(`catalog: started (pid ${pid}) on 127.0.0.1:${c.ports.catalog}, log ${logFile(c)}`);
    return [{ name: 'catalog (node)', pid }];
  },

  async healthy(c: StackConfig) {
    try {
      const r = await httpGet(`http://127.0.0.1:${c.ports.catalog}/health`, 3000);
      return r.status === 200 && (JSON.parse(r.body) as { ok?: boolean }).ok === true;
    } catch {
      return false;
    }
  },

  /**
   * Waits (bounded) until RGW delivers events to the catalog: the catalog wires a fresh topic at
   * every start and proves it with a canary object; RGW needs up to ~30 s to pick a new topic up.
   */
  async provision(c: StackConfig, out: Reporter) {
    const deadline = Date.now() + 150_000;
    let last = 'no answer';
    for (;;) {
      try {
        const r = await httpGet(`http://127.0.0.1:${c.ports.catalog}/internal/indexer`, 3000);
        const n = (JSON.parse(r.body) as { notifications?: { state?: string; topicArn?: string; error?: string; delivering?: boolean; firstDeliveryMs?: number } }).notifications;
        if (n?.delivering) { out.info(`catalog: RGW delivers bucket events via ${n.topicArn} (first after ${n.firstDeliveryMs} ms)`); return; }
        last = n?.error ?? n?.state ?? 'no answer';
        if (n?.delivering === false) throw new Error(`RGW does not deliver bucket events to the catalog: ${last}`);
      } catch (e) {
        if ((e as Error).message.startsWith('RGW does not')) throw e;
      }
      if (Date.now() > deadline) throw new Error(`RGW delivered no bucket event to the catalog within 150 s (${last}); see logs/catalog.log and logs/ceph-client.rgw.a.log`);
      await new Promise((r) => setTimeout(r, 500));
    }
  },

  logFiles(c: StackConfig) {
    return [logFile(c)];
  },
};
