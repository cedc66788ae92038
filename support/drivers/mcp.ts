/**
 * The mcp driver: When-steps of the spec's operations performed by the real Quilt MCP server
 * (quilt-mcp) through the official MCP client, each persona's catalog JWT as
 * `Authorization: Bearer` on every request. Then-steps never come here: they observe S3, the
 * registry, search and SQL directly, so what the server answered is checked against the services.
 *
 * quilt-mcp's answer shapes are normalised in one place (`toolCall`): an `isError` result, a body
 * with `success: false`, a bucket error without a `success` key (`{"error": ...}`), and
 * bucket_objects_put reporting success with failed items all become a McpToolError carrying the
 * tool's own text — so a tool-level failure fails the step with what the tool said.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { parse as parseYaml } from 'yaml';
import {
  Manifest, PackageRevision, fromPlain, type CreateOptions, type EntrySource, type JsonMap, type PackageDiff,
  type PackageRegistry, type PushOptions, type PushResult,
} from '@quilt-e2e/quilt-js';
import type { AccessReport, PermissionDiscovery, PermissionLevel } from '../domain/access.js';
import type { Listing, ObjectBytes, ObjectInfo, ObjectLink, ObjectText, PutItem, PutResult } from '../domain/objects.js';
import type { AccessOperations, AdminOperations, BucketOperations, PackageOperations, SearchExplanation, SearchOperations, SqlOperations, UserRecord } from './driver.js';
import type { QueryResult } from '../sql/query-engine.js';
import type { SearchAnswer, SearchRequest, SearchResult } from '../domain/search.js';

/** A tool call that failed at the tool level: the tool, its arguments and its own answer. */
export class McpToolError extends Error {
  override name = 'McpToolError';
  constructor(readonly tool: string, readonly args: Record<string, unknown>, readonly answer: string) {
    super(`quilt-mcp tool ${tool} failed: ${answer.slice(0, 600)}\n  arguments: ${JSON.stringify(args).slice(0, 300)}`);
  }
}

type Body = Record<string, unknown>;

/** What the operations need of an MCP session: its tool calls and its resources. */
export type ToolClient = Pick<Client, 'callTool' | 'readResource'>;

/** Calls a tool and returns its JSON body, or throws McpToolError with the tool's text. */
export async function toolCall(client: ToolClient, tool: string, args: Record<string, unknown>): Promise<Body> {
  const r = await client.callTool({ name: tool, arguments: args });
  const text = (r.content as Array<{ type: string; text?: string }>).filter((c) => c.type === 'text').map((c) => c.text ?? '').join('\n');
  if (r.isError) throw new McpToolError(tool, args, text || '(isError with no text)');
  // The tool's JSON text is its answer (FastMCP's structuredContent may wrap it as {result: ...}).
  let body: Body;
  try {
    body = JSON.parse(text) as Body;
  } catch {
    const structured = r.structuredContent as Body | undefined;
    if (!structured) throw new McpToolError(tool, args, `an answer that is not JSON: ${text.slice(0, 300)}`);
    body = (structured.result && typeof structured.result === 'object' ? structured.result : structured) as Body;
  }
  if (body.success === false) throw new McpToolError(tool, args, String(body.error ?? body.message ?? JSON.stringify(body)));
  if (body.success === undefined && typeof body.error === 'string') throw new McpToolError(tool, args, body.error);
  return body;
}

const date = (s: unknown): Date => new Date(String(s));

/**
 * One of the server's MCP resources, read both ways quilt-mcp offers it: natively (resources/read)
 * and through its get_resource tool, which it documents as giving the same data to clients without
 * resources. Either failing, or the two disagreeing, fails the step with both answers.
 */
