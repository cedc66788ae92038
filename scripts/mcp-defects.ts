/**
 * Exports the known defects of quilt-mcp releases as issue texts ready to file (Markdown): one file
 * per defect and an index per release.
 *
 *   npx tsx scripts/mcp-defects.ts                       every release in support/mcp/known-defects/
 *   npx tsx scripts/mcp-defects.ts --release 0.22.0      one release (0.22.0-quilt3: its quilt3 mode's)
 *   npx tsx scripts/mcp-defects.ts --out <folder>        where (default reports/mcp-defects)
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueText, issueTitle, loadDefects } from '../support/mcp/defect-issues.js';

const DIR = 'support/mcp/known-defects';
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
if (args.includes('--help')) { console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]); process.exit(0); }
const out = opt('--out') ?? 'reports/mcp-defects';
const release = opt('--release')?.replace(/^quilt-mcp==/, '');
const files = readdirSync(DIR).filter((f) => /^quilt-mcp-.+\.yml$/.test(f) && (!release || f === `quilt-mcp-${release}.yml`));
if (files.length === 0) {
  console.error(`mcp-defects: no known-defects file ${release ? `for quilt-mcp ${release} ` : ''}in ${DIR} (there are: ${readdirSync(DIR).join(', ')}); give --release as 0.22.0`);
  process.exit(2);
}
for (const f of files) {
  const { version, backend, defects } = loadDefects(join(DIR, f));
  const folder = join(out, f.replace(/\.yml$/, ''));
  mkdirSync(folder, { recursive: true });
  for (const d of defects) writeFileSync(join(folder, `${d.id}.md`), issueText(d, version, backend));
  writeFileSync(join(folder, 'README.md'), [`# Defects of quilt-mcp ${version}${backend === 'quilt3' ? ' (quilt3/IAM mode)' : ''}, ready to file`, '', `From ${join(DIR, f)}: ${defects.length} defects.`, '',
    ...defects.map((d) => `- [${issueTitle(d, version, backend)}](${d.id}.md)`), ''].join('\n'));
  console.log(`mcp-defects: quilt-mcp ${version}: ${defects.length} issue texts in ${folder}/ (index: ${folder}/README.md)`);
}
