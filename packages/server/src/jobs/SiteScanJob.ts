import { randomUUID } from 'node:crypto';
import type { ScanOptions, ScanReport } from '@veil/scanner';
import type { FastifyBaseLogger } from 'fastify';
import type { AlertService } from '../alerts/AlertService.js';
import type { Clock } from '../clock.js';
import { scanStartUrls } from '../scans/scanStartUrls.js';
import { summariseScanReport } from '../scans/summariseScanReport.js';
import type { Store } from '../storage/Store.js';
import type { ScanRunRecord } from '../storage/scans/ScanRepository.js';

/** How often due schedules and queued runs are looked for (scheduled scans start at most this late). */
export const SITE_SCAN_CHECK_INTERVAL_MS = 5 * 60 * 1000;
/** A run still `running` after this long lost its process: it is marked failed, the site may scan again. */
export const SITE_SCAN_STALE_AFTER_MS = 60 * 60 * 1000;
/** Runs done per `runOnce` (one at a time: each scan is a fresh Chromium). */
const MAX_RUNS_PER_PASS = 20;
/** Phases in which a recorder has no lawful basis: a high finding there raises `pre_consent_tracker`. */
const PHASES_WITHOUT_CONSENT: ReadonlySet<string> = new Set(['before_consent', 'after_reject']);

export type ScanFunction = (options: Partial<ScanOptions> & Pick<ScanOptions, 'urls'>) => Promise<ScanReport>;

export interface SiteScanJobDeps {
  store: Store;
  clock: Clock;
  alerts: AlertService;
  logger: FastifyBaseLogger;
  /** Chromium executable (VEIL_CHROMIUM_PATH). */
  chromiumPath: string;
  /** The scanner; `@veil/scanner`'s `scanSite`, loaded on first use, by default. */
  scan?: ScanFunction;
  /** Scanner options every run uses besides the schedule's (tests shorten the settle time, go offline). */
  scanOptions?: Partial<
    Omit<ScanOptions, 'urls' | 'crawl' | 'acceptSelector' | 'rejectSelector' | 'browser'>
  >;
}

export interface SiteScanPassResult {
  /** Runs queued for schedules that were due. */
  queued: number;
  completed: number;
  failed: number;
  /** `pre_consent_tracker` alerts created (not folded into an open one). */
  alertsCreated: number;
}

/**
 * Scheduled pre-consent scans of each site's origins. `runOnce` (the scheduler calls it once per
 * interval cluster-wide, through the shared claim) queues a run for every enabled schedule whose
 * interval has passed, then runs every queued run (also those queued by "run now"), one at a time:
 * each in a fresh Chromium launched for it and closed after it. A run stores a summary of the
 * findings (never page content) and raises `pre_consent_tracker` for each recorder that fired
 * before consent or after a refusal (one alert per vendor and phase, folded while unresolved).
 */
export class SiteScanJob {
  readonly #deps: SiteScanJobDeps;
  #running: Promise<SiteScanPassResult> | undefined;
  #again = false;

  constructor(deps: SiteScanJobDeps) {
    this.#deps = deps;
  }

  /** Queues due scheduled runs, then runs what is queued. */
  runOnce(): Promise<SiteScanPassResult> {
    return this.#pass(true);
  }

