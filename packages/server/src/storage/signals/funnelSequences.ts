import {
  decodeFunnelItems,
  encodeFunnelItems,
  type FunnelReach,
  type FunnelStep,
  funnelItems,
  stepsReached,
  urlPath,
  utcDay,
} from '@veil/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../Database.js';
import type { Dialect } from '../migrations/Migration.js';
import type { FunnelSegment } from '../recordings/RecordingRepository.js';

/** PostgreSQL: sessions read per step, per visitor needed, before counting visitors in one pass. */
const PG_VISITOR_SAMPLE_FACTOR = 16;
const PG_MAX_VISITOR_SAMPLE = 20_000;

/**
 * Rewrites a session's row of `session_funnels` from its page views and clicks as stored, with
 * its day, device class and visitor (a session without a visitor id is its own visitor). Run where
 * a batch's signals are counted, in the transaction that stores its chunk, page views and clicks
 * (`ingestSignalsIn`; `sqliteChunkWrites` does the same on prepared statements): rebuilding from
 * what is stored makes a retried or late batch change nothing twice. A session not stored has no row.
 */
export async function refreshFunnelSequence(db: Kysely<Database>, sessionId: string): Promise<void> {
  const session = await db
    .selectFrom('recording_sessions')
    .select(['site_id', 'created_at', 'visitor_id', 'device_class'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!session) return;
  const pages = await db
    .selectFrom('session_pages')
    .select(['ts', 'url'])
    .where('session_id', '=', sessionId)
    .orderBy('ts')
    .orderBy('seq')
    .orderBy('idx')
    .execute();
  const clicks = await db
    .selectFrom('session_clicks')
    .select(['ts', 'page', 'element'])
    .where('session_id', '=', sessionId)
    .orderBy('ts')
    .orderBy('seq')
    .orderBy('idx')
    .execute();
  const items = funnelItems(
    pages.map((p) => ({ ts: Number(p.ts), path: urlPath(p.url) || p.url })),
    clicks.map((c) => ({ ts: Number(c.ts), page: c.page, element: c.element })),
  );
  const receivedAt = Number(session.created_at);
  const row = {
    site_id: session.site_id,
    day: utcDay(receivedAt),
    received_at: receivedAt,
    device_class: session.device_class,
    visitor: session.visitor_id ?? `session:${sessionId}`,
    items: encodeFunnelItems(items),
  };
  await db
    .insertInto('session_funnels')
    .values({ session_id: sessionId, ...row })
    .onConflict((oc) => oc.column('session_id').doUpdateSet(row))
    .execute();
}

/**
 * A funnel over the sessions of a site Veil first received in [from, to] (server clock), in a
 * segment, counted from `session_funnels` alone, with the per-row work left to the database:
 * one grouped read gives each distinct sequence and its sessions (matched against the steps
 * here, once per sequence); then distinct visitors per step, counted up to `enoughVisitors`
 * (k-anonymity only asks whether a step has that many): on SQLite one read per step through the
 * (site, items) index that stops once there are enough; on PostgreSQL, which cannot stop a
 * DISTINCT early, the first sessions of each step, and one hashed pass giving each visitor's
 * furthest step only when they do not settle it.
 */
export async function funnelReachOf(
  db: Kysely<Database>,
  dialect: Dialect,
  siteId: string,
  from: number,
  to: number,
  steps: readonly FunnelStep[],
  segment: FunnelSegment,
  enoughVisitors: number,
): Promise<FunnelReach> {
  const sessions = () => {
    let query = db
      .selectFrom('session_funnels as f')
      .where('f.site_id', '=', siteId)
      .where('f.day', '>=', utcDay(from))
      .where('f.day', '<=', utcDay(to))
      .where('f.received_at', '>=', from)
      .where('f.received_at', '<=', to);
    if (segment.device !== undefined) query = query.where('f.device_class', '=', segment.device);
    const tag = segment.tag;
    if (tag !== undefined)
      query = query.where('f.session_id', 'in', (eb) =>
        eb
          .selectFrom('session_tags as t')
          .select('t.session_id')
          .where('t.tag_key', '=', tag.key)
          .where('t.tag_value', '=', tag.value),
      );
    return query;
  };
  const groups = await sessions()
    .select(['f.items', sql<number>`count(*)`.as('n')])
    .groupBy('f.items')
    .execute();
  const reached = groups.map((g) => ({
    items: g.items,
    n: Number(g.n),
    step: stepsReached(decodeFunnelItems(g.items), steps),
  }));
  const reach: FunnelReach = { sessions: steps.map(() => 0), visitors: steps.map(() => 0) };
  for (const g of reached)
    for (let i = 0; i < g.step; i++) reach.sessions[i] = (reach.sessions[i] ?? 0) + g.n;
  const reaching = reached.filter((g) => g.step > 0);
  if (reaching.length === 0 || enoughVisitors <= 0) return reach;
  const listed = (i: number) => {
    // The shorter list: the sequences reaching the step, or those that do not.
    const inside = reached.filter((g) => g.step > i).map((g) => g.items);
    const outside = reached.filter((g) => g.step <= i).map((g) => g.items);
    const among = inside.length <= outside.length;
    const list = among ? inside : outside;
    const test =
      dialect === 'postgres'
        ? sql<boolean>`${sql.ref('f.items')} = any(${list}::text[])`
        : sql<boolean>`${sql.ref('f.items')} in (select value from json_each(${JSON.stringify(list)}))`;
    return among ? test : sql<boolean>`not (${test})`;
  };
  if (dialect === 'postgres') {
    // PostgreSQL cannot stop a DISTINCT early: per step, the first sessions' visitors usually
    // settle it (enough distinct ones, or all of the step's sessions read); otherwise one pass.
    const sample = Math.min(enoughVisitors * PG_VISITOR_SAMPLE_FACTOR, PG_MAX_VISITOR_SAMPLE);
    let settled = true;
    for (let i = 0; i < steps.length && settled; i++) {
      if ((reach.sessions[i] ?? 0) === 0) break;
      const rows = await sessions().select('f.visitor').where(listed(i)).limit(sample).execute();
      const distinct = new Set(rows.map((r) => r.visitor)).size;
      if (distinct >= enoughVisitors || rows.length < sample)
        reach.visitors[i] = Math.min(distinct, enoughVisitors);
      else settled = false;
    }
    if (settled) return reach;
    reach.visitors = steps.map(() => 0);
    // One pass: each visitor's furthest step (a hash join on the sequences that reach one).
    const furthest = sessions()
      .innerJoin(
        sql<{
          items: string;
          step: number;
        }>`(select unnest(${reaching.map((g) => g.items)}::text[]) as items, unnest(${reaching.map((g) => g.step)}::int[]) as step)`.as(
          'r',
        ),
        (join) => join.onRef('r.items', '=', 'f.items'),
      )
      .select(sql<number>`max(${sql.ref('r.step')})`.as('step'))
      .groupBy('f.visitor')
      .as('v');
    const rows = await db
      .selectFrom(furthest)
      .select(['v.step', sql<number>`count(*)`.as('n')])
      .groupBy('v.step')
      .execute();
    for (const row of rows)
      for (let i = 0; i < Number(row.step); i++) reach.visitors[i] = (reach.visitors[i] ?? 0) + Number(row.n);
    reach.visitors = reach.visitors.map((v) => Math.min(v, enoughVisitors));
    return reach;
  }
  // SQLite: per step, distinct visitors among the sessions whose sequence reaches it, read through
  // the (site, items) index and stopped once there are enough.
  for (let i = 0; i < steps.length; i++) {
    if ((reach.sessions[i] ?? 0) === 0) break;
    const visitors = sessions().select('f.visitor').where(listed(i)).distinct().limit(enoughVisitors).as('v');
    const row = await db.selectFrom(visitors).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    reach.visitors[i] = Number(row.n);
  }
  return reach;
}
