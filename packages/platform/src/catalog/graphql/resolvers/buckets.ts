/** Who am I and which buckets: me, bucketConfigs, bucketConfig. */
import { bucketConfig } from './bucket-view.js';
import { requireRead, type Args, type GqlContext } from './common.js';

export const bucketResolvers = {
  me: (_a: Args, g: GqlContext) => {
    // The user of the access model (access/store.ts): their active role first, then their extra roles.
    const u = g.ctx.access.user(g.user);
    if (!u) return null;
    const names = [...new Set([u.role, ...u.extraRoles].filter((r): r is string => r !== null))];
    return { name: u.name, email: u.email, isAdmin: u.isAdmin, role: { name: u.role ?? '' }, roles: names.map((name) => ({ name })) };
  },

  bucketConfigs: async (_a: Args, g: GqlContext) => {
    const out = [];
    for (const b of g.ctx.config.buckets) if (await g.ctx.authz.access(g.user, b, g.deadline) === 'allowed') out.push(bucketConfig(g, b));
    return out;
  },

  bucketConfig: async (a: Args, g: GqlContext) => {
    const name = String(a.name);
    // Like the registry: a bucket this catalog does not serve has no config.
    if (!g.ctx.config.buckets.includes(name)) return null;
    await requireRead(g, name);
    return bucketConfig(g, name);
  },
};
