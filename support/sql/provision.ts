/**
 * What the stack sets up for SQL, once Trino and RGW are up (idempotent, ~1 s when done before):
 * the scratch bucket, the package metadata tables of the test bucket, the Tabulator schemas, and a
 * refresh of every Tabulator table configured in the test bucket.
 *
 * Call it at the end of Trino's provision() (stack/servers/trino.ts):
 *   const { provisionSql } = await import('../../support/sql/provision.js');
 *   await provisionSql(c, out);
 */
import type { StackConfig } from '../../stack/config.js';
import { TRINO_CATALOG, TRINO_SCHEMA, trinoClient } from '../../stack/servers/trino.js';
import { localStackS3Client } from '../quilt/local-stack.js';
import { ensurePackageMetadataTables, packageTableNames } from './metadata-tables.js';
import { DEFAULT_SCRATCH_BUCKET, ensureScratchBucket } from './scratch.js';
import { qualified } from './sql-text.js';
import { TABULATOR_INTERNAL_SCHEMA, Tabulator } from './tabulator.js';

export async function provisionSql(config: StackConfig, out: { info(message: string): void } = { info: () => undefined }): Promise<void> {
  const s3 = localStackS3Client();
  const trino = trinoClient(config, 60_000);
  const bucket = config.s3.testBucket;
  try {
    await ensureScratchBucket(s3, DEFAULT_SCRATCH_BUCKET);
    const { created } = await ensurePackageMetadataTables(trino, bucket);
    if (created.length > 0) out.info(`sql: created ${created.map((n) => `${TRINO_SCHEMA}."${n}"`).join(', ')}`);
    else out.info(`sql: package metadata tables of s3://${bucket} ready (${TRINO_SCHEMA}."${packageTableNames(bucket).entry}", ...)`);
    const tabulator = new Tabulator({ s3, trino, buckets: [bucket] });
    for (const schema of [TABULATOR_INTERNAL_SCHEMA, tabulator.schema(bucket)]) {
      await trino.query(`CREATE SCHEMA IF NOT EXISTS ${qualified(TRINO_CATALOG, schema)}`, { deadlineMs: 60_000 });
    }
    for (const table of await tabulator.listTables(bucket)) {
      try {
        const r = await tabulator.refreshTable(bucket, table);
        if (r.status !== 'fresh') out.info(`sql: Tabulator table ${r.view} ${r.status} (${r.files ?? 0} files of ${r.packages} packages)`);
      } catch (e) {
        // One broken table config must not stop the stack; it fails again, with its reason, when queried.
        out.info(`sql: Tabulator table ${table} of s3://${bucket} could not be refreshed: ${(e as Error).message}`);
      }
    }
  } finally {
    s3.destroy();
  }
}
