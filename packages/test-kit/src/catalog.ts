/**
 * `@quilt-e2e/test-kit/catalog` — the second door of the test kit, because it imports the platform
 * (which the suite never does, not even through the test kit's front door).
 *
 * A real catalog for the catalog's own tests (packages/platform/test/catalog/) and
 * scripts/bench-catalog.ts, isolated from everything else on the stack:
 * its own versioned bucket (with the same reader policy as the test bucket), its own catalog
 * process on a free loopback port, its own change-feed position and its own durable queue. Teardown stops the
 * process (by its PID), deletes every object version
 * one DeleteObject at a time, the bucket and its search indexes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectVersionsCommand, PutBucketPolicyCommand, PutBucketVersioningCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GraphQLClient } from 'graphql-request';
import { loadStackConfig, type StackConfig, isPortFree, provisionPersonas, testBucketPolicy, waitUntil } from '@quilt-e2e/stack';
import { loadCatalogConfig, mintToken, openSearchClient, packagesIndex, removeCatalogRoles, type CatalogConfig } from '@quilt-e2e/platform';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { eventually } from './eventually.js';

/** The catalog's entry point, in the platform package's folder (found as the stack finds it). */
const platformDir = dirname(createRequire(import.meta.url).resolve('@quilt-e2e/platform/package.json'));
const CATALOG_MAIN = join(platformDir, 'src', 'catalog', 'main.ts');

export type Persona = 'admin' | 'reader' | 'outsider';

