/**
 * Amazon Athena's operations (X-Amz-Target "AmazonAthena.<Operation>") on the local stack.
 * Shapes follow the Athena API reference; what is not here answers UnknownOperationException.
 */
import { AwsError, invalidRequest } from './errors.js';
import { Executions, type Execution, type WorkGroup } from './executions.js';
import { Input } from './input.js';
import type { CatalogDef, Metadata, TableDef } from './metadata.js';

export interface AthenaContext {
  executions: Executions;
  metadata: Metadata;
  workGroups: WorkGroup[];
  startedAt: number;
}

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);
const ENGINE = { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' };
/** Athena's id pattern (a UUID). */
const QUERY_ID = /^[a-zA-Z0-9-]{1,128}$/;

function token(kind: string, id: string, offset: number): string {
  return Buffer.from(JSON.stringify({ k: kind, q: id, o: offset })).toString('base64url');
}

function untoken(raw: string | undefined, kind: string, id: string): number {
  if (raw === undefined) return 0;
  let t: { k?: string; q?: string; o?: number };
  try {
    t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as typeof t;
  } catch {
    throw invalidRequest(`NextToken ${JSON.stringify(raw.slice(0, 40))} is not a token this API gave out: pass the NextToken of the previous page unchanged`);
  }
  if (t.k !== kind || t.q !== id || typeof t.o !== 'number') {
    throw invalidRequest(`NextToken belongs to ${t.k === kind ? `another ${kind === 'results' ? 'query execution' : 'listing'} (${t.q})` : 'another operation'}, not to ${id}: pass the NextToken that the previous page of this same request returned`);
  }
  return t.o;
}

function workGroupOf(ctx: AthenaContext, name: string | undefined): WorkGroup {
  const wg = ctx.workGroups.find((w) => w.name === (name ?? 'primary'));
  if (!wg) throw invalidRequest(`WorkGroup ${name} is not found: this stack has ${ctx.workGroups.map((w) => w.name).join(', ')}`);
  return wg;
}

export function queryExecution(e: Execution): Record<string, unknown> {
  const total = e.completedAt !== undefined ? e.completedAt - e.submittedAt : Date.now() - e.submittedAt;
  return {
    QueryExecutionId: e.id,
    Query: e.sql,
    StatementType: e.statementType,
    ResultConfiguration: { OutputLocation: e.outputLocation },
    ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
    QueryExecutionContext: { Catalog: e.catalog, ...(e.database ? { Database: e.database } : {}) },
    Status: {
      State: e.state,
      SubmissionDateTime: seconds(e.submittedAt),
      ...(e.completedAt !== undefined ? { CompletionDateTime: seconds(e.completedAt) } : {}),
      ...(e.reason ? { StateChangeReason: e.reason } : {}),
      ...(e.error ? { AthenaError: e.error } : {}),
    },
    Statistics: {
      EngineExecutionTimeInMillis: e.engineMs ?? 0,
      DataScannedInBytes: e.scannedBytes ?? 0,
      TotalExecutionTimeInMillis: total,
      QueryQueueTimeInMillis: 0,
      ServicePreProcessingTimeInMillis: 0,
      QueryPlanningTimeInMillis: 0,
      ServiceProcessingTimeInMillis: Math.max(0, total - (e.engineMs ?? 0)),
      ResultReuseInformation: { ReusedPreviousResult: false },
    },
    WorkGroup: e.workGroup,
    EngineVersion: ENGINE,
    SubstatementType: e.statementType === 'DML' ? 'SELECT' : e.statementType,
  };
}

function tableMetadata(t: TableDef): Record<string, unknown> {
  return {
    Name: t.name, TableType: t.tableType, Columns: t.columns, PartitionKeys: t.partitionKeys,
    Parameters: { ...t.parameters, ...(t.location ? { location: t.location } : {}) },
  };
}

function execution(ctx: AthenaContext, i: Input, caller: string): Execution {
  const id = i.str('QueryExecutionId', { required: true, pattern: QUERY_ID, example: '8f9a3c1e-...' })!;
  const e = ctx.executions.get(id);
  if (!e || e.caller !== caller) throw invalidRequest(`QueryExecution ${id} was not found`, 'INVALID_INPUT');
  return e;
}

async function page<T>(items: T[], i: Input, kind: string, scope: string, max: number): Promise<{ items: T[]; next?: string }> {
  const n = i.int('MaxResults', { min: 1, max }) ?? max;
  const from = untoken(i.str('NextToken', { max: 1024 }), kind, scope);
  const slice = items.slice(from, from + n);
  return { items: slice, ...(from + n < items.length ? { next: token(kind, scope, from + n) } : {}) };
}

export const athenaOperations: Record<string, (ctx: AthenaContext, body: Record<string, unknown>, caller: string) => Promise<unknown>> = {
  async StartQueryExecution(ctx, body, caller) {
    const i = new Input(body, 'InvalidRequestException', { AthenaErrorCode: 'INVALID_INPUT' });
    const sql = i.str('QueryString', { required: true, min: 1, max: 262144, example: 'SELECT 1' })!;
    const wg = workGroupOf(ctx, i.str('WorkGroup', { pattern: /^[a-zA-Z0-9._-]{1,128}$/ }));
    const qc = i.obj('QueryExecutionContext');
    const catalog = qc?.str('Catalog', { min: 1, max: 256 }) ?? 'AwsDataCatalog';
    const database = qc?.str('Database', { min: 1, max: 255 });
    const rc = i.obj('ResultConfiguration');
    const outputLocation = rc?.str('OutputLocation', { pattern: /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, example: 's3://my-bucket/results/' }) ?? wg.outputLocation;
    const parameters = i.strings('ExecutionParameters', { max: 1000 });
    const clientRequestToken = i.str('ClientRequestToken', { min: 32, max: 128 });
    const e = ctx.executions.start({
      sql, workGroup: wg.name, catalog, ...(database ? { database } : {}), outputLocation, caller,
      ...(clientRequestToken ? { clientRequestToken } : {}), ...(parameters ? { parameters } : {}),
    });
    return { QueryExecutionId: e.id };
  },

  async GetQueryExecution(ctx, body, caller) {
    return { QueryExecution: queryExecution(execution(ctx, new Input(body, 'InvalidRequestException', { AthenaErrorCode: 'INVALID_INPUT' }), caller)) };
  },

  async BatchGetQueryExecution(ctx, body, caller) {
    const ids = new Input(body, 'InvalidRequestException').strings('QueryExecutionIds', { max: 50 }) ?? [];
    const found = ids.map((id) => ctx.executions.get(id)).filter((e): e is Execution => e !== undefined && e.caller === caller);
    return {
      QueryExecutions: found.map(queryExecution),
      UnprocessedQueryExecutionIds: ids.filter((id) => !found.some((e) => e.id === id)).map((id) => ({ QueryExecutionId: id, ErrorCode: 'INVALID_INPUT', ErrorMessage: `QueryExecution ${id} was not found` })),
    };
  },

  async GetQueryResults(ctx, body, caller) {
    const i = new Input(body, 'InvalidRequestException', { AthenaErrorCode: 'INVALID_INPUT' });
    const e = execution(ctx, i, caller);
    if (e.state === 'QUEUED' || e.state === 'RUNNING') throw invalidRequest(`Query has not yet finished. Current state: ${e.state}`, 'INVALID_INPUT');
    if (e.state !== 'SUCCEEDED') throw invalidRequest(`Query did not succeed (state ${e.state}): ${e.reason ?? 'no reason'}`, 'INVALID_INPUT');
    const rows = await ctx.executions.rowsOf(e);
    const cols = e.columns ?? [];
    // Athena's first page of a SELECT starts with a row of the column labels.
    const all = e.statementType === 'DML' ? [cols.map((c) => c.Label), ...rows] : rows;
    const p = await page(all, i, 'results', e.id, 1000);
    return {
      ...(e.statementType === 'DML' ? { UpdateCount: e.updateCount ?? 0 } : {}),
      ResultSet: {
        Rows: p.items.map((r) => ({ Data: r.map((v) => (v === undefined ? {} : { VarCharValue: v })) })),
        ResultSetMetadata: { ColumnInfo: cols },
      },
      ...(p.next ? { NextToken: p.next } : {}),
    };
  },

  async GetQueryRuntimeStatistics(ctx, body, caller) {
    const e = execution(ctx, new Input(body, 'InvalidRequestException'), caller);
    return {
      QueryRuntimeStatistics: {
        Timeline: { QueryQueueTimeInMillis: 0, EngineExecutionTimeInMillis: e.engineMs ?? 0, TotalExecutionTimeInMillis: (e.completedAt ?? Date.now()) - e.submittedAt },
        Rows: { InputRows: e.inputRows ?? 0, InputBytes: e.scannedBytes ?? 0, OutputRows: e.rowCount ?? 0, OutputBytes: 0 },
      },
    };
  },

  async StopQueryExecution(ctx, body, caller) {
    ctx.executions.stop(execution(ctx, new Input(body, 'InvalidRequestException'), caller));
    return {};
  },

  async ListQueryExecutions(ctx, body, caller) {
    const i = new Input(body, 'InvalidRequestException');
    const wg = workGroupOf(ctx, i.str('WorkGroup'));
    const ids = ctx.executions.list(wg.name).filter((e) => e.caller === caller).map((e) => e.id);
    const p = await page(ids, i, 'executions', wg.name, 50);
    return { QueryExecutionIds: p.items, ...(p.next ? { NextToken: p.next } : {}) };
  },

  async ListWorkGroups(ctx, body) {
    const p = await page(ctx.workGroups, new Input(body, 'InvalidRequestException'), 'workgroups', '', 50);
    return {
      WorkGroups: p.items.map((w) => ({ Name: w.name, State: 'ENABLED', Description: w.description, CreationTime: seconds(w.createdAt), EngineVersion: ENGINE })),
      ...(p.next ? { NextToken: p.next } : {}),
    };
  },

  async GetWorkGroup(ctx, body) {
    const w = workGroupOf(ctx, new Input(body, 'InvalidRequestException').str('WorkGroup', { required: true, example: 'primary' }));
    return {
      WorkGroup: {
        Name: w.name, State: 'ENABLED', Description: w.description, CreationTime: seconds(w.createdAt),
        Configuration: {
          ResultConfiguration: { OutputLocation: w.outputLocation },
          EnforceWorkGroupConfiguration: false, PublishCloudWatchMetricsEnabled: false, RequesterPaysEnabled: false, EngineVersion: ENGINE,
        },
      },
    };
  },

  async ListDataCatalogs(ctx, body) {
    const p = await page(ctx.metadata.catalogs, new Input(body, 'InvalidRequestException'), 'catalogs', '', 50);
    return { DataCatalogsSummary: p.items.map((c) => ({ CatalogName: c.name, Type: c.kind === 'glue' ? 'GLUE' : 'LAMBDA', Status: 'CREATE_COMPLETE' })), ...(p.next ? { NextToken: p.next } : {}) };
  },

  async GetDataCatalog(ctx, body) {
    const c = ctx.metadata.requireCatalog(new Input(body, 'InvalidRequestException').str('Name', { required: true, example: 'AwsDataCatalog' })!);
    return { DataCatalog: { Name: c.name, Description: c.description, Type: c.kind === 'glue' ? 'GLUE' : 'LAMBDA', Parameters: {}, Status: 'CREATE_COMPLETE' } };
  },

  async ListDatabases(ctx, body) {
    const i = new Input(body, 'InvalidRequestException');
    const c = ctx.metadata.requireCatalog(i.str('CatalogName', { required: true, example: 'AwsDataCatalog' })!);
    const p = await page(await ctx.metadata.databases(c), i, 'databases', c.name, 50);
    return { DatabaseList: p.items.map((d) => ({ Name: d, Parameters: {} })), ...(p.next ? { NextToken: p.next } : {}) };
  },

  async GetDatabase(ctx, body) {
    const i = new Input(body, 'InvalidRequestException');
    const c: CatalogDef = ctx.metadata.requireCatalog(i.str('CatalogName', { required: true })!);
    const d = await ctx.metadata.requireDatabase(c, i.str('DatabaseName', { required: true })!, 'MetadataException');
    return { Database: { Name: d, Parameters: {} } };
  },

  async ListTableMetadata(ctx, body) {
    const i = new Input(body, 'InvalidRequestException');
    const c = ctx.metadata.requireCatalog(i.str('CatalogName', { required: true, example: 'AwsDataCatalog' })!);
    const db = await ctx.metadata.requireDatabase(c, i.str('DatabaseName', { required: true, example: 'quilt_e2e' })!, 'MetadataException');
    const expr = i.str('Expression', { max: 256 });
    let tables = await ctx.metadata.tables(c, db);
    if (expr) {
      // Athena's Expression: a regex-like pattern where * matches anything.
      const re = new RegExp(`^${expr.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
      tables = tables.filter((t) => re.test(t.name));
    }
    const p = await page(tables, i, 'tables', `${c.name}.${db}`, 50);
    return { TableMetadataList: p.items.map(tableMetadata), ...(p.next ? { NextToken: p.next } : {}) };
  },

  async GetTableMetadata(ctx, body) {
    const i = new Input(body, 'InvalidRequestException');
    const c = ctx.metadata.requireCatalog(i.str('CatalogName', { required: true, example: 'AwsDataCatalog' })!);
    const t = await ctx.metadata.table(c, i.str('DatabaseName', { required: true })!, i.str('TableName', { required: true })!, 'MetadataException');
    return { TableMetadata: tableMetadata(t) };
  },
};

export function unknownOperation(service: string, op: string, known: string[]): AwsError {
  return new AwsError('UnknownOperationException', `${service} has no operation ${JSON.stringify(op)} on this local stack: it serves ${known.join(', ')}`);
}
