import {
  decodeFunnelItems,
  encodeFunnelItems,
  type FunnelReach,
  type FunnelStep,
  funnelItems,
  type PathReach,
  type PathRowReach,
  pathNeighbour,
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
 * its day, device class and visitor (a session without a visitor id is its own visitor): the
 * backfill of migration 019. Ingest merges each batch into the row instead (`appendFunnelSequence`,
 * funnelSequenceWrites.ts). A session not stored has no row.
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
    let query = rangeRows(db, siteId, from, to);
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

/** The rows of `session_funnels` of a site first received in [from, to] (server clock). */
function rangeRows(db: Kysely<Database>, siteId: string, from: number, to: number) {
  return db
    .selectFrom('session_funnels as f')
    .where('f.site_id', '=', siteId)
    .where('f.day', '>=', utcDay(from))
    .where('f.day', '<=', utcDay(to))
    .where('f.received_at', '>=', from)
    .where('f.received_at', '<=', to);
}

/**
 * Distinct visitors of the range's sessions whose sequence is one of `inside` (`all` being every
 * sequence of the range), counted up to `enough`: the shorter list of the two is sent; on SQLite
 * a read that stops once there are enough, on PostgreSQL the first sessions' visitors when they
 * settle it, else one DISTINCT count.
 */
async function visitorsAmong(
  db: Kysely<Database>,
  dialect: Dialect,
  rows: () => ReturnType<typeof rangeRows>,
  inside: readonly string[],
  all: readonly string[],
  enough: number,
): Promise<number> {
  if (inside.length === 0 || enough <= 0) return 0;
  const set = new Set(inside);
  const outside = all.filter((items) => !set.has(items));
  const among = inside.length <= outside.length;
  const list = among ? [...inside] : outside;
  const test =
    list.length === 0
      ? sql<boolean>`${sql.lit(1)} = ${sql.lit(0)}`
      : dialect === 'postgres'
        ? sql<boolean>`${sql.ref('f.items')} = any(${list}::text[])`
        : sql<boolean>`${sql.ref('f.items')} in (select value from json_each(${JSON.stringify(list)}))`;
  const where = among ? test : sql<boolean>`not (${test})`;
  if (dialect === 'postgres') {
    const sample = Math.min(enough * PG_VISITOR_SAMPLE_FACTOR, PG_MAX_VISITOR_SAMPLE);
    const first = await rows().select('f.visitor').where(where).limit(sample).execute();
    const distinct = new Set(first.map((r) => r.visitor)).size;
    if (distinct >= enough || first.length < sample) return Math.min(distinct, enough);
    const row = await rows()
      .select(sql<number>`count(distinct ${sql.ref('f.visitor')})`.as('n'))
      .where(where)
      .executeTakeFirstOrThrow();
    return Math.min(Number(row.n), enough);
  }
  const visitors = rows().select('f.visitor').where(where).distinct().limit(enough).as('v');
  const row = await db.selectFrom(visitors).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Top paths after (or before) a page over the sessions of a site first received in [from, to],
 * counted from `session_funnels` alone: one grouped read gives each distinct sequence and its
 * sessions (its path row found once per sequence, `pathNeighbour`); then distinct visitors, up to
 * `enoughVisitors`, of the sessions that visited the page (the cohort) and of each row that has
 * enough sessions to be shown (a row with fewer sessions than `k` has fewer visitors too: its
 * visitors are given as its sessions, which is all k-anonymity asks). Sessions exactly.
 */
export async function pathReachOf(
  db: Kysely<Database>,
  dialect: Dialect,
  siteId: string,
  from: number,
  to: number,
  pattern: string,
  direction: 'after' | 'before',
  sitePatterns: readonly string[],
  k: number,
  enoughVisitors: number,
): Promise<PathReach> {
  const rows = () => rangeRows(db, siteId, from, to);
  const groups = await rows()
    .select(['f.items', sql<number>`count(*)`.as('n')])
    .groupBy('f.items')
    .execute();
  const all = groups.map((g) => g.items);
  const byPage = new Map<string, { sessions: number; items: string[] }>();
  const visited: string[] = [];
  let sessions = 0;
  for (const g of groups) {
    const page = pathNeighbour(decodeFunnelItems(g.items), pattern, direction, sitePatterns);
    if (page === undefined) continue;
    const n = Number(g.n);
    sessions += n;
    visited.push(g.items);
    const row = byPage.get(page) ?? { sessions: 0, items: [] };
    row.sessions += n;
    row.items.push(g.items);
    byPage.set(page, row);
  }
  const visitors = await visitorsAmong(db, dialect, rows, visited, all, enoughVisitors);
  const reach: PathRowReach[] = [];
  for (const [page, row] of byPage) {
    const counted =
      row.sessions < k
        ? row.sessions
        : await visitorsAmong(db, dialect, rows, row.items, all, enoughVisitors);
    reach.push({ page, sessions: row.sessions, visitors: counted });
  }
  return { sessions, visitors, rows: reach };
}
