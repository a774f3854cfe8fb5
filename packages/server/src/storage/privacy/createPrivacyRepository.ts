import { randomUUID } from 'node:crypto';
import type { PolicyChange } from '@veil/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import { policyFromJson } from '../sites/createSiteRepository.js';
import {
  DROP_HOURS_KEPT_MS,
  HOUR_MS,
  type PolicyAuthor,
  type PolicyVersionRecord,
  type PrivacyAlertRecord,
  type PrivacyDropReason,
  type PrivacyRepository,
} from './PrivacyRepository.js';
import type { PolicyVersionsTable, PrivacyAlertsTable } from './privacyTables.js';

const AUTHOR_TYPES: ReadonlySet<string> = new Set(['user', 'token', 'cli', 'system']);

function versionFromRow(row: Selectable<PolicyVersionsTable>): PolicyVersionRecord {
  if (!AUTHOR_TYPES.has(row.author_type)) throw new Error('stored policy author type is not known');
  return {
    siteId: row.site_id,
    version: Number(row.version),
    policy: policyFromJson(row.policy_json),
    author: { type: row.author_type as PolicyAuthor['type'], id: row.author_id, label: row.author_label },
    reason: row.reason,
    diff: JSON.parse(row.diff_json) as PolicyChange[],
    createdAt: Number(row.created_at),
  };
}

function alertFromRow(row: Selectable<PrivacyAlertsTable>): PrivacyAlertRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    kind: 'canary',
    label: row.label,
    count: Number(row.count),
    sessionId: row.session_id,
    pagePattern: row.page_pattern,
    createdAt: Number(row.created_at),
    acknowledgedAt: row.acknowledged_at === null ? null : Number(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
  };
}

/** `YYYY-MM-DD` of a time, in UTC. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * `onPolicyChanged`: told after a new policy version is committed (the store's site cache drops
 * its entries, so ingest applies the new version from the next batch on).
 */
