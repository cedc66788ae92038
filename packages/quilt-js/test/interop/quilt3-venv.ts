/**
 * quilt3 (the real peer), installed from PyPI into a cached virtualenv outside the repository:
 * <QUILT_E2E_HOME, default ~/.cache/quilt-e2e>/venv-quilt3-<version>.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackConfig } from '@quilt-e2e/stack/config.js';

export const QUILT3_VERSION = '8.0.0';

export function venvDir(): string {
  return join(loadStackConfig().home, `venv-quilt3-${QUILT3_VERSION}`);
}

function basePython(): string {
  for (const candidate of ['python3.11', 'python3']) {
    if (spawnSync(candidate, ['--version']).status === 0) return candidate;
  }
  throw new Error('No python3.11 or python3 on PATH: the quilt3 interop test needs Python 3.9+ to install quilt3');
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => { log += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { log += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${log.slice(-3000)}`))));
  });
}

/** The venv's python, with quilt3 installed (first use: creates the venv and pip-installs quilt3). */
export async function ensureQuilt3(): Promise<string> {
  const dir = venvDir();
  const python = join(dir, 'bin', 'python');
  const check = () => existsSync(python) && spawnSync(python, ['-c', `import quilt3, importlib.metadata as m; assert m.version("quilt3") == "${QUILT3_VERSION}"`]).status === 0;
  if (check()) return python;
  await run(basePython(), ['-m', 'venv', dir]);
  await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `quilt3==${QUILT3_VERSION}`]);
  if (!check()) throw new Error(`quilt3 ${QUILT3_VERSION} did not import from ${dir} after installing it`);
  return python;
}
