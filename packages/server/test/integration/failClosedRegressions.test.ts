import {
  EventType,
  HeatmapTag,
  IncrementalSource,
  NodeType,
  type PrivacyPolicy,
  type RecordedEvent,
  VeilCustomTag,
} from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, sessionId, T0 } from '../support/batches.js';
import { grantRegistrationBody } from '../support/consent.js';
import { readReplay } from '../support/replay.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

// Regression tests of three fail-closed fixes in ingest and consent: each fails when its fix is
// reverted (a visitor-bound receipt admitting a batch without visitor id; tags stored unmasked by
// the canary detectors; a withdrawal that reached the server before its grant leaving a live grant).

const CANARY = 'CANARY-51c0-Tagged-Testperson';
let t: TestApp;
let owner: string;

function register(body: unknown) {
  return t.app.inject({
    method: 'POST',
    url: `/r/v1/sites/${t.site.siteKey}/consent`,
    headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN },
    payload: JSON.stringify(body),
  });
}

beforeAll(async () => {
  t = await startTestApp();
  owner = await t.token('owner');
  const url = `/api/v1/sites/${t.site.siteKey}/policy`;
  const auth = { authorization: `Bearer ${owner}` };
  const current = (await t.app.inject({ url, headers: auth })).json() as { policy: PrivacyPolicy };
  const res = await t.app.inject({
    method: 'PUT',
    url,
    headers: { ...auth, 'content-type': 'application/json' },
    payload: {
      policy: { ...current.policy, canaries: [{ label: 'tagged', value: CANARY }] },
      reason: 'canary',
    },
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(() => t?.close());

describe('fail-closed regressions', () => {
  it('a consent receipt bound to a visitor admits no batch lacking that visitor id', async () => {
    const receipt = 'bound_receipt_00000001';
    expect((await register(grantRegistrationBody(receipt, 'visitor_bound_0001'))).statusCode).toBe(201);
    const without = makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), consentReceiptId: receipt });
    delete (without as { visitorId?: string }).visitorId;
    expect(without.visitorId).toBeUndefined();
    const res = await t.ingest(without);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('consent_required');
    const other = await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: sessionId(),
        consentReceiptId: receipt,
        visitorId: 'visitor_other_0001',
      }),
    );
    expect(other.statusCode).toBe(403);
    const own = await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: sessionId(),
        consentReceiptId: receipt,
        visitorId: 'visitor_bound_0001',
      }),
    );
    expect(own.statusCode, own.body).toBe(202);
  });

  it('masks tags pulled out before redaction with the canary detectors', async () => {
    const id = sessionId();
    const tag = (key: string, value: string): RecordedEvent => ({
      type: EventType.Custom,
      timestamp: T0 + 5,
      data: { tag: VeilCustomTag.Tag, payload: { key, value } },
    });
    const res = await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: id,
        events: [metaEvent(T0, `${SITE_ORIGIN}/intake`), tag('case', `file ${CANARY}`), tag(CANARY, 'x')],
      }),
    );
    expect(res.statusCode, res.body).toBe(202);
    const tags = await t.app.veil.store.subjects.tags(id);
    expect(tags.length).toBe(2);
    expect(JSON.stringify(tags)).not.toContain(CANARY);
    expect(tags.find((x) => x.key === 'case')?.value).toMatch(/^file \*+$/);
  });

  it('a withdrawal that reaches the server before its grant leaves no receipt that admits batches', async () => {
    // The loader stores the receipt id before the grant's registration is sent; a withdrawal in
    // that window names it, and may arrive first (two requests, any order).
    const receipt = 'raced_receipt_00000001';
    const visitorId = 'visitor_raced_0001';
    const withdrawal = await register({
      v: 1,
      decision: 'withdrawn',
      receiptId: receipt,
      visitorId,
      granted: [],
      denied: ['analytics'],
      source: 'api',
    });
    expect(withdrawal.statusCode, withdrawal.body).toBe(201);
    const grant = await register(grantRegistrationBody(receipt, visitorId));
    expect(grant.statusCode).toBe(409);
    const stored = await t.app.veil.store.consent.findGrant(t.site.id, receipt);
    expect(stored === undefined || stored.withdrawnAt !== null).toBe(true);
    const res = await t.ingest(
      makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), consentReceiptId: receipt, visitorId }),
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('consent_required');
  });

  it('stores no planted value a batch hid in shapes the walk skipped (layout tree, node type, attribute entry)', async () => {
    // Found by enumerating every position of every event shape (core `redactionShapes`): a heatmap
    // layout's node tree went through unscanned, a node whose `type` is not a number kept what its
    // `type` held and its key names, and an attribute-mutation entry whose `attributes` is not an
    // object kept its other keys. A replay-mode batch is stored as sent, so each reached storage.
    const EMAIL = 'jane.doe@example.org';
    const CARD = '4111 1111 1111 1111';
    const id = sessionId();
    const events = [
      metaEvent(T0, `${SITE_ORIGIN}/intake`),
      {
        type: EventType.Custom,
        timestamp: T0 + 1,
        data: {
          tag: HeatmapTag.Layout,
          payload: {
            path: '/intake',
            node: {
              type: NodeType.Document,
              id: 1,
              childNodes: [{ type: NodeType.Text, id: 2, textContent: `layout ${EMAIL}` }],
            },
          },
        },
      },
      {
        type: EventType.FullSnapshot,
        timestamp: T0 + 2,
        data: {
          node: {
            type: NodeType.Document,
            id: 1,
            childNodes: [
              { type: { type: NodeType.Text, textContent: `nested ${EMAIL}` }, id: 3 },
              { type: `typed ${CARD}`, id: 4, [`key ${EMAIL}`]: 1 },
            ],
          },
          initialOffset: { top: 0, left: 0 },
        },
      },
      {
        type: EventType.IncrementalSnapshot,
        timestamp: T0 + 3,
        data: {
          source: IncrementalSource.Mutation,
          adds: [],
          removes: [],
          texts: [],
          attributes: [{ id: 3, attributes: null, note: `entry ${CARD}` }],
        },
      },
    ] as unknown as RecordedEvent[];
    const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: id, events }));
    expect(res.statusCode, res.body).toBe(202);
    const replay = await readReplay(t.app, { authorization: `Bearer ${owner}` }, id, 'fail-closed test');
    expect(replay.statusCode, replay.body).toBe(200);
    const stored = replay.body.replace(/\s/g, '');
    for (const planted of [EMAIL, CARD.replace(/\s/g, '')]) expect(stored).not.toContain(planted);
    // The events themselves are kept (masked, not dropped).
    expect(stored).toContain('veil.hm.layout');
    expect(stored).toContain('layout*');
  });
});
