import { z } from 'zod';

/** The ten areas of the readiness score, each scored 0–2 (docs/compliance-pack.md). */
export const READINESS_AREAS = [
  'scope_exclusions',
  'real_time_redaction',
  'role_based_access',
  'retention_enforced',
  'periodic_audits',
  'audit_logs_reviewed',
  'incident_playbook',
  'compliance_owner',
  'feedback_loop',
  'cross_team_review',
] as const;
export type ReadinessArea = (typeof READINESS_AREAS)[number];
export const readinessAreaSchema = z.enum(READINESS_AREAS);

export const READINESS_AREA_TITLES: Readonly<Record<ReadinessArea, string>> = {
  scope_exclusions: 'Scope exclusions',
  real_time_redaction: 'Real-time redaction',
  role_based_access: 'Role-based access',
  retention_enforced: 'Retention enforced',
  periodic_audits: 'Periodic audits',
  audit_logs_reviewed: 'Audit logs reviewed',
  incident_playbook: 'Incident playbook',
  compliance_owner: 'Compliance owner',
  feedback_loop: 'Feedback loop',
  cross_team_review: 'Cross-team review',
};

/** Most points one area gives; the score's maximum is this times the number of areas. */
export const READINESS_AREA_MAX = 2;
export const READINESS_MAX = READINESS_AREA_MAX * READINESS_AREAS.length;

/**
 * What a person can attest to where Veil holds no evidence of its own: each attestation names the
 * area it counts for (a training or a signed DPA count in the checklists too).
 */
export const ATTESTATION_KINDS = [
  'periodic_audit_done',
  'audit_logs_reviewed',
  'incident_playbook_reviewed',
  'compliance_owner_named',
  'feedback_loop_in_place',
  'cross_team_review_held',
  'scope_reviewed',
  'training_done',
  'dpa_signed',
] as const;
export type AttestationKind = (typeof ATTESTATION_KINDS)[number];
export const attestationKindSchema = z.enum(ATTESTATION_KINDS);

/** The readiness area an attestation counts for (`null`: checklists only). */
export const ATTESTATION_AREA: Readonly<Record<AttestationKind, ReadinessArea | null>> = {
  periodic_audit_done: 'periodic_audits',
  audit_logs_reviewed: 'audit_logs_reviewed',
  incident_playbook_reviewed: 'incident_playbook',
  compliance_owner_named: 'compliance_owner',
  feedback_loop_in_place: 'feedback_loop',
  cross_team_review_held: 'cross_team_review',
  scope_reviewed: 'scope_exclusions',
  training_done: null,
  dpa_signed: null,
};

/** An attestation counts for one year after it was made, then it has to be made again. */
export const ATTESTATION_VALIDITY_MS = 365 * 24 * 60 * 60 * 1000;

/** What a caller gives to record an attestation (who and when come from the server). */
export const newAttestationSchema = z.object({
  kind: attestationKindSchema,
  /** What was done, in a sentence ("Playbook walked through with support and legal"). */
  statement: z.string().trim().min(3).max(500),
  /** Where the evidence lies outside Veil (a document, a ticket), if anywhere. */
  reference: z.string().trim().min(1).max(300).optional(),
});
export type NewAttestation = z.infer<typeof newAttestationSchema>;