export function createPrivacyRepository(
  db: Kysely<Database>,
  onPolicyChanged: () => void = () => {},
): PrivacyRepository {
  return {
    async latestVersion(siteId) {
      const row = await db
        .selectFrom('policy_versions')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? versionFromRow(row) : undefined;
    },
    async getVersion(siteId, version) {
      const row = await db
        .selectFrom('policy_versions')
        .selectAll()
        .where('site_id', '=', siteId)
        .where('version', '=', version)
        .executeTakeFirst();
      return row ? versionFromRow(row) : undefined;
    },
    async listVersions(siteId, limit) {
      const rows = await db
        .selectFrom('policy_versions')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('version', 'desc')
        .limit(limit)
        .execute();
      return rows.map(versionFromRow);
    },
    async appendVersion(v) {
      const version = v.previousVersion + 1;
      const policyJson = JSON.stringify(v.policy);
      try {
        const appended = await db.transaction().execute(async (trx) => {
          const latest = await trx
            .selectFrom('policy_versions')
            .select('version')
            .where('site_id', '=', v.siteId)
            .orderBy('version', 'desc')
            .limit(1)
            .executeTakeFirst();
          if (Number(latest?.version ?? 0) !== v.previousVersion) return 'conflict' as const;
          await trx
            .insertInto('policy_versions')
            .values({
              site_id: v.siteId,
              version,
              policy_json: policyJson,
              author_type: v.author.type,
              author_id: v.author.id,
              author_label: v.author.label,
              reason: v.reason,
              diff_json: JSON.stringify(v.diff),
              created_at: v.createdAt,
            })
            .execute();
          await trx
            .updateTable('site_policies')
            .set({ policy_json: policyJson, updated_at: v.createdAt })
            .where('site_id', '=', v.siteId)
            .execute();
          return {
            siteId: v.siteId,
            version,
            policy: v.policy,
            author: v.author,
            reason: v.reason,
            diff: v.diff,
            createdAt: v.createdAt,
          };
        });
        if (appended !== 'conflict') onPolicyChanged();
        return appended;
      } catch (error) {
        // Two writers with the same previous version: the primary key lets one through.
        const again = await db
          .selectFrom('policy_versions')
          .select('version')
          .where('site_id', '=', v.siteId)
          .where('version', '=', version)
          .executeTakeFirst();
        if (again) return 'conflict';
        throw error;
      }
    },
    async recordMaskingFailures(siteId, failures, at) {
      if (failures.length === 0) return;
      await db
        .insertInto('masking_failures')
        .values(
          failures.map((f) => ({
            site_id: siteId,
            page_pattern: f.pagePattern,
            element_path: f.elementPath ?? '',
            label: f.label,
            location: f.location,
            count: f.count,
            first_seen_at: at,
            last_seen_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['site_id', 'page_pattern', 'element_path', 'label', 'location']).doUpdateSet({
            count: sql`masking_failures.count + excluded.count`,
            last_seen_at: sql`excluded.last_seen_at`,
          }),
        )
        .execute();
    },
    async listMaskingFailures(siteId, limit) {
      const rows = await db
        .selectFrom('masking_failures')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('last_seen_at', 'desc')
        .orderBy('count', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        pagePattern: r.page_pattern,
        elementPath: r.element_path === '' ? null : r.element_path,
        label: r.label,
        location: r.location,
        count: Number(r.count),
        firstSeenAt: Number(r.first_seen_at),
        lastSeenAt: Number(r.last_seen_at),
      }));
    },
    async raiseAlert(alert) {
      const record: PrivacyAlertRecord = {
        id: randomUUID(),
        ...alert,
        acknowledgedAt: null,
        acknowledgedBy: null,
      };
      await db
        .insertInto('privacy_alerts')
        .values({
          id: record.id,
          site_id: record.siteId,
          kind: record.kind,
          label: record.label,
          count: record.count,
          session_id: record.sessionId,
          page_pattern: record.pagePattern,
          created_at: record.createdAt,
          acknowledged_at: null,
          acknowledged_by: null,
        })
        .execute();
      return record;
    },
    async listAlerts(siteId, { unacknowledgedOnly, limit }) {
      let query = db.selectFrom('privacy_alerts').selectAll();
      if (siteId !== null) query = query.where('site_id', '=', siteId);
      if (unacknowledgedOnly) query = query.where('acknowledged_at', 'is', null);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
      return rows.map(alertFromRow);
    },
    async findAlert(id) {
      const row = await db.selectFrom('privacy_alerts').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? alertFromRow(row) : undefined;
    },
    async acknowledgeAlert(id, by, at) {
      const result = await db
        .updateTable('privacy_alerts')
        .set({ acknowledged_at: at, acknowledged_by: by })
        .where('id', '=', id)
        .where('acknowledged_at', 'is', null)
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },
    async countDrop(siteId, reason: PrivacyDropReason, at, count = 1) {
      await db
        .insertInto('privacy_drop_counts')
        .values({ site_id: siteId, day: utcDay(at), reason, count })
        .onConflict((oc) =>
          oc.columns(['site_id', 'day', 'reason']).doUpdateSet({
            count: sql`privacy_drop_counts.count + excluded.count`,
          }),
        )
        .execute();
    },
    async countDropInHour(siteId, reason, at, count = 1) {
      const hourStart = Math.floor(at / HOUR_MS) * HOUR_MS;
      const row = await db
        .insertInto('privacy_drop_hours')
        .values({ site_id: siteId, reason, hour_start: hourStart, count })
        .onConflict((oc) =>
          oc.columns(['site_id', 'reason', 'hour_start']).doUpdateSet({
            count: sql`privacy_drop_hours.count + excluded.count`,
          }),
        )
        .returning('count')
        .executeTakeFirstOrThrow();
      const total = Number(row.count);
      if (total === count) {
        // A new hour began for this site and reason: older hours are no longer read.
        await db
          .deleteFrom('privacy_drop_hours')
          .where('site_id', '=', siteId)
          .where('reason', '=', reason)
          .where('hour_start', '<', hourStart - DROP_HOURS_KEPT_MS)
          .execute();
      }
      return total;
    },
    async dropCounts(siteId, sinceDay) {
      const rows = await db
        .selectFrom('privacy_drop_counts')
        .select(['day', 'reason', 'count'])
        .where('site_id', '=', siteId)
        .where('day', '>=', sinceDay)
        .orderBy('day', 'desc')
        .orderBy('reason')
        .execute();
      return rows.map((r) => ({ day: r.day, reason: r.reason as PrivacyDropReason, count: Number(r.count) }));
    },
  };
}
