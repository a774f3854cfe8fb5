import { Command } from 'commander';
import { createApiToken } from '../../auth/createApiToken.js';
import { systemClock } from '../../clock.js';
import { type CliIo, parseRole, withStore } from './shared.js';

export function tokensCommand(io: CliIo): Command {
  const tokens = new Command('tokens').description('manage API tokens');
  tokens
    .command('create')
    .description('create an API token with a role; prints it once (only its hash is stored)')
    .requiredOption(
      '--role <role>',
      'owner, admin, compliance_officer, analyst, replay_viewer or auditor',
      parseRole,
    )
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--json', 'print {"token": …} only')
    .action(async (opts: { role: ReturnType<typeof parseRole>; name: string; json?: boolean }) => {
      const { token, record } = await withStore(io, (store) =>
        createApiToken(store, systemClock, { role: opts.role, name: opts.name }),
      );
      if (opts.json) {
        io.out(JSON.stringify({ token, id: record.id, name: record.name, role: record.role }));
        return;
      }
      io.out(`Created ${record.role} token "${record.name}" (shown once):`);
      io.out(token);
      io.out('Send it as: Authorization: Bearer <token>');
    });
  return tokens;
}
