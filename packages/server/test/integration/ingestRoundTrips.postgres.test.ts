import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, moveEvent, T0 } from '../support/batches.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Round trips to PostgreSQL are what a batch waits on, and the group commit holds its connection
// through them: a batch of a session already under way (site cached, consent granted) costs at most
// these statements, counted at the driver (pg's own client, not a component of ours).
const MAX_STATEMENTS_PER_BATCH = 13;

const available = await postgresAvailable();

describe.skipIf(!available)('ingest round trips on PostgreSQL', () => {
  let t: TestApp;
  let db: TestDatabase;
  const statements: string[] = [];
  let counting = false;
  const query = pg.Client.prototype.query;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ env: { VEIL_DATABASE_URL: db.url, VEIL_INGEST_WORKERS: '0' } });
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0];
      if (counting) statements.push(typeof q === 'string' ? q : ((q as { text?: string })?.text ?? '?'));
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
  });
  afterAll(async () => {
    pg.Client.prototype.query = query;
    await t?.close();
    await db?.drop();
  });

  it(`stores a batch of a session under way in at most ${MAX_STATEMENTS_PER_BATCH} statements, in one transaction`, async () => {
    const sessionId = 'round_trip_session_01';
    const first = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId }));
    expect(first.statusCode, first.body).toBe(202);
    counting = true;
    const next = await t.ingest(
      makeBatch({ siteKey: t.site.siteKey, sessionId, seq: 1, events: [moveEvent(T0 + 900, 30, 40)] }),
    );
    counting = false;
    expect(next.statusCode, next.body).toBe(202);
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(MAX_STATEMENTS_PER_BATCH);
    expect(statements.filter((s) => /^\s*commit/i.test(s))).toHaveLength(1);
  });
});
