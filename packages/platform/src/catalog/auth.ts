/**
 * JWT bearer tokens (HS256, RFC 7519) with the `jose` library: the catalog checks the signature, the
 * algorithm, issuer, audience, expiry (and not-before), and that `sub` (or `id`) names a known user.
 * mintToken() makes tokens for the tests. Both are async because jose signs and verifies with WebCrypto.
 *
 * jose does the cryptography and the registered-claim checks; this module only turns its errors into
 * the catalog's error model (AuthError codes, messages that say what was wrong and what a right token
 * looks like). The token's shape (three base64url parts, JSON header and payload, alg HS256) is checked
 * first so that a malformed token is reported as malformed, not as a bad signature.
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SECRET } from './config.js';

export interface MintOptions {
  secret?: string;
  issuer?: string;
  audience?: string;
  /** Lifetime in seconds from `now` (negative: already expired). Default 3600. */
  expiresInSeconds?: number;
  /** Unix seconds; default the current time. */
  now?: number;
  /** Extra or overriding claims (a claim set to undefined is left out). */
  claims?: Record<string, unknown>;
}

export interface TokenClaims { sub?: string; id?: string; iss?: string; aud?: string | string[]; exp?: number; nbf?: number; iat?: number; [k: string]: unknown }

export interface VerifiedToken { user: string; claims: TokenClaims; expiresAt: Date; /** The id of the API key the request came with (none for a JWT). */ apiKey?: string }

export type AuthErrorCode = 'MissingToken' | 'MalformedToken' | 'InvalidSignature' | 'InvalidClaims' | 'TokenExpired' | 'UnknownUser' | 'UserInactive' | 'InvalidApiKey' | 'ApiKeyExpired' | 'TokenRevoked';

