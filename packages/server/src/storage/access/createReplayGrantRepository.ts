import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../Database.js';
import type { ReplayGrantsTable } from './accessTables.js';
import type { ReplayGrantQuery, ReplayGrantRecord, ReplayGrantRepository } from './ReplayGrantRepository.js';

function grantFromRow(row: Selectable<ReplayGrantsTable>): ReplayGrantRecord {
  return {
    id: row.id,
    userId: row.user_id,
    apiTokenId: row.api_token_id,
    actorLabel: row.actor_label,
    sessionId: row.session_id,
    siteId: row.site_id,
    purpose: row.purpose,
    ticket: row.ticket,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

const holderKey = (userId: string | null, apiTokenId: string | null): string =>
  userId !== null ? `user:${userId}` : `token:${apiTokenId ?? ''}`;

export function createReplayGrantRepository(db: Kysely<Database>): ReplayGrantRepository {
  /** The grants a query's filters match (`limit` aside). */
  const matching = (q: Omit<ReplayGrantQuery, 'limit'>) => {
    let query = db.selectFrom('replay_grants');
    if (q.userId !== undefined) query = query.where('user_id', '=', q.userId);
    if (q.apiTokenId !== undefined) query = query.where('api_token_id', '=', q.apiTokenId);
    if (q.siteId !== undefined) query = query.where('site_id', '=', q.siteId);
    if (q.from !== undefined) query = query.where('created_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('created_at', '<=', q.to);
    return query;
  };
  return {
    async create(grant) {
      const record: ReplayGrantRecord = { id: randomUUID(), ...grant };
      await db
        .insertInto('replay_grants')
        .values({
          id: record.id,
          user_id: record.userId,
          api_token_id: record.apiTokenId,
          actor_label: record.actorLabel,
          session_id: record.sessionId,
          site_id: record.siteId,
          purpose: record.purpose,
          ticket: record.ticket,
          created_at: record.createdAt,
          expires_at: record.expiresAt,
        })
        .execute();
      return record;
    },
    async findById(id) {
      const row = await db.selectFrom('replay_grants').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? grantFromRow(row) : undefined;
    },
    async findActive(sessionId, holder, now) {
      let query = db
        .selectFrom('replay_grants')
        .selectAll()
        .where('session_id', '=', sessionId)
        .where('expires_at', '>', now)
        .where('created_at', '<=', now);
      query =
        holder.userId !== null
          ? query.where('user_id', '=', holder.userId)
          : query.where('api_token_id', '=', holder.apiTokenId ?? '');
      const row = await query.orderBy('created_at', 'desc').orderBy('id').executeTakeFirst();
      return row ? grantFromRow(row) : undefined;
    },
    async countSince(siteId, holder, since) {
      let query = db
        .selectFrom('replay_grants')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('site_id', '=', siteId)
        .where('created_at', '>=', since);
      query =
        holder.userId !== null
          ? query.where('user_id', '=', holder.userId)
          : query.where('api_token_id', '=', holder.apiTokenId ?? '');
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async list(q) {
      const rows = await matching(q)
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(q.limit)
        .execute();
      return rows.map(grantFromRow);
    },
    async totals(q) {
      const rows = await matching(q)
        .select((eb) => [
          'user_id',
          'api_token_id',
          eb.fn.countAll().as('n'),
          eb.fn.max('created_at').as('newest'),
        ])
        .groupBy(['user_id', 'api_token_id'])
        .execute();
      if (rows.length === 0) return [];
      // Each holder's label as of their newest matching grant (a user renamed since keeps the
      // label the grants were given under): one lookup of those grants, not one per holder.
      const labels = new Map<string, string>();
      const newest = await matching(q)
        .select(['user_id', 'api_token_id', 'actor_label', 'created_at'])
        .where(
          'created_at',
          'in',
          rows.map((r) => Number(r.newest)),
        )
        .orderBy('id')
        .execute();
      const newestAt = new Map(rows.map((r) => [holderKey(r.user_id, r.api_token_id), Number(r.newest)]));
      for (const g of newest) {
        const key = holderKey(g.user_id, g.api_token_id);
        if (newestAt.get(key) === Number(g.created_at) && !labels.has(key)) labels.set(key, g.actor_label);
      }
      return rows
        .map((r) => ({
          userId: r.user_id,
          apiTokenId: r.api_token_id,
          actorLabel: labels.get(holderKey(r.user_id, r.api_token_id)) ?? '',
          count: Number(r.n),
        }))
        .sort(
          (a, b) =>
            b.count - a.count ||
            holderKey(a.userId, a.apiTokenId).localeCompare(holderKey(b.userId, b.apiTokenId)),
        );
    },
  };
}
