/**
 * What a person sees in Quilt's web catalog, read in a real browser (adapters/catalog-app.ts):
 * the revision a package page shows and its files, the revisions list, a file's page, and Quilt's
 * own not-found page for a package that is gone. Pages are read by their text, as a person reads
 * them. Every page opened is attached to the report as a screenshot; on the local stack no page may
 * make a request off this machine.
 */
import { expect } from 'chai';
import { catalogBucketUrl, catalogObjectUrl, catalogPackageUrl, catalogRevisionUrl, catalogRevisionsUrl } from '@quilt-e2e/quilt-js';
import type { Page } from 'playwright-core';
import { CatalogApp, type Outcome, type PageView, type S3Answers, type SignIn } from '../adapters/catalog-app.js';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { escapeRegExp } from '../text.js';

/** What Quilt's catalog shows for a package (or revision) it cannot find. */
const NO_SUCH_PACKAGE = 'No Such Package';
const NO_SUCH_REVISION = /No Such (Revision|Package)/;
const HEX64 = /\b[0-9a-f]{64}\b/g;

const base = (world: QuiltWorld): string => world.target.catalog!.catalogUrl;

/** Someone the scenario made (not a persona), with how they sign in: their password, or a token. */
export interface Visitor { user: string; signIn: SignIn }

/** Opens a page as the persona (or as a user the scenario made), waiting for one of the outcomes; attaches its screenshot; answers what it shows. */
export async function viewPage<T = undefined>(world: QuiltWorld, who: PersonaRole | Visitor, url: string, outcomes: Outcome[], then?: (page: Page, s3: S3Answers) => Promise<T>): Promise<PageView & { then?: T }> {
  const app = typeof who === 'string' ? world.app(who) : new CatalogApp(world.target.catalog!, who.signIn);
  let view: PageView & { then?: T };
  try {
    view = await app.open(url, outcomes, then);
  } catch (e) {
    throw new Error(`opening the catalog URL ${url}: ${(e as Error).message}`, { cause: e });
  }
  world.attach(view.screenshot, 'image/jpeg');
  world.log(`catalog page ${url} as ${typeof who === 'string' ? who : who.user}: ${view.matched === undefined ? 'showed none of the awaited texts' : `showed ${String(view.matched)}`} (loaded ${view.timings.loaded} ms, shown ${view.timings.shown} ms, settled ${view.timings.settled} ms)`);
  if (world.target.kind === 'local') expect(view.offsite, `requests of ${url} that left this machine`).to.deep.equal([]);
  return view;
}

const shown = (v: PageView): string => `the page ${v.url} shows: ${v.text.replace(/\s+/g, ' ').slice(0, 600)}`;

/** The revision page (by hash) names the package at that hash and lists its top-level files and folders. */
export async function expectRevisionPage(world: QuiltWorld, persona: PersonaRole, bucket: string, name: string, hash: string, topLevel: string[] = []): Promise<void> {
  const v = await viewPage(world, persona, catalogRevisionUrl(base(world), bucket, name, hash), [{ shows: `${name} @ ${hash.slice(0, 10)}`, withIt: topLevel }, { shows: NO_SUCH_REVISION }]);
  expect(v.matched, shown(v)).to.equal(`${name} @ ${hash.slice(0, 10)}`);
  for (const entry of topLevel) expect(v.text, `${shown(v)} — it lists ${entry}`).to.include(entry);
}

/** The revisions page lists the revisions newest first: their hashes, in that order. */
export async function revisionsShown(world: QuiltWorld, persona: PersonaRole, bucket: string, name: string, newest: string): Promise<string[]> {
  const v = await viewPage(world, persona, catalogRevisionsUrl(base(world), bucket, name), [{ shows: newest }, { shows: NO_SUCH_PACKAGE }]);
  expect(v.matched, shown(v)).to.equal(newest);
  return [...v.text.matchAll(HEX64)].map((m) => m[0]);
}

/** The package page (its latest revision) shows the package and its top-level files and folders. */
export async function expectPackagePage(world: QuiltWorld, persona: PersonaRole, bucket: string, name: string, topLevel: string[]): Promise<void> {
  const v = await viewPage(world, persona, catalogPackageUrl(base(world), bucket, name), [{ shows: `${name} @ latest`, withIt: topLevel }, { shows: NO_SUCH_PACKAGE }]);
  expect(v.matched, shown(v)).to.equal(`${name} @ latest`);
  for (const entry of topLevel) expect(v.text, `${shown(v)} — it lists ${entry}`).to.include(entry);
}

/** The package page shows Quilt's not-found: the package is gone for the person too. */
export async function expectNoSuchPackagePage(world: QuiltWorld, persona: PersonaRole, bucket: string, name: string): Promise<void> {
  const v = await viewPage(world, persona, catalogPackageUrl(base(world), bucket, name), [{ shows: NO_SUCH_PACKAGE }, { shows: `${name} @ latest` }]);
  expect(v.matched, `after the delete, ${shown(v)}`).to.equal(NO_SUCH_PACKAGE);
}

