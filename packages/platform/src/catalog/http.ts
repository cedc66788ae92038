/** HTTP helpers for the catalog's fastify routes: errors with a status, JSON and HTML answers. */
import type { FastifyReply } from 'fastify';

/** An error that becomes an HTTP answer `{error, message}` with this status. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendJson(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): FastifyReply {
  if (reply.sent) return reply; // the request's deadline answered first
  return reply.code(status).headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).send(JSON.stringify(body));
}

export function sendError(reply: FastifyReply, e: HttpError): FastifyReply {
  return sendJson(reply, e.status, { error: e.code, message: e.message, ...e.extra });
}

/** 405 with the methods a route takes. */
export function methodNotAllowed(what: string): HttpError {
  return new HttpError(405, 'MethodNotAllowed', what);
}

/** HTML-escapes text for element content and double-quoted attributes. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A request body that must be a JSON object; otherwise 400 with a right one. */
export function jsonObject(raw: unknown, example: Record<string, unknown>): Record<string, unknown> {
  let body: unknown;
  try { body = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : ''); } catch { body = undefined; }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'BadRequest', `the body must be a JSON object, for example ${JSON.stringify(example)}`);
  return body as Record<string, unknown>;
}

/** A JSON object body with these string fields; 400 naming the missing ones, with an example of them all. */
export function jsonStrings<K extends string>(raw: unknown, example: Record<K, string>): Record<K, string> {
  const fields = Object.keys(example) as K[];
  let body: Record<string, unknown> = {};
  try { body = jsonObject(raw, example); } catch { /* reported below with the fields */ }
  const missing = fields.filter((f) => typeof body[f] !== 'string');
  if (missing.length) throw new HttpError(400, 'BadRequest', `the body must be JSON with the string(s) ${fields.join(', ')}, for example ${JSON.stringify(example)}; missing: ${missing.join(', ')}`);
  return body as Record<K, string>;
}
