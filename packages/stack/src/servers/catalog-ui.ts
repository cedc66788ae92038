/**
 * Quilt's own web catalog app (packages/platform/src/catalog-ui/main.ts), on
 * 127.0.0.1:<ports.catalogUi>: the built app from the PyPI wheel CATALOG_UI_WHEEL (downloaded once
 * with pip into the stack's download cache, its bundle unpacked beside it), with its /config.json,
 * and the S3 proxy at /__s3proxy (the registry answers the app on its own port, with CORS). Starts
 * after the catalog and the S3 front.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { CATALOG_UI_WHEEL } from '@quilt-e2e/constants';
import type { StackConfig } from '../config.js';
import { httpGet, runChecked, runStreaming, spawnDetached } from '../lib/proc.js';
import type { ManagedServer, Reporter, StartedProcess } from '../server.js';

const require = createRequire(import.meta.url);
const platformDir = dirname(require.resolve('@quilt-e2e/platform/package.json'));
const entry = join(platformDir, 'src', 'catalog-ui', 'main.ts');
const logFile = (c: StackConfig): string => join(c.logDir, 'catalog-ui.log');
const spec = `${CATALOG_UI_WHEEL.name}==${CATALOG_UI_WHEEL.version}`;

/** Where the app's bundle is unpacked (the folder holding index.html). */
export const catalogBundleDir = (c: StackConfig): string => join(c.cacheDir, `quilt-catalog-${CATALOG_UI_WHEEL.version}`);

/** Unpacks the wheel's quilt3_local/catalog_bundle/ (a wheel is a zip) into `dest`, with Python's zipfile. */
const UNPACK = `
import sys, zipfile, os
wheel, dest = sys.argv[1], sys.argv[2]
prefix = "quilt3_local/catalog_bundle/"
n = 0
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if not info.filename.startswith(prefix) or info.is_dir():
            continue
        rel = info.filename[len(prefix):]
        if rel.endswith(".map") or ".." in rel.split("/"):
            continue
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as out:
            out.write(src.read())
        n += 1
print(n)
`;

export const catalogUi: ManagedServer = {
  name: 'catalog-ui',
  startAfter: ['catalog', 's3-front'],
  version: `Quilt's catalog app (PyPI ${spec})`,
  ports: (c) => [c.ports.catalogUi],
  hint: `Quilt's web catalog comes from PyPI (${spec}): \`npm run stack -- install catalog-ui\` downloads it with pip; keep QUILT_E2E_CATALOG_UI_PORT free and see logs/catalog-ui.log; it needs the catalog and the S3 front up.`,

  async isInstalled(c: StackConfig) {
    return existsSync(join(catalogBundleDir(c), 'index.html'));
  },

  async install(c: StackConfig, out: Reporter) {
    if (existsSync(join(catalogBundleDir(c), 'index.html'))) return;
    const started = Date.now();
    const wheels = join(c.cacheDir, 'wheels');
    mkdirSync(wheels, { recursive: true });
    const wheel = join(wheels, `${CATALOG_UI_WHEEL.name.replace(/-/g, '_')}-${CATALOG_UI_WHEEL.version}-py3-none-any.whl`);
    if (!existsSync(wheel)) {
      out.info(`catalog-ui: downloading ${spec} from PyPI (about 39 MB, once) into ${wheels} ...`);
      await runStreaming('python3', ['-m', 'pip', 'download', '--no-deps', '--disable-pip-version-check', '--progress-bar', 'off', spec, '-d', wheels],
        { timeoutMs: 15 * 60_000, prefix: '[stack] catalog-ui: pip: ' });
    }
    if (!existsSync(wheel)) throw new Error(`pip downloaded ${spec} but ${wheel} is not there: see the pip lines above`);
    const tmp = `${catalogBundleDir(c)}.partial`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const files = runChecked('python3', ['-c', UNPACK, wheel, tmp], { timeoutMs: 5 * 60_000 }).trim();
    if (!existsSync(join(tmp, 'index.html'))) throw new Error(`${wheel} holds no quilt3_local/catalog_bundle/index.html: not the catalog app this stack knows`);
    renameSync(tmp, catalogBundleDir(c));
    out.info(`catalog-ui: Quilt's catalog app unpacked (${files} files, source maps left out) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${catalogBundleDir(c)}`);
  },

  async start(c: StackConfig, out: Reporter): Promise<StartedProcess[]> {
    const env: NodeJS.ProcessEnv = {
      ...process.env, QUILT_E2E_HOME: c.home, QUILT_E2E_CATALOG_UI_BUNDLE: catalogBundleDir(c),
      QUILT_E2E_CATALOG_UI_PORT: String(c.ports.catalogUi), QUILT_E2E_CATALOG_PORT: String(c.ports.catalog), QUILT_E2E_S3_FRONT_PORT: String(c.ports.s3Front),
    };
    const pid = spawnDetached(process.execPath, ['--import', 'tsx', entry], { cwd: platformDir, env, logFile: logFile(c) });
    out.info(`catalog-ui: started (pid ${pid}) on http://127.0.0.1:${c.ports.catalogUi}, log ${logFile(c)}`);
    return [{ name: 'catalog-ui (node)', pid }];
  },

  async healthy(c: StackConfig) {
    try {
      const page = await httpGet(`http://127.0.0.1:${c.ports.catalogUi}/`, 3000);
      const config = await httpGet(`http://127.0.0.1:${c.ports.catalogUi}/config.json`, 3000);
      return page.status === 200 && page.body.includes('<div id="app">') && config.status === 200 && config.body.includes('"mode":"PRODUCT"');
    } catch {
      return false;
    }
  },

  logFiles(c: StackConfig) {
    return [logFile(c)];
  },
};
