#!/usr/bin/env node
// Launcher of the quilt-e2e command line: loads TypeScript through tsx's API in this process and
// runs packages/quilt-js/src/cli.ts. See `quilt-e2e package --help`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../packages/quilt-js/src/cli.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
