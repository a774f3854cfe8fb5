import { createHmac } from 'node:crypto';
import path from 'node:path';
import { ALERT_KINDS, type AlertKind, type PrivacyPolicy } from '@veil/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGEST_AFTER_MS, MAX_DELIVERY_ATTEMPTS } from '../../src/alerts/AlertService.js';
import {
  type SmtpReceiver,
  startSmtpReceiver,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support/alertReceivers.js';
import { makeBatch, metaEvent, sessionId, snapshotEvent, T0 } from '../support/batches.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Alerts end to end: the inbox, a real webhook receiver and a real SMTP server on loopback.

const SIGNING_SECRET = 'whsec-0123456789abcdef';
const SMTP = { user: 'veil-alerts', pass: 'smtp-pass-Zq81x' };
const CANARY = 'CANARY-7731-PLANTED';
const PLANTED_EMAIL = 'jane.doe.planted@patient.example';

let t: TestApp;
let hook: WebhookReceiver;
let smtp: SmtpReceiver;
let headers: Record<string, string>;

async function api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function setPolicy(change: Partial<PrivacyPolicy>, reason = 'alert routing for the test') {
  const current = await api('GET', `/api/v1/sites/${t.site.siteKey}/policy`);
  const policy = { ...current.json().policy, ...change };
  const res = await api('PUT', `/api/v1/sites/${t.site.siteKey}/policy`, { policy, reason });
  expect(res.statusCode, res.body).toBe(200);
}

async function dispatchAll(): Promise<void> {
  await t.app.veil.alerts.dispatch();
}

let hookSinkId: string;
beforeAll(async () => {
  hook = await startWebhookReceiver();
  smtp = await startSmtpReceiver(SMTP);
  t = await startTestApp();
  headers = await t.loginHeaders();
  const created = await api('POST', `/api/v1/sites/${t.site.siteKey}/alert-sinks`, {
    type: 'webhook',
    name: 'slack',
    url: hook.url,
    signingSecret: SIGNING_SECRET,
  });
  expect(created.statusCode, created.body).toBe(201);
  hookSinkId = created.json().id;
  const mail = await api('POST', `/api/v1/sites/${t.site.siteKey}/alert-sinks`, {
    type: 'email',
    name: 'dpo-mail',
    host: '127.0.0.1',
    port: smtp.port,
    from: 'veil@shop.example',
    to: ['dpo@shop.example'],
    username: SMTP.user,
    password: SMTP.pass,
  });
  expect(mail.statusCode, mail.body).toBe(201);
  await setPolicy({
    canaries: [{ label: 'intake-form', value: CANARY }],
    alerts: {
      routes: [{ kinds: ['*'], sinks: ['slack', 'dpo-mail'] }],
      maxPerSinkPerHour: 100,
      restrictedRegionSpikePerHour: 100,
      consentRateDropPoints: 20,
    },
  });
});
afterAll(async () => {
  await t?.close();
  await hook?.close();
  await smtp?.close();
});

function hookKinds(): string[] {
  return hook.received.map((r) => JSON.parse(r.body).veil.alert?.kind as string);
}

describe('every alert kind', () => {
  it('reaches the webhook and the SMTP server once each, signed, carrying no recorded value', async () => {
    // masking_failure and canary come from a real batch that planted values the browser left;
    // scope_drift from the same batch too (its page is new to the site's data inventory).
    const res = await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: sessionId(),
        events: [
          metaEvent(T0, 'https://shop.example/intake'),
          snapshotEvent(T0 + 1, `Contact ${PLANTED_EMAIL} ref ${CANARY}`),
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(202);
    const fromBatch: AlertKind[] = ['masking_failure', 'canary', 'scope_drift'];
    const direct = ALERT_KINDS.filter((k) => !fromBatch.includes(k));
    for (const kind of direct) {
      await t.app.veil.alerts.raise(kind, t.site.siteKey, {
        subject: `test-${kind}`,
        summary: `${kind} seen on /checkout`,
        details: { pagePattern: '/checkout', label: kind, count: 3 },
      });
    }
    await dispatchAll();

    const kinds = hookKinds();
    for (const kind of ALERT_KINDS)
      expect(
        kinds.filter((k) => k === kind),
        kind,
      ).toHaveLength(1);
    expect(hook.received).toHaveLength(ALERT_KINDS.length);
    expect(smtp.received).toHaveLength(ALERT_KINDS.length);
    for (const kind of ALERT_KINDS) {
      const title = JSON.parse(
        hook.received.find((r) => JSON.parse(r.body).veil.alert.kind === kind)!.body,
      ).text;
      expect(
        smtp.received.filter((m) => m.raw.includes(title.split('\n')[0].slice(0, 40))).length,
      ).toBeGreaterThan(0);
    }
    for (const mail of smtp.received) {
      expect(mail.user).toBe(SMTP.user);
      expect(mail.to).toEqual(['dpo@shop.example']);
    }

    // Signed: HMAC-SHA256 over `timestamp.body`, Slack-compatible `text`.
    for (const r of hook.received) {
      const ts = String(r.headers['x-veil-timestamp']);
      const expected = `v1=${createHmac('sha256', SIGNING_SECRET).update(`${ts}.${r.body}`).digest('hex')}`;
      expect(r.headers['x-veil-signature']).toBe(expected);
      expect(typeof JSON.parse(r.body).text).toBe('string');
    }
    // The planted values reached neither receiver (and never the inbox).
    const everything = [...hook.received.map((r) => r.body), ...smtp.received.map((m) => m.raw)].join('\n');
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(PLANTED_EMAIL);
    expect(everything).not.toContain('jane.doe');
    const inbox = await api('GET', `/api/v1/alerts?site=${t.site.siteKey}`);
    expect(inbox.body).not.toContain(CANARY);
    expect(inbox.body).not.toContain(PLANTED_EMAIL);
    expect(new Set(inbox.json().alerts.map((a: { kind: AlertKind }) => a.kind))).toEqual(
      new Set(ALERT_KINDS),
    );
  });

  it('folds duplicates: the same subject again notifies nobody and counts an occurrence', async () => {
    const before = hook.received.length;
    const again = await t.app.veil.alerts.raise('access_anomaly', t.site.siteKey, {
      subject: 'test-access_anomaly',
      summary: 'access_anomaly seen on /checkout',
    });
    expect(again.created).toBe(false);
    expect(again.alert.occurrences).toBe(2);
    await dispatchAll();
    expect(hook.received.length).toBe(before);
  });
});

describe('webhook retries', () => {
  it('retries with exponential backoff until the receiver answers, and logs each attempt', async () => {
    const before = hook.received.length;
    hook.failNext(2);
    const raised = await t.app.veil.alerts.raise('retention_exception', t.site.siteKey, {
      subject: 'retry-test',
      summary: 'purge held back',
    });
    await dispatchAll();
    expect(hook.received.length).toBe(before);
    const log = async () =>
      (await api('GET', `/api/v1/sites/${t.site.siteKey}/alert-deliveries`))
        .json()
        .deliveries.find(
          (d: { sinkId: string; status: string; alertId: string | null; attempts: number }) =>
            d.sinkId === hookSinkId && d.status !== 'delivered',
        );
    const first = await log();
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastResponse: '503' });
    expect(first.nextAttemptAt).toBe(t.clock.now() + 1_000);
    t.clock.advance(999);
    await dispatchAll();
    expect((await log()).attempts).toBe(1); // not due yet
    t.clock.advance(1);
    await dispatchAll();
    const second = await log();
    expect(second).toMatchObject({ attempts: 2 });
    expect(second.nextAttemptAt).toBe(t.clock.now() + 2_000);
    t.clock.advance(2_000);
    await dispatchAll();
    expect(hook.received.length).toBe(before + 1);
    const deliveries = (await api('GET', `/api/v1/sites/${t.site.siteKey}/alert-deliveries`)).json()
      .deliveries;
    const done = deliveries.find(
      (d: { alertId: string; sinkId: string }) => d.sinkId === hookSinkId && d.alertId === raised.alert.id,
    );
    expect(done).toMatchObject({ status: 'delivered', attempts: 3, sinkName: 'slack', lastResponse: '200' });
  });

  it('gives up after the last attempt and logs it as failed', async () => {
    hook.failNext(MAX_DELIVERY_ATTEMPTS);
    const raised = await t.app.veil.alerts.raise('retention_exception', t.site.siteKey, {
      subject: 'give-up',
      summary: 'x',
    });
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i += 1) {
      await dispatchAll();
      t.clock.advance(60_000);
    }
    const deliveries = (await api('GET', `/api/v1/sites/${t.site.siteKey}/alert-deliveries`)).json()
      .deliveries;
    const given = deliveries.find(
      (d: { alertId: string; sinkId: string }) => d.sinkId === hookSinkId && d.alertId === raised.alert.id,
    );
    expect(given).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS, sinkName: 'slack' });
  });
});

