import type { DeviceClass, PrivacyPolicy, Role } from '@veil/core';
import type { WrappedDataKey } from '../crypto/EnvelopeCipher.js';
import type {
  AccessAlertRepository,
  AccessLimitRepository,
  AuditRepository,
  OidcLoginRepository,
  ReplayGrantRepository,
} from './accessStoreTypes.js';
import type {
  BannerTextRepository,
  ConsentReceiptRepository,
  OptOutRepository,
  SubjectRepository,
  SubjectRequestRepository,
} from './consentStoreTypes.js';
import type { HeatmapRepository } from './heatmap/HeatmapRepository.js';
import type { Dialect } from './migrations/Migration.js';
import type { PrivacyRepository } from './privacy/PrivacyRepository.js';

/**
 * Veil's one storage interface. Two adapters implement it over one Kysely query layer:
 * `storage/sqlite/` (better-sqlite3, WAL) and `storage/postgres/` (pg Pool). Routes and jobs see
 * only this interface; every query binds its parameters.
 */
export interface Store {
  readonly dialect: Dialect;
  readonly settings: SettingsRepository;
  readonly users: UserRepository;
  readonly authSessions: AuthSessionRepository;
  readonly apiTokens: ApiTokenRepository;
  readonly sites: SiteRepository;
  readonly recordings: RecordingRepository;
  readonly accessLog: ReplayAccessRepository;
  /** The append-only, hash-chained audit log and its signed checkpoints (issue #5). */
  readonly audit: AuditRepository;
  readonly replayGrants: ReplayGrantRepository;
  readonly accessAlerts: AccessAlertRepository;
  readonly oidcLogins: OidcLoginRepository;
  /** Per-site raw-replay limits (the access-anomaly threshold). */
  readonly accessLimits: AccessLimitRepository;
  /** Consent receipts: grants, withdrawals, refusals (issue #4). */
  readonly consent: ConsentReceiptRepository;
  /** The opt-out registry (visitor ids per site, user-id hashes per site or instance-wide). */
  readonly optOuts: OptOutRepository;
  /** Identified (keyed user-id hash) and tagged sessions; erasure with crypto-shredding. */
  readonly subjects: SubjectRepository;
  /** The data-subject request log and erasure receipts. */
  readonly subjectRequests: SubjectRequestRepository;
  /** Per-site texts of the built-in consent banner. */
  readonly bannerTexts: BannerTextRepository;
  /** Heatmap aggregates, per-session counting state and representative snapshots (issue #6). */
  readonly heatmaps: HeatmapRepository;
  /** Policy versions, masking failures, privacy alerts and drop counters (issue #3). */
  readonly privacy: PrivacyRepository;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

export interface SettingsRepository {
  get(key: string): Promise<string | undefined>;
  /** Stores `value` unless the key exists; returns the value that is stored afterwards. */
  putIfAbsent(key: string, value: string): Promise<string>;
  put(key: string, value: string): Promise<void>;
}

export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  /** Sealed TOTP secret (enrolment started); `totpEnabledAt` says whether it was confirmed. */
  totpSecretSealed: Buffer | null;
  totpEnabledAt: number | null;
  totpLastStep: number | null;
  failedLogins: number;
  lockedUntil: number | null;
  /** `false`: restricted to the sites of `UserRepository.siteIds`. */
  allSites: boolean;
  /** `issuer#sub` for users who sign in with OpenID Connect. */
  oidcSubject: string | null;
}

export interface NewUser {
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  /** Default: every site. */
  siteIds?: readonly string[] | null;
  oidcSubject?: string | null;
}

export interface UserChanges {
  role?: Role;
  passwordHash?: string;
  /** `null`: every site; a list: only those. */
  siteIds?: readonly string[] | null;
  oidcSubject?: string | null;
}