export async function readResource(client: ToolClient, uri: string): Promise<Body> {
  const native = await client.readResource({ uri });
  const text = native.contents.map((c) => ('text' in c ? String(c.text) : '')).join('');
  let data: Body;
  try {
    data = JSON.parse(text) as Body;
  } catch {
    throw new McpToolError(`resources/read ${uri}`, { uri }, `an answer that is not JSON: ${text.slice(0, 300)}`);
  }
  if (typeof data.error === 'string' || data.success === false) throw new McpToolError(`resources/read ${uri}`, { uri }, String(data.message ?? data.error));
  const viaTool = ((await toolCall(client, 'get_resource', { uri })).data ?? {}) as Body;
  // The two reads differ only where the answer carries the time it was made.
  const timeless = (b: Body): string => JSON.stringify(b, (k, v: unknown) => (/time(stamp)?$|_at$|formatted_table/i.test(k) ? undefined : v));
  if (timeless(viaTool) !== timeless(data)) {
    throw new McpToolError('get_resource', { uri }, `its data differ from resources/read ${uri}:\n  resources/read: ${timeless(data).slice(0, 400)}\n  get_resource:   ${timeless(viaTool).slice(0, 400)}`);
  }
  return data;
}

const roleNameOf = (r: unknown): string => (typeof r === 'string' ? r : String((r as { name?: unknown } | null)?.name ?? ''));
/** A user as quilt-mcp answers one (admin_user_get, the admin://users resource). */
const userRecordOfTool = (u: Body): UserRecord => ({
  name: String(u.name), email: String(u.email), isAdmin: u.is_admin === true, isActive: u.is_active === true,
  role: u.role ? roleNameOf(u.role) : null, extraRoles: ((u.extra_roles ?? []) as unknown[]).map(roleNameOf).sort(),
});

/** The admin's user operations through quilt-mcp's admin_user_* tools (the admin persona's identity). */
export class McpAdminOperations implements AdminOperations {
  constructor(private readonly client: () => Promise<ToolClient>) {}

  async createUser(u: { name: string; email: string; role: string; extraRoles: string[] }): Promise<void> {
    await toolCall(await this.client(), 'admin_user_create', { name: u.name, email: u.email, role: u.role, ...(u.extraRoles.length ? { extra_roles: u.extraRoles } : {}) });
  }

  async setRole(name: string, role: string): Promise<void> {
    await toolCall(await this.client(), 'admin_user_set_role', { name, role });
  }

  async setActive(name: string, active: boolean): Promise<void> {
    await toolCall(await this.client(), 'admin_user_set_active', { name, active });
  }

  async deleteUser(name: string): Promise<void> {
    await toolCall(await this.client(), 'admin_user_delete', { name });
  }

  async addRoles(name: string, roles: string[]): Promise<void> {
    await toolCall(await this.client(), 'admin_user_add_roles', { name, roles });
  }

  async removeRoles(name: string, roles: string[], fallback?: string): Promise<void> {
    await toolCall(await this.client(), 'admin_user_remove_roles', { name, roles, ...(fallback ? { fallback } : {}) });
  }

  async setAdmin(name: string, admin: boolean): Promise<void> {
    await toolCall(await this.client(), 'admin_user_set_admin', { name, admin });
  }

  async setEmail(name: string, email: string): Promise<void> {
    await toolCall(await this.client(), 'admin_user_set_email', { name, email });
  }

  async getUser(name: string): Promise<UserRecord> {
    return userRecordOfTool(((await toolCall(await this.client(), 'admin_user_get', { name })).user ?? {}) as Body);
  }

  async listUsers(): Promise<UserRecord[]> {
    return ((await readResource(await this.client(), 'admin://users')).users as Body[] ?? []).map(userRecordOfTool);
  }

  async listRoles(): Promise<string[]> {
    return ((await readResource(await this.client(), 'admin://roles')).roles as unknown[] ?? []).map(roleNameOf);
  }

  async resetPassword(name: string): Promise<void> {
    await toolCall(await this.client(), 'admin_user_reset_password', { name });
  }

  async setTabulatorOpenQuery(enabled: boolean): Promise<void> {
    await toolCall(await this.client(), 'admin_tabulator_open_query_set', { enabled });
  }

  async tabulatorOpenQuery(): Promise<boolean> {
    const b = await readResource(await this.client(), 'admin://config/tabulator');
    const v = b.open_query_enabled;
    if (typeof v !== 'boolean') throw new McpToolError('resources/read admin://config/tabulator', {}, `no open-query switch in ${JSON.stringify(b).slice(0, 300)}`);
    return v;
  }

  async setSsoConfig(text: string | null): Promise<void> {
    if (text === null) await toolCall(await this.client(), 'admin_sso_config_remove', {});
    // The tool takes the configuration as an object (it sends it on as JSON text, which is YAML too).
    else await toolCall(await this.client(), 'admin_sso_config_set', { config: parseYaml(text) as Body });
  }

