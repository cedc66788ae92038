/**
 * The living documentation page, checked in a real browser: a tiny real run (the @smoke
 * scenarios plus a temporary feature with a measured step, a failing check and text that tries
 * HTML injection, all against the real stack) is written to a temporary folder; the page is built
 * from it and opened with headless Chromium, which dumps the DOM and takes a screenshot
 * (reports/living-docs.png). Skips only when Chromium is not installed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { ROOT, cucumber, run, runScript, tempDir, write } from './helpers.js';
import { loadFeatureFiles, scenariosOf } from '../../support/reporting/feature-files.js';
import { summarizeRun } from '../../support/reporting/run-summary.js';
import { formatMs } from '../../support/reporting/living-docs.js';

/** Chromium's executable: $QUILT_E2E_CHROMIUM, or chromium / chromium-browser on the PATH. */
function findChromium(): string | undefined {
  const fromEnv = process.env.QUILT_E2E_CHROMIUM;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Text as Chromium serialises it in a dumped DOM (text nodes escape &, < and >). */
const domText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\u00a0/g, '&nbsp;');

interface BrowserResult { dom: string; consoleLines: string[]; ms: number }

function openInChromium(chromium: string, file: string, extra: string[]): BrowserResult {
  const profile = mkdtempSync(join(tmpdir(), 'quilt-e2e-chromium-'));
  try {
    const r = run(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0',
      ...extra, `file://${file}`,
    ], 120_000);
    assert.equal(r.status, 0, `chromium failed:\n${r.stderr.slice(-3000)}`);
    // Every console message of the page (script errors, CSP violations, failed loads) is logged as INFO:CONSOLE.
    return { dom: r.stdout, consoleLines: r.stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l)), ms: r.ms };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const chromium = findChromium();

