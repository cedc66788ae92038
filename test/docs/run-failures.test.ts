/** The recap of what failed, printed last by the acceptance command: each failing run and its scenarios. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFailures, failedScenarios } from '../../support/reporting/run-failures.js';
import type { RunSummary, ScenarioResult } from '../../support/reporting/run-summary.js';

const scenario = (name: string, status: ScenarioResult['status'], errors: string[] = []): ScenarioResult =>
  ({ name, uri: 'features/a.feature', line: 7, status, errors, tags: [], ms: 1, stepStatuses: [], pickleId: name, astNodeIds: [], attempts: 1, measurements: [], measurementProblems: [], mcpTools: [] });

test('a run\'s failed scenarios, each with its place and the first line of its error', () => {
  const run = { scenarios: [
    scenario('ok', 'passed'),
    scenario('broken', 'failed', ['\n  AssertionError: expected 2 to equal 3\n    at step']),
    scenario('left out', 'skipped'),
    scenario('no message', 'failed'),
  ] } as unknown as RunSummary;
  assert.deepEqual(failedScenarios('the engine', run).lines, [
    'broken (features/a.feature:7): AssertionError: expected 2 to equal 3',
    'no message (features/a.feature:7): no error message',
  ]);
  const long = failedScenarios('x', { scenarios: [scenario('long', 'failed', ['e'.repeat(500)])] } as unknown as RunSummary).lines[0]!;
  assert.equal(long.length, 240, 'a long error is clipped to one readable line');
});

test('the recap names only the runs that failed, and says nothing when none did', () => {
  assert.deepEqual(describeFailures([{ name: 'the engine', lines: [] }]), []);
  assert.deepEqual(describeFailures([
    { name: 'the engine', lines: [] },
    { name: 'quilt-mcp: mcp', lines: ['FAILED, not a known defect: s (f:1): boom'] },
  ]), [
    'What failed (1 in 1 of 2 run(s); the reports have the steps and screenshots):',
    '  quilt-mcp: mcp:',
    '    - FAILED, not a known defect: s (f:1): boom',
  ]);
});
