import { Given, When, Then } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import { splitList } from '../support/text.js';
import * as helpers from '../support/tasks/search-helpers.js';
import * as search from '../support/tasks/search.js';


When('{persona} searches the catalog for files matching {string} in the folder {string}', async function (this: QuiltWorld, persona: PersonaRole, query: string, folder: string) {
  await search.searchFiles(this, persona, query, folder);
});

When('{persona} searches the catalog for packages matching {string}', async function (this: QuiltWorld, persona: PersonaRole, query: string) {
  await search.searchPackages(this, persona, query);
});

Then('exactly these files of {string} are found: {string}', async function (this: QuiltWorld, folder: string, files: string) {
  await search.expectFilesFound(this, folder, splitList(files));
});

Then('every file found is a real object of the size the search reported, as {persona} sees it', async function (this: QuiltWorld, persona: PersonaRole) {
  await search.expectResultsAreRealObjects(this, persona);
});

Then('every result\'s catalog page opens for {persona} and shows what it names', async function (this: QuiltWorld, persona: PersonaRole) {
  await search.expectResultPagesOpen(this, persona);
});

Then('the package {string} is found at its latest revision', async function (this: QuiltWorld, name: string) {
  await search.expectPackageFound(this, name);
});

Then('{persona} can browse {string} from the search result, and its revision page opens', async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await search.expectFoundPackageBrowses(this, persona, name);
});

Then('{persona} may read every bucket the results come from', async function (this: QuiltWorld, persona: PersonaRole) {
  await search.expectReadableBuckets(this, persona);
});

Then('listing around each result shows it among its neighbours', async function (this: QuiltWorld) {
  await search.expectNeighboursListed(this, 'admin');
});

Then('a preview of the first {int} bytes of each result shows its content', async function (this: QuiltWorld, bytes: number) {
  await search.expectPreviews(this, 'admin', bytes);
});

Then('a report lists a catalog link for each result, and every link opens', async function (this: QuiltWorld) {
  await search.expectLinkReport(this, 'admin');
});

Given('{persona}\'s search for {string} in the folder {string} finds exactly {string}', async function (this: QuiltWorld, persona: PersonaRole, query: string, folder: string, files: string) {
  await search.expectSearchFinds(this, persona, query, folder, splitList(files));
});

Then('{persona}\'s search for {string} in the folder {string} finds nothing', async function (this: QuiltWorld, persona: PersonaRole, query: string, folder: string) {
  await search.expectSearchFinds(this, persona, query, folder, []);
});

When('{persona} asks quilt-mcp to complete the search {string}', async function (this: QuiltWorld, persona: PersonaRole, partial: string) {
  await helpers.askSuggestions(this, persona, partial);
});

Then('among its suggestions is {string}, for files of type {string}', function (this: QuiltWorld, text: string, fileType: string) {
  helpers.expectSuggestion(this, text, fileType);
});

When('{persona} asks quilt-mcp how the search {string} would run', async function (this: QuiltWorld, persona: PersonaRole, query: string) {
  await helpers.askExplanation(this, persona, query);
});

Then('the explanation takes it as a search for {string} files with the keywords {string}, run on {string} first, with a reason for each backend it names', function (this: QuiltWorld, fileType: string, keywords: string, backend: string) {
  helpers.expectExplanation(this, fileType, splitList(keywords), backend);
});
