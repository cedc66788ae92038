/**
 * The quilt3 virtualenv manager lives with the suite's oracles (support/oracles/quilt3-venv.ts);
 * re-exported here so the interoperability tests keep importing it from where they always did.
 */
export { QUILT3_VERSION, ensureQuilt3, venvDir } from '../../../../support/oracles/quilt3-venv.js';
