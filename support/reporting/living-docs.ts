/**
 * The living documentation page (reports/index.html): the feature files as written — grouped by
 * capability folder, with each feature's narrative and each scenario's steps — joined with the
 * last run's record (status, duration, errors, performance figures). One self-contained HTML
 * file: inline CSS, no script, no font or image fetched (a scenario's screenshot of the catalog is
 * inline), every text escaped.
 */
import type * as Messages from '@cucumber/messages';
import { backgroundsOf, capabilityOf, dedent, scenariosOf, type FeatureFile, type ScenarioNode } from './feature-files.js';
import type { RunSummary, ScenarioResult } from './run-summary.js';
import { formatFigure, verdict, type Measurement } from './measurements.js';
import { browserShare, describeBrowserShare } from './browser-figures.js';
import { badge, esc, localHref, page, slug, statusBadge } from './html.js';
import { KNOWN_TAGS, tagInfo } from './tags.js';

export interface LivingDocsInput {
  features: FeatureFile[];
  /** The last run, when there is one. */
  run?: RunSummary;
  /** Link to cucumber's own HTML report, relative to the page. */
  reportHref?: string;
  /** Link to the glossary page, relative to the page (omitted when there is none). */
  glossaryHref?: string;
  /** Where the run came from (shown, not fetched). */
  runSource?: string;
  /** Which target the run was against, when it is not the default (shown in the heading). */
  targetLabel?: string;
  /** Other runs of the same features (e.g. the rehearsed quilt target), with their counts and pages. */
  /** The compatibility matrix of the runs (scripts/compatibility.ts), when there is one. */
  matrixHref?: string;
  otherRuns?: { label: string; href: string; passed: number; failed: number; skipped: number; judged?: { asRecorded: number; unexpected: number } }[];
  /** Defects found in a product the run drove (the mcp driver: quilt-mcp), with their evidence. */
  defects?: { product: string; issuesHref?: string; items: { id: string; toolCall: string; answered: string; expected: string; evidence: string; scenarios: string[] }[] };
  /** What the browser cost the whole suite (describeWholeSuiteShare): the runs the acceptance command made, and the whole. */
  wholeSuite?: string[];
  /** The tools the driven MCP server lists (tools/list): which of them the run's scenarios called. */
  mcpTools?: { product: string; tools: { name: string; description: string }[]; /** Why a tool no scenario calls is not called (support/mcp/tool-notes.yml). */ notes?: Record<string, string> };
}

export type DocStatus = 'passed' | 'failed' | 'skipped' | 'not run';

interface ScenarioView {
  node: ScenarioNode;
  results: ScenarioResult[];
  status: DocStatus;
  ms: number;
  /** One status per test case: the scenario, or each examples row of an outline (as cucumber counts them). */
  cases: DocStatus[];
}

function casesOf(sc: Messages.Scenario, results: readonly ScenarioResult[]): DocStatus[] {
  const rows = sc.examples.flatMap((e) => e.tableBody);
  if (!rows.length) return [statusOf(results)];
  const byRow = rows.map((r) => results.find((x) => x.line === r.location.line)?.status ?? 'not run');
  // Rows moved since the run: count the run's results, and any rows beyond them as not run.
  if (results.length && byRow.every((st) => st === 'not run')) return [...results.map((r) => r.status), ...byRow.slice(results.length)];
  return byRow;
}

