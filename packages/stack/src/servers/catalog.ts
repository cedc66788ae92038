/**
 * The local Quilt platform's catalog (packages/platform/src/catalog/main.ts, the package
 * @quilt-e2e/platform — this stack starts it, it never imports the suite): a Node process, started with
 * tsx, on 127.0.0.1:<ports.catalog>. It needs RGW (events, data) and OpenSearch (search), so it is
 * started after them (and after the test bucket exists); it follows RGW's bucket index log for changes.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { StackConfig } from '../config.js';
import { httpGet, spawnDetached } from '../lib/proc.js';
import { provisionPasswords, provisionPersonas } from '../personas.js';
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SECRET, LOCAL_PASSWORDS } from '@quilt-e2e/constants';
import type { ManagedServer, Reporter, StartedProcess } from '../server.js';

const require = createRequire(import.meta.url);
/** The platform package's folder (resolved like any dependency: node_modules/@quilt-e2e/platform). */
const platformDir = dirname(require.resolve('@quilt-e2e/platform/package.json'));
const entry = join(platformDir, 'src', 'catalog', 'main.ts');
const logFile = (c: StackConfig): string => join(c.logDir, 'catalog.log');

function graphqlVersion(): string | undefined {
  try {
    const req = createRequire(join(platformDir, 'package.json'));
    return (req('graphql/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

export const catalog: ManagedServer = {
  name: 'catalog',
  startAfter: ['ceph'],
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
    const pid = spawnDetached(process.execPath, ['--import', 'tsx', entry], { cwd: platformDir, env, logFile: logFile(c) });
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
   * Waits (bounded) until changes reach the catalog: its change feed reads RGW's bucket index log,
   * and a canary object written at start must come through it (normally within a second).
   */
  async provision(c: StackConfig, out: Reporter) {
    const deadline = Date.now() + 60_000;
    let last = 'no answer from the catalog';
    for (;;) {
      try {
        const r = await httpGet(`http://127.0.0.1:${c.ports.catalog}/internal/indexer`, 3000);
        const f = (JSON.parse(r.body) as { changes?: { state?: string; error?: string; delivering?: boolean; firstDeliveryMs?: number } }).changes;
        if (f?.delivering) {
          out.info(`catalog: changes reach the indexer through RGW's bucket index log (canary after ${f.firstDeliveryMs} ms)`);
          await personas(c, out);
          return;
        }
        last = f?.error ?? `change feed ${f?.state ?? 'not started'}`;
      } catch (e) {
        last = (e as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`no change reached the catalog within 60 s (last: ${last}); see logs/catalog.log and logs/ceph-client.rgw.a.log`);
      await new Promise((r) => setTimeout(r, 250));
    }
  },

  logFiles(c: StackConfig) {
    return [logFile(c)];
  },
};

/** Rita and Otto made through the catalog's admin API by Dana (../personas.ts). */
async function personas(c: StackConfig, out: Reporter): Promise<void> {
  // Loaded when needed, as mcp.ts loads it: importing the stack loads no platform code.
  const { mintToken } = await import('@quilt-e2e/platform');
  const token = await mintToken(c.s3Users.admin.uid, {
    secret: process.env.QUILT_E2E_JWT_SECRET ?? DEFAULT_JWT_SECRET, issuer: process.env.QUILT_E2E_JWT_ISSUER ?? DEFAULT_JWT_ISSUER,
    audience: process.env.QUILT_E2E_JWT_AUDIENCE ?? DEFAULT_JWT_AUDIENCE, expiresInSeconds: 300,
  });
  const done = await provisionPersonas(`http://127.0.0.1:${c.ports.catalog}`, token, c.s3Users);
  done.push(...await provisionPasswords(`http://127.0.0.1:${c.ports.catalog}`, token, c.s3Users, LOCAL_PASSWORDS, join(c.dataDir, 'catalog', 'outbox', 'mail.jsonl')));
  if (done.length) out.info(`catalog: personas through the admin API: ${done.join('; ')}`);
}
