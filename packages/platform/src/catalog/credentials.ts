/**
 * Credentials as AWS gives them: each catalog role (MANAGED_ROLES, Quilt's names) is a real IAM role
 * in RGW whose role policy grants exactly its permission on every served bucket (READ: list and get;
 * READ_WRITE: also put and delete; none: nothing on them), trusted to be assumed by the catalog's
 * service user. get_credentials answers STS AssumeRole credentials of the user's role — AccessKeyId,
 * SecretAccessKey, SessionToken, Expiration — and RGW enforces them, expiry included. Credentials are
 * reused while more than half of their lifetime is left (as Quilt's registry caches them), and
 * recorded for the Athena API (../sts/issued.ts).
 */
import {
  CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ATHENA_RESULTS_BUCKET } from '@quilt-e2e/constants';
import type { AccessStore, RoleRecord } from './access/store.js';
import { IssuedCredentialsStore } from '../sts/issued.js';
import { accessStore } from './access/open.js';
import { s3ErrorStatus } from './authz.js';
import type { CatalogConfig } from './config.js';
import { HttpError } from './http.js';


/** The answer of get_credentials, in the registry's shape. */
export interface RoleCredentials { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }

const READ = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging', 's3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation', 's3:GetBucketVersioning'];
const WRITE = ['s3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:ListBucketMultipartUploads'];

const arns = (buckets: readonly string[]): string[] => buckets.flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]);

/**
 * The role policy of a catalog role: exactly its permissions (READ: get and list; READ_WRITE: also put,
 * tag and delete); a role that may read a bucket may also read the Athena query results (as a Quilt
 * stack's roles read its user Athena results bucket). A role without permissions gets a policy that
 * allows listing one's buckets and nothing in them (RGW wants one).
 */
export function rolePolicy(permissions: ReadonlyArray<{ bucket: string; level: 'READ' | 'READ_WRITE' }>): string {
  const read = permissions.filter((p) => p.level === 'READ').map((p) => p.bucket);
  const write = permissions.filter((p) => p.level === 'READ_WRITE').map((p) => p.bucket);
  const statement = [
    ...(read.length ? [{ Effect: 'Allow', Action: READ, Resource: arns(read) }] : []),
    ...(write.length ? [{ Effect: 'Allow', Action: [...READ, ...WRITE], Resource: arns(write) }] : []),
    ...(permissions.length ? [{ Effect: 'Allow', Action: READ, Resource: arns([ATHENA_RESULTS_BUCKET]) }] : [{ Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['arn:aws:s3:::*'] }]),
  ];
  return JSON.stringify({ Version: '2012-10-17', Statement: statement });
}

const POLICY_NAME = 'quilt-bucket-permissions';

/** True when an IAM policy document (as IAM answers it: JSON, maybe URL-encoded) says the same as `json`. */
function sameJson(doc: string | undefined, json: string): boolean {
  if (!doc) return false;
  for (const text of [doc, (() => { try { return decodeURIComponent(doc); } catch { return doc; } })()]) {
    try { if (JSON.stringify(JSON.parse(text)) === JSON.stringify(JSON.parse(json))) return true; } catch { /* not JSON in this form */ }
  }
  return false;
}

export class CatalogRoles {
  private readonly iam: IAMClient;
  private readonly sts: STSClient;
  private readonly issued: IssuedCredentialsStore;
  private readonly cache = new Map<string, { creds: RoleCredentials; renewAt: number }>();
  private readonly inflight = new Map<string, Promise<RoleCredentials>>();
  /** Per-user credential lifetimes set through /internal/credentials-ttl (seconds). */
  private readonly userTtl = new Map<string, number>();
  private ready: Promise<void> | undefined;

  constructor(private readonly config: CatalogConfig, private readonly access: AccessStore, private readonly log: (line: string) => void) {
    const aws = {
      endpoint: config.s3Endpoint, region: config.region,
      credentials: { accessKeyId: config.serviceUser.accessKeyId, secretAccessKey: config.serviceUser.secretAccessKey },
      maxAttempts: 2,
      requestHandler: { requestTimeout: 10_000, connectionTimeout: 5_000 },
    };
    this.iam = new IAMClient(aws);
    this.sts = new STSClient(aws);
    this.issued = new IssuedCredentialsStore(config.credentials.issuedDir);
  }