describe('rate limit and digest', () => {
  it('holds alerts past the hourly limit and sends them as one digest', async () => {
    t.clock.advance(2 * 60 * 60 * 1000); // a fresh rate window
    await setPolicy(
      {
        alerts: {
          routes: [{ kinds: ['consent_rate_drop'], sinks: ['slack'] }],
          maxPerSinkPerHour: 2,
          restrictedRegionSpikePerHour: 100,
          consentRateDropPoints: 20,
        },
      },
      'fewer notifications',
    );
    const before = hook.received.length;
    const outcomes = [];
    for (let i = 0; i < 5; i += 1) {
      outcomes.push(
        await t.app.veil.alerts.raise('consent_rate_drop', t.site.siteKey, {
          subject: `drop-${i}`,
          summary: `drop ${i}`,
        }),
      );
    }
    expect(outcomes.map((o) => o.notified.length)).toEqual([1, 1, 0, 0, 0]);
    expect(outcomes.map((o) => o.held)).toEqual([[], [], ['slack'], ['slack'], ['slack']]);
    await dispatchAll();
    expect(hook.received.length).toBe(before + 2);
    t.clock.advance(DIGEST_AFTER_MS);
    await dispatchAll();
    expect(hook.received.length).toBe(before + 3);
    const digest = JSON.parse(hook.received.at(-1)!.body);
    expect(digest.veil.type).toBe('digest');
    expect(digest.veil.alerts.map((a: { summary: string }) => a.summary).sort()).toEqual([
      'drop 2',
      'drop 3',
      'drop 4',
    ]);
    // Not routed: the inbox only.
    const quiet = await t.app.veil.alerts.raise('canary', t.site.siteKey, { subject: 'x', summary: 'x' });
    expect(quiet.notified).toEqual([]);
  });
});

