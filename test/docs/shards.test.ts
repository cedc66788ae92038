/**
 * A sharded run, as N machines would make it against one target: two real shards of a feature
 * run side by side on the stack (`--shard 1/2`, `--shard 2/2`, each with its own reports folder),
 * then scripts/merge-shards.ts makes one record, one cucumber HTML report, one living-docs page
 * and one summary whose totals equal a single run's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runScript, tempDir } from './helpers.js';
import { summarizeRun } from '../../support/reporting/run-summary.js';

const FEATURE = 'features/s3/content-retrieval.feature';

function shard(index: number, total: number, reports: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/@cucumber/cucumber/bin/cucumber.js'), '-p', 'shard', '--parallel', '1', '--shard', `${index}/${total}`, FEATURE], {
      cwd: ROOT, env: { ...process.env, QUILT_E2E_REPORTS_DIR: reports, QUILT_E2E_SWEEP_AGE: 'off' }, stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

test('two shards side by side, merged: one report whose totals equal a single run\'s', { timeout: 300_000 }, async (t) => {
  const tmp = tempDir('shards');
  t.after(() => tmp.remove());
  const codes = await Promise.all([shard(1, 2, join(tmp.rel, 'shard-1')), shard(2, 2, join(tmp.rel, 'shard-2'))]);
  assert.deepEqual(codes, [0, 0], 'both shards pass');
  const one = summarizeRun(readFileSync(join(tmp.dir, 'shard-1', 'cucumber-messages.ndjson'), 'utf8'));
  const two = summarizeRun(readFileSync(join(tmp.dir, 'shard-2', 'cucumber-messages.ndjson'), 'utf8'));
  assert.ok(one.scenarios.length > 0 && two.scenarios.length > 0, 'each shard ran some scenarios');
  const names = [...one.scenarios, ...two.scenarios].map((s) => s.name);
  assert.equal(new Set(names).size, names.length, 'no scenario ran in both shards');

  const merged = runScript('scripts/merge-shards.ts', [join(tmp.rel, 'shard-1'), join(tmp.rel, 'shard-2'), '--out', join(tmp.rel, 'merged')]);
  assert.equal(merged.status, 0, merged.out);
  const all = summarizeRun(readFileSync(join(tmp.dir, 'merged', 'cucumber-messages.ndjson'), 'utf8'));
  const single = readFileSync(join(ROOT, FEATURE), 'utf8').match(/^\s*Scenario:/gm)!.length;
  assert.deepEqual(all.totals, { passed: single, failed: 0, skipped: 0 }, 'the merged totals are a single run\'s');
  assert.equal(all.success, true);
  assert.match(merged.stdout, new RegExp(`acceptance: ${single} passed, 0 failed, 0 skipped`));
  for (const f of ['cucumber-report.html', 'index.html']) assert.ok(existsSync(join(tmp.dir, 'merged', f)), `${f} written`);
  assert.match(readFileSync(join(tmp.dir, 'merged', 'cucumber-report.html'), 'utf8'), /Content retrieval pipeline/);
});
