/**
 * Quilt's access model, kept durably in the catalog's data folder (access.json, written whole to a
 * temporary file and renamed, so a crash never leaves half a file): policies (bucket permissions),
 * managed roles (built from policies), users (each with a role, extra roles, active and admin flags),
 * the default role, API keys (their secrets' hashes), the SSO config, Tabulator's open-query
 * switch, and the served buckets with their settings (bucketAdd / bucketUpdate / bucketRemove). A
 * new catalog starts with Quilt's seed for this stack: the configured buckets, the policies and
 * roles of MANAGED_ROLES over them, and the personas' users with PERSONA_ROLES.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANAGED_ROLES } from '@quilt-e2e/constants';

export type Level = 'READ' | 'READ_WRITE';
export interface Permission { bucket: string; level: Level }
export interface PolicyRecord { id: string; title: string; permissions: Permission[] }
/** A managed role is built from policies; an unmanaged one names an IAM role of the admin's own (its ARN). */
export interface RoleRecord { id: string; name: string; policies: string[]; arn?: string }
/** An API key: only the SHA-256 of its secret is kept; the secret is shown once, at creation. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  user: string;
  fingerprint: string;
  secretSha256: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
}
/** A bucket the catalog serves, with Quilt's BucketConfig settings (the @admin ones included). */
export interface BucketRecord {
  name: string;
  title: string;
  iconUrl: string | null;
  description: string | null;
  linkedData: unknown;
  overviewUrl: string | null;
  tags: string[] | null;
  relevanceScore: number;
  browsable: boolean;
  snsNotificationArn: string | null;
  scannerParallelShardsDepth: number | null;
  skipMetaDataIndexing: boolean | null;
  fileExtensionsToIndex: string[] | null;
  indexContentBytes: number | null;
  prefixes: string[];
  addedAt: string;
}

/** A served bucket's record as a new catalog (or bucketAdd with nothing but the name and title) has it. */
export function bucketRecord(name: string, title = name): BucketRecord {
  return {
    name, title, iconUrl: null, description: null, linkedData: null, overviewUrl: null, tags: null, relevanceScore: 0, browsable: true,
    snsNotificationArn: null, scannerParallelShardsDepth: null, skipMetaDataIndexing: null, fileExtensionsToIndex: null, indexContentBytes: null,
    prefixes: [], addedAt: new Date().toISOString(),
  };
}

export interface SsoConfigRecord { text: string; timestamp: string; uploader: string }
export interface UserRecord {
  name: string;
  email: string;
  isActive: boolean;
  isAdmin: boolean;
  /** The active role's name (null: none). */
  role: string | null;
  extraRoles: string[];
  dateJoined: string;
  lastLogin: string;
}
export interface AccessState {
  policies: PolicyRecord[];
  roles: RoleRecord[];
  users: UserRecord[];
  defaultRole: string | null;
  apiKeys: ApiKeyRecord[];
  ssoConfig: SsoConfigRecord | null;
  tabulatorOpenQuery: boolean;
  /** Tokens signed out (POST /api/logout) before their expiry: the SHA-256 of each and when it would have expired. */
  revokedTokens: Array<{ sha256: string; exp: number }>;
  /** Users' passwords (scrypt), set through a reset link (access/passwords.ts). */
  passwords: Record<string, { salt: string; scrypt: string; setAt: string }>;
  /** Open password-reset links: the SHA-256 of each link's token, its user, and when it expires (Unix seconds). */
  resetLinks: Array<{ sha256: string; user: string; exp: number }>;
  /** The buckets this catalog serves, in the order they were added. */
  buckets: BucketRecord[];
}

export interface SeedUser { name: string; role: string; isAdmin: boolean }

export class AccessStore {
  private state: AccessState;
  private readonly file: string;
  /**
   * The names of the served buckets: one array for the catalog's lifetime, brought up to date in
   * place after every change, so that whoever holds it (indexer, change feed) follows bucketAdd
   * and bucketRemove at once.
   */
  readonly servedBuckets: string[] = [];

