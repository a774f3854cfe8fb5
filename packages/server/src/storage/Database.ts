import type { AccessTables } from './access/accessTables.js';
import type { AccountTables } from './accounts/accountTables.js';
import type { AlertTables } from './alerts/alertTables.js';
import type { AuditTables } from './audit/auditTables.js';
import type { ComplianceTables } from './compliance/complianceTables.js';
import type { ConsentTables } from './consent/consentTables.js';
import type { ContentScanTables } from './contentScans/contentScanTables.js';
import type { HeatmapTables } from './heatmaps/heatmapTables.js';
import type { IncidentTables } from './incidents/incidentTables.js';
import type { InventoryTables } from './inventory/inventoryTables.js';
import type { MigrationTables } from './migrations/migrationTables.js';
import type { PrivacyTables } from './privacy/privacyTables.js';
import type { RecordingTables } from './recordings/recordingTables.js';
import type { RetentionTables } from './retention/retentionTables.js';
import type { ScanTables } from './scans/scanTables.js';
import type { SettingsTables } from './settings/settingsTables.js';
import type { SignalTables } from './signals/signalTables.js';
import type { SiteTables } from './sites/siteTables.js';
import type { SubjectTables } from './subjects/subjectTables.js';

/**
 * Every table of the Kysely query layer, shared by SQLite and PostgreSQL: the union of each
 * domain's `xTables.ts`. Times are milliseconds since the epoch (`bigint` columns, read as
 * numbers); flags are integers 0/1 so that both dialects bind them the same way; binary columns
 * are `blob` / `bytea`, read as Buffers.
 */
export interface Database
  extends MigrationTables,
    SettingsTables,
    AccountTables,
    SiteTables,
    RecordingTables,
    AccessTables,
    AuditTables,
    ConsentTables,
    SubjectTables,
    HeatmapTables,
    PrivacyTables,
    AlertTables,
    RetentionTables,
    ContentScanTables,
    ComplianceTables,
    ScanTables,
    IncidentTables,
    SignalTables,
    InventoryTables {}
