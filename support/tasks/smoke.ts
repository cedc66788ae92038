/** Smoke checks that each server of the stack answers real requests (local target). */
import { expect } from 'chai';
import type { QuiltWorld } from '../../world/quilt-world.js';

/** Creates a throw-away index for the scenario (removed by the ledger) and indexes the rows as documents. */
export async function indexDocuments(world: QuiltWorld, rows: { key: string; content: string }[]): Promise<void> {
  const engine = world.searchEngine();
  const index = `quilt-e2e-smoke-${world.scenarioId}`;
  await engine.createIndex(index, { properties: { key: { type: 'keyword' }, key_text: { type: 'text' }, content: { type: 'text' } } });
  world.ledger.register(`search index ${index}`, () => engine.deleteIndex(index));
  await engine.index(index, rows.map((r) => ({ id: r.key, source: { key: r.key, key_text: r.key.replace(/[/._-]/g, ' '), content: r.content } })));
  world.memory.searchIndex = index;
}

export async function searchIndex(world: QuiltWorld, words: string): Promise<void> {
  world.memory.searchAnswer = await world.searchEngine().queryString(world.memory.searchIndex, words, ['content', 'key_text']);
}

export function expectFound(world: QuiltWorld, keys: string[]): void {
  const answer = world.memory.searchAnswer;
  expect(answer.hits.map((h) => h.id).sort()).to.deep.equal([...keys].sort());
  expect(answer.total).to.equal(keys.length);
}

/** An external table over the CSV files of a scenario folder (header skipped), dropped by the ledger. */
export async function createCsvTable(world: QuiltWorld, name: string, folder: string, columns: string[]): Promise<void> {
  const table = `${name}_${world.scenarioId}`;
  const sql = world.sqlEngine();
  const cols = columns.map((c) => `"${c}" varchar`).join(', ');
  await sql.query(`CREATE TABLE ${table} (${cols}) WITH (format = 'CSV', external_location = 's3://${world.bucket}/${world.key(folder)}', skip_header_line_count = 1)`);
  world.ledger.register(`SQL table ${table}`, async () => { await sql.query(`DROP TABLE IF EXISTS ${table}`); });
  world.memory.tables.set(name, table);
}

export async function countSamplesAndReads(world: QuiltWorld, name: string): Promise<void> {
  const table = world.memory.tables.get(name);
  if (!table) throw new Error(`no SQL table "${name}" was created in this scenario`);
  world.memory.sqlResult = await world.sqlEngine().query(`SELECT count(*) AS samples, sum(CAST(reads AS bigint)) AS reads FROM ${table}`, { deadlineMs: 60_000 });
}

export function expectSamplesAndReads(world: QuiltWorld, samples: number, reads: number): void {
  const r = world.memory.sqlResult;
  expect(r.columns.map((c) => c.name)).to.deep.equal(['samples', 'reads']);
  expect(r.rows).to.deep.equal([[samples, reads]]);
}
