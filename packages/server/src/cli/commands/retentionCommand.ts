import { Command, InvalidArgumentError } from 'commander';
import { AlertService } from '../../alerts/AlertService.js';
import { cliActor } from '../../audit/auditActor.js';
import { verifyMasterKey } from '../../bootstrap/verifyMasterKey.js';
import { systemClock } from '../../clock.js';
import { EnvelopeCipher } from '../../crypto/EnvelopeCipher.js';
import { loadMasterKey } from '../../crypto/masterKey.js';
import { holdView, placeHold, releaseHold } from '../../retention/legalHolds.js';
import { raiseRunExceptions } from '../../retention/retentionAlerts.js';
import { DAY_MS } from '../../retention/retentionConstants.js';
import { retentionStatus, type SiteRetentionStatus } from '../../retention/retentionStatus.js';
import {
  type PurgeProgress,
  type PurgeRunResult,
  runRetentionPurge,
} from '../../retention/runRetentionPurge.js';
import { withAuditLog } from './auditCommand.js';
import type { CliIo } from './shared.js';
import { withStore } from './shared.js';
import { CLI_ACTOR, withSubjectRights } from './subjectRights.js';

const BAR_WIDTH = 30;

function iso(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString();
}

function ageDays(ms: number | null, now: number): string {
  return ms === null ? '—' : `${((now - ms) / DAY_MS).toFixed(1)} days`;
}

/** A progress bar drawn in place on a terminal's stderr; silent when stderr is not a terminal. */
function progressBar(io: CliIo): { update(p: PurgeProgress): void; finish(): void } {
  const stream = io.errStream;
  let drawn = false;
  return {
    update(p) {
      if (!stream?.isTTY || p.total === 0) return;
      const filled = Math.min(BAR_WIDTH, Math.round((p.done / p.total) * BAR_WIDTH));
      stream.write(
        `\r[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${p.done}/${p.total} sessions (${p.siteKey})`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) stream?.write('\n');
    },
  };
}

function printRun(io: CliIo, run: PurgeRunResult): void {
  if (run.outcome === 'busy') {
    io.out('Another process is purging this database right now; nothing was done.');
    return;
  }
  io.out(`${run.dryRun ? 'Dry run (nothing removed)' : `Retention run ${run.runId}`}`);
  for (const s of run.sites) {
    const verb = run.dryRun ? 'would purge' : 'purged';
    io.out(
      `  ${s.siteKey} (${s.siteName}): ${verb} ${s.sessions} sessions, ${s.chunks} chunks, ${s.bytes} bytes; retention ${s.retentionDays} days (policy v${s.policyVersion}); held ${s.held}; oldest left ${iso(s.oldestRemainingAt)}${s.receiptId ? `; receipt ${s.receiptId}` : ''}`,
    );
    if (s.error !== undefined) io.out(`    FAILED: ${s.error}`);
    if (s.overdue > 0) io.out(`    EXCEPTION: ${s.overdue} sessions past retention are still present`);
  }
  if (run.holdsEnded > 0) io.out(`  ${run.holdsEnded} legal holds reached their expiry and ended`);
  const total = run.sites.reduce((sum, s) => sum + s.sessions, 0);
  io.out(`Total: ${total} sessions ${run.dryRun ? 'due' : 'purged'} over ${run.sites.length} sites`);
}

function printStatus(io: CliIo, sites: readonly SiteRetentionStatus[], now: number): void {
  for (const s of sites) {
    io.out(`${s.siteKey} (${s.siteName})`);
    io.out(`  policy: ${s.retentionDays} days (version ${s.policyVersion})`);
    io.out(`  oldest session: ${iso(s.oldestSessionAt)} (${ageDays(s.oldestSessionAt, now)}, server clock)`);
    io.out(
      `  due now: ${s.dueSessions} sessions; held: ${s.heldSessions} sessions under ${s.activeHolds} holds`,
    );
    io.out(`  next run: ${s.nextRunAt === null ? "at the server's next start" : iso(s.nextRunAt)}`);
    const r = s.lastReceipt;
    io.out(
      r === null
        ? '  last receipt: none yet'
        : `  last receipt: ${r.id} at ${iso(r.completedAt)} (${r.trigger}): ${r.sessions} sessions, ${r.bytes} bytes, policy v${r.policyVersion}`,
    );
    if (s.exception) {
      io.out(
        `  EXCEPTION: ${s.exception.overdueSessions} sessions older than policy allows (oldest ${iso(s.exception.oldestAt)})`,
      );
    }
  }
}

