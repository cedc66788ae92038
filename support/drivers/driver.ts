/**
 * Who performs the When-steps of the spec's operations (the driver), from QUILT_E2E_DRIVER:
 *   engine (default)  the suite's own engine: the AWS SDK on S3, quilt-js, the catalog's APIs;
 *   mcp               the real Quilt MCP server (support/drivers/mcp.ts), as an AI agent uses it.
 * Then-steps never go through a driver: they observe the services directly.
 *
 * So far the bucket operations (list, info, text, link, put) go through the driver; the other
 * When-steps still use the engine on either driver (see README "The Quilt MCP server").
 */
import type { Listing, ObjectInfo, ObjectLink, ObjectText, PutItem, PutResult } from '../domain/objects.js';

export type DriverKind = 'engine' | 'mcp';

export function driverKind(env: NodeJS.ProcessEnv = process.env): DriverKind {
  const raw = (env.QUILT_E2E_DRIVER ?? 'engine').toLowerCase();
  if (raw === 'engine' || raw === 'mcp') return raw;
  throw new Error(`QUILT_E2E_DRIVER=${JSON.stringify(env.QUILT_E2E_DRIVER)} is not a driver: use "engine" (the suite's own, the default) or "mcp" (the Quilt MCP server performs the When-steps)`);
}

/** The spec's bucket operations (backend.bucket_objects_list, bucket_object_info, ...), as a driver performs them. */
export interface BucketOperations {
  list(bucket: string, prefix: string, maxKeys?: number, continuationToken?: string): Promise<Listing>;
  info(uri: string): Promise<ObjectInfo>;
  text(uri: string, maxBytes?: number): Promise<ObjectText>;
  link(uri: string, expirationSeconds?: number): Promise<ObjectLink>;
  put(bucket: string, items: PutItem[]): Promise<PutResult[]>;
}

/** Where the mcp driver finds quilt-mcp: the stack's server, or QUILT_E2E_MCP_URL on the quilt target. */
export function mcpServerUrl(stackUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const url = env.QUILT_E2E_MCP_URL ?? stackUrl;
  if (!url) throw new Error('the mcp driver on the quilt target needs QUILT_E2E_MCP_URL: the running quilt-mcp server\'s streamable-HTTP endpoint, for example QUILT_E2E_MCP_URL=http://127.0.0.1:8765/mcp');
  return url;
}
