/**
 * Builds the living documentation: reports/index.html from the feature files and the last run
 * (reports/cucumber-messages.ndjson), and the step glossary page reports/glossary.html it links to.
 * One self-contained file each: opens offline, from disk, with no server.
 *
 * Usage: npx tsx scripts/living-docs.ts [--ndjson <file>] [--out <file>] [--report <href>] [--features <path>]... [--no-glossary]
 *   --ndjson    the run's message stream (default reports/cucumber-messages.ndjson; a missing file gives a page with every scenario "not run")
 *   --out       the page to write (default reports/index.html); the glossary page goes next to it
 *   --report    link to cucumber's HTML report, relative to the page (default cucumber-report.html)
 *   --features  feature paths (default: the paths of cucumber.mjs, features/**\/*.feature)
 *   --title     which target the run was against, shown in the heading (e.g. "quilt target (rehearsed)")
 *   --defects   a known-defects file (support/mcp/known-defects/*.yml) shown as "Defects found in <product>"
 *   --mcp-tools a JSON file of the driven MCP server's tools/list ({product, tools: [{name, description}]}): shown as tools exercised
 *   --also      another run's folder to link with its counts (default: reports/quilt-target when it has a run and --out is reports/index.html)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadFeatureFiles } from '../support/reporting/feature-files.js';
import { summarizeRun, type RunSummary } from '../support/reporting/run-summary.js';
import { renderLivingDocs } from '../support/reporting/living-docs.js';
import { describeWholeSuiteShare, runOfSuite, suiteRunName, wholeSuiteShare, type RunOfSuite } from '../support/reporting/browser-figures.js';
import { loadDefects, runKeyOf } from '../support/mcp/defect-issues.js';
import { loadToolNotes } from '../support/mcp/tool-notes.js';

const started = Date.now();
/** The other runs of quilt-mcp (scripts/mcp-run.ts): reports/mcp-quilt3/, reports/mcp-<version>[-quilt3]/. */
function mcpReleaseRuns(): string[] {
  try { return readdirSync('reports').filter((d) => /^mcp-([0-9]|quilt3$)/.test(d)).sort().map((d) => `reports/${d}`); } catch { return []; }
}
const args = process.argv.slice(2);
const opt = (name: string): string[] => args.flatMap((a, i) => (a === name && args[i + 1] !== undefined ? [args[i + 1]!] : []));
const ndjsonFile = opt('--ndjson')[0] ?? 'reports/cucumber-messages.ndjson';
const out = opt('--out')[0] ?? 'reports/index.html';
const reportHref = opt('--report')[0] ?? 'cucumber-report.html';
const featurePaths = opt('--features').length ? opt('--features') : ['features/**/*.feature'];
const withGlossary = !args.includes('--no-glossary');

let run: RunSummary | undefined;
if (existsSync(ndjsonFile)) {
  try { run = summarizeRun(readFileSync(ndjsonFile, 'utf8')); } catch (e) {
    console.error(`living-docs: cannot read the run in ${ndjsonFile}: ${(e as Error).message}`);
    process.exit(2);
  }
} else console.error(`living-docs: ${ndjsonFile} does not exist: every scenario will show "not run" (run the suite first: bash scripts/acceptance.sh)`);

