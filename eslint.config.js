// ESLint flat config: typescript-eslint's recommended rules over all TypeScript sources, plus the
// import boundaries of the workspace (README "Layout"):
//   suite (features, step_definitions, support, world)  → never the platform, never @quilt-e2e/test-kit/catalog
//   packages/platform (the local Quilt platform)         → never the suite, never the stack
//   packages/constants                                   → imports nothing (data only)
//   packages/env (reads the shared environment)          → imports only @quilt-e2e/constants
//   packages/quilt-js, packages/trino-rest (libraries)   → never the suite, the stack or the platform
//   packages/stack (lifecycle)                           → never the suite
//   packages/test-kit (shared test helpers)              → never the suite; its front door never the platform
//                                                          (only its second door, src/catalog.ts)
//   no package's src imports the test kit
// Everywhere — suite, packages (src and test), test/, scripts/, bin/ — another workspace package is
// imported by its name and only through its front door (@quilt-e2e/<name>, plus the documented
// second door @quilt-e2e/test-kit/catalog), never by a path into its folder or a subpath
// (@quilt-e2e/<name>/<file>). A package's own tests import its src by relative paths.
// `no-restricted-imports` sees import/export declarations; `import()` of a literal is held by
// `no-restricted-syntax` (DYNAMIC_*). scripts/import-graph.ts checks the same lines on the real tree.
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

const SOURCES = '{ts,mts,js,mjs}';
const SUITE = ['features', 'step_definitions', 'support', 'world'].map((d) => `${d}/**/*.${SOURCES}`);
const TOOLS = [`test/**/*.${SOURCES}`, `scripts/**/*.${SOURCES}`, `bin/**/*.${SOURCES}`, `*.${SOURCES}`];

/** A relative path from a package into the suite's or the root's folders. */
const INTO_SUITE = { regex: '^(\\.\\./)+(features|step_definitions|support|world|scripts|test|bin)(/|$)', message: 'code of the suite: a package never imports it (shared test helpers live in @quilt-e2e/test-kit)' };
/** A relative path from the root's folders into packages/. */
const INTO_PACKAGES = { regex: '^(\\./|(\\.\\./)+)packages/', message: 'import another workspace package by its name (@quilt-e2e/...), not by a path' };
/** A subpath of a package: only the front door (and test-kit's second door, and package.json) may be imported. */
const DEEP = {
  regex: '^@quilt-e2e/(?!test-kit/catalog$)[^/]+/(?!package\\.json$)',
  message: 'import a workspace package through its front door (@quilt-e2e/<name>, its src/index.ts), never a file inside it; the only other door is @quilt-e2e/test-kit/catalog',
};
/**
 * A relative path that climbs out of its package: for a file `depth` folders below
 * packages/<name>/<src|test>/, depth + 2 times `../` leaves packages/<name>/.
 */
const outOfPackage = (depth) => ({
  regex: `^(\\.\\./){${depth + 2},}`,
  message: 'a relative path out of its package: import another workspace package by its name (@quilt-e2e/...), not by a path',
});
const pkg = (name, why) => ({ regex: `^@quilt-e2e/${name}(/|$)`, message: why });
const NO_TEST_KIT = pkg('test-kit', 'a package\'s code does not import the test kit: it is for tests, the suite and the tools');
const SUITE_NO_PLATFORM = pkg('platform', 'the suite never imports the platform it tests: observe it through its protocols (S3, GraphQL, REST, SQL, search)');
const SUITE_NO_HARNESS = {
  regex: '^@quilt-e2e/test-kit/catalog$',
  message: 'the suite never imports @quilt-e2e/test-kit/catalog: the catalog harness imports the platform (the suite uses @quilt-e2e/test-kit)',
};

const NO_MOCKS = {
  selector: "CallExpression[callee.object.name='jest'][callee.property.name='mock']",
  message: 'No mocks: this project talks to real servers only.',
};
const DYNAMIC_DEEP = {
  selector: 'ImportExpression[source.value=/^@quilt-e2e\\/(?!test-kit\\/catalog$)[^\\/]+\\/(?!package\\.json$)/]',
  message: `import(): ${DEEP.message}`,
};
const DYNAMIC_SUITE = {
  selector: 'ImportExpression[source.value=/^@quilt-e2e\\/(platform|test-kit\\/catalog)(\\/|$)/]',
  message: 'import(): the suite never imports the platform (nor @quilt-e2e/test-kit/catalog, which does): observe it through its protocols',
};
const syntax = (...extra) => ['error', NO_MOCKS, DYNAMIC_DEEP, ...extra];

