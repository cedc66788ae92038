/**
 * Fault modes of the local platform, for measuring what the acceptance suite catches
 * (scripts/mutation.ts). A fault is switched on for a whole catalog (and S3 front) process by
 *   QUILT_E2E_PLATFORM_FAULT=<name>
 * read once at start; unset (the default) means no fault. An unknown name stops the catalog with
 * the list of known ones. A catalog with a fault says so in its log and in /health
 * ("fault": "<name>"), and the suite refuses to run against it unless the run itself asked for
 * that fault (QUILT_E2E_EXPECT_FAULT, set by scripts/mutation.ts) — so a fault cannot stay on
 * unnoticed in a normal run.
 */
export const FAULTS = {
  'stale-latest': 'the registry resolves "latest" to the revision before the newest one',
  'drop-search-hit': 'the search API leaves out the first hit of every answer that has one',
  'phantom-search-hit': 'the search API adds a hit for an object that does not exist',
  'wrong-hit-total': 'the search API reports one hit more in hits.total than it found',
  'wrong-entry-size': 'GraphQL reports every package entry one byte larger than it is',
  'altered-sql-row': 'Tabulator views add 1 to every whole-number column of every row',
  'page-for-deleted-package': "the web catalog's own queries (operations containers_*) get a package that does not exist: its page shows a package instead of Quilt's not-found",
  'foreign-credentials': "get_credentials hands every user the bucket owner's (admin's) S3 keys",
  'lost-delete-event': 'the indexer ignores delete events of the change feed',
  'wrong-etag': 'the indexer stores a wrong ETag in every object document',
  'drop-user-metadata': "the S3 front answers reads (GET, HEAD) without the object's user metadata (x-amz-meta-*)",
  'preview-wrong-bytes': "file previews (the web catalog's text and table previews) leave out the file's first line",
  'uncounted-reads': "the catalog counts no reads of a package's manifests: its views (accessCounts) stay Quilt's null",
} as const;

export type Fault = keyof typeof FAULTS;

function readFault(env: NodeJS.ProcessEnv): Fault | undefined {
  const raw = env.QUILT_E2E_PLATFORM_FAULT;
  if (raw === undefined || raw === '' || raw === 'none') return undefined;
  if (!(raw in FAULTS)) {
    throw new Error(`QUILT_E2E_PLATFORM_FAULT=${JSON.stringify(raw)} is not a fault of the local platform: use one of ${Object.keys(FAULTS).join(', ')} (or leave it unset for none)`);
  }
  return raw as Fault;
}

/** The fault this process runs with (undefined: none). */
export const ACTIVE_FAULT: Fault | undefined = readFault(process.env);

export function faultIs(f: Fault): boolean {
  return ACTIVE_FAULT === f;
}
