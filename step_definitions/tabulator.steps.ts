import { When, Then } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as tabulator from '../support/tasks/tabulator.js';

When('{persona} creates the Tabulator table {string} over the CSV files of {string}', { timeout: 120_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string, pkg: string) {
  await tabulator.createTableOverPackage(this, persona, name, pkg);
});

When('{persona} renames the Tabulator table {string} to {string}', { timeout: 120_000 }, async function (this: QuiltWorld, persona: PersonaRole, from: string, to: string) {
  await tabulator.renameTable(this, persona, from, to);
});

When('{persona} deletes the Tabulator table {string}', { timeout: 120_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await tabulator.deleteTable(this, persona, name);
});

When('{persona} queries the Tabulator table {string} within the bucket', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await tabulator.queryTable(this, persona, name, 'bucket');
});

When('{persona} queries the Tabulator table {string} in the Tabulator catalog, naming the bucket\'s database', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await tabulator.queryTable(this, persona, name, 'catalog');
});

When('{persona} lists the bucket\'s Tabulator tables', { timeout: 120_000 }, async function (this: QuiltWorld, persona: PersonaRole) {
  await tabulator.listTables(this, persona);
});

Then('the tables Dana listed, like the registry\'s, include {string} and not {string}', async function (this: QuiltWorld, listed: string, notListed: string) {
  await tabulator.expectListedByPersonaAndRegistry(this, listed, notListed);
});

Then('the bucket\'s Tabulator tables include {string} and not {string}', async function (this: QuiltWorld, listed: string, notListed: string) {
  await tabulator.expectListed(this, [listed], [notListed]);
});

Then('the bucket\'s Tabulator tables include neither {string} nor {string}', async function (this: QuiltWorld, a: string, b: string) {
  await tabulator.expectListed(this, [], [a, b]);
});

Then('the answer holds exactly the rows of the CSV files of {string}, each with its package, file and top hash', { timeout: 120_000 }, async function (this: QuiltWorld, pkg: string) {
  await tabulator.expectAnswerHoldsPackageRows(this, pkg);
});
