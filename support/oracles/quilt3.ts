/**
 * The quilt3 oracle: what a package in an S3 registry really holds, as the REAL quilt3 (PyPI,
 * pinned, ensureQuilt3 of @quilt-e2e/test-kit) reads it — independent of this project's own TypeScript
 * package code (packages/quilt-js is code under test and is not imported here).
 *
 * One long-lived python process (support/oracles/quilt3_oracle.py) per Node process — per cucumber
 * worker — started at the first call, spoken to in JSON lines; requests are multiplexed by id, each
 * with a deadline. A crash rejects what was pending (with the end of its stderr) and the next call
 * starts a new process. The child never keeps Node alive; closeQuilt3Oracles() (a cucumber AfterAll)
 * or the end of the Node process stops it.
 *
 *   const q3 = quilt3Oracle(world.target);
 *   const pkg = await q3.browse('team/data');          // latest revision
 *   pkg.topHash, pkg.entries[0].size, JSON.parse(pkg.userMetaJson)
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TargetConfig } from '../target.js';
import { ensureQuilt3 } from '@quilt-e2e/test-kit';
import { quilt3Environment } from '../quilt3/environment.js';

const ORACLE_PY = fileURLToPath(new URL('./quilt3_oracle.py', import.meta.url));
export const DEFAULT_ORACLE_TIMEOUT_MS = 60_000;
const STDERR_TAIL = 6000;

/** One file of a package, as quilt3 walks it (logical keys in quilt3's walk order). */
export interface Quilt3Entry {
  logicalKey: string;
  /** quilt3's str(entry.physical_key): s3://bucket/key?versionId=... */
  physicalKey: string;
  size: number;
  /** e.g. "SHA256" or "sha2-256-chunked"; null when the manifest has no hash. */
  hashType: string | null;
  hashValue: string | null;
  /** The entry's user_meta as Python's json.dumps(sort_keys=True) writes it ("{}" when none): 1.0 stays 1.0. */
  metaJson: string;
}

/** A revision of a package as quilt3 loaded it, its top hash recomputed by quilt3 and checked. */
export interface Quilt3Package {
  registry: string;
  name: string;
  /** The top hash quilt3 computed from the manifest it loaded; equal to the revision's hash (else browse fails). */
  topHash: string;
  /** The commit message; null when the manifest has none. */
  message: string | null;
  /** The package user_meta as Python's json.dumps(sort_keys=True) writes it ("{}" when none): 1.0, -0.0 and 12345678901234567890 keep their spelling. */
  userMetaJson: string;
  entries: Quilt3Entry[];
  /** The sum of the entries' sizes, computed by Python. */
  totalBytes: number;
  totalEntries: number;
}

/** A revision pointer as quilt3 lists it: the pointer's name (unix seconds, as text) and the hash it holds. */
export interface Quilt3Revision { timestamp: string; hash: string }

export interface Quilt3Version { quilt3: string; python: string; pid: number }

/** Error types: those of quilt3_oracle.py and those of this client. */
export type Quilt3ErrorType =
  | 'NotFound' | 'BadRequest' | 'TopHashMismatch' | 'NoSuchBucket' | 'AccessDenied' | 'S3Error' | 'ConnectionError'
  | 'UnsafeInteger' | 'QuiltException' | 'InternalError'
  | 'Timeout' | 'Crashed' | 'Restarted' | 'Closed' | 'StartFailed' | 'BadAnswer';

export class Quilt3OracleError extends Error {
  constructor(readonly type: Quilt3ErrorType | (string & NonNullable<unknown>), readonly operation: string, message: string) {
    super(message);
    this.name = 'Quilt3OracleError';
  }

  static isNotFound(e: unknown): boolean {
    return e instanceof Quilt3OracleError && e.type === 'NotFound';
  }
}

export interface Quilt3OracleOptions {
  /** The default registry: s3://<bucket>. */
  registry: string;
  region: string;
  /** S3 endpoint (RGW on the local target); absent: AWS. */
  endpoint?: string;
  /** Explicit keys; absent: the AWS default credential chain of this process's environment. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Deadline of each request, default 60 s. */
  timeoutMs?: number;
}

export interface CallOptions { registry?: string; timeoutMs?: number }

type OracleTarget = Pick<TargetConfig, 'kind' | 'bucket' | 's3' | 'personas'>;

interface Pending {
  label: string;
  op: string;
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface Live {
  child: ChildProcessWithoutNullStreams;
  home: string;
  pending: Map<number, Pending>;
  stderr: string;
  stdout: string;
  exited: boolean;
  /** Why this side stopped it (timeout, close), when it did. */
  stopped?: { type: 'Restarted' | 'Closed'; why: string };
  done: Promise<void>;
}

/** Every live python process, stopped when Node exits. */
const LIVE = new Set<Live>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const live of LIVE) {
      try { live.child.kill('SIGKILL'); } catch { /* already gone */ }
      rmSync(live.home, { recursive: true, force: true });
    }
  });
}

