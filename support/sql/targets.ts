/**
 * The SQL side of a target (support/target.ts): one query engine — Athena, with Glue for the
 * schemas — on both targets, and the names of the package views and Tabulator tables in SQL, so
 * steps read the same everywhere.
 *
 *   local  the stack's own Athena and Glue APIs (platform/src/athena, on its Trino), reached like
 *          AWS: http://127.0.0.1:<athena port>, SigV4 with the admin persona's keys; package views
 *          in AwsDataCatalog.quilt_e2e; Tabulator in "quilt-e2e-tabulator"."<bucket>"."<table>".
 *   quilt  Amazon Athena and Glue (or whatever AWS_ENDPOINT_URL_ATHENA / _GLUE name); package views
 *          in the stack's user Athena database; Tabulator in the stack's Tabulator catalog
 *          ("<stack>-tabulator"."<bucket>"."<table>"). From:
 *            ATHENA_WORKGROUP / QUILT_E2E_ATHENA_WORKGROUP  work group (default "primary")
 *            QUILT_E2E_ATHENA_DATABASE    the stack's UserAthenaDatabaseName (required for package views)
 *            QUILT_E2E_TABULATOR_CATALOG  the Tabulator data catalog, e.g. quilt-mystack-tabulator
 *            QUILT_E2E_ATHENA_OUTPUT      s3://... result location, when the work group has none
 *            AWS_ENDPOINT_URL_ATHENA, AWS_ENDPOINT_URL_GLUE  endpoints other than AWS's (the AWS SDK reads them)
 *            AWS_REGION                   as for S3
 * Queries run with the admin persona's keys when the target gives them, else the AWS SDK's
 * default credential chain.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import type { TargetConfig } from '../target.js';
import { ATHENA_DATA_CATALOGS, ATHENA_WORKGROUPS, TRINO_SCHEMA } from '@quilt-e2e/constants';
import { qualified } from '@quilt-e2e/trino-rest';
import { AthenaQueryEngine } from './athena-engine.js';
import type { QueryEngine } from './query-engine.js';

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
  /** Queries in the Glue data catalog (AwsDataCatalog), unqualified names in the package views' database. */
  engine: QueryEngine;
  /** The same engine in the Tabulator data catalog: its databases are buckets, its tables Tabulator tables. */
  tabulator: QueryEngine;
  /** A package metadata view or table in SQL, e.g. metadataTable('entry') → "AwsDataCatalog"."quilt_e2e"."quilt-e2e_package_entry". */
  metadataTable(view: keyof PackageTableNames): string;
  /** A Tabulator table in SQL, e.g. "quilt-e2e-tabulator"."quilt-e2e"."samples". */
  tabulatorTable(table: string): string;
  /** What the engines were made from (for messages and the doctor). */
  settings: SqlSettings;
}

export interface SqlSettings {
  region: string;
  workGroup: string;
  database?: string;
  tabulatorCatalog?: string;
  outputLocation?: string;
  /** undefined: AWS's own endpoints (or the SDK's AWS_ENDPOINT_URL_* variables). */
  athenaEndpoint?: string;
  glueEndpoint?: string;
}

function required(value: string | undefined, name: string, example: string): string {
  if (!value) throw new Error(`${name} is not set: the quilt target's SQL needs it, for example ${name}=${example}`);
  return value;
}

/** Where SQL goes on a target: the local stack's Athena API, or what the environment names. */
export function sqlSettings(target: TargetConfig, env: NodeJS.ProcessEnv = process.env): SqlSettings {
  const workGroup = env.QUILT_E2E_ATHENA_WORKGROUP ?? env.ATHENA_WORKGROUP;
  if (target.stack) {
    const endpoint = `http://127.0.0.1:${target.stack.ports.athena}`;
    return {
      region: target.s3.region, workGroup: workGroup ?? ATHENA_WORKGROUPS[0], database: TRINO_SCHEMA,
      tabulatorCatalog: ATHENA_DATA_CATALOGS.tabulator.name, athenaEndpoint: endpoint, glueEndpoint: endpoint,
    };
  }
  return {
    region: target.s3.region, workGroup: workGroup ?? 'primary',
    ...(env.QUILT_E2E_ATHENA_DATABASE ? { database: env.QUILT_E2E_ATHENA_DATABASE } : {}),
    ...(env.QUILT_E2E_TABULATOR_CATALOG ? { tabulatorCatalog: env.QUILT_E2E_TABULATOR_CATALOG } : {}),
    ...(env.QUILT_E2E_ATHENA_OUTPUT ? { outputLocation: env.QUILT_E2E_ATHENA_OUTPUT } : {}),
    ...(env.AWS_ENDPOINT_URL_ATHENA ? { athenaEndpoint: env.AWS_ENDPOINT_URL_ATHENA } : {}),
    ...(env.AWS_ENDPOINT_URL_GLUE ? { glueEndpoint: env.AWS_ENDPOINT_URL_GLUE } : {}),
  };
}

/** The query engines and SQL names of a target. */
export function sqlTarget(target: TargetConfig, env: NodeJS.ProcessEnv = process.env): SqlTarget {
  const names = packageTableNames(target.bucket);
  const s = sqlSettings(target, env);
  const credentials = target.personas.admin?.credentials;
  const common = { region: s.region, ...(credentials ? { credentials } : {}) };
  const athena = new AthenaClient({ ...common, ...(s.athenaEndpoint ? { endpoint: s.athenaEndpoint } : {}) });
  const glue = new GlueClient({ ...common, ...(s.glueEndpoint ? { endpoint: s.glueEndpoint } : {}) });
  const base = { athena, glue, workGroup: s.workGroup, ...(s.outputLocation ? { outputLocation: s.outputLocation } : {}) };
  const engine = new AthenaQueryEngine({ ...base, catalog: ATHENA_DATA_CATALOGS.glue.name, ...(s.database ? { database: s.database } : {}) });
  const tabulatorCatalog = (): string => required(s.tabulatorCatalog, 'QUILT_E2E_TABULATOR_CATALOG', 'quilt-mystack-tabulator');
  let tabulator: QueryEngine | undefined;
  return {
    engine,
    get tabulator() {
      tabulator ??= new AthenaQueryEngine({ ...base, catalog: tabulatorCatalog(), database: target.bucket });
      return tabulator;
    },
    metadataTable: (view) => qualified(ATHENA_DATA_CATALOGS.glue.name, required(s.database, 'QUILT_E2E_ATHENA_DATABASE', 'userathenadatabase-abc123'), names[view]),
    tabulatorTable: (table) => qualified(tabulatorCatalog(), target.bucket, table),
    settings: s,
  };
}
