/**
 * The Quilt catalog/registry over its public HTTP contract — GraphQL (graphql-request), the search
 * API, credentials and catalog pages (axios) — the same client for the local catalog and a real
 * Quilt deployment. Every request is bounded by a timeout and carries the persona's bearer token.
 */
import axios, { type AxiosInstance } from 'axios';
import { ClientError, GraphQLClient } from 'graphql-request';

export interface CatalogEndpoints {
  /** The registry API: /graphql, /api/search, /api/auth/get_credentials. */
  registryUrl: string;
  /** The web catalog: /b/<bucket>/... pages. */
  catalogUrl: string;
}

/** A refusal or failure from the catalog, with its HTTP status and the catalog's own words. */
export class CatalogError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly endpoint: string) {
    super(`${endpoint} answered HTTP ${status} ${code}: ${message}`);
  }
}

export interface S3CredentialsAnswer { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string | null; Expiration?: string | null }

export interface SearchParams { index: string; action?: 'search' | 'freeform'; query?: string; body?: unknown; size?: number; from?: number }
export interface RawSearchResponse {
  took?: number;
  /** The search engine stopped collecting at the request's own `timeout` (the hits are partial). */
  timed_out?: boolean;
  hits: { total: number | { value: number; relation?: string }; hits: { _index: string; _id: string; _score: number | null; _source?: Record<string, unknown> }[] };
}


export interface ConstructEntryInput { logicalKey: string; physicalKey: string; hash?: { type: string; value: string }; size?: number; meta?: Record<string, unknown> }
export interface ConstructAnswer {
  __typename: string;
  revision?: { hash: string };
  name?: string;
  message?: string;
  context?: unknown;
  errors?: { path?: string; name?: string; message: string }[];
}

export class CatalogClient {
  private readonly http: AxiosInstance;
  private readonly gql: GraphQLClient;

  constructor(readonly endpoints: CatalogEndpoints, private readonly token: string | undefined, private readonly timeoutMs = 15_000) {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    this.http = axios.create({ timeout: timeoutMs, headers, validateStatus: () => true, maxRedirects: 0, transitional: { clarifyTimeoutError: true } });
    this.gql = new GraphQLClient(`${endpoints.registryUrl.replace(/\/$/, '')}/graphql`, {
      headers,
      fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
    });
  }

