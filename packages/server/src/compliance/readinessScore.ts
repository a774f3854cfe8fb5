import {
  ATTESTATION_AREA,
  type EvidenceLink,
  type PrivacyPolicy,
  READINESS_AREA_TITLES,
  READINESS_AREAS,
  READINESS_MAX,
  type Readiness,
  type ReadinessArea,
  type ReadinessAreaResult,
  type Role,
} from '@veil/core';
import type { AttestationRecord } from '../storage/compliance/ComplianceRepository.js';

/** How recent an act must be to count as evidence of a periodic habit (reviews, audits). */
export const READINESS_EVIDENCE_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;
/** A purge receipt older than this does not show that retention is enforced now (the job runs hourly). */
export const RETENTION_EVIDENCE_MAX_AGE_MS = 2 * 24 * 60 * 60 * 1000;

/** What Veil knows that bears on readiness, gathered by the report builder at `now`. */
export interface ReadinessEvidence {
  now: number;
  siteKey: string;
  policy: PrivacyPolicy;
  /** Roles of the accounts that can reach the site. */
  roles: readonly Role[];
  lastPurgeAt: number | null;
  retentionException: boolean;
  /** Canary and masking-failure alerts not resolved. */
  unresolvedRedactionAlerts: number;
  lastReportDownloadAt: number | null;
  lastAuditExportAt: number | null;
  enabledSinks: number;
  /** Alerts resolved with a note within the evidence window. */
  resolvedWithNote: number;
  /** A policy version published within the evidence window after an alert was first seen. */
  policyChangedAfterAlert: boolean;
  attestations: readonly AttestationRecord[];
}

interface Scored {
  score: number;
  reason: string;
  evidence: EvidenceLink[];
}

const enc = encodeURIComponent;

