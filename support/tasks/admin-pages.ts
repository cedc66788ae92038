/**
 * Quilt's canary of the admin pages, in its two halves: an admin makes a policy, a role from it and
 * a user invited with that role in Quilt's web catalog, and the registry and S3 hold exactly that
 * grant; a user invited with such a role sets a password from the invitation, and their first
 * sign-in shows the bucket.
 * What the pages made is checked in the registry (its GraphQL, as an admin) and in S3 (with the
 * credentials the catalog hands the user); what the user sees, in the browser. Pages are worked by
 * their headings, labels and buttons, as a person works them.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import { eventually } from '@quilt-e2e/test-kit';
import { CatalogApp, fieldOf, saysOf, type SignIn } from '../adapters/catalog-app.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { admin, emailOf, MAIL_DEADLINE_MS, mailedLinks, mintFor, real, removeUserAfter, roleName } from './admin.js';
import { viewPage } from './catalog-pages.js';

const STEP_MS = 20_000;

/** The real name of a role made in the admin pages: they take letters, digits and underscores. */
const uiRoleName = (world: QuiltWorld, role: string): string => real(world, role, '_');

const policyTitle = (world: QuiltWorld, role: string): string => `read on ${world.bucket} for ${uiRoleName(world, role)}`;

/** The bar of the admin page's card under that heading (Users, Roles, Policies): the innermost block holding the heading and its button. */
const card = (page: Page, heading: string, button: string): Locator =>
  page.locator('div').filter({ has: page.getByRole('heading', { name: heading, exact: true }) }).filter({ has: page.getByRole('button', { name: button, exact: true }) }).last();

/** Presses the dialog's button and waits for the dialog to close; throws with what it says if it stays. */
async function submit(dialog: Locator, button: string, what: string): Promise<void> {
  await dialog.getByRole('button', { name: button, exact: true }).click({ timeout: STEP_MS });
  await dialog.waitFor({ state: 'detached', timeout: STEP_MS })
    .catch(async () => { throw new Error(`${what}: the dialog stayed open; it says: ${await saysOf(dialog)}`); });
}

/** Removes, after the scenario, the policy and the role the pages made (found by title and name). */
function removeRoleAfter(world: QuiltWorld, role: string): void {
  const title = policyTitle(world, role);
  world.ledger.register(`policy "${title}"`, async () => {
    const p = await admin(world).graphql<{ policies: Array<{ id: string; title: string }> }>('{ policies { id title } }');
    for (const x of p.policies.filter((y) => y.title === title)) await admin(world).graphql(`mutation { policyDelete(id: "${x.id}") { __typename } }`);
  });
  world.ledger.register(`role ${uiRoleName(world, role)}`, async () => {
    const r = await admin(world).graphql<{ roles: Array<{ id?: string; name?: string }> }>('{ roles { ... on ManagedRole { id name } ... on UnmanagedRole { id name } } }');
    for (const x of r.roles.filter((y) => y.name === uiRoleName(world, role))) await admin(world).graphql(`mutation { roleDelete(id: "${x.id}") { __typename } }`);
  });
}

