import type { PrivacyPolicy } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../../src/sites/createSite.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { makeBatch, sessionId } from '../support/batches.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// The server does not take the browser's word for Global Privacy Control: an ingest request with
// `Sec-GPC: 1` (or `DNT: 1`) is refused under either lawful basis while the policy honours it,
// counted, and nothing of it is stored.

let t: TestApp;
let owner: string;
let li: SiteRecord;
const LI_ORIGIN = 'https://li.gpc.example';

async function setPolicy(site: SiteRecord, changes: Partial<PrivacyPolicy>): Promise<void> {
  const auth = { authorization: `Bearer ${owner}` };
  const url = `/api/v1/sites/${site.siteKey}/policy`;
  const current = (await t.app.inject({ url, headers: auth })).json() as { policy: PrivacyPolicy };
  const res = await t.app.inject({
    method: 'PUT',
    url,
    headers: { ...auth, 'content-type': 'application/json' },
    payload: { policy: { ...current.policy, ...changes }, reason: 'GPC test' },
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function storedSessions(site: SiteRecord): Promise<string[]> {
  const res = await t.app.inject({
    url: `/api/v1/sites/${site.siteKey}/sessions`,
    headers: { authorization: `Bearer ${owner}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { sessions: Array<{ id: string }> }).sessions.map((s) => s.id);
}

async function drops(site: SiteRecord): Promise<Record<string, number>> {
  const res = await t.app.inject({
    url: `/api/v1/sites/${site.siteKey}/privacy-drops`,
    headers: { authorization: `Bearer ${owner}` },
  });
  const body = res.json() as { drops: Array<{ reason: string; count: number }> };
  return Object.fromEntries(body.drops.map((d) => [d.reason, d.count]));
}

beforeAll(async () => {
  t = await startTestApp();
  owner = await t.token('owner');
  li = await createSite(t.app.veil.store, t.clock, {
    name: 'LI',
    origins: [LI_ORIGIN],
    samplingPercent: 100,
  });
  await setPolicy(li, {
    lawfulBasis: 'legitimate_interest',
    legitimateInterestAssessment: { purpose: 'fix bugs', necessity: 'n', balancing: 'b', safeguards: 's' },
  });
});
afterAll(() => t?.close());

describe('Global Privacy Control on the server', () => {
  it('refuses Sec-GPC: 1 under the consent basis although the batch carries a valid receipt', async () => {
    const refused = makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() });
    const res = await t.ingest(refused, { 'sec-gpc': '1' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: {
        code: 'gpc_refused',
        message: 'the browser sent Sec-GPC: 1 and the site honours Global Privacy Control',
      },
    });
    // The same batch without the signal is recorded: the receipt was valid, the signal decided.
    const accepted = makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() });
    expect((await t.ingest(accepted, { 'sec-gpc': '0' })).statusCode).toBe(202);
    const stored = await storedSessions(t.site);
    expect(stored).toContain(accepted.sessionId);
    expect(stored).not.toContain(refused.sessionId);
  });

  it('refuses it under legitimate interest too (GPC is an opt-out), and DNT: 1 alike', async () => {
    const batch = () =>
      makeBatch({ siteKey: li.siteKey, sessionId: sessionId(), consentReceiptId: undefined });
    const gpc = await t.ingest(batch(), { origin: LI_ORIGIN, 'sec-gpc': '1' });
    expect(gpc.statusCode).toBe(403);
    expect(gpc.json().error.code).toBe('gpc_refused');
    const dnt = await t.ingest(batch(), { origin: LI_ORIGIN, dnt: '1' });
    expect(dnt.statusCode).toBe(403);
    expect(dnt.json().error.message).toContain('DNT: 1');
    expect((await t.ingest(batch(), { origin: LI_ORIGIN })).statusCode).toBe(202);
    expect((await drops(li)).gpc).toBe(2);
  });

  it('records the signal only where the policy was changed, audited, not to honour it', async () => {
    await setPolicy(li, { honourGlobalPrivacyControl: false });
    const batch = makeBatch({ siteKey: li.siteKey, sessionId: sessionId(), consentReceiptId: undefined });
    expect((await t.ingest(batch, { origin: LI_ORIGIN, 'sec-gpc': '1' })).statusCode).toBe(202);
    expect(await storedSessions(li)).toContain(batch.sessionId);
  });

  it('counts each refusal in the ingest metrics of the consent step', () => {
    const consent = t.app.veil.ingest.metrics.snapshot().steps.consent;
    expect(consent.drops.gpc_refused).toBe(3);
  });
});
