import { Then } from '@cucumber/cucumber';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as consistency from '../support/tasks/consistency.js';

type Row = { path: string };

Then('every path shows {string} exactly as it was published:', async function (this: QuiltWorld, name: string, table: { hashes(): Row[] }) {
  await consistency.expectEveryPath(table.hashes().map((r) => r.path as consistency.PathName), (path) => consistency.expectPathAgrees(this, name, path));
});

Then('no path shows {string} any more:', async function (this: QuiltWorld, name: string, table: { hashes(): Row[] }) {
  await consistency.expectEveryPath(table.hashes().map((r) => r.path as consistency.PathName), (path) => consistency.expectGoneFromPath(this, name, path));
});
