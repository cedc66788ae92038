/**
 * A Tabulator table's life (spec §1.4 and its lifecycle test): Dana creates a table over a
 * package's CSV files, finds it in the bucket's list, renames and deletes it; Rita queries it in
 * the bucket's Tabulator database. The When-steps go through the run's driver (quilt-mcp's
 * tabulator_* tools or the registry's GraphQL); the Then-steps read the registry's list of the
 * bucket's tables (GraphQL, as Dana) and the rows through the target's SQL, compared with the
 * package's files parsed by csv-parse.
 */
import { expect } from 'chai';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { escapeRegExp } from '../text.js';
import { engineTabulatorOperations } from '../drivers/tabulator.js';
import { packageCsvRows, TABLE_COLUMNS } from './sql.js';

/** The registry's own view of the bucket's tables (GraphQL as Dana, SQL): what Then-steps read and the cleanup uses. */
const registry = (world: QuiltWorld): ReturnType<typeof engineTabulatorOperations> =>
  engineTabulatorOperations(world.catalog('admin'), world.sql().engine, (t) => world.sql().tabulatorTable(t));
const registryTables = (world: QuiltWorld): Promise<string[]> => registry(world).list(world.bucket);

/** A table's real name: the feature's name with the scenario's id, so that parallel scenarios never share one. */
const realName = (world: QuiltWorld, name: string): string => `${name}_${world.scenarioId}`;

function tableOf(world: QuiltWorld, name: string): string {
  const table = world.memory.tables.get(name);
  if (!table) throw new Error(`no Tabulator table "${name}" was created in this scenario`);
  return table;
}

export async function createTableOverPackage(world: QuiltWorld, persona: PersonaRole, name: string, featurePackage: string): Promise<void> {
  const table = realName(world, name);
  // Whatever the scenario renamed it to, every table of this scenario goes with it, also when it fails.
  world.ledger.register(`Tabulator tables *_${world.scenarioId}`, async () => {
    for (const t of (await registryTables(world)).filter((x) => x.endsWith(`_${world.scenarioId}`))) await registry(world).delete(world.bucket, t);
  });
  world.memory.tables.set(name, table);
  await world.tabulatorOps(persona).create({
    bucket: world.bucket, table, format: 'csv', header: true,
    columns: [{ name: 'sample_id', type: 'STRING' }, { name: 'tissue', type: 'STRING' }, { name: 'reads', type: 'BIGINT' }],
    packagePattern: `^${escapeRegExp(world.packageName(featurePackage))}$`, logicalKeyPattern: '^[^/]+\\.csv$',
  });
}

export async function renameTable(world: QuiltWorld, persona: PersonaRole, from: string, to: string): Promise<void> {
  const table = realName(world, to);
  await world.tabulatorOps(persona).rename(world.bucket, tableOf(world, from), table);
  world.memory.tables.set(to, table);
}

export async function deleteTable(world: QuiltWorld, persona: PersonaRole, name: string): Promise<void> {
  await world.tabulatorOps(persona).delete(world.bucket, tableOf(world, name));
}

/** Queries the table within its bucket (tabulator_bucket_query), or in the Tabulator catalog naming the bucket's database (tabulator_query_execute). */
export async function queryTable(world: QuiltWorld, persona: PersonaRole, name: string, where: 'bucket' | 'catalog' = 'bucket'): Promise<void> {
  const ops = world.tabulatorOps(persona);
  world.memory.query = await (where === 'bucket' ? ops.query : ops.queryInCatalog).call(ops, world.bucket, tableOf(world, name), TABLE_COLUMNS);
}

/** The bucket's tables as the persona lists them through the run's driver (quilt-mcp's tabulator_tables_list). */
export async function listTables(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  world.memory.tablesListed = await world.tabulatorOps(persona).list(world.bucket);
}

/** The registry lists exactly these of the scenario's tables (by feature name) and none of the others named. */
export async function expectListed(world: QuiltWorld, listed: string[], notListed: string[]): Promise<void> {
  const tables = await registryTables(world);
  for (const n of listed) expect(tables, `the bucket's Tabulator tables (the registry's list) include ${n}`).to.include(tableOf(world, n));
  for (const n of notListed) expect(tables, `the bucket's Tabulator tables (the registry's list) no longer include ${n}`).to.not.include(realName(world, n));
}

/** The tables the persona listed, and the registry's own list, include and exclude the same of the scenario's tables. */
export async function expectListedByPersonaAndRegistry(world: QuiltWorld, listed: string, notListed: string): Promise<void> {
  const got = world.memory.tablesListed;
  expect(got, `the bucket's Tabulator tables as listed in this scenario include ${listed}`).to.include(tableOf(world, listed));
  expect(got, `the bucket's Tabulator tables as listed in this scenario do not include ${notListed}`).to.not.include(realName(world, notListed));
  await expectListed(world, [listed], [notListed]);
}

/** The query's answer holds exactly the rows of the package's CSV files (csv-parse of the bytes in S3). */
export async function expectAnswerHoldsPackageRows(world: QuiltWorld, featurePackage: string): Promise<void> {
  const q = world.memory.query;
  const { rows } = await packageCsvRows(world, featurePackage);
  expect(q.columns.map((c) => c.name), 'the columns answered').to.deep.equal(TABLE_COLUMNS);
  expect(q.rows.map((r) => JSON.stringify(r)).sort(), `the rows answered, against the CSV files of ${featurePackage}`).to.deep.equal(rows);
}
