import { Command, InvalidArgumentError } from 'commander';
import { cliActor } from '../../audit/auditActor.js';
import {
  generatePassword,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from '../../auth/passwords.js';
import { generateTotpSecret, otpauthUri, totpStep } from '../../auth/totp.js';
import { sealTotpSecret } from '../../auth/totpSecretBox.js';
import { systemClock } from '../../clock.js';
import { EnvelopeCipher } from '../../crypto/EnvelopeCipher.js';
import { loadMasterKey } from '../../crypto/masterKey.js';
import { withAuditLog } from './auditCommand.js';
import { type CliIo, collect, parseRole, siteIdsOf } from './shared.js';

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
    .option(
      '--site <siteKey>',
      'restrict the user to this site (repeatable; default: every site)',
      collect,
      [],
    )
    .option('--totp', 'enrol the user in TOTP now; prints the otpauth:// URI once (for provisioning)')
    .option('--json', 'print JSON only')
    .action(
      async (opts: {
        email: string;
        role: ReturnType<typeof parseRole>;
        password?: string;
        site: string[];
        totp?: boolean;
        json?: boolean;
      }) => {
        const password = opts.password ?? generatePassword();
        const { user, totpUri } = await withAuditLog(io, async (store, audit, config) => {
          const siteIds = opts.site.length > 0 ? await siteIdsOf(store, opts.site) : null;
          const created = await store.users.create({
            email: opts.email,
            role: opts.role,
            passwordHash: await hashPassword(password, config.passwordHashing),
            createdAt: systemClock.now(),
            siteIds,
          });
          if (!created) return { user: undefined, totpUri: undefined };
          let uri: string | undefined;
          if (opts.totp) {
            const master = await loadMasterKey(config.masterKey, config.dataDir);
            const secret = generateTotpSecret();
            const cipher = new EnvelopeCipher(master.key);
            await store.users.setPendingTotp(created.id, sealTotpSecret(cipher, created.id, secret));
            await store.users.enableTotp(created.id, systemClock.now(), totpStep(systemClock.now()) - 2);
            uri = otpauthUri(secret, created.email);
          }
          await audit.record({
            action: 'user.created',
            actor: cliActor(),
            target: { type: 'user', id: created.id },
            details: {
              email: created.email,
              role: created.role,
              sites: opts.site.length > 0 ? [...opts.site].sort() : 'all',
              totp: opts.totp === true,
            },
          });
          return { user: created, totpUri: uri };
        });
        if (!user) throw new Error(`a user with the email ${opts.email} exists already`);
        const generated = opts.password === undefined ? password : undefined;
        if (opts.json) {
          io.out(
            JSON.stringify({
              id: user.id,
              email: user.email,
              role: user.role,
              ...(generated ? { password: generated } : {}),
              ...(totpUri ? { otpauthUri: totpUri } : {}),
            }),
          );
          return;
        }
        io.out(`Created ${user.role} ${user.email}`);
        if (generated) io.out(`Generated password (shown once): ${generated}`);
        if (totpUri) io.out(`TOTP (shown once; scan or paste into an authenticator app): ${totpUri}`);
      },
    );
  users
    .command('allow-sso-link')
    .description(
      'let single sign-on link this existing account by its email at its next SSO login (once); --revoke withdraws it',
    )
    .requiredOption('--email <email>', 'login email of the account', parseEmail)
    .option('--revoke', 'withdraw the permission instead')
    .action(async (opts: { email: string; revoke?: boolean }) => {
      const allow = opts.revoke !== true;
      const found = await withAuditLog(io, async (store, audit) => {
        const user = await store.users.findByEmail(opts.email);
        if (!user) return false;
        if (user.ssoLinkAllowed !== allow) {
          await store.users.update(user.id, { ssoLinkAllowed: allow });
          await audit.record({
            action: 'user.updated',
            actor: cliActor(),
            target: { type: 'user', id: user.id },
            details: {
              email: user.email,
              changes: [{ field: 'ssoLinkAllowed', before: user.ssoLinkAllowed, after: allow }],
            },
          });
        }
        return true;
      });
      if (!found) throw new Error(`no user has the email ${opts.email}`);
      io.out(
        allow
          ? `Single sign-on may link ${opts.email} at its next SSO login`
          : `Single sign-on may not link ${opts.email}`,
      );
    });
  return users;
}
