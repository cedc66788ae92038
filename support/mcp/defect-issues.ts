/**
 * A known defect of a quilt-mcp release in one of its backends (support/mcp/known-defects/
 * quilt-mcp-<version>.yml, quilt-mcp-<version>-quilt3.yml for its quilt3/IAM mode) as an
 * issue text ready to file in quilt-mcp's tracker: the tool call, what it answered, what was
 * expected and why, the evidence in quilt-mcp's source, and how the suite shows it (its scenarios
 * and the failure they are recorded to fail with).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';

export interface RecordedDefect {
  id: string;
  tool_call: string;
  answered: string;
  expected: string;
  evidence: string;
  scenarios?: { name: string; fails_with: string | string[] }[];
}
/** The backend a defects file records: platform (the default) or quilt3. */
export type DefectsBackend = 'platform' | 'quilt3';
export interface DefectsFile {
  version: string;
  backend?: DefectsBackend;
  /** Another file of the same folder whose defects this run shares (the same tool code behind both backends), checked the same way. */
  extends?: string;
  /** Defects of the extended file this backend does not have, each with the reason (the code behind it is the other backend's). */
  excludes?: { id: string; why: string }[];
  defects: RecordedDefect[];
}

const MODE: Record<DefectsBackend, { words: string; reproduce: string }> = {
  platform: { words: 'platform/JWT mode (`--deployment remote`, streamable HTTP)', reproduce: '' },
  quilt3: { words: 'quilt3/IAM mode (`--deployment legacy`, stdio; quilt3 logged in to the catalog)', reproduce: ' --backend quilt3' },
};

/** Reads a known-defects file's text; throws naming the entry and the field that is missing. */
export function parseDefects(text: string, file: string): DefectsFile {
  const d = parse(text) as Partial<DefectsFile> | null;
  if (!d || typeof d.version !== 'string' || !Array.isArray(d.defects)) throw new Error(`${file}: expected "version: <x.y.z>" and a list "defects:" (see support/mcp/known-defects/)`);
  if (d.backend !== undefined && !(d.backend in MODE)) throw new Error(`${file}: backend ${JSON.stringify(d.backend)} is not one of quilt-mcp's: platform (the default) or quilt3`);
  d.defects.forEach((x, i) => {
    for (const field of ['id', 'tool_call', 'answered', 'expected', 'evidence'] as const) {
      if (typeof x?.[field] !== 'string' || !x[field].trim()) throw new Error(`${file}: defect ${i + 1}${x?.id ? ` (${x.id})` : ''} has no "${field}": every defect records its tool call, answer, expectation and evidence`);
    }
  });
  return d as DefectsFile;
}

/**
 * A known-defects file with the defects of the file it extends first (a defect of its own with the
 * same id replaces the inherited one; those it excludes are left out), as a run is judged against it.
 */
export function loadDefects(file: string): DefectsFile {
  const own = parseDefects(readFileSync(file, 'utf8'), file);
  if (!own.extends) return own;
  if (basename(own.extends) !== own.extends || own.extends === basename(file)) throw new Error(`${file}: extends ${JSON.stringify(own.extends)} must name another file of the same folder, for example quilt-mcp-${own.version}.yml`);
  const base = loadDefects(join(dirname(file), own.extends));
  if (base.version !== own.version) throw new Error(`${file}: extends ${own.extends}, a file of quilt-mcp ${base.version}, not ${own.version}`);
  for (const x of own.excludes ?? []) {
    if (!base.defects.some((d) => d.id === x.id)) throw new Error(`${file}: excludes ${JSON.stringify(x.id)}, which ${own.extends} does not record (it has: ${base.defects.map((d) => d.id).join(', ')})`);
    if (typeof x.why !== 'string' || !x.why.trim()) throw new Error(`${file}: excludes ${JSON.stringify(x.id)} without "why": say why this backend does not have it`);
  }
  const mine = new Set([...own.defects.map((d) => d.id), ...(own.excludes ?? []).map((x) => x.id)]);
  return { ...own, defects: [...base.defects.filter((d) => !mine.has(d.id)), ...own.defects] };
}

/** A defects file's run: its release and backend, from its name (quilt-mcp-0.22.0-quilt3.yml → 0.22.0-quilt3). */
export const runKeyOf = (file: string): string => basename(file).replace(/^quilt-mcp-/, '').replace(/\.yml$/, '');

const block = (s: string): string => s.trim().replace(/\s*\n\s*/g, ' ');

/** The issue's title: the tool, then the defect's name in words. */
export function issueTitle(d: RecordedDefect, version: string, backend: DefectsBackend = 'platform'): string {
  const tool = /^[a-z_0-9]+/i.exec(d.tool_call.trim())?.[0] ?? 'quilt-mcp';
  return `${tool}: ${d.id.replace(/-/g, ' ')} (quilt-mcp ${version}${backend === 'quilt3' ? ', quilt3 mode' : ''})`;
}

/** The whole issue text, in Markdown. */
export function issueText(d: RecordedDefect, version: string, backend: DefectsBackend = 'platform'): string {
  const scenarios = d.scenarios ?? [];
  const lines = [
    `# ${issueTitle(d, version, backend)}`,
    '',
    `quilt-mcp ${version} (PyPI), ${MODE[backend].words}, against a Quilt stack.`,
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
  lines.push(`Reproduce: \`npx tsx scripts/mcp-run.ts --release quilt-mcp==${version}${MODE[backend].reproduce}\` in quilt-e2e (it runs this release against the embedded stack and judges the run against the record).`, '');
  return lines.join('\n');
}
