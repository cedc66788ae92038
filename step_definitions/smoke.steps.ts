import { Given, When, Then, type DataTable } from '@cucumber/cucumber';
import type { QuiltWorld } from '../world/quilt-world.js';
import { splitList } from '../support/text.js';
import * as smoke from '../support/tasks/smoke.js';

Given('a fresh search index holding these documents:', async function (this: QuiltWorld, table: DataTable) {
  await smoke.indexDocuments(this, table.hashes() as { key: string; content: string }[]);
});

When('Dana searches that index for {string}', async function (this: QuiltWorld, words: string) {
  await smoke.searchIndex(this, words);
});

Then('exactly these documents are found: {string}', function (this: QuiltWorld, keys: string) {
  smoke.expectFound(this, splitList(keys));
});

Given('an SQL table {string} over the CSV files in the folder {string} with the columns {string}', async function (this: QuiltWorld, name: string, folder: string, columns: string) {
  await smoke.createCsvTable(this, name, folder, splitList(columns));
});

When('Dana asks SQL for the number of samples and their total reads in {string}', async function (this: QuiltWorld, name: string) {
  await smoke.countSamplesAndReads(this, name);
});

Then('SQL answers {int} samples and {int} reads', function (this: QuiltWorld, samples: number, reads: number) {
  smoke.expectSamplesAndReads(this, samples, reads);
});
