/**
 * S3 clients for the engine's own tools: the local stack's RGW (default) or AWS S3.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { loadStackConfig } from './config.js';
import { createS3Client, PackageRegistry, type RegistryOptions } from '@quilt-e2e/quilt-js';

/** The local stack's S3 endpoint as the admin user. */
export function localStackS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const cfg = loadStackConfig(env);
  return createS3Client({
    endpoint: `http://${cfg.host}:${cfg.ports.s3}`,
    region: cfg.s3.region,
    credentials: { accessKeyId: cfg.s3Users.admin.accessKeyId, secretAccessKey: cfg.s3Users.admin.secretAccessKey },
  });
}

/** The local stack's test bucket (versioned) as a package registry. */
export function localStackRegistry(options: RegistryOptions = {}, env: NodeJS.ProcessEnv = process.env): PackageRegistry {
  return new PackageRegistry(localStackS3Client(env), loadStackConfig(env).s3.testBucket, options);
}