/** Dana, in the admin pages: a policy granting read on the test bucket, a role with it, a user invited with that role. */
export async function grantInAdminPages(world: QuiltWorld, role: string, user: string): Promise<void> {
  const roleName = uiRoleName(world, role);
  const userName = real(world, user);
  const title = policyTitle(world, role);
  removeRoleAfter(world, role);
  removeUserAfter(world, userName);
  const view = await viewPage(world, 'admin', `${world.target.catalog!.catalogUrl}/admin`, [{ shows: 'Policies', withIt: ['Roles', 'Users'] }], async (page) => {
    const dialog = (title_: string): Locator => page.getByRole('dialog').filter({ hasText: title_ }).last();
    // The policy: its title, the test bucket (read-only, the level a bucket is added with).
    await card(page, 'Policies', 'Create').getByRole('button', { name: 'Create', exact: true }).click({ timeout: STEP_MS });
    const policy = dialog('Create a policy');
    await fieldOf(policy)('Title').fill(title, { timeout: STEP_MS });
    await policy.getByText('Add a bucket').click({ timeout: STEP_MS });
    await dialog('Add a bucket').getByText(world.bucket, { exact: true }).first().click({ timeout: STEP_MS });
    await policy.getByTitle('Read-only access').waitFor({ timeout: STEP_MS })
      .catch(async () => { throw new Error(`the policy dialog does not show read-only access for ${world.bucket}; it says: ${await saysOf(policy)}`); });
    await submit(policy, 'Create', 'creating the policy');
    // The role, with that policy attached.
    await card(page, 'Roles', 'Create').getByRole('button', { name: 'Create', exact: true }).click({ timeout: STEP_MS });
    const roleDialog = dialog('Create a role');
    await fieldOf(roleDialog)('Name').fill(roleName, { timeout: STEP_MS });
    await roleDialog.getByText('Attach a policy').click({ timeout: STEP_MS });
    await dialog('Attach a policy').getByText(title).first().click({ timeout: STEP_MS });
    await submit(roleDialog, 'Create', 'creating the role');
    await page.getByRole('cell', { name: roleName }).first().waitFor({ timeout: STEP_MS })
      .catch(() => { throw new Error(`the roles list does not show ${roleName} after it was created`); });
    // The user, invited with that role.
    await card(page, 'Users', 'Invite').getByRole('button', { name: 'Invite', exact: true }).click({ timeout: STEP_MS });
    const invite = dialog('Invite a user');
    await fieldOf(invite)('Username').fill(userName, { timeout: STEP_MS });
    await fieldOf(invite)('Email').fill(emailOf(world, user), { timeout: STEP_MS });
    await invite.locator('[aria-haspopup="listbox"]').first().click({ timeout: STEP_MS });
    await page.getByRole('option', { name: roleName, exact: true }).click({ timeout: STEP_MS });
    await submit(invite, 'Invite', 'inviting the user');
    await page.getByRole('cell', { name: userName }).first().waitFor({ timeout: STEP_MS })
      .catch(() => { throw new Error(`the users list does not show ${userName} after the invitation`); });
    return page.screenshot({ type: 'jpeg', quality: 60 });
  });
  expect(view.matched, `the admin page shows: ${view.text.replace(/\s+/g, ' ').slice(0, 400)}`).to.equal('Policies');
  world.attach(view.then!, 'image/jpeg');
}

/** The registry holds the role the pages made: its one policy grants read on the test bucket. */
export async function expectRoleRecorded(world: QuiltWorld, role: string): Promise<void> {
  const r = await admin(world).graphql<{ roles: Array<{ name?: string; policies?: Array<{ title: string; permissions: Array<{ bucket: { name: string }; level: string }> }> }> }>(
    '{ roles { ... on ManagedRole { name policies { title permissions { bucket { name } level } } } } }');
  const made = r.roles.filter((x) => x.name === uiRoleName(world, role));
  expect(made.map((x) => x.name), `the registry's roles named ${uiRoleName(world, role)}`).to.deep.equal([uiRoleName(world, role)]);
  expect(made[0]!.policies, 'the role\'s policies').to.deep.equal([{ title: policyTitle(world, role), permissions: [{ bucket: { name: world.bucket }, level: 'READ' }] }]);
}

/** The registry holds the user the pages invited: with their email, active, with the role. */
export async function expectInvitedRecorded(world: QuiltWorld, user: string, role: string): Promise<void> {
  const r = await admin(world).graphql<{ admin: { user: { get: { email: string; isActive: boolean; role: { name?: string } | null } | null } } }>(
    'query($n: String!) { admin { user { get(name: $n) { email isActive role { ... on ManagedRole { name } ... on UnmanagedRole { name } } } } } }', { n: real(world, user) });
  const u = r.admin.user.get;
  expect(u, `the registry has a user ${real(world, user)}`).to.not.equal(null);
  expect({ email: u!.email, isActive: u!.isActive, role: u!.role?.name }, 'the user as invited').to.deep.equal({ email: emailOf(world, user), isActive: true, role: roleName(world, role) });
}

/**
 * The user's first sign-in: with the password they set through their invitation's link (when the
 * target's inbox can be read), then the app's sign-in form; otherwise with a token minted for them.
 */
export async function firstSignIn(world: QuiltWorld, user: string): Promise<void> {
  const name = real(world, user);
  let signIn: SignIn;
  const inbox = world.target.inbox;
  if (inbox) {
    let link: string | undefined;
    await eventually(async () => {
      link = mailedLinks(inbox, emailOf(world, user)).pop();
      expect(link, `a mail with a link to ${emailOf(world, user)} in ${inbox}`).to.be.a('string');
    }, { timeoutMs: MAIL_DEADLINE_MS, what: `the invitation of ${name}` });
    signIn = { username: name, password: randomBytes(12).toString('base64url') };
    world.attach(await new CatalogApp(world.target.catalog!, signIn).setPasswordThenSignIn(link!), 'image/jpeg');
    world.log(`${name} set a password with the link of their invitation and signed in with the catalog's form`);
  } else {
    signIn = { token: mintFor(world, name) };
    world.log(`this target's mail cannot be read (QUILT_E2E_INBOX is not set): ${name} signs in with a token minted for them`);
    await new CatalogApp(world.target.catalog!, signIn).signInNow();
  }
  world.memory.signIns.set(name, signIn);
}
