/**
 * Local folders as packages: every file below a folder becomes an entry whose logical key is its
 * relative path and whose physical key is its `file://` URL (as quilt3's `set_dir` + `build`).
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { chunkedSha256OfFile } from './checksum.js';
import { mapLimit } from './concurrency.js';
import { QuiltValidationError } from './errors.js';
import { Manifest, entryMeta, type ManifestEntry } from './manifest.js';
import { formatPhysicalKey } from './physical-key.js';
import { validateLogicalKey } from './validation.js';

/** Relative paths (with "/") of every regular file below `dir`; symlinked folders are not followed. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    for (const d of await readdir(current, { withFileTypes: true })) {
      const full = join(current, d.name);
      if (d.isDirectory()) pending.push(full);
      else if (d.isFile() || (d.isSymbolicLink() && (await stat(full).catch(() => undefined))?.isFile())) {
        out.push(relative(dir, full).split(sep).join('/'));
      }
    }
  }
  return out;
}

/** Hashes one local file into a manifest entry. */
export async function localEntry(path: string, logicalKey: string, userMeta?: unknown): Promise<ManifestEntry> {
  const real = await realpath(path);
  const { type, value, size } = await chunkedSha256OfFile(real);
  return { logicalKey: validateLogicalKey(logicalKey), physicalKey: formatPhysicalKey({ scheme: 'file', path: real }), size, hash: { type, value }, meta: entryMeta(userMeta) };
}

export interface FolderPackageOptions {
  message?: string | null;
  userMeta?: unknown;
  concurrency?: number;
}

/** The manifest quilt3 would build for the files below `dir` (physical keys are `file://` URLs). */
export async function manifestOfFolder(dir: string, options: FolderPackageOptions = {}): Promise<Manifest> {
  let files: string[];
  try {
    files = await listFiles(dir);
  } catch (e) {
    throw new QuiltValidationError(`Cannot read folder ${JSON.stringify(dir)}: ${(e as Error).message}; expected the format of a path to an existing folder, for example "./data"`);
  }
  const entries = await mapLimit(files, options.concurrency ?? 8, (rel) => localEntry(join(dir, rel), rel));
  return Manifest.create({ message: options.message ?? null, userMeta: options.userMeta, entries });
}