export interface CatalogUnderTest {
  stack: StackConfig;
  config: CatalogConfig;
  bucket: string;
  url: string;
  logFile: string;
  pid: number;
  s3(persona: Persona): S3Client;
  /** A fresh token (HS256, one hour) for the persona, signed with this catalog's secret. */
  token(persona: Persona): Promise<string>;
  uid(persona: Persona): string;
  /** A GraphQL client that sends a freshly minted token of the persona with every request. */
  gql(persona: Persona): GraphQLClient;
  /** Raw POST /graphql: status and parsed body. */
  post(persona: Persona | null, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  get(path: string, persona?: Persona | null, headers?: Record<string, string>): Promise<{ status: number; body: unknown; text: string }>;
  /** Waits (bounded) until a search over the bucket's object index finds `query`. */
  searchUntil(query: string, predicate: (hits: SearchHit[]) => boolean, what: string, timeoutMs?: number, index?: string): Promise<SearchHit[]>;
  stop(): Promise<void>;
  /** Kills the catalog process (SIGKILL): no clean shutdown. */
  crash(): Promise<void>;
  /** Starts the catalog process again (after stop() or crash()) and waits until events flow. */
  start(): Promise<void>;
  restart(): Promise<void>;
  teardown(): Promise<void>;
}

export interface SearchHit { _id: string; _index: string; _source: Record<string, unknown> }

async function freePort(from: number): Promise<number> {
  for (let p = from; p < from + 200; p++) if (await isPortFree(p)) return p;
  throw new Error(`no free loopback port from ${from} to ${from + 199}`);
}

export async function startCatalogUnderTest(): Promise<CatalogUnderTest> {
  const stack = loadStackConfig();
  const run = randomBytes(4).toString('hex');
  const bucket = `quilt-e2e-cattest-${run}`;
  const port = await freePort(3100 + Math.floor(Math.random() * 500));
  const dataDir = mkdtempSync(join(tmpdir(), 'quilt-e2e-catalog-'));
  const logFile = join(dataDir, 'catalog.log');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    QUILT_E2E_CATALOG_PORT: String(port),
    QUILT_E2E_CATALOG_BUCKETS: bucket,
    QUILT_E2E_CATALOG_TOPIC: `quilt-e2e-cattest-${run}`,
    // Its own IAM roles in RGW (get_credentials), removed at teardown.
    QUILT_E2E_CATALOG_ROLE_PREFIX: `cattest-${run}-`,
    QUILT_E2E_CATALOG_DATA_DIR: join(dataDir, 'state'),
  };
  // The platform's catalog config, read from this instance's environment (port, bucket, topic, data folder), as its process reads it.
  const config = { ...loadCatalogConfig(env), port, url: `http://127.0.0.1:${port}` };
  const clients = new Map<Persona, S3Client>();
  const s3 = (p: Persona): S3Client => {
    let c = clients.get(p);
    if (!c) {
      const u = stack.s3Users[p];
      c = createS3Client({ endpoint: config.s3Endpoint, region: config.region, credentials: { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey } });
      clients.set(p, c);
    }
    return c;
  };
  const admin = s3('admin');
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  await admin.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await admin.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: testBucketPolicy(bucket, stack.s3Users) }));

  let child: ChildProcess | undefined;
  const startProcess = async (): Promise<void> => {
    const fd = openSync(logFile, 'a');
    try {
      child = spawn(process.execPath, ['--import', 'tsx', CATALOG_MAIN], { cwd: platformDir, env, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    const ok = await waitUntil(async () => {
      const r = await fetch(`${config.url}/internal/indexer`, { signal: AbortSignal.timeout(2000) });
      const j = await r.json() as { changes?: { state?: string }; backfill?: { state?: string } };
      return j.changes?.state === 'ok' && j.backfill?.state === 'done';
    }, 60_000, 250);
    if (!ok) throw new Error(`the catalog under test did not come up on ${config.url} within 60 s; log ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    // The catalog proves its change feed with a canary object (normally within a second).
    const delivering = await waitUntil(async () => {
      const r = await fetch(`${config.url}/internal/indexer`, { signal: AbortSignal.timeout(2000) });
      return ((await r.json()) as { changes?: { delivering?: boolean } }).changes?.delivering === true;
    }, 60_000, 100);
    if (!delivering) throw new Error(`no change reached the catalog under test through the bucket index log within 60 s; log ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
  };
  await startProcess();
  // As on the stack: Rita and Otto are made through the admin API by Dana, the catalog's first admin.
  await provisionPersonas(config.url, await mintToken(stack.s3Users.admin.uid, { secret: config.jwt.secret, issuer: config.jwt.issuer, audience: config.jwt.audience }), stack.s3Users);

  const os = openSearchClient(config.opensearchUrl, 30_000);
  const token = (p: Persona): Promise<string> => mintToken(stack.s3Users[p].uid, { secret: config.jwt.secret, issuer: config.jwt.issuer, audience: config.jwt.audience });
  const authorization = async (p: Persona | null): Promise<Record<string, string>> => (p ? { authorization: `Bearer ${await token(p)}` } : {});
  const stop = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  };

  const cut: CatalogUnderTest = {
    stack, config, bucket, url: config.url, logFile,
    get pid() { return child?.pid ?? -1; },
    s3,
    token,
    uid: (p) => stack.s3Users[p].uid,
    // Minting is async (jose) and graphql-request's headers are not: the token goes in through its fetch.
    gql: (p) => new GraphQLClient(`${config.url}/graphql`, {
      fetch: async (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${await token(p)}`);
        return fetch(input, { ...init, headers });
      },
    }),
    async post(persona, body, headers = {}) {
      const r = await fetch(`${config.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await authorization(persona)), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await r.text();
      let parsed: Record<string, unknown>;
      try { parsed = JSON.parse(text) as Record<string, unknown>; } catch { parsed = { raw: text }; }
      return { status: r.status, body: parsed };
    },
    async get(path, persona = null, headers = {}) {
      const r = await fetch(`${config.url}${path}`, { headers: { ...(await authorization(persona)), ...headers }, signal: AbortSignal.timeout(30_000) });
      const text = await r.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* HTML or text */ }
      return { status: r.status, body, text };
    },
    async searchUntil(query, predicate, what, timeoutMs = 20_000, index = bucket) {
      return eventually(async () => {
        const r = await cut.get(`/api/search?index=${encodeURIComponent(index)}&action=search&size=100&query=${encodeURIComponent(query)}`, 'reader');
        if (r.status !== 200) throw new Error(`search answered ${r.status}: ${r.text.slice(0, 300)}`);
        const hits = ((r.body as { hits: { hits: SearchHit[] } }).hits.hits);
        if (!predicate(hits)) throw new Error(`${hits.length} hit(s) for ${JSON.stringify(query)}: ${JSON.stringify(hits.map((h) => h._id)).slice(0, 300)}`);
        return hits;
      }, { timeoutMs, intervalMs: 100, what });
    },
    stop,
    async crash() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGKILL');
      await exited;
    },
    start: startProcess,
    async restart() {
      await stop();
      await startProcess();
    },
    async teardown() {
      await stop();
      for (;;) {
        const v = await admin.send(new ListObjectVersionsCommand({ Bucket: bucket }));
        const all = [...(v.Versions ?? []), ...(v.DeleteMarkers ?? [])];
        for (const o of all) await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key, VersionId: o.VersionId }));
        if (!v.IsTruncated) break;
      }
      await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
      await os.indices.delete({ index: `${bucket},${packagesIndex(bucket)}`, ignore_unavailable: true }).catch(() => undefined);
      await os.close();
      await removeCatalogRoles(config);
      for (const c of clients.values()) c.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return cut;
}
