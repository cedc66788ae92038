/**
 * Browsing sessions (Quilt's browsingSessionCreate / Refresh / Dispose and GET /browse/<id>/<path>):
 * a short-lived, unguessable capability to read the files of ONE package revision — what Quilt's
 * catalog uses for HTML previews and quilt-mcp for download links of package files.
 *
 *   scope   quilt+s3://<bucket>#package=<name>@<top hash>   (Quilt's PackageUri of a revision)
 *   GET /browse/<id>/<logical key>  → 302 to a presigned GET of that file's physical key, signed with
 *                                     the session owner's keys (1 hour or the session's rest, if shorter);
 *                                     404 for an unknown or expired session, or a path not in the revision.
 * The session id is the capability (as Quilt's s3 proxy serves /browse to iframes without a token).
 * Sessions live in the catalog's memory: a restart ends them, as their TTL does anyway.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type PackageRevision, parsePhysicalKey, validateBucketName, validatePackageName, validateTopHash } from '@quilt-e2e/quilt-js';
import type { S3Clients } from './authz.js';
import { HttpError } from './http.js';

export interface PackageScope { bucket: string; name: string; hash: string }

const SCOPE_EXAMPLE = 'quilt+s3://my-bucket#package=team/dataset@<64 hex digits of the top hash>';

/** Parses a revision's PackageUri; anything else is refused with the right form. */
export function parsePackageScope(scope: string): PackageScope {
  const m = /^quilt\+s3:\/\/([^#/]+)#package=([^@&]+)@([0-9a-f]+)$/.exec(scope);
  if (!m) throw new Error(`scope ${JSON.stringify(scope)} is not a package revision URI: use the form ${SCOPE_EXAMPLE}`);
  const [, bucket, name, hash] = m as unknown as [string, string, string, string];
  validateBucketName(bucket);
  validatePackageName(decodeURIComponent(name));
  validateTopHash(hash);
  return { bucket, name: decodeURIComponent(name), hash };
}

interface Session { id: string; user: string; scope: PackageScope; revision: PackageRevision; expiresAt: number }

export class BrowsingSessions {
  private readonly sessions = new Map<string, Session>();
  constructor(private readonly clients: S3Clients, private readonly now: () => number = Date.now) {}

  create(user: string, scope: PackageScope, revision: PackageRevision, ttlSeconds: number): { id: string; expires: string } {
    this.sweep();
    const s: Session = { id: randomBytes(24).toString('base64url'), user, scope, revision, expiresAt: this.now() + ttlSeconds * 1000 };
    this.sessions.set(s.id, s);
    return { id: s.id, expires: new Date(s.expiresAt).toISOString() };
  }

  /** A live session of this user, given a new TTL from now; undefined when there is none. */
  refresh(id: string, user: string, ttlSeconds: number): { id: string; expires: string } | undefined {
    const s = this.live(id);
    if (!s || s.user !== user) return undefined;
    s.expiresAt = this.now() + ttlSeconds * 1000;
    return { id: s.id, expires: new Date(s.expiresAt).toISOString() };
  }

  dispose(id: string, user: string): boolean {
    const s = this.live(id);
    if (!s || s.user !== user) return false;
    return this.sessions.delete(id);
  }

  /** GET /browse/<id>/<logical key>: a redirect to the file's bytes. */
  async handle(path: string, reply: FastifyReply): Promise<FastifyReply> {
    const m = /^\/browse\/([^/]+)\/(.+)$/.exec(path);
    if (!m) throw new HttpError(404, 'NotFound', 'use /browse/<session id>/<logical key>, with a session from the browsingSessionCreate mutation');
    const s = this.live(m[1]!);
    if (!s) throw new HttpError(404, 'NotFound', 'no such browsing session: it expired or never existed; create one with the browsingSessionCreate mutation');
    let logicalKey: string;
    try { logicalKey = decodeURIComponent(m[2]!); } catch { throw new HttpError(400, 'BadRequest', `the path ${JSON.stringify(m[2])} is not valid percent-encoding`); }
    const entry = s.revision.entries.find((e) => e.logicalKey === logicalKey);
    if (!entry) throw new HttpError(404, 'NotFound', `${JSON.stringify(logicalKey)} is not a file of ${s.scope.name}@${s.scope.hash.slice(0, 10)}`);
    const loc = parsePhysicalKey(entry.physicalKey, `entry ${JSON.stringify(logicalKey)}`);
    if (loc.scheme !== 's3') throw new HttpError(404, 'NotFound', `${JSON.stringify(logicalKey)} is not stored in S3 (${entry.physicalKey})`);
    const expiresIn = Math.max(1, Math.min(3600, Math.floor((s.expiresAt - this.now()) / 1000)));
    const url = await getSignedUrl(this.clients.for(s.user), new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...(loc.versionId ? { VersionId: loc.versionId } : {}) }), { expiresIn });
    return reply.code(302).headers({ location: url, 'cache-control': 'no-store' }).send();
  }

  private live(id: string): Session | undefined {
    const s = this.sessions.get(id);
    if (s && s.expiresAt <= this.now()) { this.sessions.delete(id); return undefined; }
    return s;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}
