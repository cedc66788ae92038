/**
 * The preview services of Quilt's API gateway (../previews.ts), under the registry's /api — the
 * stack's `apiGatewayEndpoint`:
 *   GET /api/preview           the head of a text file (Quilt's `preview` lambda)
 *   GET /api/tabular-preview   the first rows of a table (Quilt's `tabular_preview` lambda)
 * No token: the signed URL of the object is the authority, as in Quilt.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { awsS3Location, relaySignedS3, stackCredentials, type S3ProxyOptions } from '../../catalog-ui/s3-proxy.js';
import { IssuedCredentialsStore } from '../../sts/issued.js';
import { faultIs } from '../../faults.js';
import type { CatalogContext } from '../context.js';
import {
  decompressed, gzipped, intArg, PreviewError, TABULAR_INPUTS, TABULAR_SIZES, tabularPreview, TEXT_INPUTS, TEXT_MAX_BYTES, TEXT_MAX_LINES, textPreview,
} from '../previews.js';
import { only } from './methods.js';

/** What S3 answered for the signed URL's first `bytes` bytes: the data and whether the object goes on. */
type Read = { ok: true; data: Buffer; more: boolean } | { ok: false; status: number; error: string; text: string };

const REASONS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

export function previewRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const s3: S3ProxyOptions = {
    upstream: ctx.config.s3Endpoint,
    credentialsOf: stackCredentials(Object.values(ctx.config.users), new IssuedCredentialsStore(ctx.config.credentials.issuedDir)),
    maxBodyBytes: 0,
    upstreamTimeoutMs: 30_000,
    log: ctx.log,
  };

  /** Reads the first `bytes` bytes of the object the signed URL names, as its signer may. */
  async function read(url: string | undefined, bytes: number): Promise<Read> {
    const at = url === undefined ? undefined : awsS3Location(url);
    if (!at) throw new PreviewError(400, 'Invalid url=. Expected S3 virtual-host URL (https://<bucket>.s3.<region>.amazonaws.com/<key>?<signature>).');
    const answer = await relaySignedS3({ method: 'GET', ...at, headers: { range: `bytes=0-${bytes}` }, body: Buffer.alloc(0) }, s3);
    // An empty object has no byte 0: S3 answers 416 to the range.
    if (answer.status === 416) return { ok: true, data: Buffer.alloc(0), more: false };
    if (answer.status >= 300) return { ok: false, status: answer.status, error: REASONS[answer.status] ?? `HTTP ${answer.status}`, text: answer.body.toString('utf8') };
    const total = Number(/\/(\d+)$/.exec(answer.headers['content-range'] ?? '')?.[1] ?? answer.body.length);
    // Fault preview-wrong-bytes: the preview starts after the file's first line.
    const data = faultIs('preview-wrong-bytes') ? answer.body.subarray(answer.body.indexOf(10) + 1) : answer.body;
    return { ok: true, data, more: total > answer.body.length };
  }

  const oneOf = <T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T => {
    if (raw === undefined || !(allowed as readonly string[]).includes(raw)) {
      throw new PreviewError(400, `${name}=${raw === undefined ? ' is missing' : JSON.stringify(raw)}: the local stack previews ${name} ${allowed.join(', ')}`);
    }
    return raw as T;
  };
  const failed = (reply: FastifyReply, e: unknown): FastifyReply => {
    if (e instanceof PreviewError) return reply.code(e.status).send({ title: e.message });
    throw e;
  };

  only(app, '/api/preview', ['GET'], 'use GET', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    try {
      oneOf('input', q.input, TEXT_INPUTS);
      const maxBytes = intArg('max_bytes', q.max_bytes, TEXT_MAX_BYTES, 1, TEXT_MAX_BYTES);
      const maxLines = intArg('line_count', q.line_count, TEXT_MAX_LINES, 1, TEXT_MAX_LINES);
      const got = await read(q.url, maxBytes);
      if (!got.ok) return reply.code(got.status).send({ error: got.error, text: got.text });
      return reply.send(textPreview(decompressed(got.data, q.compression), maxBytes, maxLines, got.more));
    } catch (e) { return failed(reply, e); }
  });

  only(app, '/api/tabular-preview', ['GET'], 'use GET', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    try {
      const input = oneOf('input', q.input, TABULAR_INPUTS);
      const maxBytes = TABULAR_SIZES[oneOf('size', q.size ?? 'small', Object.keys(TABULAR_SIZES) as Array<keyof typeof TABULAR_SIZES>)];
      // A table converted to CSV (TSV, JSONL) may grow or shrink: read half as much again.
      const got = await read(q.url, Math.ceil(maxBytes * 1.5));
      if (!got.ok) return reply.code(got.status).send({ error: got.error, text: got.text });
      const { csv, truncated } = tabularPreview(decompressed(got.data, q.compression), input, maxBytes, got.more);
      return reply.code(200).headers({ 'content-type': 'text/csv', 'content-encoding': 'gzip', 'x-quilt-info': JSON.stringify({ truncated }) }).send(gzipped(csv));
    } catch (e) { return failed(reply, e); }
  });
}
