/**
 * Server-rendered catalog pages at Quilt's URLs (shared reference quilt-formats.md §7):
 *   /b/<bucket>                                           the bucket's top folder
 *   /b/<bucket>/tree/<key>[?version=<id>]                 an object (or a folder when the key ends in "/")
 *   /b/<bucket>/packages/                                 the bucket's packages
 *   /b/<bucket>/packages/<ns>/<name>                      a package (its latest revision)
 *   /b/<bucket>/packages/<ns>/<name>/revisions            its revisions
 *   /b/<bucket>/packages/<ns>/<name>/tree/<ref>/<path>    a revision (latest, timestamp or hash) at a path
 *
 * Who sees what: a bearer token, when sent, is checked like everywhere else (401 page when bad)
 * and its user's S3 permissions apply. Without a token the page is rendered with the permissions
 * of the configured anonymous user (QUILT_E2E_CATALOG_ANONYMOUS_USER, default the reader persona),
 * so plain URL checks work for buckets that user may read and get 403 elsewhere; with an empty
 * setting every page needs a token. Every dynamic text is HTML-escaped.
 */
import type { FastifyReply } from 'fastify';
import { faultIs } from '../faults.js';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { QuiltNotFoundError, QuiltValidationError, toPlain, parsePhysicalKey, type PackageRevision, type TreeNode, validatePackageName } from '@quilt-e2e/quilt-js';
import { AuthError } from './auth.js';
import { s3ErrorStatus } from './authz.js';
import { esc, HttpError, sendHtml } from './http.js';
import type { CatalogContext } from './context.js';
import { tokenOf } from './identity.js';

const PREVIEW_BYTES = 64 * 1024;

const seg = (s: string): string => encodeURIComponent(s);
const segs = (path: string): string => path.split('/').map(seg).join('/');
export const objectUrl = (bucket: string, key: string, version?: string): string => `/b/${seg(bucket)}/tree/${segs(key)}${version ? `?version=${encodeURIComponent(version)}` : ''}`;
export const packageUrl = (bucket: string, name: string): string => `/b/${seg(bucket)}/packages/${segs(name)}`;
export const revisionUrl = (bucket: string, name: string, ref: string, path = ''): string => `${packageUrl(bucket, name)}/tree/${seg(ref)}/${segs(path)}`;

function fmtSize(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(1)} ${units[u]} (${n} B)`;
}

function layout(title: string, crumbs: Array<[string, string | undefined]>, body: string): string {
  const nav = crumbs.map(([label, href]) => (href ? `<a href="${esc(href)}">${esc(label)}</a>` : `<span>${esc(label)}</span>`)).join(' / ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — Quilt (local)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}table{border-collapse:collapse}td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:left}pre{background:#f6f6f6;padding:1rem;overflow:auto;max-height:40rem}nav{margin-bottom:1rem;color:#666}code{background:#f2f2f2;padding:0 .2rem}</style>
</head><body><nav>${nav}</nav><h1>${esc(title)}</h1>
${body}
</body></html>
`;
}

export function errorPage(status: number, message: string): string {
  const titles: Record<number, string> = { 400: 'Bad request', 401: 'Sign-in required', 403: 'Access denied', 404: 'Not found', 405: 'Method not allowed', 500: 'Catalog error', 503: 'Service unavailable' };
  return layout(`${status} ${titles[status] ?? 'Error'}`, [['Quilt', '/']], `<p class="error" data-status="${status}">${esc(message)}</p>`);
}

function decodeSegments(parts: string[]): string[] {
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    throw new HttpError(400, 'BadRequest', 'the address has a malformed %-escape');
  }
}

async function pageUser(ctx: CatalogContext, authorization: string | undefined): Promise<string> {
  const token = await tokenOf(ctx, authorization);
  if (token !== undefined) return token.user;
  if (ctx.config.anonymousUser) return ctx.config.anonymousUser;
  throw new AuthError('MissingToken', 'these pages need "Authorization: Bearer <token>"');
}

function notFound(what: string): HttpError {
  return new HttpError(404, 'NotFound', what);
}

/** Renders the page at `url` for the request's user (its token, or the anonymous user); resolves to that user. */
export async function handlePage(ctx: CatalogContext, authorization: string | undefined, reply: FastifyReply, url: URL): Promise<string> {
  const user = await pageUser(ctx, authorization);
  await renderPage(ctx, user, reply, url);
  return user;
}

