import { bucketId, bucketOfId } from '@veil/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../Database.js';
import type { DayOutcomeKey, HeatmapRepository } from './HeatmapRepository.js';

type OutcomeParts = Pick<
  HeatmapRepository,
  'dayVersions' | 'dayOutcomes' | 'putDayOutcomes' | 'rangeOutcomes' | 'putRangeOutcomes'
>;

/** The `version` of a range outcome's row: its day versions are in the outcome itself. */
const RANGE_VERSION = -1;

/** Level-0 buckets: one day each. */
const dayBuckets = (days: readonly number[]): number[] => days.map((day) => bucketId(0, day));

/**
 * Stored per-part outcomes of heatmap answers (`clickOutcomes.ts`, migration 023) and the day
 * versions that keep them current: an outcome is returned only while its day's version is the one
 * it was decided at (`bumpDayVersions` runs in every aggregate write's transaction). The same
 * table holds range outcomes (`clickRanges.ts`): sums over a bucket of 4, 16 or 64 days, in rows of
 * that bucket with version -1; each names the day versions it was summed from, and its reader
 * checks them against the days' current versions.
 */
export function heatmapDayOutcomes(db: Kysely<Database>): OutcomeParts {
  return {
    async dayVersions(pageId, days) {
      const out = new Map<number, number>(days.map((day) => [day, 0]));
      if (days.length === 0) return out;
      const rows = await db
        .selectFrom('heatmap_day_versions')
        .select(['bucket', 'version'])
        .where('page_id', '=', pageId)
        .where('bucket', 'in', dayBuckets(days))
        .execute();
      for (const r of rows) out.set(bucketOfId(Number(r.bucket)).startDay, Number(r.version));
      return out;
    },

    async dayOutcomes(pageId, key, devices, days) {
      const out = new Map<string, { version: number; outcome: Buffer }>();
      if (days.length === 0 || devices.length === 0) return out;
      const rows = await db
        .selectFrom('heatmap_day_outcomes as o')
        .leftJoin('heatmap_day_versions as v', (j) =>
          j.onRef('v.page_id', '=', 'o.page_id').onRef('v.bucket', '=', 'o.bucket'),
        )
        .select(['o.bucket', 'o.device', 'o.version', 'o.outcome'])
        .where('o.page_id', '=', pageId)
        .where('o.view', '=', key.view)
        .where('o.segment', '=', key.segment)
        .where('o.k', '=', key.k)
        .where('o.min_cohort', '=', key.minCohort)
        .where('o.device', 'in', [...devices])
        .where('o.bucket', 'in', dayBuckets(days))
        .where(sql<boolean>`o.version = coalesce(v.version, 0)`)
        .execute();
      for (const r of rows) {
        out.set(`${bucketOfId(Number(r.bucket)).startDay}\u0000${r.device}`, {
          version: Number(r.version),
          outcome: r.outcome,
        });
      }
      return out;
    },

    async putDayOutcomes(pageId, key, outcomes) {
      await putOutcomes(
        db,
        pageId,
        key,
        outcomes.map((o) => ({
          device: o.device,
          bucket: bucketId(0, o.day),
          version: o.version,
          outcome: o.outcome,
        })),
      );
    },

    async rangeOutcomes(pageId, key, devices, buckets) {
      const out = new Map<string, Buffer>();
      const ranges = buckets.filter((b) => bucketOfId(b).days > 1);
      if (ranges.length === 0 || devices.length === 0) return out;
      const rows = await db
        .selectFrom('heatmap_day_outcomes')
        .select(['bucket', 'device', 'outcome'])
        .where('page_id', '=', pageId)
        .where('view', '=', key.view)
        .where('segment', '=', key.segment)
        .where('k', '=', key.k)
        .where('min_cohort', '=', key.minCohort)
        .where('device', 'in', [...devices])
        .where('bucket', 'in', ranges)
        .where('version', '=', RANGE_VERSION)
        .execute();
      for (const r of rows) out.set(`${Number(r.bucket)}\u0000${r.device}`, r.outcome);
      return out;
    },

    async putRangeOutcomes(pageId, key, outcomes) {
      const ranges = outcomes.filter((o) => bucketOfId(o.bucket).days > 1);
      await putOutcomes(
        db,
        pageId,
        key,
        ranges.map((o) => ({
          device: o.device,
          bucket: o.bucket,
          version: RANGE_VERSION,
          outcome: o.outcome,
        })),
      );
    },
  };
}

/** Inserts or replaces outcome rows (day or range) of one page and key. */
async function putOutcomes(
  db: Kysely<Database>,
  pageId: number,
  key: DayOutcomeKey,
  rows: ReadonlyArray<{ device: string; bucket: number; version: number; outcome: Buffer }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('heatmap_day_outcomes')
    .values(
      rows.map((o) => ({
        page_id: pageId,
        view: key.view,
        segment: key.segment,
        k: key.k,
        min_cohort: key.minCohort,
        device: o.device,
        bucket: o.bucket,
        version: o.version,
        outcome: o.outcome,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['page_id', 'view', 'segment', 'k', 'min_cohort', 'device', 'bucket']).doUpdateSet((eb) => ({
        version: eb.ref('excluded.version'),
        outcome: eb.ref('excluded.outcome'),
      })),
    )
    .execute();
}

/**
 * Bumps the version of every page day (level-0 bucket) among `keys`: called in the transaction
 * that writes their aggregate rows, so that no outcome decided from the rows before stays current.
 */
export async function bumpDayVersions(
  trx: Kysely<Database>,
  keys: Iterable<{ page_id: number; bucket: number }>,
): Promise<void> {
  const days = new Map<string, { page_id: number; bucket: number; version: number }>();
  for (const { page_id, bucket } of keys) {
    if (bucketOfId(bucket).days !== 1) continue;
    days.set(`${page_id}\u0000${bucket}`, { page_id, bucket, version: 1 });
  }
  if (days.size === 0) return;
  // In key order, like the page locks: concurrent writers of the same days never deadlock here.
  const rows = [...days.values()].sort((a, b) => a.page_id - b.page_id || a.bucket - b.bucket);
  await trx
    .insertInto('heatmap_day_versions')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['page_id', 'bucket']).doUpdateSet({ version: sql`heatmap_day_versions.version + 1` }),
    )
    .execute();
}