/**
 * What a file's preview shows of its first bytes (as read from S3 by the caller): a CSV or TSV's
 * first rows, cell after cell (the app draws them in a grid); a text file's first lines. Other
 * kinds (Markdown, images, ...) are drawn otherwise: nothing is awaited of them.
 */
export function previewOf(key: string, head: string): RegExp[] {
  const lines = head.split(/\r?\n/).filter((l) => l.trim()).slice(0, 3);
  const sep = /\.csv$/i.test(key) ? ',' : /\.(tsv|tab)$/i.test(key) ? '\t' : undefined;
  // A number as the grid draws it: its digits maybe grouped (12,000), its fraction to the grid's precision.
  const cell = (c: string): string => (/^-?\d+(\.\d+)?$/.test(c) ? `${escapeRegExp(c.split('.')[0]!).replace(/(\d)(?=\d)/g, '$1,?')}(?:\\.\\d+)?` : escapeRegExp(c));
  // Whole cells, whole lines: a row's cells one after the other, nothing else between them.
  if (sep) return lines.map((l) => new RegExp(`(?:^|\\s)${l.split(sep).map((c) => cell(c.trim())).join('\\s+')}(?=\\s|$)`));
  if (/\.txt$/i.test(key)) return lines.map((l) => new RegExp(`^\\s*${escapeRegExp(l.trim())}\\s*$`, 'm'));
  return [];
}

/** A file's page in the bucket shows its path and, when given, its preview (`previewOf`). */
export async function expectObjectPage(world: QuiltWorld, persona: PersonaRole, bucket: string, key: string, preview: RegExp[] = []): Promise<void> {
  const file = key.slice(key.lastIndexOf('/') + 1);
  const v = await viewPage(world, persona, catalogObjectUrl(base(world), bucket, key), [{ shows: file, withIt: [...key.split('/').slice(0, -1), ...preview] }, { shows: 'Access Denied' }, { shows: /No Such (Object|File)/i }]);
  expect(v.matched, shown(v)).to.equal(file);
  for (const part of key.split('/').slice(0, -1)) expect(v.text, `${shown(v)} — its path shows ${part}`).to.include(part);
  for (const p of preview) expect(v.text, `${shown(v)} — its preview shows the file's first bytes`).to.match(p);
}

/**
 * A page of the revision: the package at its hash, its timestamp or latest, listing its first
 * top-level entry — or the revisions list, holding its whole hash.
 */
export async function expectPageOfRevision(world: QuiltWorld, persona: PersonaRole, url: string, name: string, rev: { hash: string; timestamp: string; firstTop: string; preview?: RegExp[] }): Promise<void> {
  const at = [`${name} @ ${rev.hash.slice(0, 10)}`, `${name} @ ${rev.timestamp}`, `${name} @ latest`];
  // A page of one of the revision's files shows that file's preview too.
  const withIt = (u: string): Array<string | RegExp> => [rev.firstTop, ...(/\/tree\/[^/]+\/.+[^/]$/.test(new URL(u).pathname) ? rev.preview ?? [] : [])];
  const v = await viewPage(world, persona, url, [...at.map((shows) => ({ shows, withIt: withIt(url) })), { shows: `${name} revisions`, withIt: [rev.hash] }, { shows: NO_SUCH_REVISION }]);
  if (v.matched === `${name} revisions`) {
    expect(v.text, `${shown(v)} — it lists the revision ${rev.hash}`).to.include(rev.hash);
    return;
  }
  expect(at, shown(v)).to.include(v.matched);
  expect(v.text, `${shown(v)} — it shows ${rev.firstTop}`).to.include(rev.firstTop);
  for (const p of withIt(url).slice(1)) expect(v.text, `${shown(v)} — the file's preview shows its first bytes`).to.match(p as RegExp);
}

/** What Quilt's catalog shows on a bucket's overview, for a bucket the user may not read, and for a session the registry no longer takes. */
export const OVERVIEW = 'Objects by File Extension';
export const ACCESS_DENIED = 'Access Denied';
const SIGNED_OUT = /Session expired|Sign in/;

/** A user the scenario made opens the test bucket in the catalog (signed in with their password or their token): the catalog shows them the bucket's overview, or signs them out. */
export async function expectAppFor(world: QuiltWorld, user: Visitor, shows: 'overview' | 'signed out'): Promise<void> {
  const v = await viewPage(world, user, catalogBucketUrl(base(world), world.bucket), [{ shows: OVERVIEW, withIt: [world.bucket] }, { shows: SIGNED_OUT }, { shows: ACCESS_DENIED }]);
  if (shows === 'overview') {
    expect(v.matched, `for ${user.user}, ${shown(v)}`).to.equal(OVERVIEW);
    expect(v.text, `for ${user.user}, a signed-in page`).to.not.match(SIGNED_OUT);
  } else {
    expect(v.matched, `for ${user.user}, ${shown(v)}`).to.equal(SIGNED_OUT);
    expect(v.text, `for ${user.user}, no bucket shown`).to.not.include(OVERVIEW);
  }
}
