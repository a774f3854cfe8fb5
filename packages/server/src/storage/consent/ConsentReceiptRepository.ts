import type { ConsentDecision, ConsentSource, LawfulBasis } from '@veil/core';

/** One stored consent receipt (core's `ConsentReceipt` with the site's id instead of its key). */
export interface ConsentReceiptRecord {
  siteId: string;
  id: string;
  visitorId: string | null;
  decision: ConsentDecision;
  granted: string[];
  denied: string[];
  source: ConsentSource;
  policyVersion: number | null;
  lawfulBasis: LawfulBasis;
  bannerTextHash: string | null;
  language: string | null;
  region: string | null;
  withdraws: string | null;
  withdrawnAt: number | null;
  recordedAt: number;
}

export type NewConsentReceipt = Omit<ConsentReceiptRecord, 'withdrawnAt'>;

/** Receipts counted per time bucket (`bucket` = floor(recordedAt / bucketMs)). */
export interface ConsentCountRow {
  bucket: number;
  decision: ConsentDecision;
  source: ConsentSource;
  region: string | null;
  count: number;
}

export interface ConsentReceiptRepository {
  /**
   * Registers a grant once: `created`, or `existing` when the same visitor registered this id
   * before (idempotent), or `conflict` when the id belongs to another visitor or was withdrawn.
   */
  registerGrant(
    receipt: NewConsentReceipt,
  ): Promise<{ outcome: 'created' | 'existing' | 'conflict'; receipt: ConsentReceiptRecord }>;
  /**
   * Stores a withdrawal and, in the same transaction, marks withdrawn the grant it names and every
   * grant of its visitor. Returns how many grants it withdrew.
   */
  recordWithdrawal(receipt: NewConsentReceipt): Promise<number>;
  /** Stores a refusal (no identifier). */
  recordRefusal(receipt: NewConsentReceipt): Promise<void>;
  findGrant(siteId: string, receiptId: string): Promise<ConsentReceiptRecord | undefined>;
  /**
   * `findGrant` for the ingest hot path (step `consent`): a grant found is remembered for at most
   * `INGEST_READ_TTL_MS`. This repository's writes drop what they can change (a withdrawal or an
   * erasure everything remembered, before and after it; a registration its own receipt), so in
   * this process a withdrawal refuses the very next batch; one made by another process on the same
   * database (a second Veil process on PostgreSQL, the CLI) within `INGEST_READ_TTL_MS`. A receipt
   * not found is never remembered.
   */
  findGrantCached(siteId: string, receiptId: string): Promise<ConsentReceiptRecord | undefined>;
  /** Newest first. */
  list(
    siteId: string,
    query: { from?: number | undefined; to?: number | undefined; limit: number },
  ): Promise<ConsentReceiptRecord[]>;
  /** Every receipt naming one of the visitors, oldest first (subject export). */
  forVisitors(siteId: string, visitorIds: readonly string[]): Promise<ConsentReceiptRecord[]>;
  /** Deletes every receipt naming one of the visitors (erasure); returns how many. */
  deleteForVisitors(siteId: string, visitorIds: readonly string[]): Promise<number>;
  /** Counts by time bucket, decision, source and region, for `from <= recordedAt < to`. */
  counts(siteId: string, from: number, to: number, bucketMs: number): Promise<ConsentCountRow[]>;
}
