#!/usr/bin/env node
// Launcher of the quilt-e2e command line: loads TypeScript through tsx's API in this process.
//   quilt-e2e doctor [--json]   (--help: usage) what the target (QUILT_E2E_TARGET and its variables) gives the suite (support/doctor.ts)
//   quilt-e2e package ...       the quilt3-compatible package commands (runPackageCli of @quilt-e2e/quilt-js; see --help)
import { register } from 'tsx/esm/api';

register();
const argv = process.argv.slice(2);
if (argv[0] === 'doctor') {
  const { doctorCli } = await import(new URL('../support/doctor.ts', import.meta.url).href);
  process.exitCode = await doctorCli(argv.slice(1));
} else {
  const { runPackageCli } = await import('@quilt-e2e/quilt-js');
  process.exitCode = await runPackageCli(argv);
}
