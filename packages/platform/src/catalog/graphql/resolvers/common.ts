/**
 * What every resolver module shares: the context a resolver gets, the argument bag, Quilt's result
 * unions for failures (InvalidInput, OperationError) and page arguments.
 */
import { QuiltError, QuiltNotFoundError, QuiltServiceError, type PlainJson } from '@quilt-e2e/quilt-js';
import { s3ErrorStatus } from '../../authz.js';
import type { CatalogContext } from '../../context.js';
import { HttpError } from '../../http.js';

/** What graphql-js hands every resolver: the catalog, the token's user and the request's deadline. */
export interface GqlContext {
  ctx: CatalogContext;
  user: string;
  deadline: AbortSignal;
  /** The operation's name, when it has one (Quilt's web catalog names each: containers_..., utils_...). */
  operation?: string;
}

export type Args = Record<string, unknown>;

export interface InputErrorShape { path: string | null; message: string; name: string; context?: PlainJson }
export const invalidInput = (errors: InputErrorShape[]) => ({ __typename: 'InvalidInput', errors });
export const operationError = (name: string, message: string, context: PlainJson = null) => ({ __typename: 'OperationError', name, message, context });

/** Turns an engine or S3 failure of a write into an OperationError (AccessDenied stays AccessDenied). */
export function writeFailure(e: unknown): ReturnType<typeof operationError> {
  if (e instanceof QuiltServiceError || e instanceof QuiltNotFoundError) {
    const cause = (e as { cause?: unknown }).cause;
    const { name, status } = cause ? s3ErrorStatus(cause) : { name: e.name, status: undefined };
    if (status === 403 || name === 'AccessDenied') return operationError('AccessDenied', `S3 refused the write: ${e.message}`);
    if (e instanceof QuiltNotFoundError) return operationError('NotFound', e.message);
    return operationError(name || 'S3Error', e.message);
  }
  if (e instanceof QuiltError) return operationError(e.name, e.message);
  const { name, status } = s3ErrorStatus(e);
  if (status === 403 || name === 'AccessDenied') return operationError('AccessDenied', `S3 refused the write (AccessDenied, HTTP 403): the user may not write to this bucket`);
  return operationError(name || 'Error', (e as Error).message ?? String(e));
}

export function pageArgs(a: Args): { number: number; perPage: number } {
  const number = Number(a.number ?? 1);
  const perPage = Number(a.perPage ?? 30);
  if (!Number.isInteger(number) || number < 1) throw new HttpError(400, 'InvalidInput', `page number must be 1 or more; got ${number}`);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000) throw new HttpError(400, 'InvalidInput', `perPage must be from 1 to 1000; got ${perPage}`);
  return { number, perPage };
}

/** The window of days a field asks for (accessCounts, status stats; Quilt's default 30). */
export function windowOf(a: Args, field: string): number {
  const w = a.window === undefined || a.window === null ? 30 : Number(a.window);
  if (!Number.isInteger(w) || w < 1 || w > 3650) throw new HttpError(400, 'InvalidInput', `${field}(window: ${JSON.stringify(a.window)}): the window is a number of days, 1 to 3650, for example 30`);
  return w;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the bucket may be read by the resolver's user, within the request's deadline. */
export function requireRead(g: GqlContext, bucket: string): Promise<void> {
  return g.ctx.authz.requireRead(g.user, bucket, g.deadline);
}
