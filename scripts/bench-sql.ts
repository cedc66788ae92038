/**
 * Benchmarks of the SQL layer against the running stack, through the Athena path the suite uses
 * (the stack's Athena/Glue API with the admin persona's keys → Trino → RGW):
 *  0. Start→Succeeded of a trivial query (server's own timestamps; client wall time beside)
 *                                                                             goal <= 300 ms
 *  1. SELECT count(*) over a Tabulator table of 100 packages, warm (its freshness check at
 *     query time included)                                                    goal <= 3 s
 *  2. a 10,000-row result fetched through GetQueryResults pages (the large-table fixture, as an
 *     external table and as a typed Tabulator table)                          goal <= 3 s
 *  3. a package pushed is visible on the next query of the metadata tables and of Tabulator
 *                                                                             goal: yes, no waiting
 * Also printed: the Tabulator rebuild time, the freshness check alone, and RGW's GET latency
 * (which bounds how fast Trino reads many small files).
 * Everything it makes (packages under bench<id>/, its Tabulator tables) is removed at the end;
 * the large-table fixture is kept (it is made once per stack).
 * Usage: npx tsx scripts/bench-sql.ts [--packages 100] [--runs 5]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { loadStackConfig, localStackS3Client, trinoClient } from '@quilt-e2e/stack';
import { mapLimit, PackageRegistry, S3Store } from '@quilt-e2e/quilt-js';
import { ensureLargeTableFixture, LARGE_TABLE_PACKAGE } from '../support/sql/fixtures.js';
import { ensurePackageMetadataTables, packageTableNames, Tabulator } from '@quilt-e2e/platform';
import { GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { AthenaQueryEngine } from '../support/sql/athena-engine.js';
import { sqlTarget } from '../support/sql/targets.js';
import { loadTarget } from '../support/target.js';

const { values } = parseArgs({ options: { packages: { type: 'string' }, runs: { type: 'string' } } });
const packageCount = Number(values.packages ?? 100);
const runs = Number(values.runs ?? 5);

interface Figure { name: string; value: string; goal: string; ok: boolean }
const figures: Figure[] = [];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = Date.now();
  const r = await fn();
  return [r, Date.now() - t];
}

async function main(): Promise<void> {
  const config = loadStackConfig();
  const bucket = config.s3.testBucket;
  const s3 = localStackS3Client();
  const store = new S3Store(s3);
  const registry = new PackageRegistry(s3, bucket);
  const trino = trinoClient(config, 60_000);
  const tabulator = Tabulator.forStack(undefined, { s3 });
  const sqlSide = sqlTarget(loadTarget());
  const engine = sqlSide.engine as AthenaQueryEngine;
  const id = randomBytes(4).toString('hex');
  const ns = `bench${id}`;
  const table = `bench_${id}_samples`;
  const largeTable = `bench_${id}_large`;
  const names = packageTableNames(bucket);
  try {
    await ensurePackageMetadataTables(trino, bucket);

    // RGW's latency per small GET: Trino opens every file with one.
    const probe = `${ns}/probe.csv`;
    await store.put(bucket, probe, 'a,b\n1,2\n');
    const lat: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [, ms] = await timed(async () => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: probe }))).Body!.transformToString());
      lat.push(ms);
    }
    figures.push({ name: 'RGW GET latency (small object)', value: `${median(lat)} ms (median of 20)`, goal: 'info', ok: true });

    // 0. A trivial query: Start → Succeeded.
    const trivial: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < runs * 4; i++) {
      const [id, ms] = await timed(async () => { const q = await engine.start('SELECT 1'); await engine.wait(q, 10_000); return q; });
      const ex = (await engine.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution!;
      trivial.push(ex.Status!.CompletionDateTime!.getTime() - ex.Status!.SubmissionDateTime!.getTime());
      wall.push(ms);
    }
    figures.push({ name: 'trivial query Start→Succeeded (server timestamps)', value: `${median(trivial)} ms (median of ${trivial.length}; client wall incl. polling ${median(wall)} ms)`, goal: '<= 300 ms', ok: median(trivial) <= 300 });

    // 1. 100 packages, one matched CSV each (plus a file that is not matched).
    const [, pushMs] = await timed(() => mapLimit(Array.from({ length: packageCount }, (_, i) => i), 8, (i) => registry.create(`${ns}/p${String(i).padStart(3, '0')}`, {
      message: `bench ${ns}`,
      entries: [
        { logicalKey: 'data/samples.csv', content: `sample_id,tissue,reads\n${Array.from({ length: 10 }, (_, j) => `S${i}_${j},liver,${i * 100 + j}`).join('\n')}\n` },
        { logicalKey: 'README.md', content: `# p${i}\n` },
      ],
    })));
    console.log(`pushed ${packageCount} packages in ${secs(pushMs)}`);
    const yaml = `schema:
  - {name: sample_id, type: STRING}
  - {name: tissue, type: STRING}
  - {name: reads, type: BIGINT}
source:
  type: quilt-packages
  package_name: ^${ns}/(?<pkg>p[0-9]+)$
  logical_key: ^data/samples\\.csv$
parser:
  format: csv
  header: true
`;
    const [built, buildMs] = await timed(() => tabulator.setTable(bucket, table, yaml));
    console.log(`Tabulator table built: ${built.files} files of ${built.packages} packages, locations ${built.locations?.join(', ')}`);
    figures.push({ name: `Tabulator build (${packageCount} packages)`, value: secs(buildMs), goal: 'info', ok: true });

    const sql = `SELECT count(*) FROM ${sqlSide.tabulatorTable(table)}`;
    const warm = await engine.run(sql);
    if (warm.rows[0]?.[0] !== packageCount * 10) throw new Error(`count(*) is ${String(warm.rows[0]?.[0])}, expected ${packageCount * 10}`);
    const countTimes: number[] = [];
    for (let i = 0; i < runs; i++) countTimes.push((await timed(() => engine.run(sql)))[1]);
    console.log(`count(*) runs: ${countTimes.map(secs).join(', ')}`);
    figures.push({ name: `count(*) over Tabulator, ${packageCount} packages (warm, Athena API)`, value: `${secs(median(countTimes))} (median of ${runs})`, goal: '<= 3 s', ok: median(countTimes) <= 3000 });
    const checks: number[] = [];
    for (let i = 0; i < runs; i++) checks.push((await timed(() => tabulator.refreshTable(bucket, table)))[1]);
    figures.push({ name: 'Tabulator freshness check (nothing changed)', value: `${median(checks)} ms`, goal: 'info', ok: true });

    // 2. 10,000 rows.
    const large = await ensureLargeTableFixture({ s3, trino });
    const fetchTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const [r, ms] = await timed(() => engine.run(`SELECT * FROM ${large.athenaTable}`, { maxRows: 20_000 }));
      if (r.rows.length !== large.rows) throw new Error(`fetched ${r.rows.length} rows, expected ${large.rows}`);
      fetchTimes.push(ms);
    }
    figures.push({ name: `${large.rows}-row result fetched (external table)`, value: `${secs(median(fetchTimes))} (median of ${runs})`, goal: '<= 3 s', ok: median(fetchTimes) <= 3000 });
    await tabulator.setTable(bucket, largeTable, `schema:
  - {name: row_id, type: BIGINT}
  - {name: sample_id, type: STRING}
  - {name: gene, type: STRING}
  - {name: chromosome, type: STRING}
  - {name: expression, type: DOUBLE}
source: {type: quilt-packages, package_name: "^${LARGE_TABLE_PACKAGE}$", logical_key: "^table\\\\.csv$"}
parser: {format: csv, header: true}
`);
    const tabFetch: number[] = [];
    for (let i = 0; i < runs; i++) {
      const [r, ms] = await timed(() => engine.run(`SELECT * FROM ${sqlSide.tabulatorTable(largeTable)}`, { maxRows: 20_000 }));
      if (r.rows.length !== large.rows) throw new Error(`fetched ${r.rows.length} rows through Tabulator, expected ${large.rows}`);
      tabFetch.push(ms);
    }
    figures.push({ name: `${large.rows}-row result fetched (typed Tabulator table)`, value: `${secs(median(tabFetch))} (median of ${runs})`, goal: '<= 3 s', ok: median(tabFetch) <= 3000 });

    // 3. A push is visible on the next query.
    const fresh = `${ns}/p${String(packageCount).padStart(3, '0')}`;
    const pushed = await registry.create(fresh, { message: `bench ${ns}`, entries: [{ logicalKey: 'data/samples.csv', content: 'sample_id,tissue,reads\nNEW,brain,1\n' }] });
    const [rev, revMs] = await timed(() => engine.run(`SELECT top_hash FROM "${names.revision}" WHERE pkg_name = '${fresh}'`, { database: 'quilt_e2e' }));
    const [ent, entMs] = await timed(() => engine.run(`SELECT count(*) FROM "${names.entry}" WHERE top_hash = '${pushed.hash}'`, { database: 'quilt_e2e' }));
    const [tab, tabMs] = await timed(() => engine.run(`SELECT count(*) FROM ${sqlSide.tabulatorTable(table)} WHERE "$pkg_name" = '${fresh}'`));
    const visible = rev.rows[0]?.[0] === pushed.hash && ent.rows[0]?.[0] === 1 && tab.rows[0]?.[0] === 1;
    figures.push({ name: 'push visible on the next query: package_revision / package_entry / Tabulator', value: `${visible ? 'yes' : 'NO'} (${secs(revMs)} / ${secs(entMs)} / ${secs(tabMs)} incl. rebuild)`, goal: 'yes', ok: visible });
  } finally {
    for (const t of [table, largeTable]) {
      await tabulator.dropTable(bucket, t).catch((e: unknown) => console.error(`cleanup of ${t}: ${(e as Error).message}`));
      await store.deleteAllVersions(bucket, `.quilt/tabulator/${t}.`).catch(() => undefined);
    }
    const hashes = new Set<string>();
    for await (const v of store.listAllVersions(bucket, `.quilt/named_packages/${ns}/`)) {
      const body = await store.getBytes({ bucket, key: v.key, versionId: v.versionId }).catch(() => undefined);
      const h = body ? Buffer.from(body).toString('utf8').trim() : '';
      if (/^[0-9a-f]{64}$/.test(h)) hashes.add(h);
    }
    await mapLimit([...hashes], 16, (h) => store.deleteAllVersions(bucket, `.quilt/packages/${h}`));
    await store.deleteAllVersions(bucket, `.quilt/named_packages/${ns}/`);
    await store.deleteAllVersions(bucket, `${ns}/`);
    s3.destroy();
  }
  console.log('\nfigure | measured | goal | met');
  for (const f of figures) console.log(`${f.name} | ${f.value} | ${f.goal} | ${f.ok ? 'yes' : 'NO'}`);
  if (figures.some((f) => !f.ok)) process.exitCode = 1;
}

await main();
