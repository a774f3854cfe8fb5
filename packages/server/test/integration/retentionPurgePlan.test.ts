import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { DAY_MS } from '../../src/retention/retentionConstants.js';
import { runRetentionPurge } from '../../src/retention/runRetentionPurge.js';
import { createKyselyStore } from '../../src/storage/createKyselyStore.js';
import type { Database } from '../../src/storage/Database.js';
import { openSqliteStore } from '../../src/storage/sqlite/openSqliteStore.js';

// The purge re-checks each batch inside its transaction. On SQLite that re-check must find the
// batch by primary key: planned through the (site, receive time) index it walks every session still
// due, in every batch, and a large backlog purges quadratically slowly (profiled at 1 M sessions).

const T = Date.UTC(2025, 0, 1);
let dir: string | undefined;

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('Retention purge on SQLite: query plans', () => {
  it("re-checks a batch by the sessions' primary keys, not by a walk of the due range", async () => {
    dir = mkdtempSync(join(tmpdir(), 'veil-purge-plan-'));
    const file = join(dir, 'veil.sqlite');
    const setup = await openSqliteStore(file);
    const site = await setup.sites.create({
      siteKey: 'site_plan',
      name: 'plan',
      origins: ['https://shop.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY, retentionDays: 30 },
      createdAt: T - 90 * DAY_MS,
    });
    await setup.close();

    const sqlite = new BetterSqlite3(file);
    const insert = sqlite.prepare(
      `insert into recording_sessions (id, site_id, started_at, ended_at, last_received_at, created_at)
       values (?, ?, ?, ?, ?, ?)`,
    );
    for (let i = 0; i < 40; i++) {
      const at = T - (i < 30 ? 40 : 5) * DAY_MS + i;
      insert.run(`s_${i}`, site.id, at, at, at, at);
    }
    // The store over a connection that remembers every SQL text it prepares.
    const texts: string[] = [];
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({
        database: {
          close: () => sqlite.close(),
          prepare: (text: string) => {
            texts.push(text);
            return sqlite.prepare(text);
          },
        },
      }),
    });
    const store = createKyselyStore(db, 'sqlite', sqlite);
    try {
      const run = await runRetentionPurge(
        { store, clock: new ManualClock(T), audit: { record: async () => undefined } },
        { trigger: 'cli' },
      );
      expect(run.sites[0]?.sessions).toBe(30);
      expect(run.sites[0]?.overdue).toBe(0);

      const recheck = [...new Set(texts)].filter((t) =>
        /^select "s"\."id" from "recording_sessions" as "s" where "s"\."id" in \(/.test(t),
      );
      expect(recheck).toHaveLength(1);
      const sql = recheck[0] ?? '';
      const params = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 0);
      const plan = sqlite
        .prepare(`explain query plan ${sql}`)
        .all(...params)
        .map((row) => (row as { detail: string }).detail);
      expect(plan[0]).toMatch(
        /^SEARCH s USING (COVERING )?INDEX sqlite_autoindex_recording_sessions_1 \(id=\?\)$/,
      );
      expect(plan.join('\n')).not.toContain('recording_sessions_site_received_idx');
    } finally {
      await store.close();
    }
  });
});
