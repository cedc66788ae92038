/**
 * The import graph of the project, package by package, as the sources really have it (every
 * static import, re-export and import() of a literal, in .ts, .mjs and .js files; relative paths
 * resolved like Node resolves them):
 *   suite                           features/, step_definitions/, support/, world/
 *   @quilt-e2e/<package>            packages/<package>/src/ (the package's code, behind its front door)
 *   @quilt-e2e/test-kit/catalog     packages/test-kit/src/catalog.ts (the test kit's second door)
 *   @quilt-e2e/<package> (test)     packages/<package>/test/ (its own tests)
 *   test/, scripts/, bin/           the project's tests and tools
 * `npx tsx scripts/import-graph.ts` prints the arrows with their counts and the forbidden ones
 * (the same lines as eslint.config.js): suite ↔ platform, suite → the test kit's second door, the
 * suite reaching the platform through other packages' static imports, platform → stack, a library
 * → stack/platform/suite, env → anything but constants, constants → anything, the test kit's front
 * door → platform or its second door, a package's code → the test kit, any package's code or tests
 * → the suite's or the root's files by path; and everywhere a path into another package or a subpath
 * of one (@quilt-e2e/<name>/<file>: only the front door, test-kit's second door and package.json).
 * Within each package's src/, files import each other without a circle (a → b → … → a, type
 * imports included): a circle is reported as forbidden too.
 * Exits 1 when there is a forbidden arrow.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SUITE_DIRS = ['features', 'step_definitions', 'support', 'world'];
const TOOL_DIRS = ['test', 'scripts', 'bin'];
const PACKAGES = readdirSync(join(ROOT, 'packages')).filter((p) => statSync(join(ROOT, 'packages', p)).isDirectory());
const SUITE = 'suite';
const PLATFORM = '@quilt-e2e/platform';
const TEST_KIT = '@quilt-e2e/test-kit';
const HARNESS = '@quilt-e2e/test-kit/catalog';
const HARNESS_FILE = 'packages/test-kit/src/catalog.ts';
const LIBRARIES = ['@quilt-e2e/quilt-js', '@quilt-e2e/trino-rest'];
/** Subpaths a package exports besides its front door. */
const OTHER_DOORS = new Set([HARNESS, ...PACKAGES.map((p) => `@quilt-e2e/${p}/package.json`)]);

/** The node of a file (by its path), and the package folder it lies in, if any. */
function placeOf(file: string): { node: string | undefined; pkg: string | undefined } {
  const rel = relative(ROOT, file);
  if (rel === HARNESS_FILE || rel === HARNESS_FILE.replace(/\.ts$/, '.js')) return { node: HARNESS, pkg: 'test-kit' };
  const m = /^packages\/([^/]+)\/(?:(src|test)\/)?/.exec(rel);
  if (m) return { node: m[2] === 'src' ? `@quilt-e2e/${m[1]}` : m[2] === 'test' ? `@quilt-e2e/${m[1]} (test)` : undefined, pkg: m[1] };
  const top = rel.split('/')[0]!;
  if (SUITE_DIRS.includes(top)) return { node: SUITE, pkg: undefined };
  if (TOOL_DIRS.includes(top)) return { node: `${top}/`, pkg: undefined };
  return { node: undefined, pkg: undefined };
}

/** The node a package specifier names: the front door's package, or the harness door. */
function nodeOfSpecifier(spec: string): string {
  return spec === HARNESS ? HARNESS : spec.split('/').slice(0, 2).join('/');
}

const isPackageCode = (node: string): boolean => node.startsWith('@quilt-e2e/') && !node.endsWith(' (test)');

/** Why an arrow between two nodes is forbidden, or undefined when it is allowed. */
function forbiddenArrow(from: string, to: string): string | undefined {
  if (from === SUITE && to === PLATFORM) return 'the suite never imports the platform';
  if (from === SUITE && to === HARNESS) return 'the suite never imports the test kit\'s second door (it imports the platform)';
  if (isPackageCode(from) && to === SUITE) return 'a package never imports the suite';
  if (from === PLATFORM && to === '@quilt-e2e/stack') return 'the platform does not import the stack that runs it';
  if (LIBRARIES.includes(from) && (to === '@quilt-e2e/stack' || to === PLATFORM)) return 'a client library knows neither the stack nor the platform';
  if (from === '@quilt-e2e/env' && to !== '@quilt-e2e/constants') return '@quilt-e2e/env imports only @quilt-e2e/constants';
  if (from === TEST_KIT && (to === PLATFORM || to === HARNESS)) return 'the test kit\'s front door imports neither the platform nor its second door';
  if (isPackageCode(from) && from !== TEST_KIT && from !== HARNESS && (to === TEST_KIT || to === HARNESS)) return 'a package\'s code does not import the test kit';
  return undefined;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === 'node_modules') return [];
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|mts|mjs|js)$/.test(p) ? [p] : [];
  });
}

