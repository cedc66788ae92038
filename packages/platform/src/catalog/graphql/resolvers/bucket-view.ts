/**
 * A bucket's Tabulator tables, as BucketConfig.tabulatorTables answers them: the configs under
 * .quilt/tabulator/ read with the caller's own keys.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { s3ErrorStatus } from '../../authz.js';
import type { GqlContext } from './common.js';

export const TABULATOR_PREFIX = '.quilt/tabulator/';

export async function tabulatorTables(g: GqlContext, bucket: string): Promise<Array<{ name: string; config: string }>> {
  const s3 = g.ctx.clients.for(g.user);
  const out: Array<{ name: string; config: string }> = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: TABULATOR_PREFIX, ContinuationToken: token }));
    for (const o of r.Contents ?? []) {
      const m = /^\.quilt\/tabulator\/([^/]+)\.ya?ml$/.exec(o.Key ?? '');
      if (!m) continue;
      // A config removed between the listing and this read (a parallel removal) is no table any more.
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key })).catch((e: unknown) => {
        if (s3ErrorStatus(e).name === 'NoSuchKey' || s3ErrorStatus(e).status === 404) return undefined;
        throw e;
      });
      if (body) out.push({ name: m[1]!, config: await body.Body!.transformToString('utf-8') });
    }
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
