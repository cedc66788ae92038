/**
 * The compatibility matrix: one page that shows, for every scenario (grouped by the spec's
 * sections) and every tool quilt-mcp lists, how each run went — the engine, each quilt-mcp
 * release the mcp driver ran, the rehearsed quilt target. A cell is passed, failed as recorded (the
 * known defect, linked), failed unexpectedly, skipped (with the reason) or not run.
 */
import type { ScenarioResult } from './run-summary.js';
import { recordedDefectOf, type KnownDefect } from '../mcp/judge.js';
import { SECTION_ORDER, specSectionOf } from './spec-sections.js';
import { esc } from './html.js';

export interface MatrixColumn {
  label: string;
  /** The run's own page, relative to the matrix page. */
  href?: string;
  scenarios: readonly ScenarioResult[];
  /** A judged run: its release's known defects, and where each defect's text is (by its id). */
  defects?: readonly KnownDefect[];
  defectHref?: (id: string) => string;
  /** An mcp run: the tools the server listed (tools/list). */
  tools?: readonly string[];
}

export type Cell =
  | { kind: 'passed' } | { kind: 'as recorded'; defect: string } | { kind: 'unexpected'; error: string }
  | { kind: 'skipped'; reason: string } | { kind: 'not run' };

/** How the scenario of that feature and name went in the column's run. */
export function cellOf(column: MatrixColumn, uri: string, name: string): Cell {
  const s = column.scenarios.find((x) => x.uri === uri && x.name === name);
  if (!s) return { kind: 'not run' };
  if (s.status === 'passed') return { kind: 'passed' };
  if (s.status === 'skipped') return { kind: 'skipped', reason: s.skipReason ?? 'skipped (no reason logged)' };
  const defect = column.defects ? recordedDefectOf(s, column.defects) : undefined;
  return defect ? { kind: 'as recorded', defect } : { kind: 'unexpected', error: s.errors[0]?.split('\n')[0] ?? 'failed' };
}

function renderCell(c: Cell, column: MatrixColumn): string {
  switch (c.kind) {
    case 'passed': return '<td class="ok">passed</td>';
    case 'as recorded': return `<td class="known">failed as recorded: ${column.defectHref ? `<a href="${esc(column.defectHref(c.defect))}">${esc(c.defect)}</a>` : esc(c.defect)}</td>`;
    case 'unexpected': return `<td class="bad" title="${esc(c.error)}">FAILED, unexpected</td>`;
    case 'skipped': return `<td class="skip" title="${esc(c.reason)}">skipped: ${esc(c.reason.slice(0, 90))}${c.reason.length > 90 ? '…' : ''}</td>`;
    case 'not run': return '<td class="none">not run</td>';
  }
}

/** The whole page (self-contained HTML). */
export function renderCompatibility(columns: readonly MatrixColumn[], title = 'Compatibility matrix', notes: Readonly<Record<string, string>> = {}): string {
  const rows = new Map<string, { uri: string; name: string }>();
  for (const c of columns) for (const s of c.scenarios) rows.set(`${s.uri}\n${s.name}`, { uri: s.uri, name: s.name });
  const bySection = new Map<string, { uri: string; name: string }[]>();
  for (const r of [...rows.values()].sort((a, b) => a.uri.localeCompare(b.uri))) {
    const sec = specSectionOf(r.uri);
    bySection.set(sec, [...(bySection.get(sec) ?? []), r]);
  }
  const head = `<tr><th>scenario</th>${columns.map((c) => `<th>${c.href ? `<a href="${esc(c.href)}">${esc(c.label)}</a>` : esc(c.label)}</th>`).join('')}</tr>`;
  const counts = columns.map((c) => {
    const n = { passed: 0, recorded: 0, unexpected: 0, skipped: 0 };
    for (const r of rows.values()) {
      const k = cellOf(c, r.uri, r.name).kind;
      if (k === 'passed') n.passed++; else if (k === 'as recorded') n.recorded++; else if (k === 'unexpected') n.unexpected++; else if (k === 'skipped') n.skipped++;
    }
    return `<td>${n.passed} passed, ${n.recorded} as recorded, <b>${n.unexpected} unexpected</b>, ${n.skipped} skipped</td>`;
  });
  const body: string[] = [`<tr class="total"><th>all scenarios</th>${counts.join('')}</tr>`];
  for (const sec of SECTION_ORDER.filter((s) => bySection.has(s))) {
    body.push(`<tr class="section"><th colspan="${columns.length + 1}">${esc(sec)}</th></tr>`);
    for (const r of bySection.get(sec)!) body.push(`<tr><th class="name">${esc(r.name)}<br><span class="uri">${esc(r.uri)}</span></th>${columns.map((c) => renderCell(cellOf(c, r.uri, r.name), c)).join('')}</tr>`);
  }
  const mcp = columns.filter((c) => c.tools);
  const tools = [...new Set(mcp.flatMap((c) => c.tools!))].sort();
  if (tools.length) {
    body.push(`<tr class="section"><th colspan="${columns.length + 1}">quilt-mcp's tools (tools/list): the scenarios that called each</th></tr>`);
    for (const t of tools) {
      body.push(`<tr><th class="name"><code>${esc(t)}</code></th>${columns.map((c) => {
        if (!c.tools) return '<td class="none">—</td>';
        if (!c.tools.includes(t)) return '<td class="none">not listed by this release</td>';
        const by = c.scenarios.filter((s) => s.mcpTools.includes(t)).length;
        if (by) return `<td class="ok">called by ${by} scenario${by === 1 ? '' : 's'}</td>`;
        return notes[t] ? `<td class="skip" title="${esc(notes[t]!)}">not called: ${esc(notes[t]!.split(/[:(]/)[0]!.trim())}</td>` : '<td class="bad">not called, no reason recorded</td>';
      }).join('')}</tr>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
th.name{font-weight:normal;max-width:28em}.uri{color:#777;font-size:12px}tr.section th{background:#eef;font-size:15px}tr.total td,tr.total th{background:#f6f6f6}
td.ok{background:#e6f4ea}td.known{background:#fff4e0}td.bad{background:#fde2e1;font-weight:bold}td.skip{background:#f3f3f3;color:#555;font-size:12px}td.none{color:#aaa}
</style></head><body><h1>${esc(title)}</h1>
<p>Each scenario of the acceptance suite, grouped by the spec's sections, as each run performed it; and each tool quilt-mcp lists, with the scenarios that called it. A failure of a judged run (quilt-mcp) that its release's record of known defects foresaw shows as <i>failed as recorded</i> with the defect; any other failure is <b>unexpected</b>. Hover a skipped or failed cell for the whole reason.</p>
<table><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table></body></html>`;
}
