/**
 * Tabulator on the running stack, against the package engine: the view's rows equal, row for
 * row, the rows of the matched files of the LATEST revision of every matching package (read by
 * the engine at their exact versions) — after pushes, an update, a new package, a deleted revision
 * (whose files are then non-current versions, read from pinned copies) and a deleted package —
 * each visible on the next query through the query adapter. Also: CSV columns by position whatever
 * a header line says (Quilt's Tabulator), a "_"-folder, TSV without header, Parquet (the genomics
 * fixture), bad values and missing values named in errors, continue_on_error, removal leaving nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePhysicalKey } from '@quilt-e2e/quilt-js';
import { QueryFailedError } from '../../support/sql/query-engine.js';
import { ensureGenomicsFixture, genomicsSamples, GENOMICS_TABULATOR_PARQUET } from '../../support/sql/fixtures.js';
import { listKeys, TabulatorConfigError, parseTabulatorConfig, type TabulatorConfig, setTabulatorTable } from '@quilt-e2e/platform';
import { BUCKET, engine, s3, sortRows, sqlScratch, store, tabulator, type SqlScratch } from './helpers.js';

function samplesYaml(ns: string, extra = ''): string {
  return `schema:
  - name: sample_id
    type: STRING
  - name: tissue
    type: STRING
  - name: reads
    type: BIGINT
source:
  type: quilt-packages
  package_name: ^${ns}/(?<pkg>p[0-9]+)$
  logical_key: (?<folder>.*)samples\\.csv$
parser:
  format: csv
  header: true
${extra}`;
}

/** The rows Tabulator must show, computed from the package engine and the files' exact versions. */
async function expectedRows(s: SqlScratch, config: TabulatorConfig, packages: string[]): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for (const name of packages) {
    if (!config.source.packageName.test(name) || await s.registry.latestHash(name) === undefined) continue;
    const rev = await s.registry.browse(name);
    const pkgGroups = config.source.packageName.exec(name)?.groups ?? {};
    for (const e of rev.entries) {
      const m = config.source.logicalKey.exec(e.logicalKey);
      if (!m) continue;
      const pk = parsePhysicalKey(e.physicalKey, e.logicalKey);
      assert.equal(pk.scheme, 's3');
      if (pk.scheme !== 's3') continue;
      const text = Buffer.from(await store.getBytes(pk)).toString('utf8');
      const lines = text.split('\n').filter((l) => l !== '');
      const d = config.parser.delimiter;
      // Quilt's Tabulator: a header line is skipped, columns are taken by position.
      if (config.parser.header) lines.shift();
      for (const line of lines) {
        const fields = line.split(d);
        const values = config.schema.map((c, i) => {
          const v = fields[i] ?? null;
          if (c.type === 'STRING') return v;
          return v === null || v.trim() === '' ? null : Number(v);
        });
        rows.push([
          ...values,
          ...config.source.packageNameGroups.map((g) => pkgGroups[g] ?? null),
          ...config.source.logicalKeyGroups.map((g) => m.groups?.[g] ?? null),
          name, e.logicalKey, e.physicalKey, rev.hash,
        ]);
      }
    }
  }
  return sortRows(rows);
}

async function tabulatorRows(table: string): Promise<unknown[][]> {
  const r = await engine.run(`SELECT * FROM "${BUCKET}"."${table}"`, { deadlineMs: 60_000 });
  return sortRows(r.rows);
}

async function assertSameRows(s: SqlScratch, table: string, config: TabulatorConfig, packages: string[], when: string): Promise<void> {
  const [want, got] = await Promise.all([expectedRows(s, config, packages), tabulatorRows(table)]);
  assert.deepEqual(got, want, `${when}: Tabulator table ${table} differs from the packages' files`);
}

