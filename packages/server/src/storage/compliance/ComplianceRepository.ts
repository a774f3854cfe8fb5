import type { AttestationKind, ProcessorInput } from '@veil/core';
import type { AlertRecord } from '../alerts/AlertRepository.js';
import type { PurgeReceiptRecord } from '../retention/RetentionRepository.js';
import type { SubjectRequestRecord } from '../subjects/SubjectRequestRepository.js';

export interface ProcessorRecord extends ProcessorInput {
  id: string;
  siteId: string;
  updatedAt: number;
  updatedBy: string;
}

export interface AttestationRecord {
  id: string;
  siteId: string;
  kind: AttestationKind;
  statement: string;
  reference: string | null;
  attestedBy: string;
  attestedAt: number;
  expiresAt: number;
}

export interface ComplianceSummaryRecord {
  siteId: string;
  month: string;
  score: number;
  maxScore: number;
  figures: Record<string, number>;
  createdAt: number;
}

/** One raw-replay view with who made it (a user's email or a token's name). */
export interface ReplayViewRow {
  at: number;
  viewer: string;
  sessionId: string;
  purpose: string;
}

/** A half-open period `[from, to)` in server time (ms). */
export interface Period {
  from: number;
  to: number;
}

/**
 * The compliance domain: the processor register, attestations and monthly summaries, and the
 * period counts the compliance pack is built from (each the database's own count).
 */
export interface ComplianceRepository {
  listProcessors(siteId: string): Promise<ProcessorRecord[]>;
  findProcessor(id: string): Promise<ProcessorRecord | undefined>;
  /** Inserts or replaces (by id). */
  putProcessor(processor: ProcessorRecord): Promise<void>;
  deleteProcessor(id: string): Promise<boolean>;
  addAttestation(attestation: AttestationRecord): Promise<void>;
  /** Newest first. */
  listAttestations(siteId: string): Promise<AttestationRecord[]>;
  /** Replaces the site's summary of that month (a re-run wins). */
  putSummary(summary: ComplianceSummaryRecord): Promise<void>;
  /** Oldest month first. */
  listSummaries(siteId: string, limit: number): Promise<ComplianceSummaryRecord[]>;
  findSummary(siteId: string, month: string): Promise<ComplianceSummaryRecord | undefined>;
  /** Sessions of the site first received in the period. */
  countSessions(siteId: string, period: Period): Promise<number>;
  /** Raw-replay views of the site's sessions in the period, oldest first. */
  replayViews(siteId: string, period: Period): Promise<ReplayViewRow[]>;
  /** Purge receipts of the site completed in the period, oldest first. */
  purgeReceipts(siteId: string, period: Period): Promise<PurgeReceiptRecord[]>;
  /** Alerts of the site seen in the period (first seen before its end, last seen after its start), oldest first. */
  alerts(siteId: string, period: Period): Promise<AlertRecord[]>;
  /** Data-subject requests of the site received in the period, oldest first. */
  subjectRequests(siteId: string, period: Period): Promise<SubjectRequestRecord[]>;
}
