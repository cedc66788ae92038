/**
 * Merges the message records of a sharded run (`cucumber-js --shard I/N` on N machines, each
 * with QUILT_E2E_REPORTS_DIR=reports/shard-I) into one run: one cucumber message stream, cucumber's
 * HTML report rendered from it, the living documentation and the run summary — the same files a
 * single run writes to reports/.
 *
 *   npx tsx scripts/merge-shards.ts reports/shard-1 reports/shard-2 [--out reports]
 *     (each argument a shard's folder or its cucumber-messages.ndjson)
 * Exit codes: 0 merged (whatever the scenarios did), 2 bad arguments or unreadable records.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CucumberHtmlStream } from '@cucumber/html-formatter';
import type { Envelope } from '@cucumber/messages';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1] : 'reports';
const inputs = args.filter((_, i) => outAt < 0 || (i !== outAt && i !== outAt + 1));
if (!out || inputs.length < 1) {
  console.error('merge-shards: usage: npx tsx scripts/merge-shards.ts <shard folder or cucumber-messages.ndjson>... [--out reports]');
  process.exit(2);
}

type Ts = { seconds: number; nanos: number };
const ms = (t: Ts): number => Number(t.seconds) * 1000 + Math.round(t.nanos / 1e6);
const files = inputs.map((p) => (existsSync(p) && statSync(p).isDirectory() ? join(p, 'cucumber-messages.ndjson') : p));
const missing = files.filter((f) => !existsSync(f));
if (missing.length) { console.error(`merge-shards: no message record at ${missing.join(', ')} (each shard writes <its reports folder>/cucumber-messages.ndjson)`); process.exit(2); }

const merged: Envelope[] = [];
let meta: Envelope | undefined;
let startedAt: Ts | undefined;
let finishedAt: Ts | undefined;
let success = true;
let finishedShards = 0;
const seenSources = new Set<string>();
for (const f of files) {
  const lines = readFileSync(f, 'utf8').split('\n').filter((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    let m: Envelope;
    try { m = JSON.parse(line) as Envelope; } catch (e) {
      if (i === lines.length - 1) break; // a torn last line of a killed shard
      console.error(`merge-shards: ${f} line ${i + 1} is not JSON (${(e as Error).message})`);
      process.exit(2);
    }
    if (m.meta) { meta ??= m; continue; }
    if (m.testRunStarted) { const t = m.testRunStarted.timestamp as Ts; if (!startedAt || ms(t) < ms(startedAt)) startedAt = t; continue; }
    if (m.testRunFinished) {
      finishedShards++;
      const t = m.testRunFinished.timestamp as Ts;
      if (!finishedAt || ms(t) > ms(finishedAt)) finishedAt = t;
      success &&= m.testRunFinished.success;
      continue;
    }
    // Every shard parses every feature file: keep one copy of each source; the Gherkin documents and
    // pickles carry each shard's own ids, so all of them stay (the cases refer to their own shard's).
    if (m.source) { if (seenSources.has(m.source.uri)) continue; seenSources.add(m.source.uri); }
    merged.push(m);
  }
}
if (finishedShards < files.length) success = false; // a shard that never finished did not pass
const stream: Envelope[] = [
  ...(meta ? [meta] : []),
  ...(startedAt ? [{ testRunStarted: { timestamp: startedAt } } as Envelope] : []),
  ...merged,
  ...(finishedAt ? [{ testRunFinished: { timestamp: finishedAt, success } } as Envelope] : []),
];
mkdirSync(out, { recursive: true });
const ndjson = join(out, 'cucumber-messages.ndjson');
writeFileSync(ndjson, `${stream.map((e) => JSON.stringify(e)).join('\n')}\n`);

// cucumber's HTML report, rendered from the merged stream by cucumber's own formatter.
const htmlFile = join(out, 'cucumber-report.html');
await new Promise<void>((resolve, reject) => {
  const html = new CucumberHtmlStream();
  const sink = createWriteStream(htmlFile);
  html.pipe(sink);
  sink.on('finish', () => resolve());
  sink.on('error', reject);
  for (const e of stream) html.write(e);
  html.end();
});

console.log(`merge-shards: ${files.length} shard(s) → ${ndjson} (${stream.length} messages), ${htmlFile}`);
const docs = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/living-docs.ts', '--ndjson', ndjson, '--out', join(out, 'index.html')], { stdio: 'inherit' });
const summary = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/report-summary.ts', ndjson], { stdio: 'inherit' });
process.exit(docs.status === 0 && summary.status !== null ? 0 : 2);
