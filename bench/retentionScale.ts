/**
 * Purge and erasure by content at scale, on SQLite. A site holds `VEIL_BENCH_SESSIONS` sessions
 * (default 1 M; each a session row, a wrapped data key and one chunk), half of them past the
 * 30-day retention. Rows are written in bulk on a second connection (the purge never decrypts, so
 * their chunks are opaque bytes), except the newest `VEIL_BENCH_SCAN_SESSIONS` (default 20 000):
 * those go through the store's ingest write with really sealed, gzip'd rrweb events, 1 % of them
 * holding a planted value. Measured: one retention run over the whole site (index-driven, up to
 * 2 000 per transaction sized to about 250 ms each, data key first, receipt; each transaction timed), then a content scan of the newest sessions (decrypt,
 * match, positions) and the erasure of its matches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_PRIVACY_POLICY } from '../packages/core/src/index.js';
import { ManualClock } from '../packages/server/src/clock.js';
import { EnvelopeCipher } from '../packages/server/src/crypto/EnvelopeCipher.js';
import { eraseContentMatches, startContentScan } from '../packages/server/src/erasure/contentScan.js';
import { DAY_MS, PURGE_TARGET_TX_MS } from '../packages/server/src/retention/retentionConstants.js';
import { runRetentionPurge } from '../packages/server/src/retention/runRetentionPurge.js';
import { openSqliteStore } from '../packages/server/src/storage/sqlite/openSqliteStore.js';
import { SubjectHasher } from '../packages/server/src/subjects/SubjectHasher.js';
import type { BenchRow } from './heatmapQueries.js';

const NOW = Date.UTC(2025, 6, 1);
const PLANTED = 'Zx-BENCH-LEAK-Qq';
const INSERT_BATCH = 50_000;

/** Records what a run did, for the receipt-like audit calls the benchmark does not verify. */
const audit = { record: async () => undefined };