function statusOf(results: readonly ScenarioResult[]): DocStatus {
  if (!results.length) return 'not run';
  if (results.some((r) => r.status === 'failed')) return 'failed';
  if (results.some((r) => r.status === 'skipped')) return 'skipped';
  return 'passed';
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  // Whole seconds first: 119.6 s is 2 min 0 s, not 1 min 60 s.
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

function tagChips(tags: readonly string[]): string {
  return tags.map((t) => {
    const info = tagInfo(t);
    const title = info ? `${info.kind}: ${info.meaning}` : 'not in the tag vocabulary (support/reporting/tags.ts)';
    return `<span class="tag${KNOWN_TAGS.has(t) ? '' : ' unknown'}" title="${esc(title)}">${esc(t)}</span>`;
  }).join('');
}

/** Step text with quoted values and outline placeholders set apart. */
function stepText(text: string): string {
  return text.split(/("[^"]*"|<[^<>]+>)/).map((part, i) => (i % 2 ? `<b>${esc(part)}</b>` : esc(part))).join('');
}

function dataTable(rows: readonly Messages.TableRow[]): string {
  return `<table>${rows.map((r) => `<tr>${r.cells.map((c) => `<td>${esc(c.value)}</td>`).join('')}</tr>`).join('')}</table>`;
}

function steps(list: readonly Messages.Step[]): string {
  return list.map((s) => `<div><span class="kw">${esc(s.keyword.trim())}</span> ${stepText(s.text)}</div>`
    + (s.dataTable ? dataTable(s.dataTable.rows) : '')
    + (s.docString ? `<pre>${esc(s.docString.content)}</pre>` : '')).join('\n');
}

/** Links to a scenario or feature in cucumber's report, given its name (empty when there is no report). */
type ReportLinker = (name: string, label?: string) => string;

const STOP_WORDS = new Set('the and for with from that this into when then than are was were has have had its not but all any can may one two who what which where every each only also over under after before within without'.split(' '));
const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Cucumber's report (reports/cucumber-report.html?query=...) shows every scenario that contains
 * any word of the query, so a whole scenario name finds most of the suite. The link therefore
 * searches the name's most distinctive word: the one found in the fewest scenarios and features.
 */
export function reportLinker(reportHref: string | undefined, features: readonly FeatureFile[]): ReportLinker {
  const df = new Map<string, number>();
  const count = (text: string): void => { for (const w of new Set(words(text))) df.set(w, (df.get(w) ?? 0) + 1); };
  for (const f of features) {
    const feature = f.doc?.feature;
    if (!feature) continue;
    count(`${feature.name} ${feature.description}`);
    for (const b of backgroundsOf(f.doc!)) count(b.steps.map((s) => s.text).join(' '));
    for (const { scenario } of scenariosOf(f.doc!)) {
      const table = (s: Messages.Step): string => s.dataTable?.rows.flatMap((r) => r.cells.map((c) => c.value)).join(' ') ?? '';
      count(`${scenario.name} ${scenario.description} ${scenario.steps.map((s) => `${s.text} ${table(s)}`).join(' ')}`);
    }
  }
  const queryFor = (name: string): string => {
    const candidates = [...new Set(words(name))].filter((w) => w.length >= 3 && !STOP_WORDS.has(w));
    candidates.sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0) || b.length - a.length || a.localeCompare(b));
    return candidates[0] ?? name;
  };
  return (name, label = 'in the cucumber report') => {
    if (!reportHref) return '';
    const query = queryFor(name);
    return `<a href="${esc(localHref(reportHref, { query }))}" title="${esc(`cucumber's report, searching for “${query}”`)}">${esc(label)}</a>`;
  };
}

function share(value: number, budget: number): string {
  if (budget <= 0) return value <= budget ? 'within' : 'over';
  const pct = (value / budget) * 100;
  return pct > 0 && pct < 1 ? 'less than 1 %' : `${Math.round(pct)} %`;
}

function measurementRows(items: readonly { scenario: ScenarioResult; measurement: Measurement }[], link: ReportLinker): string {
  return items.map(({ scenario, measurement: m }) => {
    const v = verdict(m);
    const pct = m.budget && m.budget > 0 ? Math.min(100, (m.value / m.budget) * 100) : 0;
    const bar = m.budget !== undefined ? `<div class="bar${v === 'over budget' ? ' over' : ''}" title="${esc(`${share(m.value, m.budget)} of the budget`)}"><span style="width:${pct.toFixed(1)}%"></span></div><div class="small muted">${esc(share(m.value, m.budget))}</div>` : '';
    return `<tr><td>${esc(m.name)}<div class="small muted">${esc(scenario.name)} · ${link(scenario.name, `${scenario.uri}:${scenario.line}`) || esc(`${scenario.uri}:${scenario.line}`)}</div></td>`
      + `<td class="num">${esc(formatFigure(m.value, m.unit))}</td><td class="num">${m.budget === undefined ? '—' : esc(formatFigure(m.budget, m.unit))}</td>`
      + `<td>${bar}</td><td>${v === 'over budget' ? badge('over budget', 'failed') : v === 'within budget' ? badge('within budget', 'passed') : '<span class="muted">no budget</span>'}</td>`
      + `<td>${esc(m.target ?? '')}</td></tr>`;
  }).join('\n');
}

