import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { VeilError } from '../errors/VeilError.js';
import { serverVersion } from '../routes/openApiRoutes.js';
import { auditCommand } from './commands/auditCommand.js';
import { attestCommand, processorsCommand } from './commands/complianceCommand.js';
import { demoCommand } from './commands/demoCommand.js';
import { eraseCommand } from './commands/eraseCommand.js';
import { eraseContentCommand } from './commands/eraseContentCommand.js';
import { exportSubjectCommand } from './commands/exportSubjectCommand.js';
import { incidentsCommand } from './commands/incidentsCommand.js';
import { inventoryCommand } from './commands/inventoryCommand.js';
import { noticeCommand } from './commands/noticeCommand.js';
import { policyCommand } from './commands/policyCommand.js';
import { reportCommand } from './commands/reportCommand.js';
import { retentionCommand } from './commands/retentionCommand.js';
import { scanCommand } from './commands/scanCommand.js';
import type { CliIo } from './commands/shared.js';
import { sitesCommand } from './commands/sitesCommand.js';
import { startCommand } from './commands/startCommand.js';
import { tokensCommand } from './commands/tokensCommand.js';
import { usersCommand } from './commands/usersCommand.js';

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    cwd: process.cwd(),
    errStream: process.stderr,
  };
}

/** The `veil` program: `start`, `sites add`, `users add`, `tokens create`, `audit verify|export|key`, `erase`, `export-subject`, `retention run|status`, `inventory`, `scan`, `demo`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('veil')
    .description('Veil: self-hosted session replay built for privacy compliance')
    .version(serverVersion())
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  for (const command of [
    startCommand(io),
    sitesCommand(io),
    policyCommand(io),
    noticeCommand(io),
    usersCommand(io),
    tokensCommand(io),
    auditCommand(io),
    eraseCommand(io),
    eraseContentCommand(io),
    exportSubjectCommand(io),
    retentionCommand(io),
    inventoryCommand(io),
    reportCommand(io),
    processorsCommand(io),
    attestCommand(io),
    incidentsCommand(io),
    scanCommand(io),
    demoCommand(io),
  ]) {
    program.addCommand(command);
  }
  for (const command of program.commands) {
    command
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
    for (const sub of command.commands) {
      sub
        .exitOverride()
        .showHelpAfterError()
        .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
    }
  }
  return program;
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ConfigError) io.err(error.message);
    else if (error instanceof VeilError) io.err(`error: ${error.message}`);
    else io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runCli(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exitCode = code;
  });
}
