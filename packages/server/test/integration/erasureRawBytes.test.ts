import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import { openPostgresStore } from '../../src/storage/postgres/openPostgresStore.js';
import type { ChunkSealer } from '../../src/storage/recordings/RecordingRepository.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.js';

// Erasure and purge on PostgreSQL leave nothing recoverable: a DELETE only marks a tuple dead, and
// it stays in the table's file until its page is rewritten. The test reads the table files' bytes
// (pg_relation_filepath + pg_read_binary_file, as the superuser of the local test server) after a
// CHECKPOINT and looks for the wrapped data keys and the subject rows. SQLite's raw-byte check is
// in encryptionAtRest.test.ts and subjectRights.test.ts.

const T = Date.UTC(2025, 4, 1);
const cipher = new EnvelopeCipher(Buffer.alloc(32, 7));
const TAG_VALUE = 'tagvalue-0c7e-Planted';

function sealer(sessionId: string, seq: number): ChunkSealer {
  return {
    newWrappedDataKey: () => cipher.newWrappedDataKey(sessionId),
    seal: (wrapped) => {
      const key = cipher.unwrapDataKey(sessionId, wrapped);
      return { payload: cipher.sealChunk(key, sessionId, seq, Buffer.from(`chunk ${seq}`)), titles: [] };
    },
  };
}

const available = await postgresAvailable();

describe.runIf(available)('erasure on PostgreSQL leaves no key bytes in the table files', () => {
  let db: TestDatabase;
  let store: Store;
  let admin: pg.Client;
  let site: SiteRecord;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openPostgresStore(db.url);
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    site = await store.sites.create({
      siteKey: 'raw_bytes_site',
      name: 'Raw',
      origins: ['https://raw.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY },
      createdAt: T,
    });
  });
  afterAll(async () => {
    await admin?.end();
    await store?.close();
    await db?.drop();
  });

  /** Every byte of the table's main fork as it is on disk now (after a checkpoint). */
  async function tableBytes(table: string): Promise<Buffer> {
    await admin.query('CHECKPOINT');
    const { rows } = await admin.query<{ path: string }>(
      'select pg_relation_filepath($1::regclass) as path',
      [table],
    );
    const file = rows[0]?.path;
    expect(file).toBeTruthy();
    const parts: Buffer[] = [];
    // Segments of 1 GiB: `path`, `path.1`, …; the test tables fit in the first.
    const read = await admin.query<{ bytes: Buffer }>('select pg_read_binary_file($1) as bytes', [file]);
    parts.push(read.rows[0]!.bytes);
    return Buffer.concat(parts);
  }

  async function ingest(sessionId: string, visitorId: string): Promise<Buffer> {
    await store.recordings.ingestChunk(
      {
        siteId: site.id,
        sessionId,
        visitorId,
        seq: 0,
        receivedAt: T,
        eventCount: 1,
        firstTs: T,
        lastTs: T + 10,
        pages: [],
      },
      sealer(sessionId, 0),
    );
    const key = await store.recordings.wrappedKey(sessionId);
    if (!key) throw new Error('no key stored');
    return key;
  }

  it('erasure rewrites the key and subject tables: the wrapped keys are gone from the heap', async () => {
    const erased = await ingest('sess_raw_erased_01', 'visitor_raw_1');
    const kept = await ingest('sess_raw_kept_0001', 'visitor_raw_2');
    await store.subjects.addTags('sess_raw_erased_01', [{ key: 'case', value: TAG_VALUE }]);
    // The bytes are there before: the check can see them.
    expect((await tableBytes('session_keys')).includes(erased)).toBe(true);
    expect((await tableBytes('session_tags')).includes(Buffer.from(TAG_VALUE))).toBe(true);

    const counts = await store.subjects.eraseSessions(['sess_raw_erased_01']);
    expect(counts).toMatchObject({ sessions: 1, dataKeys: 1 });

    const keys = await tableBytes('session_keys');
    expect(keys.includes(erased)).toBe(false);
    expect(keys.includes(kept)).toBe(true);
    expect((await tableBytes('session_tags')).includes(Buffer.from(TAG_VALUE))).toBe(false);
  });

  it('waits for a reader whose snapshot is older than the erasure before rewriting the tables', async () => {
    const held = await ingest('sess_raw_held_0001', 'visitor_raw_4');
    // An analyst's long query in this database: its snapshot could still see the key row, so a
    // rewrite while it runs would copy the row into the new file. It reads no reclaimed table
    // (no lock on them), only holds its snapshot.
    const reader = new pg.Client({ connectionString: db.url });
    await reader.connect();
    try {
      await reader.query('begin isolation level repeatable read');
      await reader.query('select count(*) from recording_sessions');
      const erasing = store.subjects.eraseSessions(['sess_raw_held_0001']);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await reader.query('commit');
      expect(await erasing).toMatchObject({ sessions: 1, dataKeys: 1 });
    } finally {
      await reader.end();
    }
    expect((await tableBytes('session_keys')).includes(held)).toBe(false);
  });

  it('a purge (recordings.delete, then reclaimDeleted) leaves no key bytes either', async () => {
    const purged = await ingest('sess_raw_purged_01', 'visitor_raw_3');
    expect((await tableBytes('session_keys')).includes(purged)).toBe(true);
    expect(await store.recordings.delete('sess_raw_purged_01', Number.POSITIVE_INFINITY)).toBe(true);
    await store.recordings.reclaimDeleted();
    expect((await tableBytes('session_keys')).includes(purged)).toBe(false);
  });
});