export async function retentionScaleBench(progress: (msg: string) => void): Promise<BenchRow[]> {
  const total = Number(process.env.VEIL_BENCH_SESSIONS ?? 1_000_000);
  const sealed = Math.min(total, Number(process.env.VEIL_BENCH_SCAN_SESSIONS ?? 20_000));
  const dir = mkdtempSync(join(tmpdir(), 'veil-bench-retention-'));
  const file = join(dir, 'veil.sqlite');
  const clock = new ManualClock(NOW);
  const cipher = new EnvelopeCipher(Buffer.alloc(32, 7));
  const store = await openSqliteStore(file);
  try {
    const site = await store.sites.create({
      siteKey: 'site_bench_retention',
      name: 'bench',
      origins: ['https://shop.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY, retentionDays: 30 },
      createdAt: NOW - 90 * DAY_MS,
    });
    const bulk = total - sealed;
    progress(`retention at scale: writing ${bulk} sessions in bulk`);
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    const session = db.prepare(
      `insert into recording_sessions (id, site_id, visitor_id, started_at, ended_at, last_received_at,
         duration_ms, page_count, event_count, chunk_count, finalised, created_at)
       values (?, ?, ?, ?, ?, ?, 5000, 1, 10, 1, 1, ?)`,
    );
    const key = db.prepare(
      'insert into session_keys (session_id, wrapped_key, master_key_id, created_at) values (?, ?, ?, ?)',
    );
    const chunk = db.prepare(
      'insert into chunks (session_id, seq, received_at, event_count, payload) values (?, 0, ?, 10, ?)',
    );
    const wrapped = Buffer.alloc(60, 3);
    const payload = Buffer.alloc(400, 5);
    const masterKeyId = cipher.masterKeyId;
    const writeRange = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        // The first half 31–60 days old (due), the rest 1–29 days (fresh).
        const age = i < total / 2 ? (31 + (i % 29)) * DAY_MS : (1 + (i % 28)) * DAY_MS;
        const at = NOW - age - (i % 1000);
        const id = `s_${i.toString(36).padStart(8, '0')}`;
        session.run(id, site.id, `v_${i}`, at, at + 5000, at + 5000, at);
        key.run(id, wrapped, masterKeyId, at);
        chunk.run(id, at, payload);
      }
    });
    for (let from = 0; from < bulk; from += INSERT_BATCH) {
      writeRange(from, Math.min(bulk, from + INSERT_BATCH));
      if (from % 200_000 === 0) progress(`retention at scale: ${from} / ${bulk}`);
    }
    db.close();

    progress(`retention at scale: ingesting ${sealed} sealed sessions (1 % hold the planted value)`);
    const scanFrom = NOW - 12 * 60 * 60 * 1000;
    for (let i = 0; i < sealed; i++) {
      const id = `z_${i.toString(36).padStart(8, '0')}`;
      const at = scanFrom + i;
      const text = i % 100 === 0 ? `ref ${PLANTED} for order ${i}` : `order ${i} ok`;
      const events = [
        { type: 4, timestamp: at, data: { href: 'https://shop.example/checkout', width: 1280, height: 800 } },
        { type: 3, timestamp: at + 10, data: { source: 5, id: 7, text, isChecked: false } },
      ];
      await store.recordings.ingestChunk(
        {
          siteId: site.id,
          sessionId: id,
          visitorId: `v_z${i}`,
          seq: 0,
          receivedAt: at,
          eventCount: 2,
          firstTs: at,
          lastTs: at + 5000,
          pages: [{ url: 'https://shop.example/checkout', ts: at, viewportWidth: 1280 }],
        },
        {
          newWrappedDataKey: () => cipher.newWrappedDataKey(id),
          seal: (w) => ({
            payload: cipher.sealChunk(cipher.unwrapDataKey(id, w), id, 0, gzipSync(JSON.stringify(events))),
            titles: [],
          }),
        },
      );
    }

    progress('retention at scale: purging');
    // How long each purge transaction held SQLite's one write lock (and the event loop).
    const txMs: number[] = [];
    const purgeTx = store.retention.purge.bind(store.retention);
    store.retention.purge = async (...args) => {
      const started = performance.now();
      try {
        return await purgeTx(...args);
      } finally {
        txMs.push(performance.now() - started);
      }
    };
    let t = performance.now();
    const run = await runRetentionPurge({ store, clock, audit }, { trigger: 'cli' });
    const purgeMs = performance.now() - t;
    const purged = run.sites[0]?.sessions ?? 0;
    const purgeRate = purged / (purgeMs / 1000);
    txMs.sort((a, b) => a - b);
    const txP95 = txMs[Math.min(txMs.length - 1, Math.floor(txMs.length * 0.95))] ?? 0;
    const txMax = txMs[txMs.length - 1] ?? 0;

    progress(`retention at scale: scanning the newest ${sealed} sessions for a planted value`);
    const hasher = new SubjectHasher(Buffer.alloc(32, 8));
    t = performance.now();
    const started = await startContentScan(
      { store, clock, cipher, hasher, audit },
      {
        site,
        query: { kind: 'value', value: PLANTED, caseSensitive: false },
        receivedFrom: scanFrom,
        createdBy: 'bench',
        actor: { type: 'system', id: null, label: 'bench' },
      },
    );
    const scan = await started.done;
    const scanMs = performance.now() - t;
    const scanRate = scan.sessionsScanned / (scanMs / 1000);
    t = performance.now();
    const erased = await eraseContentMatches(
      { store, clock, audit },
      { scanId: scan.id, site, erasedBy: 'bench', actor: { type: 'system', id: null, label: 'bench' } },
    );
    const eraseMs = performance.now() - t;
    const expected = Math.ceil(sealed / 100);

    return [
      {
        benchmark: `retention purge, ${total.toLocaleString('en')} sessions on SQLite`,
        value: `${purged.toLocaleString('en')} purged in ${(purgeMs / 1000).toFixed(1)} s`,
        baseline: `${Math.round(purgeRate).toLocaleString('en')} sessions/s`,
        ratio: `${((purgeMs / purged) * 1000).toFixed(0)} µs/session; ${txMs.length} transactions, p95 ${txP95.toFixed(0)} ms, longest ${txMax.toFixed(0)} ms`,
        target: `all due purged in one run, ≥ 2,000 sessions/s; transactions about ${PURGE_TARGET_TX_MS} ms`,
        ok: purged === Math.ceil(total / 2) && run.sites[0]?.overdue === 0 && purgeRate >= 2_000,
      },
      {
        benchmark: `content scan of ${sealed.toLocaleString('en')} sessions in a ${total.toLocaleString('en')}-session site`,
        value: `${Math.round(scanRate).toLocaleString('en')} sessions/s`,
        baseline: `${(scanMs / 1000).toFixed(1)} s; found ${scan.matchedSessions}`,
        ratio: `${((scanMs / scan.sessionsScanned) * 1000).toFixed(0)} µs/session`,
        target: `finds exactly ${expected}, ≥ 1,000 sessions/s`,
        ok: scan.status === 'completed' && scan.matchedSessions === expected && scanRate >= 1_000,
      },
      {
        benchmark: `erasure of the ${expected} sessions found`,
        value: `${(eraseMs / 1000).toFixed(2)} s`,
        baseline: `${erased.receipt.sessions} erased`,
        ratio: `${((eraseMs / Math.max(1, erased.receipt.sessions)) * 1000).toFixed(0)} µs/session`,
        target: 'every match erased',
        ok: erased.receipt.sessions === expected,
      },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
