/**
 * Why a tool of quilt-mcp's tools/list is called by no scenario (support/mcp/tool-notes.yml): the
 * coverage of every mcp run and the compatibility matrix show the reason beside "not called".
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const TOOL_NOTES_FILE = 'support/mcp/tool-notes.yml';

/** Tool name → why no scenario calls it. */
export function loadToolNotes(file = TOOL_NOTES_FILE): Record<string, string> {
  const d = parse(readFileSync(file, 'utf8')) as { tools?: Record<string, unknown> } | null;
  if (!d?.tools || typeof d.tools !== 'object') throw new Error(`${file}: expected "tools:" mapping each tool's name to why no scenario calls it`);
  for (const [tool, why] of Object.entries(d.tools)) {
    if (typeof why !== 'string' || !why.trim()) throw new Error(`${file}: ${tool} has no reason: say why no scenario calls it ("cannot apply here: ...", "not driven yet: ..." or "not reached: ...")`);
  }
  return Object.fromEntries(Object.entries(d.tools).map(([t, w]) => [t, String(w).trim()]));
}
