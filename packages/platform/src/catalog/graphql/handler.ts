/**
 * A GraphQL request {"query", "variables"?, "operationName"?} -> parse, validate, guard, execute.
 * Malformed requests and queries answer 400 with {error, message, errors}; a query over a guard
 * rail (guards.ts) answers 400 before anything runs; an error that says the user may not read a
 * bucket makes the answer 403; everything else follows GraphQL (200 with `errors` beside `data`).
 */
import { GraphQLError, buildSchema, execute, parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import type { CatalogContext } from '../context.js';
import { HttpError } from '../http.js';
import { aliasRefusal, checkLimits, countAliases } from './guards.js';
import { rootValue } from './resolvers/index.js';
import type { GqlContext } from './resolvers/common.js';
import { accountTypeDefs } from './schema-account.js';
import { adminTypeDefs } from './schema-admin.js';
import { typeDefs } from './schema.js';
import { withLegacyEntryHashes } from './legacy-inputs.js';

export const schema = buildSchema(typeDefs + accountTypeDefs + adminTypeDefs);

interface GraphqlRequest { query: string; variables?: Record<string, unknown> | null; operationName?: string | null }
export interface GraphqlAnswer { status: number; body: Record<string, unknown> }

function readRequest(raw: Buffer): GraphqlRequest {
  let body: unknown;
  try { body = JSON.parse(raw.toString('utf8')); } catch (e) {
    throw new HttpError(400, 'BadRequest', `the request body is not JSON (${(e as Error).message}); send {"query": "{ bucketConfigs { name } }"}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'BadRequest', 'the request body must be a JSON object {"query", "variables", "operationName"}');
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') throw new HttpError(400, 'BadRequest', '"query" must be a non-empty string holding a GraphQL document');
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) throw new HttpError(400, 'BadRequest', '"variables" must be a JSON object');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') throw new HttpError(400, 'BadRequest', '"operationName" must be a string');
  return { query, variables: variables as Record<string, unknown> | null | undefined, operationName: operationName as string | null | undefined };
}

function formatError(e: GraphQLError, log: (l: string) => void): Record<string, unknown> {
  const orig = e.originalError;
  const base: Record<string, unknown> = { message: e.message, ...(e.locations ? { locations: e.locations } : {}), ...(e.path ? { path: e.path } : {}) };
  if (orig instanceof HttpError) return { ...base, extensions: { code: orig.code, status: orig.status } };
  if (orig && !(orig instanceof GraphQLError)) {
    log(`graphql: ${e.path?.join('.') ?? ''}: ${orig.stack ?? orig.message}`);
    return { ...base, extensions: { code: 'InternalError' } };
  }
  return { ...base, extensions: { code: 'GraphQLError' } };
}

const refused = (error: string, problems: readonly GraphQLError[], code: string): GraphqlAnswer => ({
  status: 400,
  body: {
    error,
    message: problems.map((p) => p.message).join('; '),
    errors: problems.map((p) => ({ message: p.message, locations: p.locations, extensions: { code, ...p.extensions } })),
  },
});

export async function executeGraphql(ctx: CatalogContext, user: string, raw: Buffer, deadline: AbortSignal): Promise<GraphqlAnswer> {
  const request = readRequest(raw);
  const limits = ctx.config.graphql;
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: 20_000 });
  } catch (e) {
    const err = e as GraphQLError;
    return { status: 400, body: { error: 'GraphQLParseFailed', message: `the query is not valid GraphQL: ${err.message}`, errors: [{ message: err.message, locations: err.locations, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] } };
  }
  // A cheap look first: thousands of aliases are refused before graphql-js validates them.
  if (countAliases(document, limits.maxAliases) > limits.maxAliases) return refused('QueryTooComplex', [aliasRefusal(limits)], 'QUERY_TOO_COMPLEX');
  const problems = validate(schema, document, specifiedRules);
  if (problems.length > 0) return refused('GraphQLValidationFailed', problems, 'GRAPHQL_VALIDATION_FAILED');
  const tooMuch = checkLimits(document, request.operationName, request.variables ?? {}, limits);
  if (tooMuch.length > 0) return refused('QueryTooComplex', tooMuch, 'QUERY_TOO_COMPLEX');

  const operation = request.operationName ?? document.definitions.find((d) => d.kind === 'OperationDefinition')?.name?.value;
  const contextValue: GqlContext = { ctx, user, deadline, ...(operation ? { operation } : {}) };
  const variableValues = withLegacyEntryHashes(document, request.variables) ?? undefined;
  const result = await execute({ schema, document, rootValue, contextValue, variableValues, operationName: request.operationName ?? undefined });
  const errors = result.errors?.map((e) => formatError(e, ctx.log));
  const origins = (result.errors ?? []).map((e) => e.originalError);
  const forbidden = origins.find((o): o is HttpError => o instanceof HttpError && o.status === 403);
  const badInput = origins.find((o): o is HttpError => o instanceof HttpError && o.status === 400);
  const variableProblem = !result.data && result.errors?.length ? result.errors.find((e) => !e.path) : undefined;
  const status = forbidden ? 403 : variableProblem ? 400 : 200;
  const body: Record<string, unknown> = { data: result.data ?? null, ...(errors ? { errors } : {}) };
  if (forbidden) Object.assign(body, { error: 'Forbidden', message: forbidden.message });
  else if (variableProblem) Object.assign(body, { error: 'BadRequest', message: variableProblem.message });
  else if (badInput && !result.data) Object.assign(body, { error: badInput.code, message: badInput.message });
  return { status, body };
}
