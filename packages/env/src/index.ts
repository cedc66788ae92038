/**
 * The one reader of the environment variables the stack (packages/stack/src/config.ts) and the
 * platform (packages/platform/src/platform-env.ts) share, so that both always agree: where the
 * stack keeps everything (QUILT_E2E_HOME) and the loopback port of each server
 * (QUILT_E2E_<SERVER>_PORT). Defaults and variable names are data in @quilt-e2e/constants; this
 * library imports nothing else.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_HOME_PARTS, DEFAULT_PORTS, PORT_VARIABLES } from '@quilt-e2e/constants';

/** The loopback port of every server of the embedded stack, by the names of DEFAULT_PORTS. */
export type Ports = { -readonly [K in keyof typeof DEFAULT_PORTS]: number };

/** The port in `env[name]`, or `fallback` when the variable is unset or empty; anything else than 1–65535 is refused, naming the variable. */
export function parsePort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`${name}=${JSON.stringify(raw)} is not a TCP port: use a whole number from 1 to 65535, for example ${name}=${fallback}`);
  }
  return n;
}

/** Every server's port: DEFAULT_PORTS, each overridden by its PORT_VARIABLES variable. */
export function loadPorts(env: NodeJS.ProcessEnv = process.env): Ports {
  const ports = {} as Ports;
  for (const k of Object.keys(DEFAULT_PORTS) as (keyof Ports)[]) ports[k] = parsePort(env, PORT_VARIABLES[k], DEFAULT_PORTS[k]);
  return ports;
}

/** The stack's home folder (downloads, data, logs, venvs): QUILT_E2E_HOME, by default ~/.cache/quilt-e2e; absolute. */
export function resolveHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.QUILT_E2E_HOME ?? join(homedir(), ...DEFAULT_HOME_PARTS));
}