const unref = (s: unknown): void => { (s as { unref?: () => void }).unref?.(); };
const tail = (text: string): string => (text.trim() ? `\n--- its stderr ended with:\n${text.trim().slice(-STDERR_TAIL)}` : ' (its stderr was empty)');

function bad(operation: string, what: string): never {
  throw new Quilt3OracleError('BadAnswer', operation, `quilt3 oracle: ${operation} answered something unexpected: ${what}`);
}

export class Quilt3Oracle {
  private current?: Live;
  private starting?: Promise<Live>;
  private nextId = 0;
  readonly registry: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: Quilt3OracleOptions) {
    if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.registry)) {
      throw new Error(`the quilt3 oracle needs an S3 registry written s3://<bucket>, for example s3://my-bucket; got ${JSON.stringify(options.registry)}`);
    }
    const t = options.timeoutMs ?? DEFAULT_ORACLE_TIMEOUT_MS;
    if (!Number.isInteger(t) || t < 1) throw new Error(`the quilt3 oracle's timeoutMs must be a whole number of milliseconds above 0; got ${t}`);
    this.registry = options.registry;
    this.timeoutMs = t;
  }

  /** A new oracle reading the target's bucket as its admin persona (the AWS default chain on the quilt target when it has no keys). */
  static forTarget(target: OracleTarget, overrides: Partial<Quilt3OracleOptions> = {}): Quilt3Oracle {
    return new Quilt3Oracle({ ...optionsForTarget(target), ...overrides });
  }

  /** The pid of the python process, when one runs. */
  get pid(): number | undefined {
    return this.current && !this.current.exited ? this.current.child.pid : undefined;
  }

  /** quilt3's and python's versions (and starts the process). */
  async ping(options: CallOptions = {}): Promise<Quilt3Version> {
    const r = await this.call('ping', {}, 'ping', options) as Record<string, unknown>;
    if (typeof r?.quilt3 !== 'string' || typeof r.python !== 'string' || typeof r.pid !== 'number') bad('ping', JSON.stringify(r));
    return { quilt3: r.quilt3, python: r.python, pid: r.pid };
  }

  /**
   * A revision of a package: by its top hash (or a unique prefix of 6+ hex digits), else the latest.
   * Rejects with type NotFound when the package / revision does not exist, TopHashMismatch when the
   * manifest does not hash to the revision's hash.
   */
  async browse(name: string, hash?: string, options: CallOptions = {}): Promise<Quilt3Package> {
    checkString('browse', 'name', name);
    if (hash !== undefined) checkString('browse', 'hash', hash);
    const registry = options.registry ?? this.registry;
    const label = `browse(${registry}, ${name}${hash ? `@${hash}` : ''})`;
    const r = await this.call('browse', { registry, name, ...(hash !== undefined ? { hash } : {}) }, label, options);
    return toPackage(label, registry, name, r);
  }

  /** The hash of the package's "latest" pointer; null when it has none. */
  async latestHash(name: string, options: CallOptions = {}): Promise<string | null> {
    checkString('latestHash', 'name', name);
    const registry = options.registry ?? this.registry;
    const label = `latestHash(${registry}, ${name})`;
    const r = await this.call('latest_hash', { registry, name }, label, options);
    if (r !== null && typeof r !== 'string') bad(label, JSON.stringify(r));
    return r;
  }

  /** The package's revision pointers, newest first ("latest" is not one: see latestHash); [] for an unknown package. */
  async revisions(name: string, options: CallOptions = {}): Promise<Quilt3Revision[]> {
    checkString('revisions', 'name', name);
    const registry = options.registry ?? this.registry;
    const label = `revisions(${registry}, ${name})`;
    const r = await this.call('revisions', { registry, name }, label, options);
    if (!Array.isArray(r)) bad(label, JSON.stringify(r));
    return r.map((pair: unknown) => {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') bad(label, JSON.stringify(pair));
      return { timestamp: pair[0] as string, hash: pair[1] as string };
    });
  }

  /** The names of the registry's packages (those starting with prefix), sorted. */
  async listPackages(prefix?: string, options: CallOptions = {}): Promise<string[]> {
    if (prefix !== undefined) checkString('listPackages', 'prefix', prefix, true);
    const registry = options.registry ?? this.registry;
    const label = `listPackages(${registry}${prefix ? `, ${prefix}` : ''})`;
    const r = await this.call('list_packages', { registry, ...(prefix ? { prefix } : {}) }, label, options);
    if (!Array.isArray(r) || !r.every((n) => typeof n === 'string')) bad(label, JSON.stringify(r));
    return r as string[];
  }

  /** Stops the python process (lets it answer what it was asked first, for up to 3 s). The next call starts a new one. */
  async close(): Promise<void> {
    const live = this.current ?? await this.starting?.catch(() => undefined);
    this.current = undefined;
    if (!live || live.exited) return;
    live.stopped = { type: 'Closed', why: 'was closed' };
    live.child.stdin.end();
    const timer = setTimeout(() => live.child.kill('SIGKILL'), 3000);
    await live.done;
    clearTimeout(timer);
  }

  private async call(op: string, args: Record<string, unknown>, label: string, options: CallOptions): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const live = await this.live(label);
    if (live.exited) throw new Quilt3OracleError('Crashed', label, `quilt3 oracle: the python process ended before ${label} could be sent${tail(live.stderr)}`);
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      const timer = setTimeout(() => this.timedOut(live, id, timeoutMs), timeoutMs);
      live.pending.set(id, { label, op, resolve, reject, timer });
      live.child.stdin.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  private live(label: string): Promise<Live> {
    if (this.current && !this.current.exited) return Promise.resolve(this.current);
    this.starting ??= this.start(label).finally(() => { this.starting = undefined; });
    return this.starting;
  }

  private async start(label: string): Promise<Live> {
    let python: string;
    try {
      python = await ensureQuilt3();
    } catch (e) {
      throw new Quilt3OracleError('StartFailed', label, `quilt3 oracle: could not get quilt3 for ${label}: ${(e as Error).message}`);
    }
    const home = mkdtempSync(join(tmpdir(), 'quilt3-oracle-'));
    const child = spawn(python, ['-u', ORACLE_PY], { env: this.env(home), stdio: ['pipe', 'pipe', 'pipe'] });
    let finish!: () => void;
    const live: Live = { child, home, pending: new Map(), stderr: '', stdout: '', exited: false, done: new Promise((r) => { finish = r; }) };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onStdout(live, chunk));
    child.stderr.on('data', (chunk: string) => { live.stderr = (live.stderr + chunk).slice(-4 * STDERR_TAIL); });
    child.stdin.on('error', () => { /* EPIPE after a crash: the close handler reports it */ });
    child.on('error', (e) => { this.onExit(live, `could not run (${python}: ${e.message})`); finish(); });
    child.on('close', (code, signal) => { this.onExit(live, signal ? `was killed by ${signal}` : `exited with code ${code}`); finish(); });
    // Never keeps Node alive: a pending request's deadline timer does, while it waits.
    child.unref();
    unref(child.stdin);
    unref(child.stdout);
    unref(child.stderr);
    installExitHook();
    LIVE.add(live);
    this.current = live;
    return live;
  }

  private env(home: string): Record<string, string> {
    const o = this.options;
    return quilt3Environment(home, { region: o.region, ...(o.endpoint ? { endpoint: o.endpoint } : {}), credentials: o.credentials ?? 'inherit' });
  }

  private onStdout(live: Live, chunk: string): void {
    live.stdout += chunk;
    let nl: number;
    while ((nl = live.stdout.indexOf('\n')) >= 0) {
      const line = live.stdout.slice(0, nl).trim();
      live.stdout = live.stdout.slice(nl + 1);
      if (!line) continue;
      let msg: { id?: unknown; ok?: unknown; result?: unknown; error?: { type?: unknown; message?: unknown } };
      try { msg = JSON.parse(line) as typeof msg; } catch { live.stderr += `\n[not JSON on the protocol] ${line.slice(0, 500)}`; continue; }
      const p = typeof msg.id === 'number' ? live.pending.get(msg.id) : undefined;
      if (!p) { live.stderr += `\n[answer nobody waits for] ${line.slice(0, 500)}`; continue; }
      live.pending.delete(msg.id as number);
      clearTimeout(p.timer);
      if (msg.ok === true) p.resolve(msg.result);
      else {
        const type = typeof msg.error?.type === 'string' ? msg.error.type : 'InternalError';
        const message = typeof msg.error?.message === 'string' ? msg.error.message : line;
        p.reject(new Quilt3OracleError(type, p.label, `quilt3 oracle: ${type}: ${message}`));
      }
    }
  }

  private timedOut(live: Live, id: number, timeoutMs: number): void {
    const p = live.pending.get(id);
    if (!p) return;
    live.pending.delete(id);
    p.reject(new Quilt3OracleError('Timeout', p.label,
      `quilt3 oracle: ${p.label} got no answer within ${timeoutMs / 1000} s; its python process (pid ${live.child.pid}) was stopped and the next call starts a new one${tail(live.stderr)}`));
    this.stop(live, { type: 'Restarted', why: `was stopped because ${p.label} timed out` });
  }

  private stop(live: Live, why: NonNullable<Live['stopped']>): void {
    if (this.current === live) this.current = undefined;
    live.stopped ??= why;
    live.child.kill('SIGKILL');
  }

  private onExit(live: Live, how: string): void {
    if (live.exited) return;
    live.exited = true;
    LIVE.delete(live);
    if (this.current === live) this.current = undefined;
    rmSync(live.home, { recursive: true, force: true });
    for (const [id, p] of live.pending) {
      live.pending.delete(id);
      clearTimeout(p.timer);
      const type = live.stopped?.type ?? 'Crashed';
      const what = live.stopped ? live.stopped.why : how;
      p.reject(new Quilt3OracleError(type, p.label, `quilt3 oracle: its python process (pid ${live.child.pid}) ${what} while ${p.label} was pending; the next call starts a new one${tail(live.stderr)}`));
    }
  }
}

