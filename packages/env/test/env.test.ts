/**
 * The one parser of the shared environment (no server needed):
 *   node --import tsx --test packages/env/test/env.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_PORTS, PORT_VARIABLES } from '@quilt-e2e/constants';
import { loadPorts, parsePort, resolveHome } from '../src/index.js';

test('every port has its default, unless its variable names another; an empty variable counts as unset', () => {
  assert.deepEqual(loadPorts({}), { ...DEFAULT_PORTS });
  assert.deepEqual(loadPorts({ [PORT_VARIABLES.trino]: '18080', [PORT_VARIABLES.s3]: '' }), { ...DEFAULT_PORTS, trino: 18080 });
});

test('a value that is not a TCP port is refused, naming the variable, what is allowed and an example', () => {
  for (const bad of ['0', '65536', '80.5', 'http', '-1']) {
    assert.throws(() => parsePort({ QUILT_E2E_TRINO_PORT: bad }, 'QUILT_E2E_TRINO_PORT', 8080), {
      message: `QUILT_E2E_TRINO_PORT=${JSON.stringify(bad)} is not a TCP port: use a whole number from 1 to 65535, for example QUILT_E2E_TRINO_PORT=8080`,
    });
  }
  assert.throws(() => loadPorts({ QUILT_E2E_CATALOG_PORT: 'x' }), /^Error: QUILT_E2E_CATALOG_PORT="x" is not a TCP port/);
});

test('the home folder is QUILT_E2E_HOME made absolute, by default ~/.cache/quilt-e2e', () => {
  assert.equal(resolveHome({}), join(homedir(), '.cache', 'quilt-e2e'));
  assert.equal(resolveHome({ QUILT_E2E_HOME: 'rel/home' }), resolve('rel/home'));
});
