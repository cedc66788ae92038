/**
 * Quilt's admin status (`status`: the stack's canaries, their latest results and a daily series) on
 * the local stack. Quilt runs its canaries as CloudWatch Synthetics; this stack's canaries are the
 * acceptance suite's canary scenarios, which keep one object per canary in the status bucket
 * (config.statusBucket, `canaries/<name>.json`):
 *   {name, title, description, group, schedule, region, runs: [{at: ISO 8601, ok: boolean}]}
 * A stack whose status bucket does not exist has no canaries: Quilt's `Unavailable`. Status reports
 * (rendered HTML reports in Quilt's reports bucket) are not made here: an empty list.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorStatus } from './authz.js';
import { windowOf, type Args } from './graphql/resolvers/common.js';

export interface CanaryRecord {
  name: string; title: string; description: string; group: string; schedule: string; region: string;
  runs: Array<{ at: string; ok: boolean }>;
}

const DAY_MS = 86_400_000;
const PREFIX = 'canaries/';

/** The canaries kept in the status bucket; null when there is no status bucket. */
export async function readCanaries(s3: S3Client, bucket: string, log: (line: string) => void): Promise<CanaryRecord[] | null> {
  const keys: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: PREFIX, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith('.json')));
      token = page.NextContinuationToken;
    } while (token);
  } catch (e) {
    if (s3ErrorStatus(e).name === 'NoSuchBucket') return null;
    throw e;
  }
  const records = await Promise.all(keys.map(async (Key) => {
    try {
      const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body!.transformToString();
      const r = JSON.parse(body) as CanaryRecord;
      return typeof r.name === 'string' && Array.isArray(r.runs) ? r : undefined;
    } catch (e) {
      log(`status: s3://${bucket}/${Key} is not a canary record (${(e as Error).message}); left out`);
      return undefined;
    }
  }));
  return records.filter((r): r is CanaryRecord => r !== undefined).sort((a, b) => a.name.localeCompare(b.name));
}

const lastRun = (c: CanaryRecord): { at: string; ok: boolean } | undefined => [...c.runs].sort((a, b) => a.at.localeCompare(b.at)).at(-1);

/** Quilt's Status object for these canaries. */
export function statusOf(canaries: CanaryRecord[], bucket: string) {
  return {
    __typename: 'Status',
    reportsBucket: bucket,
    canaries: canaries.map((c) => {
      const last = lastRun(c);
      return { name: c.name, region: c.region, group: c.group, title: c.title, description: c.description, schedule: c.schedule, ok: last ? last.ok : null, lastRun: last?.at ?? null };
    }),
    // Quilt's latest figures: how many canaries passed and failed their last run (none runs here on its own).
    latestStats: () => {
      const last = canaries.map(lastRun).filter((r) => r !== undefined);
      return { passed: last.filter((r) => r.ok).length, failed: last.filter((r) => !r.ok).length, running: 0 };
    },
    // Runs per day over the window, oldest first: the days (midnight UTC) and how many runs passed and failed on each.
    stats: (a: Args) => {
      const window = windowOf(a, 'stats');
      const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
      const days = Array.from({ length: window }, (_, i) => new Date(today - (window - 1 - i) * DAY_MS).toISOString());
      const passed = days.map(() => 0);
      const failed = days.map(() => 0);
      for (const c of canaries) {
        for (const r of c.runs) {
          const i = days.indexOf(`${r.at.slice(0, 10)}T00:00:00.000Z`);
          if (i >= 0) (r.ok ? passed : failed)[i]! += 1;
        }
      }
      return { datetimes: days, passed, failed };
    },
    reports: () => ({ total: 0, page: () => [] }),
  };
}
