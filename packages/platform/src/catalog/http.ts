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

export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  if (reply.sent) return reply;
  return reply.code(status).headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'x-content-type-options': 'nosniff',
  }).send(html);
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
