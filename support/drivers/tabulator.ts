/**
 * A Tabulator table's life (spec §1.4) as each driver performs it: the engine through the
 * registry's GraphQL (bucketSetTabulatorTable, bucketRenameTabulatorTable, BucketConfig.
 * tabulatorTables — what Quilt's admin pages and quilt3.admin.tabulator call) and the target's SQL
 * in the Tabulator catalog; quilt-mcp through its tabulator_* tools.
 */
import { stringify } from 'yaml';
import type { CatalogClient } from '../adapters/catalog.js';
import type { QueryEngine, QueryResult } from '../sql/query-engine.js';
import type { TabulatorOperations, TabulatorTableSpec } from './driver.js';
import { queryResultOf, toolCall, type ToolClient } from './mcp.js';

const QUERY_DEADLINE_MS = 120_000;
const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The table's configuration as Quilt reads it (docs/advanced-features/tabulator.md: schema, source, parser). */
export function tabulatorConfigYaml(spec: TabulatorTableSpec): string {
  return stringify({
    schema: spec.columns.map((c) => ({ name: c.name, type: c.type })),
    source: { type: 'quilt-packages', package_name: spec.packagePattern, logical_key: spec.logicalKeyPattern },
    parser: { format: spec.format, header: spec.header },
  });
}

type SetAnswer = { __typename: string; message?: string; errors?: { path: string; message: string }[] };
const SET_FIELDS = '__typename ... on InvalidInput { errors { path message } } ... on OperationError { message }';

/**
 * The engine's: Dana's catalog (GraphQL) for the table's configuration; the target's SQL engine,
 * with `qualified` naming a table of the bucket's Tabulator database, for its rows.
 */
export function engineTabulatorOperations(catalog: CatalogClient, sql: QueryEngine, qualified: (table: string) => string): TabulatorOperations {
  const expectConfig = (field: string, r: SetAnswer): void => {
    if (r.__typename !== 'BucketConfig') throw new Error(`${field} answered ${r.__typename}: ${r.message ?? JSON.stringify(r.errors ?? r)}`);
  };
  const set = async (bucket: string, table: string, config: string | null): Promise<void> => {
    const r = await catalog.graphql<{ bucketSetTabulatorTable: SetAnswer }>(
      `mutation($b: String!, $t: String!, $c: String) { bucketSetTabulatorTable(bucketName: $b, tableName: $t, config: $c) { ${SET_FIELDS} } }`, { b: bucket, t: table, c: config });
    expectConfig('bucketSetTabulatorTable', r.bucketSetTabulatorTable);
  };
  return {
    create: (spec) => set(spec.bucket, spec.table, tabulatorConfigYaml(spec)),
    async list(bucket) {
      const r = await catalog.graphql<{ bucketConfig: { tabulatorTables: { name: string }[] } | null }>('query($b: String!) { bucketConfig(name: $b) { tabulatorTables { name } } }', { b: bucket });
      if (!r.bucketConfig) throw new Error(`the registry knows no bucket ${bucket}`);
      return r.bucketConfig.tabulatorTables.map((t) => t.name);
    },
    query: (_bucket, table, columns) => sql.run(`SELECT ${columns.map(quoted).join(', ')} FROM ${qualified(table)}`, { deadlineMs: QUERY_DEADLINE_MS }),
    // The engine names the Tabulator catalog and the bucket's database in every query already.
    queryInCatalog: (_bucket, table, columns) => sql.run(`SELECT ${columns.map(quoted).join(', ')} FROM ${qualified(table)}`, { deadlineMs: QUERY_DEADLINE_MS }),
    async rename(bucket, table, newName) {
      const r = await catalog.graphql<{ bucketRenameTabulatorTable: SetAnswer }>(
        `mutation($b: String!, $t: String!, $n: String!) { bucketRenameTabulatorTable(bucketName: $b, tableName: $t, newTableName: $n) { ${SET_FIELDS} } }`, { b: bucket, t: table, n: newName });
      expectConfig('bucketRenameTabulatorTable', r.bucketRenameTabulatorTable);
    },
    delete: (bucket, table) => set(bucket, table, null),
  };
}

/** quilt-mcp's: tabulator_table_create / _tables_list / _bucket_query / _query_execute / _table_rename / _table_delete. */
export class McpTabulatorOperations implements TabulatorOperations {
  constructor(private readonly client: () => Promise<ToolClient>) {}

  async create(spec: TabulatorTableSpec): Promise<void> {
    await toolCall(await this.client(), 'tabulator_table_create', {
      bucket_name: spec.bucket, table_name: spec.table, schema: spec.columns, package_pattern: spec.packagePattern,
      logical_key_pattern: spec.logicalKeyPattern, parser_format: spec.format, parser_header: spec.header,
    });
  }

  async list(bucket: string): Promise<string[]> {
    const b = await toolCall(await this.client(), 'tabulator_tables_list', { bucket });
    return ((b.tables ?? []) as Array<{ name?: unknown }>).map((t) => String(t.name));
  }

  async query(bucket: string, table: string, columns: string[]): Promise<QueryResult> {
    const started = Date.now();
    const b = await toolCall(await this.client(), 'tabulator_bucket_query', { bucket_name: bucket, query: `SELECT ${columns.map(quoted).join(', ')} FROM ${quoted(table)}`, max_results: 1000, output_format: 'json' });
    return queryResultOf(b, started);
  }

  async queryInCatalog(bucket: string, table: string, columns: string[]): Promise<QueryResult> {
    const started = Date.now();
    const b = await toolCall(await this.client(), 'tabulator_query_execute', { query: `SELECT ${columns.map(quoted).join(', ')} FROM ${quoted(table)}`, database_name: bucket, max_results: 1000, output_format: 'json' });
    return queryResultOf(b, started);
  }

  async rename(bucket: string, table: string, newName: string): Promise<void> {
    await toolCall(await this.client(), 'tabulator_table_rename', { bucket_name: bucket, table_name: table, new_table_name: newName });
  }

  async delete(bucket: string, table: string): Promise<void> {
    await toolCall(await this.client(), 'tabulator_table_delete', { bucket_name: bucket, table_name: table });
  }
}
