import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ComplianceReport, complianceReportSchema, GDPR_NOTIFICATION_MS } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_SECTIONS } from '../../src/compliance/renderReportHtml.js';
import { runRetentionPurge } from '../../src/retention/runRetentionPurge.js';
import { makeBatch, metaEvent, moveEvent, sessionId, T0 } from '../support/batches.js';
import { formSnapshotEvent, type TestField } from '../support/formSnapshots.js';
import { pdfPages } from '../support/pdfText.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

// The compliance pack of one site over a period, built from what the server really holds: five
// sessions (three old enough to be purged, one erased on request), two raw-replay views with their
// purposes, one purge run, a processor and an attestation, a data inventory of two pages with one
// item approved and one excluded, and two exposure incidents (one decided, one past its 72 hours).
// Its numbers are checked against the database, in the JSON model and in the text of the PDF that
// Chromium printed.

const DAY = 86_400_000;
/** The built dashboard: the HTML and PDF packs draw its charts (compliancePackCharts.test.ts). */
const DASHBOARD_DIST = path.resolve(fileURLToPath(import.meta.url), '../../../../dashboard/dist');
let t: TestApp;
let owner: Record<string, string>;
const periodFrom = T0 - DAY;
const periodTo = T0 + 41 * DAY;

const CHECKOUT: TestField[] = [
  { name: 'cardholder', label: 'Name on card', value: '********' },
  { name: 'ssn', label: 'Social security number' },
];

async function ingestAt(id: string, at: number, path = '/checkout'): Promise<void> {
  t.clock.set(at);
  const res = await t.ingest(
    makeBatch({
      siteKey: t.site.siteKey,
      sessionId: id,
      sentAt: at,
      events: [
        metaEvent(at, `${SITE_ORIGIN}${path}`),
        formSnapshotEvent(at + 1, CHECKOUT),
        moveEvent(at + 5000),
      ],
    }),
  );
  expect(res.statusCode, res.body).toBe(202);
}

