import { INCIDENT_FOUND_HOW, INCIDENT_KINDS, type Incident, type IncidentDetail } from '@veil/core';
import { Command, InvalidArgumentError, Option } from 'commander';
import { systemClock } from '../../clock.js';
import {
  createIncident,
  decideIncident,
  incidentDetail,
  incidentOf,
  incidentView,
} from '../../incidents/incidents.js';
import type { CliIo } from './shared.js';
import { CLI_ACTOR, withSubjectRights } from './subjectRights.js';

const HOUR_MS = 60 * 60 * 1000;

function parseTime(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError('expected an ISO date or milliseconds since the epoch');
  return ms;
}

function iso(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString();
}

/** "41.5 h left", "overdue by 3.0 h", "decided 12.0 h before the deadline". */
export function describeClock(i: Incident): string {
  const hours = (Math.abs(i.clock.remainingMs) / HOUR_MS).toFixed(1);
  switch (i.clock.state) {
    case 'running':
      return `${hours} h left to notify (deadline ${iso(i.clock.deadline)})`;
    case 'overdue':
      return `OVERDUE by ${hours} h (deadline ${iso(i.clock.deadline)}), no decision recorded`;
    case 'decided':
      return `decided ${hours} h before the deadline`;
    case 'decided_late':
      return `decided ${hours} h after the deadline`;
  }
}

function line(i: Incident): string {
  return `${i.id}  ${i.kind}  ${i.title}  discovered ${iso(i.discoveredAt)}  ${describeClock(i)}  sessions found ${i.sessionsFound}, erased ${i.sessionsErased}`;
}

function printDetail(io: CliIo, d: IncidentDetail): void {
  const i = d.incident;
  io.out(`Incident ${i.id}: ${i.title}`);
  io.out(`  kind: ${i.kind}; page: ${i.page ?? '—'}; element: ${i.element ?? '—'}`);
  io.out(`  window: ${iso(i.windowFrom)} – ${iso(i.windowTo)}`);
  io.out(
    `  found: ${i.foundHow}${i.foundDetails ? ` (${i.foundDetails})` : ''}; discovered ${iso(i.discoveredAt)}`,
  );
  io.out(`  72-hour clock: ${describeClock(i)}`);
  io.out(
    i.decision
      ? `  decision: ${i.decision.decision === 'notify' ? 'notify the authority' : 'do not notify'} — ${i.decision.reason} (by ${i.decision.decidedBy} at ${iso(i.decision.decidedAt)}${i.decision.notifiedAt ? `; notified ${iso(i.decision.notifiedAt)}` : ''})`
      : '  decision: none yet',
  );
  io.out(`  sessions found: ${i.sessionsFound}; erased: ${i.sessionsErased}`);
  for (const s of d.scans) {
    io.out(
      `  scan ${s.id} (${s.kind}, hash ${s.valueHash.slice(0, 16)}…): ${s.status}, ${s.matchedSessions} sessions`,
    );
    if (s.erasure)
      io.out(
        `    erasure receipt ${s.erasure.id}: ${s.erasure.sessions} sessions, ${s.erasure.dataKeysDestroyed} data keys destroyed at ${iso(s.erasure.erasedAt)}`,
      );
  }
}

