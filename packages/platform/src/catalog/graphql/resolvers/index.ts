/**
 * The root value of the catalog's GraphQL schema: each domain's resolvers, merged. graphql-js calls
 * a root field's function with (args, context); the objects they return are views whose fields
 * resolve the same way. Unions resolve by `__typename`.
 *   account.ts    me (API keys), switchRole, apiKeyCreate, apiKeyRevoke
 *   buckets.ts    bucketConfigs, bucketConfig
 *   packages.ts   packages, package, packageRevisionDelete
 *   push.ts       packageConstruct, packagePromote (push-params.ts: what they share)
 *   search.ts     searchObjects, searchPackages
 *   browsing.ts   browsingSessionCreate / Refresh / Dispose
 *   tabulator.ts  bucketSetTabulatorTable
 *   admin-roles.ts  policies, roles and their mutations (@admin)
 *   admin-users.ts  admin.user.list/get/create/mutate (@admin); views.ts: the objects (BucketConfig, roles, policies, users)
 *   admin-buckets.ts  bucketAdd, bucketUpdate, bucketRemove (@admin)
 *   stack-info.ts  config, status (@admin), potentialCollaborators
 */
import { accountResolvers } from './account.js';
import { adminBucketResolvers } from './admin-buckets.js';
import { adminRoleResolvers } from './admin-roles.js';
import { adminUserResolvers } from './admin-users.js';
import { browsingResolvers } from './browsing.js';
import { bucketResolvers } from './buckets.js';
import { packageResolvers } from './packages.js';
import { pushResolvers } from './push.js';
import { searchResolvers } from './search.js';
import { stackInfoResolvers } from './stack-info.js';
import { tabulatorResolvers } from './tabulator.js';

export const rootValue = {
  ...accountResolvers,
  ...bucketResolvers,
  ...packageResolvers,
  ...pushResolvers,
  ...searchResolvers,
  ...browsingResolvers,
  ...tabulatorResolvers,
  ...adminRoleResolvers,
  ...adminUserResolvers,
  ...adminBucketResolvers,
  ...stackInfoResolvers,
};