async function renderPage(ctx: CatalogContext, user: string, reply: FastifyReply, url: URL): Promise<void> {
  const parts = url.pathname.split('/').slice(1);
  if (parts.length === 1 && parts[0] === '') {
    const rows: string[] = [];
    for (const b of ctx.access.servedBuckets) if (await ctx.authz.access(user, b) === 'allowed') rows.push(`<li><a href="/b/${seg(b)}">${esc(b)}</a></li>`);
    sendHtml(reply, 200, layout('Buckets', [['Quilt', undefined]], `<ul class="buckets">${rows.join('') || '<li>none readable</li>'}</ul>`));
    return;
  }
  // parts[0] === 'b'
  const [, rawBucket, section, ...rest] = parts;
  if (!rawBucket) throw notFound('no bucket in the address: use /b/<bucket>');
  const [bucket] = decodeSegments([rawBucket]) as [string];
  await ctx.authz.requireRead(user, bucket);
  if (section === undefined || (section === '' && rest.length === 0)) {
    await folderPage(ctx, reply, user, bucket, '');
    return;
  }
  if (section === 'tree') {
    const key = decodeSegments(rest).join('/');
    if (key === '' || key.endsWith('/')) await folderPage(ctx, reply, user, bucket, key);
    else await objectPage(ctx, reply, user, bucket, key, url.searchParams.get('version') ?? undefined);
    return;
  }
  if (section === 'packages') {
    const p = decodeSegments(rest);
    if (p.length === 0 || (p.length === 1 && p[0] === '')) { await packagesPage(ctx, reply, user, bucket); return; }
    if (p.length < 2) throw notFound(`no package ${JSON.stringify(p.join('/'))}: package addresses are /b/<bucket>/packages/<namespace>/<name>`);
    const name = `${p[0]}/${p[1]}`;
    try { validatePackageName(name); } catch (e) { throw notFound((e as Error).message); }
    if (p.length === 2 || (p.length === 3 && p[2] === '')) { await revisionPage(ctx, reply, user, bucket, name, 'latest', '', true); return; }
    if (p[2] === 'revisions' && p.length <= 4) { await revisionsPage(ctx, reply, user, bucket, name); return; }
    if (p[2] === 'tree' && p.length >= 4) { await revisionPage(ctx, reply, user, bucket, name, p[3]!, p.slice(4).join('/'), false); return; }
    throw notFound(`no such package page: ${url.pathname}`);
  }
  throw notFound(`no such page: ${url.pathname}`);
}

async function folderPage(ctx: CatalogContext, reply: FastifyReply, user: string, bucket: string, prefix: string): Promise<void> {
  const s3 = ctx.clients.for(user);
  const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', MaxKeys: 1000 }));
  const folders = (r.CommonPrefixes ?? []).map((p) => p.Prefix ?? '').filter(Boolean);
  const files = (r.Contents ?? []).filter((o) => o.Key !== prefix);
  if (prefix !== '' && folders.length === 0 && files.length === 0) throw notFound(`s3://${bucket}/${prefix} has no objects`);
  const rows = [
    ...folders.map((f) => `<tr><td><a href="${esc(objectUrl(bucket, f))}">${esc(f.slice(prefix.length))}</a></td><td>folder</td><td></td></tr>`),
    ...files.map((o) => `<tr><td><a href="${esc(objectUrl(bucket, o.Key ?? ''))}">${esc((o.Key ?? '').slice(prefix.length))}</a></td><td>${esc(fmtSize(o.Size ?? 0))}</td><td>${esc(o.LastModified?.toISOString() ?? '')}</td></tr>`),
  ];
  const crumbs: Array<[string, string | undefined]> = [['Quilt', '/'], [bucket, `/b/${seg(bucket)}`]];
  let acc = '';
  for (const part of prefix.split('/').filter(Boolean)) { acc += `${part}/`; crumbs.push([part, objectUrl(bucket, acc)]); }
  sendHtml(reply, 200, layout(prefix ? `s3://${bucket}/${prefix}` : `s3://${bucket}`, crumbs,
    `<p><a href="/b/${seg(bucket)}/packages/">Packages in ${esc(bucket)}</a></p>
<table class="listing"><tr><th>name</th><th>size</th><th>modified</th></tr>${rows.join('\n')}</table>${r.IsTruncated ? '<p>(first 1000 entries)</p>' : ''}`));
}

function s3NotFound(e: unknown): boolean {
  const { name, status } = s3ErrorStatus(e);
  return status === 404 || name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchVersion';
}

