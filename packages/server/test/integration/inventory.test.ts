import { NodeType } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, moveEvent, sessionId, T0 } from '../support/batches.js';
import { formSnapshotEvent, inputEvent, type TestField } from '../support/formSnapshots.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

/** Values "typed" into the fields: they must never reach the inventory or an alert. */
const TYPED_DIAGNOSIS = 'Planted-Diagnosis-Influenza';
const TYPED_NOTE = 'Planted-Note-Value';
const LABEL_EMAIL = 'grace.planted@example.net';

const INTAKE: TestField[] = [
  { name: 'fullName', label: 'Full name', value: '********' },
  { name: 'ssn', label: 'Social security number' },
  { name: 'diagnosis', label: 'Diagnosis', className: 'veil-unmask', value: TYPED_DIAGNOSIS },
  { name: 'contact', label: `Write to ${LABEL_EMAIL} for help` },
];
const IFRAME = {
  type: NodeType.Element,
  id: 90,
  tagName: 'iframe',
  attributes: { class: '', rr_width: '300px', rr_height: '200px' },
  childNodes: [],
};

describe('data inventory at ingest, review and exclusion', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  const inventoryUrl = () => `/api/v1/sites/${t.site.siteKey}/inventory`;

  beforeAll(async () => {
    t = await startTestApp();
    auth = { authorization: `Bearer ${await t.token('compliance_officer')}` };
  });
  afterAll(() => t?.close());

  async function record(path: string, fields: TestField[], extra: unknown[] = [], more: unknown[] = []) {
    const res = await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: sessionId(),
        events: [
          metaEvent(T0, `${SITE_ORIGIN}${path}`),
          formSnapshotEvent(T0 + 1, fields, extra as never[]),
          ...(more as never[]),
          moveEvent(T0 + 4_000),
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(202);
  }

  async function inventory(query = '') {
    const res = await t.app.inject({ url: `${inventoryUrl()}${query}`, headers: auth });
    expect(res.statusCode, res.body).toBe(200);
    return res;
  }

  async function alerts(kind: string, status = 'unresolved') {
    const res = await t.app.inject({
      url: `/api/v1/alerts?site=${t.site.siteKey}&kind=${kind}&status=${status}`,
      headers: auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().alerts as Array<{
      id: string;
      summary: string;
      details: Record<string, unknown>;
      status: string;
    }>;
  }

  it('files a new page with its fields and iframe as pending items, with one scope-drift alert', async () => {
    await record('/intake', INTAKE, [IFRAME], [inputEvent(T0 + 2, 19, TYPED_NOTE)]);
    const res = await inventory();
    const body = res.json();
    expect(body.storage).toMatchObject({
      engine: 'sqlite',
      retentionDays: 30,
      networkPayloadsCaptured: false,
    });
    expect(body.storage.encryption).toContain('AES-256-GCM');
    const items = body.items as Array<Record<string, unknown>>;
    expect(items.map((i) => [i.kind, i.pagePattern, i.path, i.name, i.capture, i.status])).toEqual([
      ['page', '/intake', '', null, null, 'pending'],
      [
        'field',
        '/intake',
        'form#form>div:nth-of-type(1)>input:nth-of-type(1)',
        'fullName',
        'masked',
        'pending',
      ],
      ['field', '/intake', 'form#form>div:nth-of-type(2)>input:nth-of-type(1)', 'ssn', 'masked', 'pending'],
      [
        'field',
        '/intake',
        'form#form>div:nth-of-type(3)>input:nth-of-type(1)',
        'diagnosis',
        'captured',
        'pending',
      ],
      [
        'field',
        '/intake',
        'form#form>div:nth-of-type(4)>input:nth-of-type(1)',
        'contact',
        'masked',
        'pending',
      ],
      ['iframe', '/intake', 'html>body>iframe:nth-of-type(1)', null, 'blocked', 'pending'],
    ]);
    expect(items[0]).toMatchObject({ sessions: 1, networkPayloadEvents: 0 });
    expect(items[2]).toMatchObject({ label: 'Social security number', sensitive: 'ssn', inputType: 'text' });
    expect(items[3]).toMatchObject({ label: 'Diagnosis', sensitive: 'diagnosis' });
    // Label text is page text, redacted again; values are never kept.
    expect(items[4]!.label).toMatch(/^Write to \*+ for help$/);
    expect(res.body).not.toContain(LABEL_EMAIL);
    expect(res.body).not.toContain(TYPED_DIAGNOSIS);
    expect(res.body).not.toContain(TYPED_NOTE);

    const drift = await alerts('scope_drift');
    expect(drift).toHaveLength(1);
    expect(drift[0]!.details).toMatchObject({ pagePattern: '/intake', kind: 'page', fields: 4, elements: 5 });
    const sensitive = await alerts('sensitive_field_unmasked');
    expect(sensitive).toHaveLength(1);
    expect(sensitive[0]!.details).toMatchObject({ name: 'diagnosis', sensitive: 'diagnosis' });
    expect(JSON.stringify([drift, sensitive])).not.toContain(TYPED_DIAGNOSIS);
  });

  it('raises one scope-drift alert for a new field on a known page and one for a new page', async () => {
    await record('/intake', [...INTAKE, { name: 'dob', label: 'Date of birth' }], [IFRAME]);
    await record('/referral', [{ name: 'reason', label: 'Reason for referral' }]);
    const drift = await alerts('scope_drift');
    expect(drift.map((a) => a.details.pagePattern).sort()).toEqual(['/intake', '/intake', '/referral']);
    expect(drift.find((a) => a.details.name === 'dob')?.details).toMatchObject({
      kind: 'field',
      elementPath: 'form#form>div:nth-of-type(5)>input:nth-of-type(1)',
      sensitive: 'dob',
    });
    const pending = (await inventory('?status=pending')).json().items as Array<Record<string, unknown>>;
    expect(pending.filter((i) => i.pagePattern === '/referral').map((i) => i.kind)).toEqual([
      'page',
      'field',
    ]);
    const intake = (await inventory('?page=%2Fintake')).json().items as Array<Record<string, unknown>>;
    expect(intake[0]).toMatchObject({ kind: 'page', sessions: 2 });
    expect(intake.every((i) => i.pagePattern === '/intake')).toBe(true);
  });

  it('approving silences an item: its alert is resolved and the next recording raises nothing', async () => {
    const items = (await inventory('?page=%2Freferral')).json().items as Array<{ id: string; kind: string }>;
    const page = items.find((i) => i.kind === 'page')!;
    const res = await t.app.inject({
      method: 'POST',
      url: `${inventoryUrl()}/${page.id}/approve`,
      headers: auth,
      payload: { note: 'referrals are in scope' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().item).toMatchObject({ status: 'approved', reviewNote: 'referrals are in scope' });
    expect((await alerts('scope_drift')).map((a) => a.details.pagePattern).sort()).toEqual([
      '/intake',
      '/intake',
    ]);
    const resolved = await alerts('scope_drift', 'resolved');
    expect(resolved.map((a) => a.details.pagePattern)).toEqual(['/referral']);
    await record('/referral', [{ name: 'reason', label: 'Reason for referral' }]);
    expect(await alerts('scope_drift')).toHaveLength(2);
    expect(await alerts('scope_drift', 'resolved')).toHaveLength(1);
    const again = await t.app.inject({
      method: 'POST',
      url: `${inventoryUrl()}/${page.id}/approve`,
      headers: auth,
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    const audited = await t.app.veil.store.audit.query({
      actions: ['inventory.approved'],
      order: 'asc',
      limit: 10,
    });
    expect(audited.map((e) => e.target?.id)).toEqual([page.id]);
  });

  it('excluding a field publishes a block rule with its reason; the next recording has it blocked', async () => {
    const items = (await inventory('?page=%2Fintake')).json().items as Array<{
      id: string;
      name: string | null;
    }>;
    const dob = items.find((i) => i.name === 'dob')!;
    const refused = await t.app.inject({
      method: 'POST',
      url: `${inventoryUrl()}/${dob.id}/exclude`,
      headers: auth,
      payload: {},
    });
    expect(refused.statusCode).toBe(400);
    const res = await t.app.inject({
      method: 'POST',
      url: `${inventoryUrl()}/${dob.id}/exclude`,
      headers: auth,
      payload: { reason: 'birth dates are not needed for UX research' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const item = res.json().item;
    expect(item).toMatchObject({ status: 'excluded', rule: 'blockSelectors: input[name="dob"]' });
    const policy = await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/policy`, headers: auth });
    expect(policy.json().policy.blockSelectors).toContain('input[name="dob"]');
    expect(policy.json().version.version).toBe(item.policyVersion);
    expect(policy.json().version.reason).toContain('birth dates are not needed for UX research');
    expect((await alerts('scope_drift')).map((a) => a.details.name)).not.toContain('dob');

    // The recorder now blocks it: rrweb keeps the element's place and size, not its markup.
    await record('/intake', [...INTAKE, { name: 'dob', label: 'Date of birth', blocked: true }], [IFRAME]);
    const after = (await inventory('?page=%2Fintake')).json().items as Array<Record<string, unknown>>;
    expect(after.find((i) => i.id === dob.id)).toMatchObject({
      capture: 'blocked',
      status: 'excluded',
      name: 'dob',
    });
    expect(after).toHaveLength(items.length);
    expect(await alerts('scope_drift')).toHaveLength(1);
  });

  it('refuses other roles, unknown items and items of another site', async () => {
    const analyst = { authorization: `Bearer ${await t.token('analyst')}` };
    expect((await t.app.inject({ url: inventoryUrl(), headers: analyst })).statusCode).toBe(403);
    const auditor = { authorization: `Bearer ${await t.token('auditor')}` };
    expect((await t.app.inject({ url: inventoryUrl(), headers: auditor })).statusCode).toBe(200);
    const [first] = (await inventory()).json().items as Array<{ id: string }>;
    const write = await t.app.inject({
      method: 'POST',
      url: `${inventoryUrl()}/${first!.id}/approve`,
      headers: auditor,
      payload: {},
    });
    expect(write.statusCode).toBe(403);
    const unknown = await t.app.inject({
      method: 'POST',
      url: `${inventoryUrl()}/00000000-0000-4000-8000-000000000000/approve`,
      headers: auth,
      payload: {},
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    const bad = await t.app.inject({ url: `${inventoryUrl()}?status=maybe`, headers: auth });
    expect(bad.statusCode).toBe(400);
  });
});
