/** Summaries of a cucumber run computed from its message stream (ndjson). */
import { measurementsOf, type AttachmentLike, type Measurement } from './measurements.js';

export type ScenarioStatus = 'passed' | 'failed' | 'skipped';
export interface ScenarioResult {
  name: string;
  uri: string;
  tags: string[];
  status: ScenarioStatus;
  ms: number;
  stepStatuses: string[];
  /** The pickle's id and the AST node ids it was compiled from (scenario first, then the examples row of an outline). */
  pickleId: string;
  astNodeIds: string[];
  /** Line of the scenario (or of the examples row, for an outline) in the feature file at the time of the run. */
  line: number;
  /** How many times it was run (more than 1 with --retry). */
  attempts: number;
  /** Figures the scenario attached (see measurements.ts), and what was wrong with malformed ones. */
  measurements: Measurement[];
  measurementProblems: string[];
  /** The message of every failed step or hook (first lines only). */
  errors: string[];
  /** The quilt-mcp tools the scenario called (the mcp driver's attachment), each once. */
  mcpTools: string[];
  /** Why it was skipped, as the hook that skipped it logged ("skipped: <reason>"). */
  skipReason?: string;
  /** The last screenshot the scenario attached (a catalog page, base64 JPEG or PNG), if any. */
  screenshot?: { mediaType: string; base64: string };
}
export interface Counts { passed: number; failed: number; skipped: number }
export interface RunSummary {
  scenarios: ScenarioResult[];
  totals: Counts;
  byTag: Record<string, Counts>;
  slowest: ScenarioResult[];
  /** Every measurement of the run with the scenario that attached it, in run order. */
  measurements: { scenario: ScenarioResult; measurement: Measurement }[];
  startedAt?: Date;
  finishedAt?: Date;
  /** How many workers ran scenarios (cucumber's --parallel; 1 for a run without it). */
  workers: number;
  /** Cucumber's own verdict of the run, when the run finished. */
  success?: boolean;
  /** Where the scenario nodes of each feature were in the run (scenario AST id → its name and line), to match a run against the feature files. */
  scenarioNodes: Map<string, { uri: string; name: string; line: number }>;
}

interface Ts { seconds: number; nanos: number }
interface Envelope {
  gherkinDocument?: { uri?: string; feature?: { children: FeatureChild[] } };
  pickle?: { id: string; name: string; uri: string; tags: { name: string }[]; astNodeIds: string[]; location?: { line: number } };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string; timestamp: Ts; attempt?: number; workerId?: string };
  testStepFinished?: { testCaseStartedId: string; testStepResult: { status: string; message?: string } };
  testCaseFinished?: { testCaseStartedId: string; timestamp: Ts; willBeRetried: boolean };
  attachment?: AttachmentLike & { testCaseStartedId?: string };
  testRunStarted?: { timestamp: Ts };
  testRunFinished?: { timestamp: Ts; success: boolean };
}
interface AstScenario { id: string; name: string; location: { line: number } }
interface FeatureChild { scenario?: AstScenario; rule?: { children: FeatureChild[] } }

const ms = (t: Ts): number => t.seconds * 1000 + t.nanos / 1e6;

/** Cucumber step statuses folded into a scenario's: any failure (or undefined/ambiguous/pending step) fails it. */
export function scenarioStatus(stepStatuses: string[]): ScenarioStatus {
  if (stepStatuses.some((s) => ['FAILED', 'UNDEFINED', 'AMBIGUOUS', 'PENDING', 'UNKNOWN'].includes(s))) return 'failed';
  if (stepStatuses.some((s) => s === 'SKIPPED')) return 'skipped';
  return 'passed';
}

/** The first lines of an error message: enough to read the cause, without a whole stack trace. */
export function firstLines(message: string, maxLines = 16, maxChars = 1500): string {
  const lines = message.split('\n');
  const stackAt = lines.findIndex((l) => /^\s+at /.test(l));
  const kept = lines.slice(0, Math.min(maxLines, stackAt >= 0 ? stackAt : lines.length)).join('\n').trimEnd();
  return kept.length > maxChars ? `${kept.slice(0, maxChars)}…` : kept;
}

/** Media type of the mcp driver's attachment (support/drivers/mcp.ts MCP_CALLS_MEDIA_TYPE). */
const MCP_CALLS = 'application/x.quilt-e2e.mcp-calls+json';

/** The scenario's last image attachment (cucumber keeps binary attachments base64-encoded). */
function screenshotOf(attachments: readonly AttachmentLike[]): { screenshot?: { mediaType: string; base64: string } } {
  const last = attachments.filter((a) => /^image\/(jpeg|png)$/.test(a.mediaType) && a.contentEncoding === 'BASE64').at(-1);
  return last ? { screenshot: { mediaType: last.mediaType, base64: last.body } } : {};
}

/** A text attachment's text, as the message stream stores it (plain or base64). */
const textOf = (a: AttachmentLike): string => (a.contentEncoding === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body);

