import { Given, When, Then } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import { splitList } from '../support/text.js';
import { isBudgetName } from '../support/budgets.js';
import * as perf from '../support/tasks/performance.js';

const count = (text: string): number => Number(text.replace(/,/g, ''));

Given('the test bucket holds a folder of {word} small files, made once per stack', { timeout: 15 * 60_000 }, async function (this: QuiltWorld, n: string) {
  await perf.ensureLargeFolderFixture(this, count(n));
});

When('{persona} lists all {word} files of that folder, page by page', async function (this: QuiltWorld, persona: PersonaRole, n: string) {
  await perf.listLargeFolder(this, persona, count(n));
});

Then('all {word} files are listed, none twice', function (this: QuiltWorld, n: string) {
  perf.expectListedCount(this, count(n));
});

When('{persona} looks up the details of {int} of those files at once, {int} at a time', async function (this: QuiltWorld, persona: PersonaRole, n: number, concurrency: number) {
  await perf.parallelLookups(this, persona, n, concurrency);
});

Then('all {int} answers agree with the listing', function (this: QuiltWorld, n: number) {
  perf.expectLookupsAgree(this, n);
});

Given('{persona} has published the package {string} with files {int} folders deep, {int} per folder', async function (this: QuiltWorld, persona: PersonaRole, name: string, depth: number, width: number) {
  await perf.createDeepPackage(this, persona, name, depth, width);
});

When('{persona} browses the deepest folder of {string}, {int} levels down', async function (this: QuiltWorld, persona: PersonaRole, name: string, depth: number) {
  await perf.browseDeepest(this, persona, name, depth);
});

Then('that folder shows its {int} files, in a package of {int} files', function (this: QuiltWorld, files: number, total: number) {
  perf.expectDeepestFolder(this, files, total);
});

Then('it took no longer than the {string} budget', function (this: QuiltWorld, budget: string) {
  if (!isBudgetName(budget)) throw new Error(`unknown budget "${budget}": use one of list_10k_objects, search_1000_results, query_10k_rows, deep_browse, parallel_heads, parallel_searches`);
  perf.expectWithinBudget(this, budget);
});

Given('the search index holds all {word} of them', { timeout: 330_000 }, async function (this: QuiltWorld, n: string) {
  await perf.expectFolderIndexed(this, count(n));
});

When('{persona} searches that folder through the catalog for up to {int} files matching {string}', async function (this: QuiltWorld, persona: PersonaRole, limit: number, query: string) {
  await perf.searchLargeFolder(this, persona, query, limit);
});

Then('{int} distinct files of that folder come back, out of exactly as many matches as S3 lists files there', async function (this: QuiltWorld, returned: number) {
  await perf.expectSearchVolume(this, returned);
});

When('{persona} runs these searches of that folder at the same time: {string}', async function (this: QuiltWorld, persona: PersonaRole, queries: string) {
  await perf.parallelSearches(this, persona, splitList(queries));
});

Then('all {int} searches answer with files of that folder', function (this: QuiltWorld, n: number) {
  perf.expectEveryParallelSearchAnswered(this, n);
});
