/**
 * What the catalog adds to each fastify request: the user it acts for (for the access log), and
 * the request's deadline as an AbortSignal that work on its behalf (GraphQL resolvers, S3 checks)
 * honours. server.ts decorates every request with both.
 */
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The user the request acts for, once known (null: none, or not known yet). */
    user: string | null;
    /** Aborted when the request's deadline passes (QUILT_E2E_CATALOG_DEADLINE_MS). */
    deadline: AbortSignal;
  }
}

/** Records who the request acts for and hands the user back. */
export function actingAs(req: FastifyRequest, user: string): string {
  req.user = user;
  return user;
}
