/**
 * The embedded stack's command:  npm run stack -- <install|up|down|status|logs|reset|open> [server ...]
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { LOCAL_PASSWORDS, PERSONA_ROLES } from '@quilt-e2e/constants';
import { loadStackConfig } from './config.js';
import { consoleReporter, down, install, selectServers, status, up, StackError } from './stack.js';

const USAGE = `usage: npm run stack -- <command> [server ...]

commands:
  install   download and prepare every server (idempotent; cached in $QUILT_E2E_HOME, default ~/.cache/quilt-e2e)
  up        install what is missing, start what is not running, wait until all are healthy (a second up is a no-op)
  down      stop the processes this stack started (by recorded PIDs only)
  status    one line per server: installed, running, healthy, ports, PIDs
  logs      the log files of each server and their last lines (logs -n 100 for more)
  reset     stop the whole stack and delete its data folder (a new, empty stack at the next up);
            downloads ($QUILT_E2E_HOME/dist), the Maven cache and the Python venvs are kept
  open      where to look at what a run left behind: Quilt's web catalog and each persona's sign-in

servers: ceph, s3-front, opensearch, trino, catalog, catalog-ui, athena, mcp (default: all)
environment: QUILT_E2E_HOME, QUILT_E2E_<S3|S3_FRONT|CEPH_MON|OPENSEARCH|OPENSEARCH_TRANSPORT|TRINO|CATALOG|CATALOG_UI|ATHENA|MCP>_PORT, QUILT_E2E_HEALTH_DEADLINE (seconds)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') { console.log(USAGE); return command ? 0 : 2; }
  let lines = 20;
  const names: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '-n') { lines = Number(rest[++i]); if (!Number.isInteger(lines) || lines < 1) throw new StackError('-n takes a positive whole number of lines, for example -n 50'); }
    else names.push(rest[i]!);
  }
  const config = loadStackConfig();
  const servers = selectServers(names);
  const out = consoleReporter();
  switch (command) {
    case 'install': await install(config, out, servers); return 0;
    case 'up': await up(config, out, servers); return 0;
    case 'down': await down(config, out, servers); return 0;
    case 'reset': {
      if (names.length) throw new StackError('reset acts on the whole stack: give no server names');
      await down(config, out);
      const left = (await status(config)).filter((r) => r.running);
      if (left.length) throw new StackError(`reset: ${left.map((r) => r.name).join(', ')} still running; nothing deleted`);
      rmSync(config.dataDir, { recursive: true, force: true });
      out.info(`reset: deleted ${config.dataDir}; the next up makes a new stack`);
      return 0;
    }
    case 'status': {
      const rows = await status(config, servers);
      for (const r of rows) {
        console.log(`${r.name.padEnd(11)} ${(r.healthy ? 'healthy' : r.running ? 'UNHEALTHY' : 'stopped').padEnd(9)} ${r.installed ? 'installed' : 'not installed'}  ports ${r.ports.join(',') || '-'}  pids ${r.pids.join(',') || '-'}  ${r.version}`);
      }
      console.log(`logs: ${config.logDir}`);
      return rows.every((r) => r.healthy) ? 0 : 3;
    }
    case 'logs': {
      for (const s of servers) {
        for (const f of s.logFiles(config)) {
          console.log(`==> ${f} <==`);
          if (!existsSync(f)) { console.log('(not written yet)'); continue; }
          console.log(readFileSync(f, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'));
        }
      }
      return 0;
    }
    case 'open': {
      const ui = (await status(config, selectServers(['catalog-ui'])))[0];
      console.log(`Quilt's web catalog: http://127.0.0.1:${config.ports.catalogUi}/b/${config.s3.testBucket}${ui?.healthy ? '' : '   (not running: npm run stack -- up)'}`);
      console.log(`the registry (GraphQL, REST): http://127.0.0.1:${config.ports.catalog}`);
      console.log('sign in as (loopback only):');
      for (const persona of ['admin', 'reader', 'outsider'] as const) {
        const role = persona === 'admin' ? 'admin' : PERSONA_ROLES[persona];
        console.log(`  ${persona.padEnd(9)} username ${config.s3Users[persona].uid.padEnd(20)} password ${LOCAL_PASSWORDS[persona].padEnd(24)} (${role})`);
      }
      return ui?.healthy ? 0 : 3;
    }
    default:
      throw new StackError(`unknown command ${JSON.stringify(command)}: use install, up, down, reset, status, logs or open (npm run stack -- --help)`);
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  if (e instanceof StackError || e instanceof Error) console.error(`[stack] error: ${e.message}`);
  else console.error(e);
  process.exitCode = 1;
});
