import type {
  ConsentDecision,
  ConsentSource,
  LawfulBasis,
  RecordedSelector,
  SubjectRequestKind,
  SubjectRequestOrigin,
} from '@veil/core';

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

export type OptOutSubject = { kind: 'visitor'; visitorId: string } | { kind: 'user'; userHash: string };

export interface OptOutRecord {
  /** A site id, or `*` for every site. */
  scope: string;
  subject: OptOutSubject;
  source: string;
  createdAt: number;
}

export interface OptOutRepository {
  /** True when the entry is new. */
  add(entry: OptOutRecord): Promise<boolean>;
  /** True when the visitor or any of the user hashes is opted out on this site or instance-wide. */
  isOptedOut(
    siteId: string,
    subject: { visitorId?: string | undefined; userHashes?: readonly string[] },
  ): Promise<boolean>;
  /** The site's entries and the instance-wide ones, newest first. */
  list(siteId: string, limit: number): Promise<OptOutRecord[]>;
  /** Entries naming the visitor or user hash (subject export). */
  forSubject(
    siteId: string,
    subject: { visitorIds: readonly string[]; userHashes: readonly string[] },
  ): Promise<OptOutRecord[]>;
  /** True when it removed the entry. */
  remove(scope: string, subject: OptOutSubject): Promise<boolean>;
}

/** What an erasure removed. */
export interface ErasedCounts {
  sessions: number;
  chunks: number;
  dataKeys: number;
}

export interface SubjectRepository {
  /** Links a session to the keyed hash of a user id (idempotent). */
  link(sessionId: string, siteId: string, userHash: string, at: number): Promise<void>;
  /** Adds tags to a session (idempotent). */
  addTags(sessionId: string, tags: ReadonlyArray<{ key: string; value: string }>): Promise<void>;
  userHashes(sessionId: string): Promise<string[]>;
  tags(sessionId: string): Promise<Array<{ key: string; value: string }>>;
  /** The site's sessions a selector names (user hash, visitor, one session, tag). */
  sessionIds(siteId: string, selector: RecordedSelector): Promise<string[]>;
  /** The visitor ids of those sessions (distinct, non-null). */
  visitorIds(sessionIds: readonly string[]): Promise<string[]>;
  /**
   * Deletes the sessions: data keys first (crypto-shredding), then chunks, page views, links and
   * tags, in one transaction per session; then asks the database to overwrite what it freed
   * (SQLite: secure delete is on, and the WAL is checkpointed and truncated).
   */
  eraseSessions(sessionIds: readonly string[]): Promise<ErasedCounts>;
}

export interface SubjectRequestRecord {
  id: string;
  siteId: string;
  siteKey: string;
  kind: SubjectRequestKind;
  origin: SubjectRequestOrigin;
  selector: RecordedSelector;
  receivedAt: number;
  dueAt: number;
  completedAt: number | null;
  handledBy: string;
  reference: string | null;
  erasureReceiptId: string | null;
  exportBytes: number | null;
}

export interface ErasureReceiptRecord {
  id: string;
  siteId: string;
  siteKey: string;
  selector: RecordedSelector;
  sessions: number;
  chunks: number;
  dataKeysDestroyed: number;
  consentReceipts: number;
  sessionIds: string[];
  requestedBy: string;
  requestId: string | null;
  startedAt: number;
  completedAt: number;
}

export interface SubjectRequestRepository {
  create(request: SubjectRequestRecord): Promise<SubjectRequestRecord>;
  findById(id: string): Promise<SubjectRequestRecord | undefined>;
  complete(
    id: string,
    result: { completedAt: number; erasureReceiptId?: string | null; exportBytes?: number | null },
  ): Promise<void>;
  /** Newest first; `siteId` undefined: every site. */
  list(query: { siteId?: string | undefined; limit: number }): Promise<SubjectRequestRecord[]>;
  addErasureReceipt(receipt: ErasureReceiptRecord): Promise<void>;
  findErasureReceipt(id: string): Promise<ErasureReceiptRecord | undefined>;
  /** Newest first. */
  erasureReceipts(siteId: string, limit: number): Promise<ErasureReceiptRecord[]>;
}

export interface BannerTextsRecord {
  siteId: string;
  language: string;
  texts: Record<string, string>;
  updatedAt: number;
  updatedBy: string;
}

export interface BannerTextRepository {
  get(siteId: string, language: string): Promise<BannerTextsRecord | undefined>;
  list(siteId: string): Promise<BannerTextsRecord[]>;
  put(record: BannerTextsRecord): Promise<void>;
  remove(siteId: string, language: string): Promise<boolean>;
}
