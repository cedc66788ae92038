/**
 * Inputs of older releases of Quilt's web catalog, read as Quilt's registry of their day read them.
 * The app of quilt3-local 2.0.0 (the release on PyPI) predates Quilt's `PackageEntryHash` input
 * (quiltdata/quilt#3403, February 2024: `hash: String` became `hash: PackageEntryHash`): its
 * creation dialog sends each entry's hash as the SHA-256 hex string. A variable of type
 * `PackageConstructSource` whose entries carry such a string is read as `{type: "SHA256", value}`
 * — what that string meant — before the request is executed; every other input goes as sent.
 */
import { Kind, type DocumentNode, type TypeNode } from 'graphql';

const SHA256_HEX = /^[0-9a-f]{64}$/;

const namedType = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : namedType(t.type));

export function withLegacyEntryHashes(document: DocumentNode, variables: Record<string, unknown> | null | undefined): Record<string, unknown> | null | undefined {
  if (!variables) return variables;
  const names = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? d.variableDefinitions ?? [] : []))
    .filter((v) => namedType(v.type) === 'PackageConstructSource').map((v) => v.variable.name.value);
  if (names.length === 0) return variables;
  const out = { ...variables };
  for (const n of names) {
    const src = out[n] as { entries?: unknown } | undefined;
    if (!src || typeof src !== 'object' || !Array.isArray(src.entries)) continue;
    out[n] = {
      ...src,
      entries: src.entries.map((e: unknown) => {
        const entry = e as { hash?: unknown } | null;
        return entry && typeof entry === 'object' && typeof entry.hash === 'string' && SHA256_HEX.test(entry.hash) ? { ...entry, hash: { type: 'SHA256', value: entry.hash } } : e;
      }),
    };
  }
  return out;
}
