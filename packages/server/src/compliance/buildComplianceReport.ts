import { createHash } from 'node:crypto';
import {
  type Attestation,
  type ComplianceReport,
  complianceReportSchema,
  type Incident,
  type PolicyChange,
  type Processor,
  READINESS_TREND_MONTHS,
  type Role,
} from '@veil/core';
import type { AuditLog } from '../audit/AuditLog.js';
import type { Clock } from '../clock.js';
import { consentStats } from '../consent/consentStats.js';
import { incidentView } from '../incidents/incidents.js';
import { inventoryListing } from '../inventory/inventoryListing.js';
import { retentionStatus } from '../retention/retentionStatus.js';
import type {
  AttestationRecord,
  Period,
  ProcessorRecord,
} from '../storage/compliance/ComplianceRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { complianceChecklists } from './complianceChecklists.js';
import { READINESS_EVIDENCE_WINDOW_MS, readinessScore } from './readinessScore.js';
import { recordOfProcessing } from './recordOfProcessing.js';

const DAY_MS = 86_400_000;
/** Most incidents of a site read for one pack (they are few: each is a recorded breach). */
const MAX_INCIDENTS = 10_000;
const HOUR_MS = 3_600_000;
/** Most rows a list section carries (the counts above it are always complete). */
export const REPORT_MAX_ROWS = 500;

export interface ComplianceReportDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
}

export interface ComplianceReportRequest {
  site: SiteRecord;
  period: Period;
  /** Who asked: an email, a token's name, `cli`, `schedule`. */
  generatedBy: string;
  /** Told as each section is built (the CLI shows it on long runs). */
  onProgress?: (step: string, done: number, total: number) => void;
}

export function processorView(p: ProcessorRecord): Processor {
  return {
    id: p.id,
    name: p.name,
    role: p.role,
    purpose: p.purpose,
    location: p.location,
    dpaSignedAt: p.dpaSignedAt,
    dpaReference: p.dpaReference,
    updatedAt: p.updatedAt,
    updatedBy: p.updatedBy,
  };
}

export function attestationView(a: AttestationRecord, now: number): Attestation {
  return {
    id: a.id,
    kind: a.kind,
    statement: a.statement,
    reference: a.reference,
    attestedBy: a.attestedBy,
    attestedAt: a.attestedAt,
    expiresAt: a.expiresAt,
    valid: a.attestedAt <= now && now < a.expiresAt,
  };
}

/** SHA-256 of the raw public key as colon-separated hex pairs (what `veil audit key` pins). */
export function keyFingerprint(publicKeyBase64: string): string {
  const hex = createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest('hex');
  return hex.match(/../g)?.join(':') ?? hex;
}

/** A policy change as one line; canary values are never written out. */
function describeChange(c: PolicyChange): string {
  if (c.field === 'canaries' || c.field === 'alerts') return `${c.field} ${c.kind}`;
  if (c.added || c.removed) {
    const parts = [
      c.added && c.added.length > 0 ? `added ${c.added.map((v) => JSON.stringify(v)).join(', ')}` : '',
      c.removed && c.removed.length > 0
        ? `removed ${c.removed.map((v) => JSON.stringify(v)).join(', ')}`
        : '',
    ].filter(Boolean);
    return `${c.field}: ${parts.join('; ') || c.kind}`.slice(0, 300);
  }
  return `${c.field}: ${JSON.stringify(c.before) ?? '—'} → ${JSON.stringify(c.after) ?? '—'}`.slice(0, 300);
}

const rate = (granted: number, denied: number): number | null =>
  granted + denied === 0 ? null : granted / (granted + denied);

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function consentSection(
  counts: Parameters<typeof consentStats>[0],
  period: Period,
): ComplianceReport['consent'] {
  const stats = consentStats(counts, { from: period.from, to: period.to, bucket: 'day' });
  type Sum = { granted: number; denied: number; withdrawn: number };
  const fold = (key: (r: (typeof stats.rows)[number]) => string) => {
    const out = new Map<string, Sum>();
    for (const r of stats.rows) {
      const k = key(r);
      const s = out.get(k) ?? { granted: 0, denied: 0, withdrawn: 0 };
      s.granted += r.granted;
      s.denied += r.denied;
      s.withdrawn += r.withdrawn;
      out.set(k, s);
    }
    return [...out.entries()].sort(([a], [b]) => a.localeCompare(b));
  };
  return {
    totals: stats.totals,
    optInRate: rate(stats.totals.granted, stats.totals.denied),
    bySource: fold((r) => r.source).map(([source, s]) => ({
      source,
      ...s,
      optInRate: rate(s.granted, s.denied),
    })),
    byRegion: fold((r) => r.region ?? 'unknown').map(([region, s]) => ({
      region,
      ...s,
      optInRate: rate(s.granted, s.denied),
    })),
    daily: fold((r) => String(r.start).padStart(16, '0')).map(([day, s]) => ({
      day: Number(day),
      granted: s.granted,
      denied: s.denied,
      optInRate: rate(s.granted, s.denied),
    })),
    dailyByRegion: fold((r) => `${String(r.start).padStart(16, '0')}|${r.region ?? 'unknown'}`).map(
      ([key, s]) => {
        const [day = '0', region = 'unknown'] = key.split('|');
        return {
          day: Number(day),
          region,
          granted: s.granted,
          denied: s.denied,
          optInRate: rate(s.granted, s.denied),
        };
      },
    ),
  };
}

