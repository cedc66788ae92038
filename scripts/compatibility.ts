/**
 * Writes the compatibility matrix (reports/compatibility.html): every scenario, grouped by the
 * spec's sections, and every tool quilt-mcp lists, against each run the reports hold — the engine
 * (reports/), quilt-mcp through the mcp driver in each backend and release (reports/mcp/,
 * reports/mcp-quilt3/, reports/mcp-<version>[-quilt3]/, judged against support/mcp/known-defects/),
 * the rehearsed quilt target (reports/quilt-target/).
 *
 *   npx tsx scripts/compatibility.ts [--reports <folder>] [--out <file>]
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeRun } from '../support/reporting/run-summary.js';
import { renderCompatibility, type MatrixColumn } from '../support/reporting/compatibility.js';
import { loadDefects } from '../support/mcp/defect-issues.js';
import { loadToolNotes } from '../support/mcp/tool-notes.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
if (args.includes('--help')) { console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]); process.exit(0); }
const reports = opt('--reports') ?? 'reports';
const out = opt('--out') ?? join(reports, 'compatibility.html');

const runOf = (dir: string): MatrixColumn['scenarios'] | undefined => {
  const f = join(reports, dir, 'cucumber-messages.ndjson');
  return existsSync(f) ? summarizeRun(readFileSync(f, 'utf8')).scenarios : undefined;
};

const columns: MatrixColumn[] = [];
const engine = runOf('.');
if (engine) columns.push({ label: 'engine (local stack)', href: 'index.html', scenarios: engine });
// The stack's release first, then the others, newest first; in each, platform then quilt3.
const release = (d: string): string => d.replace(/-?quilt3$/, '');
const mcpDirs = ['mcp', ...readdirSync(reports).filter((d) => /^mcp-([0-9]|quilt3$)/.test(d))].sort((a, b) =>
  (release(a) === release(b) ? 0 : release(a) === 'mcp' ? -1 : release(b) === 'mcp' ? 1 : release(b).localeCompare(release(a), 'en', { numeric: true }))
  || Number(a.endsWith('quilt3')) - Number(b.endsWith('quilt3')));
for (const dir of mcpDirs) {
  const scenarios = runOf(dir);
  if (!scenarios) continue;
  const toolsFile = join(reports, dir, 'mcp-tools.json');
  const listed = existsSync(toolsFile) ? JSON.parse(readFileSync(toolsFile, 'utf8')) as { product: string; backend?: string; tools: { name: string }[] } : undefined;
  const quilt3 = (listed?.backend ?? (dir.endsWith('quilt3') ? 'quilt3' : 'platform')) === 'quilt3';
  const version = listed?.product.replace(/^quilt-mcp /, '') ?? dir.replace(/^mcp-?/, '').replace(/-?quilt3$/, '');
  const runKey = `${version}${quilt3 ? '-quilt3' : ''}`;
  const defectsFile = `support/mcp/known-defects/quilt-mcp-${runKey}.yml`;
  const defects = existsSync(defectsFile) ? loadDefects(defectsFile).defects : [];
  columns.push({
    label: `quilt-mcp ${version} · ${quilt3 ? 'quilt3/IAM' : 'platform/JWT'}`, href: `${dir}/index.html`, scenarios, defects,
    defectHref: (id) => `mcp-defects/quilt-mcp-${runKey}/${id}.md`,
    ...(listed ? { tools: listed.tools.map((t) => t.name) } : {}),
  });
}
const quilt = runOf('quilt-target');
if (quilt) columns.push({ label: 'quilt target (rehearsed)', href: 'quilt-target/index.html', scenarios: quilt });
if (columns.length === 0) {
  console.error(`compatibility: no run in ${reports}/ (no cucumber-messages.ndjson): run the suite first (bash scripts/acceptance.sh)`);
  process.exit(2);
}
writeFileSync(out, renderCompatibility(columns, 'quilt-e2e: compatibility matrix', loadToolNotes()));
console.log(`compatibility: ${out} (${columns.map((c) => c.label).join(', ')})`);