test('Tabulator rows equal the latest revisions\' files row for row, after pushes, updates and deletes', { timeout: 300_000 }, async (t) => {
  const s = await sqlScratch(t);
  const table = s.table('samples');
  const [p1, p2, p3, p4, p5, p6, other] = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'other'].map((n) => s.pkg(n)) as [string, string, string, string, string, string, string];
  const all = [p1, p2, p3, p4, p5, p6, other];

  const p1v1 = await s.registry.create(p1, { message: s.id, entries: [
    { logicalKey: 'data/samples.csv', content: 'sample_id,tissue,reads\nS1,liver,10\nS2,brain,20\n' },
    { logicalKey: 'data/notes.txt', content: 'not a table' },
  ] });
  // Columns by position, whatever the header names them (Quilt: "these names do not need to match");
  // a file with fewer columns gives NULL for the rest, one with more keeps only the schema's.
  await s.registry.create(p2, { message: s.id, entries: [
    { logicalKey: 'runs/a/samples.csv', content: 'id,kind\nR1,muscle\nR2,skin\n' },
    { logicalKey: 'runs/b/samples.csv', content: 'Reads,Sample_ID,Tissue,extra\nR3,heart,9,x\n' },
  ] });
  // A package under a "_" folder: Hive skips hidden folders below a location, so it needs its own.
  await s.registry.create(p5, { message: s.id, entries: [{ logicalKey: '_hidden/samples.csv', content: 'sample_id,tissue,reads\nH1,lung,5\n' }] });
  // A package whose file is later overwritten in place: Tabulator must still read the packaged version.
  const src = await s.put('pinned/samples.csv', 'sample_id,tissue,reads\nP1,blood,1\n');
  await s.registry.create(p4, { message: s.id, entries: [{ logicalKey: 'samples.csv', source: `s3://${BUCKET}/${src}` }] });
  await s.put('pinned/samples.csv', 'sample_id,tissue,reads\nOVERWRITTEN,blood,999\n');
  // Not matched: the package name (other) and a logical key (p3 has no samples.csv).
  await s.registry.create(other, { message: s.id, entries: [{ logicalKey: 'samples.csv', content: 'sample_id,tissue,reads\nX,x,0\n' }] });
  await s.registry.create(p3, { message: s.id, entries: [{ logicalKey: 'data.csv', content: 'sample_id,tissue,reads\nY,y,0\n' }] });

  const yaml = samplesYaml(s.ns);
  const config = parseTabulatorConfig(yaml);
  const set = await setTabulatorTable(BUCKET, table, yaml, { tabulator });
  assert.equal(set.status, 'rebuilt');
  assert.equal(set.packages, 5, 'p1-p5 match by name (p3 has no samples.csv)');
  assert.deepEqual({ files: set.files, pinned: set.pinnedCopies }, { files: 5, pinned: 1 });
  assert.ok(set.locations!.some((l) => l.endsWith('/_hidden/')), `a location inside the "_" folder: ${set.locations!.join(', ')}`);
  assert.ok(await store.getTextIfExists(BUCKET, `.quilt/tabulator/${table}.yml`) === yaml, 'the config is stored where the catalog keeps it');
  await assertSameRows(s, table, config, all, 'after the first pushes');
  const pinned = await engine.run(`SELECT sample_id, reads FROM "${BUCKET}"."${table}" WHERE "$pkg_name" = '${p4}'`);
  assert.deepEqual(pinned.rows, [['P1', 1]], 'the packaged version, not the object overwritten since');

  const again = await tabulator.refreshTable(BUCKET, table);
  assert.equal(again.status, 'fresh', 'nothing changed, nothing rebuilt');

  await s.registry.update(p1, { message: `${s.id} v2`, set: [{ logicalKey: 'data/samples.csv', content: 'sample_id,tissue,reads\nS1,liver,11\nS2,brain,21\nS3,heart,31\n' }] });
  await assertSameRows(s, table, config, all, 'after an update (next query)');

  await s.registry.create(p6, { message: s.id, entries: [{ logicalKey: 'x/y/samples.csv', content: 'sample_id,tissue,reads\nN1,kidney,\n' }] });
  await assertSameRows(s, table, config, all, 'after a new package');

  const back = await s.registry.deleteRevision(p1, 'latest');
  assert.equal(back.newLatest, p1v1.hash);
  await assertSameRows(s, table, config, all, 'after deleting the latest revision (its predecessor\'s file is now a non-current version)');

  await s.registry.deletePackage(p2);
  await assertSameRows(s, table, config, all, 'after deleting a package');

  const removed = await setTabulatorTable(BUCKET, table, null, { tabulator });
  assert.equal(removed.status, 'removed');
  assert.ok(!(await engine.tables(BUCKET)).includes(table), 'the view is gone');
  assert.deepEqual(await tabulator.backingTables(BUCKET, table), [], 'no backing table is left');
  assert.deepEqual(await listKeys(s3, tabulator.scratchBucket, `tabulator/${BUCKET}/${table}/`), [], 'no pinned copies are left');
  assert.equal(await store.getTextIfExists(BUCKET, `.quilt/tabulator/${table}.yml`), undefined, 'the config is gone');
});

