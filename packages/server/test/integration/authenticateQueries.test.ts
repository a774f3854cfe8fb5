import path from 'node:path';
import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/auth/authenticate.js';
import { createApiToken } from '../../src/auth/createApiToken.js';
import { ManualClock } from '../../src/clock.js';
import { createKyselyStore } from '../../src/storage/createKyselyStore.js';
import type { Database } from '../../src/storage/Database.js';
import { runMigrations } from '../../src/storage/migrations/runMigrations.js';
import type { Store } from '../../src/storage/Store.js';
import { makeTempDir } from '../support/tempDir.js';

// A token request checks the token's creator (role and sites) on every request: one statement
// (users joined with user_sites), not one for the creator and another for its sites. Counted on
// a real SQLite store through Kysely's query log.

describe('authenticate: a token with a creator', () => {
  const temp = makeTempDir();
  const statements: string[] = [];
  let store: Store;
  const clock = new ManualClock(Date.UTC(2026, 0, 5));

  beforeAll(async () => {
    const sqlite = new BetterSqlite3(path.join(temp.dir, 'veil.sqlite'));
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: sqlite }),
      log: (event) => {
        if (event.level === 'query') statements.push(event.query.sql);
      },
    });
    await runMigrations(db, 'sqlite', () => clock.now());
    store = createKyselyStore(db, 'sqlite', sqlite);
  });
  afterAll(async () => {
    await store?.close();
    temp.remove();
  });

  it('reads the creator and its sites in one statement, and still narrows the token to them', async () => {
    const site = (key: string) =>
      store.sites.create({
        siteKey: key,
        name: key,
        origins: [`https://${key}.example`],
        policy: DEFAULT_PRIVACY_POLICY,
        createdAt: clock.now(),
      });
    const a = await site('auth_q_a');
    const b = await site('auth_q_b');
    const creator = await store.users.create({
      email: 'creator@example.com',
      role: 'admin',
      passwordHash: 'x',
      createdAt: clock.now(),
      siteIds: [a.id],
    });
    const { token } = await createApiToken(store, clock, {
      role: 'analyst',
      name: 'wide',
      createdBy: creator!.id,
      siteIds: [a.id, b.id],
    });
    // The first request touches the token's last use; count a later one.
    await authenticate({ bearer: token, sessionCookie: undefined }, store, clock);
    statements.length = 0;
    const principal = await authenticate({ bearer: token, sessionCookie: undefined }, store, clock);
    expect(principal).toMatchObject({ kind: 'token', role: 'analyst', sites: [a.id] });
    const onUsers = statements.filter((sql) => /"users"|"user_sites"/.test(sql));
    expect(onUsers).toHaveLength(1);
    expect(onUsers[0]).toMatch(/join "user_sites"/i);
    // token lookup, the token's sites, the creator with its sites
    expect(statements).toHaveLength(3);

    // A creator with every site: the token keeps its own sites; a demoted creator stops it.
    await store.users.update(creator!.id, { siteIds: null });
    expect(await authenticate({ bearer: token, sessionCookie: undefined }, store, clock)).toMatchObject({
      sites: [a.id, b.id].sort(),
    });
    await store.users.update(creator!.id, { role: 'auditor' });
    expect(await authenticate({ bearer: token, sessionCookie: undefined }, store, clock)).toBeUndefined();
  });
});
