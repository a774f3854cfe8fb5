import { initialSchema } from './001_initial.js';
import { accessControlAndAudit } from './002_access_control_and_audit.js';
import { consentAndSubjectRights } from './003_consent_and_subject_rights.js';
import { heatmapAggregates } from './004_heatmap_aggregates.js';
import { privacyPolicyVersions } from './005_privacy_policy_versions.js';
import { ssoLinkConsent } from './006_sso_link_consent.js';
import { alerts } from './007_alerts.js';
import { retention } from './008_retention.js';
import { contentScans } from './009_content_scans.js';
import { compliance } from './010_compliance.js';
import { siteScans } from './011_site_scans.js';
import { incidents } from './012_incidents.js';
import { sessionSignals } from './013_session_signals.js';
import { inventory } from './014_inventory.js';
import { demoData } from './015_demo_data.js';
import { heatmapVisitors } from './016_heatmap_visitors.js';
import { sessionClicks } from './017_session_clicks.js';
import { privacyDropHours } from './018_privacy_drop_hours.js';
import { sessionFunnels } from './019_session_funnels.js';
import { heatmapPartVisitors } from './020_heatmap_part_visitors.js';
import { sessionFunnelSources } from './021_session_funnel_sources.js';
import { heatmapSignalVisitors } from './022_heatmap_signal_visitors.js';
import { heatmapDayOutcomes } from './023_heatmap_day_outcomes.js';
import type { Migration } from './Migration.js';

/**
 * Every migration, in order. A migration lives in `NNN_name.ts` and declares `version: NNN` and
 * `name: 'name'` itself; this list only names them. Append only (`migrations.test.ts` checks it).
 */
export const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  accessControlAndAudit,
  consentAndSubjectRights,
  heatmapAggregates,
  privacyPolicyVersions,
  ssoLinkConsent,
  alerts,
  retention,
  contentScans,
  compliance,
  siteScans,
  incidents,
  sessionSignals,
  inventory,
  demoData,
  heatmapVisitors,
  sessionClicks,
  privacyDropHours,
  sessionFunnels,
  heatmapPartVisitors,
  sessionFunnelSources,
  heatmapSignalVisitors,
  heatmapDayOutcomes,
];

/** The schema version this build of Veil expects. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
