import { DEFAULT_HEATMAP_MIN_COHORT, DEVICE_CLASSES, type DeviceClass, parseDeviceClass } from '@veil/core';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { systemClock } from '../../clock.js';
import { loadConfig } from '../../config/config.js';
import { eraseDemoData } from '../../demo/eraseDemoData.js';
import { DEMO_BROWSER_ARGS, MAX_DEMO_CONCURRENCY, MAX_DEMO_SESSIONS, runDemo } from '../../demo/runDemo.js';
import { VeilError } from '../../errors/VeilError.js';
import { erasureReceiptView } from '../../subjects/eraseSubject.js';
import { loadIdentitySecret } from '../../subjects/identitySecret.js';
import { SubjectHasher } from '../../subjects/SubjectHasher.js';
import { withAuditLog } from './auditCommand.js';
import type { CliIo } from './shared.js';
import { CLI_ACTOR } from './subjectRights.js';

/** Exit status when some scripted visitors could not be recorded. */
export const DEMO_EXIT_FAILED_VISITS = 1;

/**
 * Visitors one `veil demo` records by default: five rounds of the personas, a margin above the
 * default minimum cohort of a heatmap (20), since visitors are counted from a keyed-hash bitmap
 * whose count never exceeds the true number (two of 20 visitors share a bit about 5 % of the time).
 */
export const DEFAULT_DEMO_SESSIONS = 25;
/** Visitors driven at once by default (they mostly wait between steps, as people do). */
export const DEFAULT_DEMO_CONCURRENCY = 4;

interface DemoCliOptions {
  sessions: number;
  devices: DeviceClass[];
  url?: string;
  concurrency: number;
  seed: number;
  chromium?: string;
  erase?: boolean;
  json?: boolean;
}

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** The classes as the demo names them: the widest, and most visited, first. */
const DEVICE_CLASS_NAMES: readonly DeviceClass[] = [...DEVICE_CLASSES].reverse();

/** `desktop,mobile`: device classes, each once, in the order given. */
function deviceClasses(value: string): DeviceClass[] {
  const names = value.split(',').map((name) => name.trim());
  const classes: DeviceClass[] = [];
  for (const name of names) {
    const known = parseDeviceClass(name);
    if (!known)
      throw new InvalidArgumentError(
        `expected device classes from ${DEVICE_CLASS_NAMES.join(', ')}, comma-separated`,
      );
    if (!classes.includes(known)) classes.push(known);
  }
  return classes;
}

function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('expected an http(s) URL');
  return url.origin;
}

/** Refuses to start Chromium when the server does not serve the demo site. */
async function checkDemoSite(baseUrl: string): Promise<void> {
  const demoUrl = new URL('/demo/', baseUrl).toString();
  let ok = false;
  try {
    const res = await fetch(demoUrl);
    ok = res.ok && (await res.text()).includes('/r/v1/loader.js');
  } catch {
    ok = false;
  }
  if (!ok)
    throw new VeilError(
      'not_found',
      `no demo site at ${demoUrl}: start the server first (npm start) with VEIL_DEMO on (the default)`,
    );
}

/**
 * `veil demo`: drives the demo site in headless Chromium with scripted visitors so that sessions,
 * signals, heatmaps and funnels have something to show; `--erase` erases every demo session.
 */
