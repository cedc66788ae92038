/**
 * S3's flexible checksums (SHA-256) as AWS answers them, for the S3 front (./server.ts): the
 * checksum of a body, the composite checksum of a multipart upload from its parts' checksums
 * (base64(sha256(concatenated part digests)) + "-" + part count), and the XML answers of
 * CompleteMultipartUpload, CopyObject and UploadPartCopy with a <ChecksumSHA256> added.
 */
import { createHash } from 'node:crypto';

export const sha256Base64 = (body: Uint8Array): string => createHash('sha256').update(body).digest('base64');

/** The parts a CompleteMultipartUpload request names with their ChecksumSHA256, in part-number order; null if any part has none. */
export function partChecksums(completeXml: string): Array<{ number: number; checksum: string }> | null {
  const parts = [...completeXml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => {
    const number = Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(m[1]!)?.[1]);
    const checksum = /<ChecksumSHA256>\s*([A-Za-z0-9+/=]+)\s*<\/ChecksumSHA256>/.exec(m[1]!)?.[1];
    return { number, checksum };
  });
  if (parts.length === 0 || parts.some((p) => !p.checksum || !Number.isInteger(p.number))) return null;
  return parts.sort((a, b) => a.number - b.number).map((p) => ({ number: p.number, checksum: p.checksum! }));
}

/** The composite checksum AWS gives a multipart object: of the parts' digests, with the part count. */
export function compositeChecksum(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(Buffer.from(p, 'base64'));
  return `${h.digest('base64')}-${parts.length}`;
}

/** The XML answer with <ChecksumSHA256> added as the last child of its root element (unchanged if it has one). */
export function withChecksum(xml: string, root: 'CompleteMultipartUploadResult' | 'CopyObjectResult' | 'CopyPartResult', checksum: string): string {
  if (xml.includes('<ChecksumSHA256>')) return xml;
  const close = `</${root}>`;
  const at = xml.lastIndexOf(close);
  return at < 0 ? xml : `${xml.slice(0, at)}<ChecksumSHA256>${checksum}</ChecksumSHA256>${xml.slice(at)}`;
}
