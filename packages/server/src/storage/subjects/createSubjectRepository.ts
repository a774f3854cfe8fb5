import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../Database.js';
import { IngestReadCache } from '../IngestReadCache.js';
import type { Dialect } from '../migrations/Migration.js';
import { reclaimDeleted } from '../recordings/reclaimDeleted.js';
import { affected } from '../rows.js';
import type { ErasedCounts, SubjectRepository } from './SubjectRepository.js';

const IDS_PER_QUERY = 500;

function chunked<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IDS_PER_QUERY) out.push(items.slice(i, i + IDS_PER_QUERY));
  return out;
}

export function createSubjectRepository(
  db: Kysely<Database>,
  dialect: Dialect,
  /**
   * SQLite's native connection: `userHashes`, read for every batch of a session not seen within
   * the cache's second, as a prepared statement (under Kysely's connection lock).
   */
  sqlite?: BetterSqlite3.Database,
): SubjectRepository {
  let hashesOf: BetterSqlite3.Statement | undefined;
  const repository: Omit<SubjectRepository, 'userHashesCached'> = {
    async link(sessionId, siteId, userHash, at) {
      await db
        .insertInto('session_subjects')
        .values({ session_id: sessionId, site_id: siteId, user_hash: userHash, linked_at: at })
        .onConflict((oc) => oc.columns(['session_id', 'user_hash']).doNothing())
        .execute();
    },

    async addTags(sessionId, tags) {
      if (tags.length === 0) return;
      await db
        .insertInto('session_tags')
        .values(tags.map((t) => ({ session_id: sessionId, tag_key: t.key, tag_value: t.value })))
        .onConflict((oc) => oc.columns(['session_id', 'tag_key', 'tag_value']).doNothing())
        .execute();
    },

    async userHashes(sessionId) {
      if (sqlite) {
        hashesOf ??= sqlite.prepare(
          'select user_hash from session_subjects where session_id = ? order by linked_at',
        );
        const statement = hashesOf;
        return await db
          .connection()
          .execute(async () =>
            (statement.all(sessionId) as Array<{ user_hash: string }>).map((r) => r.user_hash),
          );
      }
      const rows = await db
        .selectFrom('session_subjects')
        .select('user_hash')
        .where('session_id', '=', sessionId)
        .orderBy('linked_at')
        .execute();
      return rows.map((r) => r.user_hash);
    },

    async tags(sessionId) {
      const rows = await db
        .selectFrom('session_tags')
        .select(['tag_key', 'tag_value'])
        .where('session_id', '=', sessionId)
        .orderBy('tag_key')
        .orderBy('tag_value')
        .execute();
      return rows.map((r) => ({ key: r.tag_key, value: r.tag_value }));
    },

    async sessionIds(siteId, selector) {
      let rows: Array<{ id: string }> = [];
      switch (selector.kind) {
        case 'userId':
          rows = await db
            .selectFrom('session_subjects')
            .select('session_id as id')
            .where('site_id', '=', siteId)
            .where('user_hash', '=', selector.userHash)
            .execute();
          break;
        case 'visitorId':
          rows = await db
            .selectFrom('recording_sessions')
            .select('id')
            .where('site_id', '=', siteId)
            .where('visitor_id', '=', selector.visitorId)
            .execute();
          break;
        case 'sessionId':
          rows = await db
            .selectFrom('recording_sessions')
            .select('id')
            .where('site_id', '=', siteId)
            .where('id', '=', selector.sessionId)
            .execute();
          break;
        case 'tag':
          rows = await db
            .selectFrom('session_tags')
            .innerJoin('recording_sessions', 'recording_sessions.id', 'session_tags.session_id')
            .select('recording_sessions.id as id')
            .where('recording_sessions.site_id', '=', siteId)
            .where('session_tags.tag_key', '=', selector.key)
            .where('session_tags.tag_value', '=', selector.value)
            .execute();
          break;
        case 'demo':
          rows = await db
            .selectFrom('recording_sessions')
            .select('id')
            .where('site_id', '=', siteId)
            .where('demo', '=', 1)
            .execute();
          break;
      }
      return [...new Set(rows.map((r) => r.id))].sort();
    },

    async visitorIds(sessionIds) {
      const out = new Set<string>();
      for (const ids of chunked(sessionIds)) {
        const rows = await db
          .selectFrom('recording_sessions')
          .select('visitor_id')
          .where('id', 'in', ids)
          .where('visitor_id', 'is not', null)
          .execute();
        for (const r of rows) if (r.visitor_id !== null) out.add(r.visitor_id);
      }
      return [...out].sort();
    },

    async eraseSessions(sessionIds) {
      const counts: ErasedCounts = { sessions: 0, chunks: 0, dataKeys: 0 };
      if (dialect === 'sqlite') await sql`PRAGMA secure_delete = ON`.execute(db);
      for (const sessionId of sessionIds) {
        await db.transaction().execute(async (trx) => {
          let session = trx.selectFrom('recording_sessions').select('id').where('id', '=', sessionId);
          if (dialect === 'postgres') session = session.forUpdate();
          if (!(await session.executeTakeFirst())) return;
          // The key first: without it the chunks are unreadable even before their rows are gone.
          const keys = await trx
            .deleteFrom('session_keys')
            .where('session_id', '=', sessionId)
            .executeTakeFirst();
          const chunks = await trx
            .deleteFrom('chunks')
            .where('session_id', '=', sessionId)
            .executeTakeFirst();
          await trx.deleteFrom('session_pages').where('session_id', '=', sessionId).execute();
          await trx.deleteFrom('session_signals').where('session_id', '=', sessionId).execute();
          await trx.deleteFrom('session_clicks').where('session_id', '=', sessionId).execute();
          await trx.deleteFrom('session_funnels').where('session_id', '=', sessionId).execute();
          await trx.deleteFrom('session_funnel_sources').where('session_id', '=', sessionId).execute();
          await trx.deleteFrom('session_subjects').where('session_id', '=', sessionId).execute();
          await trx.deleteFrom('session_tags').where('session_id', '=', sessionId).execute();
          // The heatmap's per-session counting state (its aggregates are anonymous counts and stay).
          await trx.deleteFrom('heatmap_sessions').where('session_id', '=', sessionId).execute();
          const removed = await trx
            .deleteFrom('recording_sessions')
            .where('id', '=', sessionId)
            .executeTakeFirst();
          counts.dataKeys += affected(keys.numDeletedRows);
          counts.chunks += affected(chunks.numDeletedRows);
          counts.sessions += affected(removed.numDeletedRows);
        });
      }
      // Nothing of a deleted key stays readable in the files (SQLite: zeroed cells, checkpoint;
      // PostgreSQL: the tables rewritten, see reclaimDeleted for the locking trade-off).
      if (counts.sessions > 0) await reclaimDeleted(db, dialect);
      return counts;
    },
  };
  const hashes = new IngestReadCache<string[]>();
  return {
    ...repository,
    async link(sessionId, siteId, userHash, at) {
      try {
        await repository.link(sessionId, siteId, userHash, at);
      } finally {
        hashes.forget(sessionId);
      }
    },
    eraseSessions: (sessionIds) => hashes.around(() => repository.eraseSessions(sessionIds)),
    userHashesCached: (sessionId) => hashes.get(sessionId, () => repository.userHashes(sessionId)),
  };
}
