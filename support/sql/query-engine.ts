/**
 * The suite's SQL adapter, with Amazon Athena's lifecycle: start a query, wait for it with a
 * deadline, then fetch its results in pages. The suite's implementation is AthenaQueryEngine
 * (athena-engine.ts) on both targets; the project tests of the platform's SQL layer also have one
 * straight on Trino (test/sql/trino-engine.ts).
 *
 *   const engine: QueryEngine = sqlTarget(loadTarget()).engine;
 *   const r = await engine.run('SELECT count(*) AS n FROM "quilt-e2e_package_entry"', { deadlineMs: 30_000 });
 *   r.columns;  // [{ name: 'n', type: 'bigint' }]
 *   r.rows;     // [[42]]
 *
 * Values follow Trino's JSON encoding on both engines: numbers for tinyint/smallint/integer/
 * bigint/real/double (bigint beyond 2^53 loses precision), booleans for boolean, strings for
 * everything else (varchar, decimal, date, timestamp, varbinary as base64 on Trino). Arrays, maps
 * and rows are JSON values on Trino and Athena's text rendering on Athena.
 */
import { normalizeTypeName, oneLine } from '@quilt-e2e/trino-rest';

export { normalizeTypeName };

export interface QueryColumn {
  name: string;
  /** Normalized type name (see normalizeTypeName): varchar, bigint, double, array(varchar), ... */
  type: string;
}

export interface QueryTimings {
  /** Time the query waited in the engine's queue. */
  queuedMs: number;
  /** Time the engine spent planning and running it. */
  executionMs: number;
  /** Wall time from start() until the query finished, as the client saw it. */
  totalMs: number;
}

export interface QueryResult {
  queryId: string;
  columns: QueryColumn[];
  /** Row values by column position. */
  rows: unknown[][];
  /** Rows the query produced (may exceed rows.length when truncated). */
  rowCount: number;
  /** True when more rows exist than were returned (maxRows). */
  truncated: boolean;
  timings: QueryTimings;
  /** For statements that are not queries: "CREATE TABLE", "INSERT", ... (Trino only). */
  updateType?: string;
}

export interface StartOptions {
  /** The database (Trino: schema of the engine's catalog; Athena: Glue database) unqualified names refer to. */
  database?: string;
}

export interface ResultsOptions {
  /** At most this many rows are returned (default 100,000); `truncated` tells whether there were more. */
  maxRows?: number;
  /** Rows per page fetched from the engine (Athena: GetQueryResults MaxResults, at most 1000). */
  pageSize?: number;
}

export interface RunOptions extends StartOptions, ResultsOptions {
  /** The query must finish within this (default 120 s); otherwise it is cancelled on the server. */
  deadlineMs?: number;
}

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface QueryStatus {
  queryId: string;
  state: QueryState;
}

export interface QueryEngine {
  /** 'trino' or 'athena'. */
  readonly kind: string;
  /** Submits the statement; returns the engine's query id without waiting for it. */
  start(sql: string, options?: StartOptions): Promise<string>;
  /**
   * Waits until the query finished. Throws QueryFailedError when it failed, and QueryTimeoutError
   * (after cancelling it on the server) when it did not finish within `deadlineMs`.
   */
  wait(queryId: string, deadlineMs: number): Promise<QueryStatus>;
  /** The rows of a finished query (waits with the default deadline when it is still running). */
  results(queryId: string, options?: ResultsOptions): Promise<QueryResult>;
  /** start + wait + results. */
  run(sql: string, options?: RunOptions): Promise<QueryResult>;
  /** Cancels the query on the server (no error when it already finished). */
  cancel(queryId: string): Promise<void>;
  /** Database names (Trino: schemas of the catalog; Athena: Glue databases). */
  databases(): Promise<string[]>;
  /** Table and view names of a database. */
  tables(database: string): Promise<string[]>;
  /** A table's or view's columns with normalized types (throws QueryError when it does not exist). */
  schema(database: string, table: string): Promise<QueryColumn[]>;
}

export const DEFAULT_DEADLINE_MS = 120_000;
export const DEFAULT_MAX_ROWS = 100_000;

/** Any failure of the SQL adapter; `engine` names the implementation. */
export class QueryError extends Error {
  override name = 'QueryError';
  constructor(
    message: string,
    readonly engine: string,
    readonly queryId: string | undefined,
    readonly sql: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The engine ran the query and it failed (syntax, unknown table or column, bad data, ...). */
export class QueryFailedError extends QueryError {
  override name = 'QueryFailedError';
  constructor(
    engine: string,
    queryId: string | undefined,
    sql: string | undefined,
    /** The engine's error name, e.g. COLUMN_NOT_FOUND, TABLE_NOT_FOUND, SYNTAX_ERROR, INVALID_CAST_ARGUMENT. */
    readonly errorName: string,
    /** The engine's own message, e.g. "line 1:8: Column 'x' cannot be resolved". */
    readonly engineMessage: string,
    /** Where in the SQL text, when the engine says so. */
    readonly location?: { line: number; column: number },
  ) {
    const where = location ? ` at line ${location.line}, column ${location.column}` : '';
    super(`${engine} query ${queryId ?? '(not started)'} failed${where}: ${errorName}: ${engineMessage}${sql ? `\n  SQL: ${oneLine(sql)}` : ''}`, engine, queryId, sql);
  }
}

/** The query did not finish within its deadline; it was cancelled on the server. */
export class QueryTimeoutError extends QueryError {
  override name = 'QueryTimeoutError';
  constructor(
    engine: string,
    queryId: string,
    sql: string | undefined,
    readonly deadlineMs: number,
    /** The query's state on the server after the cancel, when known (e.g. FAILED / USER_CANCELED, CANCELLED). */
    readonly serverState?: string,
  ) {
    super(`${engine} query ${queryId} timeout: it did not finish within ${deadlineMs} ms and was cancelled on the server`
      + `${serverState ? ` (server state now ${serverState})` : ''}; retry with a longer deadline, for example { deadlineMs: ${Math.max(deadlineMs * 4, 10_000)} }, or make the query cheaper`
      + `${sql ? `\n  SQL: ${oneLine(sql)}` : ''}`, engine, queryId, sql);
  }
}

/** The rows of a result as objects keyed by column name. */
export function rowObjects<T = Record<string, unknown>>(result: Pick<QueryResult, 'columns' | 'rows'>): T[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])) as T);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Files that vanish between the engine listing a table's folder and reading them (another writer
 * deleted a pointer or manifest meanwhile) fail the query with HIVE_CANNOT_OPEN_SPLIT or
 * HIVE_FILE_NOT_FOUND — on Athena as on Trino. Such a query is right to run again: the next listing
 * no longer has the file. Any other failure is returned at once.
 */
export const VANISHED_FILE_ERRORS = ['HIVE_CANNOT_OPEN_SPLIT', 'HIVE_FILE_NOT_FOUND'];

export async function runOverLiveData(engine: QueryEngine, sql: string, options: RunOptions = {}, attempts = 3): Promise<QueryResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.run(sql, options);
    } catch (e) {
      const vanished = e instanceof QueryFailedError && VANISHED_FILE_ERRORS.some((n) => e.errorName === n || e.engineMessage.includes(n));
      if (!vanished || attempt >= attempts) throw e;
    }
  }
}
