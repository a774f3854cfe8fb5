import { type Kysely, sql } from 'kysely';
import { createHeatmapRepository } from './heatmap/createHeatmapRepository.js';
import type { Dialect } from './migrations/Migration.js';
import { currentSchemaVersion } from './migrations/runMigrations.js';
import { createPrivacyRepository } from './privacy/createPrivacyRepository.js';
import { accessAlertRepository } from './queries/accessAlerts.js';
import { accessLimitRepository } from './queries/accessLimits.js';
import { replayAccessRepository } from './queries/accessLog.js';
import { apiTokenRepository } from './queries/apiTokens.js';
import { auditRepository } from './queries/audit.js';
import { authSessionRepository } from './queries/authSessions.js';
import { bannerTextRepository } from './queries/bannerTexts.js';
import { consentReceiptRepository } from './queries/consentReceipts.js';
import { oidcLoginRepository } from './queries/oidcLogins.js';
import { optOutRepository } from './queries/optOuts.js';
import { recordingReads } from './queries/recordingReads.js';
import { recordingWrites } from './queries/recordingWrites.js';
import { replayGrantRepository } from './queries/replayGrants.js';
import { settingsRepository } from './queries/settings.js';
import { siteRepository } from './queries/sites.js';
import { subjectRequestRepository } from './queries/subjectRequests.js';
import { subjectRepository } from './queries/subjects.js';
import { userRepository } from './queries/users.js';
import type { Store } from './Store.js';
import type { Database } from './schema.js';

/** The shared query layer: a `Store` over any Kysely instance of either dialect. */
export function createKyselyStore(db: Kysely<Database>, dialect: Dialect): Store {
  let closed = false;
  return {
    dialect,
    settings: settingsRepository(db),
    users: userRepository(db),
    authSessions: authSessionRepository(db),
    apiTokens: apiTokenRepository(db),
    sites: siteRepository(db),
    recordings: { ...recordingReads(db), ...recordingWrites(db, dialect) },
    accessLog: replayAccessRepository(db),
    audit: auditRepository(db),
    replayGrants: replayGrantRepository(db),
    accessAlerts: accessAlertRepository(db),
    oidcLogins: oidcLoginRepository(db),
    accessLimits: accessLimitRepository(db),
    consent: consentReceiptRepository(db),
    optOuts: optOutRepository(db),
    subjects: subjectRepository(db, dialect),
    subjectRequests: subjectRequestRepository(db),
    bannerTexts: bannerTextRepository(db),
    heatmaps: createHeatmapRepository(db, dialect),
    privacy: createPrivacyRepository(db),
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
