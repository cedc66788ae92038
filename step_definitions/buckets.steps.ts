import { Given, When, Then } from '@cucumber/cucumber';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as buckets from '../support/tasks/buckets.js';

Given('Dana has made a new bucket holding the file {string}', async function (this: QuiltWorld, key: string) {
  await buckets.makeBucket(this, key);
});

Given('Dana has added the new bucket to the catalog, and the role {string} granting read on it', async function (this: QuiltWorld, role: string) {
  await buckets.addBucketAndReadRole(this, role);
});

When('Dana adds the new bucket to the catalog with quilt3, titled {string}', async function (this: QuiltWorld, title: string) {
  await buckets.addBucketWithQuilt3(this, title);
});

When('Dana removes the new bucket from the catalog with quilt3', async function (this: QuiltWorld) {
  await buckets.removeBucketWithQuilt3(this);
});

Then('the catalog lists the new bucket titled {string}', async function (this: QuiltWorld, title: string) {
  await buckets.expectListed(this, title);
});

Then('a search of the new bucket finds {string}', async function (this: QuiltWorld, key: string) {
  await buckets.expectSearchFinds(this, key);
});

Then('a user whose role grants read on the new bucket reads {string} with the catalog\'s credentials', async function (this: QuiltWorld, key: string) {
  await buckets.expectRoleReads(this, key);
});

Then('the catalog no longer lists the new bucket, and no policy grants it', async function (this: QuiltWorld) {
  await buckets.expectUnlisted(this);
});

Then('the credentials of a user with the role {string} may not read {string} any more', async function (this: QuiltWorld, role: string, key: string) {
  await buckets.expectRoleMayNotRead(this, role, key);
});

Then('S3 still holds {string} in the new bucket', async function (this: QuiltWorld, key: string) {
  await buckets.expectFileStays(this, key);
});