test('the living documentation page shows every feature, the run\'s statuses and measurements, safely, in Chromium', { timeout: 15 * 60_000 }, (t) => {
  if (!chromium) {
    const reason = 'chromium is not installed (apt-get install -y --no-install-recommends chromium): the living documentation was not checked in a browser';
    console.log(`SKIP: ${reason}`);
    t.skip(reason);
    return;
  }
  const tmp = tempDir('living-docs');
  after(() => tmp.remove());
  const rel = tmp.rel;

  write(join(tmp.dir, 'steps', 'measure.steps.ts'), `import { When } from '@cucumber/cucumber';
import type { PersonaRole } from '../../../support/target.js';
import type { QuiltWorld } from '../../../world/quilt-world.js';
import * as content from '../../../support/tasks/content.js';
import { attachMeasurement } from '../../../support/reporting/measurements.js';

When('{persona} lists the folder {string}, timed against a budget of {float} seconds', async function (this: QuiltWorld, persona: PersonaRole, folder: string, budget: number) {
  const started = performance.now();
  await content.listFolder(this, persona, folder);
  attachMeasurement(this, { name: \`listing \${folder}\`, value: (performance.now() - started) / 1000, unit: 's', budget, target: this.target.kind });
});
`);
  write(join(tmp.dir, 'features', 'docs', 'living.feature'), `@smoke @s3 @performance
Feature: Living documentation <check> & "escaping"
  A narrative with <script>alert("x")</script> & an <img src=x onerror=alert(1)> in it,
  on two lines.

  Background:
    Given Dana has uploaded these files to the folder "data/":
      | name  | content    |
      | a.csv | x,y\\n1,2\\n |

  Scenario: Listing a small folder stays within its time budget
    When Dana lists the folder "data/", timed against a budget of 30 seconds
    Then the listing of "data/" shows exactly these files:
      | name  | size |
      | a.csv | 8    |

  Scenario: A scenario that fails shows its error <img src=x onerror=alert(1)>
    When Dana lists the folder "data/"
    Then the listing of "data/" shows exactly these files:
      | name  | size |
      | a.csv | 999  |
`);
  // The project's configuration, with the temporary steps and features, writing only into the temporary folder.
  write(join(tmp.dir, 'cucumber.mjs'), `import base from '../../cucumber.mjs';
export default {
  ...base,
  import: [...base.import, '${rel}/steps/measure.steps.ts'],
  paths: ['features/**/*.feature', '${rel}/features/**/*.feature'],
  tags: '@smoke and not @wip',
  format: ['message:${rel}/m.ndjson', 'html:${rel}/cucumber-report.html'],
};
`);
  const ran = cucumber(['--config', `${rel}/cucumber.mjs`]);
  assert.ok(existsSync(join(tmp.dir, 'm.ndjson')), `the run wrote no message stream:\n${ran.out.slice(-3000)}`);
  const summary = summarizeRun(readFileSync(join(tmp.dir, 'm.ndjson'), 'utf8'));
  const mine = summary.scenarios.filter((s) => s.uri.startsWith(rel));
  assert.deepEqual(mine.map((s) => [s.name, s.status]), [
    ['Listing a small folder stays within its time budget', 'passed'],
    ['A scenario that fails shows its error <img src=x onerror=alert(1)>', 'failed'],
  ], `the temporary scenarios did not run as intended:\n${ran.out.slice(-3000)}`);
  assert.equal(ran.status, 1, 'cucumber fails the run with a failed scenario');

  // The run summary prints the measurement against its budget, and keeps its closing line last.
  const sum = runScript('scripts/report-summary.ts', [`${rel}/m.ndjson`]);
  assert.equal(sum.status, 1, 'the summary fails with a failed scenario');
  assert.match(sum.stdout, /^Performance \(measurement: value \/ budget, verdict, target\)$/m);
  assert.match(sum.stdout, new RegExp(`^ {7}listing data/: [0-9.]+ s / 30 s, within budget, local {2}\\(Listing a small folder stays within its time budget, ${rel}/features/docs/living\\.feature:11\\)$`, 'm'));
  assert.equal(sum.stdout.trimEnd().split('\n').at(-1), `acceptance: ${summary.totals.passed} passed, ${summary.totals.failed} failed, ${summary.totals.skipped} skipped`);

  const built = runScript('scripts/living-docs.ts', ['--ndjson', `${rel}/m.ndjson`, '--out', `${rel}/index.html`, '--features', 'features/**/*.feature', '--features', `${rel}/features`]);
  assert.equal(built.status, 0, built.out);
  const page = readFileSync(join(tmp.dir, 'index.html'), 'utf8');
  console.log(`${built.stdout.trim()}; page ${page.length} bytes`);

  // Self-contained: no script, nothing fetched (no external src/href, no url(), no @import).
  assert.doesNotMatch(page, /<script/i);
  assert.doesNotMatch(page, /\b(?:src|href)\s*=\s*"(?:https?:)?\/\//i);
  assert.doesNotMatch(page, /url\(|@import/i);
  assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);

  const shot = join(ROOT, 'reports', 'living-docs.png');
  mkdirSync(join(ROOT, 'reports'), { recursive: true }); // a fresh clone has no reports/ yet
  rmSync(shot, { force: true });
  const b = openInChromium(chromium, join(tmp.dir, 'index.html'), [`--screenshot=${shot}`, '--window-size=1280,2000', '--hide-scrollbars']);
  const d = openInChromium(chromium, join(tmp.dir, 'index.html'), ['--dump-dom']);
  const dom = d.dom;
  console.log(`chromium: screenshot in ${b.ms} ms, DOM (${dom.length} characters) in ${d.ms} ms`);
  assert.deepEqual([...b.consoleLines, ...d.consoleLines], [], 'the page logs no script error, CSP violation or failed load');

  // Every feature of the suite and the temporary one, by name; every scenario by name.
  const features = loadFeatureFiles(ROOT, ['features/**/*.feature', `${rel}/features`]);
  assert.ok(features.length >= 2);
  for (const f of features) {
    if (!f.doc?.feature) continue;
    assert.ok(dom.includes(domText(f.doc.feature.name)), `the page shows the feature "${f.doc.feature.name}" (${f.uri})`);
    for (const { scenario } of scenariosOf(f.doc)) assert.ok(dom.includes(`<b>${domText(scenario.name)}</b>`), `the page shows the scenario "${scenario.name}"`);
  }
  // The run's statuses: the totals, and each scenario of the run with its own status.
  assert.ok(dom.includes(`<div class="n">${summary.totals.failed}</div><span class="badge status-failed">failed</span>`), 'the failed count');
  assert.ok(dom.includes(`<div class="n">${summary.totals.passed}</div><span class="badge status-passed">passed</span>`), 'the passed count');
  for (const s of mine) {
    assert.match(dom, new RegExp(`<span class="badge status-${s.status}">${s.status}</span> <b>${domText(s.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</b>`), `status of "${s.name}"`);
  }
  // The failure's message, the measurement against its budget, the narrative, links into the cucumber report.
  assert.match(dom, /<pre class="error">AssertionError[^<]*- {2}"a\.csv": 8\n +\+ {2}"a\.csv": 999\n +\}<\/pre>/);
  assert.match(dom, /<td>listing data\/<div class="small muted">Listing a small folder stays within its time budget/);
  assert.match(dom, /<td class="num">30 s<\/td>/);
  assert.ok(dom.includes('within budget'));
  assert.ok(dom.includes(domText('A narrative with <script>alert("x")</script> & an <img src=x onerror=alert(1)> in it,\non two lines.')), 'the narrative, as text');
  assert.ok(dom.includes('href="glossary.html"'), 'a link to the glossary page');
  // Injection: the text stayed text.
  assert.doesNotMatch(dom, /<img|<script/i);

  // The screenshot, for a person to judge readability.
  const png = readFileSync(shot);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1280, 2000]);
  assert.ok(statSync(shot).size > 20_000, 'the screenshot shows a page, not a blank');

  // The failed scenario's link opens cucumber's report (of the same run) showing that scenario's feature only.
  const href = /<h4><span class="badge status-failed">failed<\/span> A scenario that fails[^<]*<\/h4><p class="small muted">[^<]*<a href="(cucumber-report\.html\?query=[^"]+)"/.exec(dom)?.[1];
  assert.ok(href, 'the failure links into the cucumber report');
  const report = openInChromium(chromium, `${join(tmp.dir, href.replace(/&amp;/g, '&'))}`, ['--virtual-time-budget=10000', '--dump-dom']);
  const shown = [...new Set(report.dom.match(/(?:features|tmp)\/[\w./-]+\.feature(?=<)/g) ?? [])];
  assert.deepEqual(shown, [`${rel}/features/docs/living.feature`], `${href} shows only the failed scenario's feature`);

  // The glossary page it links to renders too.
  const g = openInChromium(chromium, join(tmp.dir, 'glossary.html'), ['--dump-dom']);
  assert.deepEqual(g.consoleLines, []);
  assert.match(g.dom, /<h1>Step glossary<\/h1>/);
  assert.match(g.dom, /<code>\{persona\}<\/code>/);
  assert.match(g.dom, /<td><code>Dana<\/code><\/td><td>data manager/);
});

