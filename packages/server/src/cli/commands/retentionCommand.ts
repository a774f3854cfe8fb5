import { Command } from 'commander';
import { cliActor } from '../../audit/auditActor.js';
import { systemClock } from '../../clock.js';
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
      const run = await withAuditLog(io, (store, audit) =>
        runRetentionPurge(
          { store, clock: systemClock, audit },
          {
            trigger: 'cli',
            siteKey: opts.site,
            dryRun: opts.dryRun,
            actor: cliActor(),
            onProgress: bar.update,
          },
        ),
      );
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
  return command;
}
