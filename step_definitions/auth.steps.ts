import { When, Then } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import { splitList } from '../support/text.js';
import * as auth from '../support/tasks/auth.js';


When('{persona} exchanges her/his catalog token for S3 credentials', async function (this: QuiltWorld, persona: PersonaRole) {
  await auth.exchangeToken(this, persona);
});

Then('with those credentials S3 refuses to write to the test bucket', async function (this: QuiltWorld) {
  await auth.expectExchangedMayNotWrite(this);
});

Then('those credentials read {string} from S3, byte for byte', async function (this: QuiltWorld, path: string) {
  await auth.readWithExchanged(this, path);
});

Then('the registry knows {persona} by her/his own identity and shows her/him the test bucket', async function (this: QuiltWorld, persona: PersonaRole) {
  await auth.expectIdentity(this, persona);
});

Then('{persona} finds {string} through the catalog search', async function (this: QuiltWorld, persona: PersonaRole, path: string) {
  await auth.expectSearchFinds(this, persona, path);
});

When('a caller presents {string} to the catalog', function (this: QuiltWorld, kind: string) {
  this.memory.presentedToken = kind;
});

Then('GraphQL, the search API, the session endpoint and the credentials endpoint all answer {int}', async function (this: QuiltWorld, status: number) {
  await auth.expectRefusedEverywhere(this, this.memory.presentedToken, status);
});

When('{persona} searches the test bucket through the catalog', async function (this: QuiltWorld, persona: PersonaRole) {
  await auth.searchBucket(this, persona);
});

Then('the catalog refuses the search with {int}, because she/he may not read the bucket', function (this: QuiltWorld, status: number) {
  auth.expectRefusal(this, status);
});

Then('the catalog publishes {string}, and quilt3 reads exactly those files from it, with their sizes and hashes', async function (this: QuiltWorld, name: string) {
  await auth.expectPublishedAsGiven(this, name);
});

When('{persona} publishes the package {string} through the catalog from {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string, files: string) {
  await auth.publishThroughCatalog(this, persona, name, splitList(files));
});

Then('the catalog refuses to publish it, because the storage denies her/him write access', function (this: QuiltWorld) {
  auth.expectPublishRefused(this);
});
