/** Summaries of a cucumber run computed from its message stream (ndjson). */

export type ScenarioStatus = 'passed' | 'failed' | 'skipped';
export interface ScenarioResult { name: string; uri: string; tags: string[]; status: ScenarioStatus; ms: number; stepStatuses: string[] }
export interface Counts { passed: number; failed: number; skipped: number }
export interface RunSummary { scenarios: ScenarioResult[]; totals: Counts; byTag: Record<string, Counts>; slowest: ScenarioResult[] }

interface Envelope {
  pickle?: { id: string; name: string; uri: string; tags: { name: string }[] };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string; timestamp: Ts };
  testStepFinished?: { testCaseStartedId: string; testStepResult: { status: string } };
  testCaseFinished?: { testCaseStartedId: string; timestamp: Ts; willBeRetried: boolean };
}
interface Ts { seconds: number; nanos: number }
const ms = (t: Ts): number => t.seconds * 1000 + t.nanos / 1e6;

/** Cucumber step statuses folded into a scenario's: any failure (or undefined/ambiguous/pending step) fails it. */
export function scenarioStatus(stepStatuses: string[]): ScenarioStatus {
  if (stepStatuses.some((s) => ['FAILED', 'UNDEFINED', 'AMBIGUOUS', 'PENDING', 'UNKNOWN'].includes(s))) return 'failed';
  if (stepStatuses.some((s) => s === 'SKIPPED')) return 'skipped';
  return 'passed';
}

export function summarizeRun(ndjson: string): RunSummary {
  const pickles = new Map<string, NonNullable<Envelope['pickle']>>();
  const cases = new Map<string, string>();
  const started = new Map<string, { caseId: string; at: number; steps: string[] }>();
  const scenarios: ScenarioResult[] = [];
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as Envelope;
    if (m.pickle) pickles.set(m.pickle.id, m.pickle);
    else if (m.testCase) cases.set(m.testCase.id, m.testCase.pickleId);
    else if (m.testCaseStarted) started.set(m.testCaseStarted.id, { caseId: m.testCaseStarted.testCaseId, at: ms(m.testCaseStarted.timestamp), steps: [] });
    else if (m.testStepFinished) started.get(m.testStepFinished.testCaseStartedId)?.steps.push(m.testStepFinished.testStepResult.status);
    else if (m.testCaseFinished && !m.testCaseFinished.willBeRetried) {
      const st = started.get(m.testCaseFinished.testCaseStartedId);
      const pickle = st && pickles.get(cases.get(st.caseId) ?? '');
      if (!st || !pickle) continue;
      scenarios.push({ name: pickle.name, uri: pickle.uri, tags: pickle.tags.map((t) => t.name), status: scenarioStatus(st.steps), ms: ms(m.testCaseFinished.timestamp) - st.at, stepStatuses: st.steps });
    }
  }
  const zero = (): Counts => ({ passed: 0, failed: 0, skipped: 0 });
  const totals = zero();
  const byTag: Record<string, Counts> = {};
  for (const s of scenarios) {
    totals[s.status]++;
    for (const t of new Set(s.tags)) (byTag[t] ??= zero())[s.status]++;
  }
  const slowest = [...scenarios].sort((a, b) => b.ms - a.ms).slice(0, 5);
  return { scenarios, totals, byTag, slowest };
}