  /** The RGW role name of a catalog role. */
  rgwName(role: string): string { return rgwRoleName(this.config.credentials.rolePrefix, role); }

  /** The IAM role a catalog role's users assume: its own (managed) or the one an admin named (unmanaged). */
  arnOf(role: RoleRecord): string { return role.arn ?? `arn:aws:iam:::role/${this.rgwName(role.name)}`; }

  /** Why RGW has no IAM role of exactly this ARN (null: it has one), e.g. another account or path. */
  async iamRoleProblem(arn: string): Promise<string | null> {
    const RoleName = arn.slice(arn.lastIndexOf('/') + 1);
    const r = await this.iam.send(new GetRoleCommand({ RoleName })).catch((e: unknown) => {
      if (s3ErrorStatus(e).status === 404 || s3ErrorStatus(e).name === 'NoSuchEntity') return undefined;
      throw e;
    });
    if (!r?.Role) return `the IAM role ${arn} does not exist: create it first (aws iam create-role against the stack's IAM endpoint) with a trust policy that lets the catalog assume it`;
    if (r.Role.Arn !== arn) return `the IAM role named ${RoleName} is ${r.Role.Arn}, not ${arn}: give its ARN exactly`;
    return null;
  }

  /** Makes every catalog role exist in RGW with its trust and its role policy over the served buckets (idempotent). */
  ensureRoles(): Promise<void> {
    this.ready ??= this.makeRoles().catch((e: unknown) => { this.ready = undefined; throw e; });
    return this.ready;
  }

  private async makeRoles(): Promise<void> {
    const managed = this.access.snapshot.roles.filter((r) => r.arn === undefined);
    // One role RGW will not take does not keep the others' users from their credentials.
    const failed: string[] = [];
    for (const role of managed) {
      await this.syncRole(role).catch((e: unknown) => { failed.push(`${role.name} (${(e as Error).name}: ${(e as Error).message})`); });
    }
    if (failed.length === managed.length && failed.length > 0) throw new Error(`RGW took none of the catalog's roles: ${failed.join('; ')}`);
    if (failed.length) this.log(`credentials: RGW did not take the role(s) ${failed.join('; ')}; their users' get_credentials answers what AssumeRole says`);
    this.log(`credentials: roles ${managed.map((r) => this.rgwName(r.name)).join(', ')} ready in RGW`);
  }

