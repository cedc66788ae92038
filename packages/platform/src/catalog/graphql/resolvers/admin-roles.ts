/**
 * Quilt's admin API for policies and roles: policies grant READ or READ_WRITE on served buckets, a
 * managed role is built from policies and is a real IAM role in RGW whose policy follows at once
 * (../../credentials.ts); an unmanaged role names an IAM role of the admin's own, which its users
 * assume as it is. Bad input is refused with what was wrong, before
 * anything changes.
 */
import { randomUUID } from 'node:crypto';
import type { Level, Permission, RoleRecord } from '../../access/store.js';
import { HttpError } from '../../http.js';
import { requireAdmin, policyView, roleView } from './views.js';
import { invalidInput, operationError, type Args, type GqlContext, type InputErrorShape } from './common.js';

const ROLE_NAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/;

/** After a change: the roles' IAM policies in RGW, and everything cached about their users. */
export async function applyRoles(g: GqlContext, names: Iterable<string>): Promise<void> {
  for (const name of new Set(names)) {
    const r = g.ctx.access.role(name);
    if (r) await g.ctx.roles.syncRole(r);
    for (const u of g.ctx.access.snapshot.users) if (u.role === name || u.extraRoles.includes(name)) g.ctx.clients.drop(u.name);
  }
  g.ctx.authz.forget();
}

interface PolicyInput { title: string; permissions: Array<{ bucket: string; level: Level }>; roles: string[] }

function checkPolicy(g: GqlContext, input: PolicyInput): InputErrorShape[] {
  const errors: InputErrorShape[] = [];
  if (input.title.trim() === '') errors.push({ path: 'input.title', name: 'ValidationError', message: 'a policy needs a title, for example "Read the raw data"' });
  const seen = new Set<string>();
  input.permissions.forEach((p, i) => {
    if (!g.ctx.access.servedBuckets.includes(p.bucket)) errors.push({ path: `input.permissions[${i}].bucket`, name: 'BucketNotFound', message: `bucket ${JSON.stringify(p.bucket)} is not a bucket of this catalog: use one of ${g.ctx.access.servedBuckets.join(', ')}` });
    else if (seen.has(p.bucket)) errors.push({ path: `input.permissions[${i}].bucket`, name: 'ValidationError', message: `bucket ${p.bucket} appears twice: give each bucket one level` });
    seen.add(p.bucket);
  });
  input.roles.forEach((id, i) => {
    const r = g.ctx.access.snapshot.roles.find((x) => x.id === id);
    if (r?.arn !== undefined) errors.push({ path: `input.roles[${i}]`, name: 'RoleIsUnmanaged', message: `role ${r.name} is unmanaged (its IAM role ${r.arn} decides its rights): attach policies to managed roles only` });
    else if (!r) errors.push({ path: `input.roles[${i}]`, name: 'RoleDoesNotExist', message: `no role has the id ${JSON.stringify(id)}: list them with { roles { ... on ManagedRole { id name } } }` });
  });
  return errors;
}

function permissionsOf(input: PolicyInput): Permission[] {
  return input.permissions.map((p) => ({ bucket: p.bucket, level: p.level }));
}

async function policyCreateManaged(g: GqlContext, a: Args) {
  requireAdmin(g, 'policyCreateManaged');
  const input = a.input as PolicyInput;
  const errors = checkPolicy(g, input);
  if (errors.length) return invalidInput(errors);
  const id = randomUUID();
  g.ctx.access.change((s) => {
    s.policies.push({ id, title: input.title.trim(), permissions: permissionsOf(input) });
    for (const r of s.roles) if (input.roles.includes(r.id)) r.policies.push(id);
  });
  await applyRoles(g, g.ctx.access.snapshot.roles.filter((r) => input.roles.includes(r.id)).map((r) => r.name));
  return policyView(g, g.ctx.access.policy(id)!);
}

