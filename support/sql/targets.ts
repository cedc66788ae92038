/**
 * The SQL side of a target (support/target.ts): which QueryEngine to use and how to name the
 * package metadata views and Tabulator tables in SQL, so steps read the same on both targets.
 *
 *   local  TrinoQueryEngine on the stack's Trino; Tabulator tables refreshed before each query
 *          that names them; metadata views in hive.quilt_e2e; Tabulator in hive."<bucket>".
 *   quilt  AthenaQueryEngine; metadata views in the stack's user Athena database; Tabulator in
 *          the stack's Tabulator catalog ("quilt-<stack>-tabulator"."<bucket>"."<table>"). From:
 *            QUILT_E2E_ATHENA_WORKGROUP   work group (default "primary")
 *            QUILT_E2E_ATHENA_DATABASE    the stack's UserAthenaDatabaseName (required for metadata views)
 *            QUILT_E2E_TABULATOR_CATALOG  the Tabulator data catalog, e.g. quilt-mystack-tabulator
 *            QUILT_E2E_ATHENA_OUTPUT      s3://... result location, when the work group has none
 *            AWS_REGION                   as for S3
 */
import type { TargetConfig } from '../target.js';
import { TRINO_CATALOG, TRINO_SCHEMA } from '../../stack/servers/trino.js';
import { AthenaQueryEngine } from './athena-engine.js';
import { packageTableNames, type PackageTableNames } from './metadata-tables.js';
import type { QueryEngine } from './query-engine.js';
import { qualified } from './sql-text.js';
import { Tabulator } from './tabulator.js';
import { TrinoQueryEngine } from './trino-engine.js';

export interface SqlTarget {
  engine: QueryEngine;
  /** The local Tabulator (local target only: the quilt target's Tabulator is Quilt's own service). */
  tabulator?: Tabulator;
  /** A package metadata view or table in SQL, e.g. metadataTable('entry') → hive.quilt_e2e."quilt-e2e_package_entry". */
  metadataTable(view: keyof PackageTableNames): string;
  /** A Tabulator table in SQL, e.g. hive."quilt-e2e"."samples". */
  tabulatorTable(table: string): string;
}

function required(env: NodeJS.ProcessEnv, name: string, example: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is not set: the quilt target's SQL needs it, for example ${name}=${example}`);
  return v;
}

/** The query engine and SQL names of a target. */
export function sqlTarget(target: TargetConfig, env: NodeJS.ProcessEnv = process.env): SqlTarget {
  const names = packageTableNames(target.bucket);
  if (target.stack) {
    const tabulator = Tabulator.forStack(target.stack, { buckets: [target.bucket] });
    const engine = TrinoQueryEngine.forStack(target.stack, { beforeStart: (sql, o) => tabulator.refreshForQuery(sql, o.database) });
    return {
      engine,
      tabulator,
      metadataTable: (view) => qualified(TRINO_CATALOG, TRINO_SCHEMA, names[view]),
      tabulatorTable: (table) => tabulator.viewName(target.bucket, table),
    };
  }
  const engine = new AthenaQueryEngine({
    region: target.s3.region,
    workGroup: env.QUILT_E2E_ATHENA_WORKGROUP ?? env.ATHENA_WORKGROUP ?? 'primary',
    ...(env.QUILT_E2E_ATHENA_DATABASE ? { database: env.QUILT_E2E_ATHENA_DATABASE } : {}),
    ...(env.QUILT_E2E_ATHENA_OUTPUT ? { outputLocation: env.QUILT_E2E_ATHENA_OUTPUT } : {}),
  });
  return {
    engine,
    metadataTable: (view) => qualified('AwsDataCatalog', required(env, 'QUILT_E2E_ATHENA_DATABASE', 'userathenadatabase-abc123'), names[view]),
    tabulatorTable: (table) => qualified(required(env, 'QUILT_E2E_TABULATOR_CATALOG', 'quilt-mystack-tabulator'), target.bucket, table),
  };
}
