/**
 * The life cycle of the whole embedded stack: install what is missing, start what is not running,
 * wait for health with deadlines, provision, and stop only what it started (by recorded PIDs).
 * Safe to call from several processes at once: `up` holds a lock file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, openSync, closeSync, unlinkSync, statSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { StackConfig } from './config.js';
import type { ManagedServer, Reporter, StartedProcess } from './server.js';
import { isAlive, isPortFree, sleep, stopPid, waitUntil } from './lib/proc.js';
import { servers as allServers } from './servers/index.js';

interface ServerState { processes: StartedProcess[]; startedAt: string }
type StackState = Record<string, ServerState>;

const stateFile = (c: StackConfig): string => join(c.dataDir, 'stack-state.json');

function readState(c: StackConfig): StackState {
  try { return JSON.parse(readFileSync(stateFile(c), 'utf8')) as StackState; } catch { return {}; }
}
function writeState(c: StackConfig, s: StackState): void {
  mkdirSync(c.dataDir, { recursive: true });
  writeFileSync(stateFile(c), `${JSON.stringify(s, null, 2)}\n`);
}

/** A server's log over 64 MiB (RGW logs every request) is kept as <log>.old when the server starts again: logs never grow without bound. */
function rotateLogs(files: string[], out: Reporter): void {
  for (const f of files) {
    try {
      if (statSync(f).size <= 64 * 1024 * 1024) continue;
      renameSync(f, `${f}.old`);
      out.info(`log ${f} was over 64 MiB: kept as ${f}.old, a new one begins`);
    } catch { /* no log yet */ }
  }
}

export const consoleReporter = (prefix = '[stack] '): Reporter => ({ info: (m) => process.stdout.write(`${prefix}${m}\n`) });

export class StackError extends Error {}

function tail(file: string, lines = 12): string {
  try { return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n'); } catch { return '    (no log yet)'; }
}

function failure(server: ManagedServer, c: StackConfig, what: string): StackError {
  const logs = server.logFiles(c).filter(existsSync);
  const shown = logs.map((f) => `  ${f}:\n${tail(f)}`).join('\n');
  return new StackError(`${server.name}: ${what}\n  logs: ${server.logFiles(c).join(', ')}\n  likely fix: ${server.hint}${shown ? `\n${shown}` : ''}`);
}

/** Takes an exclusive lock file; waits (bounded) while another process holds it. Stale locks of dead processes are taken over. */
async function withLock<T>(c: StackConfig, out: Reporter, fn: () => Promise<T>): Promise<T> {
  mkdirSync(c.dataDir, { recursive: true });
  const lock = join(c.dataDir, 'stack.lock');
  const deadline = Date.now() + 20 * 60_000;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch {
      const holder = Number(readFileSync(lock, 'utf8') || '0');
      if (!holder || !isAlive(holder)) {
        // A lock being written has an empty body for a moment: only take over a lock older than 5 s.
        if (Date.now() - statSync(lock).mtimeMs > 5000 || holder) { try { unlinkSync(lock); } catch { /* raced */ } continue; }
      }
      if (!told) { out.info(`another process (PID ${holder}) is bringing the stack up; waiting for it ...`); told = true; }
      if (Date.now() > deadline) throw new StackError(`the stack lock ${lock} has been held by PID ${holder} for 20 minutes; stop that process or remove the file`);
      await sleep(500);
    }
  }
  try { return await fn(); } finally { try { unlinkSync(lock); } catch { /* already gone */ } }
}

function running(state: StackState, name: string): boolean {
  const s = state[name];
  return !!s && s.processes.length > 0 && s.processes.every((p) => isAlive(p.pid));
}

export function selectServers(names?: string[]): ManagedServer[] {
  if (!names || names.length === 0) return allServers;
  const unknown = names.filter((n) => !allServers.some((s) => s.name === n));
  if (unknown.length) throw new StackError(`unknown server ${unknown.join(', ')}: choose from ${allServers.map((s) => s.name).join(', ')}`);
  return allServers.filter((s) => names.includes(s.name));
}

