import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  EventType,
  type IngestBatch,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_ERROR_STACK_CHARS,
  NodeType,
  type PrivacyPolicy,
  type RecordedEvent,
  VeilCustomTag,
} from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, moveEvent, pageViewEvent, sessionId, T0 } from '../support/batches.js';
import { buildCountryMmdb } from '../support/mmdb.js';
import { readReplay } from '../support/replay.js';
import { makeTempDir } from '../support/tempDir.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

// Server-side enforcement (the browser can lie): IP block list, restricted regions (trusted
// header and a MaxMind database), page targeting, network payloads, redaction with masking
// failures and canary alerts. The client address is never stored and never logged.

const BLOCKED_V4 = '203.0.113.77';
const BLOCKED_V6 = '2001:db8:bad::1';
const ALLOWED = '192.0.2.10';
const FROM_RESTRICTED = '198.51.100.20'; // in the test database: RU
const UNKNOWN_COUNTRY = '192.0.2.200'; // in the database's 192.0.2.0/25 only for .0-.127
const CANARY = 'CANARY-7f3a-Zelda-Testperson';

const geo = makeTempDir('veil-geo-');
const geoFile = path.join(geo.dir, 'country.mmdb');
writeFileSync(
  geoFile,
  buildCountryMmdb({ '198.51.100.0/24': 'RU', '192.0.2.0/25': 'DE', '203.0.113.0/24': 'US' }),
);

let t: TestApp;
let owner: string;

const snapshot = (ts: number, children: unknown[]): RecordedEvent => ({
  type: EventType.FullSnapshot,
  timestamp: ts,
  data: {
    node: {
      type: NodeType.Document,
      id: 1,
      childNodes: [
        {
          type: NodeType.Element,
          id: 2,
          tagName: 'html',
          attributes: {},
          childNodes: [
            { type: NodeType.Element, id: 3, tagName: 'body', attributes: {}, childNodes: children },
          ],
        },
      ],
    },
    initialOffset: { left: 0, top: 0 },
  },
});

async function setPolicy(changes: Partial<PrivacyPolicy>): Promise<void> {
  const current = JSON.parse(
    (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/sites/${t.site.siteKey}/policy`,
        headers: { authorization: `Bearer ${owner}` },
      })
    ).body,
  ) as { policy: PrivacyPolicy };
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/sites/${t.site.siteKey}/policy`,
    headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ policy: { ...current.policy, ...changes }, reason: 'privacy ingest test' }),
  });
  expect(res.statusCode, res.body).toBe(200);
  // The ingest pipeline reads the site (and its policy) per batch: no cache to wait for.
}

function send(batch: IngestBatch, remoteAddress = ALLOWED, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/ingest/v1/batch',
    remoteAddress,
    headers: { 'content-type': 'application/json', origin: SITE_ORIGIN, 'cf-ipcountry': 'DE', ...headers },
    payload: JSON.stringify(batch),
  });
}

async function storedEvents(id: string): Promise<string> {
  const res = await readReplay(t.app, { authorization: `Bearer ${owner}` }, id, 'privacy test');
  expect(res.statusCode, res.body).toBe(200);
  return res.body;
}

beforeAll(async () => {
  t = await startTestApp({ env: { VEIL_REGION_HEADER: 'CF-IPCountry', VEIL_GEOIP_DATABASE: geoFile } });
  owner = await t.token('owner');
  await setPolicy({
    ipBlockList: ['203.0.113.*', '2001:db8:bad::/48', '10.9.8.7'],
    restrictedRegions: ['RU'],
    pageDenyList: ['/admin/**'],
    customPatterns: [{ label: 'student_id', pattern: 'S-\\d{4}-\\d{5}' }],
    canaries: [{ label: 'intake-form', value: CANARY }],
  });
});
afterAll(async () => {
  await t?.close();
  geo.remove();
});

describe('IP block list', () => {
  it('drops batches from exact, wildcard and CIDR (v6) addresses, keeps others', async () => {
    const batch = () => makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() });
    for (const ip of [BLOCKED_V4, BLOCKED_V6, '10.9.8.7', `::ffff:${BLOCKED_V4}`]) {
      const res = await send(batch(), ip);
      expect(res.statusCode, ip).toBe(403);
      expect(JSON.parse(res.body)).toEqual({
        error: { code: 'not_recorded', message: 'the site does not record this visitor' },
      });
    }
    expect((await send(batch(), ALLOWED)).statusCode).toBe(202);
  });
});

