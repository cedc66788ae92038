/**
 * Which Quilt stack the suite runs against, from the environment:
 *  - local (default): the embedded stack this project starts itself (stack/);
 *  - quilt: a real deployment — AWS S3/Athena/Glue and a real catalog — named by the spec's variables.
 */
import { loadStackConfig, type StackConfig } from '../stack/config.js';
import type { S3Credentials } from './adapters/s3-client.js';

export type TargetKind = 'local' | 'quilt';
export type PersonaRole = 'admin' | 'reader' | 'outsider';

export interface PersonaAccess {
  /** Explicit keys, or undefined for the AWS default credential chain. */
  credentials?: S3Credentials;
}

export interface TargetConfig {
  kind: TargetKind;
  /** The bucket the suite tests against (and the package registry). */
  bucket: string;
  s3: { endpoint?: string; region: string };
  /** The credentials each persona uses; a missing persona makes the scenarios that need it skip, with the reason. */
  personas: Partial<Record<PersonaRole, PersonaAccess>>;
  /** Present only for the local target. */
  stack?: StackConfig;
}

export class ConfigurationError extends Error {}

function required(env: NodeJS.ProcessEnv, name: string, example: string): string {
  const v = env[name];
  if (!v) throw new ConfigurationError(`${name} is not set: the quilt target needs it, for example ${name}=${example}`);
  return v;
}

function keysFromEnv(env: NodeJS.ProcessEnv, prefix: string): PersonaAccess | undefined {
  const id = env[`${prefix}_ACCESS_KEY_ID`];
  const secret = env[`${prefix}_SECRET_ACCESS_KEY`];
  if (!id || !secret) return undefined;
  return { credentials: { accessKeyId: id, secretAccessKey: secret, ...(env[`${prefix}_SESSION_TOKEN`] ? { sessionToken: env[`${prefix}_SESSION_TOKEN`] } : {}) } };
}

export function loadTarget(env: NodeJS.ProcessEnv = process.env): TargetConfig {
  const kind = (env.QUILT_E2E_TARGET ?? 'local').toLowerCase();
  if (kind === 'local') {
    const stack = loadStackConfig(env);
    const persona = (role: PersonaRole): PersonaAccess => ({ credentials: { accessKeyId: stack.s3Users[role].accessKeyId, secretAccessKey: stack.s3Users[role].secretAccessKey } });
    return {
      kind: 'local',
      bucket: stack.s3.testBucket,
      s3: { endpoint: `http://127.0.0.1:${stack.ports.s3}`, region: stack.s3.region },
      personas: { admin: persona('admin'), reader: persona('reader'), outsider: persona('outsider') },
      stack,
    };
  }
  if (kind === 'quilt') {
    const reader = keysFromEnv(env, 'QUILT_E2E_READER');
    const outsider = keysFromEnv(env, 'QUILT_E2E_OUTSIDER');
    return {
      kind: 'quilt',
      bucket: required(env, 'QUILT_TEST_BUCKET', 'my-quilt-test-bucket'),
      s3: { region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1' },
      personas: { admin: keysFromEnv(env, 'QUILT_E2E_ADMIN') ?? {}, ...(reader ? { reader } : {}), ...(outsider ? { outsider } : {}) },
    };
  }
  throw new ConfigurationError(`QUILT_E2E_TARGET=${JSON.stringify(env.QUILT_E2E_TARGET)} is not a target: use "local" (the embedded stack, the default) or "quilt" (a real deployment named by QUILT_TEST_BUCKET, QUILT_CATALOG_URL, QUILT_REGISTRY_URL, ...)`);
}
