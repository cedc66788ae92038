/**
 * The Quilt package engine: quilt3-compatible manifests, hashes and registry operations.
 *
 *   const registry = new PackageRegistry(s3Client, 'my-bucket');
 *   const { hash } = await registry.create('team/data', { entries: [{ logicalKey: 'a.csv', source: './a.csv' }], message: 'first' });
 *   const rev = await registry.browse('team/data');            // or a timestamp / hash prefix
 *   const { added, modified, deleted } = await registry.diff('team/data');
 */
export { PackageRegistry } from './registry.js';
export type {
  CreateOptions, DeleteRevisionResult, EntryMetaChange, PackageDiff, PushOptions, PushResult, RegistryOptions,
  RevisionPointer, UpdateOptions,
} from './registry.js';
export type { CopyMode, EntrySource } from './entries.js';
export { PackageRevision, buildTree, findNode, type TreeNode } from './revision.js';
export { Manifest, compareLogicalKeys, entryMeta, MANIFEST_MAX_RECORD_SIZE, type DirectoryMeta, type ManifestEntry, type NewManifest } from './manifest.js';
export { diffManifests, entriesEqual, type ManifestDiff } from './diff.js';
export { verifyManifest, type EntryCheck, type VerifyReport } from './verify.js';
export { manifestOfFolder, localEntry, listFiles } from './local.js';
export {
  CHUNKED_SHA256, LEGACY_SHA256, ChunkedSha256, checksumChunkSize, chunkedSha256OfBytes, chunkedSha256OfFile,
  chunkedSha256OfStream, type EntryHash,
} from './checksum.js';
export { QuiltConflictError, QuiltError, QuiltManifestError, QuiltNotFoundError, QuiltServiceError, QuiltValidationError } from './errors.js';
export {
  parseRegistry, parseRevisionRef, parseS3PrefixUri, parseS3Uri, validateBucketName, validateLogicalKey, validatePackageName,
  validateTopHash, type RevisionRef,
} from './validation.js';
export { formatPhysicalKey, formatS3Url, parsePhysicalKey, type PhysicalKey, type S3Location } from './physical-key.js';
export {
  catalogBucketUrl, catalogCompareUrl, catalogObjectUrl, catalogPackageUrl, catalogPackagesUrl, catalogRevisionUrl,
  catalogRevisionsUrl, parseQuiltPlusUri, quiltPlusUri, type QuiltPlusUri,
} from './urls.js';
export { JsonNumber, fromPlain, jsonEquals, pyFloat, pyInt, toPlain, type JsonMap, type JsonValue, type PlainJson } from './json/values.js';
export { parseJson } from './json/parse.js';
export { pythonDumps, MANIFEST_LINE_STYLE, TOP_HASH_STYLE } from './json/python-dumps.js';
export { pythonFloatRepr } from './json/python-float.js';
export { S3Store } from './s3-store.js';
export { createS3Client, type S3Credentials, type S3CredentialsProvider, type S3Endpoint } from './s3-client.js';
export { mapLimit } from './concurrency.js';
/** The `quilt-e2e package ...` command line (bin/quilt-e2e.mjs runs it). */
export { runPackageCli } from './cli.js';
