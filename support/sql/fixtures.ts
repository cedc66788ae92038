/**
 * Fixture data for the SQL and analysis scenarios, made ONCE per stack and reused (each ensure*
 * function first looks for a complete fixture and only builds what is missing):
 *
 *   fixtures/genomics     a deterministic genomics dataset: GENOMICS_SAMPLE_COUNT samples with
 *                         sample_id, tissue, reads — as samples.csv, samples.parquet (written by
 *                         Trino, see below) and one CSV per tissue under by-tissue/<tissue>.csv
 *   fixtures/large-table  a CSV of LARGE_TABLE_ROWS (10,000) rows, plus an external Trino table
 *                         over it (hive.quilt_e2e.fixtures_large_table)
 *
 * Data objects live under s3://<test bucket>/quilt-e2e-fixtures/ and are packaged in place
 * through the package engine (their physical keys point there, with versionIds). Uploads are
 * skipped when the object already holds the same bytes (ETag = MD5), so concurrent workers that
 * race to create a fixture write the same content and at most one push wins (the other reuses it).
 *
 * Parquet: Trino writes it (CTAS into an external table in the scratch bucket, which has no
 * notifications, one writer so one file), then the file is copied into place with one CopyObject
 * and the scratch table and file are removed (DROP of an external table keeps the data, which is
 * then deleted one object at a time). No Parquet library is needed in Node.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadStackConfig, trinoUrl, localStackS3Client } from '@quilt-e2e/stack';
import {
  TRINO_CATALOG, TRINO_SCHEMA, TRINO_USER, ATHENA_DATA_CATALOGS, DEFAULT_SCRATCH_BUCKET, TABULATOR_INTERNAL_SCHEMA,
} from '@quilt-e2e/constants';
import { TrinoClient, literal, qualified } from '@quilt-e2e/trino-rest';
import { QuiltConflictError, QuiltNotFoundError, PackageRegistry, type PackageRevision, S3Store } from '@quilt-e2e/quilt-js';
import { onceAcrossRunners } from '../fixtures/fixture-lock.js';

export const FIXTURE_PREFIX = 'quilt-e2e-fixtures/';
export const GENOMICS_PACKAGE = 'fixtures/genomics';
export const LARGE_TABLE_PACKAGE = 'fixtures/large-table';
export const GENOMICS_SAMPLE_COUNT = 48;
export const LARGE_TABLE_ROWS = 10_000;
export const TISSUES = ['blood', 'brain', 'heart', 'kidney', 'liver', 'lung'] as const;
/** Bump to rebuild a fixture (a new version folder and a new package revision). */
const GENOMICS_VERSION = 1;
const LARGE_TABLE_VERSION = 1;

export interface GenomicsSample { sample_id: string; tissue: string; reads: number }

/** The genomics samples, always the same: S001..S048, tissues in turn, reads from a fixed formula. */
export function genomicsSamples(): GenomicsSample[] {
  return Array.from({ length: GENOMICS_SAMPLE_COUNT }, (_, i) => ({
    sample_id: `S${String(i + 1).padStart(3, '0')}`,
    tissue: TISSUES[i % TISSUES.length]!,
    reads: 1_000_000 + ((i * 7919) % 1000) * 1_234,
  }));
}

export function samplesCsv(samples: GenomicsSample[]): string {
  return `sample_id,tissue,reads\n${samples.map((s) => `${s.sample_id},${s.tissue},${s.reads}`).join('\n')}\n`;
}

export interface LargeTableRow { row_id: number; sample_id: string; gene: string; chromosome: string; expression: number }

/** Row i (1-based) of the large table; deterministic. */
/** The large table's name in the package views' database. */
export const LARGE_TABLE_NAME = `fixtures_large_table_v${LARGE_TABLE_VERSION}`;

export function largeTableRow(i: number): LargeTableRow {
  return {
    row_id: i,
    sample_id: `S${String(((i - 1) % GENOMICS_SAMPLE_COUNT) + 1).padStart(3, '0')}`,
    gene: `GENE${String(((i * 37) % 5000) + 1).padStart(5, '0')}`,
    chromosome: `chr${((i * 13) % 22) + 1}`,
    expression: ((i * 2654435761) % 100_000) / 100,
  };
}