/** `veil incidents list|show|create|decide`: exposure incidents and their 72-hour clock. */
export function incidentsCommand(io: CliIo): Command {
  const command = new Command('incidents').description(
    'exposure incidents: what leaked, the sessions found and erased, the GDPR 72-hour notification clock and decision',
  );
  command
    .command('list')
    .description("a site's incidents with their 72-hour clock")
    .requiredOption('--site <key>', 'the site')
    .option('--json', 'print JSON')
    .action(async (opts: { site: string; json?: boolean }) => {
      const incidents = await withSubjectRights(io, opts.site, async ({ store, site }) => {
        const now = systemClock.now();
        const out: Incident[] = [];
        for (const i of await store.incidents.list(site.id, 200)) out.push(await incidentView(store, i, now));
        return out;
      });
      if (opts.json) io.out(JSON.stringify({ incidents }));
      else if (incidents.length === 0) io.out('No incidents.');
      else for (const i of incidents) io.out(line(i));
    });
  command
    .command('show')
    .description('one incident: what leaked, its clock and decision, its scans and erasure receipts')
    .requiredOption('--site <key>', 'the site')
    .argument('<id>', 'the incident id (inc_…)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { site: string; json?: boolean }) => {
      const detail = await withSubjectRights(io, opts.site, async ({ store, site }) =>
        incidentDetail(store, await incidentOf(store, site, id), systemClock.now()),
      );
      if (opts.json) io.out(JSON.stringify(detail));
      else printDetail(io, detail);
    });
  command
    .command('create')
    .description(
      'record an exposure incident (describe where, never the value; then veil erase-content --incident ID)',
    )
    .requiredOption('--site <key>', 'the site')
    .requiredOption('--title <text>', 'a short title')
    .addOption(new Option('--kind <kind>', 'what leaked').choices(INCIDENT_KINDS).makeOptionMandatory())
    .addOption(
      new Option('--found-how <how>', 'how it was found').choices(INCIDENT_FOUND_HOW).makeOptionMandatory(),
    )
    .option('--found-details <text>', 'how it was found, in words')
    .option('--page <url>', 'the page (URL or pattern)')
    .option('--element <selector>', 'the element (CSS selector or path)')
    .option('--from <time>', 'recordings received from (ISO date or ms)', parseTime)
    .option('--to <time>', 'recordings received until (ISO date or ms)', parseTime)
    .option(
      '--discovered-at <time>',
      'when it was discovered (default: now); the 72-hour clock starts here',
      parseTime,
    )
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        site: string;
        title: string;
        kind: (typeof INCIDENT_KINDS)[number];
        foundHow: (typeof INCIDENT_FOUND_HOW)[number];
        foundDetails?: string;
        page?: string;
        element?: string;
        from?: number;
        to?: number;
        discoveredAt?: number;
        json?: boolean;
      }) => {
        const incident = await withSubjectRights(io, opts.site, async ({ deps, store, site }) => {
          const created = await createIncident(
            { store, clock: deps.clock, audit: deps.audit },
            {
              site,
              body: {
                title: opts.title,
                kind: opts.kind,
                foundHow: opts.foundHow,
                foundDetails: opts.foundDetails,
                page: opts.page,
                element: opts.element,
                windowFrom: opts.from,
                windowTo: opts.to,
                discoveredAt: opts.discoveredAt,
              },
              createdBy: 'cli',
              actor: CLI_ACTOR,
            },
          );
          return incidentView(store, created, systemClock.now());
        });
        if (opts.json) io.out(JSON.stringify({ incident }));
        else io.out(`Recorded ${line(incident)}`);
      },
    );
  command
    .command('decide')
    .description('record the notification decision (once): --notify or --no-notify, with --reason')
    .requiredOption('--site <key>', 'the site')
    .argument('<id>', 'the incident id (inc_…)')
    .option('--notify', 'the supervisory authority is (or will be) notified')
    .option('--no-notify', 'no notification: the reason says why (e.g. unlikely to result in a risk)')
    .requiredOption('--reason <text>', 'why')
    .option('--notified-at <time>', 'when the authority was notified (with --notify)', parseTime)
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        opts: { site: string; notify?: boolean; reason: string; notifiedAt?: number; json?: boolean },
      ) => {
        if (opts.notify === undefined) throw new InvalidArgumentError('give --notify or --no-notify');
        const incident = await withSubjectRights(io, opts.site, async ({ deps, store, site }) => {
          const decided = await decideIncident(
            { store, clock: deps.clock, audit: deps.audit },
            {
              site,
              id,
              body: {
                decision: opts.notify ? 'notify' : 'no_notify',
                reason: opts.reason,
                notifiedAt: opts.notifiedAt,
              },
              decidedBy: 'cli',
              actor: CLI_ACTOR,
            },
          );
          return incidentView(store, decided, systemClock.now());
        });
        if (opts.json) io.out(JSON.stringify({ incident }));
        else io.out(`Decision recorded: ${line(incident)}`);
      },
    );
  return command;
}
