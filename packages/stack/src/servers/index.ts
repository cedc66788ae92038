/** The servers of the embedded stack, in start order. */
import type { ManagedServer } from '../server.js';
import { ceph } from './ceph.js';
import { opensearch } from './opensearch.js';
import { trino } from './trino.js';
import { catalog } from './catalog.js';
import { athena } from './athena.js';
import { mcp } from './mcp.js';
import { s3Front } from './s3-front.js';
import { catalogUi } from './catalog-ui.js';

export const servers: ManagedServer[] = [ceph, s3Front, opensearch, trino, catalog, catalogUi, athena, mcp];
