/** browsingSessionCreate / Refresh / Dispose (Quilt's schema): a short-lived capability to read one package revision at /browse/<id>/<logical key>. */
import { QuiltNotFoundError, type PackageRevision } from '@quilt-e2e/quilt-js';
import { parsePackageScope, type PackageScope } from '../../browsing.js';
import { invalidInput, operationError, requireRead, writeFailure, type Args, type GqlContext } from './common.js';

const TTL_EXAMPLE = 180;

/** A session's ttl argument: whole seconds from 1 to 3600 (default 180). */
function ttlArg(a: Args): number | ReturnType<typeof invalidInput> {
  const ttl = a.ttl === undefined || a.ttl === null ? TTL_EXAMPLE : Number(a.ttl);
  if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > 3600) return invalidInput([{ path: 'ttl', name: 'ValidationError', message: `ttl is whole seconds from 1 to 3600; got ${String(a.ttl)}, for example ${TTL_EXAMPLE}` }]);
  return ttl;
}

async function browsingSessionCreate(g: GqlContext, a: Args) {
  const ttl = ttlArg(a);
  if (typeof ttl !== 'number') return ttl;
  let scope: PackageScope;
  try { scope = parsePackageScope(String(a.scope)); } catch (e) {
    return invalidInput([{ path: 'scope', name: 'ValidationError', message: (e as Error).message }]);
  }
  if (!g.ctx.access.servedBuckets.includes(scope.bucket)) return invalidInput([{ path: 'scope', name: 'ValidationError', message: `this catalog does not serve the bucket ${JSON.stringify(scope.bucket)} (it serves ${g.ctx.access.servedBuckets.join(', ')})` }]);
  await requireRead(g, scope.bucket);
  let revision: PackageRevision;
  try {
    revision = await g.ctx.packages.registry(g.user, scope.bucket).browse(scope.name, scope.hash);
  } catch (e) {
    if (e instanceof QuiltNotFoundError) return invalidInput([{ path: 'scope', name: 'NotFound', message: e.message }]);
    return writeFailure(e);
  }
  const s = g.ctx.browsing.create(g.user, scope, revision, ttl);
  return { __typename: 'BrowsingSession', id: s.id, expires: s.expires };
}

export const browsingResolvers = {
  browsingSessionCreate: (a: Args, g: GqlContext) => browsingSessionCreate(g, a),
  browsingSessionRefresh: (a: Args, g: GqlContext) => {
    const ttl = ttlArg(a);
    if (typeof ttl !== 'number') return ttl;
    const s = g.ctx.browsing.refresh(String(a.id), g.user, ttl);
    return s ? { __typename: 'BrowsingSession', id: s.id, expires: s.expires } : operationError('NotFound', `no browsing session ${JSON.stringify(a.id)} of yours: it expired or never existed; create one with browsingSessionCreate`);
  },
  browsingSessionDispose: (a: Args, g: GqlContext) => (g.ctx.browsing.dispose(String(a.id), g.user)
    ? { __typename: 'Ok', _: true }
    : operationError('NotFound', `no browsing session ${JSON.stringify(a.id)} of yours`)),
};
