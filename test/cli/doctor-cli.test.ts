/**
 * `npx quilt-e2e doctor` reads its arguments before it checks anything: --help and -h print the
 * usage (exit 0), an unknown argument is named, with the usage, on stderr (exit 2). No server is
 * asked anything:
 *   node --import tsx --test test/cli/doctor-cli.test.ts
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/quilt-e2e.mjs', import.meta.url));

function doctor(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // A quilt target with nothing configured: were the doctor to run, it would say so in a table.
  const env = { ...process.env, QUILT_E2E_TARGET: 'quilt', QUILT_E2E_DOCTOR: 'off' };
  const r = spawnSync(process.execPath, [BIN, 'doctor', ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const flag of ['--help', '-h']) {
  test(`doctor ${flag} prints the usage and exits 0, checking nothing`, () => {
    const r = doctor(flag);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: quilt-e2e doctor \[--json\]\n/);
    assert.match(r.stdout, /--json {7}print the report as JSON/);
    assert.match(r.stdout, /-h, --help {3}print this text and exit/);
    assert.doesNotMatch(r.stdout, /verdict:/, 'no check ran');
  });
}

test('doctor --json --help still only prints the usage', () => {
  const r = doctor('--json', '--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Usage: quilt-e2e doctor/);
});

for (const bad of ['--bogus', 'extra', '--jsn']) {
  test(`doctor ${bad} names the bad argument with the usage and exits 2, checking nothing`, () => {
    const r = doctor(bad);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`^quilt-e2e doctor: unknown argument "${bad}"\\n\\nUsage: quilt-e2e doctor \\[--json\\]`));
    assert.equal(r.stdout, '', 'nothing on stdout: no table, no report');
  });
}
