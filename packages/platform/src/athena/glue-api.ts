/**
 * AWS Glue Data Catalog's read operations (X-Amz-Target "AWSGlue.<Operation>") over the Glue
 * data catalog (AwsDataCatalog) of the local stack: GetDatabases, GetDatabase, GetTables, GetTable.
 */
import { AwsError } from './errors.js';
import { Input } from './input.js';
import type { CatalogDef, Metadata, TableDef } from './metadata.js';

/** The account id the local stack answers with as CatalogId. */
export const LOCAL_ACCOUNT_ID = '000000000000';

function offsetToken(o: number): string { return Buffer.from(`glue:${o}`).toString('base64url'); }
function fromToken(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const m = /^glue:(\d+)$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!m) throw new AwsError('InvalidInputException', `NextToken ${JSON.stringify(raw.slice(0, 40))} is not a token this API gave out: pass the NextToken of the previous page unchanged`);
  return Number(m[1]);
}

function glueTable(t: TableDef, startedAt: number): Record<string, unknown> {
  return {
    Name: t.name,
    DatabaseName: t.database,
    CatalogId: LOCAL_ACCOUNT_ID,
    TableType: t.tableType,
    CreateTime: startedAt / 1000,
    UpdateTime: startedAt / 1000,
    Retention: 0,
    StorageDescriptor: {
      Columns: t.columns,
      ...(t.location ? { Location: t.location } : {}),
      Compressed: false,
      NumberOfBuckets: 0,
      SerdeInfo: {},
      StoredAsSubDirectories: false,
    },
    PartitionKeys: t.partitionKeys,
    Parameters: t.parameters,
    ...(t.viewText ? { ViewOriginalText: t.viewText, ViewExpandedText: t.viewText } : {}),
    IsRegisteredWithLakeFormation: false,
  };
}

export interface GlueContext { metadata: Metadata; startedAt: number }

function glueCatalog(ctx: GlueContext, i: Input): CatalogDef {
  const id = i.str('CatalogId', { max: 255 });
  if (id !== undefined && id !== LOCAL_ACCOUNT_ID) throw new AwsError('EntityNotFoundException', `Catalog ${id} not found: this stack's Glue catalog id is ${LOCAL_ACCOUNT_ID} (or leave CatalogId out)`);
  return ctx.metadata.catalogs.find((c) => c.kind === 'glue')!;
}

export const glueOperations: Record<string, (ctx: GlueContext, body: Record<string, unknown>) => Promise<unknown>> = {
  async GetDatabases(ctx, body) {
    const i = new Input(body, 'InvalidInputException');
    const c = glueCatalog(ctx, i);
    const n = i.int('MaxResults', { min: 1, max: 100 }) ?? 100;
    const from = fromToken(i.str('NextToken'));
    const all = await ctx.metadata.databases(c);
    return {
      DatabaseList: all.slice(from, from + n).map((d) => ({ Name: d, CatalogId: LOCAL_ACCOUNT_ID, CreateTime: ctx.startedAt / 1000, Parameters: {} })),
      ...(from + n < all.length ? { NextToken: offsetToken(from + n) } : {}),
    };
  },

  async GetDatabase(ctx, body) {
    const i = new Input(body, 'InvalidInputException');
    const c = glueCatalog(ctx, i);
    const d = await ctx.metadata.requireDatabase(c, i.str('Name', { required: true, min: 1, max: 255, example: 'quilt_e2e' })!, 'EntityNotFoundException');
    return { Database: { Name: d, CatalogId: LOCAL_ACCOUNT_ID, CreateTime: ctx.startedAt / 1000, Parameters: {} } };
  },

  async GetTables(ctx, body) {
    const i = new Input(body, 'InvalidInputException');
    const c = glueCatalog(ctx, i);
    const db = await ctx.metadata.requireDatabase(c, i.str('DatabaseName', { required: true, min: 1, max: 255, example: 'quilt_e2e' })!, 'EntityNotFoundException');
    const n = i.int('MaxResults', { min: 1, max: 100 }) ?? 100;
    const from = fromToken(i.str('NextToken'));
    const expr = i.str('Expression', { max: 2048 });
    let tables = await ctx.metadata.tables(c, db);
    if (expr) {
      const re = new RegExp(`^(?:${expr})$`, 'i');
      tables = tables.filter((t) => re.test(t.name));
    }
    return {
      TableList: tables.slice(from, from + n).map((t) => glueTable(t, ctx.startedAt)),
      ...(from + n < tables.length ? { NextToken: offsetToken(from + n) } : {}),
    };
  },

  async GetTable(ctx, body) {
    const i = new Input(body, 'InvalidInputException');
    const c = glueCatalog(ctx, i);
    const t = await ctx.metadata.table(c, i.str('DatabaseName', { required: true, example: 'quilt_e2e' })!, i.str('Name', { required: true, example: 'quilt-e2e_package_entry' })!, 'EntityNotFoundException');
    return { Table: glueTable(t, ctx.startedAt) };
  },
};
