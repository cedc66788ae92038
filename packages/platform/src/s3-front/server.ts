/**
 * The S3 front: Ceph RGW 16 with S3's flexible checksums, as AWS answers them. RGW 16 ignores the
 * x-amz-checksum-* headers — it neither checks a ChecksumSHA256 nor answers one — while quilt3
 * (8.x) uploads with ChecksumAlgorithm=SHA256 and reads the checksum S3 answers to hash the package
 * (without it quilt3's push fails with KeyError 'ChecksumSHA256'). The front passes every request
 * to RGW byte for byte (the client's SigV4 signature stays valid: nothing signed changes) and:
 *   - PutObject / UploadPart with a SHA-256 checksum asked for: checks a claimed one (400 BadDigest
 *     before anything is written, as S3 does) and answers x-amz-checksum-sha256;
 *   - CompleteMultipartUpload with the parts' checksums: answers the composite <ChecksumSHA256>;
 *   - CopyObject / UploadPartCopy with a checksum asked for: answers the SHA-256 of what was copied,
 *     read back with the stack's reader credentials.
 * Everything else streams through untouched. Checksums are not stored: a later HeadObject with
 * ChecksumMode answers none (as S3 does for objects written without one).
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import Fastify, { type FastifyInstance } from 'fastify';
import { compositeChecksum, partChecksums, sha256Base64, withChecksum } from './checksums.js';

export interface S3FrontConfig {
  port: number;
  /** RGW, e.g. http://127.0.0.1:7480. */
  upstream: string;
  region: string;
  /** Credentials the front reads copied objects with, to checksum them. */
  reader: { accessKeyId: string; secretAccessKey: string };
  /** Largest request body taken (bytes); S3 parts of quilt3 are 8 MiB and more. */
  maxBodyBytes: number;
  /** Deadline of each request to RGW (ms). */
  upstreamTimeoutMs: number;
  log: (line: string) => void;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'expect', 'te', 'trailer']);

class FrontError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

