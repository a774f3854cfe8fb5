import type { CaptureMode, DeviceClass, ParsedHeatmapEvent, SessionSegment } from '@veil/core';
import { type Kysely, sql } from 'kysely';
import type { HeatmapSessionState, HeatmapSessionStatus } from '../../heatmap/sessionPlan.js';
import type { Database } from '../Database.js';
import type { Dialect } from '../migrations/Migration.js';
import { affected } from '../rows.js';
import type { HeatmapRepository } from './HeatmapRepository.js';
import type { heatmapAggregateWriter } from './heatmapAggregateWrites.js';

/** Namespace of PostgreSQL advisory locks that serialise the batches of one session. */
const PG_SESSION_LOCK_NAMESPACE = 0x7673; // 'vs'

type Row = Database['heatmap_sessions'];

function fromRow(r: Row): HeatmapSessionState {
  return {
    sessionId: r.session_id,
    siteId: r.site_id,
    status: r.status as HeatmapSessionStatus,
    reason: r.reason,
    day: Number(r.day),
    firstTs: Number(r.first_ts),
    lastTs: Number(r.last_ts),
    lastReceivedAt: Number(r.last_received_at),
    device: r.device as DeviceClass | null,
    mode: r.mode as CaptureMode,
    segment: r.segment_json === null ? null : (JSON.parse(r.segment_json) as SessionSegment),
    seen: JSON.parse(r.seen_json) as string[],
    seqs: JSON.parse(r.seqs_json) as number[],
    pending: JSON.parse(r.pending_json) as ParsedHeatmapEvent[],
  };
}

function toRow(s: HeatmapSessionState): Row {
  return {
    session_id: s.sessionId,
    site_id: s.siteId,
    status: s.status,
    reason: s.reason,
    day: s.day,
    first_ts: Math.round(s.firstTs),
    last_ts: Math.round(s.lastTs),
    last_received_at: s.lastReceivedAt,
    device: s.device,
    mode: s.mode,
    segment_json: s.segment === null ? null : JSON.stringify(s.segment),
    seen_json: JSON.stringify(s.seen),
    seqs_json: JSON.stringify(s.seqs),
    pending_json: JSON.stringify(s.pending),
  };
}

type SessionParts = Pick<
  HeatmapRepository,
  'ingest' | 'hasSession' | 'deleteIdleSessions' | 'deleteSessions'
>;

/** The per-session counting state and the transaction that counts one batch. */
export function heatmapSessions(
  db: Kysely<Database>,
  dialect: Dialect,
  writer: ReturnType<typeof heatmapAggregateWriter>,
): SessionParts {
  return {
    async ingest({ sessionId, siteId }, plan, now) {
      try {
        const done = await db.transaction().execute(async (trx) => {
          if (dialect === 'postgres') {
            await sql`select pg_advisory_xact_lock(${PG_SESSION_LOCK_NAMESPACE}, hashtext(${sessionId}))`.execute(
              trx,
            );
          }
          const row = await trx
            .selectFrom('heatmap_sessions')
            .selectAll()
            .where('session_id', '=', sessionId)
            .executeTakeFirst();
          if (row && row.site_id !== siteId) return { outcome: 'conflict' as const, state: undefined };
          const stored = row ? fromRow(row) : undefined;
          const result = plan(stored);
          if (result.outcome === 'duplicate') return { outcome: result.outcome, state: result.state };
          const resolved = await writer.addAggregates(trx, siteId, result.writes, now);
          const values = toRow(result.state);
          const { session_id: _id, site_id: _site, ...changes } = values;
          await trx
            .insertInto('heatmap_sessions')
            .values(values)
            .onConflict((oc) => oc.column('session_id').doUpdateSet(changes))
            .execute();
          return { outcome: result.outcome, state: result.state, resolved };
        });
        if ('resolved' in done && done.resolved) writer.learn(done.resolved);
        return { outcome: done.outcome, state: done.state };
      } catch (error) {
        writer.forget();
        throw error;
      }
    },

    async hasSession(sessionId) {
      const row = await db
        .selectFrom('heatmap_sessions')
        .select('session_id')
        .where('session_id', '=', sessionId)
        .executeTakeFirst();
      return row !== undefined;
    },

    async deleteIdleSessions(before, limit) {
      const ids = await db
        .selectFrom('heatmap_sessions')
        .select('session_id')
        .where('last_received_at', '<', before)
        .orderBy('last_received_at')
        .limit(limit)
        .execute();
      if (ids.length === 0) return 0;
      const result = await db
        .deleteFrom('heatmap_sessions')
        .where(
          'session_id',
          'in',
          ids.map((r) => r.session_id),
        )
        .where('last_received_at', '<', before)
        .executeTakeFirst();
      return affected(result.numDeletedRows);
    },

    async deleteSessions(sessionIds) {
      if (sessionIds.length === 0) return 0;
      const result = await db
        .deleteFrom('heatmap_sessions')
        .where('session_id', 'in', [...sessionIds])
        .executeTakeFirst();
      return affected(result.numDeletedRows);
    },
  };
}
