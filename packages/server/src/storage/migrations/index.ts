import { initialSchema } from './001_initial.js';
import { accessControlAndAudit } from './002_access_control_and_audit.js';
import { consentAndSubjectRights } from './consentAndSubjectRights.js';
import { heatmapAggregates } from './heatmap_aggregates.js';
import type { Migration } from './Migration.js';
import { privacyPolicyVersions } from './privacyPolicyVersions.js';

/** Every migration, in order; versions are consecutive from 1. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  accessControlAndAudit,
  { ...consentAndSubjectRights, version: 3 },
  { ...heatmapAggregates, version: 4 },
  { ...privacyPolicyVersions, version: 5 },
];

/** The schema version this build of Veil expects. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
