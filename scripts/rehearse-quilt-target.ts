/**
 * Rehearses the quilt target end to end: the whole suite with QUILT_E2E_TARGET=quilt, pointed at
 * the running embedded stack ONLY through the variables a real deployment's operator sets
 * (scripts/quilt-target-env.ts; nothing else of this machine's environment is passed on), so the
 * code that runs against a real Quilt stack — Athena and Glue by endpoint, S3 by
 * AWS_ENDPOINT_URL_S3, the catalog by URL, tokens minted with PLATFORM_TEST_JWT_SECRET — runs in
 * every CI. Reports go to reports/quilt-target/ (living documentation included).
 *
 *   npx tsx scripts/rehearse-quilt-target.ts [cucumber-js arguments...]
 *
 * Before the run it does what an operator does once for a deployment: the large table the
 * performance scenario reads (QUILT_E2E_LARGE_TABLE) is made if missing. Last line:
 * "quilt target (rehearsed): N passed, N failed, N skipped".
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadStackConfig, localStackS3Client, servers } from '@quilt-e2e/stack';
import { ensureLargeTableFixture } from '../support/sql/fixtures.js';
import { quiltTargetEnv } from './quilt-target-env.js';

const REPORTS = 'reports/quilt-target';
const config = loadStackConfig();
const down: string[] = [];
for (const s of servers) if (!(await s.healthy(config))) down.push(s.name);
if (down.length > 0) {
  console.error(`rehearse: the embedded stack is not running (${down.join(', ')} not healthy): start it with \`npm run stack -- up\``);
  process.exit(2);
}
const s3 = localStackS3Client();
await ensureLargeTableFixture({ s3, bucket: config.s3.testBucket });
s3.destroy();

// What a person's shell would pass that is not configuration of the suite.
const keep = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TERM', 'CI', 'TMPDIR', 'NODE_OPTIONS', 'NO_COLOR', 'FORCE_COLOR', 'DEBUG_PAGES'];
const env: NodeJS.ProcessEnv = {};
for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
Object.assign(env, quiltTargetEnv(config), { QUILT_E2E_REPORTS_DIR: REPORTS });
mkdirSync(REPORTS, { recursive: true });
console.log(`rehearse: the suite on the quilt target, through ${Object.keys(quiltTargetEnv(config)).length} documented variables only (${Object.keys(quiltTargetEnv(config)).join(', ')})`);
const profile = process.env.CI === 'true' ? 'ci' : 'default';
const run = spawnSync('npx', ['cucumber-js', '-p', profile, ...process.argv.slice(2)], { env, stdio: 'inherit' });
spawnSync('npx', ['tsx', 'scripts/living-docs.ts', '--ndjson', `${REPORTS}/cucumber-messages.ndjson`, '--out', `${REPORTS}/index.html`, '--report', 'cucumber-report.html', '--title', 'quilt target (rehearsed against the embedded stack)'], { stdio: 'inherit' });
const summary = spawnSync('npx', ['tsx', 'scripts/report-summary.ts', `${REPORTS}/cucumber-messages.ndjson`], { encoding: 'utf8' });
const line = /acceptance: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(summary.stdout ?? '');
process.stdout.write((summary.stdout ?? '').replace(/^acceptance: .*$/m, ''));
console.log(`reports: ${process.cwd()}/${REPORTS}/index.html`);
console.log(`quilt target (rehearsed): ${line ? `${line[1]} passed, ${line[2]} failed, ${line[3]} skipped` : '0 passed, 1 failed, 0 skipped (no summary: see above)'}`);
process.exit(run.status ?? 1);
