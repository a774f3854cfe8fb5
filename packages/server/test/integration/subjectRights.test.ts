import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EventType, type RecordedEvent, VeilCustomTag } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import { loadMasterKey } from '../../src/crypto/masterKey.js';
import { readEventArrays } from '../../src/recordings/readRecording.js';
import { makeBatch, sessionId, snapshotEvent, T0 } from '../support/batches.js';
import { grantRegistrationBody } from '../support/consent.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

// Data-subject rights end to end on a real SQLite file: identify stores only an HMAC, erasure
// (CLI and API) deletes and crypto-shreds — the raw database file holds nothing of the subject
// that the master key could decrypt — exports bundle everything, and the request log keeps time.

const ALICE = 'alice.identified@example.com';
const ALICE_VISITOR = 'visitor_alice_01';
const BOB_VISITOR = 'visitor_bob_0001';
const DAY = 86_400_000;

let t: TestApp;
let owner: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp();
  owner = { authorization: `Bearer ${await t.token('owner')}` };
});
afterAll(() => t?.close());

function identifyEvent(ts: number, userId: string): RecordedEvent {
  return {
    type: EventType.Custom,
    timestamp: ts,
    data: { tag: VeilCustomTag.Identify, payload: { userId } },
  };
}
function tagEvent(ts: number, key: string, value: string): RecordedEvent {
  return { type: EventType.Custom, timestamp: ts, data: { tag: VeilCustomTag.Tag, payload: { key, value } } };
}