/** Why a token was refused; the HTTP layer turns it into 401 {error, message}. */
export class AuthError extends Error {
  constructor(readonly code: AuthErrorCode, message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

/** The only algorithm the catalog signs with and accepts. */
const ALGORITHM = 'HS256';
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** What a right token looks like, appended to the messages about its shape. */
const SHAPE = `a token is a JWT "<header>.<payload>.<signature>" of three base64url parts, the header {"alg":"${ALGORITHM}","typ":"JWT"} and the payload a JSON object of claims`;

const hmacKey = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** A signed HS256 token whose `sub` is the user (an RGW uid such as quilt-e2e-reader). */
export async function mintToken(user: string, opts: MintOptions = {}): Promise<string> {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    sub: user,
    iss: opts.issuer ?? DEFAULT_JWT_ISSUER,
    aud: opts.audience ?? DEFAULT_JWT_AUDIENCE,
    iat: now,
    exp: now + (opts.expiresInSeconds ?? 3600),
    jti: randomUUID(),
    ...opts.claims,
  };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' }).sign(hmacKey(opts.secret ?? DEFAULT_JWT_SECRET));
}

export interface VerifyOptions { secret: string; issuer: string; audience: string; knownUsers: ReadonlySet<string>; now?: number; leewaySeconds?: number }

const malformed = (what: string): AuthError => new AuthError('MalformedToken', `${what}; ${SHAPE}`);

/** The token's shape, before its signature: three base64url parts, JSON-object header and payload, alg HS256. */
function checkShape(token: string): void {
  const parts = token.split('.');
  if (parts.length !== 3) throw malformed(`the token has ${parts.length} part(s) separated by "."`);
  const [head, body, sig] = parts as [string, string, string];
  if (head === '' || !BASE64URL.test(head)) throw malformed("the token's header is not base64url");
  let header: Record<string, unknown>;
  try { header = decodeProtectedHeader(token) as Record<string, unknown>; } catch { throw malformed("the token's header is not a base64url-encoded JSON object"); }
  if (header.alg !== ALGORITHM) throw malformed(`the token's algorithm is ${JSON.stringify(header.alg)}; only ${ALGORITHM} is accepted`);
  if (body === '' || !BASE64URL.test(body)) throw malformed("the token's payload is not base64url");
  try { decodeJwt(token); } catch { throw malformed("the token's payload is not a base64url-encoded JSON object"); }
  // An empty signature is well-formed but signed with nothing: jose refuses it as a bad signature.
  if (!BASE64URL.test(sig)) throw malformed("the token's signature is not base64url");
}

const at = (seconds: unknown): string => (typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : JSON.stringify(seconds));

/** jose's refusal as the catalog's AuthError; anything that is not a jose error is rethrown as is. */
function fromJose(e: unknown, opts: VerifyOptions, now: number): unknown {
  if (e instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError('InvalidSignature', `the token was not signed with this catalog's secret: sign it with ${ALGORITHM} and the catalog's secret (QUILT_E2E_JWT_SECRET)`);
  }
  if (e instanceof errors.JWTExpired) {
    const exp = (e.payload as TokenClaims).exp;
    return new AuthError('TokenExpired', `the token expired at ${at(exp)} (now ${at(now)}); mint a new one with "exp" in the future`);
  }
  if (e instanceof errors.JWTClaimValidationFailed) {
    const claims = e.payload as TokenClaims;
    switch (e.claim) {
      case 'iss':
        return new AuthError('InvalidClaims', e.reason === 'missing'
          ? `the token has no "iss" (issuer) claim; it must be ${JSON.stringify(opts.issuer)}`
          : `the token's issuer ${JSON.stringify(claims.iss)} is not ${JSON.stringify(opts.issuer)}`);
      case 'aud':
        return new AuthError('InvalidClaims', e.reason === 'missing'
          ? `the token has no "aud" (audience) claim; it must be (or include) ${JSON.stringify(opts.audience)}`
          : `the token's audience ${JSON.stringify(claims.aud)} does not include ${JSON.stringify(opts.audience)}`);
      case 'exp':
        return new AuthError('InvalidClaims', e.reason === 'missing'
          ? 'the token has no "exp" (expiry) claim; set it to Unix seconds in the future'
          : `the token's "exp" (expiry) claim ${JSON.stringify(claims.exp)} is not a number; set it to Unix seconds in the future`);
      case 'nbf':
        return new AuthError('InvalidClaims', e.reason === 'invalid'
          ? `the token's "nbf" (not before) claim ${JSON.stringify(claims.nbf)} is not a number of Unix seconds`
          : `the token is not valid yet ("nbf" is ${at(claims.nbf)}, now ${at(now)})`);
      case 'iat':
        return new AuthError('InvalidClaims', `the token's "iat" (issued at) claim ${JSON.stringify(claims.iat)} is not a number of Unix seconds`);
      default:
        return new AuthError('InvalidClaims', `the token's claims were refused: ${e.message}`);
    }
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return malformed(`the token's algorithm is not accepted; only ${ALGORITHM} is`);
  if (e instanceof errors.JOSEError) return malformed(`the token is not a valid JWS (${e.message})`);
  return e;
}

export async function verifyToken(token: string, opts: VerifyOptions): Promise<VerifiedToken> {
  checkShape(token);
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  let claims: TokenClaims;
  try {
    const verified = await jwtVerify(token, hmacKey(opts.secret), {
      algorithms: [ALGORITHM],
      issuer: opts.issuer,
      audience: opts.audience,
      requiredClaims: ['exp'],
      clockTolerance: opts.leewaySeconds ?? 5,
      currentDate: new Date(now * 1000),
    });
    claims = verified.payload as TokenClaims;
  } catch (e) {
    throw fromJose(e, opts, now);
  }
  const user = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : typeof claims.id === 'string' && claims.id !== '' ? claims.id : undefined;
  if (!user) throw new AuthError('InvalidClaims', 'the token names no user: set "sub" (or "id") to a user such as quilt-e2e-reader');
  if (!opts.knownUsers.has(user)) {
    // Only a token signed with the catalog's secret gets here: naming the known users reveals nothing to a stranger.
    throw new AuthError('UnknownUser', `the token's user ${JSON.stringify(user)} is not known to this catalog; "sub" must be one of ${[...opts.knownUsers].map((u) => JSON.stringify(u)).join(', ')}`);
  }
  return { user, claims, expiresAt: new Date((claims.exp as number) * 1000) };
}

/**
 * The token of an Authorization header, as Quilt's registry takes it: `Bearer <jwt>` (quilt3,
 * quilt-mcp, the REST calls of Quilt's web catalog) or the bare `<jwt>` (the web catalog's GraphQL
 * requests). Undefined when there is no header; anything else is refused with the right forms.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header) ?? /^\s*([^\s.]+\.[^\s.]*\.[^\s.]*)\s*$/.exec(header);
  if (!m) throw new AuthError('MalformedToken', 'the Authorization header must be "Bearer <token>" (a JWT, or an API key qk_...) or the bare token "<header>.<payload>.<signature>"');
  return m[1];
}
