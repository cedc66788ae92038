/** POST /graphql (token needed): Quilt's GraphQL, executed by ../graphql/handler.ts. */
import type { FastifyInstance } from 'fastify';
import type { CatalogContext } from '../context.js';
import { executeGraphql } from '../graphql/handler.js';
import { sendJson } from '../http.js';
import { requireToken } from '../identity.js';
import { only } from './methods.js';
import { actingAs } from './request.js';

export function graphqlRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  only(app, '/graphql', ['POST'], 'send GraphQL requests as POST with a JSON body {"query", "variables", "operationName"}', async (req, reply) => {
    const user = actingAs(req, (await requireToken(ctx, req.headers.authorization)).user);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const answer = await executeGraphql(ctx, user, body, req.deadline);
    return sendJson(reply, answer.status, answer.body);
  });
}
