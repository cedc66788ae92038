/**
 * The fixture data sets are made once per stack and reused: a second ensure* finds them complete
 * (same revision, nothing rebuilt), and their content is the deterministic data the scenarios
 * expect. Fixtures are permanent by design (quilt-e2e-fixtures/, fixtures/*): not cleaned up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePhysicalKey, PackageRegistry } from '@quilt-e2e/quilt-js';
import {
  GENOMICS_SAMPLE_COUNT, LARGE_TABLE_ROWS, TISSUES, ensureGenomicsFixture, ensureLargeTableFixture, genomicsSamples, largeTableRow, samplesCsv,
} from '../../support/sql/fixtures.js';
import { BUCKET, engine, requireStack, s3, store } from './helpers.js';

const registry = new PackageRegistry(s3, BUCKET);

async function text(physicalKey: string): Promise<string> {
  const pk = parsePhysicalKey(physicalKey, 'fixture');
  assert.equal(pk.scheme, 's3');
  return pk.scheme === 's3' ? Buffer.from(await store.getBytes(pk)).toString('utf8') : '';
}

test('the genomics fixture is built once, then found again, with the deterministic samples', { timeout: 180_000 }, async () => {
  await requireStack();
  const first = await ensureGenomicsFixture();
  const again = await ensureGenomicsFixture();
  assert.equal(again.created, false, 'the second call reuses it');
  assert.equal(again.hash, first.hash);
  const samples = genomicsSamples();
  assert.equal(samples.length, GENOMICS_SAMPLE_COUNT);
  assert.deepEqual(samples.slice(0, 2), [{ sample_id: 'S001', tissue: 'blood', reads: 1_000_000 }, { sample_id: 'S002', tissue: 'brain', reads: 1_000_000 + 7919 % 1000 * 1234 }]);
  assert.deepEqual(genomicsSamples(), samples, 'deterministic');

  const rev = await registry.browse(first.packageName);
  assert.equal(rev.hash, first.hash);
  assert.deepEqual(rev.logicalKeys.sort(), ['README.md', 'samples.csv', 'samples.parquet', ...TISSUES.map((t) => `by-tissue/${t}.csv`)].sort());
  assert.ok(rev.entries.every((e) => e.physicalKey.startsWith(`s3://${BUCKET}/quilt-e2e-fixtures/genomics/`)), 'data lives under quilt-e2e-fixtures/');
  assert.equal(await text(rev.file('samples.csv').physicalKey), samplesCsv(samples));
  assert.equal(await text(rev.file('by-tissue/liver.csv').physicalKey), samplesCsv(samples.filter((x) => x.tissue === 'liver')));
  const parquet = rev.file('samples.parquet');
  assert.ok(parquet.size > 100, 'a Parquet file');
  const magic = await store.getBytes(parsePhysicalKey(parquet.physicalKey, 'parquet') as { bucket: string; key: string });
  assert.equal(Buffer.from(magic.subarray(0, 4)).toString('latin1'), 'PAR1');
  assert.deepEqual(rev.userMeta, { fixture: 'genomics', samples: GENOMICS_SAMPLE_COUNT, tissues: [...TISSUES], fixtureVersion: 1 });
});

test('the large-table fixture: 10,000 rows in a CSV package and an external table, fetched within 3 s', { timeout: 180_000 }, async () => {
  await requireStack();
  const first = await ensureLargeTableFixture();
  const again = await ensureLargeTableFixture();
  assert.equal(again.created, false);
  assert.equal(again.hash, first.hash);
  assert.equal(first.rows, LARGE_TABLE_ROWS);
  const started = Date.now();
  const r = await engine.run(`SELECT * FROM ${first.externalTable}`, { maxRows: 20_000 });
  const ms = Date.now() - started;
  assert.equal(r.rowCount, LARGE_TABLE_ROWS);
  assert.deepEqual(r.columns.map((c) => c.name), first.columns);
  const byId = new Map(r.rows.map((row) => [Number(row[0]), row]));
  for (const i of [1, 2, 5000, 10_000]) {
    const want = largeTableRow(i);
    assert.deepEqual(byId.get(i), [String(want.row_id), want.sample_id, want.gene, want.chromosome, String(want.expression)]);
  }
  assert.ok(ms < 3000, `10,000 rows took ${ms} ms`);
});
