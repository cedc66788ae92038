/**
 * The search helpers an AI agent has in quilt-mcp (search_suggest, search_explain): completions of
 * a half-typed search, and how a search would run. They answer from quilt-mcp's own query parser,
 * without asking the catalog; the Then-steps hold them to what the feature says a user should get.
 */
import { expect } from 'chai';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import type { SearchOperations } from '../drivers/driver.js';

function helper<K extends 'suggest' | 'explain'>(world: QuiltWorld, persona: PersonaRole, k: K): NonNullable<SearchOperations[K]> {
  const ops = world.searchOps(persona);
  const f = ops[k];
  if (!f) throw new Error(`the ${world.driver} driver has no search ${k === 'suggest' ? 'suggestions' : 'explanation'} (tag the scenario @mcp-search-helpers)`);
  return f.bind(ops) as NonNullable<SearchOperations[K]>;
}

export async function askSuggestions(world: QuiltWorld, persona: PersonaRole, partial: string): Promise<void> {
  world.memory.suggestions = await helper(world, persona, 'suggest')(partial);
}

export function expectSuggestion(world: QuiltWorld, text: string, fileType: string): void {
  const got = world.memory.suggestions;
  expect(got.filter((s) => s.text === text && s.fileType === fileType), `a suggestion "${text}" for files of type ${fileType}, among ${JSON.stringify(got)}`).to.have.length.greaterThan(0);
}

export async function askExplanation(world: QuiltWorld, persona: PersonaRole, query: string): Promise<void> {
  world.memory.explanation = await helper(world, persona, 'explain')(query);
}

/** The explanation reads the search as a file search of that type with those keywords, runs it on the catalog's Elasticsearch first, and gives a reason for every backend it names. */
export function expectExplanation(world: QuiltWorld, fileType: string, keywords: string[], firstBackend: string): void {
  const e = world.memory.explanation;
  expect({ kind: e.kind, fileTypes: e.fileTypes, keywords: e.keywords, first: e.backends[0] }, 'how the search would run, as explained')
    .to.deep.equal({ kind: 'file_search', fileTypes: [fileType], keywords, first: firstBackend });
  const unexplained = e.backends.filter((b) => !e.reasons[b] || /unknown/i.test(e.reasons[b]!));
  expect(unexplained, `backends the explanation selects without saying why (its reasons: ${JSON.stringify(e.reasons)})`).to.deep.equal([]);
}