describe('inbox', () => {
  it('acknowledges and resolves with a note, audited; a resolved subject raises anew', async () => {
    const raised = await t.app.veil.alerts.raise('access_anomaly', t.site.siteKey, {
      subject: 'inbox-1',
      summary: 'many replays',
    });
    const ack = await api('POST', `/api/v1/alerts/${raised.alert.id}/acknowledge`, {
      note: 'looking into it',
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({
      status: 'acknowledged',
      note: 'looking into it',
      acknowledgedBy: 'owner@test.local',
    });
    expect((await api('POST', `/api/v1/alerts/${raised.alert.id}/acknowledge`, {})).statusCode).toBe(409);
    const resolved = await api('POST', `/api/v1/alerts/${raised.alert.id}/resolve`, {
      note: 'planned audit',
    });
    expect(resolved.json()).toMatchObject({ status: 'resolved', note: 'planned audit' });
    const audit = await api('GET', '/api/v1/audit?action=alert.resolved');
    expect(audit.body).toContain(raised.alert.id);
    const anew = await t.app.veil.alerts.raise('access_anomaly', t.site.siteKey, {
      subject: 'inbox-1',
      summary: 'again',
    });
    expect(anew.created).toBe(true);
    expect(anew.alert.id).not.toBe(raised.alert.id);
    const open = await api('GET', `/api/v1/alerts?status=open&kind=access_anomaly`);
    expect(open.json().alerts.map((a: { id: string }) => a.id)).toContain(anew.alert.id);
    expect((await api('POST', '/api/v1/alerts/not-a-uuid/resolve', {})).statusCode).toBe(400);
  });

  it('refuses alerts:write to an analyst and shows nothing of other sites', async () => {
    const analyst = await t.token('analyst');
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/alerts',
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('sink secrets', () => {
  it('are never returned by the API and stored only sealed', async () => {
    const list = await api('GET', `/api/v1/sites/${t.site.siteKey}/alert-sinks`);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(SIGNING_SECRET);
    expect(list.body).not.toContain(SMTP.pass);
    expect(list.body).not.toContain('secret-path-token');
    expect(
      list.json().sinks.map((s: { name: string; urlHost: string | null }) => [s.name, s.urlHost]),
    ).toEqual([
      ['dpo-mail', null],
      ['slack', new URL(hook.url).host],
    ]);
    const db = new BetterSqlite3(path.join(t.config.dataDir, 'veil.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('select * from alert_sinks').all();
      const dump = JSON.stringify(rows, (_k, v) => (Buffer.isBuffer(v) ? v.toString('latin1') : v));
      expect(dump).not.toContain(SIGNING_SECRET);
      expect(dump).not.toContain(SMTP.pass);
      expect(dump).not.toContain('secret-path-token');
    } finally {
      db.close();
    }
  });

  it('keeps stored secrets on an update that leaves them out, and validates bodies', async () => {
    const put = await api('PUT', `/api/v1/sites/${t.site.siteKey}/alert-sinks/${hookSinkId}`, {
      type: 'webhook',
      name: 'slack',
      enabled: true,
    });
    expect(put.statusCode, put.body).toBe(200);
    const before = hook.received.length;
    await setPolicy(
      {
        alerts: {
          routes: [{ kinds: ['*'], sinks: ['slack'] }],
          maxPerSinkPerHour: 100,
          restrictedRegionSpikePerHour: 100,
          consentRateDropPoints: 20,
        },
      },
      'route everything to slack',
    );
    await t.app.veil.alerts.raise('scope_drift', t.site.siteKey, { subject: 'after-update', summary: 'x' });
    await dispatchAll();
    expect(hook.received.length).toBe(before + 1);
    const bad = await api('POST', `/api/v1/sites/${t.site.siteKey}/alert-sinks`, {
      type: 'webhook',
      name: 'short',
      url: hook.url,
      signingSecret: 'short',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    const dup = await api('POST', `/api/v1/sites/${t.site.siteKey}/alert-sinks`, {
      type: 'webhook',
      name: 'slack',
      url: hook.url,
      signingSecret: SIGNING_SECRET,
    });
    expect(dup.statusCode).toBe(409);
    const inbox = await api('POST', `/api/v1/sites/${t.site.siteKey}/alert-sinks`, {
      type: 'webhook',
      name: 'inbox',
      url: hook.url,
      signingSecret: SIGNING_SECRET,
    });
    expect(inbox.statusCode).toBe(400);
  });
});
