import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startServer } from '../../src/startServer.js';
import { makeBatch, sessionId } from '../support/batches.js';
import { grantRegistrationBody, grantTestConsent } from '../support/consent.js';
import { createTestDatabase, postgresAvailable } from '../support/postgres.js';
import { makeTempDir } from '../support/tempDir.js';
import { FAST_HASHING } from '../support/testApp.js';

const withPostgres = await postgresAvailable();

describe('startServer', () => {
  it('listens on an ephemeral port, points the demo site at it and closes cleanly', async () => {
    const temp = makeTempDir();
    const printed: string[] = [];
    const config = {
      ...loadConfig({ VEIL_DATA_DIR: path.join(temp.dir, 'data'), PORT: '0' }, temp.dir),
      passwordHashing: FAST_HASHING,
    };
    const server = await startServer(config, {
      logStream: { write: () => {} },
      print: (l) => printed.push(l),
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(printed.join('\n')).toMatch(/admin@localhost with the generated password: [A-Za-z0-9_-]{24}/);
      const health = await fetch(`${server.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const demo = await server.store.sites.findByKey(server.demoSiteKey ?? '');
      expect(demo?.origins).toEqual([`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]);

      // The browser registers the visitor's consent first (the demo site records on consent).
      const granted = await fetch(`${server.url}/r/v1/sites/${server.demoSiteKey}/consent`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: server.url },
        body: JSON.stringify(grantRegistrationBody()),
      });
      expect(granted.status).toBe(201);
      const batch = makeBatch({ siteKey: server.demoSiteKey ?? '', sessionId: sessionId() });
      const res = await fetch(`${server.url}/ingest/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: server.url },
        body: JSON.stringify(batch),
      });
      expect(res.status).toBe(202);
      expect(res.headers.get('access-control-allow-origin')).toBe(server.url);
    } finally {
      await server.close();
      await server.close();
      temp.remove();
    }
  });

  it('keeps the demo site key across restarts', async () => {
    const temp = makeTempDir();
    const config = {
      ...loadConfig(
        { VEIL_DATA_DIR: path.join(temp.dir, 'data'), PORT: '0', VEIL_ADMIN_PASSWORD: 'secret-password' },
        temp.dir,
      ),
      passwordHashing: FAST_HASHING,
    };
    const quiet = { logStream: { write: () => {} }, print: () => {} };
    try {
      const first = await startServer(config, quiet);
      await first.close();
      const second = await startServer(config, quiet);
      await second.close();
      expect(second.demoSiteKey).toBe(first.demoSiteKey);
      expect(
        (await startServer({ ...config, masterKey: Buffer.alloc(32, 1) }, quiet).catch(
          (e: Error) => e,
        )) as Error,
      ).toMatchObject({
        message: expect.stringContaining('master key does not match'),
      });
    } finally {
      temp.remove();
    }
  });

  it.runIf(withPostgres)('runs the same app on PostgreSQL', async () => {
    const db = await createTestDatabase();
    const temp = makeTempDir();
    const config = {
      ...loadConfig(
        {
          VEIL_DATA_DIR: path.join(temp.dir, 'data'),
          PORT: '0',
          VEIL_DATABASE_URL: db.url,
          VEIL_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
        },
        temp.dir,
      ),
      passwordHashing: FAST_HASHING,
    };
    const server = await startServer(config, { logStream: { write: () => {} }, print: () => {} });
    try {
      const demo = await server.store.sites.findByKey(server.demoSiteKey ?? '');
      if (demo) await grantTestConsent(server.store, demo);
      const batch = makeBatch({ siteKey: server.demoSiteKey ?? '', sessionId: sessionId() });
      const res = await server.app.inject({
        method: 'POST',
        url: '/ingest/v1/batch',
        headers: { 'content-type': 'application/json', origin: server.url },
        payload: JSON.stringify(batch),
      });
      expect(res.statusCode).toBe(202);
      const replay = await server.app.inject({
        method: 'POST',
        url: '/ingest/v1/batch',
        headers: { 'content-type': 'application/json', origin: server.url },
        payload: JSON.stringify(batch),
      });
      expect(replay.json().duplicate).toBe(true);
      const session = await server.store.recordings.get(batch.sessionId);
      expect(session).toMatchObject({ eventCount: 2, chunkCount: 1 });
    } finally {
      await server.close();
      await db.drop();
      temp.remove();
    }
  });
});
