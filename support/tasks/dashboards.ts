/**
 * A dashboard package made from query results (spec §2.3) and shown on its page by Quilt's catalog:
 * the run's driver charts the SQL sums and publishes the chart, its data and a quilt_summarize.json
 * (support/drivers/dashboard.ts); the Then-steps read the package as the real quilt3 reads it,
 * the files from S3, and the package's page in Quilt's own web catalog in a real browser.
 * quilt_summarize.json is read as Quilt's catalog reads it (shared/schemas/quilt_summarize.json in
 * quiltdata/quilt): a list of rows, each a file or a list of files; a file is its path (relative to
 * quilt_summarize.json) or an object with that path, a title and how to show it (`types`).
 */
import { expect } from 'chai';
import { catalogPackageUrl } from '@quilt-e2e/quilt-js';
import type { Page } from 'playwright-core';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { rowObjects } from '../sql/index.js';
import { ownPackage, remember } from './packages.js';
import { latestByQuilt3, logicalKeys, readEntry } from './sql.js';
import { viewPage } from './catalog-pages.js';
import type { DocumentationWay } from '../drivers/dashboard.js';

/** What Quilt's catalog shows when it cannot read a package's quilt_summarize.json (containers/Bucket/Summarize.tsx). */
const SUMMARY_FAILED = 'Check your quilt_summarize.json file for errors.';
const NO_SUCH_PACKAGE = 'No Such Package';
const CHART_TITLE = 'Read counts by tissue';
/** How long the catalog may take to draw a chart once the page shows its section. */
const DRAW_DEADLINE_MS = 15_000;

interface SummaryFile { path: string; title?: string; types?: Array<string | { name?: string }> }

export async function publishChartAsDashboard(world: QuiltWorld, persona: PersonaRole, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  ownPackage(world, name);
  const rows = rowObjects(world.memory.query);
  remember(world, await world.dashboardOps(persona).publishChart(name, { rows, xColumn: 'tissue', yColumn: 'read_count', title: CHART_TITLE, message: 'reads per tissue, charted' }));
}

/** The files quilt_summarize.json lists, in order, as Quilt's catalog reads it; fails when it is not Quilt's format. */
function summaryFiles(text: string): SummaryFile[] {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { throw new Error(`quilt_summarize.json is not JSON (${(e as Error).message}): ${text.slice(0, 200)}`); }
  expect(Array.isArray(doc), `quilt_summarize.json is a list of rows, as Quilt's catalog reads it; it is: ${text.slice(0, 300)}`).to.equal(true);
  return (doc as unknown[]).flat().map((f, i) => {
    if (typeof f === 'string') return { path: f };
    expect(f !== null && typeof f === 'object' && typeof (f as SummaryFile).path === 'string', `entry ${i + 1} of quilt_summarize.json is a path or an object with a path: ${JSON.stringify(f)}`).to.equal(true);
    return f as SummaryFile;
  });
}

const isChart = (f: SummaryFile): boolean => (f.types ?? []).some((t) => (typeof t === 'string' ? t : t.name) === 'echarts');

/**
 * The package's quilt_summarize.json (at its root) lists only files the package holds, a chart
 * (shown with ECharts) among them; that chart's bars are the SQL sums the scenario charted.
 */
export async function expectSummaryShowsSums(world: QuiltWorld, featureName: string): Promise<void> {
  const rev = await latestByQuilt3(world, world.packageName(featureName));
  const keys = logicalKeys(rev);
  expect(keys, `the files of ${rev.name}`).to.include('quilt_summarize.json');
  const files = summaryFiles(await readEntry(world, rev, 'quilt_summarize.json'));
  for (const f of files) expect(keys, `${f.path}, listed in quilt_summarize.json, among the files of ${rev.name}`).to.include(f.path);
  const chart = files.find(isChart);
  expect(chart, `a chart (types: ["echarts"]) among the files quilt_summarize.json lists: ${JSON.stringify(files)}`).to.not.equal(undefined);
  const option = JSON.parse(await readEntry(world, rev, chart!.path)) as { xAxis?: { data?: unknown[] }; series?: Array<{ type?: string; data?: unknown[] }> };
  const sums = rowObjects<{ tissue: string; read_count: number }>(world.memory.query);
  expect({ type: option.series?.[0]?.type, bars: option.xAxis?.data, heights: option.series?.[0]?.data?.map(Number) }, `the chart ${chart!.path}, against the SQL sums`)
    .to.deep.equal({ type: 'bar', bars: sums.map((r) => r.tissue), heights: sums.map((r) => Number(r.read_count)) });
  world.memory.summaryChart = { path: chart!.path, title: chart!.title ?? chart!.path };
}

