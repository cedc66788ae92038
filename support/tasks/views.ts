/**
 * A package's views, as Quilt's catalog counts them (Package.accessCounts: reads of its manifests
 * per day, from the storage's own record of reads — CloudTrail on AWS) and shows them in its
 * package list ("Total views"). Reads made by the run's driver must show up; what the registry
 * counted is read through its GraphQL, what a person sees through the browser.
 */
import { expect } from 'chai';
import { eventually } from '@quilt-e2e/test-kit';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { viewPage } from './catalog-pages.js';
import { escapeRegExp } from '../text.js';

/**
 * How long the catalog may take to count a read. The local stack counts at once; a real stack
 * counts after CloudTrail delivers and Quilt's access-counts job runs (set it accordingly there).
 */
const COUNT_DEADLINE_MS = Number(process.env.QUILT_E2E_VIEWS_DEADLINE_MS ?? 20_000);

interface Counts { total: number; counts: Array<{ date: string; value: number }> }

async function countsOf(world: QuiltWorld, name: string): Promise<{ total: number; today: number; lastDate: string | undefined }> {
  const r = await world.catalog('admin').graphql<{ package: { accessCounts: Counts | null } | null }>(
    'query($b: String!, $n: String!) { package(bucket: $b, name: $n) { accessCounts(window: 30) { total counts { date value } } } }', { b: world.bucket, n: name });
  expect(r.package, `the registry has the package ${name}`).to.not.equal(null);
  const c = r.package!.accessCounts;
  return { total: c?.total ?? 0, today: c?.counts.at(-1)?.value ?? 0, lastDate: c?.counts.at(-1)?.date };
}

export async function recordViewsSoFar(world: QuiltWorld, featureName: string): Promise<void> {
  const c = await countsOf(world, world.packageName(featureName));
  world.memory.viewsBefore = { total: c.total, today: c.today };
  world.log(`views of ${world.packageName(featureName)} before: ${c.total} (today ${c.today})`);
}

/** The registry counts at least `more` new views, all of them on today's date (UTC). */
export async function expectMoreViews(world: QuiltWorld, featureName: string, more: number): Promise<void> {
  const name = world.packageName(featureName);
  const before = world.memory.viewsBefore;
  const today = new Date().toISOString().slice(0, 10);
  await eventually(async () => {
    const now = await countsOf(world, name);
    expect(now.total - before.total, `views of ${name} since the scenario's reads (before: ${before.total}, now: ${now.total})`).to.be.at.least(more);
    expect(now.lastDate?.slice(0, 10), 'the last day counted is today').to.equal(today);
    expect(now.today - before.today, 'the new views are today\'s').to.equal(now.total - before.total);
  }, { timeoutMs: COUNT_DEADLINE_MS, what: `the catalog counting ${more} more views of ${name}` });
}

/** The package list (filtered to the package) shows its views: at least as many as the registry counts now. */
export async function expectListShowsViews(world: QuiltWorld, persona: PersonaRole, featureName: string): Promise<void> {
  const name = world.packageName(featureName);
  const counted = (await countsOf(world, name)).total;
  const url = `${world.target.catalog!.catalogUrl}/b/${encodeURIComponent(world.bucket)}/packages/?filter=${encodeURIComponent(name)}`;
  // The package's row: its name, its revisions and date, then "Total views: <n>".
  const row = new RegExp(`${escapeRegExp(name)}[\\s\\S]{0,200}?Total views:\\s*([\\d,]+)`);
  const v = await viewPage(world, persona, url, [{ shows: row }, { shows: /No matching packages|no packages/i }]);
  expect(v.matched, `the package list shows: ${v.text.replace(/\s+/g, ' ').slice(0, 500)}`).to.equal(row);
  const shown = Number(row.exec(v.text)![1]!.replace(/,/g, ''));
  world.log(`the package list shows ${shown} views of ${name}; the registry counted ${counted} before the page opened`);
  // Opening the page may read the manifest again (a view): never fewer than counted before it.
  expect(shown, `the views the package list shows for ${name}`).to.be.at.least(counted);
  expect(shown, 'no more views than the reads made since (the page\'s own few)').to.be.at.most(counted + 5);
}
