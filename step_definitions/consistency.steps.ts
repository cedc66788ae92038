import { Then } from '@cucumber/cucumber';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as consistency from '../support/tasks/consistency.js';

type Row = { path: string };

Then('every path shows {string} exactly as it was published:', async function (this: QuiltWorld, name: string, table: { hashes(): Row[] }) {
  for (const row of table.hashes()) await consistency.expectPathAgrees(this, name, row.path as consistency.PathName);
});

Then('no path shows {string} any more:', async function (this: QuiltWorld, name: string, table: { hashes(): Row[] }) {
  for (const row of table.hashes()) await consistency.expectGoneFromPath(this, name, row.path as consistency.PathName);
});
