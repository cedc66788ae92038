/**
 * The S3 front: Ceph RGW 16 with S3's flexible checksums, as AWS answers them. RGW 16 ignores the
 * x-amz-checksum-* headers — it neither checks a ChecksumSHA256 nor answers one — while quilt3
 * (8.x) uploads with ChecksumAlgorithm=SHA256 and reads the checksum S3 answers to hash the package
 * (without it quilt3's push fails with KeyError 'ChecksumSHA256'). The front passes every request
 * to RGW byte for byte (the client's SigV4 signature stays valid: nothing signed changes) and:
 *   - PutObject / UploadPart with a SHA-256 checksum asked for: checks a claimed one (400 BadDigest
 *     before anything is written, as S3 does) and answers x-amz-checksum-sha256; a part's checksum
 *     is remembered for its upload;
 *   - CompleteMultipartUpload with the parts' checksums: each must be the one answered for that
 *     part (else 400 InvalidPart, as S3 does); answers the composite <ChecksumSHA256>;
 *   - CopyObject / UploadPartCopy with a checksum asked for: answers the SHA-256 of what was copied,
 *     read back (the copy's version, streamed) with the stack's reader credentials.
 * Bodies with aws-chunked framing (streaming signatures, trailing checksums) pass through without
 * checksums: their bytes are not the object's. Everything else streams through untouched. Each
 * exchange with RGW has a deadline from start to end. Successful GetObjects are recorded in an
 * access log (./access-log.ts), as CloudTrail records a Quilt stack's S3 reads.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import Fastify, { type FastifyInstance } from 'fastify';
import { compositeChecksum, partChecksums, sha256Base64, withChecksum } from './checksums.js';
import { faultIs } from '../faults.js';
import { AccessLog, isGetObject } from '../access-log.js';

export interface S3FrontConfig {
  port: number;
  /** RGW, e.g. http://127.0.0.1:7480. */
  upstream: string;
  region: string;
  /** Credentials the front reads copied objects with, to checksum them. */
  reader: { accessKeyId: string; secretAccessKey: string };
  /** Largest body the front checks (bytes); a larger one to be checksummed is refused with 413. */
  maxBodyBytes: number;
  /** Deadline of each exchange with RGW, start to end (ms). */
  upstreamTimeoutMs: number;
  /** Where successful GetObjects are recorded (./access-log.ts); absent: not recorded. */
  accessLog?: string;
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
      if (size > max) { req.destroy(); reject(new FrontError(413, 'EntityTooLarge', `the S3 front checks bodies up to ${max} bytes (QUILT_E2E_S3_FRONT_MAX_BODY_BYTES)`)); return; }
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

function decodeKey(s: string): string {
  try { return decodeURIComponent(s); } catch { throw new FrontError(400, 'InvalidURI', `the object key ${JSON.stringify(s)} is not valid percent-encoding`); }
}

