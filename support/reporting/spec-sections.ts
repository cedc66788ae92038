/** Which section of the spec (../shared/spec/e2e-backend-integration.md) a feature file serves, for grouping scenarios by it. */
const SECTIONS: Array<[RegExp, string]> = [
  [/features\/registry\//, '§1.1 Package lifecycle'],
  [/features\/s3\//, '§1.2 Content retrieval'],
  [/features\/search\//, '§1.3 Search to access'],
  [/features\/sql\//, '§1.4 Tabulator and Athena'],
  [/features\/workflows\/find-/, '§2.1 Data discovery'],
  [/features\/workflows\/package-/, '§2.2 Package creation from S3'],
  [/features\/workflows\//, '§2.3 Data analysis'],
  [/features\/catalog\/package-summaries/, '§2.3 Data analysis'],
  [/features\/errors\/permissions/, '§3.1 Permission failures'],
  [/features\/errors\/timeouts/, '§3.2 Service timeouts'],
  [/features\/errors\//, '§3.3 Data validation failures'],
  [/features\/performance\//, '§4 Performance and scale'],
  [/features\/consistency\//, '§5 Data consistency'],
  [/features\/(auth|admin)\//, 'Access model (goal 5)'],
  [/features\/catalog\//, "Quilt's web catalog (goal 5)"],
];

/** The spec section of a feature file (its path), or "Other" for the suite's own checks. */
export function specSectionOf(uri: string): string {
  return SECTIONS.find(([re]) => re.test(uri))?.[1] ?? 'Other (the stack itself)';
}

/** Sections in the spec's order, "Other" last. */
export const SECTION_ORDER = [...new Set(SECTIONS.map(([, s]) => s)), 'Other (the stack itself)'];
