import type { AddressInfo } from 'node:net';
import { AUTH_SESSION_IDLE_MS } from './auth/principal.js';
import { ensureDemoSite } from './bootstrap/ensureDemoSite.js';
import { MONTHLY_SUMMARY_INTERVAL_MS, runMonthlySummaries } from './compliance/monthlySummary.js';
import { describeConfig, type VeilConfig } from './config/config.js';
import { CONSENT_RATE_CHECK_INTERVAL_MS, detectConsentRateDrops } from './consent/consentRateDrop.js';
import { type AppDeps, createApp, type VeilApp } from './createApp.js';
import { HEATMAP_SESSION_STATE_TTL_MS, HEATMAP_STATE_CLEANUP_INTERVAL_MS } from './heatmap/sessionPlan.js';
import { claimScheduledRun } from './jobs/claimScheduledRun.js';
import { type ScheduledJob, startJobs } from './jobs/JobScheduler.js';
import { SITE_SCAN_CHECK_INTERVAL_MS } from './jobs/SiteScanJob.js';
import { runWithRetentionAlerts } from './retention/retentionAlerts.js';
import { RETENTION_RUN_INTERVAL_MS } from './retention/retentionConstants.js';
import { runRetentionPurge } from './retention/runRetentionPurge.js';
import type { Store } from './storage/Store.js';

/** How often idle sessions are looked for; a session finalises at most this late. */
export const FINALISE_INTERVAL_MS = 60 * 1000;
/**
 * How often the audit log's head is signed (and anchored) when it moved: the tail of entries no
 * external anchor holds yet is at most this old.
 */
export const AUDIT_HEAD_CHECKPOINT_INTERVAL_MS = 60 * 1000;
/** How often expired login sessions are deleted. */
export const AUTH_CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
/** How often due alert notifications (retries, digests) are sent; new alerts go out at once. */
export const ALERT_DISPATCH_INTERVAL_MS = 5 * 1000;

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8080` (`localhost` when bound to every interface). */
  url: string;
  port: number;
  app: VeilApp;
  store: Store;
  /** The demo site's key when VEIL_DEMO is on. */
  demoSiteKey: string | undefined;
  /** The background jobs as scheduled (name, interval, run), so their cadence can be checked. */
  jobs: readonly ScheduledJob[];
  /** Stops the jobs, finishes in-flight requests, closes the store (if the app opened it). Idempotent. */
  close(): Promise<void>;
}

export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** `createApp`, listening on `config.host:config.port` (0 picks a free port), with the background jobs running. */
export async function startServer(config: VeilConfig, deps: AppDeps = {}): Promise<RunningServer> {
  const app = await createApp(config, deps);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  const { store, clock } = app.veil;
  if (config.demo && (app.veil.demoSiteKey === undefined || port !== config.port)) {
    app.veil.demoSiteKey = await ensureDemoSite(store, clock, port);
  }
  const jobs = serverJobs(app);
  const stopJobs = startJobs(
    jobs,
    app.log,
    // Processes sharing one database run each job once per interval between them.
    { claim: (job) => claimScheduledRun(store.settings, job.name, clock.now(), job.intervalMs) },
  );
  app.log.info({ config: describeConfig(config), port }, 'Veil started');
  let closing: Promise<void> | undefined;
  return {
    url: `http://${displayHost(config.host)}:${port}`,
    port,
    app,
    store,
    demoSiteKey: app.veil.demoSiteKey,
    jobs,
    close: () => {
      closing ??= (async () => {
        await stopJobs();
        await app.close();
      })();
      return closing;
    },
  };
}

/** The background jobs a server runs, each with its interval (started by `startServer`). */
export function serverJobs(app: VeilApp): ScheduledJob[] {
  const { store, clock, jobs } = app.veil;
  let retentionTrigger: 'start' | 'schedule' = 'start';
  return [
    {
      // At start and hourly; on a shared database one process at a time purges (the others get `busy`).
      name: 'retention-purge',
      intervalMs: RETENTION_RUN_INTERVAL_MS,
      runAtStart: true,
      run: () => {
        const trigger = retentionTrigger;
        retentionTrigger = 'schedule';
        // A failed site, sessions left past retention, or a failing job raise `retention_exception`.
        return runWithRetentionAlerts(
          {
            alerts: app.veil.alerts,
            store,
            clock,
            onAlertError: (error) => app.log.error({ err: error }, 'retention exception alert not raised'),
          },
          () => runRetentionPurge({ store, clock, audit: app.veil.audit, logger: app.log }, { trigger }),
        );
      },
    },
    {
      name: 'finalise-sessions',
      intervalMs: FINALISE_INTERVAL_MS,
      run: () => jobs.finaliseSessions.runOnce(),
    },
    {
      name: 'heatmap-session-state',
      intervalMs: HEATMAP_STATE_CLEANUP_INTERVAL_MS,
      run: () => store.heatmaps.deleteIdleSessions(clock.now() - HEATMAP_SESSION_STATE_TTL_MS, 10_000),
    },
    {
      name: 'audit-checkpoint',
      intervalMs: AUDIT_HEAD_CHECKPOINT_INTERVAL_MS,
      run: () => app.veil.audit.checkpointHead(),
    },
    {
      name: 'alert-dispatch',
      intervalMs: ALERT_DISPATCH_INTERVAL_MS,
      run: () => app.veil.alerts.dispatch(),
    },
    {
      // Last month's compliance summary per site, once (skips months already summarised).
      name: 'compliance-summary',
      intervalMs: MONTHLY_SUMMARY_INTERVAL_MS,
      run: () => runMonthlySummaries({ store, clock, audit: app.veil.audit, alerts: app.veil.alerts }),
    },
    {
      // Each site's opt-in rate of the last 24 h against the 7 days before: `consent_rate_drop`.
      name: 'consent-rate-check',
      intervalMs: CONSENT_RATE_CHECK_INTERVAL_MS,
      run: () => detectConsentRateDrops({ store, clock, alerts: app.veil.alerts }),
    },
    {
      // Opt-in per site: queues the schedules that are due and runs queued scans (fresh Chromium each).
      name: 'site-scans',
      intervalMs: SITE_SCAN_CHECK_INTERVAL_MS,
      run: () => jobs.siteScans.runOnce(),
    },
    {
      name: 'expire-login-sessions',
      intervalMs: AUTH_CLEANUP_INTERVAL_MS,
      run: () => store.authSessions.deleteExpired(clock.now(), clock.now() - AUTH_SESSION_IDLE_MS),
    },
  ];
}