export function createS3Front(config: S3FrontConfig): { app: FastifyInstance; close: () => Promise<void> } {
  const upstream = new URL(config.upstream);
  const reader = new S3Client({
    endpoint: config.upstream, region: config.region, forcePathStyle: true, credentials: config.reader, maxAttempts: 2,
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { requestTimeout: config.upstreamTimeoutMs, connectionTimeout: 5_000 },
  });
  const reads = config.accessLog ? new AccessLog(config.accessLog, config.log) : undefined;
  /** The checksum answered for each part of each open multipart upload (uploadId → part number → checksum). */
  const parts = new Map<string, Map<number, string>>();

  /** Sends the request to RGW with the same method, path and (signed) headers; the body given, or streamed from the request. */
  const forward = (req: IncomingMessage, body: Buffer | null): Promise<IncomingMessage> => new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    if (body) headers['content-length'] = String(body.length);
    else if (req.headers['transfer-encoding']) headers['transfer-encoding'] = 'chunked';
    const up = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (res) => {
      // The deadline covers the whole exchange: a stalled answer is cut too.
      res.on('close', () => clearTimeout(deadline));
      resolve(res);
    });
    const deadline = setTimeout(() => up.destroy(new FrontError(504, 'GatewayTimeout', `RGW did not finish within ${config.upstreamTimeoutMs} ms`)), config.upstreamTimeoutMs);
    up.on('error', (e) => { clearTimeout(deadline); reject(e); });
    if (body) up.end(body);
    else pipeline(req, up, () => { /* a failed request body is reported through `up` */ });
  });

  const bodyOf = async (res: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };

  /** The SHA-256 of an object (a byte range of it, a version of it), streamed from RGW with the front's reader credentials. */
  const objectChecksum = async (bucket: string, key: string, versionId?: string, range?: string): Promise<string | undefined> => {
    try {
      const r = await reader.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}), ...(range ? { Range: range } : {}) }));
      const h = createHash('sha256');
      for await (const c of r.Body as Readable) h.update(c as Buffer);
      return h.digest('base64');
    } catch (e) {
      config.log(`s3-front: could not read s3://${bucket}/${key} to checksum it (${(e as Error).name}); answered without a checksum`);
      return undefined;
    }
  };

  /** Streams RGW's answer to the client; a client that goes away stops the exchange with RGW. */
  const relay = (res: ServerResponse, up: IncomingMessage, extra: Record<string, string> = {}): void => {
    const headers = { ...up.headers, ...extra };
    // Fault drop-user-metadata: a storage that answers without an object's user metadata.
    if (faultIs('drop-user-metadata')) for (const k of Object.keys(headers)) if (k.startsWith('x-amz-meta-')) delete headers[k];
    res.writeHead(up.statusCode ?? 502, headers);
    pipeline(up, res, () => { /* a client or RGW that went away mid-answer: nothing more to say */ });
  };

  /** Answers with RGW's status and headers, the body replaced (content-length fixed). */
  const replaceBody = (res: ServerResponse, up: IncomingMessage, body: string | Buffer): void => {
    const headers = { ...up.headers, 'content-length': String(Buffer.byteLength(body)) };
    delete headers['transfer-encoding'];
    res.writeHead(up.statusCode ?? 502, headers);
    res.end(body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://front');
    const [bucket, ...rest] = url.pathname.replace(/^\//, '').split('/');
    const algorithm = (header(req, 'x-amz-sdk-checksum-algorithm') ?? header(req, 'x-amz-checksum-algorithm') ?? '').toUpperCase();
    const claimed = header(req, 'x-amz-checksum-sha256');
    const copySource = header(req, 'x-amz-copy-source');
    const uploadId = url.searchParams.get('uploadId');
    const chunked = /aws-chunked/i.test(header(req, 'content-encoding') ?? '') || /^STREAMING-/i.test(header(req, 'x-amz-content-sha256') ?? '');
    const checksummed = req.method === 'PUT' && !copySource && !chunked && (claimed !== undefined || algorithm === 'SHA256');
    const completing = req.method === 'POST' && uploadId !== null && !chunked;

    // Only bodies the front must look at are read whole; every other body streams through.
    const body = checksummed || completing ? await readBody(req, config.maxBodyBytes) : null;
    let checksum: string | undefined;
    if (checksummed) {
      checksum = sha256Base64(body!);
      if (claimed !== undefined && claimed !== checksum) throw new FrontError(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
    }
    const listed = completing ? partChecksums(body!.toString('utf8')) : null;
    const known = completing ? parts.get(uploadId!) : undefined;
    const wrong = listed && known ? listed.filter((p) => known.has(p.number) && known.get(p.number) !== p.checksum).map((p) => p.number) : [];
    if (wrong.length) throw new FrontError(400, 'InvalidPart', `the checksum given for part ${wrong.join(', ')} is not the one answered when it was uploaded`);
    const up = await forward(req, body);
    const ok = (up.statusCode ?? 500) < 300;

    if (ok && checksum) {
      const partNumber = Number(url.searchParams.get('partNumber'));
      if (uploadId && Number.isInteger(partNumber)) {
        if (!parts.has(uploadId)) parts.set(uploadId, new Map());
        parts.get(uploadId)!.set(partNumber, checksum);
      }
      relay(res, up, { 'x-amz-checksum-sha256': checksum });
      return;
    }
    if (completing) {
      if (ok) parts.delete(uploadId!);
      const xml = (await bodyOf(up)).toString('utf8');
      replaceBody(res, up, ok && listed ? withChecksum(xml, 'CompleteMultipartUploadResult', compositeChecksum(listed.map((p) => p.checksum))) : xml);
      return;
    }
    if (req.method === 'DELETE' && uploadId) parts.delete(uploadId);
    // CopyObject / UploadPartCopy with a checksum asked for: the SHA-256 of what was copied.
    if (ok && req.method === 'PUT' && copySource && (algorithm === 'SHA256' || uploadId !== null)) {
      const xml = (await bodyOf(up)).toString('utf8');
      if (uploadId !== null) {
        const src = new URL(`http://s/${copySource.replace(/^\//, '')}`);
        const [sb, ...sk] = src.pathname.slice(1).split('/');
        const sum = await objectChecksum(sb!, decodeKey(sk.join('/')), src.searchParams.get('versionId') ?? undefined, header(req, 'x-amz-copy-source-range'));
        replaceBody(res, up, sum ? withChecksum(xml, 'CopyPartResult', sum) : xml);
      } else {
        const version = up.headers['x-amz-version-id'];
        const sum = await objectChecksum(bucket!, decodeKey(rest.join('/')), Array.isArray(version) ? version[0] : version);
        replaceBody(res, up, sum ? withChecksum(xml, 'CopyObjectResult', sum) : xml);
      }
      return;
    }
    const key = rest.join('/');
    if (reads && isGetObject(req.method, up.statusCode ?? 0, bucket, key, url.searchParams)) reads.record(bucket!, decodeKey(key), [header(req, 'user-agent'), header(req, 'x-amz-user-agent')].filter(Boolean).join(' '));
    relay(res, up);
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
  return { app, close: async () => { await app.close(); reader.destroy(); await reads?.close(); } };
}
