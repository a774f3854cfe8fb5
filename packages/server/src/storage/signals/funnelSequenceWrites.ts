import {
  encodeFunnelItems,
  type FunnelItem,
  MAX_FUNNEL_ITEMS_PER_SESSION,
  urlPath,
  utcDay,
} from '@veil/core';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';
import type { FunnelClick } from './SignalRepository.js';

/**
 * One page view (`kind` 0, `page` its URL path) or click (`kind` 1, on `element`) of a session as
 * its funnel sequence is merged from, with its place: (ts, kind, seq, idx) orders a session's
 * sources exactly as `funnelItems` orders page views and clicks (a page view before a click at the
 * same instant; within a kind by time, batch, position).
 */
export type FunnelSource =
  | [ts: number, kind: 0, seq: number, idx: number, page: string]
  | [ts: number, kind: 1, seq: number, idx: number, page: string, element: string];

export function compareSources(a: FunnelSource, b: FunnelSource): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3];
}

/** A page view's source: its URL path (the URL itself when it has none), as `funnelItems` reads it. */
export function pageSource(seq: number, idx: number, ts: number, url: string): FunnelSource {
  return [ts, 0, seq, idx, urlPath(url) || url];
}

export function clickSource(seq: number, idx: number, c: FunnelClick): FunnelSource {
  return [c.ts, 1, seq, idx, c.page, c.element];
}

/**
 * The funnel items of sources in order (as `funnelItems`: a page view repeating the page view
 * before it is left out; at most `MAX_FUNNEL_ITEMS_PER_SESSION` items), and how many of the
 * sources to keep: those up to the last item. A source after it can never become an item: a
 * later source only ever adds items before it (a click adds one; a page view adds one, or takes
 * the place of the page view after it, or is left out itself), so it stays behind that many.
 */
export function itemsOfSources(sources: readonly FunnelSource[]): { items: FunnelItem[]; kept: number } {
  const items: FunnelItem[] = [];
  let lastPage: string | undefined;
  let kept = sources.length;
  for (let i = 0; i < sources.length; i++) {
    if (items.length >= MAX_FUNNEL_ITEMS_PER_SESSION) {
      kept = i;
      break;
    }
    const s = sources[i]!;
    if (s[1] === 1) items.push({ page: s[4], click: s[5] });
    else {
      if (s[4] !== lastPage) items.push({ page: s[4] });
      lastPage = s[4];
    }
  }
  return { items, kept };
}

