import type { AlertService } from '../alerts/AlertService.js';
import type { Clock } from '../clock.js';
import type { ConsentCountRow } from '../storage/consent/ConsentReceiptRepository.js';
import type { Store } from '../storage/Store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the opt-in rates are compared (claimed once per interval across processes). */
export const CONSENT_RATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;
/** The recent window: the last 24 hours. */
export const CONSENT_RATE_RECENT_MS = DAY_MS;
/** The baseline: the 7 days before the recent window. */
export const CONSENT_RATE_BASELINE_MS = 7 * DAY_MS;
/**
 * Decisions (grants plus refusals) each window needs before its rate counts: fewer, and a handful
 * of refusals would look like a collapse.
 */
export const CONSENT_RATE_MIN_DECISIONS = 50;
/** The fold key of the alert: one unresolved alert per site, every further check folds into it. */
export const CONSENT_RATE_DROP_SUBJECT = 'opt-in-rate';

/** Grants and refusals of one window and its opt-in rate (grants ÷ (grants + refusals), 0–1). */
export interface ConsentWindow {
  granted: number;
  denied: number;
  rate: number | null;
}

export interface ConsentRateComparison {
  recent: ConsentWindow;
  baseline: ConsentWindow;
  /** Baseline rate minus recent rate, in percentage points rounded to 0.01 (negative: a rise); null when a window has too few decisions. */
  dropPoints: number | null;
}

function window(granted: number, denied: number): ConsentWindow {
  const decisions = granted + denied;
  return { granted, denied, rate: decisions === 0 ? null : granted / decisions };
}

/**
 * Compares the opt-in rate of the last 24 hours with that of the 7 days before, from the store's
 * counts of `[now − 8 days, now)` in day buckets (bucket 7 is the recent window). Withdrawals are
 * not decisions on a banner and count in neither window, as in the dashboard's opt-in rate.
 */
export function compareConsentRates(counts: readonly ConsentCountRow[]): ConsentRateComparison {
  const recentBucket = CONSENT_RATE_BASELINE_MS / DAY_MS;
  const tally = { recent: { granted: 0, denied: 0 }, baseline: { granted: 0, denied: 0 } };
  for (const c of counts) {
    if (c.decision === 'withdrawn' || c.bucket < 0 || c.bucket > recentBucket) continue;
    tally[c.bucket === recentBucket ? 'recent' : 'baseline'][c.decision] += c.count;
  }
  const recent = window(tally.recent.granted, tally.recent.denied);
  const baseline = window(tally.baseline.granted, tally.baseline.denied);
  const enough = (w: ConsentWindow) => w.granted + w.denied >= CONSENT_RATE_MIN_DECISIONS;
  const dropPoints =
    recent.rate !== null && baseline.rate !== null && enough(recent) && enough(baseline)
      ? Math.round((baseline.rate - recent.rate) * 10_000) / 100
      : null;
  return { recent, baseline, dropPoints };
}

function percent(rate: number | null): number | null {
  return rate === null ? null : Math.round(rate * 1000) / 10;
}

export interface ConsentRateDropDeps {
  store: Store;
  clock: Clock;
  alerts: AlertService;
}

/**
 * The `consent_rate_drop` detector (a scheduled job, once per interval across processes): for
 * each site, when both windows hold at least `CONSENT_RATE_MIN_DECISIONS` decisions and the
 * recent opt-in rate is more than the policy's `alerts.consentRateDropPoints` percentage points
 * below the baseline's, raises the alert (folded into the site's unresolved one). Returns the
 * sites it raised for.
 */
export async function detectConsentRateDrops(
  deps: ConsentRateDropDeps,
): Promise<Array<{ siteKey: string; dropPoints: number; created: boolean }>> {
  const { store, clock, alerts } = deps;
  const now = clock.now();
  const from = now - CONSENT_RATE_BASELINE_MS - CONSENT_RATE_RECENT_MS;
  const raised: Array<{ siteKey: string; dropPoints: number; created: boolean }> = [];
  for (const site of await store.sites.list()) {
    const { recent, baseline, dropPoints } = compareConsentRates(
      await store.consent.counts(site.id, from, now, DAY_MS),
    );
    const limit = site.policy.alerts.consentRateDropPoints;
    if (dropPoints === null || dropPoints <= limit) continue;
    const outcome = await alerts.raiseFor(site, 'consent_rate_drop', {
      subject: CONSENT_RATE_DROP_SUBJECT,
      summary: `opt-in rate fell from ${percent(baseline.rate)} % (previous 7 days) to ${percent(recent.rate)} % (last 24 h): ${dropPoints} points, limit ${limit}`,
      details: {
        recentRatePercent: percent(recent.rate),
        baselineRatePercent: percent(baseline.rate),
        dropPoints,
        limit,
        recentDecisions: recent.granted + recent.denied,
        baselineDecisions: baseline.granted + baseline.denied,
      },
    });
    raised.push({ siteKey: site.siteKey, dropPoints, created: outcome.created });
  }
  return raised;
}
