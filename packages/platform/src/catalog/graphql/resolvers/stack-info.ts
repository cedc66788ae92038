/**
 * What Quilt's web catalog asks of a stack besides its data: the content-indexing settings
 * (`config`, @admin), the stack's canary status (`status`, @admin: the acceptance suite's canary
 * scenarios' results, ../../status.ts) and the users one may share a bucket with (`potentialCollaborators`).
 */
import { CONTENT_INDEXING } from '../../indexer/reconcilers.js';
import { requireAdmin } from './views.js';
import { readCanaries, statusOf } from '../../status.js';
import type { Args, GqlContext } from './common.js';

export const stackInfoResolvers = {
  config: (_a: Args, g: GqlContext) => ({
    __typename: 'Config',
    contentIndexingSettings: () => {
      requireAdmin(g, 'Config.contentIndexingSettings');
      return { ...CONTENT_INDEXING, extensions: [...CONTENT_INDEXING.extensions] };
    },
  }),

  status: async (_a: Args, g: GqlContext) => {
    requireAdmin(g, 'status');
    const bucket = g.ctx.config.statusBucket;
    const canaries = await readCanaries(g.ctx.clients.for(g.ctx.config.indexerUser), bucket, g.ctx.log);
    return canaries === null ? { __typename: 'Unavailable', _: null } : statusOf(canaries, bucket);
  },

  potentialCollaborators: (_a: Args, g: GqlContext) => g.ctx.access.snapshot.users
    .filter((u) => u.isActive)
    .map((u) => ({ __typename: 'Collaborator', email: u.email, username: u.name })),
};