function sendError(res: ServerResponse, e: FrontError): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${e.code}</Code><Message>${e.message}</Message></Error>`;
  res.writeHead(e.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) { req.destroy(); reject(new FrontError(413, 'EntityTooLarge', `the S3 front takes bodies up to ${max} bytes (QUILT_E2E_S3_FRONT_MAX_BODY_BYTES)`)); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function createS3Front(config: S3FrontConfig): { app: FastifyInstance; close: () => Promise<void> } {
  const upstream = new URL(config.upstream);
  const reader = new S3Client({
    endpoint: config.upstream, region: config.region, forcePathStyle: true, credentials: config.reader, maxAttempts: 2,
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { requestTimeout: config.upstreamTimeoutMs, connectionTimeout: 5_000 },
  });

  /** Sends the request to RGW with the same method, path and (signed) headers. */
  const forward = (req: IncomingMessage, body: Buffer): Promise<IncomingMessage> => new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    if (body.length > 0 || req.method === 'PUT' || req.method === 'POST') headers['content-length'] = String(body.length);
    const up = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, timeout: config.upstreamTimeoutMs }, resolve);
    up.on('timeout', () => up.destroy(new FrontError(504, 'GatewayTimeout', `RGW did not answer within ${config.upstreamTimeoutMs} ms`)));
    up.on('error', reject);
    up.end(body);
  });

  const bodyOf = async (res: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };

  /** The SHA-256 of an object (a byte range of it), read from RGW with the front's reader credentials. */
  const objectChecksum = async (bucket: string, key: string, versionId?: string, range?: string): Promise<string | undefined> => {
    try {
      const r = await reader.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}), ...(range ? { Range: range } : {}) }));
      return sha256Base64(await r.Body!.transformToByteArray());
    } catch (e) {
      config.log(`s3-front: could not read s3://${bucket}/${key} to checksum it (${(e as Error).name}); answered without a checksum`);
      return undefined;
    }
  };

  /** Answers with RGW's status and headers, the body replaced (content-length fixed). */
  const replaceBody = (res: ServerResponse, up: IncomingMessage, body: string | Buffer, extra: Record<string, string> = {}): void => {
    const headers = { ...up.headers, ...extra, 'content-length': String(Buffer.byteLength(body)) };
    delete headers['transfer-encoding'];
    res.writeHead(up.statusCode ?? 502, headers);
    res.end(body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://front');
    const [bucket, ...rest] = url.pathname.replace(/^\//, '').split('/');
    const key = decodeURIComponent(rest.join('/'));
    const algorithm = (header(req, 'x-amz-sdk-checksum-algorithm') ?? header(req, 'x-amz-checksum-algorithm') ?? '').toUpperCase();
    const claimed = header(req, 'x-amz-checksum-sha256');
    const copySource = header(req, 'x-amz-copy-source');
    const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req, config.maxBodyBytes);

    // PutObject / UploadPart: the checksum of the body, a claimed one checked before anything is written.
    let checksum: string | undefined;
    if (req.method === 'PUT' && !copySource && (claimed !== undefined || algorithm === 'SHA256')) {
      checksum = sha256Base64(body);
      if (claimed !== undefined && claimed !== checksum) throw new FrontError(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
    }
    const up = await forward(req, body);
    const ok = (up.statusCode ?? 500) < 300;

    if (ok && checksum) {
      res.writeHead(up.statusCode!, { ...up.headers, 'x-amz-checksum-sha256': checksum });
      up.pipe(res);
      return;
    }
    // CompleteMultipartUpload: the composite checksum of the parts the client names.
    if (ok && req.method === 'POST' && url.searchParams.has('uploadId')) {
      const parts = partChecksums(body.toString('utf8'));
      const xml = (await bodyOf(up)).toString('utf8');
      replaceBody(res, up, parts ? withChecksum(xml, 'CompleteMultipartUploadResult', compositeChecksum(parts)) : xml);
      return;
    }
    // CopyObject / UploadPartCopy with a checksum asked for: the SHA-256 of what was copied.
    if (ok && req.method === 'PUT' && copySource && (algorithm === 'SHA256' || url.searchParams.has('uploadId'))) {
      const xml = (await bodyOf(up)).toString('utf8');
      let sum: string | undefined;
      if (url.searchParams.has('uploadId')) {
        const src = new URL(`http://s/${copySource.replace(/^\//, '')}`);
        const [sb, ...sk] = src.pathname.slice(1).split('/');
        sum = await objectChecksum(sb!, decodeURIComponent(sk.join('/')), src.searchParams.get('versionId') ?? undefined, header(req, 'x-amz-copy-source-range'));
        replaceBody(res, up, sum ? withChecksum(xml, 'CopyPartResult', sum) : xml);
      } else {
        const version = up.headers['x-amz-version-id'];
        sum = await objectChecksum(bucket!, key, Array.isArray(version) ? version[0] : version);
        replaceBody(res, up, sum ? withChecksum(xml, 'CopyObjectResult', sum) : xml);
      }
      return;
    }
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  }

  const app = Fastify({ logger: false, bodyLimit: config.maxBodyBytes });
  // Every request is proxied from the raw stream, before fastify would parse a body.
  app.addHook('onRequest', async (req, reply) => {
    reply.hijack();
    try {
      await handle(req.raw, reply.raw);
    } catch (e) {
      const err = e instanceof FrontError ? e : new FrontError(502, 'BadGateway', `the S3 front could not reach RGW: ${(e as Error).message}`);
      if (!(e instanceof FrontError)) config.log(`s3-front: ${req.raw.method} ${req.raw.url}: ${(e as Error).stack ?? e}`);
      if (!reply.raw.headersSent) sendError(reply.raw, err); else reply.raw.destroy();
    }
  });
  return { app, close: async () => { await app.close(); reader.destroy(); } };
}