const download = (
  format: string,
  period: Record<string, string> = { from: String(periodFrom), to: String(periodTo) },
) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/compliance/report`,
    headers: owner,
    payload: { ...period, format },
  });

beforeAll(async () => {
  t = await startTestApp({ config: { dashboardDir: DASHBOARD_DIST } });
  owner = { authorization: `Bearer ${await t.token('owner')}` };
  const old = [sessionId(), sessionId(), sessionId()];
  const fresh = [sessionId(), sessionId()];
  for (const id of old) await ingestAt(id, T0);
  for (const id of fresh) await ingestAt(id, T0 + 40 * DAY);
  await ingestAt(sessionId(), T0 + 40 * DAY + 10_000, '/account');
  for (const purpose of ['support ticket 4711', 'checkout bug in step 2']) {
    const grant = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sessions/${fresh[0]}/replay-grants`,
      headers: owner,
      payload: { purpose },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    t.clock.advance(1_000);
    const res = await t.app.inject({
      url: `/api/v1/sessions/${fresh[0]}/events?grant=${grant.json().grant.id}`,
      headers: owner,
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  const erased = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/erasures`,
    headers: owner,
    payload: { selector: { kind: 'sessionId', sessionId: fresh[1] } },
  });
  expect(erased.statusCode, erased.body).toBe(201);
  t.clock.advance(60_000);
  const run = await runRetentionPurge(
    { store: t.app.veil.store, clock: t.clock, audit: t.app.veil.audit },
    { trigger: 'api' },
  );
  expect(run.outcome).toBe('completed');
  const proc = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/processors`,
    headers: owner,
    payload: {
      name: 'Hetzner Online GmbH',
      purpose: 'hosts the Veil server',
      location: 'DE',
      dpaSignedAt: T0,
    },
  });
  expect(proc.statusCode, proc.body).toBe(201);
  const att = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/attestations`,
    headers: owner,
    payload: { kind: 'training_done', statement: 'Support team trained on raw-replay purposes' },
  });
  expect(att.statusCode, att.body).toBe(201);

  const inventoryUrl = `/api/v1/sites/${t.site.siteKey}/inventory`;
  const { items } = (await t.app.inject({ url: inventoryUrl, headers: owner })).json() as {
    items: { id: string; kind: string; pagePattern: string; name: string | null }[];
  };
  const checkout = items.find((i) => i.kind === 'page' && i.pagePattern === '/checkout');
  const ssn = items.find((i) => i.name === 'ssn' && i.pagePattern === '/account');
  for (const [item, act, payload] of [
    [checkout, 'approve', { note: 'checkout is in scope' }],
    [ssn, 'exclude', { reason: 'no SSN in recordings' }],
  ] as const) {
    const res = await t.app.inject({
      method: 'POST',
      url: `${inventoryUrl}/${item?.id}/${act}`,
      headers: owner,
      payload,
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  const incidentsUrl = `/api/v1/sites/${t.site.siteKey}/incidents`;
  const overdue = await t.app.inject({
    method: 'POST',
    url: incidentsUrl,
    headers: owner,
    payload: {
      title: 'Card number in a support note',
      kind: 'payment_card',
      foundHow: 'replay_review',
      page: '/checkout',
      discoveredAt: T0 + 30 * DAY,
    },
  });
  expect(overdue.statusCode, overdue.body).toBe(201);
  const decided = await t.app.inject({
    method: 'POST',
    url: incidentsUrl,
    headers: owner,
    payload: { title: 'Email address in a page title', kind: 'personal_data', foundHow: 'privacy_alert' },
  });
  expect(decided.statusCode, decided.body).toBe(201);
  const decision = await t.app.inject({
    method: 'POST',
    url: `${incidentsUrl}/${decided.json().incident.id}/decision`,
    headers: owner,
    payload: { decision: 'no_notify', reason: 'masked before any replay; unlikely to result in a risk' },
  });
  expect(decision.statusCode, decision.body).toBe(200);
});
afterAll(() => t?.close());

/** The database's own counts, by other queries than the pack's. */
async function databaseCounts() {
  const { store } = t.app.veil;
  const sessions = (await store.recordings.list({ siteId: t.site.id, limit: 1000 })).filter(
    (s) => s.receivedAt >= periodFrom && s.receivedAt < periodTo,
  );
  let views = 0;
  for (const s of sessions) views += (await store.accessLog.listForSession(s.id)).length;
  const receipt = await store.retention.lastReceipt(t.site.id);
  const requests = await store.subjectRequests.list({ siteId: t.site.id, limit: 1000 });
  const status = async (s: 'pending' | 'approved' | 'excluded') =>
    (await store.inventory.list(t.site.id, { status: s })).length;
  const all = await store.inventory.list(t.site.id);
  const incidents = await store.incidents.list(t.site.id, 100);
  return {
    sessions: sessions.length,
    views,
    purged: receipt?.sessions ?? -1,
    requests: requests.length,
    inventory: {
      pages: all.filter((i) => i.kind === 'page').length,
      fields: all.filter((i) => i.kind !== 'page').length,
      pending: await status('pending'),
      approved: await status('approved'),
      excluded: await status('excluded'),
    },
    incidents: {
      total: incidents.length,
      undecided: incidents.filter((i) => i.decision === null).length,
      overdue: incidents.filter(
        (i) => i.decision === null && t.clock.now() > i.discoveredAt + GDPR_NOTIFICATION_MS,
      ).length,
    },
  };
}

describe('the compliance pack', () => {
  let report: ComplianceReport;

  it('is one JSON model whose numbers are the database’s', async () => {
    const res = await download('json');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toContain('.json');
    report = complianceReportSchema.parse(res.json());
    const db = await databaseCounts();
    expect(db).toEqual({
      sessions: 2,
      views: 2,
      purged: 3,
      requests: 1,
      inventory: { pages: 2, fields: 4, pending: 4, approved: 1, excluded: 1 },
      incidents: { total: 2, undecided: 1, overdue: 1 },
    });
    expect(report.figures).toMatchObject({
      sessionsStored: db.sessions,
      rawReplayViews: db.views,
      sessionsPurged: db.purged,
      subjectRequests: db.requests,
    });
    expect(report.access.views.map((v) => v.purpose)).toEqual([
      'support ticket 4711',
      'checkout bug in step 2',
    ]);
    expect(report.access.viewers).toEqual([{ viewer: 'token test owner', views: 2, sessions: 1 }]);
    expect(report.subjectRequests).toMatchObject({ total: 1, completed: 1, late: 0 });
    expect(report.retention.receipts).toHaveLength(1);
    expect(report.processors.map((p) => p.name)).toEqual(['Hetzner Online GmbH']);
    expect(report.auditChain.ok).toBe(true);
    expect(report.auditChain.signingKeyFingerprint).toMatch(/^([0-9a-f]{2}:){31}[0-9a-f]{2}$/);
    expect(report.inventory).toMatchObject(db.inventory);
    expect(report.inventory.storage).toMatchObject({ engine: 'sqlite', retentionDays: 30 });
    expect(report.incidents).toMatchObject({ ...db.incidents, decidedInTime: 1, notified: 0 });
    expect(report.incidents.items.map((i) => i.clock.state).sort()).toEqual(['decided', 'overdue']);
    expect(report.checklists.sessionRecording.find((i) => i.id === 'data_flow_chart')?.status).toBe(
      'partial',
    );
    expect(report.checklists.sessionRecording).toHaveLength(7);
    expect(report.checklists.privacyAudit).toHaveLength(19);
    expect(report.checklists.sessionRecording.find((i) => i.id === 'training')?.status).toBe('met');
    expect(report.checklists.sessionRecording.find((i) => i.id === 'vendor_dpas')?.status).toBe('met');
    expect(report.readiness.areas).toHaveLength(10);
  });

  it('renders as HTML with every section, and refuses a bad period', async () => {
    const res = await download('html');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    for (const [id, title] of REPORT_SECTIONS) {
      expect(res.body).toContain(`id="${id}"`);
      expect(res.body).toContain(title.replace(/&/g, '&amp;'));
    }
    expect(res.body).not.toContain('<script');
    expect(res.body).not.toContain('Not available');
    for (const chart of ['region-optin-chart', 'readiness-chart'])
      expect(res.body).toMatch(new RegExp(`data-testid="${chart}"[\\s\\S]*?class="recharts-surface"`));
    // The data-flow diagram is the dashboard's: core's drawing of elkjs's layout, one box per page and field.
    const diagram = /<figure class="diagram">(<svg[\s\S]*?<\/svg>)/.exec(res.body)?.[1] ?? '';
    expect(diagram).toContain('role="img"');
    for (const label of [
      '/checkout',
      '/account',
      'cardholder',
      'ssn',
      'storage: SQLite',
      'retention: 30 days',
    ])
      expect(diagram).toContain(`data-label="${label}"`);
    expect(diagram.match(/data-node="page"/g)).toHaveLength(2);
    expect(diagram.match(/data-node="field"/g)).toHaveLength(4);
    const bad = await download('json', { from: '2025-02-01', to: '2025-01-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_period');
  });

  it('prints a PDF whose text holds every section, page numbers, and the database’s numbers', async () => {
    const res = await download('pdf');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pages = await pdfPages(res.rawPayload);
    const text = pages.join('\n').replace(/\s+/g, ' ');
    expect(pages.length).toBeGreaterThan(REPORT_SECTIONS.length);
    for (const [, title] of REPORT_SECTIONS) expect(text).toContain(title);
    for (const [i, page] of pages.entries())
      expect(page.replace(/\s+/g, ' ')).toContain(`Page ${i + 1} of ${pages.length}`);
    const db = await databaseCounts();
    expect(text).toMatch(new RegExp(`Sessions stored ${db.sessions} `));
    expect(text).toMatch(new RegExp(`Raw-replay views ${db.views} `));
    expect(text).toMatch(new RegExp(`Sessions purged ${db.purged} `));
    expect(text).toMatch(new RegExp(`Subject requests ${db.requests} `));
    expect(text).toContain('support ticket 4711');
    // A section's text: its pages, from where the contents say it starts to where the next one does.
    const contentsPage = pages[0]?.replace(/\s+/g, ' ') ?? '';
    const startPage = (title: string) => {
      const escaped = title.replace(/[()]/g, (c) => `\\${c}`);
      return Number(new RegExp(`${escaped} (\\d+)`).exec(contentsPage)?.[1]);
    };
    const section = (id: string) => {
      const i = REPORT_SECTIONS.findIndex(([s]) => s === id);
      const from = startPage(REPORT_SECTIONS[i]?.[1] ?? '?');
      const to = startPage(REPORT_SECTIONS[i + 1]?.[1] ?? '?');
      return pages
        .slice(from - 1, to - 1)
        .join(' ')
        .replace(/\s+/g, ' ');
    };
    const inventory = section('inventory');
    expect(inventory).toContain(`Pages ${db.inventory.pages} `);
    expect(inventory).toContain(`Fields and elements ${db.inventory.fields} `);
    expect(inventory).toContain(`Pending review ${db.inventory.pending} `);
    expect(inventory).toContain(`Approved ${db.inventory.approved} `);
    expect(inventory).toContain(`Excluded ${db.inventory.excluded} `);
    // The diagram's boxes are text in the PDF: pages, fields, storage and retention.
    for (const label of ['/checkout', '/account', 'cardholder', 'storage: SQLite', 'retention: 30 days'])
      expect(inventory).toContain(label);
    expect(inventory).toContain('blockSelectors: input[name="ssn"]');
    const incidents = section('incidents');
    expect(incidents).toContain(`Incidents ${db.incidents.total} `);
    expect(incidents).toContain(`Undecided ${db.incidents.undecided} `);
    expect(incidents).toContain(`Overdue (past 72 hours, undecided) ${db.incidents.overdue} `);
    expect(incidents).toContain('Card number in a support note');
    expect(incidents).toContain('masked before any replay; unlikely to result in a risk');
    expect(incidents).toMatch(/overdue deadline \d{4}-\d\d-\d\d/);
    expect(text).toContain(report.auditChain.signingKeyFingerprint);
    // The contents give each section's page: the record of processing starts where it says.
    const contents = pages[0]?.replace(/\s+/g, ' ') ?? '';
    const recordPage = Number(/Record of processing \(GDPR Art\. 30\) (\d+)/.exec(contents)?.[1]);
    expect(pages[recordPage - 1]).toContain('Record of processing');
  }, 90_000);

  it('records each download in the audit log (report.downloaded)', async () => {
    const entries = await t.app.veil.store.audit.query({
      actions: ['report.downloaded'],
      order: 'asc',
      limit: 10,
    });
    expect(entries.map((e) => e.details.format)).toEqual(['json', 'html', 'pdf']);
    expect(entries.every((e) => e.siteKey === t.site.siteKey)).toBe(true);
  });

  it('keeps the processor register editable and audited', async () => {
    const base = `/api/v1/sites/${t.site.siteKey}/processors`;
    const [first] = (await t.app.inject({ url: base, headers: owner })).json().processors;
    const put = await t.app.inject({
      method: 'PUT',
      url: `${base}/${first.id}`,
      headers: owner,
      payload: {
        name: 'Hetzner Online GmbH',
        purpose: 'hosts Veil and its backups',
        location: 'DE',
        dpaSignedAt: null,
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().processor).toMatchObject({ purpose: 'hosts Veil and its backups', dpaSignedAt: null });
    const analyst = await t.app.inject({
      method: 'POST',
      url: base,
      headers: { authorization: `Bearer ${await t.token('auditor')}` },
      payload: { name: 'X', purpose: 'y', location: 'DE' },
    });
    expect(analyst.statusCode).toBe(403);
    const del = await t.app.inject({ method: 'DELETE', url: `${base}/${first.id}`, headers: owner });
    expect(del.statusCode).toBe(204);
    expect((await t.app.inject({ url: base, headers: owner })).json().processors).toEqual([]);
    const changes = await t.app.veil.store.audit.query({
      actions: ['compliance.processor_changed'],
      order: 'asc',
      limit: 10,
    });
    expect(changes.map((e) => e.details.change)).toEqual(['added', 'updated', 'removed']);
  });
});
