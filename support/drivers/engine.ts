/**
 * The engine driver's admin operations: the registry's GraphQL admin API (Quilt's
 * admin.user.create / mutate), each answer's union member checked.
 */
export function engineAdminOperations(admin: CatalogClient): AdminOperations {
  const mutate = async (query: string, variables: Record<string, unknown>, field: string, ok: string): Promise<void> => {
    await admin.expectAnswer(query, variables, field, ok);
  };
  const user = (name: string, action: string): Promise<void> => mutate(`mutation($n: String!) { admin { user { mutate(name: $n) { ${action} { __typename ... on InvalidInput { errors { path message } } ... on OperationError { message } } } } } }`,
    { n: name }, `admin.user.mutate.${action.replace(/\(.*$/, '')}`, action.startsWith('delete') ? 'Ok' : 'User');
  return {
    createUser: (u) => mutate('mutation($i: UserInput!) { admin { user { create(input: $i) { __typename ... on InvalidInput { errors { path message } } ... on OperationError { message } } } } }',
      { i: { name: u.name, email: u.email, role: u.role, extraRoles: u.extraRoles } }, 'admin.user.create', 'User'),
    setRole: (name, role) => user(name, `setRole(role: ${JSON.stringify(role)})`),
    setActive: (name, active) => user(name, `setActive(active: ${active})`),
    deleteUser: (name) => user(name, 'delete'),
  };
}

/**
 * The engine driver's package operations: the suite's own package engine (quilt-js's registry on
 * S3) and the catalog's URL scheme (quilt-js's URL builders), as the default driver performs them.
 */
import { catalogPackageUrl, catalogRevisionUrl, catalogRevisionsUrl, type PackageRegistry } from '@quilt-e2e/quilt-js';
import type { CatalogClient } from '../adapters/catalog.js';
import type { AdminOperations, PackageOperations } from './driver.js';

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