export interface UserRepository {
  count(): Promise<number>;
  /** Returns `undefined` when the (lower-cased) email is taken. */
  create(user: NewUser): Promise<UserRecord | undefined>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  findByOidcSubject(subject: string): Promise<UserRecord | undefined>;
  /** Every user, by email. */
  list(): Promise<UserRecord[]>;
  update(id: string, changes: UserChanges): Promise<UserRecord | undefined>;
  delete(id: string): Promise<boolean>;
  /** The sites a restricted user may see (empty for users with every site). */
  siteIds(userId: string): Promise<string[]>;
  countByRole(role: Role): Promise<number>;
  /** Adds one failure; at `maxFailures` consecutive ones the account locks until `now + lockMs`. */
  recordLoginFailure(
    id: string,
    now: number,
    maxFailures: number,
    lockMs: number,
  ): Promise<{ failedLogins: number; lockedUntil: number | null }>;
  recordLoginSuccess(id: string): Promise<void>;
  /** Starts (or restarts) TOTP enrolment with a new sealed secret; TOTP is off until confirmed. */
  setPendingTotp(id: string, sealedSecret: Buffer): Promise<void>;
  enableTotp(id: string, now: number, step: number): Promise<void>;
  /** Consumes a TOTP time step; false when it (or a later one) was used already (a replayed code). */
  useTotpStep(id: string, step: number): Promise<boolean>;
  resetTotp(id: string): Promise<void>;
}

export interface AuthSessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  /** When a second factor was passed in this session. */
  secondFactorAt: number | null;
  method: 'password' | 'oidc';
}

export interface AuthSessionRepository {
  create(session: {
    tokenHash: string;
    userId: string;
    createdAt: number;
    expiresAt: number;
    secondFactorAt?: number | null;
    method?: 'password' | 'oidc';
  }): Promise<AuthSessionRecord>;
  findByTokenHash(tokenHash: string): Promise<{ session: AuthSessionRecord; user: UserRecord } | undefined>;
  touch(id: string, lastSeenAt: number): Promise<void>;
  delete(id: string): Promise<void>;
  markSecondFactor(id: string, at: number): Promise<void>;
  /** Ends every session of a user ("sign out everywhere"); returns how many. */
  deleteAllForUser(userId: string): Promise<number>;
  /** Deletes sessions past their absolute expiry or idle since before `idleBefore`; returns how many. */
  deleteExpired(now: number, idleBefore: number): Promise<number>;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  role: Role;
  createdBy: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  expiresAt: number | null;
  /** `false`: restricted to the sites of `ApiTokenRepository.siteIds`. */
  allSites: boolean;
}

export interface ApiTokenRepository {
  create(token: {
    name: string;
    tokenHash: string;
    role: Role;
    createdBy: string | null;
    createdAt: number;
    expiresAt?: number | null;
    /** Default: every site. */
    siteIds?: readonly string[] | null;
  }): Promise<ApiTokenRecord>;
  /** Revoked tokens are not found (expired ones are: the caller compares `expiresAt`). */
  findActiveByHash(tokenHash: string): Promise<ApiTokenRecord | undefined>;
  touch(id: string, lastUsedAt: number): Promise<void>;
  findById(id: string): Promise<ApiTokenRecord | undefined>;
  /** Every token, newest first, revoked ones included. */
  list(): Promise<ApiTokenRecord[]>;
  siteIds(tokenId: string): Promise<string[]>;
  /** True when it was active and is now revoked. */
  revoke(id: string, at: number): Promise<boolean>;
}

export interface SiteRecord {
  id: string;
  siteKey: string;
  name: string;
  /** Normalised origins (`scheme://host[:port]`), sorted. */
  origins: string[];
  policy: PrivacyPolicy;
  createdAt: number;
}

export interface NewSite {
  siteKey: string;
  name: string;
  origins: readonly string[];
  policy: PrivacyPolicy;
  createdAt: number;
}

export interface SiteRepository {
  create(site: NewSite): Promise<SiteRecord>;
  list(): Promise<SiteRecord[]>;
  findByKey(siteKey: string): Promise<SiteRecord | undefined>;
  findById(id: string): Promise<SiteRecord | undefined>;
  replaceOrigins(siteId: string, origins: readonly string[]): Promise<void>;
  /** True when any site lists `origin` (used to answer CORS preflights before the site is known). */
  isKnownOrigin(origin: string): Promise<boolean>;
}

/** A page view as the summary keeps it; its title is sealed separately (see `ChunkSealer`). */
export interface PageView {
  /** Sanitised: no fragment, no query parameter outside the policy's allow list. */
  url: string;
  /** Event time (client clock, ms). */
  ts: number;
  viewportWidth: number | null;
}