export async function install(c: StackConfig, out: Reporter, servers = allServers): Promise<void> {
  for (const s of servers) {
    if (await s.isInstalled(c)) { out.info(`${s.name} ${s.version}: installed`); continue; }
    const t = Date.now();
    out.info(`${s.name} ${s.version}: installing ...`);
    try { await s.install(c, out); } catch (e) { throw failure(s, c, `install failed: ${(e as Error).message}`); }
    out.info(`${s.name}: installed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
}

/** Brings every server up (installing first when needed). A second call while all are healthy is a no-op. */
export async function up(c: StackConfig, out: Reporter, servers = allServers): Promise<{ started: string[]; seconds: number }> {
  const t0 = Date.now();
  return withLock(c, out, async () => {
    mkdirSync(c.logDir, { recursive: true });
    await install(c, out, servers);
    const state = readState(c);
    const toStart: ManagedServer[] = [];
    /** Servers whose processes are alive: checked for health once what they need is up again. */
    const toCheck: ManagedServer[] = [];
    const clear = async (s: ManagedServer): Promise<void> => {
      if (state[s.name]) {
        // Leftovers of a crashed run (or a server that never became healthy): stop whatever of it is still alive.
        for (const p of state[s.name]!.processes) await stopPid(p.pid, 15_000);
        delete state[s.name];
        writeState(c, state);
      }
      for (const port of s.ports(c)) {
        if (!await isPortFree(port)) throw failure(s, c, `port 127.0.0.1:${port} is already taken by another process (not one this stack started); stop it or choose another port with the QUILT_E2E_*_PORT variables`);
      }
    };
    const partly: string[] = [];
    for (const s of servers) {
      if (running(state, s.name)) { toCheck.push(s); continue; }
      // Some of its processes died: a server that can restart only those does (Ceph: a dead radosgw
      // or OSD beside a live monitor), the rest start afresh.
      const recorded = state[s.name]?.processes;
      if (recorded?.some((p) => isAlive(p.pid)) && s.restartDead) {
        const procs = await s.restartDead(c, out, recorded).catch((e: unknown) => { out.info(`${s.name}: could not restart only its dead processes (${(e as Error).message}); restarting it whole`); return undefined; });
        if (procs) {
          state[s.name] = { processes: procs, startedAt: new Date().toISOString() };
          writeState(c, state);
          partly.push(s.name);
          toCheck.push(s);
          continue;
        }
      }
      await clear(s);
      toStart.push(s);
    }
    const provision = async (s: ManagedServer): Promise<void> => {
      if (!s.provision) return;
      try { await s.provision(c, out); } catch (e) { throw failure(s, c, `provisioning failed: ${(e as Error).message}`); }
    };
    // Every server comes up as soon as what it needs is ready (healthy and provisioned): the slow
    // JVMs (OpenSearch, Trino) start at once beside Ceph; the catalog starts only once S3 holds the
    // test bucket; Trino's provisioning (tables over the bucket) waits for Ceph's. Each server is
    // provisioned as soon as it is healthy; servers already running re-check theirs (idempotent).
    const ready = new Map<string, Promise<void>>();
    const readyOf = (name: string): Promise<void> => ready.get(name) ?? Promise.resolve();
    const bringUp = async (s: ManagedServer): Promise<void> => {
      const startDeps = (s.startAfter ?? []).map(readyOf);
      const provisionDeps = (s.provisionAfter ?? []).map(readyOf);
      if (toCheck.includes(s)) {
        // Alive, maybe started by another process and still coming up, maybe broken because a server
        // it needs died: first let what it needs come back, then wait (bounded) for its health, and
        // restart it only if it stays unhealthy.
        await Promise.all(startDeps);
        // A server stopping as this run began (its processes exit while we wait) is started again at once.
        const recorded = state[s.name]?.processes ?? [];
        let exited = false;
        const healthy = await waitUntil(async () => {
          exited = recorded.length > 0 && recorded.every((p) => !isAlive(p.pid));
          return exited || s.healthy(c).catch(() => false);
        }, c.healthDeadlineSeconds * 1000, 500);
        if (exited || !healthy) {
          out.info(exited ? `${s.name}: its processes exited; starting it again` : `${s.name}: running but not healthy within ${c.healthDeadlineSeconds} s; restarting it`);
          await clear(s);
          toStart.push(s);
        }
      }
      if (toStart.includes(s)) {
        await Promise.all(startDeps);
        rotateLogs(s.logFiles(c), out);
        out.info(`${s.name}: starting ...`);
        let procs: StartedProcess[];
        try { procs = await s.start(c, out); } catch (e) { throw failure(s, c, `could not start: ${(e as Error).message}`); }
        state[s.name] = { processes: procs, startedAt: new Date().toISOString() };
        writeState(c, state);
        const started = Date.now();
        let died: StartedProcess | undefined;
        const ok = await waitUntil(async () => {
          died = procs.find((p) => !isAlive(p.pid));
          if (died) return true;
          return s.healthy(c);
        }, c.healthDeadlineSeconds * 1000, 250);
        if (died) throw failure(s, c, `process ${died.name} (PID ${died.pid}) exited during start`);
        if (!ok) throw failure(s, c, `not healthy within ${c.healthDeadlineSeconds} s (QUILT_E2E_HEALTH_DEADLINE)`);
        out.info(`${s.name}: healthy after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      await Promise.all(provisionDeps);
      await provision(s);
    };
    for (const s of servers) {
      const p = bringUp(s);
      p.catch(() => undefined); // awaited below; a dependant sees the rejection through its own await
      ready.set(s.name, p);
    }
    const waits = [...ready.values()];
    const results = await Promise.allSettled(waits);
    const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (bad) throw bad.reason;
    const seconds = (Date.now() - t0) / 1000;
    const started = [...partly.map((n) => `${n} (dead processes only)`), ...toStart.map((s) => s.name)];
    out.info(started.length ? `up: ${started.join(', ')} started; all healthy in ${seconds.toFixed(1)} s` : 'up: everything was already running and healthy (nothing to do)');
    return { started, seconds };
  });
}

