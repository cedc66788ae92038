/**
 * Helpers of the documentation tests: temporary folders inside the project (tmp/ is git-ignored,
 * and files there resolve the project's packages), and running the project's scripts and
 * cucumber as separate processes, exactly as CI does.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Ran { status: number; stdout: string; stderr: string; out: string; ms: number }

/** A new folder under <project>/tmp, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; rel: string; remove: () => void } {
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'tmp', `${prefix}-`));
  return { dir, rel: relative(ROOT, dir), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Runs a TypeScript script of the project (through tsx) from the project root. */
export function runScript(script: string, args: string[] = [], timeoutMs = 120_000): Ran {
  return run(process.execPath, ['--import', 'tsx', script, ...args], timeoutMs);
}

export function run(cmd: string, args: string[], timeoutMs = 600_000): Ran {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, out: `${r.stdout}\n${r.stderr}`, ms: Date.now() - started };
}

/** cucumber-js of the project, from the project root. */
export function cucumber(args: string[], timeoutMs = 600_000): Ran {
  return run(process.execPath, [join(ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), ...args], timeoutMs);
}
