#!/usr/bin/env node
// Runs the project's own tests (test/**/*.test.ts and packages/*/test/**/*.test.ts) with node's test runner and tsx.
// These tests talk to the real servers of the embedded stack: bring it up first (scripts/test.sh does).
// Usage: node scripts/unit-tests.mjs [substring ...]   — only files whose path contains a substring.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const walk = (dir) => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
});
const filters = process.argv.slice(2);
const packages = readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'test')).filter((d) => { try { return statSync(d).isDirectory(); } catch { return false; } });
const files = [join(root, 'test'), ...packages].flatMap(walk).map((f) => relative(root, f)).sort()
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files matched ${filters.join(', ') || 'test/**/*.test.ts or packages/*/test/**/*.test.ts'}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