  /** Runs what is queued now, in the background (after "run now"); never throws. */
  kick(): void {
    void this.#pass(false).catch((error: unknown) =>
      this.#deps.logger.error({ err: error }, 'site scan pass failed'),
    );
  }

  /** Resolves when no pass is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running.catch(() => undefined);
  }

  #pass(enqueueDue: boolean): Promise<SiteScanPassResult> {
    if (this.#running) {
      // One pass at a time in a process; a request that comes meanwhile gets one more pass after it.
      this.#again = true;
      return this.#running;
    }
    const run = (async () => {
      const total: SiteScanPassResult = { queued: 0, completed: 0, failed: 0, alertsCreated: 0 };
      let first = true;
      do {
        this.#again = false;
        const r = await this.#passOnce(enqueueDue && first);
        first = false;
        total.queued += r.queued;
        total.completed += r.completed;
        total.failed += r.failed;
        total.alertsCreated += r.alertsCreated;
      } while (this.#again);
      return total;
    })().finally(() => {
      this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #passOnce(enqueueDue: boolean): Promise<SiteScanPassResult> {
    const { store, clock } = this.#deps;
    const result: SiteScanPassResult = { queued: 0, completed: 0, failed: 0, alertsCreated: 0 };
    await store.siteScans.failStaleRuns(clock.now() - SITE_SCAN_STALE_AFTER_MS, clock.now());
    if (enqueueDue) result.queued = await this.#enqueueDue();
    for (let i = 0; i < MAX_RUNS_PER_PASS; i++) {
      const run = await store.siteScans.claimQueuedRun(clock.now());
      if (!run) break;
      const outcome = await this.#execute(run);
      if (outcome === 'failed') result.failed += 1;
      else {
        result.completed += 1;
        result.alertsCreated += outcome.alertsCreated;
      }
    }
    return result;
  }

  async #enqueueDue(): Promise<number> {
    const { store, clock } = this.#deps;
    let queued = 0;
    for (const schedule of await store.siteScans.listEnabledSchedules()) {
      const latest = await store.siteScans.latestRun(schedule.siteId);
      if (latest && clock.now() - latest.queuedAt < schedule.intervalHours * 3_600_000) continue;
      const site = await store.sites.findById(schedule.siteId);
      if (!site || site.origins.length === 0) continue;
      const outcome = await store.siteScans.enqueueRun({
        id: `scan_${randomUUID()}`,
        siteId: site.id,
        trigger: 'schedule',
        requestedBy: null,
        queuedAt: clock.now(),
        urls: scanStartUrls(site.origins, schedule.paths),
      });
      if (outcome !== 'busy') queued += 1;
    }
    return queued;
  }

  async #execute(run: ScanRunRecord): Promise<'failed' | { alertsCreated: number }> {
    const { store, clock, logger } = this.#deps;
    const site = await store.sites.findById(run.siteId);
    const schedule = await store.siteScans.getSchedule(run.siteId);
    if (!site) {
      await store.siteScans.finishRun(
        run.id,
        { status: 'failed', error: 'the site no longer exists' },
        clock.now(),
      );
      return 'failed';
    }
    let report: ScanReport;
    try {
      const scan = this.#deps.scan ?? (await import('@veil/scanner')).scanSite;
      report = await scan({
        ...this.#deps.scanOptions,
        urls: run.urls,
        crawl: schedule?.crawl ?? 1,
        ...(schedule?.acceptSelector ? { acceptSelector: schedule.acceptSelector } : {}),
        ...(schedule?.rejectSelector ? { rejectSelector: schedule.rejectSelector } : {}),
        executablePath: this.#deps.chromiumPath,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn({ err: error, scanRunId: run.id, siteKey: site.siteKey }, 'site scan failed');
      await store.siteScans.finishRun(run.id, { status: 'failed', error: message }, clock.now());
      return 'failed';
    }
    const { summary, findings } = summariseScanReport(report);
    await store.siteScans.finishRun(run.id, { status: 'completed', summary, findings }, clock.now());
    let alertsCreated = 0;
    for (const f of findings) {
      if (f.severity !== 'high' || !PHASES_WITHOUT_CONSENT.has(f.phase)) continue;
      const raised = await this.#deps.alerts.raiseFor(site, 'pre_consent_tracker', {
        subject: `${f.vendorId}:${f.phase}`,
        summary: f.title,
        details: {
          vendorId: f.vendorId,
          vendorName: f.vendorName,
          phase: f.phase,
          pages: f.pageCount,
          firstPage: f.pages[0] ?? null,
          scanRunId: run.id,
        },
      });
      if (raised.created) alertsCreated += 1;
    }
    logger.info(
      { scanRunId: run.id, siteKey: site.siteKey, high: summary.high, medium: summary.medium, alertsCreated },
      'site scan finished',
    );
    return { alertsCreated };
  }
}
