/**
 * JWT bearer tokens (HS256, RFC 7519) with Node's crypto: the catalog checks the signature, the
 * algorithm, issuer, audience, expiry (and not-before), and that `sub` (or `id`) names a known user.
 * mintToken() makes tokens for the suite and the tests.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SECRET } from './config.js';

export interface MintOptions {
  secret?: string;
  issuer?: string;
  audience?: string;
  /** Lifetime in seconds from `now` (negative: already expired). Default 3600. */
  expiresInSeconds?: number;
  /** Unix seconds; default the current time. */
  now?: number;
  /** Extra or overriding claims. */
  claims?: Record<string, unknown>;
}

export interface TokenClaims { sub?: string; id?: string; iss?: string; aud?: string | string[]; exp?: number; nbf?: number; iat?: number; [k: string]: unknown }

export interface VerifiedToken { user: string; claims: TokenClaims; expiresAt: Date }

/** Why a token was refused; the HTTP layer turns it into 401 {error, message}. */
export class AuthError extends Error {
  constructor(readonly code: 'MissingToken' | 'MalformedToken' | 'InvalidSignature' | 'InvalidClaims' | 'TokenExpired' | 'UnknownUser', message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function sign(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

/** A signed HS256 token whose `sub` is the user (an RGW uid such as quilt-e2e-reader). */
export function mintToken(user: string, opts: MintOptions = {}): string {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const payload = {
    sub: user,
    iss: opts.issuer ?? DEFAULT_JWT_ISSUER,
    aud: opts.audience ?? DEFAULT_JWT_AUDIENCE,
    iat: now,
    exp: now + (opts.expiresInSeconds ?? 3600),
    jti: randomUUID(),
    ...opts.claims,
  };
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  return `${head}.${body}.${b64url(sign(`${head}.${body}`, opts.secret ?? DEFAULT_JWT_SECRET))}`;
}

function decodePart(part: string, what: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw new AuthError('MalformedToken', `the token's ${what} is not base64url`);
  let value: unknown;
  try { value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')); } catch { throw new AuthError('MalformedToken', `the token's ${what} is not JSON`); }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AuthError('MalformedToken', `the token's ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

export interface VerifyOptions { secret: string; issuer: string; audience: string; knownUsers: ReadonlySet<string>; now?: number; leewaySeconds?: number }

export function verifyToken(token: string, opts: VerifyOptions): VerifiedToken {
  const parts = token.split('.');
  if (parts.length !== 3) throw new AuthError('MalformedToken', 'a token has three base64url parts separated by "." (header.payload.signature)');
  const [head, body, sig] = parts as [string, string, string];
  const header = decodePart(head, 'header');
  if (header.alg !== 'HS256') throw new AuthError('MalformedToken', `the token's algorithm is ${JSON.stringify(header.alg)}; only HS256 is accepted`);
  const claims = decodePart(body, 'payload') as TokenClaims;
  if (!/^[A-Za-z0-9_-]*$/.test(sig)) throw new AuthError('MalformedToken', "the token's signature is not base64url");
  const expected = sign(`${head}.${body}`, opts.secret);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AuthError('InvalidSignature', 'the token was not signed with this catalog\'s secret');
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const leeway = opts.leewaySeconds ?? 5;
  if (claims.iss !== opts.issuer) throw new AuthError('InvalidClaims', `the token's issuer ${JSON.stringify(claims.iss)} is not ${JSON.stringify(opts.issuer)}`);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(opts.audience)) throw new AuthError('InvalidClaims', `the token's audience ${JSON.stringify(claims.aud)} does not include ${JSON.stringify(opts.audience)}`);
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) throw new AuthError('InvalidClaims', 'the token has no numeric "exp" (expiry) claim');
  if (claims.exp + leeway <= now) throw new AuthError('TokenExpired', `the token expired at ${new Date(claims.exp * 1000).toISOString()}`);
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf - leeway > now)) throw new AuthError('InvalidClaims', 'the token is not valid yet ("nbf")');
  const user = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : typeof claims.id === 'string' ? claims.id : undefined;
  if (!user) throw new AuthError('InvalidClaims', 'the token names no user: set "sub" (or "id") to a user such as quilt-e2e-reader');
  if (!opts.knownUsers.has(user)) throw new AuthError('UnknownUser', `the token's user ${JSON.stringify(user)} is not known to this catalog`);
  return { user, claims, expiresAt: new Date(claims.exp * 1000) };
}

/** The bearer token of an Authorization header; undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new AuthError('MalformedToken', 'the Authorization header must be "Bearer <token>"');
  return m[1];
}