/** Both lists in order; one list in order (a source already in `kept` is not added twice). */
export function mergeSources(kept: readonly FunnelSource[], added: readonly FunnelSource[]): FunnelSource[] {
  const adding = [...added].sort(compareSources);
  const out: FunnelSource[] = [];
  let i = 0;
  let j = 0;
  while (i < kept.length || j < adding.length) {
    const a = kept[i];
    const b = adding[j];
    if (b === undefined || (a !== undefined && compareSources(a, b) < 0)) {
      out.push(a!);
      i++;
    } else if (a === undefined || compareSources(a, b) > 0) {
      out.push(b);
      j++;
    } else {
      out.push(a);
      i++;
      j++;
    }
  }
  return out;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** The sources `encodeSources` wrote; undefined when anything is off (the row is then rebuilt). */
export function decodeSources(text: string): FunnelSource[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  for (const s of parsed) {
    if (!Array.isArray(s) || !isNum(s[0]) || !isNum(s[2]) || !isNum(s[3]) || !isStr(s[4])) return undefined;
    if (!(s[1] === 0 && s.length === 5) && !(s[1] === 1 && s.length === 6 && isStr(s[5]))) return undefined;
  }
  return parsed as FunnelSource[];
}

interface FunnelSessionRow {
  site_id: string;
  created_at: number | string;
  visitor_id: string | null;
  device_class: string | null;
}

/** What a session's `session_funnels` row and its `session_funnel_sources` row become. */
export interface FunnelRowWrite {
  siteId: string;
  day: number;
  receivedAt: number;
  deviceClass: string | null;
  visitor: string;
  items: string;
  sources: string;
}

function rowWrite(
  sessionId: string,
  session: FunnelSessionRow,
  sources: readonly FunnelSource[],
): FunnelRowWrite {
  const { items, kept } = itemsOfSources(sources);
  const receivedAt = Number(session.created_at);
  return {
    siteId: session.site_id,
    day: utcDay(receivedAt),
    receivedAt,
    deviceClass: session.device_class,
    visitor: session.visitor_id ?? `session:${sessionId}`,
    items: encodeFunnelItems(items),
    sources: JSON.stringify(kept === sources.length ? sources : sources.slice(0, kept)),
  };
}

/**
 * Brings the session's `session_funnels` row up to date with batch `seq`, in the caller's
 * transaction, where the batch's signals are counted (`ingestSignalsIn`; `sqliteChunkWrites` does
 * the same on prepared statements): once per (session, seq). Only this batch's page views (as
 * stored: a first view repeating the one before it was merged into it) and `clicks` are read and
 * merged by their place into the session's kept sources (`session_funnel_sources`), so the cost
 * does not grow with the session, and a batch arriving out of order gives the very row a rebuild
 * from every stored page view and click gives. Without kept sources (a session stored before they
 * were kept, or unreadable ones) the row is rebuilt from every stored page view and click. A
 * session not stored has no row.
 */
export async function appendFunnelSequence(
  db: Kysely<Database>,
  sessionId: string,
  seq: number,
  clicks: readonly FunnelClick[],
): Promise<void> {
  const session = await db
    .selectFrom('recording_sessions as r')
    .leftJoin('session_funnel_sources as k', 'k.session_id', 'r.id')
    .select(['r.site_id', 'r.created_at', 'r.visitor_id', 'r.device_class', 'k.sources'])
    .where('r.id', '=', sessionId)
    .executeTakeFirst();
  if (!session) return;
  const decoded = session.sources === null ? undefined : decodeSources(session.sources);
  let sources: FunnelSource[];
  if (decoded) {
    const pages = await db
      .selectFrom('session_pages')
      .select(['idx', 'ts', 'url'])
      .where('session_id', '=', sessionId)
      .where('seq', '=', seq)
      .execute();
    sources = mergeSources(decoded, [
      ...pages.map((p) => pageSource(seq, Number(p.idx), Number(p.ts), p.url)),
      ...clicks.map((c, idx) => clickSource(seq, idx, c)),
    ]);
  } else {
    const pages = await db
      .selectFrom('session_pages')
      .select(['seq', 'idx', 'ts', 'url'])
      .where('session_id', '=', sessionId)
      .execute();
    const stored = await db
      .selectFrom('session_clicks')
      .select(['seq', 'idx', 'ts', 'page', 'element'])
      .where('session_id', '=', sessionId)
      .execute();
    sources = [
      ...pages.map((p) => pageSource(Number(p.seq), Number(p.idx), Number(p.ts), p.url)),
      ...stored.map((c) =>
        clickSource(Number(c.seq), Number(c.idx), { ts: Number(c.ts), page: c.page, element: c.element }),
      ),
    ].sort(compareSources);
  }
  const w = rowWrite(sessionId, session, sources);
  const row = {
    site_id: w.siteId,
    day: w.day,
    received_at: w.receivedAt,
    device_class: w.deviceClass,
    visitor: w.visitor,
    items: w.items,
  };
  await db
    .insertInto('session_funnels')
    .values({ session_id: sessionId, ...row })
    .onConflict((oc) => oc.column('session_id').doUpdateSet(row))
    .execute();
  await db
    .insertInto('session_funnel_sources')
    .values({ session_id: sessionId, sources: w.sources })
    .onConflict((oc) => oc.column('session_id').doUpdateSet({ sources: w.sources }))
    .execute();
}

/** `appendFunnelSequence` on SQLite's prepared statements (the group commit's synchronous path). */
export function sqliteFunnelStatements(sqlite: BetterSqlite3.Database) {
  const session = sqlite.prepare(
    `select r.site_id, r.created_at, r.visitor_id, r.device_class, k.sources from recording_sessions r
     left join session_funnel_sources k on k.session_id = r.id where r.id = ?`,
  );
  const batchPages = sqlite.prepare(
    'select idx, ts, url from session_pages where session_id = ? and seq = ?',
  );
  const allPages = sqlite.prepare('select seq, idx, ts, url from session_pages where session_id = ?');
  const allClicks = sqlite.prepare(
    'select seq, idx, ts, page, element from session_clicks where session_id = ?',
  );
  const upsertFunnel = sqlite.prepare(
    `insert into session_funnels (site_id, day, session_id, received_at, device_class, visitor, items)
     values (?, ?, ?, ?, ?, ?, ?)
     on conflict (session_id) do update set site_id = excluded.site_id, day = excluded.day,
       received_at = excluded.received_at, device_class = excluded.device_class,
       visitor = excluded.visitor, items = excluded.items`,
  );
  const upsertSources = sqlite.prepare(
    `insert into session_funnel_sources (session_id, sources) values (?, ?)
     on conflict (session_id) do update set sources = excluded.sources`,
  );
  return (sessionId: string, seq: number, clicks: readonly FunnelClick[]): void => {
    const s = session.get(sessionId) as (FunnelSessionRow & { sources: string | null }) | undefined;
    if (!s) return;
    const decoded = s.sources === null ? undefined : decodeSources(s.sources);
    let sources: FunnelSource[];
    if (decoded) {
      const pages = batchPages.all(sessionId, seq) as Array<{ idx: number; ts: number; url: string }>;
      sources = mergeSources(decoded, [
        ...pages.map((p) => pageSource(seq, Number(p.idx), Number(p.ts), p.url)),
        ...clicks.map((c, idx) => clickSource(seq, idx, c)),
      ]);
    } else {
      const pages = allPages.all(sessionId) as Array<{ seq: number; idx: number; ts: number; url: string }>;
      const stored = allClicks.all(sessionId) as Array<{
        seq: number;
        idx: number;
        ts: number;
        page: string;
        element: string;
      }>;
      sources = [
        ...pages.map((p) => pageSource(Number(p.seq), Number(p.idx), Number(p.ts), p.url)),
        ...stored.map((c) =>
          clickSource(Number(c.seq), Number(c.idx), { ts: Number(c.ts), page: c.page, element: c.element }),
        ),
      ].sort(compareSources);
    }
    const w = rowWrite(sessionId, s, sources);
    upsertFunnel.run(w.siteId, w.day, sessionId, w.receivedAt, w.deviceClass, w.visitor, w.items);
    upsertSources.run(sessionId, w.sources);
  };
}
