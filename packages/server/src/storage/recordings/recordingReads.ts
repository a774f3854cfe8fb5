import { decodeFunnelItems, parseDeviceClass, stepsReached, urlPath } from '@veil/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../Database.js';
import type { Dialect } from '../migrations/Migration.js';
import { countsFromRow, SIGNAL_COLUMNS } from '../signals/createSignalRepository.js';
import type { SessionSignalsTable } from '../signals/signalTables.js';
import type { RecordingRepository, SessionSummaryRecord } from './RecordingRepository.js';
import type { RecordingSessionsTable } from './recordingTables.js';

type Reads = Pick<RecordingRepository, 'list' | 'get' | 'pages' | 'chunks' | 'wrappedKey' | 'funnelSessions'>;

type SummaryRow = Selectable<RecordingSessionsTable> & { site_key: string } & Partial<
    Record<(typeof SIGNAL_COLUMNS)[keyof typeof SIGNAL_COLUMNS], SessionSignalsTable['rage_clicks'] | null>
  >;

function summaryFromRow(row: SummaryRow): SessionSummaryRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    siteKey: row.site_key,
    visitorId: row.visitor_id,
    startedAt: Number(row.started_at),
    endedAt: Number(row.ended_at),
    lastReceivedAt: Number(row.last_received_at),
    receivedAt: Number(row.created_at),
    durationMs: Number(row.duration_ms),
    pageCount: Number(row.page_count),
    entryUrl: row.entry_url,
    deviceClass: parseDeviceClass(row.device_class),
    viewportWidth: row.viewport_width === null ? null : Number(row.viewport_width),
    eventCount: Number(row.event_count),
    chunkCount: Number(row.chunk_count),
    finalised: Number(row.finalised) === 1,
    demo: Number(row.demo) === 1,
    signals: countsFromRow(row),
  };
}

