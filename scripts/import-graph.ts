/**
 * The import graph of the project, package by package, as the sources really have it (every
 * static import, re-export and import() of a .ts file, resolved like Node resolves them):
 *   suite                  features/, step_definitions/, support/, world/
 *   @quilt-e2e/<package>   packages/<package>/src/
 * `npx tsx scripts/import-graph.ts` prints the arrows with their counts and the forbidden ones
 * (suite ↔ platform, platform → stack, a library → stack/platform/suite, constants → anything);
 * exits 1 when there is a forbidden arrow. Project tests, scripts and bin/ are tools, not nodes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SUITE_DIRS = ['features', 'step_definitions', 'support', 'world'];

function nodeOf(file: string): string | undefined {
  const rel = relative(ROOT, file);
  const m = /^packages\/([^/]+)\/src\//.exec(rel);
  if (m) return `@quilt-e2e/${m[1]}`;
  return SUITE_DIRS.some((d) => rel.startsWith(`${d}/`)) ? 'suite' : undefined;
}

const FORBIDDEN: Array<[string, string]> = [
  ['suite', '@quilt-e2e/platform'], ['@quilt-e2e/platform', 'suite'], ['@quilt-e2e/platform', '@quilt-e2e/stack'],
  ['@quilt-e2e/quilt-js', 'suite'], ['@quilt-e2e/quilt-js', '@quilt-e2e/stack'], ['@quilt-e2e/quilt-js', '@quilt-e2e/platform'],
  ['@quilt-e2e/trino-rest', 'suite'], ['@quilt-e2e/trino-rest', '@quilt-e2e/stack'], ['@quilt-e2e/trino-rest', '@quilt-e2e/platform'],
  ['@quilt-e2e/stack', 'suite'],
  ...['suite', '@quilt-e2e/stack', '@quilt-e2e/platform', '@quilt-e2e/quilt-js', '@quilt-e2e/trino-rest'].map((to): [string, string] => ['@quilt-e2e/env', to]),
];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === 'node_modules') return [];
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

export interface ImportGraph { files: number; edges: Map<string, number>; forbidden: string[] }

export function importGraph(): ImportGraph {
  const files = [...SUITE_DIRS.map((d) => join(ROOT, d)), ...readdirSync(join(ROOT, 'packages')).map((p) => join(ROOT, 'packages', p, 'src'))].flatMap(walk);
  const edges = new Map<string, number>();
  const forbidden: string[] = [];
  for (const file of files) {
    const from = nodeOf(file)!;
    if (from === '@quilt-e2e/constants') {
      if (/^\s*import\s|\bimport\(/m.test(readFileSync(file, 'utf8'))) forbidden.push(`${relative(ROOT, file)}: @quilt-e2e/constants imports something`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
      const spec = m[1] ?? m[2]!;
      let to: string | undefined;
      if (spec.startsWith('.')) to = nodeOf(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (spec.startsWith('@quilt-e2e/')) to = spec.split('/').slice(0, 2).join('/');
      if (!to || to === from) continue;
      const edge = `${from} -> ${to}`;
      edges.set(edge, (edges.get(edge) ?? 0) + 1);
      if (FORBIDDEN.some(([a, b]) => a === from && b === to)) forbidden.push(`${relative(ROOT, file)}: ${edge} (${spec})`);
    }
  }
  return { files: files.length, edges, forbidden };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const g = importGraph();
  console.log(`import graph of ${g.files} source files (suite = features, step_definitions, support, world):`);
  for (const [e, n] of [...g.edges].sort()) console.log(`  ${e.padEnd(50)} ${n} import(s)`);
  if (g.forbidden.length) { console.log(`forbidden arrows:\n  ${g.forbidden.join('\n  ')}`); process.exit(1); }
  console.log('no forbidden arrow: the suite and the platform do not import each other; the platform and the libraries import no stack or suite code');
}
