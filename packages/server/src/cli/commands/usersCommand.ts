import { Command, InvalidArgumentError } from 'commander';
import {
  generatePassword,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from '../../auth/passwords.js';
import { systemClock } from '../../clock.js';
import { type CliIo, parseRole, withStore } from './shared.js';

function parsePassword(value: string): string {
  if (value.length < MIN_PASSWORD_LENGTH || value.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidArgumentError(`expected ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  return value;
}

function parseEmail(value: string): string {
  const email = value.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 320)
    throw new InvalidArgumentError('expected an email address');
  return email;
}

export function usersCommand(io: CliIo): Command {
  const users = new Command('users').description('manage dashboard users');
  users
    .command('add')
    .description('create a user; prints the generated password once when none is given')
    .requiredOption('--email <email>', 'login email', parseEmail)
    .requiredOption(
      '--role <role>',
      'owner, admin, compliance_officer, analyst, replay_viewer or auditor',
      parseRole,
    )
    .option(
      '--password <password>',
      `at least ${MIN_PASSWORD_LENGTH} characters (default: generated)`,
      parsePassword,
    )
    .option('--json', 'print JSON only')
    .action(
      async (opts: {
        email: string;
        role: ReturnType<typeof parseRole>;
        password?: string;
        json?: boolean;
      }) => {
        const password = opts.password ?? generatePassword();
        const user = await withStore(io, async (store, config) =>
          store.users.create({
            email: opts.email,
            role: opts.role,
            passwordHash: await hashPassword(password, config.passwordHashing),
            createdAt: systemClock.now(),
          }),
        );
        if (!user) throw new Error(`a user with the email ${opts.email} exists already`);
        const generated = opts.password === undefined ? password : undefined;
        if (opts.json) {
          io.out(
            JSON.stringify({
              id: user.id,
              email: user.email,
              role: user.role,
              ...(generated ? { password: generated } : {}),
            }),
          );
          return;
        }
        io.out(`Created ${user.role} ${user.email}`);
        if (generated) io.out(`Generated password (shown once): ${generated}`);
      },
    );
  return users;
}
