// Cucumber profiles. `npx cucumber-js` runs the default profile against the target named by
// QUILT_E2E_TARGET (default: the embedded local stack, brought up automatically).
const common = {
  import: [
    'support/register-tsx.mjs',
    'world/quilt-world.ts',
    'support/parameter-types.ts',
    'support/hooks.ts',
    'step_definitions/**/*.ts',
  ],
  format: [
    'progress-bar',
    'html:reports/cucumber-report.html',
    'message:reports/cucumber-messages.ndjson',
    'junit:reports/cucumber-junit.xml',
    'summary:reports/summary.txt',
  ],
  formatOptions: { snippetInterface: 'async-await', snippetSyntax: './support/reporting/snippet-syntax.ts', junit: { suiteName: 'quilt-e2e' } },
  strict: true,
};

export default { ...common, tags: 'not @wip' };

/** CI: the same, with plain progress output (no terminal animation), two workers (one per core; @serial scenarios run alone). */
export const ci = { ...common, tags: 'not @wip', parallel: 2, format: common.format.map((f) => (f === 'progress-bar' ? 'progress' : f)) };