function checkString(op: string, what: string, value: unknown, emptyOk = false): void {
  if (typeof value !== 'string' || (!emptyOk && value === '')) {
    throw new Quilt3OracleError('BadRequest', op, `quilt3 oracle: ${op} needs ${what} as a non-empty string; got ${JSON.stringify(value)}`);
  }
}

function toPackage(label: string, registry: string, name: string, r: unknown): Quilt3Package {
  const o = r as Record<string, unknown>;
  const str = (v: unknown, what: string): string => (typeof v === 'string' ? v : bad(label, `${what} is ${JSON.stringify(v)}`));
  const strOrNull = (v: unknown, what: string): string | null => (v === null || v === undefined ? null : str(v, what));
  const num = (v: unknown, what: string): number => (typeof v === 'number' && Number.isSafeInteger(v) ? v : bad(label, `${what} is ${JSON.stringify(v)}`));
  if (!o || typeof o !== 'object' || !Array.isArray(o.entries)) bad(label, JSON.stringify(r)?.slice(0, 300) ?? String(r));
  const entries = (o.entries as unknown[]).map((e, i): Quilt3Entry => {
    const x = e as Record<string, unknown>;
    return {
      logicalKey: str(x?.logical_key, `entries[${i}].logical_key`),
      physicalKey: str(x.physical_key, `entries[${i}].physical_key`),
      size: num(x.size, `entries[${i}].size`),
      hashType: strOrNull(x.hash_type, `entries[${i}].hash_type`),
      hashValue: strOrNull(x.hash_value, `entries[${i}].hash_value`),
      metaJson: str(x.meta_json, `entries[${i}].meta_json`),
    };
  });
  return {
    registry,
    name,
    topHash: str(o.top_hash, 'top_hash'),
    message: strOrNull(o.message, 'message (quilt3 writes a string)'),
    userMetaJson: str(o.user_meta_json, 'user_meta_json'),
    entries,
    totalBytes: num(o.total_bytes, 'total_bytes'),
    totalEntries: num(o.total_entries, 'total_entries'),
  };
}

