/** Reading and deleting packages: packages, package, packageRevisionDelete. */
import { faultIs } from '../../../faults.js';
import { validatePackageName, validateTopHash, type PackageRegistry } from '@quilt-e2e/quilt-js';
import { HttpError } from '../../http.js';
import { operationError, pageArgs, requireRead, writeFailure, type Args, type GqlContext, type InputErrorShape } from './common.js';
import { PackageView } from './package-views.js';

async function packageExists(registry: PackageRegistry, name: string): Promise<boolean> {
  return (await registry.latestHash(name)) !== undefined;
}

export const packageResolvers = {
  packages: async (a: Args, g: GqlContext) => {
    const bucket = String(a.bucket);
    await requireRead(g, bucket);
    const registry = g.ctx.packages.registry(g.user, bucket);
    const filter = typeof a.filter === 'string' ? a.filter.toLowerCase() : '';
    const names = (await registry.list()).filter((n) => n.toLowerCase().includes(filter)).sort();
    return {
      total: names.length,
      page: async (p: Args) => {
        const { number, perPage } = pageArgs(p);
        const view = (n: string): PackageView => new PackageView(registry, bucket, n);
        let ordered: PackageView[];
        if (p.order === 'MODIFIED') {
          const dated = await Promise.all(names.map(async (n) => { const v = view(n); return { v, t: await v.newest() }; }));
          ordered = dated.sort((x, y) => y.t - x.t || (x.v.name < y.v.name ? -1 : 1)).map((d) => d.v);
        } else {
          ordered = names.map(view);
        }
        // A package deleted since the listing (a page beside a clean-up) is left out, as from Quilt's index: the page does not fail.
        const slice = ordered.slice((number - 1) * perPage, number * perPage);
        const alive = await Promise.all(slice.map((v) => v.exists()));
        return slice.filter((_, i) => alive[i]);
      },
    };
  },

  package: async (a: Args, g: GqlContext) => {
    const bucket = String(a.bucket);
    const name = String(a.name);
    await requireRead(g, bucket);
    try { validatePackageName(name); } catch (e) { throw new HttpError(400, 'InvalidInput', (e as Error).message); }
    const registry = g.ctx.packages.registry(g.user, bucket);
    if (await packageExists(registry, name)) return new PackageView(registry, bucket, name);
    // Fault mode: the web catalog's own queries still get a package after it is gone (its page keeps showing it).
    if (faultIs('page-for-deleted-package') && g.operation?.startsWith('containers_')) return new PackageView(registry, bucket, name);
    return null;
  },

  packageRevisionDelete: async (a: Args, g: GqlContext) => {
    const bucket = String(a.bucket);
    await requireRead(g, bucket);
    const errors: InputErrorShape[] = [];
    try { validatePackageName(a.name); } catch (e) { errors.push({ path: 'name', name: 'ValidationError', message: (e as Error).message }); }
    try { validateTopHash(a.hash); } catch (e) { errors.push({ path: 'hash', name: 'ValidationError', message: (e as Error).message }); }
    if (errors.length) return operationError('InvalidInput', errors.map((e) => e.message).join('; '));
    try {
      const registry = g.ctx.packages.registry(g.user, bucket);
      const r = await registry.deleteRevision(String(a.name), String(a.hash));
      g.ctx.indexer.touch(bucket, [...r.deletedPointers, 'latest'].map((p) => registry.pointerKey(String(a.name), p)));
      return { __typename: 'PackageRevisionDeleteSuccess', _: true };
    } catch (e) {
      return writeFailure(e);
    }
  },
};
