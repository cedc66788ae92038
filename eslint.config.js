// ESLint flat config: typescript-eslint's recommended rules over all TypeScript sources, plus the
// import boundaries of the workspace (README "Layout"):
//   suite (features, step_definitions, support, world)  → never the platform's code
//   packages/platform (the local Quilt platform)         → never the suite, never the stack
//   packages/constants                                   → imports nothing (data only)
//   packages/env (reads the shared environment)          → imports only @quilt-e2e/constants
//   packages/quilt-js, packages/trino-rest (libraries)   → never the suite, the stack or the platform
//   packages/stack (lifecycle)                           → never the suite
// Cross-package imports use the package name (@quilt-e2e/...), never a relative path into another package.
import tseslint from 'typescript-eslint';

const SUITE = ['features/**/*.ts', 'step_definitions/**/*.ts', 'support/**/*.ts', 'world/**/*.ts'];
/** A relative path that climbs out of a package or into the suite's folders. */
const INTO_SUITE = { regex: '^(\\.\\./)+(features|step_definitions|support|world|scripts|test|bin)(/|$)', message: 'code of the suite: a package never imports it' };
const INTO_PACKAGES = { regex: '^(\\.\\./)+packages/', message: 'import another workspace package by its name (@quilt-e2e/...), not by a path' };
const pkg = (name, why) => ({ regex: `^@quilt-e2e/${name}(/|$)`, message: why });

const boundary = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  { ignores: ['node_modules/**', 'reports/**', 'tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.object.name='jest'][callee.property.name='mock']",
        message: 'No mocks: this project talks to real servers only.',
      }],
    },
  },
  boundary(SUITE, [
    pkg('platform', 'the suite never imports the platform it tests: observe it through its protocols (S3, GraphQL, REST, SQL, search)'),
    INTO_PACKAGES,
  ]),
  boundary(['packages/platform/src/**/*.ts'], [
    pkg('stack', 'the platform does not import the stack that runs it: shared names live in @quilt-e2e/constants'),
    INTO_SUITE, INTO_PACKAGES,
  ]),
  boundary(['packages/quilt-js/src/**/*.ts', 'packages/trino-rest/src/**/*.ts'], [
    pkg('stack', 'a client library does not know the stack'), pkg('platform', 'a client library does not know the platform'),
    INTO_SUITE, INTO_PACKAGES,
  ]),
  boundary(['packages/stack/src/**/*.ts'], [INTO_SUITE, INTO_PACKAGES]),
  boundary(['packages/env/src/**/*.ts'], [
    { regex: '^@quilt-e2e/(?!constants$)', message: '@quilt-e2e/env reads the environment with the names and defaults of @quilt-e2e/constants, and imports nothing else' },
    INTO_SUITE, INTO_PACKAGES,
  ]),
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