describe('restricted regions', () => {
  it('use the trusted header first, then the MaxMind database; unknown countries are not recorded', async () => {
    const batch = () => makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() });
    expect((await send(batch(), ALLOWED, { 'cf-ipcountry': 'RU' })).statusCode).toBe(403);
    expect((await send(batch(), ALLOWED, { 'cf-ipcountry': 'de' })).statusCode).toBe(202);
    // No usable header (Cloudflare's XX): the database decides.
    expect((await send(batch(), FROM_RESTRICTED, { 'cf-ipcountry': 'XX' })).statusCode).toBe(403);
    expect((await send(batch(), ALLOWED, { 'cf-ipcountry': 'XX' })).statusCode).toBe(202);
    const unknown = await send(batch(), UNKNOWN_COUNTRY, { 'cf-ipcountry': 'XX' });
    expect(unknown.statusCode).toBe(403);
    expect(unknown.body).toContain('region is unknown');
  });
});

describe('page targeting and network payloads', () => {
  it('drops events of denied pages, keeps the rest of the batch, remembers the page across batches', async () => {
    const id = sessionId();
    const first = await send(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: id,
        events: [
          metaEvent(T0, `${SITE_ORIGIN}/shop`),
          moveEvent(T0 + 10),
          pageViewEvent(T0 + 20, `${SITE_ORIGIN}/admin/users`, 'Admin'),
          moveEvent(T0 + 30, 99, 99),
          {
            type: EventType.Plugin,
            timestamp: T0 + 40,
            data: { plugin: 'rrweb/network@1', payload: { requests: [{ body: 'password=hunter2' }] } },
          },
        ],
      }),
    );
    expect(first.statusCode).toBe(202);
    // The next batch has no page event: the session is still on the admin page.
    const second = await send(
      makeBatch({ siteKey: t.site.siteKey, sessionId: id, seq: 1, events: [moveEvent(T0 + 50)] }),
    );
    expect(second.statusCode).toBe(403);
    const body = await storedEvents(id);
    expect(body).toContain('/shop');
    expect(body).not.toContain('/admin');
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('"x":99');
  });

  it('refuses a batch wholly on a denied page', async () => {
    const res = await send(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: sessionId(),
        events: [metaEvent(T0, `${SITE_ORIGIN}/admin/`)],
      }),
    );
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'not_recorded' } });
  });

  it('counts what it dropped, per day and reason', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/sites/${t.site.siteKey}/privacy-drops`,
      headers: { authorization: `Bearer ${owner}` },
    });
    const { drops } = JSON.parse(res.body) as { drops: Array<{ reason: string; count: number }> };
    const by = Object.fromEntries(drops.map((d) => [d.reason, d.count]));
    expect(by.ip_blocked).toBe(4);
    expect(by.region_restricted).toBe(3);
    expect(by.page_not_allowed).toBeGreaterThanOrEqual(4);
    expect(by.network_payload).toBe(1);
  });
});

describe('error and network events (the browser can lie)', () => {
  const custom = (timestamp: number, tag: string, payload: unknown): RecordedEvent => ({
    type: EventType.Custom,
    timestamp,
    data: { tag, payload },
  });

  it('keeps only the allowed fields, paths without query or fragment, texts within their caps', async () => {
    const id = sessionId();
    const res = await send(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: id,
        events: [
          metaEvent(T0, `${SITE_ORIGIN}/checkout`),
          custom(T0 + 10, VeilCustomTag.Network, {
            method: 'POST',
            reqPath: '/api/orders?token=PlantedQueryToken#PlantedFragment',
            status: 201,
            ms: 12.4,
            size: 300,
            path: '/checkout?coupon=PlantedPageQuery',
            headers: { authorization: 'Bearer PlantedHeaderValue' },
            requestBody: '{"card":"PlantedBodyValue"}',
          }),
          custom(T0 + 20, VeilCustomTag.Network, {
            method: 'GET',
            reqPath: '//PlantedUser:PlantedPass@api.other.example/v1/items?q=PlantedCrossQuery',
            status: 200,
            ms: 5,
            path: '/checkout',
          }),
          custom(T0 + 30, VeilCustomTag.Error, {
            kind: 'error',
            message: `Error: no account for planted.person@example.org ${'a'.repeat(3_000)} PlantedMessageTail`,
            stack: `${'s'.repeat(MAX_ERROR_STACK_CHARS * 3)} PlantedStackTail`,
            path: '/checkout#PlantedErrorFragment',
            localStorage: 'PlantedErrorExtra',
          }),
          moveEvent(T0 + 40),
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(202);
    const body = await storedEvents(id);
    for (const planted of [
      'PlantedQueryToken',
      'PlantedFragment',
      'PlantedPageQuery',
      'PlantedHeaderValue',
      'PlantedBodyValue',
      'headers',
      'requestBody',
      'PlantedUser',
      'PlantedPass',
      'PlantedCrossQuery',
      'planted.person@example.org',
      'PlantedMessageTail',
      'PlantedStackTail',
      'PlantedErrorFragment',
      'PlantedErrorExtra',
    ]) {
      expect(body, planted).not.toContain(planted);
    }
    const events = (JSON.parse(body) as { events: RecordedEvent[] }).events;
    const payloads = (tag: string) =>
      events.flatMap((e) => {
        const data = e.data as { tag?: string; payload?: unknown } | undefined;
        return e.type === EventType.Custom && data?.tag === tag ? [data] : [];
      });
    expect(payloads(VeilCustomTag.Network)).toEqual([
      {
        tag: VeilCustomTag.Network,
        payload: {
          method: 'POST',
          reqPath: '/api/orders',
          status: 201,
          ms: 12,
          size: 300,
          path: '/checkout',
        },
      },
      {
        tag: VeilCustomTag.Network,
        payload: {
          method: 'GET',
          reqPath: '//api.other.example/v1/items',
          status: 200,
          ms: 5,
          path: '/checkout',
        },
      },
    ]);
    const [error] = payloads(VeilCustomTag.Error) as Array<{ payload: Record<string, string> }>;
    expect(Object.keys(error?.payload ?? {}).sort()).toEqual(['kind', 'message', 'path', 'stack']);
    expect(error?.payload.message).toMatch(/^Error: no account for /);
    expect(error?.payload.message?.length).toBe(MAX_ERROR_MESSAGE_CHARS);
    expect(error?.payload.stack?.length).toBe(MAX_ERROR_STACK_CHARS);
    expect(error?.payload.path).toBe('/checkout');
    // The stored bytes on disk hold none of it either.
    for (const file of readdirSync(t.config.dataDir)) {
      const bytes = readFileSync(path.join(t.config.dataDir, file));
      for (const planted of ['PlantedHeaderValue', 'PlantedQueryToken', 'planted.person@example.org']) {
        expect(bytes.includes(planted), `${file}: ${planted}`).toBe(false);
      }
    }
  });

  it('drops a malformed payload, not stores it, and counts it', async () => {
    const id = sessionId();
    const res = await send(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: id,
        events: [
          metaEvent(T0, `${SITE_ORIGIN}/shop`),
          custom(T0 + 10, VeilCustomTag.Error, 'MalformedStringPayload'),
          custom(T0 + 20, VeilCustomTag.Error, {
            kind: 'error',
            message: ['MalformedArrayMessage'],
            path: '/shop',
          }),
          custom(T0 + 30, VeilCustomTag.Network, {
            method: 'GET',
            reqPath: '/api/MalformedStatus',
            status: '200',
            ms: 3,
            path: '/shop',
          }),
          custom(T0 + 40, VeilCustomTag.Network, {
            method: 'GET',
            reqPath: 'https://full.example/MalformedFullUrl',
            status: 200,
            ms: 3,
            path: '/shop',
          }),
          custom(T0 + 50, VeilCustomTag.Network, null),
          moveEvent(T0 + 60),
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(202);
    const body = await storedEvents(id);
    expect(body).toContain('/shop');
    expect(body).not.toContain(VeilCustomTag.Error);
    expect(body).not.toContain(VeilCustomTag.Network);
    for (const planted of [
      'MalformedStringPayload',
      'MalformedArrayMessage',
      'MalformedStatus',
      'MalformedFullUrl',
    ]) {
      expect(body, planted).not.toContain(planted);
    }
    const drops = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/privacy-drops`,
      headers: { authorization: `Bearer ${owner}` },
    });
    const by = Object.fromEntries(
      (drops.json() as { drops: Array<{ reason: string; count: number }> }).drops.map((d) => [
        d.reason,
        d.count,
      ]),
    );
    expect(by.malformed_activity).toBe(5);
  });
});

