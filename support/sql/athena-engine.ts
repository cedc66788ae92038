/**
 * QueryEngine on Amazon Athena (the quilt target), with AWS Glue for the catalog:
 *   start   = StartQueryExecution (work group, catalog, database; optional output location);
 *   wait    = GetQueryExecution polled with back-off until SUCCEEDED / FAILED / CANCELLED;
 *             past the deadline StopQueryExecution, then QueryTimeoutError;
 *   results = GetQueryResults page by page (MaxResults ≤ 1000, NextToken); the first row of the
 *             first page of a SELECT is the header and is skipped; values are converted from
 *             Athena's strings to Trino's JSON encoding (numbers, booleans, strings), so both
 *             engines give the same rows;
 *   databases/tables/schema = Glue GetDatabases / GetTables / GetTable for AwsDataCatalog, and
 *             Athena's ListDatabases / ListTableMetadata / GetTableMetadata for other data catalogs
 *             (e.g. Quilt's Tabulator catalog `quilt-<stack>-tabulator`, which Glue does not hold).
 * Runs against Amazon Athena on the quilt target and against the local stack's own Athena and
 * Glue API (packages/platform/src/athena) on the local target: the same requests either way.
 */
import {
  AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, GetQueryRuntimeStatisticsCommand, GetTableMetadataCommand,
  ListDatabasesCommand, ListTableMetadataCommand, StartQueryExecutionCommand, StopQueryExecutionCommand,
  type ColumnInfo, type QueryExecution, type Row,
} from '@aws-sdk/client-athena';
import { GetDatabasesCommand, GetTableCommand, GetTablesCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  DEFAULT_DEADLINE_MS, DEFAULT_MAX_ROWS, QueryError, QueryFailedError, QueryTimeoutError, normalizeTypeName, sleep,
  type QueryColumn, type QueryEngine, type QueryResult, type QueryState, type QueryStatus, type ResultsOptions, type RunOptions,
  type StartOptions,
} from './query-engine.js';

export interface AthenaEngineOptions {
  /** AWS region (default: the SDK's default chain, e.g. AWS_REGION). */
  region?: string;
  /** The Athena work group (default "primary"). */
  workGroup?: string;
  /** The data catalog (default "AwsDataCatalog"; Quilt's Tabulator: "quilt-<stack>-tabulator"). */
  catalog?: string;
  /** Default database for unqualified names. */
  database?: string;
  /** s3://... for results, when the work group does not enforce its own. */
  outputLocation?: string;
  /** The Glue catalog id (an account id) when it is not the caller's. */
  glueCatalogId?: string;
  /** First GetQueryExecution poll interval (default 50 ms, doubling up to 1 s). */
  pollIntervalMs?: number;
  athena?: AthenaClient;
  glue?: GlueClient;
}

const ATHENA_MAX_PAGE = 1000;

/** Athena's result strings as Trino's JSON values (see query-engine.ts). */
export function athenaValue(raw: string | undefined, type: string): unknown {
  if (raw === undefined) return null;
  switch (type) {
    case 'tinyint': case 'smallint': case 'integer': case 'bigint':
      return Number(raw);
    case 'real': case 'double': {
      if (raw === 'NaN' || raw === 'Infinity' || raw === '-Infinity') return raw;
      return Number(raw);
    }
    case 'boolean':
      return raw === 'true';
    default:
      return raw;
  }
}

interface Tracked { sql: string; startedAt: number; finishedAt?: number; execution?: QueryExecution }

export class AthenaQueryEngine implements QueryEngine {
  readonly kind = 'athena';
  readonly athena: AthenaClient;
  readonly glue: GlueClient;
  readonly catalog: string;
  private readonly queries = new Map<string, Tracked>();

  constructor(readonly options: AthenaEngineOptions = {}) {
    this.athena = options.athena ?? new AthenaClient(options.region ? { region: options.region } : {});
    this.glue = options.glue ?? new GlueClient(options.region ? { region: options.region } : {});
    this.catalog = options.catalog ?? 'AwsDataCatalog';
  }

  private failure(message: string, queryId: string | undefined, sql: string | undefined, e: unknown): QueryError {
    const err = e as { name?: string; message?: string };
    return new QueryError(`${message}: ${err.name ?? 'Error'}: ${err.message ?? String(e)}`, this.kind, queryId, sql, { cause: e });
  }

