/**
 * A QueryEngine straight on the local stack's Trino, for the project tests of the platform's own
 * SQL layer (test/sql/tabulator.test.ts drives the Tabulator in-process, beneath the Athena API).
 * The suite itself has one engine, AthenaQueryEngine (support/sql/athena-engine.ts).
 * Over Trino's REST protocol (develop/client-protocol):
 *   start   = POST /v1/statement (returns the query id at once);
 *   wait    = follow `nextUri` until there is none, keeping the rows (Trino hands results out while
 *             the query runs, so waiting means draining them; at most `retainRows` are kept, the
 *             rest only counted);
 *   results = the kept rows, cut at maxRows;
 *   cancel  = DELETE /v1/query/<id> (the query ends as FAILED / USER_CANCELED on the server).
 * A query past its deadline is cancelled on the server before QueryTimeoutError is thrown. As a
 * safety net every query also carries the session property query_max_run_time, so the server
 * ends it by itself even if this process dies while waiting.
 *
 * The one-shot TrinoClient (@quilt-e2e/trino-rest, packages/trino-rest/src/client.ts) runs a
 * statement to completion and has no start/wait/results steps, so this engine speaks the protocol
 * itself (~the same 3 requests); the platform's DDL (packages/platform/src/sql/: metadata tables,
 * Tabulator) goes through TrinoClient.
 */
import { type StackConfig, trinoUrl } from '@quilt-e2e/stack';
import { TRINO_CATALOG, TRINO_SCHEMA, TRINO_USER } from '@quilt-e2e/constants';
import {
  DEFAULT_DEADLINE_MS, DEFAULT_MAX_ROWS, QueryError, QueryFailedError, QueryTimeoutError, normalizeTypeName, sleep,
  type QueryColumn, type QueryEngine, type QueryResult, type QueryState, type QueryStatus, type ResultsOptions, type RunOptions,
  type StartOptions,
} from '../../support/sql/query-engine.js';
import { literal, oneLine, qualified } from '@quilt-e2e/trino-rest';

export interface TrinoEngineOptions {
  /** e.g. http://127.0.0.1:8080 */
  server: string;
  /** X-Trino-User (no password over plain http). */
  user: string;
  /** The catalog whose schemas are this engine's databases. */
  catalog: string;
  /** The default schema (database) for unqualified names. */
  schema?: string;
  /** X-Trino-Source, shown in system.runtime.queries. */
  source?: string;
  /** Timeout of each HTTP request (default 30 s). */
  requestTimeoutMs?: number;
  /** Rows kept in memory per query (default 1,000,000); further rows are counted, not kept. */
  retainRows?: number;
  /** Server-side limit for every query (session query_max_run_time), default 15 minutes. */
  maxRunTimeMs?: number;
  /**
   * Called before every statement is submitted, e.g. Tabulator's refresh of the tables the SQL
   * names (tabulator.ts: `beforeStart: (sql, o) => tabulator.refreshForQuery(sql, o.database)`).
   */
  beforeStart?: (sql: string, options: StartOptions) => Promise<void>;
}

interface TrinoErrorBody {
  message?: string;
  errorName?: string;
  errorType?: string;
  errorLocation?: { lineNumber: number; columnNumber: number };
}

interface TrinoStats {
  state?: string;
  queuedTimeMillis?: number;
  elapsedTimeMillis?: number;
}

interface TrinoPage {
  id: string;
  nextUri?: string;
  columns?: Array<{ name: string; type: string }>;
  data?: unknown[][];
  stats?: TrinoStats;
  error?: TrinoErrorBody;
  updateType?: string;
}

interface TrackedQuery {
  id: string;
  sql: string;
  nextUri?: string;
  columns: QueryColumn[];
  rows: unknown[][];
  rowCount: number;
  state: QueryState;
  error?: QueryError;
  stats: TrinoStats;
  updateType?: string;
  startedAt: number;
  finishedAt?: number;
  /** Serializes concurrent wait() calls on one query. */
  busy: Promise<unknown>;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
/** Finished queries whose results stay available to results(). */
const KEEP_FINISHED = 64;

export class TrinoQueryEngine implements QueryEngine {
  readonly kind = 'trino';
  private readonly queries = new Map<string, TrackedQuery>();
  private readonly server: string;

  constructor(readonly options: TrinoEngineOptions) {
    this.server = options.server.replace(/\/$/, '');
  }

  /** The engine for the local stack: catalog `hive`, default schema `quilt_e2e`. */
  static forStack(config: StackConfig, options: Partial<TrinoEngineOptions> = {}): TrinoQueryEngine {
    return new TrinoQueryEngine({
      server: trinoUrl(config), user: TRINO_USER, catalog: TRINO_CATALOG, schema: TRINO_SCHEMA, source: 'quilt-e2e-sql', ...options,
    });
  }

  get catalog(): string { return this.options.catalog; }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { 'X-Trino-User': this.options.user, ...extra };
  }