/** A stored page view; titles can carry names, so they are encrypted with the session's data key. */
export interface StoredPageView extends PageView {
  sealedTitle: Buffer | null;
}

export interface SessionSummaryRecord {
  id: string;
  siteId: string;
  siteKey: string;
  visitorId: string | null;
  startedAt: number;
  endedAt: number;
  lastReceivedAt: number;
  durationMs: number;
  pageCount: number;
  entryUrl: string | null;
  deviceClass: DeviceClass | null;
  viewportWidth: number | null;
  eventCount: number;
  chunkCount: number;
  finalised: boolean;
}

/** What one new chunk contributes to its session's summary. */
export interface ChunkIngest {
  siteId: string;
  sessionId: string;
  visitorId: string | undefined;
  seq: number;
  /** Server clock. */
  receivedAt: number;
  eventCount: number;
  /** Earliest and latest event time of the batch (client clock); `sentAt` when it has no events. */
  firstTs: number;
  lastTs: number;
  /** Page views of the batch in event order, consecutive repeats of one URL already collapsed. */
  pages: readonly PageView[];
}

/** What the store writes for one batch: the sealed chunk and the sealed title of each page view. */
export interface SealedBatch {
  payload: Buffer;
  /** Aligned with `ChunkIngest.pages`; `null` for a page view without a title. */
  titles: readonly (Buffer | null)[];
}

/** Encrypts inside the storing transaction, with the session's key as stored. */
export interface ChunkSealer {
  /** A wrapped key for a session that has none yet. */
  newWrappedDataKey(): WrappedDataKey;
  /** The batch sealed with the data key inside `wrappedKey`. */
  seal(wrappedKey: Buffer): SealedBatch;
}

export type IngestOutcome = 'stored' | 'duplicate' | 'conflict';

export interface SessionListQuery {
  siteId: string;
  from?: number | undefined;
  to?: number | undefined;
  device?: DeviceClass | undefined;
  minDurationMs?: number | undefined;
  /** Case-insensitive substring of any visited URL. */
  page?: string | undefined;
  limit: number;
  /** Keyset position: sessions strictly older than this one (newest first). */
  after?: { startedAt: number; id: string } | undefined;
}

export interface StoredChunk {
  seq: number;
  payload: Buffer;
}

export interface IdleSession {
  id: string;
  siteId: string;
  durationMs: number;
}

export interface RecordingRepository {
  /**
   * In one transaction: creates the session (and its data key) when new, refuses a session id owned
   * by another site (`conflict`), inserts the chunk once per (session, seq) and, only when it is new,
   * folds it into the session summary.
   */
  ingestChunk(chunk: ChunkIngest, sealer: ChunkSealer): Promise<IngestOutcome>;
  list(query: SessionListQuery): Promise<SessionSummaryRecord[]>;
  get(sessionId: string): Promise<SessionSummaryRecord | undefined>;
  pages(sessionId: string): Promise<StoredPageView[]>;
  /** Encrypted chunks in sequence order. */
  chunks(sessionId: string): Promise<StoredChunk[]>;
  wrappedKey(sessionId: string): Promise<Buffer | undefined>;
  /** Unfinalised sessions that received nothing since before `idleBefore`, oldest first. */
  findIdle(idleBefore: number, limit: number): Promise<IdleSession[]>;
  /** Marks the session finalised if it is still idle since before `idleBefore`; true when it did. */
  finalise(sessionId: string, idleBefore: number): Promise<boolean>;
  /**
   * Deletes the session with its key, chunks and pages if it is still idle since before
   * `idleBefore` (pass `Infinity` to delete unconditionally); true when it did.
   */
  delete(sessionId: string, idleBefore: number): Promise<boolean>;
}

export interface ReplayAccessEntry {
  id: string;
  userId: string | null;
  apiTokenId: string | null;
  sessionId: string;
  siteId: string | null;
  purpose: string;
  accessedAt: number;
}

export interface ReplayAccessRepository {
  record(entry: Omit<ReplayAccessEntry, 'id'>): Promise<ReplayAccessEntry>;
  listForSession(sessionId: string): Promise<ReplayAccessEntry[]>;
}