/** The oracle's options for a target: its bucket, endpoint and region, and the admin persona's keys. */
export function optionsForTarget(target: OracleTarget): Quilt3OracleOptions {
  const credentials = target.personas.admin?.credentials;
  if (!credentials && target.kind === 'local') {
    throw new Error('the local target has no admin persona keys: the quilt3 oracle reads the registry as the admin persona');
  }
  return {
    registry: `s3://${target.bucket}`,
    region: target.s3.region,
    ...(target.s3.endpoint ? { endpoint: target.s3.endpoint } : {}),
    ...(credentials ? { credentials: { ...credentials } } : {}),
  };
}

const shared = new Map<string, Quilt3Oracle>();

/** The oracle of this Node process (cucumber worker) for the target: one python process, shared by every step. */
export function quilt3Oracle(target: OracleTarget): Quilt3Oracle {
  const o = optionsForTarget(target);
  const key = JSON.stringify([o.registry, o.region, o.endpoint ?? null, o.credentials?.accessKeyId ?? null, o.credentials?.sessionToken ?? null]);
  let oracle = shared.get(key);
  if (!oracle) { oracle = new Quilt3Oracle(o); shared.set(key, oracle); }
  return oracle;
}

/** Stops the shared oracles' python processes (cucumber AfterAll); a later call starts them again. */
export async function closeQuilt3Oracles(): Promise<void> {
  await Promise.all([...shared.values()].map((o) => o.close()));
}
