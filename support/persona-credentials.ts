/**
 * The S3 credentials a persona works with, as a real deployment gives them: explicit keys when the
 * target names them (QUILT_E2E_<ROLE>_ACCESS_KEY_ID ...), otherwise the temporary credentials of the
 * persona's role, exchanged with the persona's catalog token at the registry's
 * /api/auth/get_credentials (and exchanged again before they expire). Only Dana may fall back to the
 * AWS default credential chain; a reader or an outsider never does — that chain is someone else's.
 */
import type { S3Credentials, S3CredentialsProvider } from '@quilt-e2e/quilt-js';
import { CatalogClient } from './adapters/catalog.js';
import type { PersonaRole, TargetConfig } from './target.js';

/** How long before their Expiration exchanged credentials are exchanged again. */
const RENEW_BEFORE_MS = 60_000;

export function personaS3Credentials(target: TargetConfig, role: PersonaRole): S3Credentials | S3CredentialsProvider | undefined {
  const access = target.personas[role];
  if (access?.credentials) return access.credentials;
  const catalog = target.catalog;
  if (access?.token && catalog) {
    const client = new CatalogClient(catalog, access.token);
    let held: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date } | undefined;
    return async () => {
      if (held?.expiration && held.expiration.getTime() - Date.now() > RENEW_BEFORE_MS) return held;
      const c = await client.credentials();
      held = {
        accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
      };
      return held;
    };
  }
  if (role === 'admin') return undefined;
  throw new Error(`the ${target.kind} target gives the ${role} persona neither S3 keys nor a catalog token to exchange for them: set ${role === 'reader' ? 'QUILT_E2E_READER' : 'QUILT_E2E_OUTSIDER'}_JWT (or PLATFORM_TEST_JWT_SECRET) with QUILT_REGISTRY_URL, or its _ACCESS_KEY_ID and _SECRET_ACCESS_KEY`);
}