async function grant(receiptId: string, visitorId: string): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/r/v1/sites/${t.site.siteKey}/consent`,
    headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN },
    payload: JSON.stringify(grantRegistrationBody(receiptId, visitorId)),
  });
  expect(res.statusCode).toBe(201);
}

async function record(visitorId: string, receiptId: string, extra: RecordedEvent[], text: string, seqs = 1) {
  const id = sessionId();
  for (let seq = 0; seq < seqs; seq++) {
    const batch = makeBatch({
      siteKey: t.site.siteKey,
      sessionId: id,
      visitorId,
      consentReceiptId: receiptId,
      seq,
    });
    batch.events.push(snapshotEvent(T0 + 10 + seq, `${text} ${seq}`), ...(seq === 0 ? extra : []));
    const res = await t.ingest(batch);
    expect(res.statusCode).toBe(202);
  }
  return id;
}

async function veil(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
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

/** The database file and its WAL, byte for byte, as a thief with a disk image would read them. */
function rawDatabase(): Buffer {
  const file = t.config.database.kind === 'sqlite' ? t.config.database.file : '';
  return Buffer.concat([
    readFileSync(file),
    existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0),
  ]);
}

/** True when some 61 bytes anywhere in `bytes` unwrap, with the master key, to a data key of `sessionId`. */
function unwrappableKeyFor(cipher: EnvelopeCipher, bytes: Buffer, sessionId: string): boolean {
  const WRAPPED_KEY_BYTES = 1 + 12 + 32 + 16;
  for (
    let i = bytes.indexOf(1);
    i !== -1 && i + WRAPPED_KEY_BYTES <= bytes.length;
    i = bytes.indexOf(1, i + 1)
  ) {
    try {
      cipher.unwrapDataKey(sessionId, bytes.subarray(i, i + WRAPPED_KEY_BYTES));
      return true;
    } catch {
      // Not a wrapped key of this session: keep looking.
    }
  }
  return false;
}

describe('identify', () => {
  it('stores only the HMAC of the user id and drops the raw id from the stored events', async () => {
    await grant('grant_alice_0001', ALICE_VISITOR);
    const id = await record(ALICE_VISITOR, 'grant_alice_0001', [identifyEvent(T0 + 20, ALICE)], 'Alice page');
    const expected = t.app.veil.hasher.userHash(ALICE);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
    expect(await t.app.veil.store.subjects.userHashes(id)).toEqual([expected]);
    const arrays = await readEventArrays(t.app.veil.store, t.app.veil.cipher, id);
    const events = arrays.flatMap((a) => JSON.parse(a) as RecordedEvent[]);
    expect(events.find((e) => (e.data as { tag?: string }).tag === VeilCustomTag.Identify)?.data).toEqual({
      tag: VeilCustomTag.Identify,
      payload: { identified: true },
    });
    expect(arrays.join('')).not.toContain(ALICE);
    expect(rawDatabase().includes(Buffer.from(ALICE))).toBe(false);
    // The secret is kept like the master key: a 0600 file in the data directory.
    expect(statSync(path.join(t.config.dataDir, 'identity.key')).mode & 0o777).toBe(0o600);
  });
});

describe('erasure', () => {
  const alice: string[] = [];
  let bob = '';

  beforeAll(async () => {
    alice.push(
      (
        await t.app.veil.store.subjects.sessionIds(t.site.id, { kind: 'visitorId', visitorId: ALICE_VISITOR })
      )[0] ?? '',
    );
    alice.push(
      await record(
        ALICE_VISITOR,
        'grant_alice_0001',
        [identifyEvent(T0 + 20, ALICE), tagEvent(T0 + 21, 'supplier', 'acme')],
        'Alice again',
        3,
      ),
    );
    await grant('grant_bob_00001', BOB_VISITOR);
    bob = await record(
      BOB_VISITOR,
      'grant_bob_00001',
      [tagEvent(T0 + 21, 'supplier', 'globex')],
      'Bob page',
      2,
    );
  });

  it('`veil erase --user-id` removes the subject from the API and leaves no decryptable chunk in the raw file', async () => {
    const store = t.app.veil.store;
    const list = async () =>
      (await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/sessions`, headers: owner }))
        .json()
        .sessions.map((s: { id: string }) => s.id);
    expect(await list()).toEqual(expect.arrayContaining([...alice, bob]));
    const alicePayloads = (await Promise.all(alice.map((id) => store.recordings.chunks(id))))
      .flat()
      .map((c) => c.payload);
    const aliceKeys = await Promise.all(alice.map((id) => store.recordings.wrappedKey(id)));
    expect(alicePayloads).toHaveLength(4);
    expect(aliceKeys.every((k) => k !== undefined)).toBe(true);

    const res = await veil(
      'erase',
      '--site',
      t.site.siteKey,
      '--user-id',
      ALICE,
      '--reference',
      'DSR-2025-7',
      '--json',
    );
    expect(res.code, res.err).toBe(0);
    const receipt = JSON.parse(res.out);
    expect(receipt).toMatchObject({
      siteKey: t.site.siteKey,
      selector: { kind: 'userId', userHash: t.app.veil.hasher.userHash(ALICE) },
      sessions: 2,
      chunks: 4,
      dataKeysDestroyed: 2,
      consentReceipts: 1,
      requestedBy: 'cli',
    });
    expect([...receipt.sessionIds].sort()).toEqual([...alice].sort());

    // Gone from the API.
    expect(await list()).toEqual(expect.arrayContaining([bob]));
    for (const id of alice) {
      expect(await list()).not.toContain(id);
      expect((await t.app.inject({ url: `/api/v1/sessions/${id}`, headers: owner })).statusCode).toBe(404);
    }

    // The raw file: no wrapped key of the subject that the master key unwraps, no sealed chunk
    // of theirs, no raw user id (receipts and the request log name only the HMAC).
    const cipher = new EnvelopeCipher((await loadMasterKey(undefined, t.config.dataDir)).key);
    const bytes = rawDatabase();
    for (const id of alice) expect(unwrappableKeyFor(cipher, bytes, id), `key of ${id}`).toBe(false);
    for (const key of aliceKeys) expect(bytes.includes(key as Buffer)).toBe(false);
    for (const payload of alicePayloads) expect(bytes.includes(payload.subarray(0, 40))).toBe(false);
    expect(bytes.includes(Buffer.from(ALICE))).toBe(false);
    // Positive control: the same scan finds the key of a session that was not erased.
    expect(unwrappableKeyFor(cipher, bytes, bob)).toBe(true);
  });

  it('is idempotent and keeps every receipt as evidence in the request log and the audit log', async () => {
    const again = await veil('erase', '--site', t.site.siteKey, '--user-id', ALICE, '--json');
    expect(JSON.parse(again.out)).toMatchObject({ sessions: 0, chunks: 0, dataKeysDestroyed: 0 });
    const receipts = await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/erasures`, headers: owner });
    expect(receipts.json().receipts).toHaveLength(2);
    const first = receipts.json().receipts[1];
    const one = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/erasures/${first.id}`,
      headers: owner,
    });
    expect(one.json().receipt).toEqual(first);
    const log = (
      await t.app.inject({ url: `/api/v1/subject-requests?siteKey=${t.site.siteKey}`, headers: owner })
    ).json();
    const cli = log.requests.filter((r: { origin: string }) => r.origin === 'cli');
    expect(cli).toHaveLength(2);
    expect(cli[1]).toMatchObject({
      kind: 'erasure',
      handledBy: 'cli',
      reference: 'DSR-2025-7',
      status: 'completed',
      erasureReceiptId: first.id,
    });
    const audit = await t.app.veil.store.audit.query({
      actions: ['erasure.performed'],
      order: 'desc',
      limit: 10,
    });
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audit)).not.toContain(ALICE);
  });

  it('erases by tag through the API (a supplier whose contract ended)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${t.site.siteKey}/erasures`,
      headers: owner,
      payload: { selector: { kind: 'tag', key: 'supplier', value: 'globex' } },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().receipt).toMatchObject({
      sessions: 1,
      chunks: 2,
      dataKeysDestroyed: 1,
      consentReceipts: 0,
      sessionIds: [bob],
    });
    expect(await t.app.veil.store.recordings.get(bob)).toBeUndefined();
    const analyst = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${t.site.siteKey}/erasures`,
      headers: { authorization: `Bearer ${await t.token('analyst')}` },
      payload: { selector: { kind: 'sessionId', sessionId: 'whatever_1' } },
    });
    expect(analyst.statusCode).toBe(403);
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${t.site.siteKey}/erasures`,
      headers: owner,
      payload: { selector: { kind: 'visitorId', visitorId: 'bad id' } },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('the CLI refuses an ambiguous or missing selector', async () => {
    expect((await veil('erase', '--site', t.site.siteKey)).code).not.toBe(0);
    expect(
      (await veil('erase', '--site', t.site.siteKey, '--visitor', 'v_abcdefgh', '--session', 's_abcdefgh'))
        .code,
    ).not.toBe(0);
    expect((await veil('erase', '--site', t.site.siteKey, '--tag', 'novalue')).code).not.toBe(0);
    const unknown = await veil('erase', '--site', 'unknown_site_1', '--visitor', 'v_abcdefgh');
    expect(unknown.code).toBe(1);
    expect((await veil('erase', '--help')).out).toContain('--user-id');
  });
});