  /** A GraphQL request; HTTP errors and GraphQL errors become CatalogError. */
  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    try {
      return await this.gql.request<T>(query, variables);
    } catch (e) {
      if (e instanceof ClientError) {
        const first = e.response.errors?.[0];
        // A refusal before GraphQL (401, 403, 413) arrives as the catalog's JSON body {error, message}.
        let body = e.response as unknown as { error?: string; message?: string; body?: string };
        if (typeof body.body === 'string') { try { body = JSON.parse(body.body) as typeof body; } catch { /* not JSON */ } }
        throw new CatalogError(e.response.status, first ? 'GraphQLError' : (body.error ?? 'Error'), first?.message ?? body.message ?? JSON.stringify(e.response).slice(0, 300), 'graphql');
      }
      throw timeoutOr(e, 'graphql', this.timeoutMs);
    }
  }

  /**
   * A GraphQL request's answer at a dotted field path (e.g. "admin.user.create"): the union member
   * there, or null where the registry answered null on the way (an unknown user's `mutate`).
   */
  async answerAt<T = { __typename?: string }>(query: string, variables: Record<string, unknown>, path: string): Promise<T | null> {
    let v: unknown = await this.graphql<Record<string, unknown>>(query, variables);
    for (const f of path.split('.')) v = v === null || v === undefined ? null : (v as Record<string, unknown>)[f];
    return (v ?? null) as T | null;
  }

  /** The union member at `path` must be `ok` (else the step fails with what was answered); it is returned. */
  async expectAnswer<T>(query: string, variables: Record<string, unknown>, path: string, ok: string): Promise<T> {
    const v = await this.answerAt<T & { __typename?: string }>(query, variables, path);
    if (v === null) throw new Error(`${path} answered null: nothing of that name exists (${JSON.stringify(variables)})`);
    if (v.__typename !== ok) throw new Error(`${path} answered ${JSON.stringify(v)}, not ${ok}`);
    return v;
  }

  /**
   * The registry's packageConstruct mutation: publishes a package from files already in S3.
   * Returns the union as the catalog answered it (PackagePushSuccess, InvalidInput with a path per
   * problem, or OperationError); only transport and GraphQL errors throw.
   */
  async packageConstruct(params: { bucket: string; name: string; message?: string | null; userMeta?: Record<string, unknown> | null; workflow?: string | null },
    entries: ConstructEntryInput[]): Promise<ConstructAnswer> {
    const r = await this.graphql<{ packageConstruct: ConstructAnswer }>(
      `mutation($params: PackagePushParams!, $src: PackageConstructSource!) { packageConstruct(params: $params, src: $src) {
        __typename ... on PackagePushSuccess { revision { hash } } ... on OperationError { name message context }
        ... on InvalidInput { errors { path name message } } } }`,
      { params, src: { entries } });
    return r.packageConstruct;
  }

  /** GET /api/search — the raw search-engine response. */
  async search(params: SearchParams, signal?: AbortSignal): Promise<RawSearchResponse> {
    const query: Record<string, string> = { index: params.index, action: params.action ?? 'freeform' };
    if (params.query !== undefined) query.query = params.query;
    if (params.body !== undefined) query.body = JSON.stringify(params.body);
    if (params.size !== undefined) query.size = String(params.size);
    if (params.from !== undefined) query.from = String(params.from);
    try {
      return await this.getJson<RawSearchResponse>(`${this.endpoints.registryUrl}/api/search`, 'search', query, signal);
    } catch (e) {
      if (signal?.aborted) throw new CatalogTimeoutError('search: the caller\'s deadline (timeout) passed and the request was aborted; retry with a longer timeout or a narrower query');
      throw e;
    }
  }

  /** GET /api/me — who the token's user is, as Quilt's web catalog asks on sign-in ({current_user, email, is_staff, ...}). */
  async me(): Promise<{ current_user: string; email: string; is_staff: boolean }> {
    return this.getJson(`${this.endpoints.registryUrl}/api/me`, 'me');
  }

  /** GET /api/auth/get_credentials — the S3 credentials the token's user works with. */
  async credentials(): Promise<S3CredentialsAnswer> {
    return this.getJson<S3CredentialsAnswer>(`${this.endpoints.registryUrl}/api/auth/get_credentials`, 'get_credentials');
  }

  /** GET <catalog>/config.json: the web catalog's configuration, as quilt3.config and the app read it. */
  async appConfig(catalogUrl: string): Promise<{ registryUrl: string } & Record<string, unknown>> {
    let r;
    try { r = await this.http.get(`${catalogUrl.replace(/\/$/, '')}/config.json`); } catch (e) { throw timeoutOr(e, 'config.json', this.timeoutMs); }
    const d = r.data as { registryUrl?: unknown } | undefined;
    if (r.status !== 200 || typeof d?.registryUrl !== 'string') throw new CatalogError(r.status, 'BadConfig', `no registryUrl in ${JSON.stringify(r.data).slice(0, 300)}`, 'config.json');
    return d as { registryUrl: string } & Record<string, unknown>;
  }

  /** POST /api/change_password {link, password}: sets the password of the link's user (a reset or invitation link, used once). */
  async changePassword(link: string, password: string): Promise<void> {
    await this.postJson('/api/change_password', { link, password }, 'change_password');
  }

  /** POST /api/login {username, password}: the token password sign-in answers (CatalogError 401 when refused). */
  async login(username: string, password: string): Promise<string> {
    return (await this.postJson<{ token: string }>('/api/login', { username, password }, 'login')).token;
  }

  private async postJson<T>(path: string, body: unknown, endpoint: string): Promise<T> {
    let r;
    try { r = await this.http.post(`${this.endpoints.registryUrl}${path}`, body); } catch (e) { throw timeoutOr(e, endpoint, this.timeoutMs); }
    const d = r.data as { error?: string; message?: string } | undefined;
    if (r.status !== 200) throw new CatalogError(r.status, d?.error ?? 'Error', d?.message ?? String(r.data).slice(0, 300), endpoint);
    return r.data as T;
  }

  /**
   * The local stack's control (not Quilt's API, admins only): the lifetime of the credentials
   * get_credentials hands `user` from now on; null: the stack's default again.
   */
  async setLocalCredentialsTtl(user: string, seconds: number | null): Promise<void> {
    let r;
    try { r = await this.http.put(`${this.endpoints.registryUrl}/internal/credentials-ttl`, { user, seconds }); } catch (e) { throw timeoutOr(e, 'credentials-ttl', this.timeoutMs); }
    if (r.status !== 200) throw new CatalogError(r.status, (r.data as { error?: string })?.error ?? 'Error', (r.data as { message?: string })?.message ?? String(r.data).slice(0, 300), 'credentials-ttl');
  }

  private async getJson<T>(url: string, endpoint: string, params: Record<string, string> = {}, signal?: AbortSignal): Promise<T> {
    let r;
    try { r = await this.http.get(url, { params, ...(signal ? { signal } : {}) }); } catch (e) { throw timeoutOr(e, endpoint, this.timeoutMs); }
    if (r.status >= 400) {
      const body = (typeof r.data === 'object' && r.data ? r.data : {}) as { error?: string; message?: string };
      throw new CatalogError(r.status, body.error ?? 'Error', body.message ?? String(r.data).slice(0, 300), endpoint);
    }
    return r.data as T;
  }
}

/** A request that ran out of time says so, with the limit; anything else passes through. */
export class CatalogTimeoutError extends Error {}

function timeoutOr(e: unknown, endpoint: string, timeoutMs: number): Error {
  const err = e as { code?: string; name?: string; message?: string };
  if (err.code === 'ETIMEDOUT' || err.code === 'ECONNABORTED' || err.name === 'TimeoutError' || err.name === 'CanceledError' || err.name === 'AbortError') {
    return new CatalogTimeoutError(`${endpoint}: no answer within the timeout of ${timeoutMs} ms (or cancelled); the request was aborted — retry later or with a longer timeout`);
  }
  return e instanceof Error ? e : new Error(String(e));
}
