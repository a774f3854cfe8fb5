import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, pageViewEvent, sessionId, snapshotEvent, T0 } from '../support/batches.js';
import { readReplay } from '../support/replay.js';
import { OWNER_PASSWORD, SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

const PII = ['jane.roe@mail.example', '4111 1111 1111 1111', 'Jane Roe', 'DE89370400440532013000'];
const CLIENT_IP = '203.0.113.77';
const PURPOSE = 'investigate-complaint-of-jane';

describe('logging', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { VEIL_TRUST_PROXY: 'true', VEIL_LOG_LEVEL: 'trace' } });
  });
  afterAll(() => t.close());

  it('never writes bodies, event query strings, cookies, tokens or client IPs', async () => {
    const headers = { 'x-forwarded-for': CLIENT_IP, 'x-real-ip': CLIENT_IP };
    const id = sessionId();
    const batch = makeBatch({
      siteKey: t.site.siteKey,
      sessionId: id,
      events: [
        metaEvent(T0, `${SITE_ORIGIN}/profile?email=${encodeURIComponent(PII[0] ?? '')}`),
        snapshotEvent(T0 + 1, PII.join(' | ')),
        pageViewEvent(T0 + 2, `${SITE_ORIGIN}/profile`, PII[2]),
      ],
    });
    expect((await t.ingest(batch, headers)).statusCode).toBe(202);
    // Refused batches too: their bodies are not echoed into the log.
    expect((await t.ingest(`{"v":1,"name":"${PII[2]}",`, headers)).statusCode).toBe(400);
    expect((await t.ingest({ ...batch, siteKey: 'bad key!' }, headers)).statusCode).toBe(400);

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers,
      payload: { email: 'owner@test.local', password: OWNER_PASSWORD },
    });
    const cookieValue = login.cookies.find((c) => c.name === 'veil_session')?.value ?? '';
    const token = await t.token('owner');
    await readReplay(
      t.app,
      { ...headers, cookie: `veil_session=${cookieValue}`, 'x-csrf-token': login.json().csrfToken },
      id,
      PURPOSE,
    );
    await readReplay(t.app, { ...headers, authorization: `Bearer ${token}` }, id, PURPOSE);
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers,
      payload: { email: PII[0], password: 'guess' },
    });

    const output = t.logs.join('');
    expect(t.logs.length).toBeGreaterThan(10);
    expect(output).toContain('/api/v1/sessions/');
    for (const secret of [
      ...PII,
      encodeURIComponent(PII[0] ?? ''),
      CLIENT_IP,
      '127.0.0.1',
      PURPOSE,
      OWNER_PASSWORD,
      cookieValue,
      token,
    ]) {
      expect(output.includes(secret), `log contains ${secret}`).toBe(false);
    }
    for (const line of t.logs) {
      const entry = JSON.parse(line);
      expect(entry.req?.headers).toBeUndefined();
      expect(entry.req?.remoteAddress).toBeUndefined();
      expect(entry.req?.ip).toBeUndefined();
    }
  });
});