  async ssoConfig(): Promise<string | null> {
    const c = (await readResource(await this.client(), 'admin://config/sso')).sso_config ?? null;
    if (c === null) return null;
    return typeof c === 'string' ? c : String((c as Body).text ?? JSON.stringify(c));
  }
}

/**
 * The access check through quilt-mcp's check_bucket_access: its permission level and summary as
 * it answers them; its evidence is its own operation_tests (quilt-mcp tests read with a HEAD of a
 * missing key and infers write from policies, without writing).
 */
export class McpAccessOperations implements AccessOperations {
  constructor(private readonly client: () => Promise<ToolClient>) {}

  async check(bucket: string): Promise<AccessReport> {
    const b = await toolCall(await this.client(), 'check_bucket_access', { bucket, operations: ['read', 'write', 'list'] });
    const summary = (b.access_summary ?? {}) as { can_read?: boolean; can_write?: boolean; can_list?: boolean };
    const tests = (b.operation_tests ?? {}) as Record<string, unknown>;
    const said = (op: string): string => `quilt-mcp's operation_tests.${op} = ${JSON.stringify(tests[op])} (its permission level ${JSON.stringify(b.permission_level)})`;
    return {
      bucket,
      permissionLevel: String(b.permission_level) as PermissionLevel,
      accessSummary: { canList: summary.can_list === true, canRead: summary.can_read === true, canWrite: summary.can_write === true, canReadPolicy: false },
      evidence: { list: said('list'), read: said('read'), write: said('write'), policy: 'not asked through quilt-mcp' },
    };
  }

  async buckets(): Promise<string[]> {
    const b = await toolCall(await this.client(), 'bucket_list', {});
    return ((b.buckets ?? []) as Array<{ name?: unknown }>).map((x) => String(x.name));
  }

  /** catalog_configure, then what its auth://catalog/info resource names: the catalog (navigator_url) and the registry. */
  async pointAt(catalogUrl: string): Promise<{ catalogUrl: string; registryUrl: string }> {
    const client = await this.client();
    await toolCall(client, 'catalog_configure', { catalog_url: catalogUrl });
    const info = await readResource(client, 'auth://catalog/info');
    return { catalogUrl: String(info.navigator_url ?? ''), registryUrl: String(info.registry_url ?? '') };
  }

  /** discover_permissions for the one bucket: its user_identity and its bucket_permissions entry, as it answers them. */
  async discover(bucket: string): Promise<PermissionDiscovery> {
    const b = await toolCall(await this.client(), 'discover_permissions', { check_buckets: [bucket] });
    const identity = (b.user_identity ?? {}) as { arn?: unknown };
    const entry = ((b.bucket_permissions ?? []) as Array<Record<string, unknown>>).find((p) => p.name === bucket) ?? {};
    const said = `quilt-mcp's discover_permissions bucket_permissions entry: ${JSON.stringify(entry)}`;
    return {
      callerArn: String(identity.arn ?? ''),
      access: {
        bucket,
        permissionLevel: String(entry.permission_level) as PermissionLevel,
        accessSummary: { canList: entry.can_list === true, canRead: entry.can_read === true, canWrite: entry.can_write === true, canReadPolicy: false },
        evidence: { list: said, read: said, write: said, policy: 'not asked through quilt-mcp' },
      },
    };
  }
}

/** The spec's bucket operations through quilt-mcp's bucket tools. */
export class McpBucketOperations implements BucketOperations {
  constructor(private readonly client: () => Promise<ToolClient>) {}

