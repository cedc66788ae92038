/**
 * What an admin reads and changes of the stack as a whole (Quilt's admin pages: Users and Roles,
 * Settings; quilt3.admin; quilt-mcp's admin resources and admin_* tools): the lists of users and
 * roles, Tabulator's open query switch and the SSO configuration. The When-steps go through the
 * run's driver — through quilt-mcp, the settings and lists are read from its MCP resources, both
 * natively and with its get_resource tool; the Then-steps read the registry's own answer (GraphQL
 * as Dana). A setting a scenario changes is put back as it was after the scenario, also when it
 * fails; the SSO configuration a scenario uploads is the stack's own (when it has one) with a line
 * of comment added, so that what SSO users get never changes meanwhile.
 */
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import type { QuiltWorld } from '../../world/quilt-world.js';
import type { UserRecord } from '../drivers/driver.js';
import { engineAdminOperations } from '../drivers/engine.js';
import { admin, real, roleName } from './admin.js';

/** The registry's own answers (GraphQL as Dana). */
const registry = (world: QuiltWorld): ReturnType<typeof engineAdminOperations> => engineAdminOperations(admin(world));

export async function listUsersAndRoles(world: QuiltWorld): Promise<void> {
  const ops = world.adminOps();
  world.memory.usersListed = await ops.listUsers();
  world.memory.rolesListed = await ops.listRoles();
}

/** The user is in Dana's list with exactly these roles, and that entry is the registry's own record of them. */
export async function expectUserListed(world: QuiltWorld, user: string, role: string, extraRole: string): Promise<void> {
  const name = real(world, user);
  const listed = world.memory.usersListed.filter((u: UserRecord) => u.name === name);
  expect(listed, `${name} in the users Dana listed (${world.memory.usersListed.length} users)`).to.have.length(1);
  expect({ role: listed[0]!.role, extraRoles: listed[0]!.extraRoles }, `${name}'s roles in the users Dana listed`)
    .to.deep.equal({ role: roleName(world, role), extraRoles: [roleName(world, extraRole)] });
  expect(listed[0], `${name} as Dana listed them, against the registry's record of them`).to.deep.equal(await registry(world).getUser(name));
}

export function expectRolesListed(world: QuiltWorld, roles: string[]): void {
  for (const r of roles) expect(world.memory.rolesListed, `the roles Dana listed include ${roleName(world, r)}`).to.include(roleName(world, r));
}

/** Tabulator's open query as the stack has it now; put back after the scenario. */
export async function keepOpenQuery(world: QuiltWorld): Promise<void> {
  const before = await registry(world).tabulatorOpenQuery();
  world.ledger.register(`Tabulator's open query back to ${before ? 'on' : 'off'}`, () => registry(world).setTabulatorOpenQuery(before));
}

export async function switchOpenQuery(world: QuiltWorld, on: boolean): Promise<void> {
  await world.adminOps().setTabulatorOpenQuery(on);
}

/** The registry (GraphQL) and Dana's reading through the run's driver both say the switch is as expected. */
export async function expectOpenQuery(world: QuiltWorld, on: boolean): Promise<void> {
  expect(await registry(world).tabulatorOpenQuery(), 'Tabulator\'s open query, as the registry keeps it').to.equal(on);
  expect(await world.adminOps().tabulatorOpenQuery(), 'Tabulator\'s open query, as Dana reads the settings').to.equal(on);
}

/** A minimal SSO configuration in Quilt's format (docs: version, mappings of groups to roles, default role). */
const ssoConfigOf = (group: string, role: string): string =>
  `version: "1.0"\nmappings:\n  - role: ${role}\n    group: ${group}\ndefault_role: ${role}\n`;

/** The stack's SSO configuration now; put back after the scenario. */
export async function keepSsoConfig(world: QuiltWorld): Promise<void> {
  const before = await registry(world).ssoConfig();
  world.memory.ssoBefore = before;
  world.ledger.register(before === null ? 'no SSO configuration, as before' : 'the SSO configuration as before', () => registry(world).setSsoConfig(before));
}

/**
 * Uploads an SSO configuration: where the stack has one, that very configuration with a line of
 * comment (so SSO users keep their roles); otherwise one mapping the scenario's own group to `role`.
 */
export async function uploadSsoConfig(world: QuiltWorld, group: string, role: string): Promise<void> {
  const before = world.memory.ssoBefore;
  const text = before === null ? ssoConfigOf(`${group}-${world.scenarioId}`, roleName(world, role)) : `${before.replace(/\n?$/, '\n')}# uploaded by the acceptance suite, scenario ${world.scenarioId}\n`;
  world.memory.ssoUploaded = { text, at: new Date() };
  await world.adminOps().setSsoConfig(text);
}

export async function removeSsoConfig(world: QuiltWorld): Promise<void> {
  await world.adminOps().setSsoConfig(null);
}

/** What a configuration says (its YAML read), so that the same configuration in other words (JSON, no comments) compares equal. */
const meaning = (text: string | null): unknown => (text === null ? null : parseYaml(text));

/**
 * The registry holds the configuration uploaded — the same mappings and default role, uploaded by
 * Dana at or after the upload — or none; Dana's reading through the run's driver says the same.
 */
export async function expectSsoConfig(world: QuiltWorld, present: boolean): Promise<void> {
  const r = await admin(world).graphql<{ admin: { ssoConfig: { text: string; timestamp: string; uploader: { name: string } | null } | null } }>('{ admin { ssoConfig { text timestamp uploader { name } } } }');
  const held = r.admin.ssoConfig;
  if (!present) {
    expect(held, 'the SSO configuration, as the registry keeps it').to.equal(null);
    expect(await world.adminOps().ssoConfig(), 'the SSO configuration, as Dana reads the settings').to.equal(null);
    return;
  }
  const { text, at } = world.memory.ssoUploaded;
  expect(held, 'the SSO configuration, as the registry keeps it').to.not.equal(null);
  expect(meaning(held!.text), 'what the SSO configuration the registry keeps says, against what Dana uploaded').to.deep.equal(meaning(text));
  expect(held!.uploader?.name, 'who uploaded the SSO configuration, as the registry keeps it').to.equal((await admin(world).me()).current_user);
  expect(new Date(held!.timestamp).getTime(), `when the SSO configuration was uploaded (${held!.timestamp}), not before Dana uploaded it (${at.toISOString()})`).to.be.at.least(at.getTime() - 5000);
  expect(meaning(await world.adminOps().ssoConfig()), 'what the SSO configuration says, as Dana reads the settings').to.deep.equal(meaning(text));
}
