/** Process, port and wait helpers for the stack. Every wait has a deadline. */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { openSync, closeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer } from 'node:net';

export interface DetachedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here. */
  logFile: string;
}

/** Starts a long-running server process detached from this one; returns its PID. */
export function spawnDetached(command: string, args: string[], options: DetachedOptions): number {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  try {
    const spawnOptions: SpawnOptions = {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    };
    const child = spawn(command, args, spawnOptions);
    if (child.pid === undefined) throw new Error(`could not start ${command}: the system gave no process id`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export interface RunResult { status: number; stdout: string; stderr: string }

/** Runs a short command to completion (bounded by timeoutMs) and returns its output. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): RunResult {
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    input: options.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${command} ${args.join(' ')} failed to run: ${r.error.message}`);
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Like run(), but throws with the command's output when it exits non-zero. */
export function runChecked(command: string, args: string[], options: Parameters<typeof run>[2] = {}): string {
  const r = run(command, args, options);
  if (r.status !== 0) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited ${r.status}:\n${tail}`);
  }
  return r.stdout;
}

/** Runs a command with its output streamed to this terminal (for downloads with progress). */
export function runStreaming(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; prefix: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped`));
    }, options.timeoutMs);
    let tail: string[] = [];
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        tail = [...tail.slice(-20), line];
        process.stdout.write(`${options.prefix}${line}\n`);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`${command} could not be started: ${e.message}`)); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${tail.join('\n')}`));
    });
  });
}

export function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Resolves true when nothing listens on 127.0.0.1:port. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns true or the deadline passes. Never hangs: each probe must be bounded itself. */
export async function waitUntil(probe: () => Promise<boolean>, deadlineMs: number, intervalMs = 500): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try { if (await probe()) return true; } catch { /* not ready yet */ }
    if (Date.now() >= end) return false;
    await sleep(intervalMs);
  }
}

/** GET with a hard timeout; resolves the status and body, or throws. */
export async function httpGet(url: string, timeoutMs = 2000, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers });
  return { status: res.status, body: await res.text() };
}

/** Stops a process by PID: SIGTERM, then SIGKILL after graceMs. Resolves when it is gone. */
export async function stopPid(pid: number, graceMs: number): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!isAlive(pid)) return 'not-running';
  try { process.kill(pid, 'SIGTERM'); } catch { return 'not-running'; }
  if (await waitUntil(async () => !isAlive(pid), graceMs, 200)) return 'stopped';
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  await waitUntil(async () => !isAlive(pid), 5000, 100);
  return 'killed';
}
