/**
 * How the access state keeps secrets it must recognise but never holds in clear (API keys,
 * signed-out tokens, reset links): their SHA-256, compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const sha256Hex = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Whether `secret` hashes to the kept digest (constant time for digests of equal length). */
export function isDigestOf(keptHex: string, secret: string): boolean {
  const kept = Buffer.from(keptHex, 'hex');
  const given = createHash('sha256').update(secret).digest();
  return kept.length === given.length && timingSafeEqual(kept, given);
}
