import { Given, When, Then, type DataTable } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import { splitList } from '../support/text.js';
import * as packages from '../support/tasks/packages.js';
import * as dashboards from '../support/tasks/dashboards.js';
import type { DocumentationWay } from '../support/drivers/dashboard.js';

const paths = (list: string): string[] => splitList(list, { and: true });

When('{persona} creates the package {string} from {string} with the message {string} and the metadata:', async function (this: QuiltWorld, persona: PersonaRole, name: string, files: string, message: string, meta: string) {
  await packages.createFromFiles(this, persona, name, paths(files), message, JSON.parse(meta));
});

Given('{persona} has created the package {string} from {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string, files: string) {
  await packages.createFromFiles(this, persona, name, paths(files), undefined, undefined, true);
});

When('{persona} adds {string} to the package {string}', async function (this: QuiltWorld, persona: PersonaRole, files: string, name: string) {
  await packages.addFiles(this, persona, name, paths(files));
});

When('{persona} browses the package {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await packages.browse(this, persona, name);
});

Then('the package holds exactly these files:', async function (this: QuiltWorld, table: DataTable) {
  await packages.expectFiles(this, table.hashes() as { 'logical key': string; size: string }[]);
});

Then('its message is {string} and its metadata is:', async function (this: QuiltWorld, message: string, meta: string) {
  await packages.expectMessageAndMeta(this, message, JSON.parse(meta));
});

Then('the package {string} has {int} revisions, the newest being its latest', async function (this: QuiltWorld, name: string, count: number) {
  await packages.expectRevisions(this, name, count);
});

When('{persona} compares the latest revision of {string} with the previous one', async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await packages.diffWithPrevious(this, persona, name);
});

Then('the differences are exactly:', function (this: QuiltWorld, table: DataTable) {
  packages.expectDiff(this, table.hashes() as { change: string; 'logical key': string }[]);
});

When('{persona} deletes the package {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await packages.deletePackage(this, persona, name);
});

Then('the package {string} can no longer be browsed or found in the registry', async function (this: QuiltWorld, name: string) {
  await packages.expectPackageGone(this, name);
});

When('{persona} packages everything under {string} as {string}', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, folder: string, name: string) {
  await packages.createFromFolder(this, persona, folder, name);
});

Then('{string} has one entry per file of {string}, {int} in all, keyed by their paths inside the folder', async function (this: QuiltWorld, name: string, folder: string, count: number) {
  await packages.expectPackageMirrorsFolder(this, name, folder, count);
});

When('{persona} opens the catalog URLs of {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await packages.openCatalogUrls(this, persona, name);
});

Then('the package page, the revision page, a file page and the revisions page all open and show the revision of {string}', async function (this: QuiltWorld, name: string) {
  await packages.expectPagesShowRevision(this, name);
});

When('{persona} documents {string} with a README and a summary of its files, {documentationWay}', { timeout: 120_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string, way: DocumentationWay) {
  await dashboards.documentPackage(this, persona, name, way);
});

Then('{string} holds {string}, a README.md as written and a quilt_summarize.json listing only files it holds', { timeout: 60_000 }, async function (this: QuiltWorld, name: string, files: string) {
  await dashboards.expectDocumented(this, name, splitList(files));
});

Then('in Quilt\'s catalog {persona} sees the README and a section for each file of the summary on the page of {string}', { timeout: 90_000 }, async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await dashboards.expectCatalogShowsDocumentation(this, persona, name);
});
