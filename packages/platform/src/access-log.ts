/**
 * The stack's record of object reads — the local stand-in of the CloudTrail S3 data events a Quilt
 * stack counts accesses from (Quilt's access_counts lambda: GetObject events by bucket, key and
 * day). One JSON line per successful GetObject: {eventtime, eventname, bucket, key, useragent},
 * appended by the S3 front (every client's reads: the User-Agent header, and the AWS SDKs'
 * x-amz-user-agent after it) and by the catalog (the registry's own reads, which go to RGW
 * directly), to one file the catalog counts from (./catalog/access-counts.ts). Each line is one
 * append (O_APPEND): the two writers never interleave within a line.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

export interface AccessEvent { eventtime: string; eventname: 'GetObject'; bucket: string; key: string; useragent: string }

/** Query parameters of a GetObject (a version, a part, response overrides, a presigned URL's own): anything else asks for a subresource (acl, tagging, ...). */
const GET_OBJECT_PARAMS = /^(versionId|partNumber|x-id|response-.*|X-Amz-.*)$/i;

/** Whether a request the front answered is a GetObject (not a listing, a subresource or a HEAD). */
export function isGetObject(method: string | undefined, status: number, bucket: string | undefined, key: string, query: URLSearchParams): boolean {
  if (method !== 'GET' || (status !== 200 && status !== 206) || !bucket || key === '') return false;
  for (const name of query.keys()) if (!GET_OBJECT_PARAMS.test(name)) return false;
  return true;
}

export class AccessLog {
  private readonly out: WriteStream;

  constructor(path: string, log: (line: string) => void) {
    mkdirSync(dirname(path), { recursive: true });
    this.out = createWriteStream(path, { flags: 'a', mode: 0o600 });
    this.out.on('error', (e) => log(`s3-front: the access log ${path} could not be written: ${e.message}`));
  }

  record(bucket: string, key: string, useragent: string): void {
    const e: AccessEvent = { eventtime: new Date().toISOString(), eventname: 'GetObject', bucket, key, useragent };
    this.out.write(`${JSON.stringify(e)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => { this.out.end(resolve); });
  }
}