const boundary = (files, patterns, ignores) => ({ files, ...(ignores ? { ignores } : {}), rules: { 'no-restricted-imports': ['error', { patterns }] } });

/** Folder depths below packages/<name>/<src|test>/ with a config of their own (the deepest today is 2; deeper files share the last). */
const MAX_DEPTH = 6;
/**
 * The boundary of packages/<name>/<dir>/: one config per folder depth (the out-of-package pattern
 * depends on it), each holding every pattern of that place — a later flat config replaces a rule's
 * options, it never adds to them, so the configs of one place must not overlap.
 */
const inPackage = (name, dir, patterns, ignores = []) => Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => boundary(
  [`packages/${name}/${dir}/${depth === MAX_DEPTH ? `${'*/'.repeat(depth)}**/` : '*/'.repeat(depth)}*.${SOURCES}`],
  [...patterns, outOfPackage(depth), DEEP],
  ignores.length ? ignores.map((f) => `packages/${name}/${dir}/${f}`) : undefined,
));

/** Every workspace package (a new one gets the default boundary of a package until it has its own line below). */
const PACKAGES = readdirSync(new URL('./packages/', import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
/** What each package's src may not import besides the suite's files, other packages' insides and the test kit. */
const SRC_RULES = {
  platform: [pkg('stack', 'the platform does not import the stack that runs it: shared names live in @quilt-e2e/constants')],
  'quilt-js': [pkg('stack', 'a client library does not know the stack'), pkg('platform', 'a client library does not know the platform')],
  'trino-rest': [pkg('stack', 'a client library does not know the stack'), pkg('platform', 'a client library does not know the platform')],
  env: [{ regex: '^@quilt-e2e/(?!constants$)', message: '@quilt-e2e/env reads the environment with the names and defaults of @quilt-e2e/constants, and imports nothing else' }],
};
const TEST_KIT_FRONT = [
  pkg('platform', 'the test kit\'s front door never imports the platform (the suite uses it): platform helpers go behind its second door, src/catalog.ts'),
  { regex: '^(@quilt-e2e/test-kit/catalog|\\./catalog(\\.js|\\.ts)?)$', message: 'the test kit\'s front door never imports its second door (src/catalog.ts imports the platform)' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'reports/**', 'tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': syntax(),
    },
  },
  // The suite: never the platform, never the harness' door, no path into packages/, no subpath.
  boundary(SUITE, [SUITE_NO_PLATFORM, SUITE_NO_HARNESS, INTO_PACKAGES, DEEP]),
  { files: SUITE, rules: { 'no-restricted-syntax': syntax(DYNAMIC_SUITE) } },
  // The project's tests, scripts, bin/ and the root's config files: any package, by its doors only.
  boundary(TOOLS, [INTO_PACKAGES, DEEP]),
  // The packages' code: never the suite's files, never another package's insides, never the test kit (except the test kit itself).
  ...PACKAGES.filter((name) => name !== 'test-kit').flatMap((name) => inPackage(name, 'src', [...(SRC_RULES[name] ?? []), NO_TEST_KIT, INTO_SUITE])),
  ...inPackage('test-kit', 'src', [...TEST_KIT_FRONT, INTO_SUITE], ['catalog.ts']),
  boundary(['packages/test-kit/src/catalog.ts'], [INTO_SUITE, outOfPackage(0), DEEP]),
  // The packages' own tests: their own src by relative paths, other packages through their doors, never the suite's files.
  ...PACKAGES.flatMap((name) => inPackage(name, 'test', [INTO_SUITE])),
  {
    files: ['packages/constants/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: 'ImportDeclaration', message: '@quilt-e2e/constants is data only: it imports nothing' },
        { selector: 'ImportExpression', message: '@quilt-e2e/constants is data only: it imports nothing' },
        { selector: ':function', message: '@quilt-e2e/constants is data only: no functions' },
        { selector: 'ClassDeclaration', message: '@quilt-e2e/constants is data only: no classes' },
      ],
    },
  },
);
