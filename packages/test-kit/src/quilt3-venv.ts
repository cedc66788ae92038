/**
 * quilt3 (the real peer), installed from PyPI into a cached virtualenv outside the repository:
 * <QUILT_E2E_HOME, default ~/.cache/quilt-e2e>/venv-quilt3-<version>.
 *
 * Used by the suite's quilt3 oracle (support/oracles/quilt3.ts), by the interoperability tests of
 * packages/quilt-js and by the stack's multi-delete test. Creating the venv and pip-installing
 * quilt3 takes about 30 s on a fresh machine; scripts/setup.sh does it ahead of time with:
 *
 *   npx tsx packages/test-kit/src/quilt3-venv.ts --ensure
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveHome } from '@quilt-e2e/env';

export const QUILT3_VERSION = '8.0.0';
/** PyAthena (DB-API over boto3's Athena client, what quilt-mcp's SQL tools use): the interoperability test of the local Athena API. */
export const PYATHENA_VERSION = '4.2.1';

export function venvDir(): string {
  return join(resolveHome(), `venv-quilt3-${QUILT3_VERSION}`);
}

function basePython(): string {
  for (const candidate of ['python3.11', 'python3']) {
    if (spawnSync(candidate, ['--version']).status === 0) return candidate;
  }
  throw new Error('No python3.11 or python3 on PATH: quilt3 needs Python 3.9+ (Debian: apt-get install -y python3 python3-venv)');
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

/** Whether the venv exists and imports the pinned quilt3. */
function installed(python: string): boolean {
  return existsSync(python)
    && spawnSync(python, ['-c', `import quilt3, pyathena, importlib.metadata as m; assert m.version("quilt3") == "${QUILT3_VERSION}" and m.version("PyAthena") == "${PYATHENA_VERSION}"`]).status === 0;
}

let ready: { dir: string; python: Promise<string> } | undefined;

/** The venv's python, with quilt3 installed (first use: creates the venv and pip-installs quilt3). */
export function ensureQuilt3(): Promise<string> {
  const dir = venvDir();
  // One check per process and venv folder; a failure is not remembered, so the next call tries again.
  if (ready?.dir !== dir) {
    const python = install(dir);
    ready = { dir, python };
    python.catch(() => { if (ready?.python === python) ready = undefined; });
  }
  return ready.python;
}

/**
 * Several processes (parallel cucumber workers) may find the venv missing at once: one installs,
 * the others wait for it (a lock folder next to the venv; a lock older than 10 minutes is stale).
 */
async function withInstallLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  mkdirSync(join(dir, '..'), { recursive: true });
  let said = false;
  for (const deadline = Date.now() + 15 * 60_000; ;) {
    try { mkdirSync(lock); break; } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!said) process.stderr.write(`quilt3: another process is installing quilt3 into ${dir}; waiting for it ...\n`);
      said = true;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 10 * 60_000) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`quilt3: waited 15 minutes for another process installing quilt3 into ${dir} (lock ${lock}); remove the lock if no install is running`);
      await sleep(500);
    }
  }
  try { return await fn(); } finally { rmSync(lock, { recursive: true, force: true }); }
}

async function install(dir: string): Promise<string> {
  const python = join(dir, 'bin', 'python');
  if (installed(python)) return python;
  return withInstallLock(dir, async () => {
    if (installed(python)) return python; // another process installed it while this one waited
    return installNow(dir, python);
  });
}

async function installNow(dir: string, python: string): Promise<string> {
  const started = Date.now();
  process.stderr.write(`quilt3: creating the virtualenv ${dir} and installing quilt3==${QUILT3_VERSION} and PyAthena==${PYATHENA_VERSION} from PyPI (about 30 s, once per machine) ...\n`);
  if (!existsSync(python)) await run(basePython(), ['-m', 'venv', dir]);
  await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `quilt3==${QUILT3_VERSION}`, `PyAthena==${PYATHENA_VERSION}`]);
  if (!installed(python)) throw new Error(`quilt3 ${QUILT3_VERSION} did not import from ${dir} after installing it`);
  process.stderr.write(`quilt3: installed quilt3==${QUILT3_VERSION} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return python;
}

/** `tsx packages/test-kit/src/quilt3-venv.ts --ensure`: install ahead of time (scripts/setup.sh). */
function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try { return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url)); } catch { return false; }
}

if (isMain()) {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0] !== '--ensure') {
    process.stderr.write(`usage: npx tsx packages/test-kit/src/quilt3-venv.ts --ensure   (creates ${venvDir()} with quilt3==${QUILT3_VERSION} unless it is there)\n`);
    process.exit(2);
  }
  ensureQuilt3().then(
    () => undefined,
    (e: unknown) => { process.stderr.write(`quilt3: ${(e as Error).message}\n`); process.exit(1); },
  );
}
