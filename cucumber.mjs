// Cucumber profiles. `npx cucumber-js` runs the default profile against the target named by
// QUILT_E2E_TARGET (default: the embedded local stack, brought up automatically).
// Where a run writes its reports: reports/ by default; a shard of a sharded run writes its own
// folder (QUILT_E2E_REPORTS_DIR=reports/shard-1), and scripts/merge-shards.ts makes one report of them.
const reports = process.env.QUILT_E2E_REPORTS_DIR ?? 'reports';
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
    `html:${reports}/cucumber-report.html`,
    `message:${reports}/cucumber-messages.ndjson`,
    `junit:${reports}/cucumber-junit.xml`,
    `summary:${reports}/summary.txt`,
  ],
  formatOptions: { snippetInterface: 'async-await', snippetSyntax: './support/reporting/snippet-syntax.ts', junit: { suiteName: 'quilt-e2e' } },
  strict: true,
  // Exit when the run is over, even if a socket to a dead or hung server (e.g. RGW without its OSD) is still open.
  forceExit: true,
};

export default { ...common, tags: 'not @wip' };

/** CI: the same, with plain progress output (no terminal animation), two workers (one per core; @serial scenarios run alone). */
export const ci = { ...common, tags: 'not @wip', parallel: 2, format: common.format.map((f) => (f === 'progress-bar' ? 'progress' : f)) };

/** scripts/chaos.ts: serial, plain progress, the message record to QUILT_E2E_MESSAGES only (the reports/ of a real run stay). */
export const chaos = { ...common, tags: 'not @wip', format: ['progress', `message:${process.env.QUILT_E2E_MESSAGES ?? 'reports/chaos-messages.ndjson'}`] };

/**
 * Shards of one run on several machines against one target: `-p shard --shard I/N` runs every
 * scenario except the @serial ones (they restart shared servers, which would break the scenarios
 * the other shards run at that moment); `-p serial` runs those alone, once, as its own job.
 * scripts/merge-shards.ts makes one report of all the folders.
 */
export const shard = { ...ci, tags: 'not @wip and not @serial' };
export const serial = { ...ci, tags: '@serial and not @wip', parallel: 1 };

/** scripts/mutation.ts: every scenario that leaves the shared servers running (not @serial), two workers, the message record to QUILT_E2E_MESSAGES only. */
export const mutation = { ...common, tags: 'not @wip and not @serial', parallel: 2, format: ['progress', `message:${process.env.QUILT_E2E_MESSAGES ?? 'reports/mutation-messages.ndjson'}`] };

/**
 * The same features with the Quilt MCP server (quilt-mcp) performing the When-steps of the spec's
 * operations (the World's driver; QUILT_E2E_DRIVER=mcp does the same). Reports to reports/mcp/.
 * So far the bucket operations go through it (support/drivers/driver.ts).
 */
export const mcp = {
  ...ci,
  worldParameters: { driver: 'mcp' },
  // Its own folder unless QUILT_E2E_REPORTS_DIR names one (scripts/mcp-run.ts does).
  format: process.env.QUILT_E2E_REPORTS_DIR ? ci.format : ci.format.map((f) => f.replace(/:reports\//, ':reports/mcp/')),
};

/** The same through quilt-mcp's quilt3/IAM backend (`--deployment legacy`, a process per persona over stdio). Reports to reports/mcp-quilt3/. */
export const mcpQuilt3 = {
  ...mcp,
  worldParameters: { driver: 'mcp', mcpBackend: 'quilt3' },
  format: process.env.QUILT_E2E_REPORTS_DIR ? ci.format : ci.format.map((f) => f.replace(/:reports\//, ':reports/mcp-quilt3/')),
};
