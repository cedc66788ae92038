/**
 * support/mcp/tool-notes.yml names only tools the stack's quilt-mcp lists: its tools/list in both
 * backends (platform over HTTP, quilt3 over stdio), asked live — a note for a tool that is gone
 * (renamed, removed by a release) fails here until it is brought up to date.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStackConfig, mcpClient, mcpUrl } from '@quilt-e2e/stack';
import { loadTarget } from '../../support/target.js';
import { closeQuilt3Mcp, quilt3McpClient, quilt3McpSettingOf } from '../../support/drivers/mcp-quilt3.js';
import { loadToolNotes } from '../../support/mcp/tool-notes.js';

after(() => closeQuilt3Mcp());

test('every tool the notes explain is listed by the stack\'s quilt-mcp in one of its backends', { timeout: 120_000 }, async () => {
  const target = loadTarget();
  const token = target.personas.admin?.token;
  const platform = await mcpClient(mcpUrl(loadStackConfig()), token, 'quilt-e2e-notes');
  const listed = new Set((await platform.listTools()).tools.map((t) => t.name));
  await platform.close();
  const quilt3 = await quilt3McpClient('admin', token, quilt3McpSettingOf(target));
  for (const t of (await quilt3.listTools()).tools) listed.add(t.name);
  const stale = Object.keys(loadToolNotes()).filter((t) => !listed.has(t));
  assert.deepEqual(stale, [], `notes for tools no backend lists (it lists: ${[...listed].sort().join(', ')})`);
});