function evidenceScore(area: ReadinessArea, e: ReadinessEvidence): Scored {
  const within = (at: number | null) => at !== null && e.now - at <= READINESS_EVIDENCE_WINDOW_MS;
  const policyLink = { label: 'Privacy policy', href: `/sites/${enc(e.siteKey)}/privacy` };
  switch (area) {
    case 'scope_exclusions': {
      const p = e.policy;
      const own =
        p.pageDenyList.length +
        p.blockSelectors.length +
        p.restrictedRegions.length +
        (p.pageAllowList.length > 0 ? 1 : 0);
      return own > 0
        ? { score: 2, reason: `${own} site-specific exclusions besides the defaults`, evidence: [policyLink] }
        : {
            score: 1,
            reason: 'built-in defaults only (passwords, inputs, payloads); no site-specific exclusion',
            evidence: [policyLink],
          };
    }
    case 'real_time_redaction': {
      if (e.unresolvedRedactionAlerts > 0)
        return {
          score: 0,
          reason: `${e.unresolvedRedactionAlerts} canary or masking-failure alerts unresolved`,
          evidence: [{ label: 'Alerts', href: `/sites/${enc(e.siteKey)}/compliance#alerts` }],
        };
      return e.policy.canaries.length > 0
        ? {
            score: 2,
            reason: `masking in browser and server, checked by ${e.policy.canaries.length} canaries`,
            evidence: [policyLink],
          }
        : { score: 1, reason: 'masking in browser and server; no canary checks it', evidence: [policyLink] };
    }
    case 'role_based_access': {
      const restricted = e.roles.filter((r) => r !== 'owner' && r !== 'admin').length;
      return restricted > 0
        ? {
            score: 2,
            reason: `${restricted} of ${e.roles.length} accounts hold a restricted role`,
            evidence: [{ label: 'Users', href: '/users' }],
          }
        : {
            score: 1,
            reason: 'roles enforced, but every account is an owner or admin',
            evidence: [{ label: 'Users', href: '/users' }],
          };
    }
    case 'retention_enforced': {
      const link = { label: 'Retention', href: `/api/v1/sites/${enc(e.siteKey)}/retention` };
      if (e.lastPurgeAt === null) return { score: 0, reason: 'no purge receipt', evidence: [link] };
      if (e.retentionException)
        return {
          score: 1,
          reason: 'purges run, but sessions are overdue (retention exception)',
          evidence: [link],
        };
      if (e.now - e.lastPurgeAt > RETENTION_EVIDENCE_MAX_AGE_MS)
        return { score: 1, reason: 'the last purge receipt is more than two days old', evidence: [link] };
      return { score: 2, reason: 'purge receipt within two days, nothing overdue', evidence: [link] };
    }
    case 'periodic_audits':
      return within(e.lastReportDownloadAt)
        ? {
            score: 1,
            reason: 'a compliance pack was downloaded within 90 days',
            evidence: [{ label: 'Audit log', href: '/audit' }],
          }
        : { score: 0, reason: 'no compliance pack downloaded within 90 days', evidence: [] };
    case 'audit_logs_reviewed':
      return within(e.lastAuditExportAt)
        ? {
            score: 1,
            reason: 'the audit log was exported within 90 days',
            evidence: [{ label: 'Audit log', href: '/audit' }],
          }
        : { score: 0, reason: 'no audit-log export within 90 days', evidence: [] };
    case 'incident_playbook':
      return e.enabledSinks > 0
        ? {
            score: 1,
            reason: `${e.enabledSinks} alert sinks notify people outside the dashboard`,
            evidence: [],
          }
        : { score: 0, reason: 'alerts reach the dashboard inbox only', evidence: [] };
    case 'compliance_owner':
      return e.roles.includes('compliance_officer')
        ? {
            score: 2,
            reason: 'a compliance officer account can reach the site',
            evidence: [{ label: 'Users', href: '/users' }],
          }
        : { score: 0, reason: 'no compliance officer account reaches the site', evidence: [] };
    case 'feedback_loop': {
      const link = { label: 'Alerts', href: `/sites/${enc(e.siteKey)}/compliance#alerts` };
      if (e.policyChangedAfterAlert)
        return {
          score: 2,
          reason: 'the policy changed after an alert within 90 days',
          evidence: [link, policyLink],
        };
      if (e.resolvedWithNote > 0)
        return {
          score: 1,
          reason: `${e.resolvedWithNote} alerts resolved with a note within 90 days`,
          evidence: [link],
        };
      return { score: 0, reason: 'no alert led to a recorded resolution within 90 days', evidence: [] };
    }
    case 'cross_team_review':
      return { score: 0, reason: 'Veil holds no evidence of this; attest it', evidence: [] };
  }
}

/**
 * The readiness score: each of the ten areas 0–2, the better of what Veil's own data shows and a
 * valid attestation for the area (an attestation gives 2 until it expires a year after it was made).
 */
export function readinessScore(e: ReadinessEvidence): Readiness {
  const areas: ReadinessAreaResult[] = READINESS_AREAS.map((area) => {
    const fromEvidence = evidenceScore(area, e);
    const attestation = e.attestations.find(
      (a) => ATTESTATION_AREA[a.kind] === area && a.attestedAt <= e.now && e.now < a.expiresAt,
    );
    if (attestation && fromEvidence.score < 2) {
      return {
        area,
        title: READINESS_AREA_TITLES[area],
        score: 2,
        basis: 'attestation',
        reason: `attested by ${attestation.attestedBy} on ${new Date(attestation.attestedAt).toISOString().slice(0, 10)}: ${attestation.statement}`,
        evidence: attestation.reference ? [{ label: 'Reference', href: attestation.reference }] : [],
        attestationId: attestation.id,
      };
    }
    return {
      area,
      title: READINESS_AREA_TITLES[area],
      score: fromEvidence.score,
      basis: fromEvidence.score > 0 ? 'evidence' : 'none',
      reason: fromEvidence.reason,
      evidence: fromEvidence.evidence,
      attestationId: null,
    };
  });
  return { score: areas.reduce((sum, a) => sum + a.score, 0), max: READINESS_MAX, areas };
}
