/** The servers of the embedded stack, in start order. */
import type { ManagedServer } from '../server.js';
import { ceph } from './ceph.js';

export const servers: ManagedServer[] = [ceph];