  async start(sql: string, options: StartOptions = {}): Promise<string> {
    const database = options.database ?? this.options.database;
    try {
      const r = await this.athena.send(new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: this.options.workGroup ?? 'primary',
        QueryExecutionContext: { Catalog: this.catalog, ...(database ? { Database: database } : {}) },
        ...(this.options.outputLocation ? { ResultConfiguration: { OutputLocation: this.options.outputLocation } } : {}),
      }));
      if (!r.QueryExecutionId) throw new Error('StartQueryExecution returned no QueryExecutionId');
      this.queries.set(r.QueryExecutionId, { sql, startedAt: Date.now() });
      return r.QueryExecutionId;
    } catch (e) {
      throw this.failure(`Athena did not accept the query (work group ${this.options.workGroup ?? 'primary'}, catalog ${this.catalog})`, undefined, sql, e);
    }
  }

  private async execution(queryId: string): Promise<QueryExecution> {
    const r = await this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }))
      .catch((e: unknown) => { throw this.failure(`Athena GetQueryExecution of ${queryId} failed`, queryId, this.queries.get(queryId)?.sql, e); });
    if (!r.QueryExecution) throw new QueryError(`Athena has no query ${queryId}`, this.kind, queryId, undefined);
    const t = this.queries.get(queryId);
    if (t) t.execution = r.QueryExecution;
    return r.QueryExecution;
  }

  async wait(queryId: string, deadlineMs: number): Promise<QueryStatus> {
    const t = this.queries.get(queryId);
    const deadline = Date.now() + deadlineMs;
    let interval = this.options.pollIntervalMs ?? 50;
    for (;;) {
      const ex = await this.execution(queryId);
      const state = (ex.Status?.State ?? 'QUEUED') as QueryState;
      if (state === 'SUCCEEDED') {
        if (t) t.finishedAt ??= Date.now();
        return { queryId, state };
      }
      if (state === 'FAILED' || state === 'CANCELLED') {
        if (t) t.finishedAt ??= Date.now();
        const err = ex.Status?.AthenaError;
        const reason = err?.ErrorMessage ?? ex.Status?.StateChangeReason ?? '(no reason given)';
        // Athena reasons look like "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved".
        const named = /^([A-Z_]+):\s*(.*)$/s.exec(reason);
        const loc = /line (\d+):(\d+)/.exec(reason);
        throw new QueryFailedError(this.kind, queryId, t?.sql ?? ex.Query, state === 'CANCELLED' ? 'CANCELLED' : (named?.[1] ?? `ERROR_TYPE_${err?.ErrorType ?? 'UNKNOWN'}`),
          named?.[2] ?? reason, loc ? { line: Number(loc[1]), column: Number(loc[2]) } : undefined);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        await this.cancel(queryId);
        const after = await this.execution(queryId).catch(() => undefined);
        throw new QueryTimeoutError(this.kind, queryId, t?.sql ?? ex.Query, deadlineMs, after?.Status?.State);
      }
      await sleep(Math.min(interval, remaining));
      interval = Math.min(interval * 2, 1000);
    }
  }

  async results(queryId: string, options: ResultsOptions = {}): Promise<QueryResult> {
    const t = this.queries.get(queryId);
    let ex = t?.execution ?? await this.execution(queryId);
    if (ex.Status?.State !== 'SUCCEEDED') {
      await this.wait(queryId, DEFAULT_DEADLINE_MS);
      ex = await this.execution(queryId);
    }
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    const pageSize = Math.min(Math.max(options.pageSize ?? ATHENA_MAX_PAGE, 1), ATHENA_MAX_PAGE);
    let columns: QueryColumn[] = [];
    let info: ColumnInfo[] = [];
    const rows: unknown[][] = [];
    let fetched = 0;
    let token: string | undefined;
    let first = true;
    let more = false;
    do {
      const r = await this.athena.send(new GetQueryResultsCommand({ QueryExecutionId: queryId, NextToken: token, MaxResults: pageSize }))
        .catch((e: unknown) => { throw this.failure(`Athena GetQueryResults of ${queryId} failed`, queryId, t?.sql, e); });
      if (first) {
        info = r.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        columns = info.map((c) => ({ name: c.Name ?? c.Label ?? '', type: normalizeTypeName(c.Type ?? 'varchar') }));
      }
      let page: Row[] = r.ResultSet?.Rows ?? [];
      if (first && ex.StatementType === 'DML' && page.length > 0 && isHeader(page[0]!, info)) page = page.slice(1);
      first = false;
      for (const row of page) {
        fetched++;
        if (rows.length < maxRows) rows.push((row.Data ?? []).map((d, i) => athenaValue(d.VarCharValue, columns[i]?.type ?? 'varchar')));
      }
      token = r.NextToken;
      if (rows.length >= maxRows && token) { more = true; break; }
    } while (token);
    let rowCount = fetched;
    if (more) {
      const stats = await this.athena.send(new GetQueryRuntimeStatisticsCommand({ QueryExecutionId: queryId })).catch(() => undefined);
      rowCount = stats?.QueryRuntimeStatistics?.Rows?.OutputRows ?? fetched;
    }
    const s = ex.Statistics ?? {};
    const queuedMs = s.QueryQueueTimeInMillis ?? 0;
    return {
      queryId,
      columns,
      rows,
      rowCount: Math.max(rowCount, rows.length),
      truncated: more,
      timings: {
        queuedMs,
        executionMs: s.EngineExecutionTimeInMillis ?? 0,
        totalMs: t?.finishedAt !== undefined ? t.finishedAt - t.startedAt : (s.TotalExecutionTimeInMillis ?? 0),
      },
    };
  }

  async run(sql: string, options: RunOptions = {}): Promise<QueryResult> {
    const id = await this.start(sql, options);
    await this.wait(id, options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    return this.results(id, options);
  }

  async cancel(queryId: string): Promise<void> {
    try {
      await this.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
    } catch (e) {
      // Stopping a query that already finished is not an error worth reporting.
      if ((e as { name?: string }).name !== 'InvalidRequestException') throw this.failure(`Athena StopQueryExecution of ${queryId} failed`, queryId, undefined, e);
    }
  }

  private get usesGlue(): boolean { return this.catalog === 'AwsDataCatalog'; }

  async databases(): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      if (this.usesGlue) {
        const r = await this.glue.send(new GetDatabasesCommand({ NextToken: token, CatalogId: this.options.glueCatalogId }));
        for (const d of r.DatabaseList ?? []) if (d.Name) out.push(d.Name);
        token = r.NextToken;
      } else {
        const r = await this.athena.send(new ListDatabasesCommand({ CatalogName: this.catalog, NextToken: token }));
        for (const d of r.DatabaseList ?? []) if (d.Name) out.push(d.Name);
        token = r.NextToken;
      }
    } while (token);
    return out.sort();
  }

  async tables(database: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      if (this.usesGlue) {
        const r = await this.glue.send(new GetTablesCommand({ DatabaseName: database, NextToken: token, CatalogId: this.options.glueCatalogId }));
        for (const t of r.TableList ?? []) if (t.Name) out.push(t.Name);
        token = r.NextToken;
      } else {
        const r = await this.athena.send(new ListTableMetadataCommand({ CatalogName: this.catalog, DatabaseName: database, NextToken: token }));
        for (const t of r.TableMetadataList ?? []) if (t.Name) out.push(t.Name);
        token = r.NextToken;
      }
    } while (token);
    return out.sort();
  }

  async schema(database: string, table: string): Promise<QueryColumn[]> {
    try {
      if (this.usesGlue) {
        const r = await this.glue.send(new GetTableCommand({ DatabaseName: database, Name: table, CatalogId: this.options.glueCatalogId }));
        const cols = [...(r.Table?.StorageDescriptor?.Columns ?? []), ...(r.Table?.PartitionKeys ?? [])];
        return cols.map((c) => ({ name: c.Name ?? '', type: normalizeTypeName(c.Type ?? 'varchar') }));
      }
      const r = await this.athena.send(new GetTableMetadataCommand({ CatalogName: this.catalog, DatabaseName: database, TableName: table }));
      const cols = [...(r.TableMetadata?.Columns ?? []), ...(r.TableMetadata?.PartitionKeys ?? [])];
      return cols.map((c) => ({ name: c.Name ?? '', type: normalizeTypeName(c.Type ?? 'varchar') }));
    } catch (e) {
      if ((e as { name?: string }).name === 'EntityNotFoundException' || (e as { name?: string }).name === 'MetadataException') {
        throw new QueryError(`table ${JSON.stringify(table)} does not exist in database ${JSON.stringify(database)} of catalog ${this.catalog}`, this.kind, undefined, undefined, { cause: e });
      }
      throw this.failure(`reading the columns of ${database}.${table} in catalog ${this.catalog} failed`, undefined, undefined, e);
    }
  }
}

/** Athena repeats the column labels as the first row of a SELECT's first page. */
function isHeader(row: Row, info: ColumnInfo[]): boolean {
  const data = row.Data ?? [];
  return data.length === info.length && data.every((d, i) => d.VarCharValue === (info[i]?.Label ?? info[i]?.Name));
}