describe('access and portability', () => {
  it('exports everything held about a user as one JSON bundle, logged as raw access', async () => {
    const userId = 'carol-42';
    await grant('grant_carol_001', 'visitor_carol_1');
    const id = await record(
      'visitor_carol_1',
      'grant_carol_001',
      [identifyEvent(T0 + 20, userId), tagEvent(T0 + 21, 'plan', 'pro')],
      'Carol page',
    );
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${t.site.siteKey}/subject-exports`,
      headers: owner,
      payload: { selector: { kind: 'userId', userId }, reference: 'SAR-1' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="veil-subject-dsr_/);
    const bundle = res.json();
    expect(bundle).toMatchObject({
      format: 'veil.subject-export/v1',
      site: { siteKey: t.site.siteKey, name: 'Shop' },
      subject: { kind: 'userId', userHash: t.app.veil.hasher.userHash(userId) },
      consentReceipts: [
        expect.objectContaining({ id: 'grant_carol_001', decision: 'granted', visitorId: 'visitor_carol_1' }),
      ],
    });
    expect(bundle.sessions).toHaveLength(1);
    expect(bundle.sessions[0]).toMatchObject({
      id,
      visitorId: 'visitor_carol_1',
      tags: [{ key: 'plan', value: 'pro' }],
    });
    expect(JSON.stringify(bundle.sessions[0].events)).toContain('Carol page 0');
    expect(res.body).not.toContain(userId);
    const access = await t.app.veil.store.accessLog.listForSession(id);
    expect(access[0]?.purpose).toBe(`data-subject access request ${res.headers['x-veil-request-id']}`);

    const out = path.join(t.dir, 'carol.json');
    const cli = await veil(
      'export-subject',
      '--site',
      t.site.siteKey,
      '--visitor',
      'visitor_carol_1',
      '--out',
      out,
    );
    expect(cli.code, cli.err).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(out, 'utf8')).sessions.map((s: { id: string }) => s.id)).toEqual([id]);
  });
});

describe('request log', () => {
  it('keeps the statutory deadline: a request received 40 days ago is overdue until completed late', async () => {
    const received = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${t.site.siteKey}/subject-requests`,
      headers: owner,
      payload: {
        kind: 'erasure',
        selector: { kind: 'visitorId', visitorId: 'visitor_late_01' },
        receivedAt: T0 - 40 * DAY,
        reference: 'mail 12',
      },
    });
    expect(received.statusCode).toBe(201);
    const request = received.json().request;
    expect(request).toMatchObject({
      status: 'overdue',
      dueAt: T0 - 10 * DAY,
      completedAt: null,
      origin: 'api',
    });
    const erased = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${t.site.siteKey}/erasures`,
      headers: owner,
      payload: { selector: { kind: 'visitorId', visitorId: 'visitor_late_01' }, requestId: request.id },
    });
    expect(erased.json().receipt.requestId).toBe(request.id);
    const log = (await t.app.inject({ url: '/api/v1/subject-requests', headers: owner })).json();
    expect(log.requests.find((r: { id: string }) => r.id === request.id)).toMatchObject({
      status: 'completed_late',
      reference: 'mail 12',
    });
    const twice = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${t.site.siteKey}/erasures`,
      headers: owner,
      payload: { selector: { kind: 'visitorId', visitorId: 'visitor_late_01' }, requestId: request.id },
    });
    expect(twice.statusCode).toBe(409);
    const auditor = await t.app.inject({
      url: '/api/v1/subject-requests',
      headers: { authorization: `Bearer ${await t.token('auditor')}` },
    });
    expect(auditor.statusCode).toBe(200);
  });
});