/** `veil retention run|status`: purge now (or preview it), and what retention holds per site. */
export function retentionCommand(io: CliIo): Command {
  const command = new Command('retention').description(
    'purge recordings past their retention, with receipts (run); retention per site (status)',
  );
  command
    .command('run')
    .description('purge every session past its site retention now (the server also does at start and hourly)')
    .option('--site <key>', 'only this site')
    .option('--dry-run', 'count what would be purged; remove nothing')
    .option('--json', 'print the run as JSON')
    .action(async (opts: { site?: string; dryRun?: boolean; json?: boolean }) => {
      const bar = progressBar(io);
      const run = await withAuditLog(io, async (store, audit, config) => {
        const result = await runRetentionPurge(
          { store, clock: systemClock, audit },
          {
            trigger: 'cli',
            siteKey: opts.site,
            dryRun: opts.dryRun,
            actor: cliActor(),
            onProgress: bar.update,
          },
        );
        if (!result.dryRun && result.sites.some((s) => s.overdue > 0 || s.error !== undefined)) {
          // Into the inbox and the sinks; a delivery left to retry is sent by the server's dispatch job.
          const cipher = new EnvelopeCipher((await loadMasterKey(config.masterKey, config.dataDir)).key);
          await verifyMasterKey(store, cipher);
          const alerts = new AlertService({
            store,
            clock: systemClock,
            cipher,
            onError: (message) => io.err(`warning: ${message}`),
          });
          await raiseRunExceptions(alerts, result);
          await alerts.dispatch(); // before the store closes
        }
        return result;
      });
      bar.finish();
      if (opts.json) io.out(JSON.stringify(run));
      else printRun(io, run);
    });
  command
    .command('status')
    .description('per site: policy, oldest session, what is due and held, next run, last purge receipt')
    .option('--site <key>', 'only this site')
    .option('--json', 'print the status as JSON')
    .action(async (opts: { site?: string; json?: boolean }) => {
      const now = systemClock.now();
      const sites = await withStore(io, (store) => retentionStatus(store, systemClock, opts.site));
      if (opts.json) io.out(JSON.stringify({ at: now, sites }));
      else printStatus(io, sites, now);
    });
  command
    .command('hold')
    .description('hold a session, or every session of a user id, past retention (audited; ends by itself)')
    .requiredOption('--site <key>', 'the site')
    .option('--session <id>', 'the session to hold')
    .option(
      '--user-id <id>',
      "every session of this veil('identify') user id (stored only as its keyed hash)",
    )
    .requiredOption('--reason <text>', 'why (a case, a complaint, litigation)')
    .requiredOption('--days <n>', 'how many days the hold lasts', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of days');
      return n;
    })
    .option('--json', 'print the hold as JSON')
    .action(
      async (opts: {
        site: string;
        session?: string;
        userId?: string;
        reason: string;
        days: number;
        json?: boolean;
      }) => {
        if ((opts.session === undefined) === (opts.userId === undefined)) {
          throw new InvalidArgumentError('give exactly one of --session and --user-id');
        }
        const hold = await withSubjectRights(io, opts.site, async ({ deps, site }) => {
          const target =
            opts.session !== undefined
              ? { kind: 'session' as const, sessionId: opts.session }
              : { kind: 'userId' as const, userId: opts.userId ?? '' };
          const placed = await placeHold(deps, {
            site,
            target,
            reason: opts.reason,
            expiresAt: deps.clock.now() + opts.days * DAY_MS,
            createdBy: 'cli',
            actor: CLI_ACTOR,
          });
          return holdView(placed, deps.clock.now());
        });
        if (opts.json) io.out(JSON.stringify(hold));
        else io.out(`Legal hold ${hold.id} (${hold.scope}) until ${iso(hold.expiresAt)}: ${hold.reason}`);
      },
    );
  command
    .command('holds')
    .description("a site's legal holds (active; --all adds ended ones)")
    .requiredOption('--site <key>', 'the site')
    .option('--all', 'include released and expired holds')
    .option('--json', 'print the holds as JSON')
    .action(async (opts: { site: string; all?: boolean; json?: boolean }) => {
      const now = systemClock.now();
      const holds = await withStore(io, async (store) => {
        const site = await store.sites.findByKey(opts.site);
        if (!site) throw new InvalidArgumentError(`no site has the key ${opts.site}`);
        return (await store.retention.listHolds(site.id, now, opts.all === true)).map((h) =>
          holdView(h, now),
        );
      });
      if (opts.json) {
        io.out(JSON.stringify({ holds }));
        return;
      }
      if (holds.length === 0) io.out('No legal holds.');
      for (const h of holds) {
        const state = h.active ? `until ${iso(h.expiresAt)}` : `ended ${iso(h.releasedAt)} (${h.releasedBy})`;
        io.out(
          `${h.id}  ${h.scope}${h.sessionId ? ` ${h.sessionId}` : ''}  ${state}  by ${h.createdBy}: ${h.reason}`,
        );
      }
    });
  command
    .command('release')
    .description('release a legal hold before its expiry (audited)')
    .requiredOption('--site <key>', 'the site')
    .argument('<holdId>', 'the hold')
    .action(async (holdId: string, opts: { site: string }) => {
      const hold = await withSubjectRights(io, opts.site, ({ deps, site }) =>
        releaseHold(deps, { site, holdId, releasedBy: 'cli', actor: CLI_ACTOR }),
      );
      io.out(`Released ${hold.id}; the next purge run applies retention to what it held.`);
    });
  return command;
}