describe('redaction, masking failures and canaries', () => {
  it('masks what the browser did not, records masking failures with element paths and raises a canary alert', async () => {
    const id = sessionId();
    const res = await send(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: id,
        events: [
          metaEvent(T0, `${SITE_ORIGIN}/students/4711/record`),
          snapshot(T0 + 1, [
            {
              type: NodeType.Element,
              id: 10,
              tagName: 'form',
              attributes: { id: 'intake' },
              childNodes: [
                {
                  type: NodeType.Element,
                  id: 11,
                  tagName: 'p',
                  attributes: { title: 'jane.doe@example.org' },
                  childNodes: [{ type: NodeType.Text, id: 12, textContent: 'Student S-2024-00017' }],
                },
                {
                  type: NodeType.Element,
                  id: 13,
                  tagName: 'p',
                  attributes: { class: CANARY },
                  childNodes: [{ type: NodeType.Text, id: 14, textContent: `Sentinel ${CANARY}` }],
                },
              ],
            },
          ]),
          {
            type: EventType.IncrementalSnapshot,
            timestamp: T0 + 2,
            data: { source: 5, id: 11, text: '4111 1111 1111 1111' },
          },
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(202);
    const body = await storedEvents(id);
    for (const planted of ['jane.doe', 'S-2024-00017', CANARY, '4111 1111'])
      expect(body, planted).not.toContain(planted);

    const failures = JSON.parse(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/sites/${t.site.siteKey}/masking-failures`,
          headers: { authorization: `Bearer ${owner}` },
        })
      ).body,
    ) as {
      failures: Array<{
        pagePattern: string;
        elementPath: string | null;
        label: string;
        location: string;
        count: number;
      }>;
    };
    expect(failures.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          pagePattern: '/students/:id/record',
          elementPath: 'form#intake>p:nth-of-type(1)',
          label: 'email',
          location: 'attribute:title',
        }),
        expect.objectContaining({
          elementPath: 'form#intake>p:nth-of-type(1)',
          label: 'student_id',
          location: 'text',
        }),
        expect.objectContaining({
          elementPath: 'form#intake>p:nth-of-type(1)',
          label: 'card',
          location: 'input',
        }),
      ]),
    );
    expect(failures.failures.some((f) => f.label.includes('canary'))).toBe(false);

    const alerts = JSON.parse(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/sites/${t.site.siteKey}/privacy-alerts`,
          headers: { authorization: `Bearer ${owner}` },
        })
      ).body,
    ) as {
      alerts: Array<{ id: string; label: string; count: number; pagePattern: string; sessionId: string }>;
    };
    expect(alerts.alerts).toHaveLength(1);
    expect(alerts.alerts[0]).toMatchObject({
      label: 'intake-form',
      count: 2,
      pagePattern: '/students/:id/record',
      sessionId: id,
    });
    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${t.site.siteKey}/privacy-alerts/${alerts.alerts[0]!.id}/acknowledge`,
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      payload: '{"note":"markup fixed"}',
    });
    expect(ack.statusCode).toBe(204);
    expect(t.logs.join('\n')).toContain('privacy canary arrived unmasked');
  });

  it('never stores or logs the client address, or a planted value', async () => {
    const logs = t.logs.join('\n');
    for (const secret of [
      BLOCKED_V4,
      BLOCKED_V6,
      ALLOWED,
      FROM_RESTRICTED,
      UNKNOWN_COUNTRY,
      CANARY,
      'jane.doe@example.org',
    ]) {
      expect(logs, `log: ${secret}`).not.toContain(secret);
    }
    const dataDir = t.config.dataDir;
    for (const file of readdirSync(dataDir)) {
      const bytes = readFileSync(path.join(dataDir, file));
      // (The canary itself is configuration: it is in the policy tables by design, never in events.)
      for (const secret of [BLOCKED_V4, ALLOWED, FROM_RESTRICTED, UNKNOWN_COUNTRY, 'jane.doe@example.org']) {
        expect(bytes.includes(secret), `${file}: ${secret}`).toBe(false);
      }
    }
  });
});