function scenarioBlock(v: ScenarioView, doc: Messages.GherkinDocument, link: ReportLinker): string {
  const sc = v.node.scenario;
  const ownTags = sc.tags.map((t) => t.name);
  const out: string[] = [];
  out.push(`<details id="${esc(`s-${slug(doc.uri ?? '')}-${sc.location.line}`)}"${v.status === 'failed' ? ' open' : ''}><summary>${statusBadge(v.status)} <b>${esc(sc.name)}</b>`
    + `${v.results.length ? ` <span class="muted small">${esc(formatMs(v.ms))}</span>` : ''} ${tagChips(ownTags)}</summary>`);
  out.push('<div class="steps">');
  if (sc.description.trim()) out.push(`<p class="narrative">${esc(dedent(sc.description))}</p>`);
  out.push(steps(sc.steps));
  for (const ex of sc.examples) {
    out.push(`<div><span class="kw">${esc(ex.keyword)}:</span> ${esc(ex.name)} ${tagChips(ex.tags.map((t) => t.name))}</div>`);
    const rows = ex.tableHeader ? [ex.tableHeader, ...ex.tableBody] : ex.tableBody;
    out.push(`<table>${rows.map((r, i) => {
      const res = i === 0 && ex.tableHeader ? undefined : v.results.find((x) => x.line === r.location.line);
      const badge = i === 0 && ex.tableHeader ? '<td></td>' : `<td>${statusBadge(res?.status ?? 'not run')}</td>`;
      return `<tr>${badge}${r.cells.map((c) => `<td>${esc(c.value)}</td>`).join('')}</tr>`;
    }).join('')}</table>`);
  }
  out.push('</div>');
  for (const r of v.results) {
    for (const e of r.errors) out.push(`<pre class="error">${esc(e)}</pre>`);
    for (const p of r.measurementProblems) out.push(`<p class="small error">${esc(p)}</p>`);
    if (r.attempts > 1) out.push(`<p class="small muted">run ${r.attempts} times (retried)</p>`);
    if (r.screenshot) out.push(`<details class="shot"><summary class="small">what the catalog showed (last page, ${esc(r.name)})</summary><img alt="${esc(`the last catalog page of: ${r.name}`)}" src="data:${esc(r.screenshot.mediaType)};base64,${esc(r.screenshot.base64)}"></details>`);
  }
  const ms = v.results.flatMap((scenario) => scenario.measurements.map((measurement) => ({ scenario, measurement })));
  if (ms.length) out.push(`<table><thead><tr><th>measurement</th><th class="num">value</th><th class="num">budget</th><th></th><th>verdict</th><th>target</th></tr></thead><tbody>${measurementRows(ms, link)}</tbody></table>`);
  out.push(`<p class="small muted">${esc(`${doc.uri}:${sc.location.line}`)}${v.results.length && link(sc.name) ? ` · ${link(sc.name)}` : v.results.length ? '' : ' · not in the last run (filtered out by tags, or added since)'}</p>`);
  out.push('</details>');
  return out.join('\n');
}

