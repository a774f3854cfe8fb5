import { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { startServer } from '../../startServer.js';
import type { CliIo } from './shared.js';

/** A shutdown that takes longer than this is cut short. */
const SHUTDOWN_GRACE_MS = 10_000;

export function startCommand(io: CliIo): Command {
  return new Command('start')
    .description('run the server (configured by environment variables; see the README)')
    .action(async () => {
      const config = loadConfig(io.env, io.cwd);
      const starting = startServer(config, { print: io.out });

      // Handlers first: a signal during startup waits for the start, then closes what started.
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        io.err(`${signal}: stopping Veil…`);
        const force = setTimeout(() => {
          io.err('shutdown took too long; exiting');
          process.exit(1);
        }, SHUTDOWN_GRACE_MS);
        force.unref();
        starting
          .then((server) => server.close())
          .then(
            () => {
              clearTimeout(force);
              process.exitCode = 0;
            },
            (error: unknown) => {
              io.err(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
              process.exit(1);
            },
          );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);

      const server = await starting;
      io.out('');
      io.out(`Veil is listening on ${server.url}`);
      io.out(`  Dashboard:  ${server.url}/`);
      if (server.demoSiteKey) io.out(`  Demo site:  ${server.url}/demo/  (site key ${server.demoSiteKey})`);
      io.out(`  API:        ${server.url}/api/v1/openapi.json`);
      io.out(
        `  Log in as ${config.admin.email} with VEIL_ADMIN_PASSWORD, or the password printed at the first start;`,
      );
      io.out('  more users: npx veil users add --email E --role ROLE');
      io.out('Press Ctrl+C to stop.');
    });
}