test('bad values and missing columns are named (table, column, package, file); continue_on_error keeps going', { timeout: 240_000 }, async (t) => {
  const s = await sqlScratch(t);
  const table = s.table('errors');
  const p1 = s.pkg('p1');
  await s.registry.create(p1, { message: s.id, entries: [{ logicalKey: 'samples.csv', content: 'sample_id,tissue,reads\nS1,liver,10\nS2,brain,abc\n' }] });
  const strict = samplesYaml(s.ns);
  await setTabulatorTable(BUCKET, table, strict, { tabulator });
  await assert.rejects(engine.run(`SELECT sum(reads) FROM "${BUCKET}"."${table}"`), (e: unknown) => {
    assert.ok(e instanceof QueryFailedError, String(e));
    assert.match(e.message, new RegExp(`Tabulator table "${BUCKET}\\.${table}": column reads \\(BIGINT\\) cannot hold the value "abc" of ${s.ns}/p1:samples\\.csv`));
    return true;
  });
  await assert.rejects(engine.run(`SELECT no_such_column FROM "${BUCKET}"."${table}"`),
    (e: unknown) => e instanceof QueryFailedError && e.errorName === 'COLUMN_NOT_FOUND' && /Column 'no_such_column' cannot be resolved/.test(e.message));

  // continue_on_error: the value that does not fit becomes NULL.
  await setTabulatorTable(BUCKET, table, `${strict}continue_on_error: true\n`, { tabulator });
  const lenient = await engine.run(`SELECT sample_id, reads FROM "${BUCKET}"."${table}" ORDER BY sample_id`);
  assert.deepEqual(lenient.rows, [['S1', 10], ['S2', null]]);

  // A non-nullable column the file does not have (by position): the query fails, naming the file and column.
  const required = strict.replace('  - name: reads\n    type: BIGINT\n', '  - name: reads\n    type: BIGINT\n  - name: lane\n    type: INT\n    nullable: false\n');
  await setTabulatorTable(BUCKET, table, required, { tabulator });
  await assert.rejects(engine.run(`SELECT * FROM "${BUCKET}"."${table}"`),
    (e: unknown) => e instanceof QueryFailedError && /column lane \(INT\) has no value \(nullable: false\) of unitsql\w+\/p1:samples\.csv/.test(e.message));
  assert.deepEqual((await engine.schema(BUCKET, table)).map((c) => `${c.name}:${c.type}`),
    ['sample_id:varchar', 'tissue:varchar', 'reads:bigint', 'lane:integer', 'pkg:varchar', 'folder:varchar', '$pkg_name:varchar', '$logical_key:varchar', '$physical_key:varchar', '$top_hash:varchar']);

  // An empty value in a non-nullable column fails the query, naming it.
  await s.registry.update(p1, { message: s.id, set: [{ logicalKey: 'samples.csv', content: 'sample_id,tissue,reads,lane\nS1,liver,10,\n' }] });
  await setTabulatorTable(BUCKET, table, required, { tabulator });
  await assert.rejects(engine.run(`SELECT * FROM "${BUCKET}"."${table}"`),
    (e: unknown) => e instanceof QueryFailedError && /column lane \(INT\) has no value \(nullable: false\) of unitsql\w+\/p1:samples\.csv/.test(e.message));

  // Invalid YAML: refused with its line, and nothing is stored or changed.
  const before = await store.getTextIfExists(BUCKET, `.quilt/tabulator/${table}.yml`);
  await assert.rejects(setTabulatorTable(BUCKET, table, strict.replace('type: BIGINT', 'type: NUMBER'), { tabulator }), (e: unknown) => {
    assert.ok(e instanceof TabulatorConfigError, String(e));
    assert.match(e.message, /line 7, column 11 \(schema\[2\]\.type\): unknown type "NUMBER"/);
    return true;
  });
  assert.equal(await store.getTextIfExists(BUCKET, `.quilt/tabulator/${table}.yml`), before);
});