  async list(bucket: string, prefix: string, maxKeys = 1000, continuationToken?: string): Promise<Listing> {
    // Without a signed URL per object: those are the link operation's (and cost ~0.3 s each in 0.22.0).
    const b = await toolCall(await this.client(), 'bucket_objects_list', {
      bucket, prefix, max_keys: Math.min(maxKeys, 1000), include_signed_urls: false, ...(continuationToken ? { continuation_token: continuationToken } : {}),
    });
    const objects = (b.objects as Array<{ key: string; s3_uri: string; size: number; last_modified: string; etag: string }>).map((o) => ({
      key: o.key, s3Uri: o.s3_uri, size: o.size, lastModified: date(o.last_modified), etag: o.etag.replace(/"/g, ''),
    }));
    return { objects, count: Number(b.count ?? objects.length), isTruncated: b.is_truncated === true, ...(b.next_continuation_token ? { nextContinuationToken: String(b.next_continuation_token) } : {}) };
  }

  async info(uri: string): Promise<ObjectInfo> {
    const o = (await toolCall(await this.client(), 'bucket_object_info', { s3_uri: uri })).object as Body;
    return {
      s3Uri: String(o.s3_uri), size: Number(o.size), lastModified: date(o.last_modified), etag: String(o.etag).replace(/"/g, ''),
      ...(o.content_type ? { contentType: String(o.content_type) } : {}), ...(o.version_id ? { versionId: String(o.version_id) } : {}),
      metadata: (o.metadata as Record<string, string> | undefined) ?? {},
    };
  }

  async text(uri: string, maxBytes = 65_536): Promise<ObjectText> {
    const b = await toolCall(await this.client(), 'bucket_object_text', { s3_uri: uri, max_bytes: maxBytes });
    // quilt-mcp says nothing of binary content (0.20.0-0.22.0 decode with replacement characters):
    // binary is what the tool says, if it ever says it.
    return { text: String(b.text), bytesRead: Number(b.bytes_read), truncated: b.truncated === true, binary: b.binary === true || b.is_binary === true };
  }

  async fetch(uri: string, maxBytes = 65_536): Promise<ObjectBytes> {
    const b = await toolCall(await this.client(), 'bucket_object_fetch', { s3_uri: uri, max_bytes: maxBytes, base64_encode: true });
    if (b.is_base64 !== true) throw new McpToolError('bucket_object_fetch', { s3_uri: uri, max_bytes: maxBytes, base64_encode: true }, `asked for base64, it answered is_base64: ${JSON.stringify(b.is_base64)}`);
    const bytes = Buffer.from(String(b.data), 'base64');
    return { bytes, truncated: b.truncated === true };
  }

  async link(uri: string, expirationSeconds = 3600): Promise<ObjectLink> {
    const b = await toolCall(await this.client(), 'bucket_object_link', { s3_uri: uri, expiration: expirationSeconds });
    return { signedUrl: String(b.signed_url), expirationSeconds: Number(b.expiration_seconds), expiresAt: date(b.expires_at) };
  }

  async put(bucket: string, items: PutItem[]): Promise<PutResult[]> {
    const args = {
      bucket,
      items: items.map((i) => ({
        key: i.key,
        ...(typeof i.body === 'string' ? { text: i.body } : { data: Buffer.from(i.body).toString('base64') }),
        ...(i.contentType ? { content_type: i.contentType } : {}), ...(i.metadata ? { metadata: i.metadata } : {}),
      })),
    };
    const b = await toolCall(await this.client(), 'bucket_objects_put', args);
    const results = b.results as Array<{ key: string; etag?: string | null; error?: string | null }>;
    // 0.22.0 reports success: true with failed items: a failed item fails the operation.
    const failed = results.filter((r) => r.error);
    if (failed.length > 0 || Number(b.failed ?? 0) > 0) throw new McpToolError('bucket_objects_put', { bucket, keys: items.map((i) => i.key) }, failed.map((f) => `${f.key}: ${f.error}`).join('; ') || JSON.stringify(b));
    return results.map((r) => ({ key: r.key, s3Uri: `s3://${bucket}/${r.key}`, etag: String(r.etag ?? '').replace(/"/g, '') }));
  }
}

/** A request the driver cannot say through quilt-mcp's tools (not a defect of the product: a limit of its interface). */
export class McpCannotSay extends Error {
  override name = 'McpCannotSay';
}

const basename = (key: string): string => key.slice(key.lastIndexOf('/') + 1);
const HASH_UNKNOWN = 'unknown';

/**
 * The spec's package operations through quilt-mcp's package tools (registered in 0.20.0; 0.21.0 and
 * 0.22.0 do not register them — a recorded defect — so there every call fails with the tool's
 * "Unknown tool"). What a tool reports having written is then read back from S3 (`written`, the
 * admin's registry): the push result is the manifest the server wrote, never its own account of it.
 */
export class McpPackageOperations implements PackageOperations {
  constructor(
    private readonly client: () => Promise<ToolClient>,
    private readonly bucket: string,
    /** Reads what was written, from S3 (the registry as the admin sees it). */
    private readonly written: PackageRegistry,
    /** Where file contents given inline are first uploaded (bucket_objects_put), below the scenario's folder. */
    private readonly staging: (name: string) => string,
    private readonly objects: BucketOperations,
  ) {}

  private get registry(): string { return `s3://${this.bucket}`; }

  /** The S3 URIs of the entries, uploading inline contents first; logical keys must be file names (package_create flattens). */
  private async sources(name: string, entries: readonly EntrySource[]): Promise<string[]> {
    const inline: PutItem[] = [];
    const uris = entries.map((e) => {
      if (e.logicalKey.includes('/')) throw new McpCannotSay(`the mcp driver cannot name a file "${e.logicalKey}": quilt-mcp's package_create names each file by its file name (flatten) or its whole S3 key (tag the scenario @mcp-cannot-name-files)`);
      if ('content' in e) {
        const key = `${this.staging(name)}${e.logicalKey}`;
        inline.push({ key, body: e.content });
        return `s3://${this.bucket}/${key}`;
      }
      if (!e.source.startsWith('s3://') || basename(e.source.replace(/\?.*$/, '')) !== e.logicalKey) {
        throw new McpCannotSay(`the mcp driver cannot add ${e.source} as "${e.logicalKey}": package_create takes S3 URIs and names each file by its file name`);
      }
      return e.source;
    });
    if (inline.length) await this.objects.put(this.bucket, inline);
    return uris;
  }

  private async pushed(name: string, hash: unknown, tool: string, args: Record<string, unknown>): Promise<PushResult> {
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) throw new McpToolError(tool, args, `answered success without a top hash (top_hash: ${JSON.stringify(hash)})`);
    const revision = await this.written.browse(name, hash);
    const pointer = (await this.written.revisions(name)).find((r) => r.hash === hash);
    return { name, bucket: this.bucket, hash, timestamp: pointer?.timestamp ?? '', revision };
  }

  async create(name: string, options: CreateOptions): Promise<PushResult> {
    const args: Record<string, unknown> = {
      package_name: name, s3_uris: await this.sources(name, options.entries), registry: this.registry, flatten: true, copy: false,
      ...(options.message != null ? { message: options.message } : {}), ...(options.userMeta !== undefined ? { metadata: options.userMeta } : {}),
    };
    const b = await toolCall(await this.client(), 'package_create', args);
    return this.pushed(name, b.top_hash, 'package_create', args);
  }

  async update(name: string, options: PushOptions & { set: EntrySource[] }): Promise<PushResult> {
    const args: Record<string, unknown> = {
      package_name: name, s3_uris: await this.sources(name, options.set), registry: this.registry,
      ...(options.message != null ? { message: options.message } : {}), ...(options.userMeta !== undefined ? { metadata: options.userMeta } : {}),
    };
    const b = await toolCall(await this.client(), 'package_update', args);
    return this.pushed(name, b.top_hash, 'package_update', args);
  }

  async createFromPrefix(name: string, prefixUri: string, options: PushOptions = {}): Promise<PushResult> {
    const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(prefixUri);
    if (!m) throw new McpCannotSay(`createFromPrefix needs an s3://bucket/folder/ URI, got ${prefixUri}`);
    // As the spec's §2.2 calls it, but without the tool's own additions (a generated README, a
    // confirmation round): the package is to mirror the folder.
    const args: Record<string, unknown> = {
      source_bucket: m[1], source_prefix: m[2], package_name: name, target_registry: this.registry,
      ...(options.message != null ? { description: options.message } : {}),
      auto_organize: false, generate_readme: false, confirm_structure: false, copy: false,
    };
    const b = await toolCall(await this.client(), 'package_create_from_s3', args);
    return this.pushed(name, b.package_hash ?? b.top_hash, 'package_create_from_s3', args);
  }

  /** package_browse shows the latest revision only (it has no revision argument). */
  async browse(name: string, ref = 'latest'): Promise<PackageRevision> {
    if (ref !== 'latest') throw new McpCannotSay(`package_browse has no revision argument: it cannot browse ${name} at ${ref}`);
    const args = { package_name: name, registry: this.registry, recursive: true, include_signed_urls: false };
    const b = await toolCall(await this.client(), 'package_browse', args);
    const rows = (b.entries as Array<{ logical_key: string; size: number | null; hash?: unknown; physical_key?: unknown; is_directory?: boolean }>).filter((e) => !e.is_directory);
    // "metadata" is the revision's user metadata in both backends (platform: revision.userMeta;
    // quilt3: Package.meta); the answer has no message and no top hash of its own.
    const meta = (b.metadata ?? undefined) as Record<string, unknown> | undefined;
    const header: JsonMap = new Map([['version', 'v0']]);
    if (typeof b.message === 'string' || b.message === null) header.set('message', b.message);
    if (meta && Object.keys(meta).length > 0) header.set('user_meta', fromPlain(meta, 'package_browse metadata'));
    const manifest = new Manifest(header, rows.map((e) => ({
      logicalKey: e.logical_key, physicalKey: typeof e.physical_key === 'string' ? e.physical_key : '', size: Number(e.size ?? 0),
      hash: { type: 'SHA2-256', value: typeof e.hash === 'string' && e.hash ? e.hash : HASH_UNKNOWN }, meta: new Map(),
    })));
    const hash = typeof b.top_hash === 'string' ? b.top_hash : HASH_UNKNOWN;
    return new PackageRevision(this.bucket, name, hash, manifest);
  }

  async diff(name: string, known: { from?: string; to?: string } = {}): Promise<PackageDiff> {
    if (!known.from || !known.to) throw new McpCannotSay(`package_diff needs both top hashes: the driver knows them only for revisions this scenario made (from ${known.from}, to ${known.to})`);
    const args = { package1_name: name, package2_name: name, registry: this.registry, package1_hash: known.from, package2_hash: known.to };
    const b = await toolCall(await this.client(), 'package_diff', args);
    const d = (b.diff ?? {}) as Record<string, unknown>;
    const keys = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : String((x as { logical_key?: unknown }).logical_key ?? JSON.stringify(x)))) : []).sort();
    return { name, from: String(b.package1_hash), to: String(b.package2_hash), added: keys(d.added), modified: keys(d.modified), deleted: keys(d.deleted) } as PackageDiff;
  }

  /**
   * package_create with names, URIs and registry exactly as given (bad input, spec §3.3): the tool
   * decides what to refuse. Its answer is returned, or its refusal thrown (McpToolError).
   */
  async createAsGiven(name: string, s3Uris: string[], registry = this.registry): Promise<Body> {
    return toolCall(await this.client(), 'package_create', { package_name: name, s3_uris: s3Uris, registry, message: 'an attempt that should be refused' });
  }

  async deletePackage(name: string): Promise<unknown> {
    return toolCall(await this.client(), 'package_delete', { package_name: name, registry: this.registry });
  }

  async quiltPlusUri(name: string, hash: string, path: string): Promise<string> {
    const b = await toolCall(await this.client(), 'catalog_uri', { registry: this.registry, package_name: name, top_hash: hash, path });
    return String(b.quilt_plus_uri);
  }

  async catalogUrls(name: string, revision: { firstFile: string }): Promise<string[]> {
    const urls: string[] = [];
    for (const path of ['', revision.firstFile]) {
      const b = await toolCall(await this.client(), 'catalog_url', { registry: this.registry, package_name: name, ...(path ? { path } : {}) });
      urls.push(String(b.catalog_url));
    }
    return urls;
  }
}

/**
 * The spec's search through search_catalog. The tool has no key-prefix or name filter: for a
 * request scoped to a folder or a namespace the driver asks for up to 1,000 results and keeps those
 * inside it (the Then-steps check every kept result against the services).
 */
export class McpSearchOperations implements SearchOperations {
  constructor(private readonly client: () => Promise<ToolClient>) {}

  async search(req: SearchRequest): Promise<SearchAnswer> {
    const started = Date.now();
    const scoped = Boolean(req.keyPrefix || req.namePrefix || req.nameContains);
    const args = { query: req.query, scope: req.scope, bucket: req.bucket, limit: scoped ? 1000 : (req.limit ?? 10) };
    const b = await toolCall(await this.client(), 'search_catalog', args);
    const rows = (b.results ?? []) as Array<{ type?: string; name?: string; s3_uri?: string; size?: number; last_modified?: string; bucket?: string; score?: number; metadata?: Record<string, unknown> }>;
    const results: SearchResult[] = [];
    for (const r of rows) {
      const m = r.metadata ?? {};
      if (r.type === 'package') {
        const name = String(r.name ?? m.ptr_name ?? '');
        if ((req.namePrefix && !name.startsWith(req.namePrefix)) || (req.nameContains && !name.includes(req.nameContains))) continue;
        // 0.20.0-0.22.0 answer the pointer document: its revision's hash is only in the join field ("mnfst:<hash>").
        const parent = (m.join_field as { parent?: unknown } | undefined)?.parent;
        const hash = m.mnfst_hash ?? m.top_hash ?? (typeof parent === 'string' && parent.startsWith('mnfst:') ? parent.slice(6) : undefined);
        results.push({ type: 'package', bucket: String(r.bucket ?? req.bucket), packageName: name, score: Number(r.score ?? 0), size: Number(r.size ?? 0),
          ...(typeof hash === 'string' ? { hash } : {}), ...(r.last_modified ? { lastModified: String(r.last_modified) } : {}), metadata: m,
          ...(typeof m.mnfst_stats === 'object' && m.mnfst_stats ? { totalEntries: Number((m.mnfst_stats as { total_files?: unknown }).total_files) } : {}) });
      } else {
        const key = String(r.name ?? m.key ?? '');
        if (req.keyPrefix && !key.startsWith(req.keyPrefix)) continue;
        results.push({ type: 'file', bucket: String(r.bucket ?? req.bucket), key, s3Uri: String(r.s3_uri ?? `s3://${r.bucket}/${key}`), score: Number(r.score ?? 0), size: Number(r.size ?? 0),
          ...(r.last_modified ? { lastModified: String(r.last_modified) } : {}), ...(typeof m.version_id === 'string' ? { versionId: m.version_id } : {}),
          ...(typeof m.etag === 'string' ? { etag: m.etag.replace(/"/g, '') } : {}) });
      }
    }
    const kept = results.slice(0, req.limit ?? 10);
    return { results: kept, totalResults: scoped ? kept.length : Number(b.total_results ?? kept.length), queryTimeMs: Date.now() - started };
  }

  async suggest(partial: string): Promise<Array<{ text: string; fileType?: string }>> {
    const b = await toolCall(await this.client(), 'search_suggest', { partial_query: partial });
    // Its suggestions come in groups (query_completions, file_type_suggestions, ...), each entry naming its text its own way.
    const groups = (b.suggestions ?? {}) as Record<string, Array<Record<string, unknown>>>;
    return Object.values(groups).flat().map((s) => {
      const text = s.completion ?? s.suggestion ?? s.query ?? s.text;
      return { text: String(text), ...(typeof s.file_type === 'string' ? { fileType: s.file_type } : {}) };
    });
  }

  async explain(query: string): Promise<SearchExplanation> {
    const b = await toolCall(await this.client(), 'search_explain', { query });
    const e = (b.explanation ?? {}) as { query_analysis?: Record<string, unknown>; backend_selection?: { selected_backends?: string[]; selection_reasoning?: Record<string, { why_selected?: string }> } };
    const a = e.query_analysis ?? {};
    const reasons = Object.fromEntries(Object.entries(e.backend_selection?.selection_reasoning ?? {}).map(([k, v]) => [k, String(v.why_selected ?? '')]));
    return {
      kind: String(a.detected_type ?? b.query_complexity ?? ''), keywords: ((a.keywords ?? []) as unknown[]).map(String), fileTypes: ((a.file_extensions ?? []) as unknown[]).map(String),
      backends: e.backend_selection?.selected_backends ?? ((b.backends_selected ?? []) as string[]), reasons,
    };
  }
}

/**
 * The spec's SQL through athena_query_execute (PyAthena inside quilt-mcp, on the target's Athena
 * API and work group). Rows come back as JSON objects; they are put back in column order.
 */
export class McpSqlOperations implements SqlOperations {
  /** @param catalog the target's Tabulator data catalog (Quilt's "<stack>-tabulator"), for the table tools */
  constructor(private readonly client: () => Promise<ToolClient>, private readonly catalog: () => string) {}

  readonly tabulatorCatalog = {
    databases: async (): Promise<string[]> => ((await toolCall(await this.client(), 'tabulator_list_buckets', {})).buckets as string[] ?? []),
    tables: async (database: string): Promise<string[]> => {
      const b = await toolCall(await this.client(), 'athena_tables_list', { database, data_catalog_name: this.catalog() });
      return ((b.tables ?? []) as Array<{ name?: unknown } | string>).map((t) => (typeof t === 'string' ? t : String(t.name)));
    },
    schema: async (database: string, table: string): Promise<QueryResult['columns']> => {
      const b = await toolCall(await this.client(), 'athena_table_schema', { database, table, data_catalog_name: this.catalog() });
      // The table's columns as the tool reports them (0.20.0-0.22.0 put some under "partitions").
      return ((b.columns ?? []) as Array<{ name: string; type: string }>).map((c) => ({ name: c.name, type: c.type }));
    },
  };

  /** athena_query_validate: an invalid query is an answer (valid false, its error), not a failure of the tool. */
  async validate(sql: string): Promise<{ valid: boolean; reason: string }> {
    try {
      const b = await toolCall(await this.client(), 'athena_query_validate', { query: sql });
      return { valid: b.valid === true, reason: String(b.error ?? '') };
    } catch (e) {
      if (e instanceof McpToolError && e.tool === 'athena_query_validate') return { valid: false, reason: e.answer };
      throw e;
    }
  }

  async query(sql: string, options: { maxRows?: number; deadlineMs?: number } = {}): Promise<QueryResult> {
    const started = Date.now();
    const args = { query: sql, max_results: Math.min(options.maxRows ?? 10_000, 10_000), output_format: 'json' };
    return queryResultOf(await toolCall(await this.client(), 'athena_query_execute', args), started);
  }
}

/** A query tool's JSON answer (athena_query_execute, tabulator_bucket_query) as a QueryResult: rows in column order. */
export function queryResultOf(b: Body, started: number): QueryResult {
  const names = (b.columns ?? []) as string[];
  const dtypes = (b.dtypes ?? {}) as Record<string, string>;
  const rows = ((b.formatted_data ?? []) as Array<Record<string, unknown>>).map((o) => names.map((n) => o[n] ?? null));
  const totalMs = Date.now() - started;
  return {
    // quilt-mcp answers pandas dtypes (int64, float64, str), not the query's SQL types.
    queryId: '', columns: names.map((name) => ({ name, type: `pandas:${dtypes[name] ?? 'unknown'}` })), rows,
    rowCount: Number(b.row_count ?? rows.length), truncated: b.truncated === true, timings: { queuedMs: 0, executionMs: totalMs, totalMs },
  };
}

/** The media type of the attachment listing the quilt-mcp tools a scenario called (tools/list coverage in the living docs). */
export const MCP_CALLS_MEDIA_TYPE = 'application/x.quilt-e2e.mcp-calls+json';

/**
 * The sessions of one scenario, one per persona, made on first use by `connect` (a platform-mode
 * session over HTTP with the persona's JWT, or the persona's quilt3-mode process); every tool called
 * is recorded. close() ends the sessions this scenario made unless they are the worker's (`kept`).
 */
export class McpSessions {
  private readonly sessions = new Map<string, Promise<Client>>();
  /** The tools called through these sessions, in order. */
  readonly calls: string[] = [];
  constructor(private readonly connect: (persona: string) => Promise<Client>, private readonly kept = false) {}

  client(persona: string): Promise<ToolClient> {
    let c = this.sessions.get(persona);
    if (!c) {
      c = this.connect(persona);
      this.sessions.set(persona, c);
    }
    return c.then((client) => ({
      callTool: (params, ...rest) => { this.calls.push(params.name); return client.callTool(params, ...rest); },
      readResource: (params, ...rest) => client.readResource(params, ...rest),
    }));
  }

  async close(): Promise<void> {
    if (!this.kept) for (const c of this.sessions.values()) await (await c.catch(() => undefined))?.close().catch(() => undefined);
    this.sessions.clear();
  }
}
