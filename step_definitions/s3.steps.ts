import { Given, When, Then, type DataTable } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as content from '../support/tasks/content.js';
import { splitList } from '../support/text.js';

type Row = Record<string, string>;

Given('{persona} has uploaded these files to the folder {string}:', async function (this: QuiltWorld, persona: PersonaRole, folder: string, table: DataTable) {
  await content.uploadFiles(this, persona, folder, table.hashes() as { name: string; content: string }[]);
});

When('{persona} lists the folder {string}', async function (this: QuiltWorld, persona: PersonaRole, folder: string) {
  await content.listFolder(this, persona, folder);
});

Then('the listing of {string} shows exactly these files:', function (this: QuiltWorld, folder: string, table: DataTable) {
  content.expectListingToShow(this, folder, table.hashes() as Row[] as { name: string; size: string }[]);
});

When('{persona} looks up the details of {string}', async function (this: QuiltWorld, persona: PersonaRole, path: string) {
  await content.inspect(this, persona, path);
});

Then('the size, ETag and last-modified time of {string} agree with the listing', function (this: QuiltWorld, path: string) {
  content.expectInfoToMatchListing(this, path);
});

When('{persona} shares {string} with a link valid for {duration}', async function (this: QuiltWorld, persona: PersonaRole, path: string, ms: number) {
  await content.share(this, persona, path, ms);
});

Then('anyone opening the link gets exactly the stored bytes of {string}, with the same size and ETag', async function (this: QuiltWorld, path: string) {
  await content.expectLinkToServe(this, path);
});

When('{persona} fetches the first {int} bytes of {string}', async function (this: QuiltWorld, persona: PersonaRole, maxBytes: number, path: string) {
  await content.fetchBytes(this, persona, path, maxBytes);
});

Then('she/he got all {int} bytes of {string}, intact and not marked as cut', async function (this: QuiltWorld, count: number, path: string) {
  await content.expectFetchedBytes(this, path, count, false);
});

Then('she/he got the first {int} bytes of {string}, intact and marked as cut', async function (this: QuiltWorld, count: number, path: string) {
  await content.expectFetchedBytes(this, path, count, true);
});

When('{persona} reads the first {int} bytes of {string}', async function (this: QuiltWorld, persona: PersonaRole, maxBytes: number, path: string) {
  await content.read(this, persona, path, maxBytes);
});

Then('the whole content of {string} is returned, not truncated', function (this: QuiltWorld, path: string) {
  content.expectTextToBe(this, path, true);
});

Then('only the first {int} bytes of {string} are returned, marked as truncated', function (this: QuiltWorld, maxBytes: number, path: string) {
  content.expectTextToBe(this, path, false, maxBytes);
});

When('the scenario\'s resources are cleaned up', async function (this: QuiltWorld) {
  await content.cleanUpNow(this);
});

Then('nothing is left in the folder {string}, not even old versions', async function (this: QuiltWorld, folder: string) {
  await content.expectFolderEmpty(this, folder);
});

Given('{persona} has uploaded {int} experiment files in {int} run folders to {string}', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole, count: number, runs: number, folder: string) {
  await content.uploadExperimentFolder(this, persona, folder, count, runs);
});

When('{persona} removes every version of {string} from the folder {string} in one request', async function (this: QuiltWorld, persona: PersonaRole, names: string, folder: string) {
  await content.removeForGoodInOneRequest(this, persona, folder, splitList(names));
});

Then('the S3 service still answers', async function (this: QuiltWorld) {
  await content.expectS3Answers(this);
});

Then('the folder {string} holds only {string}', async function (this: QuiltWorld, folder: string, names: string) {
  await content.expectFolderHoldsOnly(this, folder, splitList(names));
});

Given('{persona} has uploaded {int} random bytes as {string}', async function (this: QuiltWorld, persona: PersonaRole, count: number, path: string) {
  await content.uploadRandomBytes(this, persona, count, path);
});

Then('she/he is told {string} is not text, and what she/he got is its first {int} bytes', async function (this: QuiltWorld, path: string, maxBytes: number) {
  await content.expectToldBinary(this, path, maxBytes);
});

Given('{persona} has uploaded {string} as {string} with the metadata:', async function (this: QuiltWorld, persona: PersonaRole, path: string, contentType: string, table: DataTable) {
  await content.uploadWithMeta(this, persona, path, contentType, table.hashes() as { key: string; value: string }[]);
});

Then('the details show that content type and exactly that metadata', async function (this: QuiltWorld) {
  await content.expectDetailsMeta(this);
});

Then('anyone opening the link gets that content type and exactly that metadata', async function (this: QuiltWorld) {
  await content.expectLinkMeta(this);
});
