import { Given, When, Then } from '@cucumber/cucumber';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as settings from '../support/tasks/admin-settings.js';

When('Dana lists the stack\'s users and roles', async function (this: QuiltWorld) {
  await settings.listUsersAndRoles(this);
});

Then('the users Dana listed include {string} with the role {string} and the extra role {string}, as the registry records them', async function (this: QuiltWorld, user: string, role: string, extra: string) {
  await settings.expectUserListed(this, user, role, extra);
});

Then('the roles Dana listed include {string} and {string}', function (this: QuiltWorld, a: string, b: string) {
  settings.expectRolesListed(this, [a, b]);
});

Given('the stack\'s Tabulator open query setting is put back as it is after this scenario', async function (this: QuiltWorld) {
  await settings.keepOpenQuery(this);
});

When('Dana switches Tabulator\'s open query {onOff}', async function (this: QuiltWorld, on: boolean) {
  await settings.switchOpenQuery(this, on);
});

Then('the registry and Dana\'s reading of the settings both say Tabulator\'s open query is {onOff}', async function (this: QuiltWorld, on: boolean) {
  await settings.expectOpenQuery(this, on);
});

Given('the stack\'s SSO configuration is put back as it is after this scenario', async function (this: QuiltWorld) {
  await settings.keepSsoConfig(this);
});

When('Dana uploads an SSO configuration mapping the group {string} to the role {string}', async function (this: QuiltWorld, group: string, role: string) {
  await settings.uploadSsoConfig(this, group, role);
});

When('Dana removes the SSO configuration', async function (this: QuiltWorld) {
  await settings.removeSsoConfig(this);
});

Then('the registry and Dana\'s reading of the settings both hold the SSO configuration she uploaded, with her as the uploader', async function (this: QuiltWorld) {
  await settings.expectSsoConfig(this, true);
});

Then('the registry and Dana\'s reading of the settings both hold no SSO configuration', async function (this: QuiltWorld) {
  await settings.expectSsoConfig(this, false);
});
