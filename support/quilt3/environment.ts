/**
 * The environment a quilt3 process runs in, for the oracle (support/oracles/quilt3.ts) and for
 * quilt3 as a user's program (./client.ts): a private, empty HOME and XDG folders (quilt3 keeps its
 * config, credentials and caches there), no usage metrics, no local cache, the region, and the S3
 * endpoint when there is one (RGW on the local target) with botocore's checksums as RGW wants them.
 * AWS credentials: the given keys, or the AWS default chain of this process (`inherit`), or none at
 * all (`none`: the process's only credentials are those quilt3 gets from the catalog).
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Quilt3EnvOptions {
  region: string;
  endpoint?: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | 'inherit' | 'none';
}

export function quilt3Environment(home: string, o: Quilt3EnvOptions): Record<string, string> {
  for (const d of ['xdg-data', 'xdg-cache', 'xdg-config']) mkdirSync(join(home, d), { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_DATA_HOME: join(home, 'xdg-data'),
    XDG_CACHE_HOME: join(home, 'xdg-cache'),
    XDG_CONFIG_HOME: join(home, 'xdg-config'),
    QUILT_DISABLE_USAGE_METRICS: 'true',
    QUILT_DISABLE_CACHE: 'true',
    QUILT_MINIMIZE_STDOUT: 'true',
    PYTHONIOENCODING: 'utf-8',
    PYTHONUNBUFFERED: '1',
  };
  if (o.credentials === 'inherit') {
    // The AWS default chain: this process's AWS_* variables, proxies and ~/.aws (linked into the private HOME).
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && (/^AWS_/.test(k) || /^(https?_proxy|no_proxy|all_proxy|REQUESTS_CA_BUNDLE|SSL_CERT_FILE|SSL_CERT_DIR)$/i.test(k))) env[k] = v;
    }
    const aws = join(homedir(), '.aws');
    if (existsSync(aws) && !existsSync(join(home, '.aws'))) symlinkSync(aws, join(home, '.aws'));
  } else {
    if (o.credentials !== 'none') {
      Object.assign(env, {
        AWS_ACCESS_KEY_ID: o.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: o.credentials.secretAccessKey,
        ...(o.credentials.sessionToken ? { AWS_SESSION_TOKEN: o.credentials.sessionToken } : {}),
      });
    }
    env.AWS_EC2_METADATA_DISABLED = 'true';
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && /^(https?_proxy|no_proxy|all_proxy|REQUESTS_CA_BUNDLE|SSL_CERT_FILE|SSL_CERT_DIR)$/i.test(k)) env[k] = v;
  }
  env.AWS_DEFAULT_REGION = o.region;
  env.AWS_REGION = o.region;
  if (o.endpoint) {
    env.AWS_ENDPOINT_URL_S3 = o.endpoint;
    // RGW neither sends nor wants the flexible checksums botocore adds by default.
    env.AWS_REQUEST_CHECKSUM_CALCULATION = 'when_required';
    env.AWS_RESPONSE_CHECKSUM_VALIDATION = 'when_required';
  }
  return env;
}
