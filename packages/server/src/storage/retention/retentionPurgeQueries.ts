import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from '../Database.js';
import type { Dialect } from '../migrations/Migration.js';
import { affected } from '../rows.js';
import type { PurgedCounts, RetentionRepository } from './RetentionRepository.js';

type PurgeQueries = Pick<
  RetentionRepository,
  'dueSessions' | 'countDue' | 'countHeld' | 'purge' | 'compact' | 'oldestSession' | 'oldestUnheldSession'
>;

type SessionScope = ExpressionBuilder<Database & { s: Database['recording_sessions'] }, 's'>;

/** True for a session some hold active at `now` keeps: named directly, or its subject held. */
function heldAt(eb: SessionScope, now: number) {
  return eb.or([
    eb.exists(
      eb
        .selectFrom('legal_holds as h')
        .select(sql<number>`1`.as('one'))
        .whereRef('h.session_id', '=', 's.id')
        .where('h.released_at', 'is', null)
        .where('h.expires_at', '>', now),
    ),
    eb.exists(
      eb
        .selectFrom('session_subjects as ss')
        .innerJoin('legal_holds as h', (join) =>
          join.onRef('h.user_hash', '=', 'ss.user_hash').onRef('h.site_id', '=', 'ss.site_id'),
        )
        .select(sql<number>`1`.as('one'))
        .whereRef('ss.session_id', '=', 's.id')
        .where('h.released_at', 'is', null)
        .where('h.expires_at', '>', now),
    ),
  ]);
}

/**
 * The purge's queries. Every one starts from `recording_sessions_site_received_idx` (site, server
 * receive time), so a run reads only the sessions it removes; holds are checked per session by
 * their own indexes.
 */
export function retentionPurgeQueries(db: Kysely<Database>, dialect: Dialect): PurgeQueries {
  const byteLength = dialect === 'postgres' ? sql`octet_length(c.payload)` : sql`length(c.payload)`;

  const due = (siteId: string, cutoff: number, now: number) =>
    db
      .selectFrom('recording_sessions as s')
      .where('s.site_id', '=', siteId)
      .where('s.created_at', '<', cutoff)
      .where((eb) => eb.not(heldAt(eb, now)));

  return {
    async dueSessions(siteId, cutoff, now, limit) {
      const rows = await due(siteId, cutoff, now)
        .select('s.id')
        .orderBy('s.created_at')
        .orderBy('s.id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    async countDue(siteId, cutoff, now) {
      const sessions = await due(siteId, cutoff, now)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const chunks = await db
        .selectFrom('chunks as c')
        .where('c.session_id', 'in', due(siteId, cutoff, now).select('s.id'))
        .select((eb) => [
          eb.fn.countAll<number>().as('n'),
          sql<number | null>`sum(${byteLength})`.as('bytes'),
        ])
        .executeTakeFirstOrThrow();
      return { sessions: Number(sessions.n), chunks: Number(chunks.n), bytes: Number(chunks.bytes ?? 0) };
    },

    async countHeld(siteId, cutoff, now) {
      const row = await db
        .selectFrom('recording_sessions as s')
        .where('s.site_id', '=', siteId)
        .where('s.created_at', '<', cutoff)
        .where((eb) => heldAt(eb, now))
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    purge(sessionIds, siteId, cutoff, now) {
      const counts: PurgedCounts = { sessions: 0, chunks: 0, bytes: 0, dataKeys: 0 };
      if (sessionIds.length === 0) return Promise.resolve(counts);
      return db.transaction().execute(async (trx) => {
        // Re-checked inside the transaction: a hold placed since the batch was chosen wins. The
        // batch is found by its primary keys: SQLite's planner would otherwise pick the (site,
        // receive time) index for the site and cutoff terms and walk every session still due in
        // each batch (quadratic in the backlog: 34 ms a batch at 100 000 due, profiled). A unary
        // `+` keeps those terms from choosing an index; PostgreSQL plans by statistics.
        const site = dialect === 'sqlite' ? sql<string>`+s.site_id` : sql<string>`s.site_id`;
        const created = dialect === 'sqlite' ? sql<number>`+s.created_at` : sql<number>`s.created_at`;
        let still = trx
          .selectFrom('recording_sessions as s')
          .select('s.id')
          .where('s.id', 'in', sessionIds)
          .where(site, '=', siteId)
          .where(created, '<', cutoff)
          .where((eb) => eb.not(heldAt(eb, now)));
        if (dialect === 'postgres') still = still.forUpdate('s');
        const ids = (await still.execute()).map((r) => r.id);
        if (ids.length === 0) return counts;
        const sizes = await trx
          .selectFrom('chunks as c')
          .where('c.session_id', 'in', ids)
          .select((eb) => [
            eb.fn.countAll<number>().as('n'),
            sql<number | null>`sum(${byteLength})`.as('bytes'),
          ])
          .executeTakeFirstOrThrow();
        // The keys first: without them the chunks are unreadable even before their rows are gone.
        const keys = await trx.deleteFrom('session_keys').where('session_id', 'in', ids).executeTakeFirst();
        const chunks = await trx.deleteFrom('chunks').where('session_id', 'in', ids).executeTakeFirst();
        await trx.deleteFrom('session_pages').where('session_id', 'in', ids).execute();
        await trx.deleteFrom('session_signals').where('session_id', 'in', ids).execute();
        await trx.deleteFrom('session_clicks').where('session_id', 'in', ids).execute();
        await trx.deleteFrom('session_funnels').where('session_id', 'in', ids).execute();
        await trx.deleteFrom('session_funnel_sources').where('session_id', 'in', ids).execute();
        await trx.deleteFrom('session_subjects').where('session_id', 'in', ids).execute();
        await trx.deleteFrom('session_tags').where('session_id', 'in', ids).execute();
        // The heatmap's per-session counting state (its aggregates name no session and stay).
        await trx.deleteFrom('heatmap_sessions').where('session_id', 'in', ids).execute();
        const sessions = await trx.deleteFrom('recording_sessions').where('id', 'in', ids).executeTakeFirst();
        counts.dataKeys = affected(keys.numDeletedRows);
        counts.chunks = affected(chunks.numDeletedRows);
        counts.sessions = affected(sessions.numDeletedRows);
        counts.bytes = Number(sizes.bytes ?? 0);
        return counts;
      });
    },

    async compact() {
      // SQLite: secure delete zeroed the freed cells; the checkpoint writes them into the main file
      // and truncates the WAL, so no earlier image of a deleted key is left in either file.
      if (dialect === 'sqlite') await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    },

    async oldestSession(siteId) {
      const row = await db
        .selectFrom('recording_sessions')
        .where('site_id', '=', siteId)
        .select('created_at')
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst();
      return row ? Number(row.created_at) : undefined;
    },

    async oldestUnheldSession(siteId, now) {
      const row = await db
        .selectFrom('recording_sessions as s')
        .where('s.site_id', '=', siteId)
        .where((eb) => eb.not(heldAt(eb, now)))
        .select('s.created_at')
        .orderBy('s.created_at')
        .limit(1)
        .executeTakeFirst();
      return row ? Number(row.created_at) : undefined;
    },
  };
}