export interface ImportGraph {
  files: number;
  /** "from -> to" → number of imports (static and dynamic). */
  edges: Map<string, number>;
  forbidden: string[];
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*'([^']+)'|(?:^|\n)\s*import\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

export function importGraph(): ImportGraph {
  const files = [
    ...[...SUITE_DIRS, ...TOOL_DIRS].map((d) => join(ROOT, d)),
    ...PACKAGES.flatMap((p) => [join(ROOT, 'packages', p, 'src'), join(ROOT, 'packages', p, 'test')]),
  ].flatMap(walk);
  const edges = new Map<string, number>();
  /** Arrows made by static imports only: what is loaded as soon as a module is. */
  const staticEdges = new Map<string, Set<string>>();
  const forbidden: string[] = [];
  /** File → the files of its own package's src/ it imports by a relative path. */
  const fileEdges = new Map<string, string[]>();
  for (const file of files) {
    const rel = relative(ROOT, file);
    const here = placeOf(file);
    const from = here.node!;
    const text = readFileSync(file, 'utf8');
    if (from === '@quilt-e2e/constants') {
      if (/^\s*import\s|\bimport\(/m.test(text)) forbidden.push(`${rel}: @quilt-e2e/constants imports something`);
      continue;
    }
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      const dynamic = m[3] !== undefined;
      let to: string | undefined;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        const there = placeOf(target);
        if (/^packages\/[^/]+\/src\//.test(rel) && there.pkg === here.pkg) fileEdges.set(rel, [...(fileEdges.get(rel) ?? []), relative(ROOT, target)]);
        to = there.node;
        if (there.pkg !== here.pkg && (there.pkg !== undefined || here.pkg !== undefined)) {
          forbidden.push(`${rel}: a relative path ${there.pkg ? `into another package (${there.pkg})` : 'out of its package'}: ${spec} — import @quilt-e2e/... by its name`);
        }
      } else if (spec.startsWith('@quilt-e2e/')) {
        to = nodeOfSpecifier(spec);
        if (spec !== to && !OTHER_DOORS.has(spec)) forbidden.push(`${rel}: a deep import ${spec} — only the front door ${to} (and ${HARNESS})`);
      }
      if (!to || to === from) continue;
      const edge = `${from} -> ${to}`;
      edges.set(edge, (edges.get(edge) ?? 0) + 1);
      if (!dynamic) staticEdges.set(from, (staticEdges.get(from) ?? new Set()).add(to));
      const why = forbiddenArrow(from, to);
      if (why) forbidden.push(`${rel}: ${edge} (${spec}): ${why}`);
    }
  }
  // The suite must not reach the platform even through other packages: loading the suite's modules loads no platform code.
  const via = new Map<string, string>([[SUITE, SUITE]]);
  for (const queue = [SUITE]; queue.length;) {
    const n = queue.shift()!;
    for (const to of staticEdges.get(n) ?? []) {
      if (via.has(to)) continue;
      via.set(to, `${via.get(n)} -> ${to}`);
      queue.push(to);
    }
  }
  for (const target of [PLATFORM, HARNESS]) {
    const path = via.get(target);
    if (path && !edges.has(`${SUITE} -> ${target}`)) forbidden.push(`the suite reaches ${target} through static imports: ${path}`);
  }
  for (const circle of circles(fileEdges)) forbidden.push(`a circle of imports: ${circle.join(' -> ')}`);
  return { files: files.length, edges, forbidden };
}

/** Every circle of the file graph, each once (depth-first search; a back edge closes a circle). */
export function circles(edges: ReadonlyMap<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const found: string[][] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    path.push(f);
    for (const t of edges.get(f) ?? []) {
      if (state.get(t) === 'open') found.push([...path.slice(path.indexOf(t)), t]);
      else if (!state.has(t)) visit(t);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of [...edges.keys()].sort()) if (!state.has(f)) visit(f);
  return found;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const g = importGraph();
  console.log(`import graph of ${g.files} source files (suite = features, step_definitions, support, world; "(test)" = a package's own tests):`);
  for (const [e, n] of [...g.edges].sort()) console.log(`  ${e.padEnd(60)} ${n} import(s)`);
  if (g.forbidden.length) { console.log(`forbidden arrows (${g.forbidden.length}):\n  ${g.forbidden.join('\n  ')}`); process.exit(1); }
  console.log('no forbidden arrow and no circle of imports in any package: the suite and the platform do not import each other (not even through other packages); the platform and the libraries import no stack or suite code; every package is imported through its front door');
}
