import {
  SCAN_RUN_STATUSES,
  SCAN_RUN_TRIGGERS,
  type ScanFindingSummary,
  type ScanRunStatus,
  type ScanRunTrigger,
  scanFindingSummarySchema,
  scanRunSummarySchema,
} from '@veil/core';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import type { ScanRepository, ScanRunRecord, ScanScheduleRecord } from './ScanRepository.js';
import type { ScanRunsTable, ScanSchedulesTable } from './scanTables.js';

const stringList = z.array(z.string());
const findingList = z.array(scanFindingSummarySchema);

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e.code === '23505' || (typeof e.message === 'string' && e.message.includes('UNIQUE constraint failed'))
  );
}

function scheduleFromRow(r: Selectable<ScanSchedulesTable>): ScanScheduleRecord {
  return {
    siteId: r.site_id,
    enabled: Number(r.enabled) === 1,
    intervalHours: Number(r.interval_hours),
    paths: stringList.parse(JSON.parse(r.paths_json)),
    crawl: Number(r.crawl),
    acceptSelector: r.accept_selector,
    rejectSelector: r.reject_selector,
    updatedAt: Number(r.updated_at),
    updatedBy: r.updated_by,
  };
}

function runFromRow(r: Selectable<ScanRunsTable>): ScanRunRecord {
  const trigger = SCAN_RUN_TRIGGERS.find((t) => t === r.trigger);
  const status = SCAN_RUN_STATUSES.find((s) => s === r.status);
  if (!trigger || !status) throw new Error('stored scan run has an unknown trigger or status');
  return {
    id: r.id,
    siteId: r.site_id,
    trigger: trigger satisfies ScanRunTrigger,
    status: status satisfies ScanRunStatus,
    requestedBy: r.requested_by,
    queuedAt: Number(r.queued_at),
    startedAt: r.started_at === null ? null : Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
    urls: stringList.parse(JSON.parse(r.urls_json)),
    summary: r.summary_json === null ? null : scanRunSummarySchema.parse(JSON.parse(r.summary_json)),
    findings: findingList.parse(JSON.parse(r.findings_json)) satisfies ScanFindingSummary[],
    error: r.error,
  };
}

/** Scan schedules and runs over either dialect. */
export function createScanRepository(db: Kysely<Database>): ScanRepository {
  return {
    async getSchedule(siteId) {
      const row = await db
        .selectFrom('scan_schedules')
        .selectAll()
        .where('site_id', '=', siteId)
        .executeTakeFirst();
      return row ? scheduleFromRow(row) : undefined;
    },

    async putSchedule(s) {
      const values = {
        enabled: s.enabled ? 1 : 0,
        interval_hours: s.intervalHours,
        paths_json: JSON.stringify(s.paths),
        crawl: s.crawl,
        accept_selector: s.acceptSelector,
        reject_selector: s.rejectSelector,
        updated_at: s.updatedAt,
        updated_by: s.updatedBy,
      };
      await db
        .insertInto('scan_schedules')
        .values({ site_id: s.siteId, ...values })
        .onConflict((oc) => oc.column('site_id').doUpdateSet(values))
        .execute();
    },

    async listEnabledSchedules() {
      const rows = await db
        .selectFrom('scan_schedules')
        .selectAll()
        .where('enabled', '=', 1)
        .orderBy('site_id')
        .execute();
      return rows.map(scheduleFromRow);
    },

    async enqueueRun(run) {
      const row = {
        id: run.id,
        site_id: run.siteId,
        trigger: run.trigger,
        status: 'queued',
        active_site_id: run.siteId,
        requested_by: run.requestedBy,
        queued_at: run.queuedAt,
        started_at: null,
        finished_at: null,
        urls_json: JSON.stringify(run.urls),
        summary_json: null,
        findings_json: '[]',
        error: null,
      };
      try {
        await db.insertInto('scan_runs').values(row).execute();
      } catch (error) {
        // The unique active_site_id: the site has a run queued or running already.
        if (isUniqueViolation(error)) return 'busy';
        throw error;
      }
      return runFromRow(row);
    },

    async claimQueuedRun(now) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const next = await db
          .selectFrom('scan_runs')
          .select('id')
          .where('status', '=', 'queued')
          .orderBy('queued_at')
          .orderBy('id')
          .limit(1)
          .executeTakeFirst();
        if (!next) return undefined;
        // Compare-and-set: of several processes only one moves it from queued to running.
        const moved = await db
          .updateTable('scan_runs')
          .set({ status: 'running', started_at: now })
          .where('id', '=', next.id)
          .where('status', '=', 'queued')
          .executeTakeFirst();
        if (affected(moved.numUpdatedRows) === 1) {
          const row = await db
            .selectFrom('scan_runs')
            .selectAll()
            .where('id', '=', next.id)
            .executeTakeFirst();
          return row ? runFromRow(row) : undefined;
        }
      }
      return undefined;
    },

    async finishRun(id, outcome, at) {
      const result = await db
        .updateTable('scan_runs')
        .set(
          outcome.status === 'completed'
            ? {
                status: 'completed',
                active_site_id: null,
                finished_at: at,
                summary_json: JSON.stringify(outcome.summary),
                findings_json: JSON.stringify(outcome.findings),
              }
            : { status: 'failed', active_site_id: null, finished_at: at, error: outcome.error.slice(0, 500) },
        )
        .where('id', '=', id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },

    async failStaleRuns(startedBefore, at) {
      const result = await db
        .updateTable('scan_runs')
        .set({
          status: 'failed',
          active_site_id: null,
          finished_at: at,
          error: 'the process running this scan stopped before it finished',
        })
        .where('status', '=', 'running')
        .where('started_at', '<', startedBefore)
        .executeTakeFirst();
      return affected(result.numUpdatedRows);
    },

    async getRun(id) {
      const row = await db.selectFrom('scan_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? runFromRow(row) : undefined;
    },

    async listRuns(siteId, limit) {
      const rows = await db
        .selectFrom('scan_runs')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('queued_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(runFromRow);
    },

    async latestRun(siteId) {
      const [run] = await this.listRuns(siteId, 1);
      return run;
    },
  };
}
