/**
 * The SQL side of a target (support/target.ts): which QueryEngine to use and how to name the
 * package metadata views and Tabulator tables in SQL, so steps read the same on both targets.
 *
 *   local  TrinoQueryEngine on the stack's Trino; metadata views in hive.quilt_e2e; Tabulator in
 *          hive."<bucket>" (the platform keeps those views fresh as packages change: the suite
 *          only queries them).
 *   quilt  AthenaQueryEngine; metadata views in the stack's user Athena database; Tabulator in
 *          the stack's Tabulator catalog ("quilt-<stack>-tabulator"."<bucket>"."<table>"). From:
 *            QUILT_E2E_ATHENA_WORKGROUP   work group (default "primary")
 *            QUILT_E2E_ATHENA_DATABASE    the stack's UserAthenaDatabaseName (required for metadata views)
 *            QUILT_E2E_TABULATOR_CATALOG  the Tabulator data catalog, e.g. quilt-mystack-tabulator
 *            QUILT_E2E_ATHENA_OUTPUT      s3://... result location, when the work group has none
 *            AWS_REGION                   as for S3
 */
import type { TargetConfig } from '../target.js';
import { TRINO_CATALOG, TRINO_SCHEMA } from '@quilt-e2e/constants';
import { qualified } from '@quilt-e2e/trino-rest/sql-text.js';
import { AthenaQueryEngine } from './athena-engine.js';
import type { QueryEngine } from './query-engine.js';
import { TrinoQueryEngine } from './trino-engine.js';

/**
 * The package tables of a bucket as Quilt names them (docs/advanced-features/athena.md in
 * quiltdata/quilt): "<bucket>_packages", "<bucket>_manifests" and the views over them.
 */
export function packageTableNames(bucket: string): PackageTableNames {
  return {
    packages: `${bucket}_packages`, manifests: `${bucket}_manifests`, revision: `${bucket}_package_revision`,
    tag: `${bucket}_package_tag`, manifest: `${bucket}_package_manifest`, entry: `${bucket}_package_entry`,
  };
}
export interface PackageTableNames { packages: string; manifests: string; revision: string; tag: string; manifest: string; entry: string }

export interface SqlTarget {
  engine: QueryEngine;
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
    return {
      engine: TrinoQueryEngine.forStack(target.stack),
      metadataTable: (view) => qualified(TRINO_CATALOG, TRINO_SCHEMA, names[view]),
      tabulatorTable: (table) => qualified(TRINO_CATALOG, target.bucket, table),
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
