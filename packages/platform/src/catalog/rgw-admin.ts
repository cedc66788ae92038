/**
 * A small client for RGW's admin REST API (the `/admin/...` resources that `radosgw-admin` also
 * reaches), signed with AWS Signature V4 by the AWS SDK's own signer. The catalog uses it only
 * for its change feed: the bucket's instance id (`GET /admin/bucket`) and the bucket index log
 * (`GET`/`DELETE /admin/log?type=bucket-index`). The caller's RGW user needs the caps
 * `buckets=read; bilog=read,write` (given to the catalog's service user by the stack).
 */
import { Agent, request } from 'node:http';
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** SigV4 needs a hash constructor: node's crypto in the shape the signer expects. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): Buffer => (typeof d === 'string' ? Buffer.from(d, 'utf8') : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d));
export class Sha256 {
  private readonly h;
  constructor(secret?: SourceData) { this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret)); }
  update(data: SourceData): void { this.h.update(bytes(data)); }
  async digest(): Promise<Uint8Array> { return new Uint8Array(this.h.digest()); }
}

export class RgwAdminError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); this.name = 'RgwAdminError'; }
}

export interface BilogEntry {
  op_id: string;
  op_tag?: string;
  op: string;
  object: string;
  instance?: string;
  state?: string;
  index_ver?: number;
  timestamp?: string;
  versioned?: boolean;
}

export class RgwAdminClient {
  private readonly signer: SignatureV4;
  private readonly url: URL;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });

  constructor(endpoint: string, region: string, credentials: { accessKeyId: string; secretAccessKey: string }, private readonly timeoutMs = 10_000) {
    this.url = new URL(endpoint);
    this.signer = new SignatureV4({ service: 's3', region, credentials, sha256: Sha256, uriEscapePath: true });
  }

  private async send(method: 'GET' | 'DELETE', path: string, query: Record<string, string>): Promise<unknown> {
    const host = this.url.host;
    const signed = await this.signer.sign({
      method, protocol: this.url.protocol, hostname: this.url.hostname, port: Number(this.url.port) || 80, path, query, headers: { host },
    });
    const qs = new URLSearchParams(query).toString();
    return new Promise((resolve, reject) => {
      const req = request({
        method, host: this.url.hostname, port: Number(this.url.port) || 80, path: `${path}?${qs}`, headers: signed.headers, agent: this.agent, timeout: this.timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) { resolve(body); return; }
          const code = (body as { Code?: string } | null)?.Code ?? `HTTP${status}`;
          reject(new RgwAdminError(status, code, `RGW admin ${method} ${path}?${qs} answered ${status} ${code}`));
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new RgwAdminError(0, 'Timeout', `RGW admin ${method} ${path} gave no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** The bucket's instance id (changes when a bucket of that name is deleted and made again) and its index shard count. */
  async bucketInstance(bucket: string): Promise<{ id: string; shards: number }> {
    const b = await this.send('GET', '/admin/bucket', { bucket, stats: 'true' }) as { id?: string; num_shards?: number };
    if (!b?.id) throw new RgwAdminError(404, 'NoSuchBucket', `RGW knows no bucket ${bucket}`);
    return { id: b.id, shards: Math.max(1, b.num_shards ?? 1) };
  }

  /** Up to `max` bucket index log entries of one index shard after `marker` ('' = from the start). */
  async bilogList(bucket: string, instanceId: string, shard: number, marker: string, max = 1000): Promise<BilogEntry[]> {
    const r = await this.send('GET', '/admin/log', {
      type: 'bucket-index', 'bucket-instance': `${bucket}:${instanceId}:${shard}`, 'max-entries': String(max), ...(marker ? { marker } : {}),
    });
    return Array.isArray(r) ? r as BilogEntry[] : [];
  }

  /** Removes one shard's log entries up to and including `endMarker`. */
  async bilogTrim(bucket: string, instanceId: string, shard: number, endMarker: string): Promise<void> {
    await this.send('DELETE', '/admin/log', { type: 'bucket-index', 'bucket-instance': `${bucket}:${instanceId}:${shard}`, 'end-marker': endMarker });
  }

  destroy(): void { this.agent.destroy(); }
}
