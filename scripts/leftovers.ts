/**
 * What killed runs of the suite left in the test bucket, and the sweeper that removes it
 * (support/sweeper.ts): only the suite's own scenario folders, scenario package namespaces and
 * project-test scratch prefixes whose newest version is older than the age; never fixtures or
 * anything else; never in a bucket without the suite's test-bucket marker.
 *
 *   npx tsx scripts/leftovers.ts                       report (what a purge would remove, and what is too young)
 *   npx tsx scripts/leftovers.ts --dry-run             the same, said as a dry run
 *   npx tsx scripts/leftovers.ts --purge [--older-than 1h]   remove it (default age 1h)
 * Exit codes: 0 done, 2 bad arguments, 3 refused (the bucket is not provably a test bucket).
 */
import { loadTarget } from '../support/target.js';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { executeSweep, parseAge, planSweep, SweepRefused } from '../support/sweeper.js';

const args = process.argv.slice(2);
const purge = args.includes('--purge');
const dryRun = args.includes('--dry-run');
const ageAt = args.indexOf('--older-than');
const known = new Set(['--purge', '--dry-run', '--older-than']);
const unknown = args.filter((a, i) => !known.has(a) && !(ageAt >= 0 && i === ageAt + 1));
if (unknown.length || (purge && dryRun)) {
  console.error(`leftovers: ${unknown.length ? `unknown argument ${unknown.join(' ')}` : '--purge and --dry-run exclude each other'}; usage: npx tsx scripts/leftovers.ts [--dry-run | --purge] [--older-than 1h]`);
  process.exit(2);
}
let olderThanMs: number;
try { olderThanMs = ageAt >= 0 ? parseAge(args[ageAt + 1] ?? '') : 3_600_000; } catch (e) { console.error(`leftovers: --older-than ${(e as Error).message}`); process.exit(2); }

const target = loadTarget();
const s3 = createS3Client({ ...target.s3, ...(target.personas.admin?.credentials ? { credentials: target.personas.admin.credentials } : {}) });
try {
  const plan = await planSweep(s3, target.bucket, olderThanMs);
  const hours = (olderThanMs / 3_600_000).toFixed(olderThanMs % 3_600_000 ? 2 : 0);
  console.log(`s3://${target.bucket} (${target.kind} target): ${plan.versionsScanned} object version(s) scanned`);
  console.log(`${purge ? 'removing' : 'would remove'} (suite leftovers older than ${hours} h):`);
  for (const g of plan.remove) console.log(`  ${String(g.versions.length).padStart(7)}  ${g.kind.padEnd(17)} ${g.name}  (newest ${g.newest.toISOString()})`);
  if (plan.remove.length === 0) console.log('  nothing');
  if (plan.keptYoung.length) {
    console.log('kept, too young (a run may still be using them):');
    for (const g of plan.keptYoung) console.log(`  ${String(g.versions.length).padStart(7)}  ${g.kind.padEnd(17)} ${g.name}  (newest ${g.newest.toISOString()})`);
  }
  if (purge) console.log(`purged ${await executeSweep(s3, plan)} object version(s)`);
  else if (plan.remove.length) console.log(`${dryRun ? 'dry run: ' : ''}nothing deleted; run with --purge to remove it`);
} catch (e) {
  if (e instanceof SweepRefused) { console.error(`leftovers: ${e.message}`); process.exit(3); }
  throw e;
} finally {
  s3.destroy();
}
