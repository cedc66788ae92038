/**
 * Query executions of the local Athena API, run on the stack's Trino.
 *
 * Life of a query: StartQueryExecution records it (QUEUED) and starts it in Trino at once
 * (RUNNING) in the Trino catalog named after the Athena data catalog (AwsDataCatalog →
 * `awsdatacatalog`, the Tabulator catalog → the same name; both are Hive catalogs over the
 * stack's one metastore) and the database as Trino schema. When Trino has every row, the result is
 * written to the output location (`<location><id>.csv` and `<id>.csv.metadata`, as Athena does;
 * the metadata file is JSON of the ColumnInfo list, Athena's own is binary) and the query
 * SUCCEEDED. A Trino failure makes it FAILED with Athena's reason text ("ERROR_NAME: message"),
 * AthenaError category and type; StopQueryExecution or the query timeout cancel it in Trino
 * (CANCELLED, or FAILED "Query timeout"). Rows stay in memory for GetQueryResults for the
 * newest executions (an older one's rows are read back from its CSV in S3).
 */
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { TrinoClient, TrinoQueryError, TrinoTimeoutError, literal } from '@quilt-e2e/trino-rest';
import { invalidRequest } from './errors.js';
import { athenaPrecision, athenaText, athenaTypeName, parseTrinoType, type TypeNode } from './types.js';

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type StatementType = 'DML' | 'DDL' | 'UTILITY';

export interface ColumnInfo {
  CatalogName: string; SchemaName: string; TableName: string; Name: string; Label: string; Type: string;
  Precision: number; Scale: number; Nullable: 'UNKNOWN'; CaseSensitive: boolean;
}

export interface Execution {
  id: string;
  sql: string;
  statementType: StatementType;
  workGroup: string;
  /** The Athena data catalog name as the client gave it. */
  catalog: string;
  database?: string;
  outputLocation: string;
  caller: string;
  state: QueryState;
  reason?: string;
  error?: { ErrorCategory: number; ErrorType: number; Retryable: boolean; ErrorMessage: string };
  submittedAt: number;
  completedAt?: number;
  engineMs?: number;
  scannedBytes?: number;
  inputRows?: number;
  columns?: ColumnInfo[];
  types?: TypeNode[];
  /** Athena's text of each value (undefined = NULL); dropped for old executions. */
  rows?: (string | undefined)[][];
  rowCount?: number;
  updateCount?: number;
  clientRequestToken?: string;
  abort: AbortController;
  done: Promise<void>;
}

export interface WorkGroup { name: string; outputLocation: string; description: string; createdAt: number }

export interface ExecutionsOptions {
  trinoUrl: string;
  trinoUser: string;
  /** Athena data catalog (case-insensitive) → Trino catalog. */
  trinoCatalogs: Record<string, string>;
  /** Writes results (the results bucket's owner). */
  s3: S3Client;
  /** Longest a query may run before it is cancelled in Trino and FAILED (Athena's DML limit is 30 min). */
  queryTimeoutMs: number;
  log: (line: string) => void;
  /** How many executions keep their rows in memory. */
  keepRows?: number;
  /** How many executions are remembered at all (oldest forgotten first). */
  keepExecutions?: number;
  /**
   * Runs before the query reaches Trino (state RUNNING): the stack uses it to bring the Tabulator
   * tables a query names up to date, since Quilt's Tabulator reads the packages at query time.
   * A TabulatorError it throws fails the query as a user error.
   */
  beforeRun?: (e: Execution) => Promise<void>;
}

