/**
 * The tag vocabulary of the suite: the only tags a feature, rule, scenario or examples block may
 * carry. This file is the single source of truth — the CI gate (scripts/gherkin-gates.ts) rejects
 * any other tag, and the step glossary and the living documentation show these meanings.
 *
 * To add a tag: add it here with its meaning (one line a product owner understands), run
 * `npx tsx scripts/glossary.ts` to refresh docs/step-glossary.md, and commit both.
 */

export type TagKind = 'capability' | 'category' | 'run control';

export interface TagInfo {
  tag: `@${string}`;
  kind: TagKind;
  /** What the tag says about a scenario, in business language. */
  meaning: string;
}

export const TAGS: readonly TagInfo[] = [
  { tag: '@s3', kind: 'capability', meaning: 'Files in S3 buckets: upload, list, read, share by link, versions.' },
  { tag: '@registry', kind: 'capability', meaning: 'The package registry: pushing, browsing and installing Quilt packages.' },
  { tag: '@search', kind: 'capability', meaning: 'Finding packages and files by their content and metadata.' },
  { tag: '@sql', kind: 'capability', meaning: 'Querying packages and objects with SQL (Athena; Trino on the local stack).' },
  { tag: '@tabulator', kind: 'capability', meaning: 'Tabulator: tabular files inside packages queried as SQL tables.' },
  { tag: '@catalog', kind: 'capability', meaning: 'The Quilt catalog: the web application and the API behind it.' },
  { tag: '@browser', kind: 'capability', meaning: "Reads Quilt's web catalog in a real browser (Chromium), as a person sees it; each page's screenshot is in the report." },
  { tag: '@auth', kind: 'capability', meaning: 'Who may do what: sign-in, roles, and access being refused.' },
  { tag: '@admin', kind: 'capability', meaning: "Administering access: policies, roles and users, through Quilt's admin API." },
  { tag: '@integration', kind: 'category', meaning: 'Several services working together on one behaviour.' },
  { tag: '@workflow', kind: 'category', meaning: 'A whole user journey across capabilities, from start to finish.' },
  { tag: '@errors', kind: 'category', meaning: 'What the user is told when something goes wrong.' },
  { tag: '@performance', kind: 'category', meaning: 'How long something takes, measured against a budget (figures in the run summary).' },
  { tag: '@consistency', kind: 'category', meaning: 'Views that catch up over time (search, SQL) agree with the data within a deadline.' },
  { tag: '@canary', kind: 'category', meaning: "One of Quilt's own canaries (bucket access control, immutable URIs, package push in the UI, search, the admin pages); on the local stack its last results show on the catalog's admin status page." },
  { tag: '@smoke', kind: 'run control', meaning: 'A few quick scenarios that prove the stack works; run first.' },
  { tag: '@slow', kind: 'run control', meaning: 'Takes long (more than about 30 seconds); left out of quick runs.' },
  { tag: '@serial', kind: 'run control', meaning: 'Must not run at the same time as other scenarios (enforced when running in parallel).' },
  { tag: '@stack-settings', kind: 'run control', meaning: 'Changes a setting of the whole stack (Tabulator\'s open query, the SSO configuration) and puts it back after the scenario; on a real stack with SSO in use, exclude it (--tags "not @stack-settings") if SSO sign-in must never pause for a second.' },
  { tag: '@reads-mail', kind: 'run control', meaning: 'Reads the mail the stack sends its users (a link to set a password): the local stack\'s outbox, or the file QUILT_E2E_INBOX names on a real deployment; reported as skipped, with the reason, where the mail cannot be read.' },
  { tag: '@local-only', kind: 'run control', meaning: 'Checks a server of the embedded local stack directly; reported as skipped, with the reason, on a real deployment.' },
  { tag: '@wip', kind: 'run control', meaning: 'Work in progress: not run by default; its steps may not exist yet.' },
  { tag: '@mcp-cannot-name-files', kind: 'run control', meaning: "The mcp driver cannot say it: quilt-mcp's package_create names each file by its file name or whole S3 key. Reported as skipped, with the reason, through the mcp driver (support/drivers/driver.ts DRIVER_CANNOT)." },
  { tag: '@mcp-cannot-claim-hash', kind: 'run control', meaning: "The mcp driver cannot say it: quilt-mcp's package_create takes no hash for a file. Reported as skipped, with the reason, through the mcp driver." },
  { tag: '@engine-steps-only', kind: 'run control', meaning: "Its When-steps are none of the spec's operations a driver performs (a client's own deadline or retry, a person in Quilt's web catalog, a server answering): run by the engine's run; reported as skipped, with the reason, in the mcp driver's runs, which would only repeat it." },
  { tag: '@mcp-search-helpers', kind: 'run control', meaning: "Its subject is quilt-mcp's own search helpers (search_suggest, search_explain), answered by quilt-mcp's query parser: performed by the mcp driver's runs; reported as skipped, with the reason, with the suite's own engine, which has none." },
  { tag: '@mcp-both-backends', kind: 'run control', meaning: "A package written through one of quilt-mcp's backends is read through the other (spec §5.2): performed by the mcp driver's runs (the run's backend writes, the other reads); reported as skipped, with the reason, with the suite's own engine." },
  { tag: '@mcp-admin-tools-not-driven', kind: 'run control', meaning: "quilt-mcp has no tool for this scenario's When-steps (roles, policies, API keys, a user's own role switch, the local stack's controls): through the mcp driver they would go through the engine, so the scenario would not test quilt-mcp. Reported as skipped, with the reason, through the mcp driver." },
  { tag: '@known-defect', kind: 'category', meaning: 'Shows a defect of a real client (docs/known-defects.md): its Then-step expects the recorded failure and fails the day the client behaves otherwise, so the record is brought up to date.' },
  { tag: '@flaky', kind: 'run control', meaning: 'Known to fail now and then; only with a link to the issue that explains it.' },
];

export const KNOWN_TAGS: ReadonlySet<string> = new Set(TAGS.map((t) => t.tag));

export function tagInfo(tag: string): TagInfo | undefined {
  return TAGS.find((t) => t.tag === tag);
}

/** The known tag closest in spelling to an unknown one (for "did you mean"), if any is close. */
export function closestTag(tag: string): string | undefined {
  let best: { tag: string; d: number } | undefined;
  for (const t of KNOWN_TAGS) {
    const d = editDistance(tag.toLowerCase(), t);
    if (!best || d < best.d) best = { tag: t, d };
  }
  return best && best.d <= Math.max(2, Math.floor(tag.length / 3)) ? best.tag : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
