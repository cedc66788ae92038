/**
 * The front door of @quilt-e2e/stack: the embedded stack's lifecycle (install, up, down, status,
 * dead processes), its configuration, clients of its servers and the servers themselves, for the
 * suite, the test kit, the project's tests and the tools. The command line is src/cli.ts
 * (`npm run stack -- --help`); it is run, not imported.
 */
export { loadStackConfig, type StackConfig } from './config.js';
export { localStackRegistry, localStackS3Client } from './clients.js';
export type { ManagedServer, Reporter } from './server.js';
export {
  consoleReporter, deadProcesses, down, explainDead, install, selectServers, status, up,
  type DeadProcess, type ServerStatus,
} from './stack.js';
export { isPortFree, waitUntil } from './lib/proc.js';
export { servers } from './servers/index.js';
export { opensearch } from './servers/opensearch.js';
export { trino, trinoClient, trinoUrl } from './servers/trino.js';
export { installedMcpVersion, mcpClient, mcpUrl, quiltMcpExecutable, startExtraQuiltMcp, type ExtraQuiltMcp } from './servers/mcp.js';
export { testBucketPolicy } from './servers/ceph.js';
export { catalogBundleDir } from './servers/catalog-ui.js';
export { provisionPersonas, type PersonaUsers } from './personas.js';
