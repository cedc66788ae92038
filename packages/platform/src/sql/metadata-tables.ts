/**
 * Package metadata tables on Trino's Hive connector, over a registry bucket's own S3 layout and
 * named and shaped like Quilt's (docs/advanced-features/athena.md and the platform's
 * package_* tables):
 *
 *   "<bucket>_packages"  (hash varchar)              TEXTFILE over s3://<bucket>/.quilt/named_packages/
 *                                                     one row per pointer file (body = top hash)
 *   "<bucket>_manifests" (logical_key, physical_keys array(varchar), size varchar,
 *                         hash row(type, value), meta, user_meta, message, version)
 *                                                     OPENX_JSON (ignore.malformed.json) over
 *                                                     s3://<bucket>/.quilt/packages/, one row per JSONL line
 *   views:
 *   "<bucket>_package_revision" (pkg_name, timestamp, top_hash)   timestamp pointers (timestamp(3), UTC)
 *   "<bucket>_package_tag"      (pkg_name, tag_name, top_hash)    named pointers ("latest", ...)
 *   "<bucket>_package_manifest" (top_hash, message, metadata)     manifest headers; metadata = user_meta JSON
 *   "<bucket>_package_entry"    (top_hash, logical_key, physical_key, hash_type, hash_value, size, metadata)
 *                                                     file entries; metadata = the entry's user_meta JSON
 *
 * Every query lists and reads S3 afresh (the Hive connector caches no listings here), so a package
 * pushed is visible on the next query. Limits, shared with Athena's tables over the same layout:
 * Hive skips files and folders whose names start with "." or "_" below a table's location, so
 * packages whose namespace or name starts with "_" are not visible; every query reads every
 * pointer file / manifest of the bucket (no partitions).
 * The tables are EXTERNAL: dropping them never deletes data.
 */
import { TRINO_CATALOG, TRINO_SCHEMA } from '@quilt-e2e/constants';
import { type TrinoClient, normalizeTypeName, ident, literal, qualified } from '@quilt-e2e/trino-rest';

export interface PackageTableNames {
  packages: string;
  manifests: string;
  revision: string;
  tag: string;
  manifest: string;
  entry: string;
}

/** The table and view names for one bucket, e.g. "quilt-e2e_package_entry". */
export function packageTableNames(bucket: string): PackageTableNames {
  return {
    packages: `${bucket}_packages`,
    manifests: `${bucket}_manifests`,
    revision: `${bucket}_package_revision`,
    tag: `${bucket}_package_tag`,
    manifest: `${bucket}_package_manifest`,
    entry: `${bucket}_package_entry`,
  };
}

export interface MetadataTablesOptions {
  catalog?: string;
  /** Default: the suite's schema, quilt_e2e. */
  schema?: string;
  /** Per-statement deadline (default 60 s). */
  deadlineMs?: number;
}

const PACKAGES_COLUMNS: Array<[string, string]> = [['hash', 'varchar']];
const MANIFESTS_COLUMNS: Array<[string, string]> = [
  ['logical_key', 'varchar'],
  ['physical_keys', 'array(varchar)'],
  ['size', 'varchar'],
  ['hash', 'row(type varchar, value varchar)'],
  ['meta', 'varchar'],
  ['user_meta', 'varchar'],
  ['message', 'varchar'],
  ['version', 'varchar'],
];

/** Bumped when the views change, so ensurePackageMetadataTables() replaces older ones. */
const VIEWS_VERSION = 'quilt-e2e package metadata views v1';

function columnsSql(cols: Array<[string, string]>): string {
  return cols.map(([n, t]) => `${ident(n)} ${t}`).join(', ');
}

