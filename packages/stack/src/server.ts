/**
 * The contract every server of the embedded stack implements. The stack command (stack/cli.ts)
 * owns the life cycle around it: install when missing, start, wait for health with a deadline,
 * record PIDs, stop by recorded PIDs only.
 */
import type { StackConfig } from './config.js';

export interface Reporter {
  /** A line of progress for the person running the stack. */
  info(message: string): void;
}

export interface StartedProcess {
  /** Human name of the process, e.g. "radosgw". */
  name: string;
  pid: number;
}

export interface ManagedServer {
  /** Short name used in messages and the status table: "ceph", "opensearch", "trino", "catalog". */
  readonly name: string;
  /** Pinned version, shown in `status`. */
  readonly version: string;
  /** Every loopback port the server binds (checked free before start; the first is the one clients use). */
  ports(config: StackConfig): number[];
  /** True when everything needed to start is present (no download needed). */
  isInstalled(config: StackConfig): Promise<boolean>;
  /** Download (into the cache, with visible progress) and prepare. Idempotent. */
  install(config: StackConfig, out: Reporter): Promise<void>;
  /** Start the server's processes in the background (detached), logging into config.logDir. */
  start(config: StackConfig, out: Reporter): Promise<StartedProcess[]>;
  /** One quick health probe (bounded by its own short timeout); true when ready to serve. */
  healthy(config: StackConfig): Promise<boolean>;
  /** Idempotent provisioning once healthy (users, buckets, schemas). */
  provision?(config: StackConfig, out: Reporter): Promise<void>;
  /**
   * Some of the recorded processes died, others live: start only the dead ones again and return
   * the new process list, or undefined to have the whole server stopped and started afresh.
   */
  restartDead?(config: StackConfig, out: Reporter, recorded: StartedProcess[]): Promise<StartedProcess[] | undefined>;
  /** Servers that must be healthy and provisioned before this one starts (they come earlier in the list). */
  readonly startAfter?: string[];
  /** Servers that must be healthy and provisioned before this one is provisioned (earlier in the list). */
  readonly provisionAfter?: string[];
  /** The log files to point a person at when something fails. */
  logFiles(config: StackConfig): string[];
  /** What most likely fixes a failed start, in one sentence. */
  readonly hint: string;
}
