import { Given, When, Then, type DataTable } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as canaries from '../support/tasks/canaries.js';
import * as dialog from '../support/tasks/push-dialog.js';
import * as adminPages from '../support/tasks/admin-pages.js';
import * as views from '../support/tasks/views.js';

When('{persona} opens the test bucket in the catalog', async function (this: QuiltWorld, persona: PersonaRole) {
  await canaries.openBucket(this, persona);
});

Then('the catalog shows her/him the bucket\'s overview', function (this: QuiltWorld) {
  canaries.expectOverview(this);
});

Then('the catalog shows her/him its access-denied page', function (this: QuiltWorld) {
  canaries.expectAccessDenied(this);
});

Given('Dana has pushed {string} to the package {string} as a newer revision', async function (this: QuiltWorld, path: string, name: string) {
  await canaries.pushNewerRevision(this, path, name);
});

When('{persona} downloads {string} of the first revision of {string} in the catalog, from its Quilt+ URI', async function (this: QuiltWorld, persona: PersonaRole, file: string, name: string) {
  await canaries.downloadPinned(this, persona, file, name);
});

Then('the catalog gave her/him the first revision\'s {string} of {string}, byte for byte as S3 holds it', async function (this: QuiltWorld, file: string, name: string) {
  await canaries.expectPinnedBytes(this, file, name);
});

When('{persona} searches the catalog for {string} in the test bucket', async function (this: QuiltWorld, persona: PersonaRole, query: string) {
  await canaries.searchInCatalog(this, persona, query);
});

Then('the catalog\'s results list {string}', function (this: QuiltWorld, path: string) {
  canaries.expectResultListed(this, path);
});

Given('{persona} has these files on her/his computer:', function (this: QuiltWorld, _persona: PersonaRole, table: DataTable) {
  dialog.filesOnComputer(this, table.hashes() as { name: string; content: string }[]);
});

When('{persona} creates the package {string} in the catalog from those files, with the message {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string, message: string) {
  await dialog.pushInDialog(this, persona, name, message);
});

Then('quilt3 reads the latest revision of {string}: exactly those files, byte for byte, with the message {string}', async function (this: QuiltWorld, name: string, message: string) {
  await dialog.expectPushedFromDialog(this, name, message);
});

When('Dana makes, in the catalog\'s admin pages, a policy granting read on the test bucket, the role {string} with it, and invites {string} with that role', async function (this: QuiltWorld, role: string, user: string) {
  await adminPages.grantInAdminPages(this, role, user);
});

Then('the registry lists the role {string}, whose one policy grants read on the test bucket', async function (this: QuiltWorld, role: string) {
  await adminPages.expectRoleRecorded(this, role);
});

When('{string} sets a password from the invitation and signs in to the catalog', async function (this: QuiltWorld, user: string) {
  await adminPages.firstSignIn(this, user);
});

Then('the registry lists {string} as invited: active, with the role {string}', async function (this: QuiltWorld, user: string, role: string) {
  await adminPages.expectInvitedRecorded(this, user, role);
});

Given('the catalog has counted the views of {string} so far', async function (this: QuiltWorld, name: string) {
  await views.recordViewsSoFar(this, name);
});

Then('the catalog counts at least one more view of {string}, made today', async function (this: QuiltWorld, name: string) {
  await views.expectMoreViews(this, name, 1);
});

Then('the catalog\'s package list shows {persona} {string} with those views', async function (this: QuiltWorld, persona: PersonaRole, name: string) {
  await views.expectListShowsViews(this, persona, name);
});
