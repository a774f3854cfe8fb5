import { Command, InvalidArgumentError } from 'commander';
import { cliActor } from '../../audit/auditActor.js';
import {
  createApiToken,
  DEFAULT_TOKEN_LIFETIME_DAYS,
  MAX_TOKEN_LIFETIME_DAYS,
} from '../../auth/createApiToken.js';
import { systemClock } from '../../clock.js';
import { withAuditLog } from './auditCommand.js';
import { type CliIo, collect, parseRole, siteIdsOf } from './shared.js';

function parseDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_LIFETIME_DAYS)
    throw new InvalidArgumentError(`expected 1 to ${MAX_TOKEN_LIFETIME_DAYS} days`);
  return days;
}

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
    .option(
      '--site <siteKey>',
      'restrict the token to this site (repeatable; default: every site)',
      collect,
      [],
    )
    .option('--expires-in-days <days>', `lifetime (default ${DEFAULT_TOKEN_LIFETIME_DAYS})`, parseDays)
    .option('--json', 'print {"token": …} only')
    .action(
      async (opts: {
        role: ReturnType<typeof parseRole>;
        name: string;
        site: string[];
        expiresInDays?: number;
        json?: boolean;
      }) => {
        const { token, record } = await withAuditLog(io, async (store, audit) => {
          const siteIds = opts.site.length > 0 ? await siteIdsOf(store, opts.site) : null;
          const created = await createApiToken(store, systemClock, {
            role: opts.role,
            name: opts.name,
            expiresInDays: opts.expiresInDays ?? DEFAULT_TOKEN_LIFETIME_DAYS,
            siteIds,
          });
          await audit.record({
            action: 'token.created',
            actor: cliActor(),
            target: { type: 'token', id: created.record.id },
            details: {
              name: created.record.name,
              role: created.record.role,
              sites: opts.site.length > 0 ? [...opts.site].sort() : 'all',
              expiresAt: created.record.expiresAt,
            },
          });
          return created;
        });
        if (opts.json) {
          io.out(
            JSON.stringify({
              token,
              id: record.id,
              name: record.name,
              role: record.role,
              expiresAt: record.expiresAt,
            }),
          );
          return;
        }
        io.out(`Created ${record.role} token "${record.name}" (shown once):`);
        io.out(token);
        io.out('Send it as: Authorization: Bearer <token>');
        if (record.expiresAt !== null) io.out(`It expires at ${new Date(record.expiresAt).toISOString()}.`);
      },
    );
  return tokens;
}