/** The inventory as it is now: counts over every item, the first `REPORT_MAX_ROWS` items (pages first). */
async function inventorySection(store: Store, site: SiteRecord): Promise<ComplianceReport['inventory']> {
  const { storage, items } = await inventoryListing(store, site);
  const count = (keep: (i: (typeof items)[number]) => boolean) => items.filter(keep).length;
  return {
    storage,
    pages: count((i) => i.kind === 'page'),
    fields: count((i) => i.kind !== 'page'),
    pending: count((i) => i.status === 'pending'),
    approved: count((i) => i.status === 'approved'),
    excluded: count((i) => i.status === 'excluded'),
    captured: count((i) => i.capture === 'captured'),
    sensitiveCaptured: count((i) => i.capture === 'captured' && i.sensitive !== null),
    items: items.slice(0, REPORT_MAX_ROWS),
  };
}

/** Incidents live in the period: discovered before its end, not decided before its start. */
async function incidentsSection(
  store: Store,
  site: SiteRecord,
  period: Period,
  now: number,
): Promise<ComplianceReport['incidents']> {
  const records = (await store.incidents.list(site.id, MAX_INCIDENTS)).filter(
    (i) => i.discoveredAt < period.to && (i.decision === null || i.decision.decidedAt >= period.from),
  );
  const items: Incident[] = [];
  for (const record of records.reverse()) items.push(await incidentView(store, record, now));
  const count = (keep: (i: Incident) => boolean) => items.filter(keep).length;
  return {
    total: items.length,
    undecided: count((i) => i.decision === null),
    overdue: count((i) => i.clock.state === 'overdue'),
    decidedInTime: count((i) => i.clock.state === 'decided'),
    decidedLate: count((i) => i.clock.state === 'decided_late'),
    notified: count((i) => i.decision?.decision === 'notify'),
    sessionsFound: items.reduce((n, i) => n + i.sessionsFound, 0),
    sessionsErased: items.reduce((n, i) => n + i.sessionsErased, 0),
    items: items.slice(-REPORT_MAX_ROWS),
  };
}

/**
 * Builds the compliance pack of one site over a period from Veil's own data (one model; the JSON
 * format is this object, HTML and PDF render it). Validated against core's schema before it is
 * returned, so a renderer never meets a malformed report.
 */
