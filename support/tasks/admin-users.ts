/**
 * An admin's changes to one user (Quilt's admin pages; quilt3.admin.users; quilt-mcp's admin_user_*
 * tools): extra roles given and taken, admin rights, a new email, and the user looked up. The
 * When-steps go through the run's driver; the Then-steps read the registry's own record of the user
 * (GraphQL admin.user.get, as Dana) and what the session endpoint tells the user themselves.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '@quilt-e2e/test-kit';
import { CatalogClient, CatalogError } from '../adapters/catalog.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import type { UserRecord } from '../drivers/driver.js';
import { engineAdminOperations } from '../drivers/engine.js';
import { admin, asUser, emailOf, MAIL_DEADLINE_MS, mailedLinks, real, roleName } from './admin.js';

/** The new email a scenario gives a user: unique to the scenario, at a domain of its own. */
export const newEmailOf = (world: QuiltWorld, user: string): string => `${real(world, user)}@lab.example.org`;

export async function giveExtraRole(world: QuiltWorld, user: string, role: string): Promise<void> {
  await world.adminOps().addRoles(real(world, user), [roleName(world, role)]);
}

/** Takes a role away; when it is the user's active role, `fallback` becomes the active one. */
export async function takeRole(world: QuiltWorld, user: string, role: string, fallback: string): Promise<void> {
  await world.adminOps().removeRoles(real(world, user), [roleName(world, role)], roleName(world, fallback));
}

export async function makeAdminWithNewEmail(world: QuiltWorld, user: string): Promise<void> {
  const ops = world.adminOps();
  await ops.setAdmin(real(world, user), true);
  await ops.setEmail(real(world, user), newEmailOf(world, user));
}

export async function takeAdmin(world: QuiltWorld, user: string): Promise<void> {
  await world.adminOps().setAdmin(real(world, user), false);
}

export async function lookUp(world: QuiltWorld, user: string): Promise<void> {
  world.memory.lookedUp = await world.adminOps().getUser(real(world, user));
}

/** The registry's own record of the user (admin.user.get as Dana). */
const registryRecord = (world: QuiltWorld, user: string): Promise<UserRecord> => engineAdminOperations(admin(world)).getUser(real(world, user));

/** The registry holds the user with exactly these roles; what Dana looked up (when she did) is that record. */
export async function expectRoles(world: QuiltWorld, user: string, role: string, extraRoles: string[], lookedUp: boolean): Promise<void> {
  const held = await registryRecord(world, user);
  expect({ role: held.role, extraRoles: held.extraRoles }, `the registry's record of ${user}`).to.deep.equal({ role: roleName(world, role), extraRoles: extraRoles.map((r) => roleName(world, r)).sort() });
  if (lookedUp) expect(world.memory.lookedUp, `what Dana looked up of ${user}, against the registry's record`).to.deep.equal(held);
}

/** What /api/me tells the user with their own token: whether they are an admin, and their email. */
export async function expectSessionSays(world: QuiltWorld, user: string, isAdmin: boolean, email: 'the new one' | 'unchanged'): Promise<void> {
  const me = await asUser(world, user).me();
  expect(me.is_staff, `${user} is${isAdmin ? '' : ' not'} an admin, as the session endpoint tells them`).to.equal(isAdmin);
  if (email === 'the new one') expect(me.email, `${user}'s email, as the session endpoint tells them`).to.equal(newEmailOf(world, user));
}

/** The links in the target's inbox to the user's email, oldest first. */
function linksTo(world: QuiltWorld, user: string): string[] {
  const inbox = world.target.inbox;
  if (!inbox) throw new Error('this target\'s mail cannot be read: set QUILT_E2E_INBOX (scenarios that read mail are tagged @reads-mail)');
  return mailedLinks(inbox, emailOf(world, user));
}

/** The catalog's sign-in endpoints, with no one signed in. */
const anonymous = (world: QuiltWorld): CatalogClient => new CatalogClient(world.target.catalog!, undefined);

/** The user sets a password with the newest link they got, once there are more than `seen` links; answers it. */
async function setPasswordWithNewLink(world: QuiltWorld, user: string, seen: number): Promise<string> {
  let links: string[] = [];
  await eventually(async () => { links = linksTo(world, user); expect(links.length, `links mailed to ${emailOf(world, user)}`).to.be.greaterThan(seen); }, { timeoutMs: MAIL_DEADLINE_MS, what: `a new link for ${real(world, user)}` });
  const password = randomBytes(12).toString('base64url');
  await anonymous(world).changePassword(links[links.length - 1]!, password);
  return password;
}

export async function setFirstPassword(world: QuiltWorld, user: string): Promise<void> {
  world.memory.signIns.set(real(world, user), { username: real(world, user), password: await setPasswordWithNewLink(world, user, 0) });
}

export async function resetPassword(world: QuiltWorld, user: string): Promise<void> {
  world.memory.linksBefore = linksTo(world, user).length;
  await world.adminOps().resetPassword(real(world, user));
}

/** A new link reached the user; with it they set a new password and sign in with it, and the old password is refused. */
export async function expectResetLinkWorks(world: QuiltWorld, user: string): Promise<void> {
  const name = real(world, user);
  const old = world.memory.signIns.get(name);
  const password = await setPasswordWithNewLink(world, user, world.memory.linksBefore);
  const token = await anonymous(world).login(name, password);
  expect((await new CatalogClient(world.target.catalog!, token).me()).current_user, `who the token of ${name}'s new password signs in`).to.equal(name);
  if (old && 'password' in old) {
    const refused = await anonymous(world).login(name, old.password).then(() => undefined, (e: unknown) => e);
    expect(refused instanceof CatalogError && refused.status === 401, `${name}'s old password refused after the new one was set (got ${String(refused)})`).to.equal(true);
  }
}
