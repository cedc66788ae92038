/**
 * Builds S3 clients for either target. Against Ceph RGW the SDK must not add streaming checksum
 * trailers (RGW answers 411 to aws-chunked uploads), so checksums are calculated only when an
 * operation requires them — harmless against AWS S3 too.
 */
import { S3Client } from '@aws-sdk/client-s3';

// Node 20 is pinned (README): the SDK's notice that future releases need Node 22 would clutter every report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

/** Credentials fetched when needed (temporary ones carry their expiration: the SDK asks again before it). */
export type S3CredentialsProvider = () => Promise<S3Credentials & { expiration?: Date }>;

export interface S3Endpoint {
  /** Omit for AWS S3. */
  endpoint?: string;
  region: string;
  /** Omit to use the AWS default credential chain. */
  credentials?: S3Credentials | S3CredentialsProvider;
  /** Per-attempt request timeout. */
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

export function createS3Client(e: S3Endpoint): S3Client {
  return new S3Client({
    region: e.region,
    ...(e.endpoint ? { endpoint: e.endpoint, forcePathStyle: true } : {}),
    ...(e.credentials ? { credentials: e.credentials } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: e.maxAttempts ?? 3,
    // requestTimeout is the idle time of the socket: a server that stops answering (a dead OSD) fails an
    // attempt within 15 s, so three attempts stay within a step's 60 s deadline.
    requestHandler: { requestTimeout: e.requestTimeoutMs ?? 15_000, connectionTimeout: 5_000 },
  });
}
