/**
 * What the stack sets up for SQL, once Trino and RGW are up (idempotent, ~1 s when done before):
 * the scratch bucket, the package metadata tables of the test bucket, the Tabulator schemas, and a
 * refresh of every Tabulator table configured in the test bucket.
 *
 * The stack calls it at the end of Trino's provision() (packages/stack/src/servers/trino.ts).
 */
import { DEFAULT_SCRATCH_BUCKET, TABULATOR_INTERNAL_SCHEMA, TRINO_CATALOG, TRINO_SCHEMA } from '@quilt-e2e/constants';
import { loadPlatformEnv, platformS3Client, platformTrino, type PlatformEnv } from '../platform-env.js';
import { ensurePackageMetadataTables, packageTableNames } from './metadata-tables.js';
import { ensureScratchBucket } from './scratch.js';
import { qualified } from '@quilt-e2e/trino-rest';
import { Tabulator } from './tabulator.js';

export async function provisionSql(out: { info(message: string): void } = { info: () => undefined }, p: PlatformEnv = loadPlatformEnv()): Promise<void> {
  const s3 = platformS3Client(p);
  const trino = platformTrino(p);
  const bucket = p.testBucket;
  try {
    await ensureScratchBucket(s3, DEFAULT_SCRATCH_BUCKET);
    const { created } = await ensurePackageMetadataTables(trino, bucket);
    if (created.length > 0) out.info(`sql: created ${created.map((n) => `${TRINO_SCHEMA}."${n}"`).join(', ')}`);
    else out.info(`sql: package metadata tables of s3://${bucket} ready (${TRINO_SCHEMA}."${packageTableNames(bucket).entry}", ...)`);
    const tabulator = new Tabulator({ s3, trino, buckets: [bucket] });
    for (const schema of [TABULATOR_INTERNAL_SCHEMA, tabulator.schema(bucket)]) {
      await trino.query(`CREATE SCHEMA IF NOT EXISTS ${qualified(TRINO_CATALOG, schema)}`, { deadlineMs: 60_000 });
    }
    // One broken table config must not stop the stack; it fails again, with its reason, when queried.
    for (const r of await tabulator.refreshTables(bucket)) {
      if (r.status === 'failed') out.info(`sql: Tabulator table ${r.table} of s3://${bucket} could not be refreshed: ${r.error.message}`);
      else if (r.status !== 'fresh') out.info(`sql: Tabulator table ${r.view} ${r.status} (${r.files ?? 0} files of ${r.packages} packages)`);
    }
  } finally {
    s3.destroy();
  }
}