/** Stops only the processes this stack recorded, in reverse start order. */
export async function down(c: StackConfig, out: Reporter, servers = allServers): Promise<void> {
  const state = readState(c);
  for (const s of [...servers].reverse()) {
    const st = state[s.name];
    if (!st) { out.info(`${s.name}: not started by this stack`); continue; }
    for (const p of [...st.processes].reverse()) {
      const r = await stopPid(p.pid, 30_000);
      out.info(`${s.name}: ${p.name} (PID ${p.pid}) ${r}`);
    }
    delete state[s.name];
    writeState(c, state);
  }
}

export interface ServerStatus { name: string; version: string; installed: boolean; running: boolean; healthy: boolean; ports: number[]; pids: number[] }

export async function status(c: StackConfig, servers = allServers): Promise<ServerStatus[]> {
  const state = readState(c);
  return Promise.all(servers.map(async (s) => ({
    name: s.name,
    version: s.version,
    installed: await s.isInstalled(c),
    running: running(state, s.name),
    healthy: await s.healthy(c).catch(() => false),
    ports: s.ports(c),
    pids: state[s.name]?.processes.map((p) => p.pid) ?? [],
  })));
}

export interface DeadProcess { server: string; process: string; pid: number; logFiles: string[] }

/**
 * Which processes the stack started are no longer alive (a kill -9, a crash, an OOM): instant
 * (a signal-0 check per recorded PID), so a test run can ask before every scenario.
 */
export function deadProcesses(c: StackConfig, servers = allServers): DeadProcess[] {
  const state = readState(c);
  const dead: DeadProcess[] = [];
  for (const s of servers) {
    for (const p of state[s.name]?.processes ?? []) {
      if (isAlive(p.pid)) continue;
      // The dead process's own log first: "ceph-osd" → ceph-osd.0.log, "radosgw" → ceph-client.rgw.a.log.
      const token = p.name === 'radosgw' ? 'rgw' : p.name.replace(/^ceph-/, '').split(' ')[0]!;
      const logs = s.logFiles(c);
      const own = logs.filter((f) => basename(f).includes(token));
      dead.push({ server: s.name, process: p.name, pid: p.pid, logFiles: [...own, ...logs.filter((f) => !own.includes(f))] });
    }
  }
  return dead;
}

/** One sentence for a person: which server died, where its log is, what to run. */
export function explainDead(dead: DeadProcess[]): string {
  return dead.map((d) => `the embedded stack's ${d.server} is down: its process ${d.process} (PID ${d.pid}) is no longer running; see ${d.logFiles[0] ?? 'its log'}`).join('; ')
    + '; start it again with `npm run stack -- up`';
}