test('TSV (csv with a tab delimiter) without header, Parquet written by Trino, and the ways a query can name a Tabulator table', { timeout: 240_000 }, async (t) => {
  const s = await sqlScratch(t);
  const tsv = s.table('tsv');
  await s.registry.create(s.pkg('p1'), { message: s.id, entries: [{ logicalKey: 'counts.tsv', content: 'S1\tliver\t10\nS2\tbrain\t20\n' }] });
  const tsvYaml = samplesYaml(s.ns).replace('(?<folder>.*)samples\\.csv$', 'counts\\.tsv$').replace('  header: true\n', '  delimiter: "\\t"\n');
  const config = parseTabulatorConfig(tsvYaml);
  await setTabulatorTable(BUCKET, tsv, tsvYaml, { tabulator });
  const rows = await engine.run(`SELECT sample_id, tissue, reads, pkg, "$logical_key" FROM "${BUCKET}"."${tsv}" ORDER BY 1`);
  assert.deepEqual(rows.rows, [['S1', 'liver', 10, 'p1', 'counts.tsv'], ['S2', 'brain', 20, 'p1', 'counts.tsv']]);
  assert.deepEqual(await tabulatorRows(tsv), await expectedRows(s, config, [s.pkg('p1')]));

  // Unqualified, with the bucket as the query's database: refreshed too.
  await s.registry.create(s.pkg('p2'), { message: s.id, entries: [{ logicalKey: 'counts.tsv', content: 'S3\theart\t30\n' }] });
  const unqualified = await engine.run(`SELECT count(*) FROM ${tsv}`, { database: BUCKET });
  assert.deepEqual(unqualified.rows, [[3]], 'the new package is visible on the next query');

  const genomics = await ensureGenomicsFixture();
  const pq = s.table('parquet');
  await setTabulatorTable(BUCKET, pq, GENOMICS_TABULATOR_PARQUET, { tabulator });
  const r = await engine.run(`SELECT sample_id, tissue, reads, "$pkg_name", "$top_hash" FROM hive."${BUCKET}"."${pq}" ORDER BY sample_id`);
  assert.deepEqual(r.columns.map((c) => c.type), ['varchar', 'varchar', 'bigint', 'varchar', 'varchar']);
  assert.deepEqual(r.rows, genomicsSamples().map((x) => [x.sample_id, x.tissue, x.reads, 'fixtures/genomics', genomics.hash]));
  const byTissue = await engine.run(`SELECT tissue, count(*), sum(reads) FROM "${BUCKET}".${pq} GROUP BY tissue ORDER BY tissue`);
  assert.equal(byTissue.rows.length, 6);
});
