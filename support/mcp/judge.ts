/**
 * The strict judgement of a run through the mcp driver against the known defects of a quilt-mcp
 * release (support/mcp/known-defects/quilt-mcp-<version>.yml), like xfail-strict: a recorded
 * scenario must FAIL with an error containing one of its `fails_with` texts; a recorded scenario
 * that passes or fails differently, and any failure not recorded, are unexpected. In a whole run
 * (not a subset) a recorded scenario that did not run at all is unexpected too: its name changed
 * or the scenario is gone, and the record would silently stop guarding anything.
 */
import type { ScenarioResult } from '../reporting/run-summary.js';

export interface KnownDefect { id: string; scenarios?: { name: string; fails_with: string | string[] }[] }
export interface Judgement { passed: number; asRecorded: number; unexpected: string[] }

/** The recorded defect a scenario's outcome shows (its id), when it failed exactly as recorded. */
export function recordedDefectOf(s: Pick<ScenarioResult, 'name' | 'status' | 'errors'>, defects: readonly KnownDefect[]): string | undefined {
  if (s.status !== 'failed') return undefined;
  return defects.find((d) => (d.scenarios ?? []).some((r) => r.name === s.name && s.errors.some((e) => [r.fails_with].flat().some((f) => e.includes(f)))))?.id;
}

export function judgeRun(scenarios: readonly ScenarioResult[], defects: readonly KnownDefect[], options: { file: string; wholeRun: boolean }): Judgement {
  // A scenario may be recorded under several defects: it fails at the first it meets (an earlier step's defect masks a later one's).
  const expected = new Map<string, { id: string; failsWith: string[] }>();
  for (const d of defects) {
    for (const s of d.scenarios ?? []) {
      const had = expected.get(s.name);
      expected.set(s.name, { id: had ? `${had.id} or ${d.id}` : d.id, failsWith: [...(had?.failsWith ?? []), ...[s.fails_with].flat()] });
    }
  }
  let passed = 0;
  let asRecorded = 0;
  const unexpected: string[] = [];
  const ran = new Set<string>();
  for (const s of scenarios) {
    ran.add(s.name);
    const k = expected.get(s.name);
    const first = s.errors[0]?.split('\n')[0] ?? '';
    if (s.status === 'passed') {
      passed++;
      if (k) unexpected.push(`PASSED but recorded as defect ${k.id}: ${s.name} (${s.uri}:${s.line}) — remove it from ${options.file} if quilt-mcp is fixed`);
    } else if (s.status === 'failed') {
      if (k && s.errors.some((e) => k.failsWith.some((f) => e.includes(f)))) asRecorded++;
      else if (k) unexpected.push(`FAILED differently from defect ${k.id}: ${s.name} (${s.uri}:${s.line}): ${first} (recorded: ${k.failsWith.map((f) => JSON.stringify(f)).join(' or ')})`);
      else unexpected.push(`FAILED, not a known defect: ${s.name} (${s.uri}:${s.line}): ${first}`);
    }
  }
  if (options.wholeRun) {
    for (const [name, k] of expected) if (!ran.has(name)) unexpected.push(`NOT RUN but recorded as defect ${k.id}: "${name}" — no scenario of that name ran; correct ${options.file}`);
  }
  return { passed, asRecorded, unexpected };
}