test('a run time reads in whole minutes and seconds, never 60 s', () => {
  assert.equal(formatMs(119_600), '2 min 0 s');
  assert.equal(formatMs(125_400), '2 min 5 s');
  assert.equal(formatMs(59_940), '59.9 s');
  assert.equal(formatMs(820), '820 ms');
});

test('the performance section shows what the browser cost the whole suite, run by run, beside the run\'s own share', async () => {
  const { renderLivingDocs } = await import('../../support/reporting/living-docs.js');
  const { browserFigures, describeWholeSuiteShare, wholeSuiteShare } = await import('../../support/reporting/browser-figures.js');
  const empty = summarizeRun('');
  const scenario = { name: 'a page', uri: 'features/x.feature', tags: [], status: 'passed' as const, ms: 4000, stepStatuses: [], pickleId: 'p', astNodeIds: [], line: 1, attempts: 1, measurements: browserFigures(4000, 1000, 'local'), measurementProblems: [], errors: [], mcpTools: [] };
  const summary = { ...empty, scenarios: [scenario], measurements: scenario.measurements.map((measurement) => ({ scenario, measurement })) };
  const whole = describeWholeSuiteShare(wholeSuiteShare([{ name: 'the engine', wallS: 100, workers: 2, inBrowserS: 20 }, { name: 'quilt-mcp: mcp', wallS: 50, workers: 2, inBrowserS: 10 }])!);
  const html = renderLivingDocs({ features: [], run: summary, wholeSuite: whole });
  assert.match(html, /The browser in the whole suite \(2 runs\): about 15 s of 150 s of wall time: the suite runs 11 % longer for it \(budget 25 %: within\)\.<\/p><ul class="small muted"><li>the engine: 100 s/);
  assert.match(html, /<li>quilt-mcp: mcp: 50 s, 10\.0 s of its scenarios in the browser over 2 worker\(s\): about 5 s of its wall time<\/li>/);
  assert.doesNotMatch(renderLivingDocs({ features: [], run: summary }), /whole suite/, 'no whole-suite line without the other runs');
});
