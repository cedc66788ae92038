/**
 * API keys as Quilt has them (quilt3.api_keys, login_with_api_key): a user makes a key for programs
 * (`apiKeyCreate`), the secret `qk_<43 base64url characters>` is shown once and only its SHA-256 is
 * kept; a program sends it as `Authorization: Bearer qk_...` wherever a token goes. A key works until
 * it expires (1–365 days) or is revoked by its user or an admin, and only while its user is active.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isDigestOf, sha256Hex } from './digest.js';
import type { AccessStore, ApiKeyRecord } from './store.js';

export const API_KEY_PREFIX = 'qk_';
const SECRET = /^qk_[A-Za-z0-9_-]{43}$/;
const DAY_MS = 86_400_000;
/** lastUsedAt is written at most this often per key (every request would rewrite the state file). */
const LAST_USED_GRANULARITY_MS = 60_000;

export type ApiKeyStatus = 'ACTIVE' | 'EXPIRED';


export function statusOf(k: ApiKeyRecord, now = Date.now()): ApiKeyStatus {
  return Date.parse(k.expiresAt) > now ? 'ACTIVE' : 'EXPIRED';
}

/** Why a key's input is refused (null: acceptable). */
export function keyInputProblem(name: string, expiresInDays: number): { path: string; message: string } | null {
  if (name.trim() === '' || name.length > 128) return { path: 'input.name', message: `an API key needs a name of 1 to 128 characters, for example "nightly-sync"; got ${JSON.stringify(name)}` };
  if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 365) return { path: 'input.expiresInDays', message: `expiresInDays must be a whole number from 1 to 365; got ${expiresInDays}` };
  return null;
}

/** Makes a key for `user`; the answer holds the secret, which is not kept. */
export function createApiKey(access: AccessStore, user: string, name: string, expiresInDays: number): { key: ApiKeyRecord; secret: string } {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const hash = sha256Hex(secret);
  const now = Date.now();
  const key: ApiKeyRecord = {
    id: randomUUID(),
    name: name.trim(),
    user,
    fingerprint: `${API_KEY_PREFIX}${hash.slice(0, 12)}`,
    secretSha256: hash,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + expiresInDays * DAY_MS).toISOString(),
    lastUsedAt: null,
  };
  access.change((s) => { s.apiKeys.push(key); });
  return { key, secret };
}

/** The key a secret belongs to (undefined for an unknown or revoked one). */
export function keyOfSecret(access: AccessStore, secret: string): ApiKeyRecord | undefined {
  if (!SECRET.test(secret)) return undefined;
  return access.snapshot.apiKeys.find((k) => isDigestOf(k.secretSha256, secret));
}

export function revokeApiKey(access: AccessStore, id: string): void {
  access.change((s) => { s.apiKeys = s.apiKeys.filter((k) => k.id !== id); });
}

/** Notes that the key was used (at most once a minute per key). */
export function touchApiKey(access: AccessStore, key: ApiKeyRecord): void {
  const now = Date.now();
  if (key.lastUsedAt !== null && now - Date.parse(key.lastUsedAt) < LAST_USED_GRANULARITY_MS) return;
  access.change((s) => { const k = s.apiKeys.find((x) => x.id === key.id); if (k) k.lastUsedAt = new Date(now).toISOString(); });
}

export interface KeyFilter { email?: string | null; name?: string | null; fingerprint?: string | null; status?: ApiKeyStatus | null }

export function filterKeys(access: AccessStore, keys: readonly ApiKeyRecord[], f: KeyFilter): ApiKeyRecord[] {
  return keys.filter((k) => (f.name == null || k.name === f.name)
    && (f.fingerprint == null || k.fingerprint === f.fingerprint)
    && (f.status == null || statusOf(k) === f.status)
    && (f.email == null || access.user(k.user)?.email === f.email));
}