  private async http(method: 'POST' | 'GET', url: string, signal: AbortSignal, headers: Record<string, string>, body?: string): Promise<TrinoPage> {
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, { method, headers, body, signal });
      } catch (e) {
        if (signal.aborted) throw e;
        throw new QueryError(`cannot reach Trino at ${this.server}: ${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}; start the stack with: npm run stack -- up`, this.kind, undefined, undefined, { cause: e });
      }
      const text = await res.text();
      if (RETRYABLE.has(res.status) && attempt < 20) {
        await sleep(Math.min(100 * attempt, 1000));
        signal.throwIfAborted();
        continue;
      }
      if (res.status !== 200) throw new QueryError(`Trino answered HTTP ${res.status} to ${method} ${url}: ${text.slice(0, 500)}`, this.kind, undefined, undefined);
      try {
        return JSON.parse(text) as TrinoPage;
      } catch (e) {
        throw new QueryError(`Trino answered ${method} ${url} with something other than JSON: ${text.slice(0, 300)}`, this.kind, undefined, undefined, { cause: e });
      }
    }
  }

  async start(sql: string, options: StartOptions = {}): Promise<string> {
    await this.options.beforeStart?.(sql, options);
    const headers = this.headers({
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Trino-Catalog': this.options.catalog,
      'X-Trino-Session': `query_max_run_time=${Math.ceil((this.options.maxRunTimeMs ?? 15 * 60_000) / 1000)}s`,
    });
    const schema = options.database ?? this.options.schema;
    if (schema) headers['X-Trino-Schema'] = schema;
    if (this.options.source) headers['X-Trino-Source'] = this.options.source;
    const page = await this.http('POST', `${this.server}/v1/statement`, AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000), headers, sql);
    const q: TrackedQuery = { id: page.id, sql, columns: [], rows: [], rowCount: 0, state: 'QUEUED', stats: {}, startedAt: Date.now(), busy: Promise.resolve() };
    this.queries.set(q.id, q);
    this.absorb(q, page);
    this.forgetOldQueries();
    return q.id;
  }

  private absorb(q: TrackedQuery, page: TrinoPage): void {
    if (page.columns && q.columns.length === 0) q.columns = page.columns.map((c) => ({ name: c.name, type: normalizeTypeName(c.type) }));
    if (page.data) {
      const room = (this.options.retainRows ?? 1_000_000) - q.rows.length;
      if (room > 0) q.rows.push(...(page.data.length <= room ? page.data : page.data.slice(0, room)));
      q.rowCount += page.data.length;
    }
    if (page.stats) q.stats = page.stats;
    if (page.updateType) q.updateType = page.updateType;
    q.nextUri = page.nextUri;
    if (page.error) {
      const e = page.error;
      const loc = e.errorLocation ? { line: e.errorLocation.lineNumber, column: e.errorLocation.columnNumber } : undefined;
      q.error = new QueryFailedError(this.kind, q.id, q.sql, e.errorName ?? 'UNKNOWN', e.message ?? '(no message)', loc);
      q.state = 'FAILED';
    } else if (!page.nextUri) {
      q.state = 'SUCCEEDED';
    } else {
      q.state = page.stats?.state === 'QUEUED' ? 'QUEUED' : 'RUNNING';
    }
    if (q.state === 'SUCCEEDED' || q.state === 'FAILED') q.finishedAt ??= Date.now();
  }

  private tracked(queryId: string): TrackedQuery {
    const q = this.queries.get(queryId);
    if (!q) throw new QueryError(`query ${queryId} was not started by this engine (or its results were dropped: only the last ${KEEP_FINISHED} finished queries are kept)`, this.kind, queryId, undefined);
    return q;
  }

  private forgetOldQueries(): void {
    const finished = [...this.queries.values()].filter((q) => q.finishedAt !== undefined);
    for (const q of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.queries.delete(q.id);
  }

  async wait(queryId: string, deadlineMs: number): Promise<QueryStatus> {
    const q = this.tracked(queryId);
    const run = q.busy.then(() => this.drain(q, deadlineMs));
    q.busy = run.catch(() => undefined);
    return run;
  }

  private async drain(q: TrackedQuery, deadlineMs: number): Promise<QueryStatus> {
    const deadline = Date.now() + deadlineMs;
    while (q.nextUri) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) await this.timeout(q, deadlineMs);
      const signal = AbortSignal.timeout(Math.min(remaining, this.options.requestTimeoutMs ?? 30_000));
      let page: TrinoPage;
      try {
        page = await this.http('GET', q.nextUri, signal, this.headers());
      } catch (e) {
        if (signal.aborted && Date.now() >= deadline - 5) await this.timeout(q, deadlineMs);
        if (signal.aborted) {
          await this.cancel(q.id);
          throw new QueryError(`Trino at ${this.server} did not answer within ${this.options.requestTimeoutMs ?? 30_000} ms while query ${q.id} ran; it was cancelled`, this.kind, q.id, q.sql, { cause: e });
        }
        throw e;
      }
      this.absorb(q, page);
    }
    if (q.error) throw q.error;
    return { queryId: q.id, state: q.state };
  }

  /** Cancels on the server, reads back the server's state, throws the timeout error. */
  private async timeout(q: TrackedQuery, deadlineMs: number): Promise<never> {
    await this.cancel(q.id);
    const state = await this.serverState(q.id);
    throw new QueryTimeoutError(this.kind, q.id, q.sql, deadlineMs, state);
  }

  /**
   * The query's state as the server reports it (GET /v1/query/<id>): e.g. "RUNNING",
   * "FINISHED", "FAILED / USER_CANCELED", or "GONE" when a query cancelled before it was
   * dispatched has been forgotten; waits up to 5 s for a cancelled query to settle.
   */
  async serverState(queryId: string): Promise<string | undefined> {
    const until = Date.now() + 5000;
    let last: string | undefined;
    for (;;) {
      try {
        const res = await fetch(`${this.server}/v1/query/${encodeURIComponent(queryId)}`, { headers: this.headers(), signal: AbortSignal.timeout(5000) });
        // 410: the server no longer knows the query — it was cancelled before it was dispatched.
        if (res.status === 410) return last ?? 'GONE';
        if (res.status !== 200) return last;
        const info = await res.json() as { state?: string; errorCode?: { name?: string }; done?: boolean };
        last = info.errorCode?.name ? `${info.state} / ${info.errorCode.name}` : info.state;
        if (['FINISHED', 'FAILED'].includes(info.state ?? '') || Date.now() > until) return last;
      } catch {
        return last;
      }
      await sleep(100);
    }
  }

  async results(queryId: string, options: ResultsOptions = {}): Promise<QueryResult> {
    const q = this.tracked(queryId);
    if (q.nextUri || q.state === 'QUEUED' || q.state === 'RUNNING') await this.wait(queryId, DEFAULT_DEADLINE_MS);
    if (q.error) throw q.error;
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    const rows = q.rows.length > maxRows ? q.rows.slice(0, maxRows) : q.rows;
    const queuedMs = q.stats.queuedTimeMillis ?? 0;
    return {
      queryId: q.id,
      columns: q.columns,
      rows,
      rowCount: q.rowCount,
      truncated: q.rowCount > rows.length,
      timings: {
        queuedMs,
        executionMs: Math.max(0, (q.stats.elapsedTimeMillis ?? 0) - queuedMs),
        totalMs: (q.finishedAt ?? Date.now()) - q.startedAt,
      },
      ...(q.updateType ? { updateType: q.updateType } : {}),
    };
  }

  async run(sql: string, options: RunOptions = {}): Promise<QueryResult> {
    const id = await this.start(sql, options);
    await this.wait(id, options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    return this.results(id, options);
  }

  async cancel(queryId: string): Promise<void> {
    const q = this.queries.get(queryId);
    try {
      await fetch(`${this.server}/v1/query/${encodeURIComponent(queryId)}`, { method: 'DELETE', headers: this.headers(), signal: AbortSignal.timeout(5000) });
    } catch { /* the server may be gone; nothing more to do */ }
    if (q && q.state !== 'SUCCEEDED' && q.state !== 'FAILED') {
      q.state = 'CANCELLED';
      q.nextUri = undefined;
      q.finishedAt = Date.now();
      q.error = new QueryError(`Trino query ${queryId} was cancelled`, this.kind, queryId, q.sql);
    }
  }

  private async metadata(sql: string): Promise<unknown[][]> {
    return (await this.run(sql, { deadlineMs: 60_000 })).rows;
  }

  async databases(): Promise<string[]> {
    const rows = await this.metadata(`SELECT schema_name FROM ${qualified(this.catalog, 'information_schema', 'schemata')} WHERE schema_name <> 'information_schema' ORDER BY 1`);
    return rows.map((r) => String(r[0]));
  }

  async tables(database: string): Promise<string[]> {
    const rows = await this.metadata(`SELECT table_name FROM ${qualified(this.catalog, 'information_schema', 'tables')} WHERE table_schema = ${literal(database)} ORDER BY 1`);
    return rows.map((r) => String(r[0]));
  }

  async schema(database: string, table: string): Promise<QueryColumn[]> {
    const rows = await this.metadata(`SELECT column_name, data_type FROM ${qualified(this.catalog, 'information_schema', 'columns')}
      WHERE table_schema = ${literal(database)} AND table_name = ${literal(table)} ORDER BY ordinal_position`);
    if (rows.length === 0) {
      const known = await this.tables(database);
      throw new QueryError(`table ${JSON.stringify(table)} does not exist in database ${JSON.stringify(database)} of catalog ${this.catalog}`
        + (known.length ? ` (it has: ${oneLine(known.join(', '), 200)})` : ' (the database has no tables, or does not exist)'), this.kind, undefined, undefined);
    }
    return rows.map((r) => ({ name: String(r[0]), type: normalizeTypeName(String(r[1])) }));
  }
}