  constructor(dataDir: string, buckets: readonly string[], seedUsers: readonly SeedUser[]) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'access.json');
    if (existsSync(this.file)) {
      try {
        // A state saved before API keys, SSO config and open query existed gets their defaults.
        // A state saved before buckets were administered serves the configured ones.
        this.state = {
          apiKeys: [], ssoConfig: null, tabulatorOpenQuery: false, revokedTokens: [], passwords: {}, resetLinks: [], buckets: buckets.map((b) => bucketRecord(b)),
          ...JSON.parse(readFileSync(this.file, 'utf8')) as Partial<AccessState>,
        } as AccessState;
      } catch (e) {
        throw new Error(`${this.file} is not the catalog's access state (${(e as Error).message}); move it away to start from the seed`);
      }
    } else {
      this.state = seed(buckets, seedUsers);
      this.save();
    }
    this.servedBuckets.push(...this.state.buckets.map((b) => b.name));
  }

  get snapshot(): Readonly<AccessState> { return this.state; }

  /** Applies a change and saves the whole state; a change that throws leaves the state as it was. */
  change<T>(fn: (s: AccessState) => T): T {
    const draft = structuredClone(this.state);
    const out = fn(draft);
    this.state = draft;
    this.save();
    this.servedBuckets.splice(0, this.servedBuckets.length, ...draft.buckets.map((b) => b.name));
    return out;
  }

  user(name: string): UserRecord | undefined { return this.state.users.find((u) => u.name === name); }
  role(idOrName: string): RoleRecord | undefined { return this.state.roles.find((r) => r.id === idOrName || r.name === idOrName); }
  policy(id: string): PolicyRecord | undefined { return this.state.policies.find((p) => p.id === id); }

  bucket(name: string): BucketRecord | undefined { return this.state.buckets.find((b) => b.name === name); }

  apiKey(id: string): ApiKeyRecord | undefined { return this.state.apiKeys.find((k) => k.id === id); }

  /** A role's permissions: for each bucket, the highest level its policies grant (none for an unmanaged role: its IAM role decides). */
  permissionsOf(role: RoleRecord): Permission[] {
    const by = new Map<string, Level>();
    for (const id of role.policies) {
      for (const p of this.policy(id)?.permissions ?? []) if (by.get(p.bucket) !== 'READ_WRITE') by.set(p.bucket, p.level);
    }
    return [...by].map(([bucket, level]) => ({ bucket, level })).sort((a, b) => (a.bucket < b.bucket ? -1 : 1));
  }

  private save(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

function seed(buckets: readonly string[], users: readonly SeedUser[]): AccessState {
  const now = new Date().toISOString();
  const policies: PolicyRecord[] = [];
  const roles: RoleRecord[] = [];
  for (const [name, level] of Object.entries(MANAGED_ROLES) as Array<[string, Level | null]>) {
    const ids: string[] = [];
    if (level !== null) {
      const p = { id: randomUUID(), title: `${name} policy`, permissions: buckets.map((bucket) => ({ bucket, level })) };
      policies.push(p);
      ids.push(p.id);
    }
    roles.push({ id: randomUUID(), name, policies: ids });
  }
  return {
    policies,
    roles,
    users: users.map((u) => ({ name: u.name, email: `${u.name}@users.quilt-e2e.local`, isActive: true, isAdmin: u.isAdmin, role: u.role, extraRoles: [], dateJoined: now, lastLogin: now })),
    defaultRole: roles.find((r) => r.name === 'ReadQuiltBucket')?.id ?? null,
    apiKeys: [],
    ssoConfig: null,
    tabulatorOpenQuery: false,
    revokedTokens: [],
    passwords: {},
    resetLinks: [],
    buckets: buckets.map((b) => bucketRecord(b)),
  };
}
