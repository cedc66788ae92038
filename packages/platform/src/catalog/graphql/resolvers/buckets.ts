/** Which buckets: bucketConfigs, bucketConfig. */
import { bucketConfig } from './views.js';
import { requireRead, type Args, type GqlContext } from './common.js';

export const bucketResolvers = {
  bucketConfigs: async (_a: Args, g: GqlContext) => {
    const out = [];
    for (const b of g.ctx.access.servedBuckets) if (await g.ctx.authz.access(g.user, b, g.deadline) === 'allowed') out.push(bucketConfig(g, b));
    return out;
  },

  bucketConfig: async (a: Args, g: GqlContext) => {
    const name = String(a.name);
    // Like the registry: a bucket this catalog does not serve has no config.
    if (!g.ctx.access.servedBuckets.includes(name)) return null;
    await requireRead(g, name);
    return bucketConfig(g, name);
  },
};
