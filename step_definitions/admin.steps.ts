import { Given, When, Then } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import * as admin from '../support/tasks/admin.js';
import * as adminUsers from '../support/tasks/admin-users.js';
import * as keys from '../support/tasks/api-keys.js';

Given('Dana has made a policy granting read-write on the test bucket and the role {string} from it', async function (this: QuiltWorld, role: string) {
  await admin.makeWriterRole(this, role);
});

Given('Dana has made a policy granting read on the test bucket and the role {string} from it', async function (this: QuiltWorld, role: string) {
  await admin.makeReaderRole(this, role);
});

When('Dana creates the user {string} with the role {string}', async function (this: QuiltWorld, user: string, role: string) {
  await admin.createUser(this, user, role);
});

Given('Dana has created the user {string} with the role {string}', async function (this: QuiltWorld, user: string, role: string) {
  await admin.createUser(this, user, role, [], true);
});

Given('Dana has created the user {string} with the role {string} and the extra role {string}', async function (this: QuiltWorld, user: string, role: string, extra: string) {
  await admin.createUser(this, user, role, [extra], true);
});

When('{string} switches their own role to {string}', async function (this: QuiltWorld, user: string, role: string) {
  await admin.switchOwnRole(this, user, role);
});

When('Dana switches {string} to the role {string}', async function (this: QuiltWorld, user: string, role: string) {
  await admin.switchRole(this, user, role);
});

Then('the credentials {string} gets from the catalog read the test bucket and write to it', async function (this: QuiltWorld, user: string) {
  await admin.expectUserRights(this, user, true);
});

Then('the credentials {string} gets from the catalog read the test bucket but may not write to it', async function (this: QuiltWorld, user: string) {
  await admin.expectUserRights(this, user, false);
});

When('{persona} asks the catalog to create the role {string}', async function (this: QuiltWorld, persona: PersonaRole, role: string) {
  await admin.attemptRoleCreate(this, persona, role);
});

Then('the catalog refuses Rita because only admins may do that', function (this: QuiltWorld) {
  admin.expectRefusedAsNonAdmin(this);
});

Then('the roles Dana lists are the same as before Rita asked', async function (this: QuiltWorld) {
  await admin.expectRolesUnchanged(this);
});

When('Dana deactivates {string}', async function (this: QuiltWorld, user: string) {
  await admin.setActive(this, user, false);
});

Given('Dana has deactivated {string}', async function (this: QuiltWorld, user: string) {
  await admin.setActive(this, user, false, true);
});

When('Dana activates {string} again', async function (this: QuiltWorld, user: string) {
  await admin.setActive(this, user, true);
});

When('Dana deletes the user {string}', async function (this: QuiltWorld, user: string) {
  await admin.deleteUser(this, user);
});

Then('GraphQL, the search API, the session endpoint and the credentials endpoint all refuse {string} with {int}', async function (this: QuiltWorld, user: string, status: number) {
  await admin.expectUserRefusedEverywhere(this, user, status);
});

When('Dana makes a policy granting read on the bucket {string}', async function (this: QuiltWorld, bucket: string) {
  await admin.attemptPolicyFor(this, bucket);
});

Then('the catalog refuses the policy, naming that bucket and the buckets it serves', function (this: QuiltWorld) {
  admin.expectPolicyRefusedFor(this);
});

Then('the policies Dana lists are the same as before she asked', async function (this: QuiltWorld) {
  await admin.expectPoliciesUnchanged(this);
});

When('Dana creates a second role named {string}', async function (this: QuiltWorld, role: string) {
  await admin.attemptDuplicateRole(this, role);
});

When('Dana deletes the role {string}, which {string} has', async function (this: QuiltWorld, role: string, user: string) {
  await admin.attemptDeleteRoleInUse(this, role, user);
});

When('Dana creates the user {string} with the email {string}', async function (this: QuiltWorld, user: string, email: string) {
  await admin.attemptUserWithEmail(this, user, email);
});

When('Dana deactivates {string}, who is no user of the stack', async function (this: QuiltWorld, user: string) {
  await admin.attemptDeactivateUnknown(this, user);
});

Then('the catalog answers {string} about {string}, saying {string}', async function (this: QuiltWorld, typename: string, field: string, words: string) {
  admin.expectAdminRefusal(this, typename, field, words);
});

Then('the roles, policies and users Dana lists are as before she asked', async function (this: QuiltWorld) {
  await admin.expectAccessUnchanged(this);
});

Then('with those credentials quilt3 pushes the package {string}, and the registry holds exactly its files', async function (this: QuiltWorld, pkg: string) {
  await keys.pushWithExchangedCredentials(this, pkg);
  await keys.expectPushedPackage(this, pkg);
});

Then('the web catalog signs {string} out: no bucket is shown', async function (this: QuiltWorld, user: string) {
  await admin.expectWebCatalogFor(this, user, 'signed out');
});

Then('the web catalog shows {string} the test bucket\'s overview', async function (this: QuiltWorld, user: string) {
  await admin.expectWebCatalogFor(this, user, 'overview');
});

When('Dana gives {string} the extra role {string}', async function (this: QuiltWorld, user: string, role: string) {
  await adminUsers.giveExtraRole(this, user, role);
});

When('Dana takes the role {string} from {string}, falling back to {string}', async function (this: QuiltWorld, role: string, user: string, fallback: string) {
  await adminUsers.takeRole(this, user, role, fallback);
});

When('Dana looks up {string}', async function (this: QuiltWorld, user: string) {
  await adminUsers.lookUp(this, user);
});

When('Dana makes {string} an admin and gives them a new email', async function (this: QuiltWorld, user: string) {
  await adminUsers.makeAdminWithNewEmail(this, user);
});

When('Dana takes admin rights from {string}', async function (this: QuiltWorld, user: string) {
  await adminUsers.takeAdmin(this, user);
});

Then('what Dana looked up is the registry\'s record of {string}: the role {string} and the extra role {string}', async function (this: QuiltWorld, user: string, role: string, extra: string) {
  await adminUsers.expectRoles(this, user, role, [extra], true);
});

Then('the registry holds {string} with the role {string} and no extra role', async function (this: QuiltWorld, user: string, role: string) {
  await adminUsers.expectRoles(this, user, role, [], false);
});

Then('the session endpoint tells {string} they are an admin, with the new email', async function (this: QuiltWorld, user: string) {
  await adminUsers.expectSessionSays(this, user, true, 'the new one');
});

Then('the session endpoint tells {string} they are no longer an admin', async function (this: QuiltWorld, user: string) {
  await adminUsers.expectSessionSays(this, user, false, 'unchanged');
});

Given('{string} has set a password with the link of their invitation', async function (this: QuiltWorld, user: string) {
  await adminUsers.setFirstPassword(this, user);
});

When('Dana resets the password of {string}', async function (this: QuiltWorld, user: string) {
  await adminUsers.resetPassword(this, user);
});

Then('a new link reaches {string}; with it they set a new password and sign in with it, and no longer with the old one', async function (this: QuiltWorld, user: string) {
  await adminUsers.expectResetLinkWorks(this, user);
});
