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
import { mcpClient } from '@quilt-e2e/stack/servers/mcp.js';
import type { Listing, ObjectInfo, ObjectLink, ObjectText, PutItem, PutResult } from '../domain/objects.js';
import type { BucketOperations } from './driver.js';

/** A tool call that failed at the tool level: the tool, its arguments and its own answer. */
export class McpToolError extends Error {
  override name = 'McpToolError';
  constructor(readonly tool: string, readonly args: Record<string, unknown>, readonly answer: string) {
    super(`quilt-mcp tool ${tool} failed: ${answer.slice(0, 600)}\n  arguments: ${JSON.stringify(args).slice(0, 300)}`);
  }
}

type Body = Record<string, unknown>;

/** Calls a tool and returns its JSON body, or throws McpToolError with the tool's text. */
export async function toolCall(client: Client, tool: string, args: Record<string, unknown>): Promise<Body> {
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

/** The spec's bucket operations through quilt-mcp's bucket tools. */
export class McpBucketOperations implements BucketOperations {
  constructor(private readonly client: () => Promise<Client>) {}

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
    return { text: String(b.text), bytesRead: Number(b.bytes_read), truncated: b.truncated === true, binary: false };
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

/** One MCP session per persona, made on first use, closed with the World. */
export class McpSessions {
  private readonly sessions = new Map<string, Promise<Client>>();
  constructor(private readonly url: string, private readonly tokenOf: (persona: string) => string | undefined) {}

  client(persona: string): Promise<Client> {
    let c = this.sessions.get(persona);
    if (!c) {
      const token = this.tokenOf(persona);
      if (!token) return Promise.reject(new Error(`the mcp driver needs ${persona}'s catalog token (a JWT) to act as ${persona}`));
      c = mcpClient(this.url, token, `quilt-e2e-${persona}`);
      this.sessions.set(persona, c);
    }
    return c;
  }

  async close(): Promise<void> {
    for (const c of this.sessions.values()) await (await c.catch(() => undefined))?.close().catch(() => undefined);
    this.sessions.clear();
  }
}
