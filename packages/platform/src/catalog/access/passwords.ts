/**
 * Passwords as Quilt's registry keeps them for password sign-in: an admin's resetPassword (or
 * anyone's POST /api/reset_password {email}) sends the user a link, as does the invitation a user
 * an admin creates gets; POST /api/change_password
 * {link, password} with the link's token sets the password; POST /api/login {username, password}
 * answers a token. This stack sends no email: a message is written, one JSON line each, to
 * <catalog data>/outbox/mail.jsonl ({to, subject, link, at}) — the local stand-in of the user's
 * inbox. Passwords are kept as scrypt hashes (node:crypto), reset links as the SHA-256 of their
 * token, valid for a day and used once.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { isDigestOf, sha256Hex } from './digest.js';
import { promisify } from 'node:util';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessStore } from './store.js';

const LINK_TTL_S = 86_400;
const MIN_LENGTH = 8;
const scrypt = promisify(scryptCb) as (password: string, salt: string, keylen: number) => Promise<Buffer>;
/** Compared against when a user has no password, so that a refusal takes as long either way. */
const NO_PASSWORD = { salt: 'no-password-salt', scrypt: Buffer.alloc(32).toString('base64') };

export class PasswordError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** What a message with a link says: a reset asked for, or the invitation of a user an admin just made. */
const SUBJECTS = { reset: 'Set your Quilt password', invitation: 'You are invited to Quilt: set your password' } as const;

/** Makes a reset link for the user and writes the message (a reset, or an invitation) to the outbox; the link's token. */
export function sendResetLink(access: AccessStore, dataDir: string, catalogUrl: string, user: string, kind: keyof typeof SUBJECTS = 'reset'): string {
  const u = access.user(user);
  if (!u) throw new PasswordError(404, 'User not found');
  const token = randomBytes(24).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  access.change((s) => { s.resetLinks = [...s.resetLinks.filter((l) => l.exp > now && l.user !== user), { sha256: sha256Hex(token), user, exp: now + LINK_TTL_S }]; });
  const outbox = join(dataDir, 'outbox');
  mkdirSync(outbox, { recursive: true, mode: 0o700 });
  // The message holds the link, as an email would (the token is in it once, nowhere else in clear).
  appendFileSync(join(outbox, 'mail.jsonl'), `${JSON.stringify({ to: u.email, user, subject: SUBJECTS[kind], link: `${catalogUrl}/reset_password/${token}`, at: new Date().toISOString() })}\n`, { mode: 0o600 });
  return token;
}

/** Sets the password of the link's user (the link is used up). */
export async function changePassword(access: AccessStore, token: string, password: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const link = access.snapshot.resetLinks.find((l) => l.exp > now && isDigestOf(l.sha256, token));
  if (!link) throw new PasswordError(401, 'Reset token invalid');
  if (!access.user(link.user)) throw new PasswordError(404, 'User not found');
  if (password.length < MIN_LENGTH) throw new PasswordError(400, `Password must be at least ${MIN_LENGTH} characters long`);
  const salt = randomBytes(16).toString('base64');
  const hash = (await scrypt(password, salt, 32)).toString('base64');
  access.change((s) => {
    s.passwords[link.user] = { salt, scrypt: hash, setAt: new Date().toISOString() };
    s.resetLinks = s.resetLinks.filter((l) => l.sha256 !== link.sha256);
  });
  return link.user;
}

/** Whether the password is the user's (false for an unknown user or one without a password, after the same work). */
export async function passwordMatches(access: AccessStore, user: string, password: string): Promise<boolean> {
  const p = access.snapshot.passwords[user];
  const given = await scrypt(password, (p ?? NO_PASSWORD).salt, 32);
  return timingSafeEqual(given, Buffer.from((p ?? NO_PASSWORD).scrypt, 'base64')) && p !== undefined;
}
