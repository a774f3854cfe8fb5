import type { ContentScan } from '@veil/core';
import { Command, InvalidArgumentError } from 'commander';
import type { ContentQuery } from '../../erasure/contentMatcher.js';
import { eraseContentMatches, startContentScan } from '../../erasure/contentScan.js';
import { contentScanView } from '../../erasure/contentScanView.js';
import { incidentOf } from '../../incidents/incidents.js';
import type { ContentScanRecord } from '../../storage/contentScans/ContentScanRepository.js';
import type { CliIo } from './shared.js';
import { CLI_ACTOR, withSubjectRights } from './subjectRights.js';

const BAR_WIDTH = 30;
/** How often the progress bar reads the scan's progress. */
const POLL_MS = 200;

function parseTime(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError('expected an ISO date or milliseconds since the epoch');
  return ms;
}

interface EraseContentOptions {
  site: string;
  value?: string;
  valueEnv?: string;
  pattern?: string;
  caseSensitive?: boolean;
  from?: number;
  to?: number;
  incident?: string;
  erase?: boolean;
  json?: boolean;
}

function queryOf(io: CliIo, opts: EraseContentOptions): ContentQuery {
  const given = [opts.value, opts.valueEnv, opts.pattern].filter((v) => v !== undefined).length;
  if (given !== 1) throw new InvalidArgumentError('give exactly one of --value, --value-env and --pattern');
  const caseSensitive = opts.caseSensitive === true;
  if (opts.pattern !== undefined) return { kind: 'pattern', pattern: opts.pattern, caseSensitive };
  if (opts.valueEnv !== undefined) {
    const value = io.env[opts.valueEnv];
    if (value === undefined || value === '')
      throw new InvalidArgumentError(`the environment variable ${opts.valueEnv} is not set`);
    return { kind: 'value', value, caseSensitive };
  }
  return { kind: 'value', value: opts.value ?? '', caseSensitive };
}

function printScan(io: CliIo, scan: ContentScan): void {
  io.out(`Content scan ${scan.id} (${scan.kind}, hash ${scan.valueHash.slice(0, 16)}…): ${scan.status}`);
  io.out(`  scanned ${scan.sessionsScanned} of ${scan.sessionsTotal} sessions`);
  io.out(`  found in ${scan.matchedSessions} sessions (${scan.matchedCount} occurrences)`);
  for (const m of scan.matches) {
    const where = m.positions
      .slice(0, 3)
      .map((p) => `event ${p.eventIndex} ${p.path}`)
      .join('; ');
    io.out(`    ${m.sessionId}: ${m.count} × (${where}${m.positions.length > 3 ? '; …' : ''})`);
  }
  if (scan.error) io.out(`  FAILED: ${scan.error}`);
}

/**
 * `veil erase-content`: scan a site's decrypted recordings for a leaked value or pattern (with a
 * progress bar), list the sessions holding it (counts and positions, never the content) and, with
 * `--erase`, erase them with a receipt. The value is kept nowhere; the scan records its keyed hash.
 */
export function eraseContentCommand(io: CliIo): Command {
  return new Command('erase-content')
    .description(
      'find the sessions whose recordings hold a leaked value or pattern (counts and positions, never the content) and, with --erase, erase them with a receipt',
    )
    .requiredOption('--site <key>', 'the site to scan')
    .option('--value <text>', 'the leaked value, searched for literally (kept only as its keyed hash)')
    .option(
      '--value-env <name>',
      'read the value from this environment variable (keeps it out of shell history)',
    )
    .option('--pattern <regex>', 'a regular expression instead of a value (no nested quantifiers)')
    .option('--case-sensitive', 'match case exactly (default: ignore case)')
    .option('--from <time>', 'only sessions received at or after this time (ISO date or ms)', parseTime)
    .option('--to <time>', 'only sessions received before this time (ISO date or ms)', parseTime)
    .option(
      '--incident <id>',
      'link the scan and its erasure to this exposure incident (veil incidents create)',
    )
    .option('--erase', 'erase the sessions found, once the scan completes (legally held ones are kept)')
    .option('--json', 'print the scan (and receipt) as JSON')
    .action(async (opts: EraseContentOptions) => {
      const query = queryOf(io, opts);
      const stream = io.errStream;
      const result = await withSubjectRights(io, opts.site, async ({ deps, site, cipher }) => {
        if (opts.incident !== undefined) await incidentOf(deps.store, site, opts.incident);
        const started = await startContentScan(
          { ...deps, audit: deps.audit, cipher: await cipher() },
          {
            site,
            query,
            receivedFrom: opts.from,
            receivedTo: opts.to,
            incidentId: opts.incident,
            createdBy: 'cli',
            actor: CLI_ACTOR,
          },
        );
        let drawn = false;
        const timer = setInterval(() => {
          void deps.store.contentScans.get(started.scan.id).then((s) => {
            if (!s || !stream?.isTTY || s.sessionsTotal === 0) return;
            const filled = Math.min(BAR_WIDTH, Math.round((s.sessionsScanned / s.sessionsTotal) * BAR_WIDTH));
            stream.write(
              `\r[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${s.sessionsScanned}/${s.sessionsTotal} sessions, found in ${s.matchedSessions}`,
            );
            drawn = true;
          });
        }, POLL_MS);
        let scan: ContentScanRecord;
        try {
          scan = await started.done;
        } finally {
          clearInterval(timer);
          if (drawn) stream?.write('\n');
        }
        if (!opts.erase || scan.status !== 'completed') return { scan: contentScanView(scan), receipt: null };
        const erased = await eraseContentMatches(deps, {
          scanId: scan.id,
          site,
          erasedBy: 'cli',
          actor: CLI_ACTOR,
        });
        return { scan: contentScanView(erased.scan), receipt: erased.receipt };
      });
      if (opts.json) {
        io.out(JSON.stringify(result));
        return;
      }
      printScan(io, result.scan);
      const r = result.receipt;
      if (r) {
        io.out(
          `Erased: receipt ${r.id}: ${r.sessions} sessions, ${r.chunks} chunks, ${r.dataKeysDestroyed} data keys destroyed`,
        );
        if (r.heldSessionIds.length > 0) io.out(`  kept by legal holds: ${r.heldSessionIds.join(', ')}`);
      } else if (result.scan.status === 'completed' && result.scan.matchedSessions > 0) {
        io.out(`Nothing erased yet: run again with --erase, or POST …/content-scans/${result.scan.id}/erase`);
      }
    });
}
