import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { createAccessAlertRepository } from './access/createAccessAlertRepository.js';
import { createAccessLimitRepository } from './access/createAccessLimitRepository.js';
import { createReplayAccessRepository } from './access/createReplayAccessRepository.js';
import { createReplayGrantRepository } from './access/createReplayGrantRepository.js';
import { createApiTokenRepository } from './accounts/createApiTokenRepository.js';
import { createAuthSessionRepository } from './accounts/createAuthSessionRepository.js';
import { createOidcLoginRepository } from './accounts/createOidcLoginRepository.js';
import { createUserRepository } from './accounts/createUserRepository.js';
import { createAlertDeliveryRepository } from './alerts/createAlertDeliveryRepository.js';
import { createAlertRepository } from './alerts/createAlertRepository.js';
import { createAlertSinkRepository } from './alerts/createAlertSinkRepository.js';
import { createAuditRepository } from './audit/createAuditRepository.js';
import { createComplianceRepository } from './compliance/createComplianceRepository.js';
import { createBannerTextRepository } from './consent/createBannerTextRepository.js';
import { createConsentReceiptRepository } from './consent/createConsentReceiptRepository.js';
import { createOptOutRepository } from './consent/createOptOutRepository.js';
import { createContentScanRepository } from './contentScans/createContentScanRepository.js';
import type { Database } from './Database.js';
import { createHeatmapRepository } from './heatmaps/createHeatmapRepository.js';
import { createIncidentRepository } from './incidents/createIncidentRepository.js';
import { createInventoryRepository } from './inventory/createInventoryRepository.js';
import type { Dialect } from './migrations/Migration.js';
import { currentSchemaVersion } from './migrations/runMigrations.js';
import { createPrivacyRepository } from './privacy/createPrivacyRepository.js';
import { createRecordingRepository } from './recordings/createRecordingRepository.js';
import { createRetentionRepository } from './retention/createRetentionRepository.js';
import type { Store } from './Store.js';
import { createScanRepository } from './scans/createScanRepository.js';
import { createSettingsRepository } from './settings/createSettingsRepository.js';
import { createSignalRepository } from './signals/createSignalRepository.js';
import { createSiteRepository } from './sites/createSiteRepository.js';
import { createSubjectRepository } from './subjects/createSubjectRepository.js';
import { createSubjectRequestRepository } from './subjects/createSubjectRequestRepository.js';

/**
 * The shared query layer: a `Store` over any Kysely instance of either dialect, composed of each
 * domain's `createXRepository` (one folder per domain, see `README.md`).
 */
export function createKyselyStore(
  db: Kysely<Database>,
  dialect: Dialect,
  /** SQLite's native connection (the one under `db`), for the prepared statements of the ingest path. */
  sqlite?: BetterSqlite3.Database,
): Store {
  let closed = false;
  const sites = createSiteRepository(db);
  return {
    dialect,
    settings: createSettingsRepository(db),
    users: createUserRepository(db),
    authSessions: createAuthSessionRepository(db),
    apiTokens: createApiTokenRepository(db),
    oidcLogins: createOidcLoginRepository(db),
    sites,
    recordings: createRecordingRepository(db, dialect, sqlite),
    accessLog: createReplayAccessRepository(db),
    replayGrants: createReplayGrantRepository(db),
    accessAlerts: createAccessAlertRepository(db),
    accessLimits: createAccessLimitRepository(db),
    audit: createAuditRepository(db),
    consent: createConsentReceiptRepository(db),
    optOuts: createOptOutRepository(db),
    bannerTexts: createBannerTextRepository(db),
    subjects: createSubjectRepository(db, dialect, sqlite),
    subjectRequests: createSubjectRequestRepository(db),
    heatmaps: createHeatmapRepository(db, dialect, sqlite),
    privacy: createPrivacyRepository(db, () => sites.forgetCached()),
    signals: createSignalRepository(db, dialect),
    alerts: createAlertRepository(db),
    alertSinks: createAlertSinkRepository(db),
    alertDeliveries: createAlertDeliveryRepository(db),
    retention: createRetentionRepository(db, dialect),
    contentScans: createContentScanRepository(db),
    compliance: createComplianceRepository(db),
    siteScans: createScanRepository(db),
    incidents: createIncidentRepository(db),
    inventory: createInventoryRepository(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    schemaVersion() {
      return currentSchemaVersion(db);
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
