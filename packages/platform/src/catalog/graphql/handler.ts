/**
 * POST /graphql: {"query", "variables"?, "operationName"?} -> graphql-js parse, validate, execute.
 * Malformed requests and queries answer 400 with {error, message, errors}; an error that says the
 * user may not read a bucket makes the answer 403; everything else follows GraphQL (200 with
 * `errors` beside `data`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  GraphQLError, buildSchema, execute, parse, specifiedRules, validate, type ASTVisitor, type DocumentNode, type ValidationContext,
} from 'graphql';
import { HttpError, readBody, sendJson } from '../http.js';
import type { CatalogContext } from '../server.js';
import { rootValue, type GqlContext } from './resolvers.js';
import { typeDefs } from './schema.js';

export const schema = buildSchema(typeDefs);

const MAX_DEPTH = 16;

/** Refuses queries nested deeper than MAX_DEPTH selections. */
function depthLimit(context: ValidationContext): ASTVisitor {
  let depth = 0;
  return {
    SelectionSet: {
      enter(node) {
        depth++;
        if (depth > MAX_DEPTH) context.reportError(new GraphQLError(`the query is nested more than ${MAX_DEPTH} levels deep`, { nodes: [node] }));
      },
      leave() { depth--; },
    },
  };
}

interface GraphqlRequest { query: string; variables?: Record<string, unknown> | null; operationName?: string | null }

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

export async function handleGraphql(ctx: CatalogContext, user: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = readRequest(await readBody(req, ctx.config.maxBodyBytes));
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: 20_000 });
  } catch (e) {
    const err = e as GraphQLError;
    sendJson(res, 400, { error: 'GraphQLParseFailed', message: `the query is not valid GraphQL: ${err.message}`, errors: [{ message: err.message, locations: err.locations, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    return;
  }
  const problems = validate(schema, document, [...specifiedRules, depthLimit]);
  if (problems.length > 0) {
    sendJson(res, 400, {
      error: 'GraphQLValidationFailed',
      message: problems.map((p) => p.message).join('; '),
      errors: problems.map((p) => ({ message: p.message, locations: p.locations, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })),
    });
    return;
  }
  const contextValue: GqlContext = { ctx, user };
  const result = await execute({ schema, document, rootValue, contextValue, variableValues: request.variables ?? undefined, operationName: request.operationName ?? undefined });
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
  sendJson(res, status, body);
}
