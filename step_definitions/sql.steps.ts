import { Given, When, Then, type DataTable } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import { escapeRegExp, splitList } from '../support/text.js';
import * as dashboards from '../support/tasks/dashboards.js';
import * as sql from '../support/tasks/sql.js';
import * as timeouts from '../support/tasks/timeouts.js';

Given('the genomics package is published, made once per stack', { timeout: 300_000 }, async function (this: QuiltWorld) {
  await sql.ensureGenomics(this);
});

Given('{persona} has set up the Tabulator table {string} over {string}', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string, what: string) {
  await sql.setUpTabulatorTable(this, persona, name, what);
});

When('Rita queries the Tabulator table {string}', { timeout: 180_000 }, async function (this: QuiltWorld, name: string) {
  await sql.queryTabulator(this, 'reader', name);
});

Then('it holds exactly the rows of the files it matches, each with its package, file and top hash', async function (this: QuiltWorld) {
  await sql.expectTabulatorMatchesFiles(this);
});

Then('the package entry table lists exactly those files at that top hash, with their sizes and hashes', { timeout: 180_000 }, async function (this: QuiltWorld) {
  await sql.expectEntryTableListsFiles(this);
});

When('{persona} sums the reads per tissue in {string} with SQL', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await sql.sumReadsPerTissue(this, persona, name);
});

Then('each tissue\'s sum equals the sum of its samples\' reads', function (this: QuiltWorld) {
  sql.expectSumsMatchSamples(this);
});

When('{persona} looks for the table {string} among the databases and reads its schema', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await sql.findTableAmongDatabases(this, persona, name);
});

Then('its columns are:', function (this: QuiltWorld, table: DataTable) {
  sql.expectSchema(this, table.hashes() as { column: string; type: string }[]);
});

When('{persona} charts the reads per tissue of {string} as a bar chart', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await sql.sumReadsPerTissue(this, persona, name);
  sql.chartReads(this);
});

Then('the chart has one bar per tissue, each as tall as its SQL sum, drawn in SVG', function (this: QuiltWorld) {
  sql.expectChartShowsSums(this);
});

Given('{persona} has charted the reads per tissue of {string}', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await sql.sumReadsPerTissue(this, persona, name, true);
  sql.chartReads(this);
});

When('{persona} publishes the dashboard package {string} with the data, the chart and its configuration', async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await sql.publishDashboard(this, persona, name);
});

Then('{string} holds exactly {string}, and its data and chart are what was charted', async function (this: QuiltWorld, name: string, files: string) {
  await sql.expectDashboardHolds(this, name, splitList(files));
});

When('{persona} runs a very expensive SQL query with a deadline of {duration}', async function (this: QuiltWorld, _persona: PersonaRole, ms: number) {
  await sql.slowQuery(this, ms);
});

Then('the query is stopped at its deadline of {duration} with a timeout error that suggests what to do', function (this: QuiltWorld, ms: number) {
  timeouts.expectTimedOut(this, ms, 5000);
});

Then('the query is cancelled on the server, not left running', async function (this: QuiltWorld) {
  await sql.expectCancelledOnServer(this);
});

Given('a table of at least 10,000 rows exists, made once per stack', { timeout: 300_000 }, async function (this: QuiltWorld) {
  await sql.ensureLargeTable(this);
});

When('{persona} fetches {int} rows of it with SQL', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, rows: number) {
  await sql.fetchLargeTable(this, persona, rows);
});

Then('all {int} rows arrive, none truncated', function (this: QuiltWorld, rows: number) {
  sql.expectRowsFetched(this, rows);
});

Given('{persona} has set up the Tabulator table {string} over the CSV files of {string}', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string, pkg: string) {
  await sql.setUpTabulatorTableOverPackage(this, persona, name, pkg);
});

Then('within {int} seconds the Tabulator table {string} holds exactly the rows of the CSV files in the latest revision of {string}', { timeout: 180_000 }, async function (this: QuiltWorld, seconds: number, name: string, pkg: string) {
  await sql.expectTabulatorFollowsPackage(this, name, pkg, seconds * 1000);
});

When('{persona} has the query {string} checked before running it', async function (this: QuiltWorld, persona: PersonaRole, query: string) {
  await sql.checkQuery(this, persona, query);
});

Then('the query is accepted', function (this: QuiltWorld) {
  sql.expectAccepted(this);
});

Then('the query is refused, the reason naming {string}', function (this: QuiltWorld, words: string) {
  sql.expectRefused(this, new RegExp(words.split(' or ').map(escapeRegExp).join('|'), 'i'));
});

Given('{persona} has summed the reads per tissue of {string}', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await sql.sumReadsPerTissue(this, persona, name, true);
});

When('{persona} charts the sums and publishes the chart as the dashboard package {string}, with a quilt_summarize.json that shows it', { timeout: 120_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await dashboards.publishChartAsDashboard(this, persona, name);
});

Then('{string} lists in its quilt_summarize.json only files it holds, a chart of the SQL sums among them', { timeout: 60_000 }, async function (this: QuiltWorld, name: string) {
  await dashboards.expectSummaryShowsSums(this, name);
});

Then('in Quilt\'s catalog {persona} sees that chart drawn on the page of {string}', { timeout: 90_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await dashboards.expectCatalogDrawsSummary(this, persona, name);
});