export async function buildComplianceReport(
  deps: ComplianceReportDeps,
  request: ComplianceReportRequest,
): Promise<ComplianceReport> {
  const { store, clock, audit } = deps;
  const { site, period } = request;
  const now = clock.now();
  const steps = [
    'policy',
    'retention',
    'consent',
    'access',
    'alerts',
    'requests',
    'inventory',
    'incidents',
    'register',
    'audit chain',
    'readiness',
  ];
  let done = 0;
  const progress = (step: string) => request.onProgress?.(step, done++, steps.length);

  progress('policy');
  const policy = site.policy;
  const versions = await store.privacy.listVersions(site.id, REPORT_MAX_ROWS);
  const users = await store.users.list();
  const roles: Role[] = [];
  for (const u of users)
    if (u.allSites || (await store.users.siteIds(u.id)).includes(site.id)) roles.push(u.role);

  progress('retention');
  const [status] = await retentionStatus(store, clock, site.siteKey);
  const receipts = await store.compliance.purgeReceipts(site.id, period);
  const holds = await store.retention.listHolds(site.id, now, true);
  const lastReceipt = status?.lastReceipt ?? null;

  progress('consent');
  const consent = consentSection(await store.consent.counts(site.id, period.from, period.to, DAY_MS), period);

  progress('access');
  const views = await store.compliance.replayViews(site.id, period);
  const viewers = new Map<string, { views: number; sessions: Set<string> }>();
  for (const v of views) {
    const entry = viewers.get(v.viewer) ?? { views: 0, sessions: new Set<string>() };
    entry.views++;
    entry.sessions.add(v.sessionId);
    viewers.set(v.viewer, entry);
  }

  progress('alerts');
  const alerts = await store.compliance.alerts(site.id, period);
  const byKind = new Map<string, number>();
  for (const a of alerts) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1);
  const maskingFailures = (await store.privacy.listMaskingFailures(site.id, 10_000)).filter(
    (f) => f.firstSeenAt < period.to && f.lastSeenAt >= period.from,
  );

  progress('requests');
  const requests = await store.compliance.subjectRequests(site.id, period);
  const turnarounds = requests.flatMap((r) =>
    r.completedAt === null ? [] : [(r.completedAt - r.receivedAt) / HOUR_MS],
  );

  progress('inventory');
  const inventory = await inventorySection(store, site);

  progress('incidents');
  const incidents = await incidentsSection(store, site, period, now);

  progress('register');
  const processors = (await store.compliance.listProcessors(site.id)).map(processorView);
  const attestations = (await store.compliance.listAttestations(site.id)).map((a) => attestationView(a, now));
  // Months summarised up to the period's last day (`YYYY-MM` sorts as text).
  const lastMonth = new Date(period.to - 1).toISOString().slice(0, 7);
  const readinessTrend = (await store.compliance.listSummaries(site.id, READINESS_TREND_MONTHS))
    .filter((s) => s.month <= lastMonth)
    .map((s) => ({ month: s.month, score: s.score, max: s.maxScore }));

  progress('audit chain');
  const verified = await audit.verify();
  const key = audit.signingKey;

  progress('readiness');
  const windowStart = now - READINESS_EVIDENCE_WINDOW_MS;
  const recentAlerts = await store.compliance.alerts(site.id, { from: windowStart, to: now + 1 });
  const firstRecentAlert = recentAlerts.reduce<number | null>(
    (min, a) => (min === null || a.firstSeenAt < min ? a.firstSeenAt : min),
    null,
  );
  const lastAct = async (action: 'report.downloaded' | 'audit.exported', siteKey?: string) =>
    (await store.audit.query({ actions: [action], siteKey, order: 'desc', limit: 1 }))[0]?.at ?? null;
  const openAlerts = await store.alerts.list({ siteIds: [site.id], status: 'unresolved', limit: 1000 });
  const readiness = readinessScore({
    now,
    siteKey: site.siteKey,
    policy,
    roles,
    lastPurgeAt: lastReceipt?.completedAt ?? null,
    retentionException: status?.exception != null,
    unresolvedRedactionAlerts: openAlerts.filter((a) => a.kind === 'canary' || a.kind === 'masking_failure')
      .length,
    lastReportDownloadAt: await lastAct('report.downloaded', site.siteKey),
    lastAuditExportAt: await lastAct('audit.exported'),
    enabledSinks: (await store.alertSinks.list(site.id)).filter((s) => s.enabled).length,
    resolvedWithNote: recentAlerts.filter(
      (a) => a.status === 'resolved' && a.note && (a.resolvedAt ?? 0) >= windowStart,
    ).length,
    policyChangedAfterAlert:
      firstRecentAlert !== null && versions.some((v) => v.version > 1 && v.createdAt > firstRecentAlert),
    attestations: await store.compliance.listAttestations(site.id),
  });

  const exclusions = {
    pageAllowList: policy.pageAllowList,
    pageDenyList: policy.pageDenyList,
    blockSelectors: policy.blockSelectors,
    maskTextSelectors: policy.maskTextSelectors,
    restrictedRegions: policy.restrictedRegions,
    ipRules: policy.ipBlockList.length,
    maskAllText: policy.maskAllText,
    captureNetworkPayloads: policy.captureNetworkPayloads,
    allowedIframes: policy.allowIframes,
  };
  const sections = {
    site: { siteKey: site.siteKey, name: site.name, origins: site.origins },
    policy: {
      currentVersion: versions[0]?.version ?? 1,
      preset: policy.preset,
      samplingPercent: policy.samplingPercent,
      exclusions,
      versions: versions.map((v) => ({
        version: v.version,
        createdAt: v.createdAt,
        author: v.author.label,
        reason: v.reason,
        changes: v.diff.map(describeChange),
      })),
    },
    lawfulBasis: {
      basis: policy.lawfulBasis,
      assessment: policy.legitimateInterestAssessment ?? null,
      honoursGlobalPrivacyControl: policy.honourGlobalPrivacyControl,
    },
    retention: {
      retentionDays: policy.retentionDays,
      oldestSessionAt: status?.oldestSessionAt ?? null,
      dueSessionsNow: status?.dueSessions ?? 0,
      heldSessionsNow: status?.heldSessions ?? 0,
      exception: status?.exception
        ? { overdueSessions: status.exception.overdueSessions, oldestAt: status.exception.oldestAt }
        : null,
      runs: receipts.length,
      sessionsPurged: receipts.reduce((n, r) => n + r.sessions, 0),
      bytesPurged: receipts.reduce((n, r) => n + r.bytes, 0),
      receipts: receipts.slice(-REPORT_MAX_ROWS).map((r) => ({
        id: r.id,
        completedAt: r.completedAt,
        trigger: r.trigger,
        retentionDays: r.retentionDays,
        sessions: r.sessions,
        bytes: r.bytes,
        held: r.held,
        overdue: r.overdue,
      })),
      holds: holds
        .filter((h) => h.createdAt < period.to && (h.releasedAt ?? h.expiresAt) >= period.from)
        .map((h) => ({
          id: h.id,
          scope: h.sessionId !== null ? ('session' as const) : ('subject' as const),
          reason: h.reason,
          createdBy: h.createdBy,
          createdAt: h.createdAt,
          expiresAt: h.expiresAt,
          releasedAt: h.releasedAt,
        })),
    },
    consent,
    subjectRequests: {
      total: requests.length,
      completed: requests.filter((r) => r.completedAt !== null).length,
      pending: requests.filter((r) => r.completedAt === null).length,
      late: requests.filter((r) => (r.completedAt ?? now) > r.dueAt).length,
      medianTurnaroundHours: median(turnarounds),
      items: requests.slice(-REPORT_MAX_ROWS).map((r) => ({
        id: r.id,
        kind: r.kind,
        origin: r.origin,
        receivedAt: r.receivedAt,
        dueAt: r.dueAt,
        completedAt: r.completedAt,
        turnaroundHours: r.completedAt === null ? null : (r.completedAt - r.receivedAt) / HOUR_MS,
      })),
    },
    processors,
    inventory,
  };
  const report: ComplianceReport = {
    type: 'veil.compliance-pack',
    version: 1,
    generatedAt: now,
    generatedBy: request.generatedBy,
    period,
    figures: {
      sessionsStored: await store.compliance.countSessions(site.id, period),
      rawReplayViews: views.length,
      sessionsPurged: sections.retention.sessionsPurged,
      subjectRequests: requests.length,
      consentDecisions: consent.totals.granted + consent.totals.denied + consent.totals.withdrawn,
      alertsRaised: alerts.length,
    },
    recordOfProcessing: recordOfProcessing(site, policy, roles, processors),
    ...sections,
    access: {
      rawReplayViews: views.length,
      sessionsViewed: new Set(views.map((v) => v.sessionId)).size,
      viewers: [...viewers.entries()]
        .map(([viewer, v]) => ({ viewer, views: v.views, sessions: v.sessions.size }))
        .sort((a, b) => b.views - a.views || a.viewer.localeCompare(b.viewer)),
      views: views.slice(-REPORT_MAX_ROWS),
      anomalies: alerts.filter((a) => a.kind === 'access_anomaly').length,
    },
    alerts: {
      raised: alerts.length,
      open: alerts.filter((a) => a.status === 'open').length,
      acknowledged: alerts.filter((a) => a.status === 'acknowledged').length,
      resolved: alerts.filter((a) => a.status === 'resolved').length,
      byKind: [...byKind.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([kind, count]) => ({
          kind: kind as ComplianceReport['alerts']['byKind'][number]['kind'],
          count,
        })),
      items: alerts.slice(-REPORT_MAX_ROWS).map((a) => ({
        id: a.id,
        kind: a.kind,
        severity: a.severity,
        summary: a.summary,
        occurrences: a.occurrences,
        firstSeenAt: a.firstSeenAt,
        status: a.status,
        resolvedAt: a.resolvedAt,
        resolvedBy: a.resolvedBy,
        note: a.note,
      })),
      maskingFailures: maskingFailures.reduce((n, f) => n + f.count, 0),
    },
    incidents,
    auditChain: {
      ok: verified.ok,
      entries: verified.ok ? verified.entries : 0,
      checkpoints: verified.ok ? verified.checkpoints : 0,
      headSeq: verified.recordedHead.seq,
      problem: verified.ok ? null : verified.problem.message,
      signingKeyId: key.keyId,
      signingKeyFingerprint: keyFingerprint(key.publicKeyBase64),
    },
    attestations,
    readiness,
    readinessTrend,
    checklists: complianceChecklists({
      ...sections,
      readiness,
      attestations,
      canaries: policy.canaries.length,
    }),
  };
  request.onProgress?.('done', steps.length, steps.length);
  return complianceReportSchema.parse(report);
}
