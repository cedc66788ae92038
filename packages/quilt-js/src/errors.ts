/**
 * Errors of the Quilt package engine. Callers tell bad input (nothing was written) from missing
 * packages, concurrent writers and storage failures by class, not by message.
 */

/** Base class of every error the engine throws on purpose. */
export class QuiltError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The caller's input is malformed (package name, logical key, S3 URI, registry, hash...). Nothing was written. */
export class QuiltValidationError extends QuiltError {}

/** A package, revision, hash prefix or object does not exist. */
export class QuiltNotFoundError extends QuiltError {}

/** `latest` moved since the parent revision was read (or the package already exists). Nothing was written. */
export class QuiltConflictError extends QuiltError {}

/** The storage service failed (network, permissions, server error). */
export class QuiltServiceError extends QuiltError {}

/** A manifest cannot be read: broken JSON or a record quilt3 would reject. */
export class QuiltManifestError extends QuiltError {}
