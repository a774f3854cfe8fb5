import type { AccessAlertRepository } from './access/AccessAlertRepository.js';
import type { AccessLimitRepository } from './access/AccessLimitRepository.js';
import type { ReplayAccessRepository } from './access/ReplayAccessRepository.js';
import type { ReplayGrantRepository } from './access/ReplayGrantRepository.js';
import type { ApiTokenRepository } from './accounts/ApiTokenRepository.js';
import type { AuthSessionRepository } from './accounts/AuthSessionRepository.js';
import type { OidcLoginRepository } from './accounts/OidcLoginRepository.js';
import type { UserRepository } from './accounts/UserRepository.js';
import type { AlertDeliveryRepository } from './alerts/AlertDeliveryRepository.js';
import type { AlertRepository } from './alerts/AlertRepository.js';
import type { AlertSinkRepository } from './alerts/AlertSinkRepository.js';
import type { AuditRepository } from './audit/AuditRepository.js';
import type { ComplianceRepository } from './compliance/ComplianceRepository.js';
import type { BannerTextRepository } from './consent/BannerTextRepository.js';
import type { ConsentReceiptRepository } from './consent/ConsentReceiptRepository.js';
import type { OptOutRepository } from './consent/OptOutRepository.js';
import type { ContentScanRepository } from './contentScans/ContentScanRepository.js';
import type { HeatmapRepository } from './heatmaps/HeatmapRepository.js';
import type { IncidentRepository } from './incidents/IncidentRepository.js';
import type { InventoryRepository } from './inventory/InventoryRepository.js';
import type { Dialect } from './migrations/Migration.js';
import type { PrivacyRepository } from './privacy/PrivacyRepository.js';
import type { RecordingRepository } from './recordings/RecordingRepository.js';
import type { RetentionRepository } from './retention/RetentionRepository.js';
import type { ScanRepository } from './scans/ScanRepository.js';
import type { SettingsRepository } from './settings/SettingsRepository.js';
import type { SignalRepository } from './signals/SignalRepository.js';
import type { SiteRepository } from './sites/SiteRepository.js';
import type { SubjectRepository } from './subjects/SubjectRepository.js';
import type { SubjectRequestRepository } from './subjects/SubjectRequestRepository.js';

/**
 * Veil's one storage interface: the repositories of every storage domain (one folder each, see
 * `storage/README.md`). Two adapters implement it over one Kysely query layer: `storage/sqlite/`
 * (better-sqlite3, WAL) and `storage/postgres/` (pg Pool). Routes and jobs see only this
 * interface; every query binds its parameters.
 */
export interface Store {
  readonly dialect: Dialect;
  readonly settings: SettingsRepository;
  readonly users: UserRepository;
  readonly authSessions: AuthSessionRepository;
  readonly apiTokens: ApiTokenRepository;
  readonly oidcLogins: OidcLoginRepository;
  readonly sites: SiteRepository;
  readonly recordings: RecordingRepository;
  /** Who opened which raw replay, and why. */
  readonly accessLog: ReplayAccessRepository;
  readonly replayGrants: ReplayGrantRepository;
  readonly accessAlerts: AccessAlertRepository;
  /** Per-site raw-replay limits (the access-anomaly threshold). */
  readonly accessLimits: AccessLimitRepository;
  /** The append-only, hash-chained audit log and its signed checkpoints. */
  readonly audit: AuditRepository;
  /** Consent receipts: grants, withdrawals, refusals. */
  readonly consent: ConsentReceiptRepository;
  /** The opt-out registry (visitor ids per site, user-id hashes per site or instance-wide). */
  readonly optOuts: OptOutRepository;
  /** Per-site texts of the built-in consent banner. */
  readonly bannerTexts: BannerTextRepository;
  /** Identified (keyed user-id hash) and tagged sessions; erasure with crypto-shredding. */
  readonly subjects: SubjectRepository;
  /** The data-subject request log and erasure receipts. */
  readonly subjectRequests: SubjectRequestRepository;
  /** Heatmap aggregates, per-session counting state and representative snapshots. */
  readonly heatmaps: HeatmapRepository;
  /** Per-session frustration and error signal counts (counted at ingest). */
  readonly signals: SignalRepository;
  /** Policy versions, masking failures, privacy alerts and drop counters. */
  readonly privacy: PrivacyRepository;
  /** The alert inbox (folded by fingerprint). */
  readonly alerts: AlertRepository;
  /** Per-site alert sinks (webhook, e-mail), secrets sealed. */
  readonly alertSinks: AlertSinkRepository;
  /** Every notification to a sink, with its attempts (the delivery log). */
  readonly alertDeliveries: AlertDeliveryRepository;
  /** Purge queries and receipts, legal holds, the purge lock. */
  readonly retention: RetentionRepository;
  /** Erasure by content: scans for a leaked value (its keyed hash only), matches, erasure receipts. */
  readonly contentScans: ContentScanRepository;
  /** The processor register, attestations, monthly summaries and the compliance pack's period counts. */
  readonly compliance: ComplianceRepository;
  /** Scheduled pre-consent scans: per-site schedules and runs with their findings summary. */
  readonly siteScans: ScanRepository;
  /** Exposure incidents and their notification decisions. */
  readonly incidents: IncidentRepository;
  /** The data inventory: pages, fields, iframes and sensitive-looking elements, with their review. */
  readonly inventory: InventoryRepository;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
