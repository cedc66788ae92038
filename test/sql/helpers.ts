/**
 * Shared set-up of the SQL tests: the running stack's clients, a per-test package namespace
 * `unitsql<id>` (data under `unitsql<id>/`, loose objects under `unitsql-<id>/`), and cleanup of
 * everything a test made — every object version below its prefixes, the manifests its pointers
 * named, its Tabulator configs, views, backing tables and pinned copies — also on failure.
 */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { TestContext } from 'node:test';
import { loadStackConfig, trino as trinoServer, trinoClient, localStackS3Client } from '@quilt-e2e/stack';
import { PackageRegistry, S3Store } from '@quilt-e2e/quilt-js';
import { Tabulator } from '@quilt-e2e/platform';
import { deleteNamespacePackages } from '@quilt-e2e/test-kit';
import { TrinoQueryEngine } from './trino-engine.js';
import { AthenaQueryEngine } from '../../support/sql/athena-engine.js';
import { sqlTarget } from '../../support/sql/targets.js';
import { loadTarget } from '../../support/target.js';

export const config = loadStackConfig();
export const BUCKET = config.s3.testBucket;
export const s3 = localStackS3Client();
export const store = new S3Store(s3);
export const trino = trinoClient(config, 60_000);
export const tabulator = Tabulator.forStack(undefined, { s3 });
/** Straight on Trino, refreshing Tabulator tables a query names before it runs (the platform's SQL layer beneath the Athena API). */
export const engine = TrinoQueryEngine.forStack(config, { beforeStart: (sql, o) => tabulator.refreshForQuery(sql, o.database) });
/** The suite's one engine: Athena and Glue (here the stack's own API), as the features use it. */
export const athenaEngine = sqlTarget(loadTarget({ ...process.env, QUILT_E2E_TARGET: 'local' })).engine as AthenaQueryEngine;

let stackChecked = false;

/** Fails fast, with the fix, when the stack is not up. */
export async function requireStack(): Promise<void> {
  if (stackChecked) return;
  const up = await trinoServer.healthy(config).catch((e: unknown) => {
    throw new Error(`Trino at 127.0.0.1:${config.ports.trino} is not answering (${(e as Error).message}); start the stack with: npm run stack -- up`);
  });
  assert.ok(up, `Trino at 127.0.0.1:${config.ports.trino} is not healthy; start the stack with: npm run stack -- up`);
  await s3.send(new HeadBucketCommand({ Bucket: BUCKET })).catch((e: unknown) => {
    throw new Error(`the test bucket ${BUCKET} on S3 at 127.0.0.1:${config.ports.s3} is not reachable (${(e as Error).message || (e as Error).name}); start the stack with: npm run stack -- up`);
  });
  stackChecked = true;
}

export interface SqlScratch {
  id: string;
  /** Package namespace "unitsql<id>". */
  ns: string;
  /** Prefix for loose objects "unitsql-<id>/". */
  prefix: string;
  registry: PackageRegistry;
  pkg(name: string): string;
  /** Puts an object under the loose prefix; returns its key. */
  put(rel: string, body: string | Uint8Array): Promise<string>;
  /** A Tabulator table name unique to the test. */
  table(name: string): string;
  cleanup(): Promise<void>;
}

export async function sqlScratch(t: TestContext): Promise<SqlScratch> {
  await requireStack();
  const id = randomBytes(4).toString('hex');
  const ns = `unitsql${id}`;
  const prefix = `unitsql-${id}/`;
  const tables = new Set<string>();
  const s: SqlScratch = {
    id, ns, prefix,
    registry: new PackageRegistry(s3, BUCKET),
    pkg: (name) => `${ns}/${name}`,
    async put(rel, body) {
      await store.put(BUCKET, `${prefix}${rel}`, typeof body === 'string' ? Buffer.from(body) : body);
      return `${prefix}${rel}`;
    },
    table(name) {
      const n = `unitsql_${id}_${name}`;
      tables.add(n);
      return n;
    },
    cleanup: async () => {
      const problems: string[] = [];
      const attempt = async (what: string, fn: () => Promise<unknown>) => { try { await fn(); } catch (e) { problems.push(`${what}: ${(e as Error).message}`); } };
      for (const table of tables) {
        await attempt(`drop Tabulator table ${table}`, () => tabulator.dropTable(BUCKET, table));
        await attempt(`delete config of ${table}`, () => store.deleteAllVersions(BUCKET, `.quilt/tabulator/${table}.`));
      }
      await attempt('delete packages', () => deletePackagesOf(ns));
      await attempt('delete data', () => store.deleteAllVersions(BUCKET, `${ns}/`));
      await attempt('delete loose objects', () => store.deleteAllVersions(BUCKET, prefix));
      if (problems.length) throw new Error(`cleanup of ${ns} left things behind:\n${problems.join('\n')}`);
    },
  };
  t.after(() => s.cleanup());
  return s;
}

/** Deletes every pointer version of the namespace and every manifest any of them named. */
export async function deletePackagesOf(ns: string): Promise<void> {
  await deleteNamespacePackages(store, BUCKET, ns);
}

/** Sorts rows (arrays of JSON values) for order-independent comparison. */
export function sortRows<T>(rows: T[]): T[] {
  return [...rows].sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** A Trino timestamp(3) text ("2026-01-02 03:04:05.000") of a Date. */
export function trinoTimestamp(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}
