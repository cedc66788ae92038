/**
 * Quilt's own web catalog on the local stack: the app's built bundle (from the PyPI wheel pinned
 * in CATALOG_UI_WHEEL), served as a Quilt stack serves it, on one loopback origin:
 *   /config.json           the app's configuration for a multi-user stack (mode PRODUCT, password
 *                          sign-in, the registry and the S3 proxy below)
 *   /__s3proxy/<region>/<bucket>/<key>
 *                          the app's S3 requests (s3-proxy.ts)
 *   /__fonts/*, /__fonts.css
 *                          Roboto, Roboto Mono and Material Icons from npm (@fontsource), so that
 *                          a page makes no request off this machine
 *   everything else        the bundle's files; any other path is the app (index.html, with the
 *                          internet's fonts and polyfill script replaced by the local fonts)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { s3ProxyRoute, type S3ProxyOptions } from './s3-proxy.js';

export interface CatalogUiOptions {
  /** The unpacked bundle: the folder holding index.html. */
  bundleDir: string;
  /** The registry the app talks to (GraphQL, REST), e.g. http://127.0.0.1:3000: its /config.json is the stack's. */
  registryUrl: string;
  s3: S3ProxyOptions;
  log: (line: string) => void;
}

const require = createRequire(import.meta.url);
/** A bundle file named by its content's hash: app.9c3abd6bf8deaef2f2e8.js, 4593.86ac279e332427dbe9cd.chunk.js, d25ec7fd83c6ef1735a4.wasm, 0108e89c9003e8c14ea3c4e99b09653e.woff. */
const CONTENT_HASHED = /[./]([0-9a-f]{20}|[0-9a-f]{32})\.(chunk\.)?(js|css|wasm|woff2?|ttf|eot|png|jpe?g|gif|svg)$/;
const FONT_PACKAGES = { roboto: '@fontsource/roboto', 'roboto-mono': '@fontsource/roboto-mono', 'material-icons': '@fontsource/material-icons' } as const;
const fontDir = (pkg: string): string => dirname(require.resolve(`${pkg}/package.json`));

/** The fonts index.html asked Google for (Roboto 300/400/500, Roboto Mono 400/700, Material Icons), and the icon class Google's CSS defines. */
const FONTS_CSS = [
  ...['300', '400', '500'].map((w) => `@import url("/__fonts/roboto/${w}.css");`),
  ...['400', '700'].map((w) => `@import url("/__fonts/roboto-mono/${w}.css");`),
  '@import url("/__fonts/material-icons/400.css");',
  `.material-icons { font-family: 'Material Icons'; font-weight: normal; font-style: normal; font-size: 24px; line-height: 1; letter-spacing: normal;
  text-transform: none; display: inline-block; white-space: nowrap; word-wrap: normal; direction: ltr; -webkit-font-feature-settings: 'liga';
  font-feature-settings: 'liga'; -webkit-font-smoothing: antialiased; }`,
].join('\n');

/** index.html without requests off this machine: Google's font stylesheets become the local one; the polyfill.io script goes. */
export function localIndexHtml(html: string): string {
  const out = html
    .replace(/<link href="https:\/\/fonts\.googleapis\.com\/css\?[^"]*" rel="stylesheet"\/?>/, '<link href="/__fonts.css" rel="stylesheet"/>')
    .replace(/<link href="https:\/\/fonts\.googleapis\.com\/icon\?[^"]*" rel="stylesheet"\/?>/, '')
    .replace(/<script src="https:\/\/polyfill\.io\/[^"]*"><\/script>/, '');
  // What the page loads: scripts, stylesheets, images (links a person may follow, comments and meta tags load nothing).
  const external = /(?:<script[^>]*\ssrc|<link[^>]*\shref|<img[^>]*\ssrc)="(https?:\/\/[^"]+)"/.exec(out.replace(/<!--[\s\S]*?-->/g, ''));
  if (external) throw new Error(`index.html of the catalog bundle still loads ${external[1]} from the internet: the bundle changed; teach localIndexHtml about it`);
  return out;
}

/**
 * The app's /config.json: the stack's own configuration as its registry publishes it (the keys of
 * Quilt's catalog/config.json.tmpl, which quilt3 and quilt-mcp read too; the registry on its own
 * origin, as on a real stack, answering this origin with CORS), with what the app of a multi-user
 * stack needs besides: password sign-in, and the S3 proxy on the origin the browser used.
 */
export async function catalogConfig(origin: string, registryUrl: string): Promise<Record<string, unknown>> {
  const r = await fetch(`${registryUrl}/config.json`, { signal: AbortSignal.timeout(10_000) });
  if (r.status !== 200) throw new Error(`the registry's ${registryUrl}/config.json answered HTTP ${r.status}`);
  const stack = await r.json() as Record<string, unknown>;
  return {
    googleClientId: '', oktaBaseUrl: '', oktaClientId: '', oneLoginBaseUrl: '', oneLoginClientId: '',
    ...stack,
    // The app asks for binary previews (tables, thumbnails) there: the stack's API serves both kinds.
    binaryApiGatewayEndpoint: stack.binaryApiGatewayEndpoint || stack.apiGatewayEndpoint,
    passwordAuth: 'SIGN_IN_ONLY',
    s3Proxy: `${origin}/__s3proxy`,
    signInRedirect: '/',
    signOutRedirect: '/',
  };
}

export async function createCatalogUi(o: CatalogUiOptions): Promise<FastifyInstance> {
  const index = localIndexHtml(readFileSync(join(o.bundleDir, 'index.html'), 'utf8'));
  const app = Fastify({ logger: false, bodyLimit: o.s3.maxBodyBytes });
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode >= 400) o.log(`${req.method} ${req.url.slice(0, 200)} -> ${reply.statusCode}`);
  });

  app.get('/config.json', async (req, reply) => {
    const origin = `${req.protocol}://${req.headers.host ?? req.hostname}`;
    return reply.header('cache-control', 'no-store').send(await catalogConfig(origin, o.registryUrl));
  });
  app.get('/__fonts.css', async (_req, reply) => reply.type('text/css').send(FONTS_CSS));
  for (const [name, pkg] of Object.entries(FONT_PACKAGES)) {
    await app.register(fastifyStatic, { root: fontDir(pkg), prefix: `/__fonts/${name}/`, decorateReply: false, index: false });
  }
  await app.register(s3ProxyRoute, { ...o.s3, prefix: '/__s3proxy' });

  const sendIndex = (reply: import('fastify').FastifyReply) => reply.type('text/html').header('cache-control', 'no-store').send(index);
  app.get('/', async (_req, reply) => sendIndex(reply));
  app.get('/index.html', async (_req, reply) => sendIndex(reply));
  // The bundle is one flat folder: only a single-segment path can be one of its files; every other path is a page of the app.
  // Files named by their content's hash never change: the browser keeps them (as a CDN in front of a Quilt stack lets it); others are checked each time.
  await app.register(fastifyStatic, {
    root: o.bundleDir, prefix: '/', index: false, preCompressed: true, allowedPath: (p) => /^\/[^/]+$/.test(p), cacheControl: false,
    setHeaders: (res, path) => res.header('cache-control', CONTENT_HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  // Every other path is a page of the app (it routes in the browser).
  app.setNotFoundHandler(async (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply.code(404).send({ message: `no ${req.method} ${req.url} here` });
    return sendIndex(reply);
  });
  return app;
}