export function largeTableCsv(rows = LARGE_TABLE_ROWS): string {
  const lines = ['row_id,sample_id,gene,chromosome,expression'];
  for (let i = 1; i <= rows; i++) {
    const r = largeTableRow(i);
    lines.push(`${r.row_id},${r.sample_id},${r.gene},${r.chromosome},${r.expression}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface FixtureOptions {
  /** Admin S3 client (default: the local stack's). */
  s3?: S3Client;
  /** Default: the stack's test bucket. */
  bucket?: string;
  /** A Trino client (default: the local stack's). */
  trino?: TrinoClient;
  scratchBucket?: string;
}

interface Resolved { s3: S3Client; bucket: string; trino: TrinoClient; scratchBucket: string; registry: PackageRegistry; store: S3Store }

function resolve(options: FixtureOptions): Resolved {
  const config = loadStackConfig();
  const s3 = options.s3 ?? localStackS3Client();
  const bucket = options.bucket ?? config.s3.testBucket;
  const trino = options.trino ?? new TrinoClient({ server: trinoUrl(config), user: TRINO_USER, catalog: TRINO_CATALOG, schema: TRINO_SCHEMA, source: 'quilt-e2e-fixtures', requestTimeoutMs: 60_000 });
  return { s3, bucket, trino, scratchBucket: options.scratchBucket ?? DEFAULT_SCRATCH_BUCKET, registry: new PackageRegistry(s3, bucket), store: new S3Store(s3) };
}

/** Puts the bytes unless the object already holds exactly them (same MD5 ETag). */
async function putIfChanged(r: Resolved, key: string, body: string): Promise<void> {
  const md5 = createHash('md5').update(body).digest('hex');
  const head = await r.s3.send(new HeadObjectCommand({ Bucket: r.bucket, Key: key })).catch(() => undefined);
  if (head?.ETag?.replace(/"/g, '') === md5) return;
  await r.store.put(r.bucket, key, body);
}

async function exists(r: Resolved, bucket: string, key: string): Promise<boolean> {
  return r.store.head({ bucket, key }).then(() => true, (e: unknown) => {
    if (e instanceof QuiltNotFoundError) return false;
    throw e;
  });
}

/** The package's latest revision when it is this fixture version with every expected file. */
async function existingFixture(r: Resolved, name: string, version: number, keys: string[]): Promise<PackageRevision | undefined> {
  let rev: PackageRevision;
  try {
    rev = await r.registry.browse(name);
  } catch (e) {
    if (e instanceof QuiltNotFoundError) return undefined;
    throw e;
  }
  const meta = rev.userMeta as { fixtureVersion?: unknown } | undefined;
  if (meta?.fixtureVersion !== version) return undefined;
  const have = new Set(rev.logicalKeys);
  return keys.every((k) => have.has(k)) ? rev : undefined;
}

/** Pushes the fixture package from objects in place; a concurrent push of the same fixture is accepted. */
async function pushFixture(r: Resolved, name: string, version: number, files: Record<string, string>, message: string, userMeta: Record<string, unknown>): Promise<PackageRevision> {
  const entries = Object.entries(files).map(([logicalKey, key]) => ({ logicalKey, source: `s3://${r.bucket}/${key}` }));
  const current = await r.registry.latestHash(name);
  try {
    // An older fixture version is replaced by a new revision (force: the package exists).
    const pushed = await r.registry.create(name, { entries, message, userMeta: { ...userMeta, fixtureVersion: version }, force: current !== undefined });
    return pushed.revision;
  } catch (e) {
    if (!(e instanceof QuiltConflictError)) throw e;
    const rev = await existingFixture(r, name, version, Object.keys(files));
    if (!rev) throw e;
    return rev;
  }
}

/** Writes `rowsSql` as one Parquet file with Trino (in the scratch bucket) and copies it to `key` of the test bucket. */
async function writeParquet(r: Resolved, columnsSql: string, rowsSql: string, key: string): Promise<void> {
  // The scratch bucket is the stack's (made when Trino is provisioned).
  const id = `fixture_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const prefix = `fixtures/${id}/`;
  const table = qualified(TRINO_CATALOG, TABULATOR_INTERNAL_SCHEMA, id);
  // One writer, so one file.
  const trino = new TrinoClient({
    server: trinoUrl(loadStackConfig()), user: TRINO_USER, source: 'quilt-e2e-fixtures', requestTimeoutMs: 60_000,
    session: { task_max_writer_count: '1', task_min_writer_count: '1', scale_writers: 'false', task_scale_writers_enabled: 'false' },
  });
  try {
    await trino.query(`CREATE SCHEMA IF NOT EXISTS ${qualified(TRINO_CATALOG, TABULATOR_INTERNAL_SCHEMA)}`, { deadlineMs: 60_000 });
    await trino.query(`CREATE TABLE ${table} WITH (format = 'PARQUET', external_location = ${literal(`s3://${r.scratchBucket}/${prefix}`)})
      AS SELECT ${columnsSql} FROM (${rowsSql})`, { deadlineMs: 120_000 });
    const written: string[] = [];
    for await (const o of r.store.list(r.scratchBucket, prefix)) if (!o.key.endsWith('/')) written.push(o.key);
    if (written.length !== 1) throw new Error(`Trino wrote ${written.length} Parquet files to s3://${r.scratchBucket}/${prefix}, expected exactly 1`);
    await r.store.copy({ bucket: r.scratchBucket, key: written[0]! }, r.bucket, key);
  } finally {
    await trino.query(`DROP TABLE IF EXISTS ${table}`, { deadlineMs: 60_000 }).catch(() => undefined);
    await r.store.deleteAllVersions(r.scratchBucket, prefix).catch(() => undefined);
  }
}

export interface GenomicsFixture {
  bucket: string;
  packageName: string;
  /** Top hash of the fixture's revision. */
  hash: string;
  samples: GenomicsSample[];
  /** Logical keys in the package. */
  logicalKeys: { csv: string; parquet: string; readme: string; byTissue: Record<string, string> };
  /** Where the data objects are (s3://<bucket>/quilt-e2e-fixtures/genomics/v<n>/). */
  dataPrefix: string;
  /** True when this call built (part of) it. */
  created: boolean;
}

/** A Tabulator config over the per-tissue CSVs of the genomics fixture (tissue also from the file name). */
export const GENOMICS_TABULATOR_CSV = `schema:
  - name: sample_id
    type: STRING
    nullable: false
  - name: tissue
    type: STRING
  - name: reads
    type: BIGINT
source:
  type: quilt-packages
  package_name: ^fixtures/genomics$
  logical_key: ^by-tissue/(?<tissue_file>[a-z]+)\\.csv$
parser:
  format: csv
  header: true
`;

/** The columns of the samples data (sample_id, tissue, reads) as a Tabulator schema. */
export const SAMPLES_TABULATOR_SCHEMA = `schema:
  - name: sample_id
    type: STRING
  - name: tissue
    type: STRING
  - name: reads
    type: BIGINT
`;

/** A Tabulator config over the genomics fixture's Parquet file. */
export const GENOMICS_TABULATOR_PARQUET = `${SAMPLES_TABULATOR_SCHEMA}source:
  type: quilt-packages
  package_name: ^fixtures/genomics$
  logical_key: ^samples\\.parquet$
parser:
  format: parquet
`;

/** Creates the genomics fixture package once per stack; returns it (existing or new). */
export async function ensureGenomicsFixture(options: FixtureOptions = {}): Promise<GenomicsFixture> {
  const r = resolve(options);
  const samples = genomicsSamples();
  const dataPrefix = `${FIXTURE_PREFIX}genomics/v${GENOMICS_VERSION}/`;
  const byTissue = Object.fromEntries(TISSUES.map((t) => [t, `by-tissue/${t}.csv`]));
  const logicalKeys = { csv: 'samples.csv', parquet: 'samples.parquet', readme: 'README.md', byTissue };
  const files: Record<string, string> = {
    [logicalKeys.readme]: `${dataPrefix}README.md`,
    [logicalKeys.csv]: `${dataPrefix}samples.csv`,
    [logicalKeys.parquet]: `${dataPrefix}samples.parquet`,
    ...Object.fromEntries(Object.values(byTissue).map((lk) => [lk, `${dataPrefix}${lk}`])),
  };
  const base = { bucket: r.bucket, packageName: GENOMICS_PACKAGE, samples, logicalKeys, dataPrefix: `s3://${r.bucket}/${dataPrefix}` };
  const existing = await existingFixture(r, GENOMICS_PACKAGE, GENOMICS_VERSION, Object.keys(files));
  if (existing) return { ...base, hash: existing.hash, created: false };
  let made: PackageRevision | undefined;
  await onceAcrossRunners(r.s3, r.bucket, `genomics-v${GENOMICS_VERSION}`, async () => (await existingFixture(r, GENOMICS_PACKAGE, GENOMICS_VERSION, Object.keys(files))) !== undefined, async () => {
    made = await makeGenomics(r, samples, files, logicalKeys, byTissue);
  });
  if (made) return { ...base, hash: made.hash, created: true };
  const now = await existingFixture(r, GENOMICS_PACKAGE, GENOMICS_VERSION, Object.keys(files));
  if (!now) throw new Error(`the genomics fixture ${GENOMICS_PACKAGE} is not complete after another runner made it`);
  return { ...base, hash: now.hash, created: false };
}

async function makeGenomics(r: Resolved, samples: ReturnType<typeof genomicsSamples>, files: Record<string, string>, logicalKeys: GenomicsFixture['logicalKeys'], byTissue: Record<string, string>): Promise<PackageRevision> {
  await putIfChanged(r, files[logicalKeys.readme]!, `# Genomics fixture v${GENOMICS_VERSION}\n\n${samples.length} samples (sample_id, tissue, reads) of ${TISSUES.length} tissues, as CSV, Parquet and one CSV per tissue. Made by quilt-e2e (support/sql/fixtures.ts).\n`);
  await putIfChanged(r, files[logicalKeys.csv]!, samplesCsv(samples));
  for (const t of TISSUES) await putIfChanged(r, files[byTissue[t]!]!, samplesCsv(samples.filter((s) => s.tissue === t)));
  if (!await exists(r, r.bucket, files[logicalKeys.parquet]!)) {
    const values = samples.map((s) => `(${literal(s.sample_id)}, ${literal(s.tissue)}, ${s.reads})`).join(', ');
    await writeParquet(r, 'CAST(sample_id AS varchar) AS sample_id, CAST(tissue AS varchar) AS tissue, CAST(reads AS bigint) AS reads',
      `SELECT * FROM (VALUES ${values}) AS t(sample_id, tissue, reads) ORDER BY sample_id`, files[logicalKeys.parquet]!);
  }
  return pushFixture(r, GENOMICS_PACKAGE, GENOMICS_VERSION, files, `Genomics fixture v${GENOMICS_VERSION}`, { fixture: 'genomics', samples: samples.length, tissues: [...TISSUES] });
}

export interface LargeTableFixture {
  bucket: string;
  packageName: string;
  hash: string;
  rows: number;
  columns: string[];
  logicalKey: string;
  /** s3://<bucket>/quilt-e2e-fixtures/large-table/v<n>/table.csv */
  uri: string;
  /** An external Trino table over the CSV (all columns varchar, header skipped), e.g. "hive"."quilt_e2e"."fixtures_large_table". */
  externalTable: string;
  /** The same table as Athena clients name it: "AwsDataCatalog"."quilt_e2e"."fixtures_large_table". */
  athenaTable: string;
  created: boolean;
}

/** Creates the large-table fixture (a 10,000-row CSV package and an external table) once per stack. */
export async function ensureLargeTableFixture(options: FixtureOptions = {}): Promise<LargeTableFixture> {
  const r = resolve(options);
  const dataPrefix = `${FIXTURE_PREFIX}large-table/v${LARGE_TABLE_VERSION}/`;
  const logicalKey = 'table.csv';
  const key = `${dataPrefix}${logicalKey}`;
  const columns = ['row_id', 'sample_id', 'gene', 'chromosome', 'expression'];
  const tableName = LARGE_TABLE_NAME;
  const externalTable = qualified(TRINO_CATALOG, TRINO_SCHEMA, tableName);
  let rev = await existingFixture(r, LARGE_TABLE_PACKAGE, LARGE_TABLE_VERSION, [logicalKey]);
  let created = false;
  if (!rev) {
    created = await onceAcrossRunners(r.s3, r.bucket, `large-table-v${LARGE_TABLE_VERSION}`, async () => (await existingFixture(r, LARGE_TABLE_PACKAGE, LARGE_TABLE_VERSION, [logicalKey])) !== undefined, async () => {
      await putIfChanged(r, key, largeTableCsv());
      await pushFixture(r, LARGE_TABLE_PACKAGE, LARGE_TABLE_VERSION, { [logicalKey]: key }, `Large table fixture v${LARGE_TABLE_VERSION}`, { fixture: 'large-table', rows: LARGE_TABLE_ROWS });
    }) === 'made';
    rev = await existingFixture(r, LARGE_TABLE_PACKAGE, LARGE_TABLE_VERSION, [logicalKey]);
    if (!rev) throw new Error(`the large-table fixture ${LARGE_TABLE_PACKAGE} is not complete after it was made`);
  }
  await r.trino.query(`CREATE TABLE IF NOT EXISTS ${externalTable} (${columns.map((c) => `"${c}" varchar`).join(', ')})
    WITH (format = 'CSV', external_location = ${literal(`s3://${r.bucket}/${dataPrefix.replace(/\/$/, '')}`)}, skip_header_line_count = 1)`, { deadlineMs: 60_000 });
  return { bucket: r.bucket, packageName: LARGE_TABLE_PACKAGE, hash: rev.hash, rows: LARGE_TABLE_ROWS, columns, logicalKey, uri: `s3://${r.bucket}/${key}`, externalTable, athenaTable: qualified(ATHENA_DATA_CATALOGS.glue.name, TRINO_SCHEMA, tableName), created };
}
