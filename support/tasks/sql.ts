/**
 * SQL workflows (spec §1.4, §2.3, §3.2, §4, §5.2): Tabulator tables set up through the catalog,
 * queries through the target's engine (Trino locally, Athena on AWS), and the checks that SQL
 * agrees row for row with what the registry holds.
 */
import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import {
  ensureGenomicsFixture, ensureLargeTableFixture, GENOMICS_TABULATOR_CSV, LARGE_TABLE_ROWS, SAMPLES_TABULATOR_SCHEMA, QueryTimeoutError, literal, rowObjects, runOverLiveData,
} from '../sql/index.js';
import { barChart, barHeights, renderSvg } from '../domain/charts.js';
import { attempt } from './errors.js';
import { ownPackage, remember } from './packages.js';
import { timed } from './performance.js';
import { eventually, workingMsSince } from '@quilt-e2e/test-kit';
import { quilt3Oracle, type Quilt3Package } from '../oracles/quilt3.js';
import { escapeRegExp } from '../text.js';

/** A package's latest revision as the real quilt3 reads it (the oracle of every SQL check). */
export const latestByQuilt3 = (world: QuiltWorld, name: string): Promise<Quilt3Package> => quilt3Oracle(world.target).browse(name);

/** The text of a package entry, read (as Rita, plain S3) from exactly the object version quilt3 says the manifest names. */
export async function readEntry(world: QuiltWorld, rev: Quilt3Package, logicalKey: string): Promise<string> {
  const e = rev.entries.find((x) => x.logicalKey === logicalKey);
  if (!e) throw new Error(`${logicalKey} is not in ${rev.name}@${rev.topHash.slice(0, 10)}`);
  if (!e.physicalKey.startsWith('s3://')) throw new Error(`${logicalKey} is not in S3 but at ${e.physicalKey}`);
  return Buffer.from(await world.objects('reader').bytes(e.physicalKey)).toString('utf8');
}

export const logicalKeys = (rev: Quilt3Package): string[] => rev.entries.map((e) => e.logicalKey);

const TABULATOR_CONFIGS: Record<string, string> = { 'the per-tissue CSV files of the genomics package': GENOMICS_TABULATOR_CSV };

export async function ensureGenomics(world: QuiltWorld): Promise<void> {
  world.memory.genomics = await ensureGenomicsFixture({ s3: world.s3('admin'), bucket: world.bucket });
}

/** Sets a Tabulator table up through the catalog's GraphQL (as a user would), and registers its removal. */
export async function setUpTabulatorTable(world: QuiltWorld, persona: PersonaRole, name: string, what: string): Promise<void> {
  const yaml = TABULATOR_CONFIGS[what];
  if (!yaml) throw new Error(`no Tabulator configuration is known for "${what}": use one of ${Object.keys(TABULATOR_CONFIGS).join('; ')}`);
  await setTabulatorConfig(world, persona, name, yaml);
}

/** A Tabulator table over every top-level CSV file (sample_id, tissue, reads, with a header line) of one package of the scenario. */
export async function setUpTabulatorTableOverPackage(world: QuiltWorld, persona: PersonaRole, name: string, featurePackage: string): Promise<void> {
  const pkg = escapeRegExp(world.packageName(featurePackage));
  await setTabulatorConfig(world, persona, name, `${SAMPLES_TABULATOR_SCHEMA}source:
  type: quilt-packages
  package_name: ^${pkg}$
  logical_key: ^[^/]+\\.csv$
parser:
  format: csv
  header: true
`);
}

