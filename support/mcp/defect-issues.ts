/**
 * A known defect of a quilt-mcp release (support/mcp/known-defects/quilt-mcp-<version>.yml) as an
 * issue text ready to file in quilt-mcp's tracker: the tool call, what it answered, what was
 * expected and why, the evidence in quilt-mcp's source, and how the suite shows it (its scenarios
 * and the failure they are recorded to fail with).
 */
import { parse } from 'yaml';

export interface RecordedDefect {
  id: string;
  tool_call: string;
  answered: string;
  expected: string;
  evidence: string;
  scenarios?: { name: string; fails_with: string | string[] }[];
}
export interface DefectsFile { version: string; defects: RecordedDefect[] }

/** Reads a known-defects file's text; throws naming the entry and the field that is missing. */
export function parseDefects(text: string, file: string): DefectsFile {
  const d = parse(text) as Partial<DefectsFile> | null;
  if (!d || typeof d.version !== 'string' || !Array.isArray(d.defects)) throw new Error(`${file}: expected "version: <x.y.z>" and a list "defects:" (see support/mcp/known-defects/)`);
  d.defects.forEach((x, i) => {
    for (const field of ['id', 'tool_call', 'answered', 'expected', 'evidence'] as const) {
      if (typeof x?.[field] !== 'string' || !x[field].trim()) throw new Error(`${file}: defect ${i + 1}${x?.id ? ` (${x.id})` : ''} has no "${field}": every defect records its tool call, answer, expectation and evidence`);
    }
  });
  return d as DefectsFile;
}

const block = (s: string): string => s.trim().replace(/\s*\n\s*/g, ' ');

/** The issue's title: the tool, then the defect's name in words. */
export function issueTitle(d: RecordedDefect, version: string): string {
  const tool = /^[a-z_0-9]+/i.exec(d.tool_call.trim())?.[0] ?? 'quilt-mcp';
  return `${tool}: ${d.id.replace(/-/g, ' ')} (quilt-mcp ${version})`;
}

/** The whole issue text, in Markdown. */
export function issueText(d: RecordedDefect, version: string): string {
  const scenarios = d.scenarios ?? [];
  const lines = [
    `# ${issueTitle(d, version)}`,
    '',
    `quilt-mcp ${version} (PyPI), platform/JWT mode (\`--deployment remote\`, streamable HTTP), against a Quilt stack.`,
    '',
    '## The tool call',
    '',
    '```',
    block(d.tool_call),
    '```',
    '',
    '## What it answered',
    '',
    block(d.answered),
    '',
    '## What was expected, and why',
    '',
    block(d.expected),
    '',
    "## Where in quilt-mcp's source",
    '',
    block(d.evidence),
    '',
    '## How to see it',
    '',
  ];
  if (scenarios.length) {
    lines.push('The acceptance suite for the Quilt data platform (quilt-e2e) shows it in these scenarios, which fail as recorded:', '');
    for (const s of scenarios) lines.push(`- **${s.name}** — fails with ${[s.fails_with].flat().map((f) => `\`${f}\``).join(' or ')}`);
    lines.push('');
  } else lines.push('Found while driving the tool against the stack; no scenario of the suite is recorded to fail on it.', '');
  lines.push(`Reproduce: \`npx tsx scripts/mcp-run.ts --release quilt-mcp==${version}\` in quilt-e2e (it starts this release beside the embedded stack and judges the run against the record).`, '');
  return lines.join('\n');
}