async function objectPage(ctx: CatalogContext, reply: FastifyReply, user: string, bucket: string, key: string, version: string | undefined): Promise<void> {
  const s3 = ctx.clients.for(user);
  let head;
  try {
    head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: version }));
  } catch (e) {
    const { name, status } = s3ErrorStatus(e);
    if (s3NotFound(e) || (status === 400 && version)) throw notFound(`s3://${bucket}/${key}${version ? ` (version ${version})` : ''} does not exist`);
    if (status === 403) throw new HttpError(403, 'Forbidden', `user ${user} may not read s3://${bucket}/${key}`);
    throw new HttpError(502, 'S3Error', `S3 failed reading s3://${bucket}/${key}: ${name}`);
  }
  const size = head.ContentLength ?? 0;
  const versions: Array<{ id: string; latest: boolean; marker: boolean; size: number; modified: string }> = [];
  const lv = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, MaxKeys: 1000 }));
  for (const v of lv.Versions ?? []) if (v.Key === key) versions.push({ id: v.VersionId ?? 'null', latest: !!v.IsLatest, marker: false, size: v.Size ?? 0, modified: v.LastModified?.toISOString() ?? '' });
  for (const d of lv.DeleteMarkers ?? []) if (d.Key === key) versions.push({ id: d.VersionId ?? 'null', latest: !!d.IsLatest, marker: true, size: 0, modified: d.LastModified?.toISOString() ?? '' });
  versions.sort((a, b) => (a.modified < b.modified ? 1 : -1));
  let preview = '<p class="preview">(no preview: binary or empty)</p>';
  if (size > 0) {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: version, Range: `bytes=0-${PREVIEW_BYTES - 1}` }));
    const bytes = await r.Body!.transformToByteArray();
    let text: string | undefined;
    if (!bytes.includes(0)) {
      try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch { text = size > PREVIEW_BYTES ? new TextDecoder('utf-8').decode(bytes) : undefined; }
    }
    if (text !== undefined) preview = `<h2>Preview${size > PREVIEW_BYTES ? ` (first ${PREVIEW_BYTES} bytes)` : ''}</h2><pre class="preview">${esc(text)}</pre>`;
  }
  const folder = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
  const crumbs: Array<[string, string | undefined]> = [['Quilt', '/'], [bucket, `/b/${seg(bucket)}`]];
  let acc = '';
  for (const part of folder.split('/').filter(Boolean)) { acc += `${part}/`; crumbs.push([part, objectUrl(bucket, acc)]); }
  crumbs.push([key.slice(folder.length), undefined]);
  const vrows = versions.map((v) => `<tr><td>${v.marker ? esc(v.id) : `<a href="${esc(objectUrl(bucket, key, v.id))}">${esc(v.id)}</a>`}</td><td>${v.marker ? 'delete marker' : esc(fmtSize(v.size))}</td><td>${esc(v.modified)}</td><td>${v.latest ? 'latest' : ''}</td></tr>`);
  sendHtml(reply, 200, layout(key, crumbs, `<dl class="object">
<dt>S3 URI</dt><dd><code class="s3-uri">s3://${esc(bucket)}/${esc(key)}</code></dd>
<dt>Key</dt><dd class="key">${esc(key)}</dd>
<dt>Size</dt><dd class="size" data-bytes="${size}">${esc(fmtSize(size))}</dd>
<dt>Last modified</dt><dd>${esc(head.LastModified?.toISOString() ?? '')}</dd>
<dt>ETag</dt><dd>${esc((head.ETag ?? '').replace(/"/g, ''))}</dd>
<dt>Version</dt><dd class="version">${esc(head.VersionId ?? 'null')}</dd>
<dt>Content type</dt><dd>${esc(head.ContentType ?? '')}</dd>
</dl>
<h2>Versions</h2><table class="versions"><tr><th>version</th><th>size</th><th>modified</th><th></th></tr>${vrows.join('\n')}</table>
${preview}`));
}

async function packagesPage(ctx: CatalogContext, reply: FastifyReply, user: string, bucket: string): Promise<void> {
  const names = (await ctx.packages.registry(user, bucket).list()).sort();
  const rows = names.map((n) => `<li><a href="${esc(packageUrl(bucket, n))}">${esc(n)}</a></li>`);
  sendHtml(reply, 200, layout(`Packages in ${bucket}`, [['Quilt', '/'], [bucket, `/b/${seg(bucket)}`], ['packages', undefined]],
    `<p class="count">${names.length} package(s)</p><ul class="packages">${rows.join('\n')}</ul>`));
}

async function revisionsPage(ctx: CatalogContext, reply: FastifyReply, user: string, bucket: string, name: string): Promise<void> {
  const registry = ctx.packages.registry(user, bucket);
  const revs = await registry.revisions(name);
  if (revs.length === 0 && (await registry.latestHash(name)) === undefined) throw notFound(`package ${name} does not exist in ${bucket}`);
  const rows = revs.map((r) => `<tr><td><a href="${esc(revisionUrl(bucket, name, r.hash))}">${esc(r.hash)}</a></td><td>${esc(r.date.toISOString())}</td><td>${esc(r.timestamp)}</td></tr>`);
  sendHtml(reply, 200, layout(`${name}: revisions`, [['Quilt', '/'], [bucket, `/b/${seg(bucket)}`], ['packages', `/b/${seg(bucket)}/packages/`], [name, packageUrl(bucket, name)], ['revisions', undefined]],
    `<table class="revisions"><tr><th>hash</th><th>date</th><th>timestamp</th></tr>${rows.join('\n')}</table>`));
}

