/**
 * Generates the step glossary from the step definitions and the features (a dry run through
 * cucumber's API: same configuration and matching as a real run, nothing executed):
 *   docs/step-glossary.md   checked in; what authors read in the repository
 *   reports/glossary.html   the same as a page of the living documentation (linked from reports/index.html)
 *
 * Usage: npx tsx scripts/glossary.ts            write both files
 *        npx tsx scripts/glossary.ts --check    exit 1 when docs/step-glossary.md is not what would be generated
 *        (--md <file> and --html <file> write or check other files; --features <path>... other features)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildCatalog, dryRun } from '../support/reporting/step-catalog.js';
import { GLOSSARY_MD, REGENERATE, renderHtml, renderMarkdown } from '../support/reporting/glossary.js';

const args = process.argv.slice(2);
const opt = (name: string): string[] => args.flatMap((a, i) => (a === name && args[i + 1] !== undefined ? [args[i + 1]!] : []));
const check = args.includes('--check');
const mdFile = opt('--md')[0] ?? GLOSSARY_MD;
const htmlFile = opt('--html')[0] ?? 'reports/glossary.html';
const started = Date.now();
let catalog;
try {
  catalog = buildCatalog(await dryRun(opt('--features').length ? { featurePaths: opt('--features') } : {}));
} catch (e) {
  console.error(`glossary: cannot load the step definitions and features: ${(e as Error).message}`);
  console.error('  (run npx cucumber-js --dry-run to see the error in context)');
  process.exit(2);
}
const markdown = renderMarkdown(catalog);

if (check) {
  let current: string | undefined;
  try { current = readFileSync(mdFile, 'utf8'); } catch { current = undefined; }
  if (current !== markdown) {
    console.error(`${mdFile} is out of date: run ${REGENERATE}`);
    if (current === undefined) console.error(`  (${mdFile} does not exist)`);
    else {
      const a = current.split('\n');
      const b = markdown.split('\n');
      const i = a.findIndex((line, n) => line !== b[n]);
      const at = i < 0 ? Math.min(a.length, b.length) : i;
      console.error(`  first difference at line ${at + 1}:`);
      console.error(`    committed: ${JSON.stringify(a[at] ?? '(end of file)')}`);
      console.error(`    generated: ${JSON.stringify(b[at] ?? '(end of file)')}`);
    }
    process.exit(1);
  }
  console.log(`glossary: ${mdFile} is up to date (${catalog.stepDefinitions.length} phrases)`);
  process.exit(0);
}

for (const [file, text] of [[mdFile, markdown], [htmlFile, renderHtml(catalog)]] as const) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
console.log(`glossary: ${catalog.stepDefinitions.length} phrases, ${catalog.parameterTypes.length} parameter types → ${mdFile}, ${htmlFile} (${Date.now() - started} ms)`);
process.exit(0);
