import { Given, When, Then } from '@cucumber/cucumber';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as credentials from '../support/tasks/credentials.js';

Given('the local stack hands {string} credentials that last {int} seconds', async function (this: QuiltWorld, user: string, seconds: number) {
  await credentials.shortenCredentials(this, user, seconds);
});

When('{string} exchanges their token for S3 credentials', async function (this: QuiltWorld, user: string) {
  await credentials.exchange(this, user);
});

Then('S3 accepts those credentials before their Expiration and refuses them after it', async function (this: QuiltWorld) {
  await credentials.expectEndAtExpiration(this);
});

Then('the next exchange gives {string} fresh credentials that S3 accepts', async function (this: QuiltWorld, user: string) {
  await credentials.expectFreshCredentials(this, user);
});