async function policyUpdateManaged(g: GqlContext, a: Args) {
  requireAdmin(g, 'policyUpdateManaged');
  const id = String(a.id);
  const input = a.input as PolicyInput;
  if (!g.ctx.access.policy(id)) return invalidInput([{ path: 'id', name: 'PolicyDoesNotExist', message: `no policy has the id ${JSON.stringify(id)}` }]);
  const errors = checkPolicy(g, input);
  if (errors.length) return invalidInput(errors);
  const touched = g.ctx.access.snapshot.roles.filter((r) => r.policies.includes(id) || input.roles.includes(r.id)).map((r) => r.name);
  g.ctx.access.change((s) => {
    const p = s.policies.find((x) => x.id === id)!;
    p.title = input.title.trim();
    p.permissions = permissionsOf(input);
    for (const r of s.roles) {
      const has = r.policies.includes(id);
      if (input.roles.includes(r.id) && !has) r.policies.push(id);
      if (!input.roles.includes(r.id) && has) r.policies = r.policies.filter((x) => x !== id);
    }
  });
  await applyRoles(g, touched);
  return policyView(g, g.ctx.access.policy(id)!);
}

async function policyDelete(g: GqlContext, a: Args) {
  requireAdmin(g, 'policyDelete');
  const id = String(a.id);
  if (!g.ctx.access.policy(id)) return invalidInput([{ path: 'id', name: 'PolicyDoesNotExist', message: `no policy has the id ${JSON.stringify(id)}` }]);
  const touched = g.ctx.access.snapshot.roles.filter((r) => r.policies.includes(id)).map((r) => r.name);
  g.ctx.access.change((s) => {
    s.policies = s.policies.filter((p) => p.id !== id);
    for (const r of s.roles) r.policies = r.policies.filter((x) => x !== id);
  });
  await applyRoles(g, touched);
  return { __typename: 'Ok', _: true };
}

function checkRolePolicies(g: GqlContext, ids: string[]): void {
  const unknown = ids.filter((id) => !g.ctx.access.policy(id));
  // Quilt's RoleCreateResult has no InvalidInput: an unknown policy is an error of the request.
  if (unknown.length) throw new HttpError(400, 'InvalidInput', `no policy has the id ${unknown.map((x) => JSON.stringify(x)).join(', ')}: list them with { policies { id title } }`);
}

async function roleCreateManaged(g: GqlContext, a: Args) {
  requireAdmin(g, 'roleCreateManaged');
  const input = a.input as { name: string; policies: string[] };
  if (!ROLE_NAME.test(input.name)) return { __typename: 'RoleNameInvalid', _: null };
  if (g.ctx.access.role(input.name)) return { __typename: 'RoleNameExists', _: null };
  checkRolePolicies(g, input.policies);
  const role: RoleRecord = { id: randomUUID(), name: input.name, policies: [...new Set(input.policies)] };
  g.ctx.access.change((s) => { s.roles.push(role); });
  try {
    await g.ctx.roles.syncRole(role);
  } catch (e) {
    g.ctx.access.change((s) => { s.roles = s.roles.filter((r) => r.id !== role.id); });
    throw e;
  }
  return { __typename: 'RoleCreateSuccess', role: roleView(g, role) };
}

async function roleUpdateManaged(g: GqlContext, a: Args) {
  requireAdmin(g, 'roleUpdateManaged');
  const id = String(a.id);
  const input = a.input as { name: string; policies: string[] };
  const old = g.ctx.access.snapshot.roles.find((r) => r.id === id);
  if (!old) throw new HttpError(400, 'InvalidInput', `no role has the id ${JSON.stringify(id)}`);
  if (old.arn !== undefined) return { __typename: 'RoleIsUnmanaged', _: null };
  if (!ROLE_NAME.test(input.name)) return { __typename: 'RoleNameInvalid', _: null };
  if (input.name !== old.name && g.ctx.access.role(input.name)) return { __typename: 'RoleNameExists', _: null };
  checkRolePolicies(g, input.policies);
  g.ctx.access.change((s) => {
    const r = s.roles.find((x) => x.id === id)!;
    r.name = input.name;
    r.policies = [...new Set(input.policies)];
    if (input.name !== old.name) {
      for (const u of s.users) {
        if (u.role === old.name) u.role = input.name;
        u.extraRoles = u.extraRoles.map((x) => (x === old.name ? input.name : x));
      }
    }
  });
  if (input.name !== old.name) await g.ctx.roles.deleteRole(old.name);
  await applyRoles(g, [input.name]);
  return { __typename: 'RoleUpdateSuccess', role: roleView(g, g.ctx.access.role(id)!) };
}

