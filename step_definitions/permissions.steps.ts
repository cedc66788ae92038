import { When, Then } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as permissions from '../support/tasks/permissions.js';

When('{persona} discovers her/his permissions on the test bucket', async function (this: QuiltWorld, persona: PersonaRole) {
  await permissions.discoverPermissions(this, persona);
});

Then('the caller discovered is a session of {persona}\'s role, with the ARN the admin\'s role list gives it', async function (this: QuiltWorld, persona: PersonaRole) {
  await permissions.expectCallerIsOwnRole(this, persona);
});

Then('the discovery says she/he may list: {word}, read: {word}, write: {word} in the test bucket', function (this: QuiltWorld, list: string, read: string, write: string) {
  permissions.expectDiscoveredAccess(this, list === 'yes', read === 'yes', write === 'yes');
});

When('{persona} lists the buckets the catalog shows her/him', async function (this: QuiltWorld, persona: PersonaRole) {
  await permissions.listBuckets(this, persona);
});

Then('every bucket shown is one S3 lets {persona} list, and the test bucket is shown exactly when S3 does', async function (this: QuiltWorld, persona: PersonaRole) {
  await permissions.expectBucketsShownAsS3Allows(this, persona);
});

When('{persona} points his client at the stack\'s catalog', async function (this: QuiltWorld, persona: PersonaRole) {
  await permissions.pointAtCatalog(this, persona);
});

Then('his client says it is connected to the stack\'s catalog and its registry', function (this: QuiltWorld) {
  permissions.expectConnectedToTarget(this);
});
