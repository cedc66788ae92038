import { Given, When, Then } from '@cucumber/cucumber';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as keys from '../support/tasks/api-keys.js';

Given('{string} has made the API key {string}', async function (this: QuiltWorld, user: string, key: string) {
  await keys.userMakesKey(this, user, key);
});

When('quilt3, logged in with the API key {string}, reads the package {string} with the S3 credentials the catalog hands the key', async function (this: QuiltWorld, key: string, pkg: string) {
  await keys.readWithKey(this, key, pkg, 'catalog-credentials');
});

When('quilt3, logged in with the API key {string}, pushes the package {string} with the S3 credentials the catalog hands the key', async function (this: QuiltWorld, key: string, pkg: string) {
  await keys.pushWithKey(this, key, pkg);
});

Then('quilt3 finds exactly the files it pushed in the latest revision of {string}, byte for byte in S3', async function (this: QuiltWorld, pkg: string) {
  await keys.expectPushedPackage(this, pkg);
});

When('quilt3, logged in with only the API key {string}, reads the package {string}', async function (this: QuiltWorld, key: string, pkg: string) {
  await keys.readWithKey(this, key, pkg, 'key-only');
});

Then('quilt3 lists the API key {string} among its user\'s keys', function (this: QuiltWorld, key: string) {
  keys.expectListsKey(this, key);
});

Then('quilt3 read the latest revision of {string}, every file byte for byte as S3 holds it', async function (this: QuiltWorld, pkg: string) {
  await keys.expectReadPackage(this, pkg);
});

Then('quilt3 fails for want of S3 credentials, as recorded for quilt3 8.0.0', function (this: QuiltWorld) {
  keys.expectKnownKeyOnlyDefect(this);
});

Given('quilt3, logged in with the API key {string}, gets S3 credentials from the catalog', async function (this: QuiltWorld, key: string) {
  await keys.expectKeyWorks(this, key);
});

When('Dana revokes the API key {string} of {string} with quilt3\'s admin API', async function (this: QuiltWorld, key: string, user: string) {
  await keys.adminRevokesWithQuilt3(this, key, user);
});

When('quilt3, logged in with the API key {string}, asks the catalog for S3 credentials', async function (this: QuiltWorld, key: string) {
  await keys.attemptWithKey(this, key);
});

Then('the catalog refuses the API key {string}, but not its user', async function (this: QuiltWorld, key: string) {
  await keys.expectKeyRefused(this, key);
});
