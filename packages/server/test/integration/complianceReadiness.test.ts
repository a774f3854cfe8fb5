import type { ReadinessArea } from '@veil/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildComplianceReport } from '../../src/compliance/buildComplianceReport.js';
import { runMonthlySummaries } from '../../src/compliance/monthlySummary.js';
import { runRetentionPurge } from '../../src/retention/runRetentionPurge.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/alertReceivers.js';
import { makeBatch, sessionId } from '../support/batches.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// The readiness score follows the evidence on the server's controllable clock: a purge receipt
// raises "retention enforced", an attestation counts for a year and then no longer. The monthly
// summary is built once per month and sent to the sinks the policy routes it to.

const DAY = 86_400_000;
let t: TestApp;
let hook: WebhookReceiver;

/** A fresh owner token (tokens expire; the clock moves by a year here). */
async function owner(): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await t.token('owner')}` };
}

async function readiness() {
  const { store, audit } = t.app.veil;
  const now = t.clock.now();
  const report = await buildComplianceReport(
    { store, clock: t.clock, audit },
    {
      site: (await store.sites.findByKey(t.site.siteKey))!,
      period: { from: now - 30 * DAY, to: now },
      generatedBy: 'test',
    },
  );
  const area = (a: ReadinessArea) => report.readiness.areas.find((x) => x.area === a)!;
  return { score: report.readiness.score, area };
}

beforeAll(async () => {
  hook = await startWebhookReceiver();
  t = await startTestApp();
  const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() }));
  expect(res.statusCode, res.body).toBe(202);
});
afterAll(async () => {
  await t?.close();
  await hook?.close();
});

it('changes when a purge receipt appears and when an attestation expires', async () => {
  const before = await readiness();
  expect(before.area('retention_enforced')).toMatchObject({ score: 0, reason: 'no purge receipt' });
  expect(before.area('cross_team_review')).toMatchObject({ score: 0, basis: 'none' });

  t.clock.advance(31 * DAY);
  const run = await runRetentionPurge(
    { store: t.app.veil.store, clock: t.clock, audit: t.app.veil.audit },
    { trigger: 'api' },
  );
  expect(run.sites.find((s) => s.siteKey === t.site.siteKey)?.sessions).toBe(1);
  const purged = await readiness();
  expect(purged.area('retention_enforced')).toMatchObject({ score: 2, basis: 'evidence' });
  expect(purged.score).toBe(before.score + 2);

  const attested = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/attestations`,
    headers: await owner(),
    payload: {
      kind: 'cross_team_review_held',
      statement: 'Product, legal and security reviewed the recording scope',
      reference: 'https://wiki.example/review-2025',
    },
  });
  expect(attested.statusCode, attested.body).toBe(201);
  expect(attested.json().attestation.expiresAt - attested.json().attestation.attestedAt).toBe(365 * DAY);
  const withAttestation = await readiness();
  expect(withAttestation.area('cross_team_review')).toMatchObject({ score: 2, basis: 'attestation' });
  expect(withAttestation.score).toBe(purged.score + 2);

  // A day before the year is up it still counts; on the day it does not.
  t.clock.advance(364 * DAY);
  expect((await readiness()).area('cross_team_review').score).toBe(2);
  t.clock.advance(DAY);
  const expired = await readiness();
  expect(expired.area('cross_team_review')).toMatchObject({ score: 0, basis: 'none' });
  // The receipt is a year old too: retention is no longer shown as enforced.
  expect(expired.area('retention_enforced').score).toBe(1);
  const list = await t.app.inject({
    url: `/api/v1/sites/${t.site.siteKey}/attestations`,
    headers: await owner(),
  });
  expect(list.json().attestations[0]).toMatchObject({ kind: 'cross_team_review_held', valid: false });

  const bad = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/attestations`,
    headers: await owner(),
    payload: { kind: 'made_up', statement: 'x' },
  });
  expect(bad.statusCode).toBe(400);
});

it('sends the monthly summary once per month to the routed sinks and keeps the trend', async () => {
  const sink = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/alert-sinks`,
    headers: await owner(),
    payload: {
      type: 'webhook',
      name: 'dpo-hook',
      url: hook.url,
      signingSecret: 'a-signing-secret-of-32-characters!!',
    },
  });
  expect(sink.statusCode, sink.body).toBe(201);
  const policy = (
    await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/policy`, headers: await owner() })
  ).json().policy;
  const put = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/sites/${t.site.siteKey}/policy`,
    headers: await owner(),
    payload: {
      policy: {
        ...policy,
        alerts: { ...policy.alerts, routes: [{ kinds: ['compliance_summary'], sinks: ['dpo-hook'] }] },
      },
      reason: 'monthly summary to the DPO',
    },
  });
  expect(put.statusCode, put.body).toBe(200);

  const deps = {
    store: t.app.veil.store,
    clock: t.clock,
    audit: t.app.veil.audit,
    alerts: t.app.veil.alerts,
  };
  t.clock.set(Date.UTC(2026, 2, 3, 8));
  expect(await runMonthlySummaries(deps)).toEqual([{ siteKey: t.site.siteKey, month: '2026-02' }]);
  expect(await runMonthlySummaries(deps)).toEqual([]);
  await t.app.veil.alerts.dispatch();
  expect(hook.received).toHaveLength(1);
  const body = JSON.parse(hook.received[0]!.body);
  expect(body.veil.alert.kind).toBe('compliance_summary');
  expect(body.text).toContain('2026-02: readiness');

  t.clock.set(Date.UTC(2026, 3, 2, 8));
  expect(await runMonthlySummaries(deps)).toEqual([{ siteKey: t.site.siteKey, month: '2026-03' }]);
  const trend = await t.app.inject({
    url: `/api/v1/sites/${t.site.siteKey}/compliance/trend`,
    headers: await owner(),
  });
  expect(trend.json().summaries.map((s: { month: string }) => s.month)).toEqual(['2026-02', '2026-03']);
  const sent = await t.app.veil.store.audit.query({
    actions: ['compliance.summary_sent'],
    order: 'asc',
    limit: 10,
  });
  expect(sent.map((e) => e.details.month)).toEqual(['2026-02', '2026-03']);
});
