import { Given, When, Then } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as timeouts from '../support/tasks/timeouts.js';

Given('the test bucket holds a 64 MiB file, made once per stack', { timeout: 120_000 }, async function (this: QuiltWorld) {
  await timeouts.ensureLargeObjectFixture(this);
});

When('{persona} fetches that whole file with a deadline of {duration}', async function (this: QuiltWorld, persona: PersonaRole, ms: number) {
  await timeouts.fetchLargeObject(this, persona, ms);
});

Then('the fetch is aborted at its deadline of {duration} with a timeout error that suggests what to do', function (this: QuiltWorld, ms: number) {
  timeouts.expectTimedOut(this, ms, 2000);
});

Then('with a generous deadline {persona} fetches all of it', { timeout: 180_000 }, async function (this: QuiltWorld, persona: PersonaRole) {
  await timeouts.expectLargeObjectWhole(this, persona);
});

When('{persona} runs an expensive search with a deadline of {duration}', async function (this: QuiltWorld, persona: PersonaRole, ms: number) {
  await timeouts.searchWithin(this, persona, ms);
});

Then('the search is abandoned at its deadline of {duration} with a timeout error that suggests what to do', function (this: QuiltWorld, ms: number) {
  timeouts.expectTimedOut(this, ms, 2000);
});

Then('an ordinary search by {persona} still answers right away', async function (this: QuiltWorld, persona: PersonaRole) {
  await timeouts.expectSearchAnswers(this, persona);
});

Given('the catalog has just been stopped and is starting again', async function (this: QuiltWorld) {
  await timeouts.restartCatalogInBackground(this);
});

When('{persona} searches the catalog, retrying failures that may pass', async function (this: QuiltWorld, persona: PersonaRole) {
  await timeouts.searchWithRetries(this, persona);
});

Then('the search succeeds once the catalog is back, after retries with growing pauses for refused connections', function (this: QuiltWorld) {
  timeouts.expectSucceededAfterRetries(this);
});

When('Otto searches the test bucket, retrying failures that may pass', async function (this: QuiltWorld) {
  await timeouts.searchAsOutsiderWithRetries(this);
});

Then('the refusal \\({int}) is reported at once, without a single retry', function (this: QuiltWorld, status: number) {
  timeouts.expectNotRetried(this, status);
});