async function roleDelete(g: GqlContext, a: Args) {
  requireAdmin(g, 'roleDelete');
  const id = String(a.id);
  const role = g.ctx.access.snapshot.roles.find((r) => r.id === id);
  if (!role) return { __typename: 'RoleDoesNotExist', _: null };
  if (g.ctx.access.snapshot.users.some((u) => u.role === role.name || u.extraRoles.includes(role.name))) return { __typename: 'RoleAssigned', _: null };
  g.ctx.access.change((s) => {
    s.roles = s.roles.filter((r) => r.id !== id);
    if (s.defaultRole === id) s.defaultRole = null;
  });
  // An unmanaged role's IAM role is the admin's own: it stays.
  if (role.arn === undefined) await g.ctx.roles.deleteRole(role.name);
  return { __typename: 'RoleDeleteSuccess', _: true };
}

const IAM_ROLE_ARN = /^arn:aws:iam::[0-9]{0,12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** An unmanaged role's ARN: well-formed and a role RGW has (null), or why not. */
async function arnProblem(g: GqlContext, arn: string): Promise<string | null> {
  if (!IAM_ROLE_ARN.test(arn)) return `${JSON.stringify(arn)} is not an IAM role ARN: write arn:aws:iam::<account>:role/<name> (RGW's roles have an empty account: arn:aws:iam:::role/<name>)`;
  return g.ctx.roles.iamRoleProblem(arn);
}

async function roleCreateUnmanaged(g: GqlContext, a: Args) {
  requireAdmin(g, 'roleCreateUnmanaged');
  const input = a.input as { name: string; arn: string };
  if (!ROLE_NAME.test(input.name)) return { __typename: 'RoleNameInvalid', _: null };
  if (g.ctx.access.role(input.name)) return { __typename: 'RoleNameExists', _: null };
  const problem = await arnProblem(g, input.arn);
  // Quilt's RoleCreateResult has no InvalidInput: a bad ARN is an error of the request.
  if (problem) throw new HttpError(400, 'InvalidInput', problem);
  const role: RoleRecord = { id: randomUUID(), name: input.name, policies: [], arn: input.arn };
  // Checked again after the IAM question: another request may have taken the name meanwhile.
  if (g.ctx.access.role(input.name)) return { __typename: 'RoleNameExists', _: null };
  g.ctx.access.change((s) => { s.roles.push(role); });
  return { __typename: 'RoleCreateSuccess', role: roleView(g, role) };
}

async function roleUpdateUnmanaged(g: GqlContext, a: Args) {
  requireAdmin(g, 'roleUpdateUnmanaged');
  const id = String(a.id);
  const input = a.input as { name: string; arn: string };
  const old = g.ctx.access.snapshot.roles.find((r) => r.id === id);
  if (!old) throw new HttpError(400, 'InvalidInput', `no role has the id ${JSON.stringify(id)}`);
  if (old.arn === undefined) return { __typename: 'RoleIsManaged', _: null };
  if (!ROLE_NAME.test(input.name)) return { __typename: 'RoleNameInvalid', _: null };
  if (input.name !== old.name && g.ctx.access.role(input.name)) return { __typename: 'RoleNameExists', _: null };
  const problem = await arnProblem(g, input.arn);
  if (problem) throw new HttpError(400, 'InvalidInput', problem);
  // Checked again after the IAM question: the role may have gone, or its new name been taken, meanwhile.
  if (!g.ctx.access.snapshot.roles.some((r) => r.id === id)) throw new HttpError(400, 'InvalidInput', `no role has the id ${JSON.stringify(id)}`);
  if (input.name !== old.name && g.ctx.access.role(input.name)) return { __typename: 'RoleNameExists', _: null };
  g.ctx.access.change((s) => {
    const r = s.roles.find((x) => x.id === id)!;
    r.name = input.name;
    r.arn = input.arn;
    for (const u of s.users) {
      if (u.role === old.name) u.role = input.name;
      u.extraRoles = u.extraRoles.map((x) => (x === old.name ? input.name : x));
    }
  });
  await applyRoles(g, [input.name]);
  return { __typename: 'RoleUpdateSuccess', role: roleView(g, g.ctx.access.role(id)!) };
}

/**
 * Quilt's unmanaged policies attach an IAM managed policy (its ARN) to managed roles; RGW 16's IAM
 * has inline role policies only (no CreatePolicy/AttachRolePolicy), so this stack cannot honour one.
 */
function unmanagedPolicy(g: GqlContext, field: string) {
  requireAdmin(g, field);
  return operationError('NotSupported', `${field}: this stack's IAM (Ceph RGW 16) has no managed IAM policies to attach, so an unmanaged policy could not take effect; grant bucket access with policyCreateManaged instead`);
}

function roleSetDefault(g: GqlContext, a: Args) {
  requireAdmin(g, 'roleSetDefault');
  const role = g.ctx.access.snapshot.roles.find((r) => r.id === String(a.id));
  if (!role) return { __typename: 'RoleDoesNotExist', _: null };
  g.ctx.access.change((s) => { s.defaultRole = role.id; });
  return { __typename: 'RoleSetDefaultSuccess', role: roleView(g, role) };
}

export const adminRoleResolvers = {
  policies: (_a: Args, g: GqlContext) => { requireAdmin(g, 'policies'); return g.ctx.access.snapshot.policies.map((p) => policyView(g, p)); },
  policy: (a: Args, g: GqlContext) => { requireAdmin(g, 'policy'); const p = g.ctx.access.policy(String(a.id)); return p ? policyView(g, p) : null; },
  roles: (_a: Args, g: GqlContext) => { requireAdmin(g, 'roles'); return g.ctx.access.snapshot.roles.map((r) => roleView(g, r)); },
  role: (a: Args, g: GqlContext) => { requireAdmin(g, 'role'); const r = g.ctx.access.snapshot.roles.find((x) => x.id === String(a.id)); return r ? roleView(g, r) : null; },
  defaultRole: (_a: Args, g: GqlContext) => {
    requireAdmin(g, 'defaultRole');
    const r = g.ctx.access.snapshot.roles.find((x) => x.id === g.ctx.access.snapshot.defaultRole);
    return r ? roleView(g, r) : null;
  },
  policyCreateManaged: (a: Args, g: GqlContext) => policyCreateManaged(g, a),
  policyUpdateManaged: (a: Args, g: GqlContext) => policyUpdateManaged(g, a),
  policyDelete: (a: Args, g: GqlContext) => policyDelete(g, a),
  roleCreateManaged: (a: Args, g: GqlContext) => roleCreateManaged(g, a),
  roleUpdateManaged: (a: Args, g: GqlContext) => roleUpdateManaged(g, a),
  roleDelete: (a: Args, g: GqlContext) => roleDelete(g, a),
  roleSetDefault: (a: Args, g: GqlContext) => roleSetDefault(g, a),
  roleCreateUnmanaged: (a: Args, g: GqlContext) => roleCreateUnmanaged(g, a),
  roleUpdateUnmanaged: (a: Args, g: GqlContext) => roleUpdateUnmanaged(g, a),
  policyCreateUnmanaged: (_a: Args, g: GqlContext) => unmanagedPolicy(g, 'policyCreateUnmanaged'),
  policyUpdateUnmanaged: (_a: Args, g: GqlContext) => unmanagedPolicy(g, 'policyUpdateUnmanaged'),
};
