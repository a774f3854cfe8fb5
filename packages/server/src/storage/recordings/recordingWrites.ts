import { deviceClassForWidth } from '@veil/core';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../Database.js';
import type { Dialect } from '../migrations/Migration.js';
import { affected } from '../rows.js';
import { ingestSignalsIn } from '../signals/createSignalRepository.js';
import type {
  ChunkIngest,
  ChunkSealer,
  ChunkWrite,
  IngestOutcome,
  PageView,
  RecordingRepository,
} from './RecordingRepository.js';
import { reclaimDeleted } from './reclaimDeleted.js';
import { sqliteChunkWrites } from './sqliteChunkWrites.js';

/** Keeps one INSERT well under SQLite's and PostgreSQL's bound-parameter limits. */
const PAGE_ROWS_PER_INSERT = 500;

type Writes = Pick<
  RecordingRepository,
  'ingestChunk' | 'ingestChunks' | 'findIdle' | 'finalise' | 'delete' | 'reclaimDeleted'
>;

/** A group commit through the query builder: one transaction, batches in (session, seq) order. */
async function kyselyGroup(
  db: Kysely<Database>,
  dialect: Dialect,
  items: readonly ChunkWrite[],
): Promise<Array<IngestOutcome | Error>> {
  if (items.length === 1) {
    const only = items[0]!;
    try {
      return [await db.transaction().execute((trx) => ingestWithSignals(trx, dialect, only))];
    } catch (error) {
      return [error instanceof Error ? error : new Error(String(error))];
    }
  }
  // One order for every process: two groups never wait for each other's session rows in a cycle.
  const ordered = [...items.keys()].sort((a, b) => {
    const x = items[a]!.chunk;
    const y = items[b]!.chunk;
    return x.sessionId < y.sessionId ? -1 : x.sessionId > y.sessionId ? 1 : x.seq - y.seq;
  });
  try {
    const outcomes = await db.transaction().execute(async (trx) => {
      const out: IngestOutcome[] = [];
      for (const i of ordered) out.push(await ingestWithSignals(trx, dialect, items[i]!));
      return out;
    });
    const answers: Array<IngestOutcome | Error> = new Array(items.length);
    ordered.forEach((i, k) => {
      answers[i] = outcomes[k] ?? new Error('no outcome');
    });
    return answers;
  } catch {
    // One batch failed the group: each batch alone, in the same order, so only the failing one is refused.
    const answers: Array<IngestOutcome | Error> = new Array(items.length);
    for (const i of ordered) answers[i] = (await kyselyGroup(db, dialect, [items[i]!]))[0]!;
    return answers;
  }
}

