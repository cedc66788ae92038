/** The servers of the embedded stack, in start order. */
import type { ManagedServer } from '../server.js';
import { ceph } from './ceph.js';
import { opensearch } from './opensearch.js';
import { trino } from './trino.js';
import { catalog } from './catalog.js';
import { athena } from './athena.js';
import { mcp } from './mcp.js';

export const servers: ManagedServer[] = [ceph, opensearch, trino, catalog, athena, mcp];