/** Athena's statement type of a SQL text. */
export function statementType(sql: string): StatementType {
  const first = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '').split(/[\s(]/, 1)[0]!.toUpperCase();
  if (['SELECT', 'WITH', 'VALUES', 'TABLE', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UNLOAD'].includes(first)) return 'DML';
  if (['SHOW', 'DESCRIBE', 'EXPLAIN', 'USE'].includes(first)) return 'UTILITY';
  return 'DDL';
}

/** AthenaError for a Trino error type/name (Athena's error catalog: category 1 system, 2 user, 3 other). */
function athenaError(errorType: string, errorName: string, message: string): NonNullable<Execution['error']> {
  if (errorType === 'USER_ERROR') {
    const data = /^(INVALID_CAST_ARGUMENT|INVALID_FUNCTION_ARGUMENT|DIVISION_BY_ZERO|NUMERIC_VALUE_OUT_OF_RANGE|HIVE_BAD_DATA|INVALID_ARGUMENTS)$/.test(errorName);
    return { ErrorCategory: 2, ErrorType: data ? 1001 : 1000, Retryable: false, ErrorMessage: message };
  }
  if (errorType === 'INSUFFICIENT_RESOURCES') return { ErrorCategory: 1, ErrorType: 0, Retryable: true, ErrorMessage: message };
  if (errorType === 'EXTERNAL') return { ErrorCategory: 3, ErrorType: 204, Retryable: true, ErrorMessage: message };
  return { ErrorCategory: 1, ErrorType: 200, Retryable: true, ErrorMessage: message };
}

export class Executions {
  private readonly byId = new Map<string, Execution>();
  private readonly byToken = new Map<string, string>();

  constructor(private readonly o: ExecutionsOptions) {}

  trinoCatalog(catalog: string): string | undefined {
    return this.o.trinoCatalogs[catalog.toLowerCase()];
  }

  get(id: string): Execution | undefined { return this.byId.get(id); }

  /** Newest first, optionally of one work group. */
  list(workGroup?: string): Execution[] {
    return [...this.byId.values()].filter((e) => workGroup === undefined || e.workGroup === workGroup).reverse();
  }

  start(input: {
    sql: string; workGroup: string; catalog: string; database?: string; outputLocation: string; caller: string;
    clientRequestToken?: string; parameters?: string[];
  }): Execution {
    if (input.clientRequestToken) {
      const earlier = this.byToken.get(`${input.caller}\u0000${input.clientRequestToken}`);
      const e = earlier ? this.byId.get(earlier) : undefined;
      if (e) {
        if (e.sql !== input.sql) throw invalidRequest(`ClientRequestToken ${input.clientRequestToken} was already used for a different query (${e.id}); use a new token for a new query`, 'INVALID_INPUT');
        return e;
      }
    }
    const trinoCatalog = this.trinoCatalog(input.catalog);
    if (!trinoCatalog) {
      throw invalidRequest(`data catalog ${JSON.stringify(input.catalog)} does not exist: this stack has ${Object.keys(this.o.trinoCatalogs).join(', ')} (case-insensitive)`, 'INVALID_INPUT');
    }
    const id = randomUUID();
    const location = input.outputLocation.endsWith('/') ? input.outputLocation : `${input.outputLocation}/`;
    const type = statementType(input.sql);
    const e: Execution = {
      id, sql: input.sql, statementType: type, workGroup: input.workGroup, catalog: input.catalog,
      ...(input.database ? { database: input.database } : {}),
      outputLocation: `${location}${id}.${type === 'DML' ? 'csv' : 'txt'}`,
      caller: input.caller, state: 'QUEUED', submittedAt: Date.now(), abort: new AbortController(),
      ...(input.clientRequestToken ? { clientRequestToken: input.clientRequestToken } : {}),
      done: Promise.resolve(),
    };
    this.byId.set(id, e);
    if (input.clientRequestToken) this.byToken.set(`${input.caller}\u0000${input.clientRequestToken}`, id);
    this.forgetOld();
    const sql = input.parameters && input.parameters.length > 0
      ? `EXECUTE IMMEDIATE ${literal(input.sql)} USING ${input.parameters.join(', ')}`
      : input.sql;
    e.done = this.run(e, sql, trinoCatalog);
    return e;
  }

  private async run(e: Execution, sql: string, trinoCatalog: string): Promise<void> {
    e.state = 'RUNNING';
    const trino = new TrinoClient({
      server: this.o.trinoUrl, user: this.o.trinoUser, catalog: trinoCatalog, ...(e.database ? { schema: e.database.toLowerCase() } : {}),
      source: `athena:${e.workGroup}`, requestTimeoutMs: 60_000,
    });
    try {
      if (this.o.beforeRun) {
        try {
          await this.o.beforeRun(e);
        } catch (err) {
          if ((err as Error).name !== 'TabulatorError') throw err;
          e.state = 'FAILED';
          e.reason = `TABULATOR_ERROR: ${(err as Error).message}`;
          e.error = { ErrorCategory: 2, ErrorType: 1000, Retryable: false, ErrorMessage: e.reason };
          return;
        }
        if (e.abort.signal.aborted) return;
      }
      const r = await trino.query(sql, { deadlineMs: this.o.queryTimeoutMs, signal: e.abort.signal });
      const types = r.columns.map((c) => parseTrinoType(c.type));
      e.types = types;
      e.columns = r.columns.map((c, i) => ({
        CatalogName: 'hive', SchemaName: '', TableName: '', Name: c.name, Label: c.name, Type: athenaTypeName(types[i]!),
        ...athenaPrecision(types[i]!), Nullable: 'UNKNOWN', CaseSensitive: types[i]!.name === 'varchar' || types[i]!.name === 'char',
      }));
      e.rows = r.rows.map((row) => row.map((v, i) => athenaText(v, types[i]!)));
      e.rowCount = e.rows.length;
      if (r.updateCount !== undefined) e.updateCount = r.updateCount;
      e.engineMs = r.stats.elapsedTimeMillis ?? r.elapsedMs;
      e.scannedBytes = r.stats.physicalInputBytes ?? r.stats.processedBytes ?? 0;
      e.inputRows = r.stats.processedRows ?? 0;
      if (e.abort.signal.aborted) return;
      await this.writeResult(e);
      e.state = 'SUCCEEDED';
    } catch (err) {
      if ((e.state as QueryState) === 'CANCELLED') return;
      if (err instanceof TrinoQueryError) {
        e.state = 'FAILED';
        e.reason = `${err.errorName}: ${err.trinoMessage}`;
        e.error = athenaError(err.errorType, err.errorName, e.reason);
      } else if (err instanceof TrinoTimeoutError) {
        e.state = 'FAILED';
        e.reason = `Query timeout: the query ran longer than ${Math.round(this.o.queryTimeoutMs / 1000)} s (QUILT_E2E_ATHENA_QUERY_TIMEOUT_MS) and was cancelled in Trino`;
        e.error = { ErrorCategory: 1, ErrorType: 210, Retryable: true, ErrorMessage: e.reason };
      } else {
        e.state = 'FAILED';
        e.reason = `INTERNAL_ERROR_QUERY_ENGINE: ${(err as Error).message}`;
        e.error = { ErrorCategory: 1, ErrorType: 200, Retryable: true, ErrorMessage: e.reason };
        this.o.log(`query ${e.id} failed outside Trino: ${(err as Error).stack ?? String(err)}`);
      }
    } finally {
      e.completedAt ??= Date.now();
    }
  }

  /** Athena writes every result to S3 before it reports SUCCEEDED. */
  private async writeResult(e: Execution): Promise<void> {
    const { bucket, key } = splitS3(e.outputLocation);
    const cols = e.columns ?? [];
    let body: string;
    if (e.statementType === 'DML') {
      // Athena's CSV: a header line, every value quoted (all are text), NULL as an empty unquoted field.
      body = stringify([cols.map((c) => c.Name), ...(e.rows ?? [])], { quoted_string: true, record_delimiter: '\n' });
    } else {
      body = (e.rows ?? []).map((r) => r.map((v) => v ?? '').join('\t')).join('\n') + ((e.rows ?? []).length > 0 ? '\n' : '');
    }
    try {
      await this.o.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: e.statementType === 'DML' ? 'text/csv' : 'text/plain' }));
      await this.o.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${key}.metadata`, Body: JSON.stringify({ ColumnInfo: cols }), ContentType: 'application/json' }));
    } catch (err) {
      e.state = 'FAILED';
      throw Object.assign(new Error(`could not write the result to ${e.outputLocation}: ${(err as Error).name}: ${(err as Error).message}`), { name: 'ResultWriteError' });
    }
  }

  /** The rows of a finished query: from memory, or read back from its CSV when they were dropped. */
  async rowsOf(e: Execution): Promise<(string | undefined)[][]> {
    if (e.rows) return e.rows;
    const { bucket, key } = splitS3(e.outputLocation);
    const r = await this.o.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await r.Body!.transformToString('utf8');
    if (e.statementType !== 'DML') return text.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
    // Quoted "" is an empty string, an unquoted empty field NULL.
    const records = parse(text, { cast: (value, ctx) => (value === '' && !ctx.quoting ? undefined : value) }) as (string | undefined)[][];
    return records.slice(1);
  }

  stop(e: Execution): void {
    if (e.state === 'QUEUED' || e.state === 'RUNNING') {
      e.state = 'CANCELLED';
      e.reason = 'Query cancelled by user (StopQueryExecution)';
      e.completedAt = Date.now();
      e.abort.abort();
    }
  }

  private forgetOld(): void {
    const keepRows = this.o.keepRows ?? 200;
    const keep = this.o.keepExecutions ?? 20_000;
    const all = [...this.byId.values()];
    for (const e of all.slice(0, Math.max(0, all.length - keepRows))) if (e.state !== 'RUNNING' && e.state !== 'QUEUED') delete e.rows;
    for (const e of all.slice(0, Math.max(0, all.length - keep))) {
      this.byId.delete(e.id);
      if (e.clientRequestToken) this.byToken.delete(`${e.caller}\u0000${e.clientRequestToken}`);
    }
  }

  async close(): Promise<void> {
    for (const e of this.byId.values()) this.stop(e);
    await Promise.allSettled([...this.byId.values()].map((e) => e.done));
  }
}

export function splitS3(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!m) throw invalidRequest(`${JSON.stringify(uri)} is not an S3 location: use s3://<bucket>/<prefix>/`, 'INVALID_INPUT');
  return { bucket: m[1]!, key: m[2]! };
}