function skipReasonOf(attachments: readonly AttachmentLike[]): { skipReason?: string } {
  for (const a of attachments) {
    if (a.mediaType !== 'text/x.cucumber.log+plain') continue;
    const text = textOf(a);
    if (text.startsWith('skipped: ')) return { skipReason: text.slice('skipped: '.length) };
  }
  return {};
}

function mcpToolsOf(attachments: readonly AttachmentLike[]): string[] {
  const tools = new Set<string>();
  for (const a of attachments) {
    if (a.mediaType !== MCP_CALLS) continue;
    try {
      const body = textOf(a);
      for (const t of (JSON.parse(body) as { tools?: unknown }).tools as unknown[] ?? []) if (typeof t === 'string') tools.add(t);
    } catch { /* not ours */ }
  }
  return [...tools].sort();
}

export function summarizeRun(ndjson: string): RunSummary {
  const pickles = new Map<string, NonNullable<Envelope['pickle']>>();
  const cases = new Map<string, string>();
  const started = new Map<string, { caseId: string; at: number; steps: string[]; errors: string[]; attachments: AttachmentLike[] }>();
  const workerIds = new Set<string>();
  const attempts = new Map<string, number>();
  const scenarioNodes: RunSummary['scenarioNodes'] = new Map();
  const scenarios: ScenarioResult[] = [];
  let startedAt: Date | undefined;
  let finishedAt: Date | undefined;
  let success: boolean | undefined;
  const lines = ndjson.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    let m: Envelope;
    try { m = JSON.parse(line) as Envelope; } catch (e) {
      // The last line of a run still being written (or killed) may be torn: read what is complete.
      if (lines.slice(i + 1).every((l) => !l.trim())) break;
      throw new Error(`line ${i + 1} of the message stream is not JSON (${(e as Error).message})`);
    }
    if (m.pickle) pickles.set(m.pickle.id, m.pickle);
    else if (m.gherkinDocument) {
      const uri = m.gherkinDocument.uri ?? '';
      const walk = (children: FeatureChild[]): void => {
        for (const c of children) {
          if (c.scenario) scenarioNodes.set(c.scenario.id, { uri, name: c.scenario.name, line: c.scenario.location.line });
          if (c.rule) walk(c.rule.children);
        }
      };
      walk(m.gherkinDocument.feature?.children ?? []);
    } else if (m.testCase) cases.set(m.testCase.id, m.testCase.pickleId);
    else if (m.testCaseStarted) {
      workerIds.add(m.testCaseStarted.workerId ?? '');
      started.set(m.testCaseStarted.id, { caseId: m.testCaseStarted.testCaseId, at: ms(m.testCaseStarted.timestamp), steps: [], errors: [], attachments: [] });
      attempts.set(m.testCaseStarted.testCaseId, (attempts.get(m.testCaseStarted.testCaseId) ?? 0) + 1);
    } else if (m.testStepFinished) {
      const st = started.get(m.testStepFinished.testCaseStartedId);
      const r = m.testStepFinished.testStepResult;
      st?.steps.push(r.status);
      if (st && r.message && r.status === 'FAILED') st.errors.push(firstLines(r.message));
    } else if (m.attachment?.testCaseStartedId) started.get(m.attachment.testCaseStartedId)?.attachments.push(m.attachment);
    else if (m.testRunStarted) startedAt = new Date(ms(m.testRunStarted.timestamp));
    else if (m.testRunFinished) { finishedAt = new Date(ms(m.testRunFinished.timestamp)); success = m.testRunFinished.success; }
    else if (m.testCaseFinished && !m.testCaseFinished.willBeRetried) {
      const st = started.get(m.testCaseFinished.testCaseStartedId);
      const pickle = st && pickles.get(cases.get(st.caseId) ?? '');
      if (!st || !pickle) continue;
      const found = measurementsOf(st.attachments);
      const astNodeIds = pickle.astNodeIds ?? [];
      scenarios.push({
        name: pickle.name,
        uri: pickle.uri,
        tags: pickle.tags.map((t) => t.name),
        status: scenarioStatus(st.steps),
        ms: ms(m.testCaseFinished.timestamp) - st.at,
        stepStatuses: st.steps,
        pickleId: pickle.id,
        astNodeIds,
        line: pickle.location?.line ?? scenarioNodes.get(astNodeIds[0] ?? '')?.line ?? 0,
        attempts: attempts.get(st.caseId) ?? 1,
        measurements: found.measurements,
        measurementProblems: found.problems,
        errors: st.errors,
        mcpTools: mcpToolsOf(st.attachments),
        ...skipReasonOf(st.attachments),
        ...screenshotOf(st.attachments),
      });
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
  const measurements = scenarios.flatMap((scenario) => scenario.measurements.map((measurement) => ({ scenario, measurement })));
  return {
    scenarios, totals, byTag, slowest, measurements, scenarioNodes, workers: Math.max(1, workerIds.size),
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(success !== undefined ? { success } : {}),
  };
}
