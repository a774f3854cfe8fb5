import type { AlertService } from '../alerts/AlertService.js';
import type { AuditLog } from '../audit/AuditLog.js';
import { systemActor } from '../audit/auditActor.js';
import type { Clock } from '../clock.js';
import type { Store } from '../storage/Store.js';
import { buildComplianceReport } from './buildComplianceReport.js';

/** How often the job looks whether last month's summaries exist yet (claimed once per interval across processes). */
export const MONTHLY_SUMMARY_INTERVAL_MS = 60 * 60 * 1000;

/** `YYYY-MM` of the calendar month (UTC) before the one `now` falls in, with its bounds. */
export function previousMonth(now: number): { month: string; from: number; to: number } {
  const d = new Date(now);
  const to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
  return { month: new Date(from).toISOString().slice(0, 7), from, to };
}

export interface MonthlySummaryDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  alerts: AlertService;
}

/**
 * Once per site and month: builds last month's compliance pack, keeps its readiness score and
 * figures (the dashboard's trend) and raises a `compliance_summary` alert, which goes to the inbox
 * and to the sinks the site's policy routes it to (the compliance officer's). A month already
 * summarised is skipped, so a restart or a second process sends nothing twice. Returns the months
 * summarised now, by site key.
 */
export async function runMonthlySummaries(
  deps: MonthlySummaryDeps,
): Promise<Array<{ siteKey: string; month: string }>> {
  const { store, clock, audit, alerts } = deps;
  const { month, from, to } = previousMonth(clock.now());
  const done: Array<{ siteKey: string; month: string }> = [];
  for (const site of await store.sites.list()) {
    if (site.createdAt >= to) continue;
    if (await store.compliance.findSummary(site.id, month)) continue;
    const report = await buildComplianceReport(deps, { site, period: { from, to }, generatedBy: 'schedule' });
    const f = report.figures;
    const figures = {
      sessions: f.sessionsStored,
      rawReplayViews: f.rawReplayViews,
      sessionsPurged: f.sessionsPurged,
      subjectRequests: f.subjectRequests,
      consentDecisions: f.consentDecisions,
      alerts: f.alertsRaised,
    };
    await store.compliance.putSummary({
      siteId: site.id,
      month,
      score: report.readiness.score,
      maxScore: report.readiness.max,
      figures,
      createdAt: clock.now(),
    });
    const open = report.readiness.areas.filter((a) => a.score < 2).map((a) => a.title);
    await alerts.raiseFor(site, 'compliance_summary', {
      subject: month,
      summary:
        `${month}: readiness ${report.readiness.score}/${report.readiness.max}; ${figures.sessions} sessions, ` +
        `${figures.rawReplayViews} raw-replay views, ${figures.sessionsPurged} purged, ${figures.subjectRequests} subject requests, ` +
        `${figures.alerts} alerts; audit chain ${report.auditChain.ok ? 'intact' : 'BROKEN'}`,
      details: {
        month,
        score: report.readiness.score,
        max: report.readiness.max,
        ...figures,
        auditChainOk: report.auditChain.ok,
        toImprove: open.join(', ').slice(0, 300),
      },
    });
    await audit.record({
      action: 'compliance.summary_sent',
      actor: systemActor('compliance-summary'),
      siteKey: site.siteKey,
      target: { type: 'compliance_summary', id: month },
      details: { month, score: report.readiness.score, max: report.readiness.max },
    });
    done.push({ siteKey: site.siteKey, month });
  }
  return done;
}
