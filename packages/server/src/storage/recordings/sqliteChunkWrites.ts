import { deviceClassForWidth, type SessionSignalState } from '@veil/core';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';
import { countColumns, SIGNAL_COLUMNS } from '../signals/createSignalRepository.js';
import { sqliteFunnelStatements } from '../signals/funnelSequenceWrites.js';
import type { SignalIngestOutcome } from '../signals/SignalRepository.js';
import type {
  ChunkIngest,
  ChunkSealer,
  ChunkSignals,
  ChunkWrite,
  IngestOutcome,
  PageView,
} from './RecordingRepository.js';

/**
 * `ingestChunks` on SQLite without the query builder: the statements of `ingestInTransaction`
 * (recordingWrites.ts), prepared once on the native connection, run synchronously in one
 * transaction per group with a savepoint per batch. The group runs while it holds Kysely's lock
 * on the (single) connection, so no Kysely query or transaction interleaves with it. Same rows,
 * same outcomes as the Kysely path (the recording conformance suite runs both engines through it).
 */
export function sqliteChunkWrites(
  db: Kysely<Database>,
  sqlite: BetterSqlite3.Database,
): (items: readonly ChunkWrite[]) => Promise<Array<IngestOutcome | Error>> {
  let group: ((items: readonly ChunkWrite[]) => Array<IngestOutcome | Error>) | undefined;

  const build = () => {
    const s = prepare(sqlite);
    const one = sqlite.transaction((item: ChunkWrite) => {
      const outcome = ingestOne(s, item.chunk, item.sealer);
      if (outcome === 'conflict' || !item.signals) return outcome;
      return countSignals(s, item.chunk, item.signals) === 'conflict' ? 'conflict' : outcome;
    });
    group = sqlite.transaction((items: readonly ChunkWrite[]) =>
      items.map((item): IngestOutcome | Error => {
        try {
          // Nested: a savepoint, so a failing batch leaves the rest of the group intact.
          return one(item);
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    );
    return group;
  };

  return async (items) => {
    if (items.length === 0) return [];
    const ordered = [...items.keys()].sort((a, b) => {
      const x = items[a]!.chunk;
      const y = items[b]!.chunk;
      return x.sessionId < y.sessionId ? -1 : x.sessionId > y.sessionId ? 1 : x.seq - y.seq;
    });
    const sorted = ordered.map((i) => items[i]!);
    const outcomes = await db.connection().execute(async () => (group ?? build())(sorted));
    const answers: Array<IngestOutcome | Error> = new Array(items.length);
    ordered.forEach((i, k) => {
      answers[i] = outcomes[k] ?? new Error('no outcome');
    });
    return answers;
  };
}

function prepare(sqlite: BetterSqlite3.Database) {
  return {
    insertSession: sqlite.prepare(
      `insert into recording_sessions (id, site_id, visitor_id, started_at, ended_at, last_received_at,
         duration_ms, page_count, entry_url, device_class, viewport_width, event_count, chunk_count,
         finalised, created_at, demo)
       values (?, ?, ?, ?, ?, ?, 0, 0, null, null, null, 0, 0, 0, ?, ?)
       on conflict (id) do nothing`,
    ),
    session: sqlite.prepare(
      'select site_id, started_at, ended_at, visitor_id from recording_sessions where id = ?',
    ),
    seen: sqlite.prepare('select seq from chunks where session_id = ? and seq = ?'),
    key: sqlite.prepare('select wrapped_key from session_keys where session_id = ?'),
    insertKey: sqlite.prepare(
      `insert into session_keys (session_id, wrapped_key, master_key_id, created_at) values (?, ?, ?, ?)
       on conflict (session_id) do nothing`,
    ),
    insertChunk: sqlite.prepare(
      `insert into chunks (session_id, seq, received_at, event_count, payload) values (?, ?, ?, ?, ?)
       on conflict (session_id, seq) do nothing`,
    ),
    previousPage: sqlite.prepare(
      `select seq, idx, url, title_sealed, viewport_width from session_pages
       where session_id = ? and ts <= ? order by ts desc, seq desc, idx desc limit 1`,
    ),
    fillPage: sqlite.prepare(
      `update session_pages set title_sealed = ?, viewport_width = ?
       where session_id = ? and seq = ? and idx = ?`,
    ),
    insertPage: sqlite.prepare(
      `insert into session_pages (session_id, seq, idx, ts, url, title_sealed, viewport_width)
       values (?, ?, ?, ?, ?, ?, ?)`,
    ),
    pageCount: sqlite.prepare('select count(*) as n from session_pages where session_id = ?'),
    entry: sqlite.prepare('select url from session_pages where session_id = ? order by ts, seq, idx limit 1'),
    sized: sqlite.prepare(
      `select viewport_width from session_pages where session_id = ? and viewport_width is not null
       order by ts, seq, idx limit 1`,
    ),
    signals: sqlite.prepare(
      'select site_id, state_json, seqs_json from session_signals where session_id = ?',
    ),
    upsertSignals: sqlite.prepare(
      `insert into session_signals (session_id, site_id, ${SIGNAL_COUNT_COLUMNS.join(', ')}, state_json,
         seqs_json, updated_at)
       values (?, ?, ${SIGNAL_COUNT_COLUMNS.map(() => '?').join(', ')}, ?, ?, ?)
       on conflict (session_id) do update set
         ${[...SIGNAL_COUNT_COLUMNS, 'state_json', 'seqs_json', 'updated_at'].map((c) => `${c} = excluded.${c}`).join(', ')}`,
    ),
    insertClick: sqlite.prepare(
      `insert into session_clicks (session_id, seq, idx, site_id, ts, page, element) values (?, ?, ?, ?, ?, ?, ?)
       on conflict (session_id, seq, idx) do nothing`,
    ),
    appendFunnel: sqliteFunnelStatements(sqlite),
    updateSession: sqlite.prepare(
      `update recording_sessions set started_at = ?, ended_at = ?, duration_ms = ?, last_received_at = ?,
         visitor_id = ?, page_count = ?, entry_url = ?, viewport_width = ?, device_class = ?,
         event_count = event_count + ?, chunk_count = chunk_count + 1, finalised = 0
       where id = ?`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/** `session_signals`' count columns, in one fixed order (names from the signal repository's map). */
const SIGNAL_COUNT_COLUMNS = Object.values(SIGNAL_COLUMNS);

/** As `ingestSignalsIn` (signals/createSignalRepository.ts), on the prepared statements. */
function countSignals(s: Statements, chunk: ChunkIngest, signals: ChunkSignals): SignalIngestOutcome {
  const { sessionId, siteId, seq } = chunk;
  const row = s.signals.get(sessionId) as
    | { site_id: string; state_json: string; seqs_json: string }
    | undefined;
  if (row && row.site_id !== siteId) return 'conflict';
  const seqs = row ? (JSON.parse(row.seqs_json) as number[]) : [];
  if (seqs.includes(seq)) return 'duplicate';
  const state = signals.fold(row ? (JSON.parse(row.state_json) as SessionSignalState) : undefined);
  seqs.push(seq);
  const counts = countColumns(state.counts);
  s.upsertSignals.run(
    sessionId,
    siteId,
    ...SIGNAL_COUNT_COLUMNS.map((c) => counts[c]),
    JSON.stringify(state),
    JSON.stringify(seqs),
    chunk.receivedAt,
  );
  signals.clicks.forEach((c, idx) => {
    s.insertClick.run(sessionId, seq, idx, siteId, c.ts, c.page, c.element);
  });
  s.appendFunnel(sessionId, seq, signals.clicks);
  return 'counted';
}

interface SessionRow {
  site_id: string;
  started_at: number;
  ended_at: number;
  visitor_id: string | null;
}

function ingestOne(s: Statements, chunk: ChunkIngest, sealer: ChunkSealer): IngestOutcome {
  const { sessionId, seq } = chunk;
  s.insertSession.run(
    sessionId,
    chunk.siteId,
    chunk.visitorId ?? null,
    chunk.firstTs,
    chunk.lastTs,
    chunk.receivedAt,
    chunk.receivedAt,
    chunk.demo ? 1 : 0,
  );
  const session = s.session.get(sessionId) as SessionRow | undefined;
  if (!session) throw new Error('the session row vanished');
  if (session.site_id !== chunk.siteId) return 'conflict';
  if (s.seen.get(sessionId, seq) !== undefined) return 'duplicate';

  let wrapped = (s.key.get(sessionId) as { wrapped_key: Buffer } | undefined)?.wrapped_key;
  if (!wrapped) {
    const fresh = sealer.newWrappedDataKey();
    s.insertKey.run(sessionId, fresh.wrappedKey, fresh.masterKeyId, chunk.receivedAt);
    wrapped = (s.key.get(sessionId) as { wrapped_key: Buffer }).wrapped_key;
  }
  const sealed = sealer.seal(wrapped);
  const inserted = s.insertChunk.run(sessionId, seq, chunk.receivedAt, chunk.eventCount, sealed.payload);
  if (inserted.changes === 0) return 'duplicate';

  insertPages(s, sessionId, seq, chunk.pages, sealed.titles);

  const startedAt = Math.min(Number(session.started_at), chunk.firstTs);
  const endedAt = Math.max(Number(session.ended_at), chunk.lastTs);
  const pageCount = (s.pageCount.get(sessionId) as { n: number }).n;
  const entry = s.entry.get(sessionId) as { url: string } | undefined;
  const sized = s.sized.get(sessionId) as { viewport_width: number | null } | undefined;
  const viewportWidth = sized?.viewport_width ?? null;
  s.updateSession.run(
    startedAt,
    endedAt,
    endedAt - startedAt,
    chunk.receivedAt,
    session.visitor_id ?? chunk.visitorId ?? null,
    Number(pageCount),
    entry?.url ?? null,
    viewportWidth,
    viewportWidth === null ? null : deviceClassForWidth(viewportWidth),
    chunk.eventCount,
    sessionId,
  );
  return 'stored';
}

interface PageRow {
  seq: number;
  idx: number;
  url: string;
  title_sealed: Buffer | null;
  viewport_width: number | null;
}

/** As `insertPages` in recordingWrites.ts: a first view repeating the previous one's URL is merged into it. */
function insertPages(
  s: Statements,
  sessionId: string,
  seq: number,
  pages: readonly PageView[],
  titles: readonly (Buffer | null)[],
): void {
  const first = pages[0];
  if (!first) return;
  let start = 0;
  const previous = s.previousPage.get(sessionId, first.ts) as PageRow | undefined;
  if (previous && previous.url === first.url) {
    start = 1;
    const firstTitle = titles[0] ?? null;
    const fillTitle = previous.title_sealed === null && firstTitle !== null;
    const fillWidth = previous.viewport_width === null && first.viewportWidth !== null;
    if (fillTitle || fillWidth) {
      s.fillPage.run(
        previous.title_sealed ?? firstTitle,
        previous.viewport_width ?? first.viewportWidth,
        sessionId,
        previous.seq,
        previous.idx,
      );
    }
  }
  for (let idx = start; idx < pages.length; idx++) {
    const page = pages[idx]!;
    s.insertPage.run(sessionId, seq, idx, page.ts, page.url, titles[idx] ?? null, page.viewportWidth);
  }
}