const features = loadFeatureFiles(process.cwd(), featurePaths);
mkdirSync(dirname(out), { recursive: true });
let glossaryHref: string | undefined;
if (withGlossary) {
  // The glossary needs the step definitions (a dry run); a failure there must not cost the main page.
  try {
    const { buildCatalog, dryRun } = await import('../support/reporting/step-catalog.js');
    const { renderHtml } = await import('../support/reporting/glossary.js');
    const file = join(dirname(out), 'glossary.html');
    writeFileSync(file, renderHtml(buildCatalog(await dryRun({ featurePaths }))));
    glossaryHref = 'glossary.html';
  } catch (e) {
    console.error(`living-docs: no glossary page (${(e as Error).message}); see npx tsx scripts/glossary.ts`);
  }
}
const targetLabel = opt('--title')[0];
const also = opt('--also').length ? opt('--also') : out === 'reports/index.html' ? ['reports/quilt-target', 'reports/mcp', ...mcpReleaseRuns()] : [];
const defectsFile = opt('--defects')[0];
let defects: Parameters<typeof renderLivingDocs>[0]['defects'];
if (defectsFile) {
  const d = loadDefects(defectsFile);
  const issues = `reports/mcp-defects/quilt-mcp-${runKeyOf(defectsFile)}/README.md`;
  defects = { product: `quilt-mcp ${d.version}${d.backend === 'quilt3' ? ' (quilt3/IAM mode)' : ''}`, ...(existsSync(issues) ? { issuesHref: relative(dirname(out), issues) } : {}), items: d.defects.map((x) => ({ id: x.id, toolCall: x.tool_call, answered: x.answered, expected: x.expected, evidence: x.evidence, scenarios: (x.scenarios ?? []).map((s) => s.name) })) };
}
const mcpToolsFile = opt('--mcp-tools')[0];
const mcpTools = mcpToolsFile && existsSync(mcpToolsFile) ? { ...JSON.parse(readFileSync(mcpToolsFile, 'utf8')) as { product: string; tools: { name: string; description: string }[] }, notes: loadToolNotes() } : undefined;
// The whole suite: this run and the other runs the acceptance command made after it.
const suiteRuns: RunOfSuite[] = [];
const main = run && runOfSuite(targetLabel ?? 'the engine', run);
if (main) suiteRuns.push(main);
const otherRuns = also.filter((dir) => existsSync(join(dir, 'cucumber-messages.ndjson'))).map((dir) => {
  const other = summarizeRun(readFileSync(join(dir, 'cucumber-messages.ndjson'), 'utf8'));
  const asRun = runOfSuite(suiteRunName(dir), other);
  if (main && asRun && run?.startedAt && other.startedAt && other.startedAt >= run.startedAt) suiteRuns.push(asRun);
  const count = (status: string): number => other.scenarios.filter((x) => x.status === status).length;
  // An mcp driver run is judged against its known defects (scripts/mcp-run.ts wrote the verdict, with its release and backend).
  const verdictFile = join(dir, 'verdict.json');
  const judged = existsSync(verdictFile) ? JSON.parse(readFileSync(verdictFile, 'utf8')) as { version?: string; backend?: string; asRecorded: number; unexpected: string[] } : undefined;
  const mode = (judged?.backend ?? (dir.endsWith('quilt3') ? 'quilt3' : 'platform')) === 'quilt3' ? 'quilt3/IAM backend' : 'platform/JWT backend';
  const label = dir.endsWith('quilt-target') ? 'the quilt target, rehearsed against the embedded stack through its variables only'
    : /(^|\/)mcp(-|$)/.test(dir) ? `the mcp driver: quilt-mcp ${judged?.version ?? dir.replace(/^.*mcp-?/, '').replace(/-?quilt3$/, '') ?? ''} (${mode}) performing the When-steps, with its defects found` : dir;
  return {
    label, href: relative(dirname(out), join(dir, 'index.html')), passed: count('passed'), failed: count('failed'), skipped: count('skipped'),
    ...(judged ? { judged: { asRecorded: judged.asRecorded, unexpected: judged.unexpected.length } } : {}),
  };
});
const html = renderLivingDocs({
  features, ...(run ? { run } : {}), reportHref, ...(glossaryHref ? { glossaryHref } : {}), runSource: relative(dirname(out), ndjsonFile) || ndjsonFile,
  ...(targetLabel ? { targetLabel } : {}), otherRuns,
  ...(suiteRuns.length > 1 ? { wholeSuite: describeWholeSuiteShare(wholeSuiteShare(suiteRuns)!) } : {}),
  ...(existsSync(join(dirname(out), 'compatibility.html')) && out === 'reports/index.html' ? { matrixHref: 'compatibility.html' } : {}), ...(defects ? { defects } : {}), ...(mcpTools ? { mcpTools } : {}),
});
writeFileSync(out, html);
const scenarios = run ? `${run.scenarios.length} scenario result(s)` : 'no run';
console.log(`living docs: ${out} (${(Buffer.byteLength(html) / 1024).toFixed(1)} KiB; ${features.length} feature file(s), ${scenarios}${glossaryHref ? `; ${join(dirname(out), glossaryHref)}` : ''}) in ${Date.now() - started} ms`);
process.exit(0);
