/**
 * Building blocks of the self-contained report pages (reports/index.html, reports/glossary.html):
 * escaping, and one page shell with inline CSS. The pages carry no script and a Content Security
 * Policy that forbids scripts and every network fetch, so they read the same offline, from a file,
 * with no server — and text from features or errors can never run as code.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A relative link to a local report file with a query (?query=... for cucumber's HTML report). */
export function localHref(file: string, params: Record<string, string | string[]> = {}): string {
  const q = Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`)).join('&');
  return `${encodeURI(file)}${q ? `?${q}` : ''}`;
}

/** An id usable in a URL fragment, derived from text. */
export function slug(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS = `
:root { color-scheme: light; --fg:#1d2430; --muted:#5b6575; --line:#d9dee6; --bg:#fff; --panel:#f5f7fa;
  --pass:#1a7f37; --pass-bg:#dafbe1; --fail:#b42318; --fail-bg:#fee4e2; --skip:#8a6100; --skip-bg:#fff4ce; --none:#5b6575; --none-bg:#eef1f5; --link:#0b57d0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 64px; }
header.top { background: #14213d; color: #fff; }
header.top .inner { max-width: 1120px; margin: 0 auto; padding: 18px 28px; }
header.top h1 { margin: 0 0 4px; font-size: 24px; }
header.top p { margin: 0; color: #cdd6e6; }
header.top a { color: #fff; }
nav.links { margin-top: 10px; display: flex; flex-wrap: wrap; gap: 8px 18px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 17px; margin: 24px 0 4px; }
h4 { font-size: 15px; margin: 18px 0 4px; }
a { color: var(--link); }
p.muted, .muted { color: var(--muted); }
.small { font-size: 13px; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
code { background: var(--panel); padding: 1px 4px; border-radius: 4px; }
pre.example { white-space: pre; word-break: normal; font-size: 12px; margin: 6px 0 2px; }
table.glossary td:first-child { width: 74%; }
.phrase { font-size: 16px; }
pre { background: var(--panel); padding: 10px 12px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); font-weight: 600; font-size: 13px; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.status-passed { color: var(--pass); background: var(--pass-bg); }
.status-failed { color: var(--fail); background: var(--fail-bg); }
.status-skipped { color: var(--skip); background: var(--skip-bg); }
.status-not-run { color: var(--none); background: var(--none-bg); }
.tag { display: inline-block; padding: 0 6px; margin: 0 4px 2px 0; border: 1px solid var(--line); border-radius: 4px; font-size: 12px; color: var(--muted); background: #fff; }
.tag.unknown { border-color: var(--fail); color: var(--fail); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { flex: 1 1 150px; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--panel); }
.card .n { font-size: 26px; font-weight: 700; }
.feature { border: 1px solid var(--line); border-radius: 8px; padding: 4px 18px 12px; margin: 16px 0; }
.feature > h3 { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
.narrative { white-space: pre-wrap; margin: 6px 0 10px; }
details { margin: 2px 0; }
summary { cursor: pointer; }
.steps { margin: 6px 0 8px; padding: 8px 12px; background: var(--panel); border-radius: 6px; }
.steps .kw { font-weight: 700; color: #6a3fb5; }
.steps table { width: auto; margin: 4px 0 4px 24px; background: #fff; }
.steps table td { padding: 2px 8px; border: 1px solid var(--line); font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
.error { color: var(--fail); background: var(--fail-bg); border-left: 4px solid var(--fail); }
.shot img { max-width: 100%; border: 1px solid #ccc; margin-top: .4em; }
.bar { position: relative; height: 10px; min-width: 120px; background: var(--none-bg); border-radius: 5px; overflow: hidden; }
.bar > span { position: absolute; left: 0; top: 0; bottom: 0; background: var(--pass); }
.bar.over > span { background: var(--fail); }
ul.toc { columns: 2; padding-left: 18px; }
footer { margin-top: 48px; color: var(--muted); font-size: 13px; }
@media print { header.top { background: none; color: #000; } header.top p, header.top a { color: #000; } .feature { break-inside: avoid; } }
`;

export function page(opts: { title: string; heading: string; subtitle?: string; nav?: string; body: string; footer?: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="quilt-e2e living documentation">
<title>${esc(opts.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top"><div class="inner">
<h1>${esc(opts.heading)}</h1>
${opts.subtitle ? `<p>${esc(opts.subtitle)}</p>` : ''}
${opts.nav ? `<nav class="links">${opts.nav}</nav>` : ''}
</div></header>
<main>
${opts.body}
${opts.footer ? `<footer>${opts.footer}</footer>` : ''}
</main>
</body>
</html>
`;
}

/** A coloured label; `look` is one of the statuses (passed, failed, skipped, not run). */
export function badge(text: string, look: string): string {
  return `<span class="badge status-${esc(look === 'not run' ? 'not-run' : look)}">${esc(text)}</span>`;
}

export function statusBadge(status: string): string {
  return badge(status, status);
}