  /**
   * Makes a managed role exist in RGW with the catalog's trust and exactly its permissions; its users'
   * cached credentials are dropped. An unmanaged role's IAM role is the admin's: it is left as it is.
   */
  async syncRole(role: RoleRecord): Promise<void> {
    if (role.arn !== undefined) { this.forget(role.name); return; }
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam:::user/${this.config.serviceUser.uid}`] }, Action: ['sts:AssumeRole'] }],
    });
    const RoleName = this.rgwName(role.name);
    const existing = await this.iam.send(new GetRoleCommand({ RoleName })).then((r) => r.Role, (e: unknown) => {
      if (s3ErrorStatus(e).status === 404 || s3ErrorStatus(e).name === 'NoSuchEntity') return undefined;
      throw e;
    });
    if (!existing) await this.iam.send(new CreateRoleCommand({ RoleName, Path: '/', AssumeRolePolicyDocument: trust, Description: `Quilt catalog role ${role.name}` }));
    // The trust never changes: it is rewritten only when it differs (a role an older catalog made).
    else if (!sameJson(existing.AssumeRolePolicyDocument, trust)) await this.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: trust }));
    await this.iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: POLICY_NAME, PolicyDocument: rolePolicy(this.access.permissionsOf(role)) }));
    this.forget(role.name);
  }

  /** Deletes a role from RGW (missing is fine). */
  async deleteRole(name: string): Promise<void> {
    const gone = (e: unknown): void => { if (s3ErrorStatus(e).status !== 404 && s3ErrorStatus(e).name !== 'NoSuchEntity') throw e; };
    const RoleName = this.rgwName(name);
    await this.iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: POLICY_NAME })).catch(gone);
    await this.iam.send(new DeleteRoleCommand({ RoleName })).catch(gone);
    this.forget(name);
  }

  /** From now on the user's credentials last `seconds` (null: the stack's default); their cached ones are dropped. */
  setUserTtl(user: string, seconds: number | null): void {
    if (seconds === null) this.userTtl.delete(user); else this.userTtl.set(user, seconds);
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${user}\u0000`)) this.cache.delete(k);
  }

  /** Drops cached credentials of a role (all roles without a name): the next exchange assumes it again. */
  forget(role?: string): void {
    for (const k of [...this.cache.keys()]) if (role === undefined || k.endsWith(`\u0000${role}`)) this.cache.delete(k);
  }

  /** STS credentials of the role of `user` (cached while more than half their lifetime is left). */
  async forUser(user: string, role: string): Promise<RoleCredentials> {
    const k = `${user}\u0000${role}`;
    const hit = this.cache.get(k);
    if (hit && Date.now() < hit.renewAt) return hit.creds;
    let asked = this.inflight.get(k);
    if (!asked) {
      asked = this.assume(user, role).then((creds) => {
        const left = Date.parse(creds.Expiration) - Date.now();
        this.cache.set(k, { creds, renewAt: Date.now() + left / 2 });
        return creds;
      }).finally(() => this.inflight.delete(k));
      this.inflight.set(k, asked);
    }
    return asked;
  }

  private async assume(user: string, role: string): Promise<RoleCredentials> {
    await this.ensureRoles();
    const ttl = this.userTtl.get(user) ?? this.config.credentials.ttlSeconds;
    const record = this.access.role(role);
    const RoleArn = record ? this.arnOf(record) : `arn:aws:iam:::role/${this.rgwName(role)}`;
    let c;
    let who;
    try {
      const answer = await this.sts.send(new AssumeRoleCommand({
        RoleArn, RoleSessionName: user.replace(/[^\w+=,.@-]/g, '-').slice(0, 64), DurationSeconds: ttl,
      }));
      c = answer.Credentials;
      who = answer.AssumedRoleUser;
    } catch (e) {
      const { name, status } = s3ErrorStatus(e);
      throw new HttpError(503, 'CredentialsUnavailable', `STS AssumeRole of ${RoleArn} failed: ${name}${status ? ` (HTTP ${status})` : ''}${record?.arn ? ' (an unmanaged role: its IAM role must let the catalog\'s service user assume it)' : ''}; see the catalog log`);
    }
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new HttpError(503, 'CredentialsUnavailable', `STS AssumeRole of ${RoleArn} answered without credentials`);
    const creds: RoleCredentials = { AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration.toISOString() };
    this.issued.record({ accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken, user, role, expiration: creds.Expiration,
      ...(who?.Arn ? { arn: who.Arn } : {}), ...(who?.AssumedRoleId ? { assumedRoleId: who.AssumedRoleId } : {}),
    });
    return creds;
  }

  /** Deletes this catalog's roles from RGW (a catalog under test, at its teardown); missing ones are fine. */
  async removeRoles(): Promise<void> {
    for (const role of this.access.snapshot.roles) if (role.arn === undefined) await this.deleteRole(role.name);
    this.ready = undefined;
  }

  destroy(): void {
    this.iam.destroy();
    this.sts.destroy();
  }
}

/** Removes the roles of the catalog configured by `config` (tests' teardown): those its access state names. */
export async function removeCatalogRoles(config: CatalogConfig): Promise<void> {
  const roles = new CatalogRoles(config, accessStore(config), () => undefined);
  try { await roles.removeRoles(); } finally { roles.destroy(); }
}

/**
 * The name of a catalog role's IAM role in RGW: the prefix, then the name. IAM allows `_` and `+`
 * in role names and Quilt's catalog asks for names of letters, digits and underscores, but RGW 16
 * takes only [A-Za-z0-9:=,.@-] ("Invalid chars in name"): `=` escapes them (`_` → `=u`, `+` → `=p`,
 * `=` → `==`), so distinct names stay distinct, and names without them keep their RGW name.
 */
export function rgwRoleName(prefix: string, role: string): string {
  return `${prefix}${role.replace(/[=_+]/g, (c) => ({ '=': '==', _: '=u', '+': '=p' })[c]!)}`;
}
