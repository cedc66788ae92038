/**
 * The temporary credentials the catalog handed out (get_credentials: STS AssumeRole in RGW), recorded
 * for the stack's other AWS-protocol APIs. RGW checks them for S3 itself; the local Athena/Glue API
 * is not RGW, so it learns a temporary key's secret, owner and expiry here — as AWS's services learn
 * them from IAM. One file per access key under the stack's data folder, readable by root only;
 * expired records are swept when new ones are written.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** The catalog user they were issued to (an RGW uid). */
  user: string;
  /** The catalog role they act as (Quilt's name). */
  role: string;
  /** ISO time after which they are refused. */
  expiration: string;
  /** The session's ARN as STS answered it (AssumedRoleUser.Arn), e.g. arn:aws:sts:::assumed-role/<role>/<session>. */
  arn?: string;
  /** The session's id as STS answered it (AssumedRoleUser.AssumedRoleId). */
  assumedRoleId?: string;
}

const KEY_ID = /^[A-Za-z0-9]{8,128}$/;

export class IssuedCredentialsStore {
  /** Records already read (they never change): a reader looks each key up on disk once. */
  private readonly known = new Map<string, IssuedCredentials>();
  constructor(private readonly dir: string) {}

  record(c: IssuedCredentials): void {
    if (!KEY_ID.test(c.accessKeyId)) throw new Error(`refusing to record an access key id that is not alphanumeric: ${JSON.stringify(c.accessKeyId)}`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.sweep();
    writeFileSync(join(this.dir, `${c.accessKeyId}.json`), JSON.stringify(c), { mode: 0o600 });
  }

  /** The record of a temporary access key, or undefined (unknown, or not a temporary key). */
  lookup(accessKeyId: string): IssuedCredentials | undefined {
    if (!KEY_ID.test(accessKeyId)) return undefined;
    const hit = this.known.get(accessKeyId);
    if (hit) return hit;
    try {
      const c = JSON.parse(readFileSync(join(this.dir, `${accessKeyId}.json`), 'utf8')) as IssuedCredentials;
      if (this.known.size > 10_000) this.known.clear();
      this.known.set(accessKeyId, c);
      return c;
    } catch {
      return undefined;
    }
  }

  /** Removes records that expired more than a minute ago. */
  sweep(now = Date.now()): void {
    let names: string[];
    try { names = readdirSync(this.dir); } catch { return; }
    for (const n of names) {
      if (!n.endsWith('.json')) continue;
      const c = this.lookup(n.slice(0, -5));
      if (!c || Date.parse(c.expiration) < now - 60_000) rmSync(join(this.dir, n), { force: true });
    }
  }
}
