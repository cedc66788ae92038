/**
 * Permission discovery (quilt-mcp's discover_permissions; the spec's goal 5): who a persona's
 * catalog credentials are, as STS names them, and what they may do in the test bucket. The caller
 * is judged against the catalog itself — the persona's role (their own `me`) and that role's IAM
 * ARN (the admin's role list) — and what they may do against the expected answer, with write
 * established by a real round trip.
 */
import { expect } from 'chai';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { roleArnParts, sessionArnParts, type PermissionDiscovery } from '../domain/access.js';

export async function discoverPermissions(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  world.memory.discovery = await world.accessOps(persona).discover(world.bucket, { probePrefix: world.key('.access-probe/'), sampleKey: [...world.memory.seeded.keys()][0] });
}

/** The discovered caller is a session of the persona's active role, with the account and name of the role's ARN. */
export async function expectCallerIsOwnRole(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  const d: PermissionDiscovery = world.memory.discovery;
  const me = await world.catalog(persona).graphql<{ me: { role: { name: string } | null } }>('{ me { role { name } } }');
  const roleName = me.me.role?.name;
  expect(roleName, `the catalog gives ${persona} an active role`).to.be.a('string');
  const roles = await world.catalog('admin').graphql<{ roles: Array<{ name?: string; arn?: string }> }>('{ roles { ... on ManagedRole { name arn } ... on UnmanagedRole { name arn } } }');
  const roleArn = roles.roles.find((r) => r.name === roleName)?.arn;
  expect(roleArn, `the admin's role list has ${roleName} with an ARN`).to.be.a('string');
  const role = roleArnParts(roleArn!);
  expect(role, `${roleArn} is an IAM role ARN`).to.not.equal(undefined);
  const session = sessionArnParts(d.callerArn);
  expect(session, `the discovered caller ${JSON.stringify(d.callerArn)} is an STS assumed-role session (the catalog hands out its role's temporary credentials)`).to.not.equal(undefined);
  expect({ account: session!.account, role: session!.role }, `the caller ${d.callerArn} is a session of ${persona}'s role ${roleName} (${roleArn})`).to.deep.equal(role);
}

export function expectDiscoveredAccess(world: QuiltWorld, list: boolean, read: boolean, write: boolean): void {
  const r = (world.memory.discovery as PermissionDiscovery).access;
  expect({ list: r.accessSummary.canList, read: r.accessSummary.canRead, write: r.accessSummary.canWrite }, JSON.stringify(r.evidence)).to.deep.equal({ list, read, write });
  if (write) expect(r.evidence.write, 'write established by a real round trip').to.match(/succeeded and the probe was removed/);
}

/** The buckets the catalog shows the persona, through the run's driver. */
export async function listBuckets(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  world.memory.bucketsShown = await world.accessOps(persona).buckets();
}

/**
 * S3 is the judge: every bucket shown may be listed by the persona (a real ListObjectsV2 with
 * their credentials), and the test bucket is shown exactly when S3 lets them list it.
 */
export async function expectBucketsShownAsS3Allows(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  const shown = world.memory.bucketsShown;
  const mayList = async (bucket: string): Promise<string> => (await world.s3(persona).send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 })).then(() => 'listed', (e: Error) => e.name));
  for (const b of shown) expect(await mayList(b), `${persona} was shown ${b}: S3 lets them list it`).to.equal('listed');
  const testBucket = await mayList(world.bucket);
  expect(shown.includes(world.bucket), `the test bucket is shown to ${persona} exactly when S3 lets them list it (S3: ${testBucket})`).to.equal(testBucket === 'listed');
}

/** The persona points their client at the target's catalog (quilt3.config; quilt-mcp's catalog_configure). */
export async function pointAtCatalog(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  world.memory.catalogInfo = await world.accessOps(persona).pointAt(world.target.catalog!.catalogUrl);
}

/** What the client says it is connected to is the target's catalog and its registry (as configured for this run, not read from the catalog). */
export function expectConnectedToTarget(world: QuiltWorld): void {
  const bare = (u: string): string => u.replace(/\/+$/, '');
  const c = world.target.catalog!;
  expect({ catalog: bare(world.memory.catalogInfo.catalogUrl), registry: bare(world.memory.catalogInfo.registryUrl) }, 'the catalog the client says it is connected to')
    .to.deep.equal({ catalog: bare(c.catalogUrl), registry: bare(c.registryUrl) });
}
