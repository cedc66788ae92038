/**
 * The front door of @quilt-e2e/test-kit: helpers the suite, the packages' own tests and the tools
 * share. It never imports the platform, so the suite may use it; the catalog harness, which does,
 * is the second door `@quilt-e2e/test-kit/catalog` (src/catalog.ts; see README.md).
 */
export { eventually, type EventuallyOptions } from './eventually.js';
export { stalledMsSince, startStallClock, stillsSince, workingMsSince } from './stall-clock.js';
export { QUILT3_VERSION, ensureQuilt3, venvDir } from './quilt3-venv.js';
export { cleanupScratch, deleteNamespacePackages } from './scratch.js';