async function setTabulatorConfig(world: QuiltWorld, persona: PersonaRole, name: string, yaml: string): Promise<void> {
  const table = `${name}_${world.scenarioId}`;
  const set = (config: string | null) => world.catalog(persona).graphql<{ bucketSetTabulatorTable: { __typename: string; message?: string; errors?: { path: string; message: string }[]; tabulatorTables?: { name: string }[] } }>(
    `mutation($b: String!, $t: String!, $c: String) { bucketSetTabulatorTable(bucketName: $b, tableName: $t, config: $c) { __typename
      ... on BucketConfig { tabulatorTables { name } } ... on InvalidInput { errors { path message } } ... on OperationError { message } } }`,
    { b: world.bucket, t: table, c: config });
  world.ledger.register(`Tabulator table ${table}`, async () => {
    const r = await set(null);
    if (r.bucketSetTabulatorTable.__typename !== 'BucketConfig') throw new Error(`removing ${table}: ${JSON.stringify(r.bucketSetTabulatorTable)}`);
  });
  const r = (await set(yaml)).bucketSetTabulatorTable;
  expect(r.__typename, JSON.stringify(r)).to.equal('BucketConfig');
  expect(r.tabulatorTables!.map((t) => t.name)).to.include(table);
  world.memory.tables.set(name, table);
}

function tabulatorTable(world: QuiltWorld, name: string): string {
  const table = world.memory.tables.get(name);
  if (!table) throw new Error(`no Tabulator table "${name}" was set up in this scenario`);
  return world.sql().tabulatorTable(table);
}

/**
 * Polls the table until it holds exactly the rows of the package's latest revision: the files
 * named by the manifest (read as Rita, exact versions) parsed with csv-parse. The suite never
 * refreshes the table; the platform must.
 */
export async function expectTabulatorFollowsPackage(world: QuiltWorld, name: string, featurePackage: string, deadlineMs: number): Promise<void> {
  const { rows: expected, hash } = await packageCsvRows(world, featurePackage);
  await eventually(async () => {
    const q = await world.sql().engine.run(`SELECT ${TABLE_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM ${tabulatorTable(world, name)}`, { deadlineMs: 60_000 });
    expect(q.rows.map((r) => JSON.stringify(r)).sort(), `rows of ${name} (latest revision ${hash.slice(0, 10)} of ${world.packageName(featurePackage)})`).to.deep.equal(expected);
  }, { timeoutMs: deadlineMs, what: `the Tabulator table ${name} showing the latest revision of ${featurePackage}` });
}

/** The columns of a table over the samples CSV files, with Tabulator's own: the package, the file and the revision of each row. */
export const TABLE_COLUMNS = ['sample_id', 'tissue', 'reads', '$pkg_name', '$logical_key', '$top_hash'];

/**
 * The rows a table over a package's top-level CSV files must hold (TABLE_COLUMNS, JSON per row,
 * sorted): the files of its latest revision as quilt3 reads it, each read from S3 at exactly the
 * version the manifest names (as Rita) and parsed with csv-parse.
 */
export async function packageCsvRows(world: QuiltWorld, featurePackage: string): Promise<{ rows: string[]; hash: string }> {
  const pkg = world.packageName(featurePackage);
  const rev = await latestByQuilt3(world, pkg);
  const rows: string[] = [];
  for (const lk of logicalKeys(rev).filter((k) => /^[^/]+\.csv$/.test(k))) {
    for (const rec of parseCsv(await readEntry(world, rev, lk), { columns: true, skip_empty_lines: true }) as Record<string, string>[]) {
      rows.push(JSON.stringify([rec.sample_id, rec.tissue, Number(rec.reads), pkg, lk, rev.topHash]));
    }
  }
  return { rows: rows.sort(), hash: rev.topHash };
}

export async function queryTabulator(world: QuiltWorld, persona: PersonaRole, name: string): Promise<void> {
  world.memory.query = await world.sqlOps(persona).query(`SELECT sample_id, tissue, reads, "$pkg_name", "$logical_key", "$top_hash" FROM ${tabulatorTable(world, name)}`, { deadlineMs: 120_000 });
}

