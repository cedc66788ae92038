/**
 * A small client for Trino's REST protocol (docs: develop/client-protocol): POST the statement to
 * /v1/statement, then GET each `nextUri` until there is none, collecting columns and rows.
 *
 * Every HTTP request is bounded by its own timeout; the whole query by a deadline, after which the
 * query is cancelled on the server (DELETE on the current nextUri) and a TrinoTimeoutError thrown.
 * Query failures arrive as HTTP 200 with an `error` object and are thrown as TrinoQueryError with
 * Trino's message and errorName. Uses the global fetch only (no dependencies).
 *
 * Values are as Trino encodes them in JSON: numbers for integer and floating types (BIGINT beyond
 * 2^53 loses precision), strings for varchar, decimal, date and timestamp, arrays for ARRAY and
 * for ROW (fields by position), objects for MAP.
 *
 * Hand-written rather than npm `trino-client`: that client does not throw on query errors, has no
 * per-request timeout or overall deadline, and pulls in axios; this one is ~200 lines on fetch.
 */

export interface TrinoClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  server: string;
  /** Sent as X-Trino-User (no password: Trino refuses passwords over plain http). */
  user: string;
  catalog?: string;
  schema?: string;
  /** Sent as X-Trino-Source, shown in Trino's query list. */
  source?: string;
  /** Timeout of each HTTP request; 30 s by default. */
  requestTimeoutMs?: number;
  /** Session properties sent with every query (X-Trino-Session). */
  session?: Record<string, string>;
}

export interface QueryOptions {
  /** The whole query must finish within this; 120 s by default. The query is cancelled on the server when it passes. */
  deadlineMs?: number;
  /** Cancels the query (on the server too) when aborted. */
  signal?: AbortSignal;
}

export interface TrinoColumn { name: string; type: string }

export interface TrinoResult {
  queryId: string;
  columns: TrinoColumn[];
  rows: unknown[][];
  /** For statements that are not queries, e.g. "CREATE TABLE", "INSERT". */
  updateType?: string;
  updateCount?: number;
  /** Wall time measured by this client. */
  elapsedMs: number;
  /** Trino's own figures from the last page (rows and bytes read, its elapsed and queued time). */
  stats: TrinoStats;
}

export interface TrinoStats {
  processedRows?: number;
  processedBytes?: number;
  physicalInputBytes?: number;
  elapsedTimeMillis?: number;
  queuedTimeMillis?: number;
  planningTimeMillis?: number;
  cpuTimeMillis?: number;
}

interface TrinoErrorBody {
  message: string;
  errorCode?: number;
  errorName?: string;
  errorType?: string;
  failureInfo?: { type?: string; message?: string };
}

interface QueryResults {
  id: string;
  infoUri?: string;
  nextUri?: string;
  columns?: TrinoColumn[];
  data?: unknown[][];
  stats?: TrinoStats & { state?: string };
  error?: TrinoErrorBody;
  updateType?: string;
  updateCount?: number;
}

/** The query reached Trino and failed there (syntax, missing table, S3 access, ...). */
export class TrinoQueryError extends Error {
  override readonly name = 'TrinoQueryError';
  constructor(
    readonly queryId: string,
    readonly errorName: string,
    readonly errorType: string,
    readonly errorCode: number | undefined,
    readonly trinoMessage: string,
    readonly sql: string,
  ) {
    super(`Trino query ${queryId} failed: ${errorName}: ${trinoMessage}\n  SQL: ${oneLine(sql)}`);
  }
}

/** The query did not finish within its deadline (it was cancelled on the server). */
export class TrinoTimeoutError extends Error {
  override readonly name = 'TrinoTimeoutError';
  constructor(readonly queryId: string | undefined, readonly deadlineMs: number, readonly sql: string) {
    super(`Trino query ${queryId ?? '(not yet accepted)'} did not finish within ${deadlineMs} ms and was cancelled\n  SQL: ${oneLine(sql)}`);
  }
}

/** Trino answered with something other than the protocol's JSON (wrong port, proxy, server error). */
export class TrinoProtocolError extends Error {
  override readonly name = 'TrinoProtocolError';
  constructor(readonly status: number, readonly url: string, body: string) {
    super(`Trino answered HTTP ${status} to ${url}: ${body.slice(0, 500)}`);
  }
}

