/**
 * The engine driver's package operations: the suite's own package engine (quilt-js's registry on
 * S3) and the catalog's URL scheme (quilt-js's URL builders), as the default driver performs them.
 */
import { catalogPackageUrl, catalogRevisionUrl, catalogRevisionsUrl, type PackageRegistry } from '@quilt-e2e/quilt-js';
import type { PackageOperations } from './driver.js';

export function enginePackageOperations(registry: PackageRegistry, bucket: string, catalogUrl: string | undefined): PackageOperations {
  return {
    create: (name, options) => registry.create(name, options),
    update: (name, options) => registry.update(name, options),
    createFromPrefix: (name, prefixUri, options) => registry.createFromPrefix(name, prefixUri, options),
    browse: (name, ref) => registry.browse(name, ref),
    diff: (name) => registry.diff(name),
    deletePackage: (name) => registry.deletePackage(name),
    catalogUrls: async (name, rev) => {
      if (!catalogUrl) throw new Error('this target has no catalog (set QUILT_CATALOG_URL)');
      return [
        catalogPackageUrl(catalogUrl, bucket, name),
        catalogRevisionUrl(catalogUrl, bucket, name, rev.hash),
        catalogRevisionUrl(catalogUrl, bucket, name, rev.timestamp, rev.firstFile),
        catalogRevisionsUrl(catalogUrl, bucket, name),
      ];
    },
  };
}
