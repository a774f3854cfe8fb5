import { isSessionSampled, type PrivacyPolicy } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, sessionId } from '../support/batches.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// The server does not take the browser's word for sampling: every batch's session id is checked
// with core's `isSessionSampled` (the loader's own function) under the site's current percent.
// What the loader would record and what the server accepts are the same set of sessions.

let t: TestApp;
let owner: string;

async function setPolicy(changes: Partial<PrivacyPolicy>): Promise<void> {
  const auth = { authorization: `Bearer ${owner}` };
  const url = `/api/v1/sites/${t.site.siteKey}/policy`;
  const current = (await t.app.inject({ url, headers: auth })).json() as { policy: PrivacyPolicy };
  if (Object.entries(changes).every(([k, v]) => current.policy[k as keyof PrivacyPolicy] === v)) return;
  const res = await t.app.inject({
    method: 'PUT',
    url,
    headers: { ...auth, 'content-type': 'application/json' },
    payload: { policy: { ...current.policy, ...changes }, reason: 'sampling test' },
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function storedSessions(): Promise<string[]> {
  const res = await t.app.inject({
    url: `/api/v1/sites/${t.site.siteKey}/sessions?limit=200`,
    headers: { authorization: `Bearer ${owner}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { sessions: Array<{ id: string }> }).sessions.map((s) => s.id);
}

async function unsampledDrops(): Promise<number> {
  const res = await t.app.inject({
    url: `/api/v1/sites/${t.site.siteKey}/privacy-drops`,
    headers: { authorization: `Bearer ${owner}` },
  });
  const body = res.json() as { drops: Array<{ reason: string; count: number }> };
  return body.drops.filter((d) => d.reason === 'unsampled').reduce((n, d) => n + d.count, 0);
}

/** Random session ids until `n` are in (`true`) or out of a sample of `percent`. */
function idsWhere(percent: number, inSample: boolean, n: number): string[] {
  const ids: string[] = [];
  while (ids.length < n) {
    const id = sessionId();
    if (isSessionSampled(id, percent) === inSample) ids.push(id);
  }
  return ids;
}

beforeAll(async () => {
  t = await startTestApp();
  owner = await t.token('owner');
});
afterAll(() => t?.close());

describe('sampling on the server', () => {
  it('accepts exactly the sessions the loader samples in, and refuses the rest with not_sampled', async () => {
    await setPolicy({ samplingPercent: 30 });
    const ids = Array.from({ length: 150 }, () => sessionId());
    const loaderRecords = new Set(ids.filter((id) => isSessionSampled(id, 30)));
    const serverAccepts = new Set<string>();
    for (const id of ids) {
      const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: id }));
      if (res.statusCode === 202) serverAccepts.add(id);
      else {
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual({
          error: {
            code: 'not_sampled',
            message: "this session is outside the site's 30 % sample: stop recording it, do not retry",
          },
        });
      }
    }
    // Both sides non-trivial (about 45 of 150), and the same set.
    expect(loaderRecords.size).toBeGreaterThan(20);
    expect(loaderRecords.size).toBeLessThan(80);
    expect([...serverAccepts].sort()).toEqual([...loaderRecords].sort());
    const stored = await storedSessions();
    expect(stored.filter((id) => ids.includes(id)).sort()).toEqual([...loaderRecords].sort());
    expect(await unsampledDrops()).toBe(ids.length - loaderRecords.size);
    expect(t.app.veil.ingest.metrics.snapshot().steps.sampling.drops.not_sampled).toBe(
      ids.length - loaderRecords.size,
    );
  });

  it('refuses an out-of-sample session on every batch and every retry: the decision is the id', async () => {
    const [out] = idsWhere(30, false, 1);
    for (const seq of [0, 0, 1, 2]) {
      const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: out!, seq }));
      expect(res.json().error.code).toBe('not_sampled');
    }
    expect(await storedSessions()).not.toContain(out);
  });

  it('follows a change of the percent from the next batch of a running session on', async () => {
    await setPolicy({ samplingPercent: 50 });
    // In a 50 % sample, out of a 10 % one.
    const id = idsWhere(50, true, 200).find((x) => !isSessionSampled(x, 10))!;
    const send = (seq: number) => t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: id, seq }));
    expect((await send(0)).statusCode).toBe(202);
    await setPolicy({ samplingPercent: 10 });
    const lowered = await send(1);
    expect(lowered.statusCode).toBe(403);
    expect(lowered.json().error.code).toBe('not_sampled');
    // Raised again: the same session is in the sample again (what was refused stays unrecorded).
    await setPolicy({ samplingPercent: 100 });
    expect((await send(2)).statusCode).toBe(202);
  });

  it('records nobody at 0 % and everybody at 100 %', async () => {
    await setPolicy({ samplingPercent: 0 });
    for (const id of Array.from({ length: 30 }, () => sessionId())) {
      const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: id }));
      expect(res.json().error.code).toBe('not_sampled');
    }
    await setPolicy({ samplingPercent: 100 });
    for (const id of Array.from({ length: 30 }, () => sessionId())) {
      const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: id }));
      expect(res.statusCode).toBe(202);
    }
  });
});