export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description(
      'record demo sessions: scripted visitors (clicks, typing, scrolling, rage and dead clicks, quick backs, errors, failed requests) drive the demo site in headless Chromium; --erase erases all demo data',
    )
    .option(
      '--sessions <n>',
      'how many visitors (one session each)',
      wholeNumber(1, MAX_DEMO_SESSIONS),
      DEFAULT_DEMO_SESSIONS,
    )
    .option(
      '--devices <list>',
      'device classes of the visitors, taking turns by rounds of five (desktop, tablet, mobile; comma-separated)',
      deviceClasses,
      ['desktop'] satisfies DeviceClass[],
    )
    .option(
      '--url <url>',
      "the running Veil server (default: http://127.0.0.1:PORT, PORT as the server's)",
      httpUrl,
    )
    .option(
      '--concurrency <n>',
      'visitors at once',
      wholeNumber(1, MAX_DEMO_CONCURRENCY),
      DEFAULT_DEMO_CONCURRENCY,
    )
    .option(
      '--seed <n>',
      "seed of the visitors' pauses and choices (same seed, same visits)",
      wholeNumber(0, 2 ** 31),
      1,
    )
    .option('--chromium <path>', 'Chromium executable (default: VEIL_CHROMIUM_PATH or /usr/bin/chromium)')
    .option(
      '--erase',
      "erase every session recorded as demo data (with its data key and the demo visitors' consent receipts), audited, and print the erasure receipts",
    )
    .option('--json', 'with --erase: print the erasure receipts as JSON only')
    .addHelpText(
      'after',
      "\nThe server must be running with the demo site (npm start; VEIL_DEMO defaults to on). Sessions of the\ndemo site are flagged as demo data; `veil demo --erase` removes them (run it where the server's\ndatabase is configured, like `veil erase`).\n\nHeatmaps and funnels keep their minimum cohort for demo data too (VEIL_HEATMAP_MIN_COHORT, default 20\ndistinct visitors per day and device class): the default run (25 desktop visitors, 4 at a time, about\na minute) fills the desktop heatmaps, the funnels and every signal; --devices desktop,tablet,mobile\n--sessions 75 fills every device class. See docs/demo.md.\n\nExamples:\n  npx veil demo\n  npx veil demo --devices desktop,tablet,mobile --sessions 75\n  npx veil demo --erase",
    )
    .action(async (opts: DemoCliOptions) => {
      if (opts.erase) {
        await eraseCommand(io, opts.json === true);
        return;
      }
      const config = loadConfig(io.env, io.cwd);
      const baseUrl = opts.url ?? `http://127.0.0.1:${config.port}`;
      await checkDemoSite(baseUrl);
      const executablePath = opts.chromium ?? io.env.VEIL_CHROMIUM_PATH ?? '/usr/bin/chromium';
      io.err(
        `Recording ${opts.sessions} demo sessions (${opts.devices.join(', ')}) on ${baseUrl}/demo/ (${opts.concurrency} at a time)…`,
      );
      const result = await runDemo({
        baseUrl,
        sessions: opts.sessions,
        concurrency: opts.concurrency,
        seed: opts.seed,
        devices: opts.devices,
        launch: async () => {
          const [{ chromium }, { CHROMIUM_ARGS }] = await Promise.all([
            import('playwright-core'),
            import('@veil/scanner'),
          ]);
          return chromium.launch({
            executablePath,
            args: [...CHROMIUM_ARGS, ...DEMO_BROWSER_ARGS],
            headless: true,
          });
        },
        onProgress: (p) => {
          const what = `${p.tally.pages} pages, ${p.tally.clicks} clicks, ${p.tally.keys} keys`;
          io.err(
            `[${p.index}/${p.total}] ${p.persona} (${p.device}): ${
              p.error === undefined ? what : `failed after ${what}: ${p.error}`
            } in ${(p.ms / 1000).toFixed(1)} s`,
          );
        },
      });
      io.out(
        `Recorded ${result.recorded} of ${opts.sessions} demo sessions in ${Math.round(result.ms / 1000)} s. Open ${baseUrl}/ (sessions, heatmaps, funnels); erase them with: npx veil demo --erase`,
      );
      // What this run adds towards each device class's heatmaps (the server's cohort is its own setting).
      const byDevice = DEVICE_CLASS_NAMES.filter((c) => result.recordedByDevice[c] > 0)
        .map((c) => `${c} ${result.recordedByDevice[c]}`)
        .join(', ');
      io.out(
        `Visitors by device class: ${byDevice || 'none'}. A heatmap needs the server's VEIL_HEATMAP_MIN_COHORT (default ${DEFAULT_HEATMAP_MIN_COHORT}) distinct visitors per day and device class; visitors of earlier runs today count too.`,
      );
      if (result.failed > 0) throw new CommanderError(DEMO_EXIT_FAILED_VISITS, 'veil.demo.failedVisits', '');
    });
}

async function eraseCommand(io: CliIo, json: boolean): Promise<void> {
  const receipts = await withAuditLog(io, async (store, audit, config) => {
    const identity = await loadIdentitySecret(config.identitySecret, config.dataDir);
    for (const warning of identity.warnings) io.err(`warning: ${warning}`);
    const deps = { store, clock: systemClock, hasher: new SubjectHasher(identity.secret), audit };
    return (await eraseDemoData(deps, { requestedBy: 'cli', actor: CLI_ACTOR })).map(erasureReceiptView);
  });
  if (json) {
    io.out(JSON.stringify({ receipts }));
    return;
  }
  if (receipts.length === 0) {
    io.out('No demo site on this instance: nothing to erase.');
    return;
  }
  for (const receipt of receipts) {
    io.out(
      `Erasure receipt ${receipt.id} (demo data of site ${receipt.siteKey}, request ${receipt.requestId})`,
    );
    io.out(
      `  deleted: ${receipt.sessions} sessions, ${receipt.chunks} chunks, ${receipt.consentReceipts} consent receipts; ${receipt.dataKeysDestroyed} data keys destroyed`,
    );
    io.out(`  at: ${new Date(receipt.completedAt).toISOString()}`);
    if (receipt.sessions === 0) io.out('  (no demo sessions were held)');
  }
}