export function recordingWrites(
  db: Kysely<Database>,
  dialect: Dialect,
  sqlite?: BetterSqlite3.Database,
): Writes {
  const group = sqlite
    ? sqliteChunkWrites(db, sqlite)
    : (items: readonly ChunkWrite[]) => kyselyGroup(db, dialect, items);
  return {
    async ingestChunk(chunk, sealer) {
      const [outcome] = await group([{ chunk, sealer }]);
      if (outcome instanceof Error || outcome === undefined) throw outcome ?? new Error('no outcome');
      return outcome;
    },

    ingestChunks: group,

    async findIdle(idleBefore, limit) {
      const rows = await db
        .selectFrom('recording_sessions')
        .select(['id', 'site_id', 'duration_ms'])
        .where('finalised', '=', 0)
        .where('last_received_at', '<=', idleBefore)
        .orderBy('last_received_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, siteId: r.site_id, durationMs: Number(r.duration_ms) }));
    },

    async finalise(sessionId, idleBefore) {
      const result = await db
        .updateTable('recording_sessions')
        .set({ finalised: 1 })
        .where('id', '=', sessionId)
        .where('finalised', '=', 0)
        .where('last_received_at', '<=', idleBefore)
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },

    reclaimDeleted: () => reclaimDeleted(db, dialect),

    delete(sessionId, idleBefore) {
      return db.transaction().execute(async (trx) => {
        let query = trx.selectFrom('recording_sessions').select('id').where('id', '=', sessionId);
        if (Number.isFinite(idleBefore)) query = query.where('last_received_at', '<=', idleBefore);
        if (dialect === 'postgres') query = query.forUpdate();
        if (!(await query.executeTakeFirst())) return false;
        // The key first: without it the chunks are unreadable even before their rows are gone.
        await trx.deleteFrom('session_keys').where('session_id', '=', sessionId).execute();
        await trx.deleteFrom('chunks').where('session_id', '=', sessionId).execute();
        await trx.deleteFrom('session_pages').where('session_id', '=', sessionId).execute();
        await trx.deleteFrom('session_signals').where('session_id', '=', sessionId).execute();
        await trx.deleteFrom('session_clicks').where('session_id', '=', sessionId).execute();
        await trx.deleteFrom('session_funnels').where('session_id', '=', sessionId).execute();
        await trx.deleteFrom('session_funnel_sources').where('session_id', '=', sessionId).execute();
        await trx.deleteFrom('recording_sessions').where('id', '=', sessionId).execute();
        return true;
      });
    },
  };
}

/** The chunk, then (unless it is a conflict) the batch's signals, in the same transaction. */
async function ingestWithSignals(
  trx: Transaction<Database>,
  dialect: Dialect,
  { chunk, sealer, signals }: ChunkWrite,
): Promise<IngestOutcome> {
  const outcome = await ingestInTransaction(trx, dialect, chunk, sealer);
  if (outcome === 'conflict' || !signals) return outcome;
  const counted = await ingestSignalsIn(
    trx,
    dialect,
    { sessionId: chunk.sessionId, siteId: chunk.siteId, seq: chunk.seq },
    signals.fold,
    chunk.receivedAt,
    signals.clicks,
  );
  return counted === 'conflict' ? 'conflict' : outcome;
}

async function ingestInTransaction(
  trx: Transaction<Database>,
  dialect: Dialect,
  chunk: ChunkIngest,
  sealer: ChunkSealer,
): Promise<IngestOutcome> {
  const { sessionId, seq } = chunk;
  await trx
    .insertInto('recording_sessions')
    .values({
      id: sessionId,
      site_id: chunk.siteId,
      visitor_id: chunk.visitorId ?? null,
      started_at: chunk.firstTs,
      ended_at: chunk.lastTs,
      last_received_at: chunk.receivedAt,
      duration_ms: 0,
      page_count: 0,
      entry_url: null,
      device_class: null,
      viewport_width: null,
      event_count: 0,
      chunk_count: 0,
      finalised: 0,
      created_at: chunk.receivedAt,
      demo: chunk.demo ? 1 : 0,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();

  // On PostgreSQL the row lock serialises concurrent batches of one session (SQLite has one writer).
  let sessionQuery = trx
    .selectFrom('recording_sessions')
    .select(['site_id', 'started_at', 'ended_at', 'visitor_id'])
    .where('id', '=', sessionId);
  if (dialect === 'postgres') sessionQuery = sessionQuery.forUpdate();
  const session = await sessionQuery.executeTakeFirstOrThrow();
  if (session.site_id !== chunk.siteId) return 'conflict';

  const seen = await trx
    .selectFrom('chunks')
    .select('seq')
    .where('session_id', '=', sessionId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  if (seen) return 'duplicate';

  const wrappedKey = await sessionKey(trx, sessionId, chunk.receivedAt, sealer);
  const sealed = sealer.seal(wrappedKey);
  const inserted = await trx
    .insertInto('chunks')
    .values({
      session_id: sessionId,
      seq,
      received_at: chunk.receivedAt,
      event_count: chunk.eventCount,
      payload: sealed.payload,
    })
    .onConflict((oc) => oc.columns(['session_id', 'seq']).doNothing())
    .executeTakeFirst();
  if (affected(inserted.numInsertedOrUpdatedRows) === 0) return 'duplicate';

  await insertPages(trx, sessionId, seq, chunk.pages, sealed.titles);

  const startedAt = Math.min(Number(session.started_at), chunk.firstTs);
  const endedAt = Math.max(Number(session.ended_at), chunk.lastTs);
  const pageCount = await trx
    .selectFrom('session_pages')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
  const entry = await trx
    .selectFrom('session_pages')
    .select('url')
    .where('session_id', '=', sessionId)
    .orderBy('ts')
    .orderBy('seq')
    .orderBy('idx')
    .limit(1)
    .executeTakeFirst();
  const sized = await trx
    .selectFrom('session_pages')
    .select('viewport_width')
    .where('session_id', '=', sessionId)
    .where('viewport_width', 'is not', null)
    .orderBy('ts')
    .orderBy('seq')
    .orderBy('idx')
    .limit(1)
    .executeTakeFirst();
  const viewportWidth = sized?.viewport_width ?? null;

  await trx
    .updateTable('recording_sessions')
    .set((eb) => ({
      started_at: startedAt,
      ended_at: endedAt,
      duration_ms: endedAt - startedAt,
      last_received_at: chunk.receivedAt,
      visitor_id: session.visitor_id ?? chunk.visitorId ?? null,
      page_count: Number(pageCount.n),
      entry_url: entry?.url ?? null,
      viewport_width: viewportWidth,
      device_class: viewportWidth === null ? null : deviceClassForWidth(viewportWidth),
      event_count: eb('event_count', '+', chunk.eventCount),
      chunk_count: eb('chunk_count', '+', 1),
      // A batch after finalisation reopens the session; the job finalises it again later.
      finalised: 0,
    }))
    .where('id', '=', sessionId)
    .execute();
  return 'stored';
}

/** The session's wrapped data key, created on its first chunk. */
async function sessionKey(
  trx: Transaction<Database>,
  sessionId: string,
  now: number,
  sealer: ChunkSealer,
): Promise<Buffer> {
  const existing = await trx
    .selectFrom('session_keys')
    .select('wrapped_key')
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  if (existing) return existing.wrapped_key;
  const fresh = sealer.newWrappedDataKey();
  await trx
    .insertInto('session_keys')
    .values({
      session_id: sessionId,
      wrapped_key: fresh.wrappedKey,
      master_key_id: fresh.masterKeyId,
      created_at: now,
    })
    .onConflict((oc) => oc.column('session_id').doNothing())
    .execute();
  const stored = await trx
    .selectFrom('session_keys')
    .select('wrapped_key')
    .where('session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
  return stored.wrapped_key;
}

/**
 * Inserts the batch's page views. A first page view repeating the URL of the session's previous
 * page view (a re-taken full snapshot, a Meta event next to Veil's page-view event) is merged into
 * it rather than counted again.
 */
async function insertPages(
  trx: Transaction<Database>,
  sessionId: string,
  seq: number,
  pages: readonly PageView[],
  titles: readonly (Buffer | null)[],
): Promise<void> {
  const rows = pages.map((page, idx) => ({
    session_id: sessionId,
    seq,
    idx,
    ts: page.ts,
    url: page.url,
    title_sealed: titles[idx] ?? null,
    viewport_width: page.viewportWidth,
  }));
  const first = rows[0];
  if (!first) return;
  const previous = await trx
    .selectFrom('session_pages')
    .select(['seq', 'idx', 'url', 'title_sealed', 'viewport_width'])
    .where('session_id', '=', sessionId)
    .where('ts', '<=', first.ts)
    .orderBy('ts', 'desc')
    .orderBy('seq', 'desc')
    .orderBy('idx', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (previous && previous.url === first.url) {
    rows.shift();
    const fillTitle = previous.title_sealed === null && first.title_sealed !== null;
    const fillWidth = previous.viewport_width === null && first.viewport_width !== null;
    if (fillTitle || fillWidth) {
      await trx
        .updateTable('session_pages')
        .set({
          title_sealed: previous.title_sealed ?? first.title_sealed,
          viewport_width: previous.viewport_width ?? first.viewport_width,
        })
        .where('session_id', '=', sessionId)
        .where('seq', '=', previous.seq)
        .where('idx', '=', previous.idx)
        .execute();
    }
  }
  for (let start = 0; start < rows.length; start += PAGE_ROWS_PER_INSERT) {
    await trx
      .insertInto('session_pages')
      .values(rows.slice(start, start + PAGE_ROWS_PER_INSERT))
      .execute();
  }
}
