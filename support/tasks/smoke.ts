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
  world.memory.searchAnswer = await world.searchEngine().queryString(world.memory.searchIndex!, words, ['content', 'key_text']);
}

export function expectFound(world: QuiltWorld, keys: string[]): void {
  const answer = world.memory.searchAnswer!;
  expect(answer.hits.map((h) => h.id).sort()).to.deep.equal([...keys].sort());
  expect(answer.total).to.equal(keys.length);
}
