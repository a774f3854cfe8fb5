import { GDPR_NOTIFICATION_MS } from '@veil/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { makeBatch, sessionId, snapshotEvent } from '../support/batches.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// An exposure incident from discovery to decision: recorded with what leaked and where, the
// sessions holding the value found by a linked content scan and erased with a receipt, the 72-hour
// clock running from discovery (server clock), the notification decision recorded once, all audited;
// the same through `veil incidents`.

const LEAKED = 'Qz-ORCA-LEAK-77x';
const HOUR = 3_600_000;
let t: TestApp;
let owner: Record<string, string>;
let auditor: Record<string, string>;
const leaked: string[] = [];
let clean: string;

async function record(text: string): Promise<string> {
  const id = sessionId();
  const batch = makeBatch({ siteKey: t.site.siteKey, sessionId: id });
  batch.events.push(snapshotEvent(t.clock.now() + 10, text));
  expect((await t.ingest(batch)).statusCode).toBe(202);
  return id;
}

async function veil(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: { VEIL_DATA_DIR: t.config.dataDir },
    cwd: t.dir,
  };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url: `/api/v1/sites/${t.site.siteKey}${url}`, headers, payload });

beforeAll(async () => {
  t = await startTestApp();
  owner = { authorization: `Bearer ${await t.token('owner')}` };
  auditor = { authorization: `Bearer ${await t.token('auditor')}` };
  leaked.push(await record(`VIN field: ${LEAKED}`), await record(`again ${LEAKED}`));
  clean = await record('nothing here');
});
afterAll(() => t?.close());

it('records an incident, links and erases the sessions found, runs the 72-hour clock, records the decision', async () => {
  const discoveredAt = t.clock.now() - 2 * HOUR;
  const created = await api('POST', '/incidents', owner, {
    title: 'VIN shown unmasked on checkout',
    kind: 'personal_data',
    page: '/checkout',
    element: 'form#vehicle input[name=vin]',
    windowFrom: t.clock.now() - 86_400_000,
    windowTo: t.clock.now() + 1,
    foundHow: 'replay_review',
    foundDetails: 'seen while reviewing a bug report',
    discoveredAt,
  });
  expect(created.statusCode, created.body).toBe(201);
  const incident = created.json().incident;
  expect(incident.clock).toMatchObject({
    state: 'running',
    deadline: discoveredAt + GDPR_NOTIFICATION_MS,
    remainingMs: 70 * HOUR,
  });
  expect(
    (await api('POST', '/incidents', auditor, { title: 'x', kind: 'other', foundHow: 'audit' })).statusCode,
  ).toBe(403);
  const future = await api('POST', '/incidents', owner, {
    title: 'x',
    kind: 'other',
    foundHow: 'audit',
    discoveredAt: t.clock.now() + HOUR,
  });
  expect(future.statusCode).toBe(400);

  const unknown = await api('POST', '/content-scans', owner, {
    value: LEAKED,
    incidentId: 'inc_00000000-0000',
  });
  expect(unknown.statusCode).toBe(404);
  const scan = await api('POST', '/content-scans', owner, { value: LEAKED, incidentId: incident.id });
  expect(scan.statusCode, scan.body).toBe(202);
  const scanId = scan.json().scan.id as string;
  for (let i = 0; i < 200; i++) {
    const s = await api('GET', `/content-scans/${scanId}`, owner);
    if (s.json().scan.status !== 'running') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const erased = await api('POST', `/content-scans/${scanId}/erase`, owner);
  expect(erased.statusCode, erased.body).toBe(200);

  // Seventy-five hours after discovery, no decision yet: overdue.
  t.clock.advance(73 * HOUR);
  const shown = await api('GET', `/incidents/${incident.id}`, auditor);
  expect(shown.statusCode).toBe(200);
  expect(shown.json().incident).toMatchObject({
    sessionsFound: 2,
    sessionsErased: 2,
    clock: { state: 'overdue', remainingMs: -3 * HOUR },
  });
  expect(shown.json().scans).toHaveLength(1);
  expect(shown.json().scans[0].erasure.sessionIds.sort()).toEqual([...leaked].sort());
  expect(shown.body).not.toContain(LEAKED);
  for (const id of leaked) expect(await t.app.veil.store.recordings.get(id)).toBeUndefined();
  expect(await t.app.veil.store.recordings.get(clean)).toBeDefined();

  const decided = await api('POST', `/incidents/${incident.id}/decision`, owner, {
    decision: 'notify',
    reason: 'vehicle identity linked to customer accounts; risk to the people concerned',
    notifiedAt: t.clock.now(),
  });
  expect(decided.statusCode, decided.body).toBe(200);
  expect(decided.json().incident).toMatchObject({
    decision: { decision: 'notify', decidedBy: 'token test owner' },
    clock: { state: 'decided_late' },
  });
  const again = await api('POST', `/incidents/${incident.id}/decision`, owner, {
    decision: 'no_notify',
    reason: 'changed mind',
  });
  expect(again.statusCode).toBe(409);

  const listed = await api('GET', '/incidents', auditor);
  expect(listed.json().incidents.map((i: { id: string }) => i.id)).toEqual([incident.id]);

  const actions: Array<{ action: string; details: Record<string, unknown> }> = [];
  for await (const e of t.app.veil.store.audit.scan()) actions.push(e);
  expect(actions.find((e) => e.action === 'incident.created')?.details).toMatchObject({
    incidentId: incident.id,
    kind: 'personal_data',
    page: '/checkout',
  });
  expect(actions.find((e) => e.action === 'incident.decided')?.details).toMatchObject({
    decision: 'notify',
    inTime: false,
  });
  expect(actions.find((e) => e.action === 'erasure.content_erased')?.details).toMatchObject({
    incidentId: incident.id,
    sessions: 2,
  });
  expect(JSON.stringify(actions)).not.toContain(LEAKED);
});

it('lists, shows, creates and decides incidents from the command line', async () => {
  expect((await veil('incidents', '--help')).out).toMatch(/list.*\n[\s\S]*show/);
  const made = await veil(
    'incidents',
    'create',
    '--site',
    t.site.siteKey,
    '--title',
    'Card number in a support chat',
    '--kind',
    'payment_card',
    '--found-how',
    'privacy_alert',
    '--page',
    '/support',
    '--json',
  );
  expect(made.code, made.err).toBe(0);
  const id = JSON.parse(made.out).incident.id as string;
  const list = await veil('incidents', 'list', '--site', t.site.siteKey);
  expect(list.out).toContain(id);
  expect(list.out).toMatch(/h left to notify/);
  const decided = await veil(
    'incidents',
    'decide',
    '--site',
    t.site.siteKey,
    id,
    '--no-notify',
    '--reason',
    'card masked before storage, only the last four kept',
  );
  expect(decided.code, decided.err).toBe(0);
  const shown = await veil('incidents', 'show', '--site', t.site.siteKey, id);
  expect(shown.out).toContain('decision: do not notify — card masked before storage');
  expect(shown.out).toMatch(/decided [\d.]+ h before the deadline/);
  const refused = await veil(
    'incidents',
    'decide',
    '--site',
    t.site.siteKey,
    id,
    '--notify',
    '--reason',
    'again',
  );
  expect(refused.code).not.toBe(0);
});