/** What Tabulator should hold: every row of every matched file of the package's latest revision, read through the registry. */
async function expectedGenomicsRows(world: QuiltWorld): Promise<{ rows: string[]; files: string[]; hash: string; rev: Quilt3Package }> {
  const g = world.memory.genomics;
  const rev = await latestByQuilt3(world, g.packageName);
  const files = logicalKeys(rev).filter((k) => /^by-tissue\/[a-z]+\.csv$/.test(k));
  const rows: string[] = [];
  for (const lk of files) {
    const text = await readEntry(world, rev, lk);
    // Parsed by an independent CSV library (csv-parse), not by the Tabulator under test.
    for (const rec of parseCsv(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[]) {
      rows.push(JSON.stringify([rec.sample_id, rec.tissue, Number(rec.reads), g.packageName, lk, rev.topHash]));
    }
  }
  return { rows: rows.sort(), files: files.sort(), hash: rev.topHash, rev };
}

export async function expectTabulatorMatchesFiles(world: QuiltWorld): Promise<void> {
  const expected = await expectedGenomicsRows(world);
  const q = world.memory.query;
  const want = ['sample_id:varchar', 'tissue:varchar', 'reads:bigint', '$pkg_name:varchar', '$logical_key:varchar', '$top_hash:varchar'];
  // Through quilt-mcp a column's type is the pandas dtype of its DataFrame ("pandas:int64"), not a SQL type: only the names are compared then.
  const sqlTypes = !q.columns.some((c) => c.type.startsWith('pandas:'));
  expect(q.columns.map((c) => (sqlTypes ? `${c.name}:${c.type}` : c.name)), 'the columns').to.deep.equal(sqlTypes ? want : want.map((w) => w.split(':')[0]));
  expect(q.rows.map((r) => JSON.stringify(r)).sort()).to.deep.equal(expected.rows);
  expect(q.rowCount).to.equal(world.memory.genomics.samples.length);
}

export async function expectEntryTableListsFiles(world: QuiltWorld): Promise<void> {
  const expected = await expectedGenomicsRows(world);
  const rev = expected.rev;
  const r = await runOverLiveData(world.sql().engine, `SELECT logical_key, size, hash_value FROM ${world.sql().metadataTable('entry')} WHERE top_hash = '${expected.hash}' AND regexp_like(logical_key, '^by-tissue/')`, { deadlineMs: 120_000 });
  const got = rowObjects<{ logical_key: string; size: number; hash_value: string }>(r).map((x) => [x.logical_key, Number(x.size), x.hash_value]).sort();
  expect(got).to.deep.equal(expected.files.map((lk) => { const e = rev.entries.find((x) => x.logicalKey === lk)!; return [lk, e.size, e.hashValue]; }));
}

/** As a When-step the run's driver performs the query; as a Given (`setUp`) the suite's engine. */
export async function sumReadsPerTissue(world: QuiltWorld, persona: PersonaRole, name: string, setUp = false): Promise<void> {
  const sql = `SELECT tissue, sum(reads) AS read_count FROM ${tabulatorTable(world, name)} GROUP BY tissue ORDER BY tissue`;
  const r = setUp ? await world.sql().engine.run(sql, { deadlineMs: 120_000 }) : await world.sqlOps(persona).query(sql, { deadlineMs: 120_000 });
  const key = 'per tissue';
  world.memory.queries.set(key, r);
  world.memory.query = r;
}

export function expectSumsMatchSamples(world: QuiltWorld): void {
  const expected = new Map<string, number>();
  for (const s of world.memory.genomics.samples) expected.set(s.tissue, (expected.get(s.tissue) ?? 0) + s.reads);
  const got = rowObjects<{ tissue: string; read_count: number }>(world.memory.query).map((r) => [r.tissue, Number(r.read_count)]);
  expect(got).to.deep.equal([...expected.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

export async function findTableAmongDatabases(world: QuiltWorld, persona: PersonaRole, name: string): Promise<void> {
  const table = world.memory.tables.get(name)!;
  // Quilt's Tabulator catalog: one database per bucket, one table per Tabulator config.
  const engine = world.sqlOps(persona).tabulatorCatalog;
  const databases = await engine.databases();
  const db = databases.find((d) => d === world.bucket);
  expect(db, `the bucket's database among ${databases.join(', ')}`).to.equal(world.bucket);
  expect(await engine.tables(db!)).to.include(table);
  world.memory.schema = await engine.schema(db!, table);
}

export function expectSchema(world: QuiltWorld, rows: { column: string; type: string }[]): void {
  expect(world.memory.schema.map((c) => ({ column: c.name, type: c.type }))).to.deep.equal(rows);
}

export function chartReads(world: QuiltWorld): void {
  const rows = rowObjects(world.memory.query);
  world.memory.chart = barChart(rows, { plotType: 'bar', xColumn: 'tissue', yColumn: 'read_count', title: 'Read counts by tissue' });
  world.memory.svg = renderSvg(world.memory.chart);
}

export function expectChartShowsSums(world: QuiltWorld): void {
  const rows = rowObjects<{ tissue: string; read_count: number }>(world.memory.query);
  const { option } = world.memory.chart;
  expect(option.xAxis.data).to.deep.equal(rows.map((r) => r.tissue));
  expect(option.series[0]!.data).to.deep.equal(rows.map((r) => Number(r.read_count)));
  const heights = barHeights(world.memory.svg);
  expect(heights.length, 'bars drawn in the SVG').to.equal(rows.length);
  const max = Math.max(...rows.map((r) => Number(r.read_count)));
  const tallest = Math.max(...heights);
  rows.forEach((r, i) => expect(heights[i]! / tallest, `bar of ${r.tissue}`).to.be.closeTo(Number(r.read_count) / max, 0.01));
  world.attach(world.memory.svg, 'image/svg+xml');
}

/** Publishes data, chart (ECharts option and SVG) and config together as one package. */
export async function publishDashboard(world: QuiltWorld, persona: PersonaRole, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  ownPackage(world, name);
  const q = world.memory.query;
  const csv = [q.columns.map((c) => c.name).join(','), ...q.rows.map((r) => r.join(','))].join('\n') + '\n';
  const config = { query: 'reads per tissue', source: world.memory.genomics.packageName, chart: world.memory.chart.spec };
  remember(world, await world.packageOps(persona).create(name, {
    message: 'reads per tissue dashboard',
    userMeta: { dashboard: true, source_package: world.memory.genomics.packageName, source_hash: world.memory.genomics.hash },
    entries: [
      { logicalKey: 'data/reads_by_tissue.csv', content: csv },
      { logicalKey: 'chart/reads_by_tissue.echarts.json', content: JSON.stringify({ type: 'echarts', option: world.memory.chart.option }, null, 2) },
      { logicalKey: 'chart/reads_by_tissue.svg', content: world.memory.svg },
      { logicalKey: 'config.json', content: JSON.stringify(config, null, 2) },
    ],
  }));
}

export async function expectDashboardHolds(world: QuiltWorld, featureName: string, files: string[]): Promise<void> {
  const rev = await latestByQuilt3(world, world.packageName(featureName));
  expect(logicalKeys(rev).sort()).to.deep.equal([...files].sort());
  const read = (lk: string): Promise<string> => readEntry(world, rev, lk);
  const chart = JSON.parse(await read('chart/reads_by_tissue.echarts.json')) as { option: { series: { data: number[] }[] } };
  expect(chart.option.series[0]!.data).to.deep.equal(world.memory.chart.option.series[0]!.data);
  expect(await read('chart/reads_by_tissue.svg')).to.equal(world.memory.svg);
  const csvRows = (await read('data/reads_by_tissue.csv')).trim().split('\n').slice(1).map((l) => l.split(','));
  expect(csvRows.map((r) => Number(r[1]))).to.deep.equal(world.memory.chart.option.series[0]!.data);
}

export async function slowQuery(world: QuiltWorld, deadlineMs: number): Promise<void> {
  const started = Date.now();
  // The comment names the scenario, so the engine's own query list can be searched for it afterwards.
  await attempt(world, () => world.sql().engine.run(`/* quilt-e2e slow query ${world.scenarioId} */ SELECT count(*) FROM UNNEST(sequence(1, 10000)) AS a(x) CROSS JOIN UNNEST(sequence(1, 10000)) AS b(y) CROSS JOIN UNNEST(sequence(1, 1000)) AS c(z) WHERE (x * y + z) % 7919 = 13`, { deadlineMs }));
  world.memory.elapsedMs = workingMsSince(started);
}

export async function expectCancelledOnServer(world: QuiltWorld): Promise<void> {
  const e = world.memory.error as QueryTimeoutError;
  expect(e).to.be.instanceOf(QueryTimeoutError);
  // What the engine read back from the server after cancelling (Trino: FAILED/USER_CANCELED; Athena: CANCELLED).
  expect(e.serverState ?? '', 'the query\'s state on the server after the deadline').to.match(/CANCEL|FAILED/);
  if (world.target.kind === 'local') {
    // And independently, from the list of queries of the Trino behind the stack's Athena API: the
    // scenario's query is no longer running there, it was cancelled as a user cancels.
    const r = await world.sqlEngine().queryObjects(`SELECT state, error_code FROM system.runtime.queries WHERE query LIKE ${literal(`%quilt-e2e slow query ${world.scenarioId} */%`)} AND query NOT LIKE '%system.runtime.queries%'`, { deadlineMs: 30_000 });
    expect(r).to.deep.equal([{ state: 'FAILED', error_code: 'USER_CANCELED' }]);
  }
}

export async function ensureLargeTable(world: QuiltWorld): Promise<void> {
  if (world.target.kind === 'local') {
    world.memory.largeTable = (await ensureLargeTableFixture({ s3: world.s3('admin'), bucket: world.bucket })).athenaTable;
    return;
  }
  // A real deployment has its own: named by the operator, and checked to be big enough.
  const table = process.env.QUILT_E2E_LARGE_TABLE;
  if (!table) throw new Error('the quilt target needs QUILT_E2E_LARGE_TABLE: an Athena table of at least 10,000 rows, for example QUILT_E2E_LARGE_TABLE=mydb.large_table');
  const r = await world.sql().engine.run(`SELECT count(*) FROM ${table}`, { deadlineMs: 120_000 });
  expect(Number(r.rows[0]![0]), `rows of QUILT_E2E_LARGE_TABLE=${table}`).to.be.at.least(LARGE_TABLE_ROWS);
  world.memory.largeTable = table;
}

export async function fetchLargeTable(world: QuiltWorld, persona: PersonaRole, rows: number): Promise<void> {
  const table = world.memory.largeTable;
  world.memory.query = await timed(world, 'query_10k_rows', () => world.sqlOps(persona).query(`SELECT * FROM ${table} LIMIT ${rows}`, { deadlineMs: 120_000, maxRows: rows }));
}

export function expectRowsFetched(world: QuiltWorld, rows: number): void {
  const q = world.memory.query;
  expect(q.rowCount).to.equal(rows);
  expect(q.rows.length).to.equal(rows);
  expect(q.truncated).to.equal(false);
  expect(rows).to.be.at.most(LARGE_TABLE_ROWS);
}

/** The query checked before it runs, through the run's driver. */
export async function checkQuery(world: QuiltWorld, persona: PersonaRole, sql: string): Promise<void> {
  world.memory.validation = { sql, ...(await world.sqlOps(persona).validate(sql)) };
}

/** A sound query is accepted. */
export function expectAccepted(world: QuiltWorld): void {
  const v = world.memory.validation;
  expect(v.valid, `${v.sql} is sound SQL (Athena runs it), yet it was refused: ${v.reason}`).to.equal(true);
}

/** A broken query is refused, and the reason names what is wrong with it. */
export function expectRefused(world: QuiltWorld, words: RegExp): void {
  const v = world.memory.validation;
  expect(v.valid, `${v.sql} is not sound SQL, yet it was accepted`).to.equal(false);
  expect(v.reason, `the reason ${v.sql} was refused`).to.match(words);
}
