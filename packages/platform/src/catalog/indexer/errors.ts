/** How the indexer tells a failure worth retrying (a service down or overloaded) from a bad document. */
import { s3ErrorStatus } from '../authz.js';

/** Errors worth retrying later (the service is down or overloaded), as opposed to a bad document. */
export class TransientError extends Error {}

function isTransientOpenSearch(e: unknown): boolean {
  const err = e as { name?: string; meta?: { statusCode?: number } };
  if (['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError'].includes(err.name ?? '')) return true;
  const s = err.meta?.statusCode;
  return s === undefined || s === 429 || s >= 500;
}

export function isTransientS3(e: unknown): boolean {
  const { status } = s3ErrorStatus(e);
  return status === undefined || status === 429 || status >= 500;
}

/** An OpenSearch failure in the indexer's words: transient (retried) or not. */
export function wrapOs(e: unknown, what: string): Error {
  const err = e as { name?: string; message?: string; meta?: { statusCode?: number } };
  const msg = `OpenSearch failed ${what}: ${err.name ?? 'Error'} ${err.meta?.statusCode ?? ''} ${err.message ?? ''}`.trim();
  return isTransientOpenSearch(e) ? new TransientError(msg) : new Error(msg);
}

/** An S3 failure in the indexer's words: transient (retried) or not. */
export function wrapS3(e: unknown, what: string): Error {
  const { name, status } = s3ErrorStatus(e);
  const msg = `S3 failed ${what}: ${name}${status ? ` (HTTP ${status})` : ''}`;
  return isTransientS3(e) ? new TransientError(msg) : new Error(msg);
}