/**
 * What the catalog says went wrong with a summary it could not show: the title of its "Oops"
 * heading (Summarize.tsx: SummaryFailed). Read once the page has settled: none there, none said.
 */
async function summaryErrorOf(page: Page): Promise<string | undefined> {
  const oops = page.locator('[title]').filter({ hasText: 'Oops' });
  return await oops.count() > 0 ? await oops.first().getAttribute('title', { timeout: 1_000 }).then((t) => t ?? undefined, () => undefined) : undefined;
}

/** Quilt's catalog shows the package's page with the chart's section (its title) drawn, and no error about the summary. */
export async function expectCatalogDrawsSummary(world: QuiltWorld, persona: PersonaRole, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const { title } = world.memory.summaryChart;
  const v = await viewPage(world, persona, catalogPackageUrl(world.target.catalog!.catalogUrl, world.bucket, name), [{ shows: title }, { shows: SUMMARY_FAILED }, { shows: NO_SUCH_PACKAGE }],
    async (page) => ({
      drawn: await page.locator('canvas').first().waitFor({ state: 'visible', timeout: DRAW_DEADLINE_MS }).then(() => true, () => false),
      error: await summaryErrorOf(page),
    }));
  const says = v.then?.error ? ` — the catalog says of the summary: ${v.then.error}` : '';
  expect(v.matched, `the package page of ${name} shows: ${v.text.replace(/\s+/g, ' ').slice(0, 500)}${says}`).to.equal(title);
  expect(v.then?.drawn, `the chart "${title}" drawn on the package page of ${name} (an ECharts canvas within ${DRAW_DEADLINE_MS / 1000} s)${says}`).to.equal(true);
}

/** The README a package is documented with, and the line of it a reader sees on the package's page. */
const README_LINE = 'Readings of two plates from the March run, one CSV file per plate.';
const README = `# Plate readings\n\n${README_LINE}\n`;

export async function documentPackage(world: QuiltWorld, persona: PersonaRole, featureName: string, way: DocumentationWay): Promise<void> {
  remember(world, await world.documentationOps(persona).document(world.packageName(featureName), README, way));
}

/** The package holds its files, the README as written, and a quilt_summarize.json listing only files it holds. */
export async function expectDocumented(world: QuiltWorld, featureName: string, files: string[]): Promise<void> {
  const rev = await latestByQuilt3(world, world.packageName(featureName));
  const keys = logicalKeys(rev);
  for (const f of [...files, 'README.md', 'quilt_summarize.json']) expect(keys, `the files of ${rev.name}`).to.include(f);
  expect(await readEntry(world, rev, 'README.md'), `README.md of ${rev.name}`).to.equal(README);
  const listed = summaryFiles(await readEntry(world, rev, 'quilt_summarize.json'));
  for (const f of listed) expect(keys, `${f.path}, listed in quilt_summarize.json, among the files of ${rev.name}`).to.include(f.path);
  world.memory.summaryTitles = listed.map((f) => f.title ?? f.path);
}

/** Quilt's catalog shows the package's page with its README and a section for each file its summary lists, and no error about the summary. */
export async function expectCatalogShowsDocumentation(world: QuiltWorld, persona: PersonaRole, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const titles = world.memory.summaryTitles;
  const v = await viewPage(world, persona, catalogPackageUrl(world.target.catalog!.catalogUrl, world.bucket, name), [{ shows: SUMMARY_FAILED }, { shows: README_LINE, withIt: titles }, { shows: NO_SUCH_PACKAGE }], summaryErrorOf);
  const text = v.text.replace(/\s+/g, ' ');
  const says = v.then ? ` — the catalog says of the summary: ${v.then}` : '';
  expect(v.matched, `the package page of ${name} shows: ${text.slice(0, 500)}${says}`).to.equal(README_LINE);
  for (const t of titles) expect(text, `the section "${t}" of the summary on the package page of ${name}`).to.include(t);
  expect(text, `the package page of ${name}`).to.not.include(SUMMARY_FAILED);
}