/** The DDL of the two base tables and four views, in creation order. */
export function packageMetadataDdl(bucket: string, options: MetadataTablesOptions = {}): Array<{ name: string; kind: 'table' | 'view'; sql: string; columns?: Array<[string, string]> }> {
  const catalog = options.catalog ?? TRINO_CATALOG;
  const schema = options.schema ?? TRINO_SCHEMA;
  const n = packageTableNames(bucket);
  const q = (name: string) => qualified(catalog, schema, name);
  const pointerPath = `'/\\.quilt/named_packages/([^/]+/[^/]+)/([^/]+)$'`;
  const manifestPath = `'/\\.quilt/packages/([0-9a-f]{64})$'`;
  const comment = literal(VIEWS_VERSION);
  return [
    {
      name: n.packages, kind: 'table', columns: PACKAGES_COLUMNS,
      sql: `CREATE TABLE ${q(n.packages)} (${columnsSql(PACKAGES_COLUMNS)})
        COMMENT ${literal(`Quilt pointer files of s3://${bucket} (one row per .quilt/named_packages/<user>/<pkg>/<timestamp|tag>)`)}
        WITH (format = 'TEXTFILE', external_location = ${literal(`s3://${bucket}/.quilt/named_packages/`)})`,
    },
    {
      name: n.manifests, kind: 'table', columns: MANIFESTS_COLUMNS,
      sql: `CREATE TABLE ${q(n.manifests)} (${columnsSql(MANIFESTS_COLUMNS)})
        COMMENT ${literal(`Quilt manifests of s3://${bucket} (one row per JSONL line of .quilt/packages/<top_hash>)`)}
        WITH (format = 'OPENX_JSON', external_location = ${literal(`s3://${bucket}/.quilt/packages/`)},
              extra_properties = MAP(ARRAY['ignore.malformed.json'], ARRAY['true']))`,
    },
    {
      name: n.revision, kind: 'view',
      sql: `CREATE OR REPLACE VIEW ${q(n.revision)} COMMENT ${comment} AS
        SELECT regexp_extract("$path", ${pointerPath}, 1) AS pkg_name,
               date_add('second', CAST(regexp_extract("$path", ${pointerPath}, 2) AS bigint), TIMESTAMP '1970-01-01 00:00:00.000') AS "timestamp",
               trim(hash) AS top_hash
        FROM ${q(n.packages)}
        WHERE regexp_like("$path", '/\\.quilt/named_packages/[^/]+/[^/]+/[0-9]{1,12}$') AND trim(hash) <> ''`,
    },
    {
      name: n.tag, kind: 'view',
      sql: `CREATE OR REPLACE VIEW ${q(n.tag)} COMMENT ${comment} AS
        SELECT regexp_extract("$path", ${pointerPath}, 1) AS pkg_name,
               regexp_extract("$path", ${pointerPath}, 2) AS tag_name,
               trim(hash) AS top_hash
        FROM ${q(n.packages)}
        WHERE regexp_like("$path", ${pointerPath}) AND NOT regexp_like("$path", '/[0-9]+$') AND trim(hash) <> ''`,
    },
    {
      name: n.manifest, kind: 'view',
      sql: `CREATE OR REPLACE VIEW ${q(n.manifest)} COMMENT ${comment} AS
        SELECT regexp_extract("$path", ${manifestPath}, 1) AS top_hash,
               message,
               user_meta AS metadata
        FROM ${q(n.manifests)}
        WHERE logical_key IS NULL AND version IS NOT NULL AND regexp_like("$path", ${manifestPath})`,
    },
    {
      name: n.entry, kind: 'view',
      sql: `CREATE OR REPLACE VIEW ${q(n.entry)} COMMENT ${comment} AS
        SELECT regexp_extract("$path", ${manifestPath}, 1) AS top_hash,
               logical_key,
               element_at(physical_keys, 1) AS physical_key,
               hash."type" AS hash_type,
               hash."value" AS hash_value,
               CAST(size AS bigint) AS size,
               json_format(json_extract(meta, '$.user_meta')) AS metadata
        FROM ${q(n.manifests)}
        WHERE logical_key IS NOT NULL AND cardinality(physical_keys) > 0 AND regexp_like("$path", ${manifestPath})`,
    },
  ];
}

/** The existing columns of a table, or undefined when it does not exist. */
async function existingColumns(trino: TrinoClient, catalog: string, schema: string, table: string, deadlineMs: number): Promise<Array<[string, string]> | undefined> {
  const r = await trino.query(`SELECT column_name, data_type FROM ${qualified(catalog, 'information_schema', 'columns')}
    WHERE table_schema = ${literal(schema)} AND table_name = ${literal(table)} ORDER BY ordinal_position`, { deadlineMs });
  return r.rows.length === 0 ? undefined : r.rows.map((row) => [String(row[0]), String(row[1])]);
}

async function viewComment(trino: TrinoClient, catalog: string, schema: string, view: string, deadlineMs: number): Promise<string | undefined> {
  const r = await trino.query(`SELECT comment FROM system.metadata.table_comments
    WHERE catalog_name = ${literal(catalog)} AND schema_name = ${literal(schema)} AND table_name = ${literal(view)}`, { deadlineMs });
  return r.rows[0]?.[0] === undefined || r.rows[0]?.[0] === null ? undefined : String(r.rows[0][0]);
}

/**
 * Creates the package metadata tables and views of a bucket when they are missing or outdated
 * (idempotent; safe to call at every stack start). Returns what it created or replaced.
 */
export async function ensurePackageMetadataTables(trino: TrinoClient, bucket: string, options: MetadataTablesOptions = {}): Promise<{ created: string[]; schema: string }> {
  const catalog = options.catalog ?? TRINO_CATALOG;
  const schema = options.schema ?? TRINO_SCHEMA;
  const deadlineMs = options.deadlineMs ?? 60_000;
  const created: string[] = [];
  await trino.query(`CREATE SCHEMA IF NOT EXISTS ${qualified(catalog, schema)}`, { deadlineMs });
  for (const d of packageMetadataDdl(bucket, { catalog, schema })) {
    if (d.kind === 'table') {
      const have = await existingColumns(trino, catalog, schema, d.name, deadlineMs);
      const want = d.columns!;
      const same = (cols: Array<[string, string]>) => JSON.stringify(cols.map(([c, t]) => [c, normalizeTypeName(t)]));
      if (have && same(have) === same(want)) continue;
      // External table: dropping it removes only the metastore entry, never the S3 objects.
      if (have) await trino.query(`DROP TABLE IF EXISTS ${qualified(catalog, schema, d.name)}`, { deadlineMs });
      await trino.query(d.sql, { deadlineMs });
      created.push(d.name);
    } else {
      if (await viewComment(trino, catalog, schema, d.name, deadlineMs) === VIEWS_VERSION) continue;
      await trino.query(d.sql, { deadlineMs });
      created.push(d.name);
    }
  }
  return { created, schema };
}

/** Drops a bucket's metadata views and tables (metastore entries only; no S3 object is touched). */
export async function dropPackageMetadataTables(trino: TrinoClient, bucket: string, options: MetadataTablesOptions = {}): Promise<void> {
  const catalog = options.catalog ?? TRINO_CATALOG;
  const schema = options.schema ?? TRINO_SCHEMA;
  const deadlineMs = options.deadlineMs ?? 60_000;
  for (const d of packageMetadataDdl(bucket, { catalog, schema }).reverse()) {
    await trino.query(`DROP ${d.kind === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${qualified(catalog, schema, d.name)}`, { deadlineMs });
  }
}
