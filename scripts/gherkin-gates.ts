/**
 * CI gates on the features and step definitions (see support/reporting/gates.ts for each rule):
 * parse, undefined and ambiguous steps (a strict dry run through cucumber's API), unused step
 * definitions, tags outside the vocabulary, @flaky without a link, indentation, scenario names,
 * and fixed waits. Prints every problem as "file:line:column  [gate] what" with a line "fix: how",
 * and exits 1 when any gate fails (2 when the gates could not run at all).
 *
 * Usage: npx tsx scripts/gherkin-gates.ts [--features <path>]... [--import <file>]... [--skip <gate>]...
 *   --features  feature paths (dirs, files, globs) instead of the paths of cucumber.mjs
 *   --import    more support code to load (e.g. step definitions of a temporary folder)
 *   --skip      leave a gate out (parse, undefined, ambiguous, unused, tags, flaky, indentation, names, sleeps)
 */
import { loadFeatureFiles } from '../support/reporting/feature-files.js';
import { buildCatalog, dryRun, type StepCatalog } from '../support/reporting/step-catalog.js';
import { formatProblem, GATES, runGates } from '../support/reporting/gates.js';

const started = Date.now();
const args = process.argv.slice(2);
const opt = (name: string): string[] => args.flatMap((a, i) => (a === name && args[i + 1] !== undefined ? [args[i + 1]!] : []));
const unknown = args.filter((a, i) => a.startsWith('--') && !['--features', '--import', '--skip'].includes(a) && !['--features', '--import', '--skip'].includes(args[i - 1] ?? ''));
const skip = new Set(opt('--skip'));
const badSkip = [...skip].filter((g) => !(GATES as readonly string[]).includes(g));
if (unknown.length || badSkip.length) {
  console.error(`gates: ${unknown.length ? `unknown option ${unknown.join(' ')}` : `unknown gate ${badSkip.join(' ')} (gates: ${GATES.join(', ')})`}`);
  console.error('usage: npx tsx scripts/gherkin-gates.ts [--features <path>]... [--import <file>]... [--skip <gate>]...');
  process.exit(2);
}
const featurePaths = opt('--features').length ? opt('--features') : ['features/**/*.feature'];

const files = loadFeatureFiles(process.cwd(), featurePaths);
let catalog: StepCatalog | undefined;
const stepGates = ['undefined', 'ambiguous', 'unused'].filter((g) => !skip.has(g));
const unparsable = files.some((f) => f.parseErrors.length);
if (stepGates.length && unparsable) {
  console.log('gates: the undefined, ambiguous and unused gates need valid Gherkin: fix the parse errors first\n');
} else if (stepGates.length) {
  try {
    catalog = buildCatalog(await dryRun({ featurePaths, extraImports: opt('--import') }));
  } catch (e) {
    console.error(`gates: the dry run could not load the step definitions or the features: ${(e as Error).message}`);
    console.error('  fix: npx tsc --noEmit shows errors in step files; the message above names the file otherwise');
    process.exit(2);
  }
}
const problems = runGates(files, catalog, skip);
const failures = problems.filter((p) => !p.note);
const notes = problems.filter((p) => p.note);
// All of it in one write, and the exit only once it is written: exiting at once loses what a pipe has not taken yet.
const out: string[] = problems.map((p) => `${formatProblem(p)}\n`);
const finish = (code: number): void => { process.stdout.write(`${out.join('\n')}\n`, () => process.exit(code)); };

const scenarios = files.reduce((n, f) => n + (f.doc?.feature?.children.reduce((m, c) => m + (c.scenario ? 1 : 0) + (c.rule?.children.filter((x) => x.scenario).length ?? 0), 0) ?? 0), 0);
const scope = `${files.length} feature file(s), ${scenarios} scenario(s), ${catalog?.stepDefinitions.length ?? '?'} step definition(s); ${GATES.length - skip.size} gate(s) in ${Date.now() - started} ms`;
if (failures.length) {
  const byGate = new Map<string, number>();
  for (const p of failures) byGate.set(p.gate, (byGate.get(p.gate) ?? 0) + 1);
  out.push(`gates: FAILED — ${[...byGate].map(([g, n]) => `${g}: ${n}`).join(', ')} (${scope})`);
  finish(1);
} else {
  out.push(`gates: passed${notes.length ? ` with ${notes.length} note(s)` : ''} (${scope})`);
  finish(0);
}