/** `%`, `_` and the escape character itself are literal in a substring search. */
export function likeSubstring(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function recordingReads(db: Kysely<Database>, dialect: Dialect): Reads {
  const summaries = () =>
    db
      .selectFrom('recording_sessions')
      .innerJoin('sites', 'sites.id', 'recording_sessions.site_id')
      .leftJoin('session_signals', 'session_signals.session_id', 'recording_sessions.id')
      .selectAll('recording_sessions')
      .select('sites.site_key')
      .select(Object.values(SIGNAL_COLUMNS).map((c) => `session_signals.${c}` as const));

  return {
    async list(q) {
      let query = summaries().where('recording_sessions.site_id', '=', q.siteId);
      if (q.from !== undefined) query = query.where('recording_sessions.started_at', '>=', q.from);
      if (q.to !== undefined) query = query.where('recording_sessions.started_at', '<=', q.to);
      if (q.receivedFrom !== undefined)
        query = query.where('recording_sessions.created_at', '>=', q.receivedFrom);
      if (q.receivedTo !== undefined)
        query = query.where('recording_sessions.created_at', '<=', q.receivedTo);
      if (q.device !== undefined) query = query.where('recording_sessions.device_class', '=', q.device);
      const tag = q.tag;
      if (tag !== undefined)
        query = query.where('recording_sessions.id', 'in', (eb) =>
          eb
            .selectFrom('session_tags')
            .select('session_tags.session_id')
            .where('session_tags.tag_key', '=', tag.key)
            .where('session_tags.tag_value', '=', tag.value),
        );
      if (q.minDurationMs !== undefined)
        query = query.where('recording_sessions.duration_ms', '>=', q.minDurationMs);
      if (q.page !== undefined && q.page !== '') {
        const pattern = likeSubstring(q.page);
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom('session_pages')
              .select(sql.lit(1).as('one'))
              .whereRef('session_pages.session_id', '=', 'recording_sessions.id')
              .where(sql<boolean>`lower(${sql.ref('session_pages.url')}) like ${pattern} escape '\\'`),
          ),
        );
      }
      for (const kind of q.signals ?? [])
        query = query.where(`session_signals.${SIGNAL_COLUMNS[kind]}`, '>', 0);
      const funnel = q.funnel;
      if (funnel !== undefined) {
        // The sessions whose sequence kept at ingest reaches the step: each distinct sequence of
        // the site matched once, then the sessions holding one of those that do.
        const groups = await db
          .selectFrom('session_funnels')
          .select('items')
          .where('site_id', '=', q.siteId)
          .groupBy('items')
          .execute();
        const reaching = groups
          .map((g) => g.items)
          .filter((items) => stepsReached(decodeFunnelItems(items), funnel.steps) >= funnel.reached);
        const among =
          reaching.length === 0
            ? sql<boolean>`${sql.lit(1)} = ${sql.lit(0)}`
            : dialect === 'postgres'
              ? sql<boolean>`${sql.ref('session_funnels.items')} = any(${reaching}::text[])`
              : sql<boolean>`${sql.ref('session_funnels.items')} in (select value from json_each(${JSON.stringify(reaching)}))`;
        query = query.where('recording_sessions.id', 'in', (eb) =>
          eb
            .selectFrom('session_funnels')
            .select('session_funnels.session_id')
            .where('session_funnels.site_id', '=', q.siteId)
            .where(among),
        );
      }
      const sortColumn =
        q.sort === undefined ? undefined : (`session_signals.${SIGNAL_COLUMNS[q.sort]}` as const);
      // A session without a signal row counts 0 for the sort.
      const sortValue =
        sortColumn === undefined ? undefined : sql<number>`coalesce(${sql.ref(sortColumn)}, 0)`;
      const after = q.after;
      if (after) {
        query = query.where((eb) => {
          const newer = eb.or([
            eb('recording_sessions.started_at', '<', after.startedAt),
            eb.and([
              eb('recording_sessions.started_at', '=', after.startedAt),
              eb('recording_sessions.id', '<', after.id),
            ]),
          ]);
          if (sortValue === undefined) return newer;
          const value = after.value ?? 0;
          return eb.or([eb(sortValue, '<', value), eb.and([eb(sortValue, '=', value), newer])]);
        });
      }
      if (sortValue !== undefined) query = query.orderBy(sortValue, 'desc');
      const rows = await query
        .orderBy('recording_sessions.started_at', 'desc')
        .orderBy('recording_sessions.id', 'desc')
        .limit(q.limit)
        .execute();
      return rows.map(summaryFromRow);
    },

    async funnelSessions(siteId, from, to, segment = {}) {
      let sessions = db
        .selectFrom('recording_sessions as r')
        .select(['r.id', 'r.visitor_id'])
        .where('r.site_id', '=', siteId)
        .where('r.created_at', '>=', from)
        .where('r.created_at', '<=', to);
      if (segment.device !== undefined) sessions = sessions.where('r.device_class', '=', segment.device);
      if (segment.tag !== undefined) {
        const { key, value } = segment.tag;
        sessions = sessions.where((eb) =>
          eb.exists(
            eb
              .selectFrom('session_tags as t')
              .select('t.session_id')
              .whereRef('t.session_id', '=', 'r.id')
              .where('t.tag_key', '=', key)
              .where('t.tag_value', '=', value),
          ),
        );
      }
      // A session without a visitor id is its own visitor (it can never make up k alone).
      const chosen = new Map<
        string,
        { visitor: string; items: Array<{ ts: number; page: string; click?: string }> }
      >();
      for (const row of await sessions.execute())
        chosen.set(row.id, { visitor: row.visitor_id ?? `session:${row.id}`, items: [] });
      if (chosen.size === 0) return [];
      const pages = await db
        .selectFrom('session_pages as p')
        .innerJoin('recording_sessions as r', 'r.id', 'p.session_id')
        .select(['p.session_id', 'p.ts', 'p.url'])
        .where('r.site_id', '=', siteId)
        .where('r.created_at', '>=', from)
        .where('r.created_at', '<=', to)
        .orderBy('p.session_id')
        .orderBy('p.ts')
        .orderBy('p.seq')
        .orderBy('p.idx')
        .execute();
      for (const row of pages) {
        const session = chosen.get(row.session_id);
        if (!session) continue;
        const page = urlPath(row.url) || row.url;
        const last = session.items[session.items.length - 1];
        if (last && last.click === undefined && last.page === page) continue;
        session.items.push({ ts: Number(row.ts), page });
      }
      const clicks = await db
        .selectFrom('session_clicks as c')
        .innerJoin('recording_sessions as r', 'r.id', 'c.session_id')
        .select(['c.session_id', 'c.ts', 'c.page', 'c.element'])
        .where('r.site_id', '=', siteId)
        .where('r.created_at', '>=', from)
        .where('r.created_at', '<=', to)
        .orderBy('c.session_id')
        .orderBy('c.ts')
        .orderBy('c.seq')
        .orderBy('c.idx')
        .execute();
      let clicked = false;
      for (const row of clicks) {
        const session = chosen.get(row.session_id);
        if (!session) continue;
        session.items.push({ ts: Number(row.ts), page: row.page, click: row.element });
        clicked = true;
      }
      const out = [...chosen.values()];
      // Page views and clicks in time order; at one instant the page view first (a click is on a page).
      if (clicked)
        for (const s of out)
          s.items.sort(
            (a, b) => a.ts - b.ts || (a.click === undefined ? 0 : 1) - (b.click === undefined ? 0 : 1),
          );
      return out.map((s) => ({
        visitor: s.visitor,
        items: s.items.map(({ page, click }) => (click === undefined ? { page } : { page, click })),
      }));
    },

    async get(sessionId) {
      const row = await summaries().where('recording_sessions.id', '=', sessionId).executeTakeFirst();
      return row ? summaryFromRow(row) : undefined;
    },

    async pages(sessionId) {
      const rows = await db
        .selectFrom('session_pages')
        .select(['url', 'title_sealed', 'ts', 'viewport_width'])
        .where('session_id', '=', sessionId)
        .orderBy('ts')
        .orderBy('seq')
        .orderBy('idx')
        .execute();
      return rows.map((r) => ({
        url: r.url,
        sealedTitle: r.title_sealed,
        ts: Number(r.ts),
        viewportWidth: r.viewport_width === null ? null : Number(r.viewport_width),
      }));
    },

    async chunks(sessionId) {
      const rows = await db
        .selectFrom('chunks')
        .select(['seq', 'payload'])
        .where('session_id', '=', sessionId)
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({ seq: Number(r.seq), payload: r.payload }));
    },

    async wrappedKey(sessionId) {
      const row = await db
        .selectFrom('session_keys')
        .select('wrapped_key')
        .where('session_id', '=', sessionId)
        .executeTakeFirst();
      return row?.wrapped_key;
    },
  };
}