function oneLine(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 300 ? `${s.slice(0, 300)}...` : s;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class TrinoClient {
  private catalog: string | undefined;
  private schema: string | undefined;
  private readonly session: Map<string, string>;

  constructor(private readonly options: TrinoClientOptions) {
    this.catalog = options.catalog;
    this.schema = options.schema;
    this.session = new Map(Object.entries(options.session ?? {}));
  }

  /** Runs one statement to completion and returns all its rows. */
  async query(sql: string, options: QueryOptions = {}): Promise<TrinoResult> {
    const deadlineMs = options.deadlineMs ?? 120_000;
    const started = Date.now();
    const deadline = AbortSignal.timeout(deadlineMs);
    const stop = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
    let page: QueryResults | undefined;
    const columns: TrinoColumn[] = [];
    const rows: unknown[][] = [];
    try {
      page = await this.request('POST', `${this.options.server.replace(/\/$/, '')}/v1/statement`, stop, sql);
      for (;;) {
        if (page.columns && columns.length === 0) columns.push(...page.columns);
        if (page.data) rows.push(...page.data);
        if (page.error) {
          const e = page.error;
          throw new TrinoQueryError(page.id, e.errorName ?? 'UNKNOWN', e.errorType ?? 'UNKNOWN', e.errorCode, e.message ?? e.failureInfo?.message ?? '(no message)', sql);
        }
        if (!page.nextUri) break;
        page = await this.request('GET', page.nextUri, stop);
      }
    } catch (e) {
      if (e instanceof TrinoQueryError) throw e;
      // Leave nothing running on the server: cancel whatever stopped this client from finishing.
      if (page?.nextUri) await this.cancel(page.nextUri);
      if (deadline.aborted) throw new TrinoTimeoutError(page?.id, deadlineMs, sql);
      if (options.signal?.aborted) throw new Error(`Trino query ${page?.id ?? '(not yet accepted)'} was aborted and cancelled\n  SQL: ${oneLine(sql)}`, { cause: e });
      if (e instanceof Error && e.name === 'TimeoutError') {
        throw new Error(`Trino at ${this.options.server} did not answer within ${this.options.requestTimeoutMs ?? 30_000} ms (query ${page?.id ?? 'not yet accepted'}, cancelled)\n  SQL: ${oneLine(sql)}`, { cause: e });
      }
      if (e instanceof TypeError && page === undefined) {
        throw new Error(`cannot reach Trino at ${this.options.server}: ${(e.cause as Error | undefined)?.message ?? e.message}`, { cause: e });
      }
      throw e;
    }
    return {
      queryId: page.id,
      columns,
      rows,
      ...(page.updateType !== undefined ? { updateType: page.updateType } : {}),
      ...(page.updateCount !== undefined ? { updateCount: page.updateCount } : {}),
      elapsedMs: Date.now() - started,
      stats: { ...page.stats },
    };
  }

  /** Rows as objects keyed by column name. */
  async queryObjects<T = Record<string, unknown>>(sql: string, options: QueryOptions = {}): Promise<T[]> {
    const r = await this.query(sql, options);
    return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])) as T);
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { 'X-Trino-User': this.options.user, 'Content-Type': 'text/plain; charset=utf-8' };
    if (this.catalog) h['X-Trino-Catalog'] = this.catalog;
    if (this.schema) h['X-Trino-Schema'] = this.schema;
    if (this.options.source) h['X-Trino-Source'] = this.options.source;
    if (this.session.size > 0) {
      h['X-Trino-Session'] = [...this.session].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(',');
    }
    return h;
  }

  /** One protocol request, bounded by the per-request timeout and the query's signal; retries 429/502/503/504. */
  private async request(method: 'POST' | 'GET', url: string, stop: AbortSignal, body?: string): Promise<QueryResults> {
    for (let attempt = 1; ; attempt++) {
      const signal = AbortSignal.any([stop, AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000)]);
      const res = await fetch(url, { method, headers: this.headers(), body, signal });
      const text = await res.text();
      if (RETRYABLE.has(res.status) && attempt < 20) {
        await sleep(Math.min(100 * attempt, 1000));
        if (stop.aborted) stop.throwIfAborted();
        continue;
      }
      if (res.status !== 200) throw new TrinoProtocolError(res.status, url, text);
      this.applySessionHeaders(res.headers);
      try {
        return JSON.parse(text) as QueryResults;
      } catch {
        throw new TrinoProtocolError(res.status, url, text);
      }
    }
  }

  /** Follows the server's session changes (USE, SET SESSION) as the protocol asks clients to. */
  private applySessionHeaders(h: Headers): void {
    const catalog = h.get('X-Trino-Set-Catalog');
    if (catalog) this.catalog = catalog;
    const schema = h.get('X-Trino-Set-Schema');
    if (schema) this.schema = schema;
    const set = h.get('X-Trino-Set-Session');
    if (set) {
      for (const pair of set.split(',')) {
        const i = pair.indexOf('=');
        if (i > 0) this.session.set(pair.slice(0, i).trim(), decodeURIComponent(pair.slice(i + 1).trim()));
      }
    }
    const clear = h.get('X-Trino-Clear-Session');
    if (clear) for (const k of clear.split(',')) this.session.delete(k.trim());
  }

  /** Best effort: DELETE on the nextUri cancels the query; bounded, never throws. */
  private async cancel(nextUri: string): Promise<void> {
    try {
      await fetch(nextUri, { method: 'DELETE', headers: { 'X-Trino-User': this.options.user }, signal: AbortSignal.timeout(5000) });
    } catch { /* the server may be gone; the deadline error is what matters */ }
  }
}