export function renderLivingDocs(input: LivingDocsInput): string {
  const { run, reportHref } = input;
  const link = reportLinker(reportHref, input.features);
  // Results of the last run, by feature file and scenario name (or line, for a renamed scenario).
  const byKey = new Map<string, ScenarioResult[]>();
  const claimed = new Set<ScenarioResult>();
  for (const r of run?.scenarios ?? []) {
    const node = run!.scenarioNodes.get(r.astNodeIds[0] ?? '');
    for (const key of [`${r.uri}\0${node?.name ?? r.name}`, `${r.uri}\0#${node?.line ?? r.line}`]) {
      (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(r);
    }
  }
  const resultsFor = (uri: string, sc: Messages.Scenario): ScenarioResult[] => {
    const found = byKey.get(`${uri}\0${sc.name}`) ?? byKey.get(`${uri}\0#${sc.location.line}`) ?? [];
    const mine = found.filter((r) => !claimed.has(r));
    for (const r of mine) claimed.add(r);
    return mine;
  };

  const capabilities = new Map<string, { file: FeatureFile; views: ScenarioView[] }[]>();
  const totals: Record<DocStatus, number> = { passed: 0, failed: 0, skipped: 0, 'not run': 0 };
  for (const file of input.features) {
    const views: ScenarioView[] = file.doc ? scenariosOf(file.doc).map((node) => {
      const results = resultsFor(file.uri, node.scenario);
      return { node, results, status: statusOf(results), ms: results.reduce((s, r) => s + r.ms, 0), cases: casesOf(node.scenario, results) };
    }) : [];
    for (const v of views) for (const c of v.cases) totals[c]++;
    const cap = capabilityOf(file.uri);
    (capabilities.get(cap) ?? capabilities.set(cap, []).get(cap)!).push({ file, views });
  }
  const orphans = (run?.scenarios ?? []).filter((r) => !claimed.has(r));

  const body: string[] = [];
  const runMs = run?.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : undefined;
  body.push('<div class="cards">'
    + (['passed', 'failed', 'skipped', 'not run'] as const).map((s) => `<div class="card"><div class="n">${totals[s]}</div>${statusBadge(s)}</div>`).join('')
    + `<div class="card"><div class="n">${runMs === undefined ? '—' : esc(formatMs(runMs))}</div><span class="muted small">run time</span></div></div>`);
  body.push(run
    ? `<p class="muted small">Last run: ${esc(run.startedAt?.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') ?? 'unknown time')}${input.runSource ? ` · from ${esc(input.runSource)}` : ''}. A scenario “not run” was left out of that run (by its tags, e.g. <code>@wip</code>) or added after it.</p>`
    : '<p class="error">No run recorded yet: every scenario shows “not run”. Run the suite (<code>bash scripts/acceptance.sh</code>) and rebuild this page.</p>');

  if (input.matrixHref) body.push(`<p><b><a href="${esc(localHref(input.matrixHref))}">The compatibility matrix</a></b>: every scenario, by the spec's sections, and every tool quilt-mcp lists, against each run below — the page to open first for quilt-mcp.</p>`);
  for (const o of input.otherRuns ?? []) {
    const ok = o.judged ? o.judged.unexpected === 0 : o.failed === 0;
    const judged = o.judged ? ` (${o.judged.asRecorded} of them exactly as recorded defects of the product, ${o.judged.unexpected} unexpected)` : '';
    body.push(`<p class="small">${statusBadge(ok ? 'passed' : 'failed')} Also run: <a href="${esc(localHref(o.href))}">${esc(o.label)}</a> — ${o.passed} passed, ${o.failed} failed${judged}, ${o.skipped} skipped.</p>`);
  }

  if (input.defects) {
    body.push(`<h2 id="defects">Defects found in ${esc(input.defects.product)} (${input.defects.items.length})</h2>`);
    body.push('<p class="small muted">Each is a failure of the product, not of the suite: the scenarios listed fail exactly as recorded (checked strictly by scripts/mcp-run.ts).</p>');
    if (input.defects.issuesHref) body.push(`<p class="small">The same, as issue texts ready to file (scripts/mcp-defects.ts): <a href="${esc(input.defects.issuesHref)}">one Markdown file per defect</a>.</p>`);
    for (const d of input.defects.items) {
      body.push(`<h4>${esc(d.id)}</h4><p class="small"><b>Call:</b> <code>${esc(d.toolCall)}</code><br><b>Answered:</b> ${esc(d.answered)}<br><b>Expected:</b> ${esc(d.expected)}<br><b>Evidence:</b> ${esc(d.evidence)}${d.scenarios.length ? `<br><b>Scenarios:</b> ${d.scenarios.map(esc).join('; ')}` : ''}</p>`);
    }
  }

  if (input.mcpTools) {
    const byTool = new Map<string, string[]>();
    for (const r of run?.scenarios ?? []) for (const t of r.mcpTools) byTool.set(t, [...(byTool.get(t) ?? []), r.name]);
    const listed = new Set(input.mcpTools.tools.map((t) => t.name));
    const used = input.mcpTools.tools.filter((t) => byTool.has(t.name));
    const notes = input.mcpTools.notes ?? {};
    const explained = input.mcpTools.tools.filter((t) => !byTool.has(t.name) && notes[t.name]).length;
    const neither = listed.size - used.length - explained;
    body.push(`<h2 id="mcp-tools">Tools of ${esc(input.mcpTools.product)} exercised: ${used.length} of ${listed.size}; ${explained} explained${neither ? `, <span class="error">${neither} neither</span>` : ''}</h2>`);
    body.push('<p class="small muted">From the server\'s own <code>tools/list</code>; a tool counts when a scenario called it through the mcp driver (whatever it answered). A tool called but not listed is a tool the server does not offer.</p>');
    const rows = input.mcpTools.tools.map((t) => {
      const who = byTool.get(t.name) ?? [];
      return `<tr><td><code>${esc(t.name)}</code></td><td class="num">${who.length}</td><td class="small">${who.length ? esc([...new Set(who)].slice(0, 3).join('; ')) + (who.length > 3 ? ' …' : '') : (notes[t.name] ? `<span class="muted">not exercised — ${esc(notes[t.name]!)}</span>` : '<span class="error">not exercised, and no reason recorded</span>')}</td><td class="small muted">${esc(t.description)}</td></tr>`;
    });
    for (const [name, who] of byTool) if (!listed.has(name)) rows.unshift(`<tr><td><code>${esc(name)}</code></td><td class="num">${who.length}</td><td class="small error">called, but not in tools/list: ${esc([...new Set(who)].slice(0, 3).join('; '))}</td><td></td></tr>`);
    body.push(`<table><thead><tr><th>tool</th><th class="num">scenarios</th><th>called by</th><th>what the server says it does</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }

  const failed = (run?.scenarios ?? []).filter((r) => r.status === 'failed');
  if (failed.length) {
    body.push(`<h2 id="failures">Failures (${failed.length})</h2>`);
    for (const r of failed) body.push(`<h4>${statusBadge('failed')} ${esc(r.name)}</h4><p class="small muted">${esc(`${r.uri}:${r.line}`)}${link(r.name) ? ` · ${link(r.name)}` : ''}</p>${r.errors.map((e) => `<pre class="error">${esc(e)}</pre>`).join('')}`);
  }

  body.push('<h2 id="performance">Performance</h2>');
  if (run?.measurements.length) {
    body.push('<p class="muted small">Figures attached by <code>@performance</code> scenarios, and by every scenario that opened the web catalog in the browser, against their budget (lower is better).</p>');
    const share = browserShare(run.scenarios);
    if (share) body.push(`<p>${esc(describeBrowserShare(share))}</p>`);
    if (input.wholeSuite?.length) body.push(`<p>${esc(input.wholeSuite[input.wholeSuite.length - 1]!)}</p><ul class="small muted">${input.wholeSuite.slice(0, -1).map((l) => `<li>${esc(l.trim())}</li>`).join('')}</ul>`);
    body.push(`<table><thead><tr><th>measurement</th><th class="num">value</th><th class="num">budget</th><th></th><th>verdict</th><th>target</th></tr></thead><tbody>${measurementRows(run.measurements, link)}</tbody></table>`);
  } else body.push('<p class="muted">No measurements in the last run (no <code>@performance</code> scenario attached one).</p>');

  body.push('<h2 id="capabilities">Capabilities</h2><ul class="toc">');
  for (const [cap, files] of [...capabilities.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    body.push(`<li><a href="#${esc(`cap-${slug(cap)}`)}">${esc(cap)}</a> <span class="muted small">${files.length} feature(s), ${files.reduce((n, f) => n + f.views.reduce((m, v) => m + v.cases.length, 0), 0)} scenario(s)</span></li>`);
  }
  body.push('</ul>');

  for (const [cap, files] of [...capabilities.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const info = tagInfo(`@${cap}`);
    body.push(`<h2 id="${esc(`cap-${slug(cap)}`)}">${esc(cap)}</h2>${info ? `<p class="muted">${esc(info.meaning)}</p>` : ''}`);
    for (const { file, views } of files) {
      const doc = file.doc;
      if (!doc?.feature) {
        body.push(`<section class="feature"><h3>${esc(file.uri)}</h3>${file.parseErrors.map((e) => `<pre class="error">${esc(`line ${e.line}: ${e.message}`)}</pre>`).join('') || '<p class="muted">empty file</p>'}</section>`);
        continue;
      }
      const f = doc.feature;
      const counts = (['passed', 'failed', 'skipped', 'not run'] as const).map((s) => [s, views.reduce((n, v) => n + v.cases.filter((c) => c === s).length, 0)] as const).filter(([, n]) => n > 0);
      body.push(`<section class="feature" id="${esc(`f-${slug(file.uri)}`)}"><h3>${esc(f.name)} ${counts.map(([s, n]) => `${statusBadge(s)}<span class="small">×${n}</span>`).join(' ')}</h3>`);
      body.push(`<div>${tagChips(f.tags.map((t) => t.name))}<span class="muted small mono">${esc(file.uri)}</span> ${link(f.name) ? `· <span class="small">${link(f.name)}</span>` : ''}</div>`);
      if (f.description.trim()) body.push(`<p class="narrative">${esc(dedent(f.description))}</p>`);
      const featureBackground = backgroundsOf(doc)[0];
      if (featureBackground?.steps.length) body.push(`<details><summary class="muted">${esc(featureBackground.keyword)}: ${esc(featureBackground.name || 'what every scenario starts from')}</summary><div class="steps">${steps(featureBackground.steps)}</div></details>`);
      let rule: Messages.Rule | undefined;
      for (const v of views) {
        if (v.node.rule && v.node.rule !== rule) {
          rule = v.node.rule;
          body.push(`<h4>${esc(rule.keyword)}: ${esc(rule.name)} ${tagChips(rule.tags.map((t) => t.name))}</h4>${rule.description.trim() ? `<p class="narrative">${esc(dedent(rule.description))}</p>` : ''}`);
          const rb = rule.children.find((c) => c.background)?.background;
          if (rb?.steps.length) body.push(`<details><summary class="muted">${esc(rb.keyword)}</summary><div class="steps">${steps(rb.steps)}</div></details>`);
        }
        body.push(scenarioBlock(v, doc, link));
      }
      body.push('</section>');
    }
  }

  if (orphans.length) {
    body.push(`<h2 id="gone">In the last run, no longer in the feature files (${orphans.length})</h2><ul>`);
    for (const r of orphans) body.push(`<li>${statusBadge(r.status)} ${esc(r.name)} <span class="muted small">${esc(`${r.uri}:${r.line}`)}</span></li>`);
    body.push('</ul>');
  }

  const nav = [
    reportHref ? `<a href="${esc(localHref(reportHref))}">Cucumber report (every step, every attachment)</a>` : '',
    reportHref && failed.length ? `<a href="${esc(localHref(reportHref, { hide: ['passed', 'skipped'] }))}">Only the failures</a>` : '',
    input.glossaryHref ? `<a href="${esc(localHref(input.glossaryHref))}">Step glossary</a>` : '',
    '<a href="#performance">Performance</a>',
    '<a href="#capabilities">Capabilities</a>',
  ].filter(Boolean).join('');
  const scenarioCount = Object.values(totals).reduce((a, b) => a + b, 0);
  return page({
    title: `Quilt acceptance suite — living documentation${input.targetLabel ? ` — ${input.targetLabel}` : ''}`,
    heading: `Quilt acceptance suite — living documentation${input.targetLabel ? ` — ${input.targetLabel}` : ''}`,
    subtitle: `${input.features.length} feature(s), ${scenarioCount} scenario(s): what the Quilt platform does, proven against real services.`,
    nav,
    body: body.join('\n'),
    footer: 'Generated by <code>npx tsx scripts/living-docs.ts</code> from the feature files and the last run (<code>reports/cucumber-messages.ndjson</code>).',
  });
}
