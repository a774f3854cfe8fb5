import {
  emptySignalCounts,
  MS_PER_DAY,
  type SessionSignalState,
  type SignalCounts,
  urlPath,
} from '@veil/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../Database.js';
import type { Dialect } from '../migrations/Migration.js';
import { funnelReachOf, pathReachOf } from './funnelSequences.js';
import { appendFunnelSequence } from './funnelSequenceWrites.js';
import type {
  FunnelClick,
  SignalIngestKey,
  SignalIngestOutcome,
  SignalRepository,
} from './SignalRepository.js';
import type { SessionSignalsTable } from './signalTables.js';

/** Keeps one INSERT well under SQLite's and PostgreSQL's bound-parameter limits. */
const CLICK_ROWS_PER_INSERT = 100;

/** Namespace of PostgreSQL advisory locks serialising one session's signal counting. */
const PG_SIGNAL_LOCK_NAMESPACE = 0x7367; // 'sg'

type CountColumns = Pick<
  SessionSignalsTable,
  | 'rage_clicks'
  | 'dead_clicks'
  | 'quick_backs'
  | 'excessive_scrolls'
  | 'error_clicks'
  | 'js_errors'
  | 'failed_requests'
>;

/** Each signal kind's column in `session_signals`. */
export const SIGNAL_COLUMNS = {
  rageClicks: 'rage_clicks',
  deadClicks: 'dead_clicks',
  quickBacks: 'quick_backs',
  excessiveScrolls: 'excessive_scrolls',
  errorClicks: 'error_clicks',
  jsErrors: 'js_errors',
  failedRequests: 'failed_requests',
} as const satisfies Record<keyof SignalCounts, keyof CountColumns>;

export function countsFromRow(row: Partial<Record<keyof CountColumns, unknown>>): SignalCounts {
  const counts = emptySignalCounts();
  for (const [kind, column] of Object.entries(SIGNAL_COLUMNS) as [keyof SignalCounts, keyof CountColumns][])
    counts[kind] = Number(row[column] ?? 0);
  return counts;
}

export function countColumns(counts: SignalCounts): CountColumns {
  return {
    rage_clicks: counts.rageClicks,
    dead_clicks: counts.deadClicks,
    quick_backs: counts.quickBacks,
    excessive_scrolls: counts.excessiveScrolls,
    error_clicks: counts.errorClicks,
    js_errors: counts.jsErrors,
    failed_requests: counts.failedRequests,
  };
}

/**
 * `SignalRepository.ingest` inside the caller's transaction `trx` (the chunk group commit counts a
 * batch's signals in the transaction that stores its chunk).
 */
export async function ingestSignalsIn(
  trx: Kysely<Database>,
  dialect: Dialect,
  { sessionId, siteId, seq }: SignalIngestKey,
  fold: (state: SessionSignalState | undefined) => SessionSignalState,
  now: number,
  clicks: readonly FunnelClick[],
): Promise<SignalIngestOutcome> {
  if (dialect === 'postgres') {
    await sql`select pg_advisory_xact_lock(${PG_SIGNAL_LOCK_NAMESPACE}, hashtext(${sessionId}))`.execute(trx);
  }
  const row = await trx
    .selectFrom('session_signals')
    .select(['site_id', 'state_json', 'seqs_json'])
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  if (row && row.site_id !== siteId) return 'conflict';
  const seqs = row ? (JSON.parse(row.seqs_json) as number[]) : [];
  if (seqs.includes(seq)) return 'duplicate';
  const state = fold(row ? (JSON.parse(row.state_json) as SessionSignalState) : undefined);
  seqs.push(seq);
  const changes = {
    ...countColumns(state.counts),
    state_json: JSON.stringify(state),
    seqs_json: JSON.stringify(seqs),
    updated_at: now,
  };
  await trx
    .insertInto('session_signals')
    .values({ session_id: sessionId, site_id: siteId, ...changes })
    .onConflict((oc) => oc.column('session_id').doUpdateSet(changes))
    .execute();
  for (let at = 0; at < clicks.length; at += CLICK_ROWS_PER_INSERT) {
    await trx
      .insertInto('session_clicks')
      .values(
        clicks.slice(at, at + CLICK_ROWS_PER_INSERT).map((c, i) => ({
          session_id: sessionId,
          seq,
          idx: at + i,
          site_id: siteId,
          ts: c.ts,
          page: c.page,
          element: c.element,
        })),
      )
      .onConflict((oc) => oc.columns(['session_id', 'seq', 'idx']).doNothing())
      .execute();
  }
  await appendFunnelSequence(trx, sessionId, seq, clicks);
  return 'counted';
}

/** Per-session signal counts over either dialect. */
export function createSignalRepository(db: Kysely<Database>, dialect: Dialect): SignalRepository {
  return {
    ingest(key, fold, now, clicks = []) {
      return db.transaction().execute((trx) => ingestSignalsIn(trx, dialect, key, fold, now, clicks));
    },

    funnelReach: (siteId, from, to, steps, segment, enoughVisitors) =>
      funnelReachOf(db, dialect, siteId, from, to, steps, segment, enoughVisitors),
    pathReach: (siteId, from, to, pattern, direction, sitePatterns, k, enoughVisitors) =>
      pathReachOf(db, dialect, siteId, from, to, pattern, direction, sitePatterns, k, enoughVisitors),

    async counts(sessionId) {
      const row = await db
        .selectFrom('session_signals')
        .selectAll()
        .where('session_id', '=', sessionId)
        .executeTakeFirst();
      return row ? countsFromRow(row) : undefined;
    },

    async overview(siteId, from, to) {
      const withSignal = Object.entries(SIGNAL_COLUMNS).map(([kind, column]) =>
        sql<number>`sum(case when ${sql.ref(`s.${column}`)} > 0 then 1 else 0 end)`.as(kind),
      );
      const day = sql<number>`cast(${sql.ref('r.created_at')} / ${MS_PER_DAY} as integer)`;
      const dayRows = await db
        .selectFrom('recording_sessions as r')
        .leftJoin('session_signals as s', 's.session_id', 'r.id')
        .select([day.as('day'), sql<number>`count(*)`.as('sessions'), ...withSignal])
        .where('r.site_id', '=', siteId)
        .where('r.created_at', '>=', from)
        .where('r.created_at', '<=', to)
        .groupBy(day)
        .orderBy(day)
        .execute();
      const days = dayRows.map((row) => {
        const counts = emptySignalCounts();
        const values = row as unknown as Record<string, unknown>;
        for (const kind of Object.keys(SIGNAL_COLUMNS) as (keyof SignalCounts)[])
          counts[kind] = Number(values[kind] ?? 0);
        return { day: Number(row.day), sessions: Number(row.sessions), withSignal: counts };
      });
      const pageRows = await db
        .selectFrom('session_pages as p')
        .innerJoin('recording_sessions as r', 'r.id', 'p.session_id')
        .leftJoin('session_signals as s', 's.session_id', 'p.session_id')
        .select(['p.session_id', 'p.url'])
        .select(Object.values(SIGNAL_COLUMNS).map((c) => `s.${c}` as const))
        .distinct()
        .where('r.site_id', '=', siteId)
        .where('r.created_at', '>=', from)
        .where('r.created_at', '<=', to)
        .execute();
      const pages = pageRows.map((row) => ({
        sessionId: row.session_id,
        path: urlPath(row.url) || row.url,
        signals: countsFromRow(row),
      }));
      return { days, pages };
    },
  };
}
