import { ALERT_KIND_TITLES, type AlertSeverity } from '@veil/core';
import type { AlertRecord } from '../storage/alerts/AlertRepository.js';

/** What a sink sends: built only from an alert's kind, severity, summary and details. */
export interface AlertMessage {
  subject: string;
  text: string;
  /** The webhook body: Slack reads `text` and `blocks`; other receivers read `veil`. */
  webhook: Record<string, unknown>;
}

const RANK: Record<AlertSeverity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

function alertJson(siteKey: string, a: AlertRecord) {
  return {
    id: a.id,
    siteKey,
    kind: a.kind,
    severity: a.severity,
    summary: a.summary,
    details: a.details,
    occurrences: a.occurrences,
    firstSeenAt: new Date(a.firstSeenAt).toISOString(),
    lastSeenAt: new Date(a.lastSeenAt).toISOString(),
  };
}

function line(a: AlertRecord): string {
  return `[${a.severity.toUpperCase()}] ${ALERT_KIND_TITLES[a.kind]}: ${a.summary}`;
}

function detailLines(a: AlertRecord): string[] {
  return Object.entries(a.details).map(([k, v]) => `  ${k}: ${v === null ? '—' : String(v)}`);
}

/** One alert as an e-mail and a webhook body. */
export function alertMessage(
  siteKey: string,
  alert: AlertRecord,
  dashboardUrl: string | undefined,
): AlertMessage {
  const link = dashboardUrl ? `${dashboardUrl.replace(/\/$/, '')}/alerts` : undefined;
  const text = [
    `${line(alert)} (site ${siteKey})`,
    ...detailLines(alert),
    ...(link ? [`Inbox: ${link}`] : []),
  ].join('\n');
  return {
    subject: `[Veil] ${alert.severity.toUpperCase()} ${ALERT_KIND_TITLES[alert.kind]} on ${siteKey}`,
    text,
    webhook: {
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
      veil: { type: 'alert', alert: alertJson(siteKey, alert) },
    },
  };
}

/** Several held alerts as one digest, most severe first. */
export function digestMessage(
  siteKey: string,
  alerts: readonly AlertRecord[],
  dashboardUrl: string | undefined,
): AlertMessage {
  const sorted = [...alerts].sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || a.firstSeenAt - b.firstSeenAt,
  );
  const link = dashboardUrl ? `${dashboardUrl.replace(/\/$/, '')}/alerts` : undefined;
  const text = [
    `${alerts.length} alerts on site ${siteKey} (digest: more fired than the sink's hourly limit)`,
    ...sorted.map((a) => `• ${line(a)}`),
    ...(link ? [`Inbox: ${link}`] : []),
  ].join('\n');
  return {
    subject: `[Veil] Digest: ${alerts.length} alerts on ${siteKey}`,
    text,
    webhook: {
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
      veil: { type: 'digest', alerts: sorted.map((a) => alertJson(siteKey, a)) },
    },
  };
}