function json(v: unknown): string {
  return esc(JSON.stringify(v, null, 2));
}

async function revisionPage(ctx: CatalogContext, reply: FastifyReply, user: string, bucket: string, name: string, ref: string, path: string, isPackagePage: boolean): Promise<void> {
  const registry = ctx.packages.registry(user, bucket);
  let rev: PackageRevision;
  try {
    rev = await registry.browse(name, ref);
  } catch (e) {
    if (faultIs('page-for-deleted-package') && e instanceof QuiltNotFoundError && ref === 'latest') {
      sendHtml(reply, 200, `<!doctype html><html><head><title>${name}</title></head><body><h1>${name}</h1><p>0 files</p></body></html>`);
      return;
    }
    if (e instanceof QuiltNotFoundError || e instanceof QuiltValidationError) throw notFound(ref === 'latest' ? `package ${name} does not exist in ${bucket}` : `package ${name} has no revision ${JSON.stringify(ref)} in ${bucket}`);
    throw e;
  }
  let node: TreeNode;
  try { node = rev.node(path); } catch { throw notFound(`${JSON.stringify(path)} is not in ${name}@${rev.hash.slice(0, 10)}`); }
  const crumbs: Array<[string, string | undefined]> = [['Quilt', '/'], [bucket, `/b/${seg(bucket)}`], ['packages', `/b/${seg(bucket)}/packages/`], [name, packageUrl(bucket, name)]];
  if (!isPackagePage) {
    crumbs.push([ref === rev.hash ? rev.hash.slice(0, 10) : ref, revisionUrl(bucket, name, ref)]);
    let acc = '';
    for (const part of path.split('/').filter(Boolean)) { acc += `${part}/`; crumbs.push([part, node.entry && acc.slice(0, -1) === path ? undefined : revisionUrl(bucket, name, ref, acc)]); }
  }
  const head = `<dl class="revision">
<dt>Package</dt><dd class="name">${esc(name)}</dd>
<dt>Revision (top hash)</dt><dd class="hash"><code>${esc(rev.hash)}</code></dd>
${rev.timestamp ? `<dt>Timestamp</dt><dd>${esc(new Date(Number(rev.timestamp) * 1000).toISOString())}</dd>` : ''}
<dt>Message</dt><dd class="message">${esc(rev.message ?? '')}</dd>
<dt>Files</dt><dd class="total-entries">${rev.totalEntries}</dd>
<dt>Size</dt><dd class="total-bytes" data-bytes="${rev.totalBytes}">${esc(fmtSize(rev.totalBytes))}</dd>
</dl>
<h2>Metadata</h2><pre class="metadata">${json(rev.userMeta ?? {})}</pre>
<p><a href="${esc(packageUrl(bucket, name))}/revisions">All revisions</a></p>`;
  if (node.entry) {
    const e = node.entry;
    let link = '';
    try {
      const pk = parsePhysicalKey(e.physicalKey, e.logicalKey);
      if (pk.scheme === 's3') link = `<p><a class="object-link" href="${esc(objectUrl(pk.bucket, pk.key, pk.versionId))}">Open the object</a></p>`;
    } catch { /* shown as text only */ }
    sendHtml(reply, 200, layout(`${name}: ${e.logicalKey}`, crumbs, `${head}
<h2>File</h2><dl class="file">
<dt>Logical key</dt><dd class="logical-key">${esc(e.logicalKey)}</dd>
<dt>Physical key</dt><dd class="physical-key"><code>${esc(e.physicalKey)}</code></dd>
<dt>Size</dt><dd class="size" data-bytes="${e.size}">${esc(fmtSize(e.size))}</dd>
<dt>Hash</dt><dd class="entry-hash">${esc(e.hash.type)} ${esc(e.hash.value)}</dd>
</dl><h2>File metadata</h2><pre class="file-metadata">${json(toPlain(e.meta))}</pre>${link}`));
    return;
  }
  const rows = [...node.children.values()].map((c) => `<tr><td><a href="${esc(revisionUrl(bucket, name, isPackagePage ? 'latest' : ref, c.path))}">${esc(c.entry ? c.name : `${c.name}/`)}</a></td><td class="size" data-bytes="${c.size}">${esc(fmtSize(c.size))}</td><td>${c.entry ? '' : `${c.files} file(s)`}</td></tr>`);
  sendHtml(reply, 200, layout(isPackagePage ? name : `${name}${path ? `: ${path}` : ''}`, crumbs, `${head}
<h2>Files${path ? ` in ${esc(path)}` : ''}</h2><table class="files"><tr><th>name</th><th>size</th><th></th></tr>${rows.join('\n')}</table>`));
}
