import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EventType, IncrementalSource, NodeType, type RecordedEvent } from '@veil/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { makeBatch, sessionId, snapshotEvent, T0 } from '../support/batches.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Erasure by content on a real SQLite file: a value that leaked into some recordings (a text node,
// an attribute, an input event) is found in exactly those sessions, with counts and positions and
// never the content; one step erases them (legally held ones kept) and leaves the rest. The value
// appears nowhere afterwards: not in responses, logs, the audit log or the database files.

// A made-up reference no detector masks (no e-mail, card, IBAN, phone or VIN shape).
const LEAKED = 'Kx-ZEBRA-LEAK-Vq';
const NEAR_MISS = 'Kx-ZEBRA-LEAQ-Vq';

let t: TestApp;
let owner: Record<string, string>;
let analyst: Record<string, string>;
const ids: Record<string, string> = {};

function attributeSnapshot(ts: number, title: string): RecordedEvent {
  return {
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
              {
                type: NodeType.Element,
                id: 3,
                tagName: 'body',
                attributes: { 'data-ref': title },
                childNodes: [{ type: NodeType.Text, id: 4, textContent: 'plain' }],
              },
            ],
          },
        ],
      },
      initialOffset: { left: 0, top: 0 },
    },
  };
}

function inputEvent(ts: number, text: string): RecordedEvent {
  return {
    type: EventType.IncrementalSnapshot,
    timestamp: ts,
    data: { source: IncrementalSource.Input, id: 4, text, isChecked: false },
  };
}

async function record(name: string, events: RecordedEvent[]): Promise<void> {
  const id = sessionId();
  const batch = makeBatch({ siteKey: t.site.siteKey, sessionId: id });
  batch.events.push(...events);
  const res = await t.ingest(batch);
  expect(res.statusCode, res.body).toBe(202);
  ids[name] = id;
}

/** Stores a chunk as ingest would have under a policy that kept input values (sealed, real key). */
async function plantInput(name: string, text: string): Promise<void> {
  const { store, cipher } = t.app.veil;
  const id = sessionId();
  const json = Buffer.from(JSON.stringify([snapshotEvent(T0, 'form'), inputEvent(T0 + 100, text)]));
  const { gzipSync } = await import('node:zlib');
  const outcome = await store.recordings.ingestChunk(
    {
      siteId: t.site.id,
      sessionId: id,
      visitorId: `v_${name}`,
      seq: 0,
      receivedAt: t.clock.now(),
      eventCount: 2,
      firstTs: T0,
      lastTs: T0 + 5_000,
      pages: [{ url: 'https://shop.example/form', ts: T0, viewportWidth: 1280 }],
    },
    {
      newWrappedDataKey: () => cipher.newWrappedDataKey(id),
      seal: (wrapped) => ({
        payload: cipher.sealChunk(cipher.unwrapDataKey(id, wrapped), id, 0, gzipSync(json)),
        titles: [],
      }),
    },
  );
  expect(outcome).toBe('stored');
  ids[name] = id;
}

async function scanUntilDone(scanId: string) {
  for (let i = 0; i < 200; i++) {
    const res = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/content-scans/${scanId}`,
      headers: owner,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(LEAKED);
    const scan = res.json().scan;
    if (scan.status !== 'running') return scan;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('scan did not finish');
}

async function veil(env: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: { VEIL_DATA_DIR: t.config.dataDir, ...env },
    cwd: t.dir,
  };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  t = await startTestApp();
  owner = { authorization: `Bearer ${await t.token('owner')}` };
  analyst = { authorization: `Bearer ${await t.token('analyst')}` };
  await record('text', [snapshotEvent(T0 + 10, `Order note: ${LEAKED} (twice: ${LEAKED})`)]);
  await record('attribute', [attributeSnapshot(T0 + 10, LEAKED.toLowerCase())]);
  await plantInput('input', `ref ${LEAKED}`);
  await record('nearMiss', [snapshotEvent(T0 + 10, `Order note: ${NEAR_MISS}`)]);
  await record('clean', [snapshotEvent(T0 + 10, 'nothing to see')]);
  await plantInput('cleanInput', 'another value');
});
afterAll(() => t?.close());

it('finds exactly the sessions holding the value, with counts and positions, never the content', async () => {
  const refused = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/content-scans`,
    headers: analyst,
    payload: { value: LEAKED },
  });
  expect(refused.statusCode).toBe(403);

  const started = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/content-scans`,
    headers: owner,
    payload: { value: LEAKED },
  });
  expect(started.statusCode, started.body).toBe(202);
  expect(started.body).not.toContain(LEAKED);
  const scan = await scanUntilDone(started.json().scan.id);
  expect(scan).toMatchObject({
    status: 'completed',
    kind: 'value',
    sessionsTotal: 6,
    sessionsScanned: 6,
    matchedSessions: 3,
    matchedCount: 4,
  });
  expect(scan.valueHash).toBe(t.app.veil.hasher.leakedValueHash('value', LEAKED, false));
  const bySession = new Map<
    string,
    { count: number; positions: Array<{ eventIndex: number; path: string }> }
  >(scan.matches.map((m: { sessionId: string }) => [m.sessionId, m]));
  expect([...bySession.keys()].sort()).toEqual([ids.text, ids.attribute, ids.input].sort());
  expect(bySession.get(ids.text ?? '')?.count).toBe(2);
  expect(bySession.get(ids.text ?? '')?.positions[0]?.path).toMatch(/childNodes\[0\]\.textContent$/);
  expect(bySession.get(ids.attribute ?? '')?.positions[0]?.path).toMatch(/attributes\.data-ref$/);
  expect(bySession.get(ids.input ?? '')?.positions).toEqual([{ eventIndex: 1, path: 'data.text', count: 1 }]);

  // Case-sensitive: the lower-cased attribute no longer matches.
  const exact = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/content-scans`,
    headers: owner,
    payload: { value: LEAKED, caseSensitive: true },
  });
  const exactScan = await scanUntilDone(exact.json().scan.id);
  expect(exactScan.matchedSessions).toBe(2);
  expect(exactScan.valueHash).not.toBe(scan.valueHash);
});

it('scans for a pattern, refuses patterns too slow to run, and never echoes the input', async () => {
  const pattern = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/content-scans`,
    headers: owner,
    payload: { pattern: 'ZEBRA-LEA[KQ]-V[a-z]' },
  });
  expect(pattern.statusCode).toBe(202);
  const done = await scanUntilDone(pattern.json().scan.id);
  expect(done.matchedSessions).toBe(4);

  for (const payload of [
    { pattern: '(ZEBRA+)+$' },
    { pattern: '(ZEBRA)\\1' },
    { pattern: 'x*' },
    { value: 'Kx-' },
  ]) {
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${t.site.siteKey}/content-scans`,
      headers: owner,
      payload,
    });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.body).not.toContain('ZEBRA');
  }
});

it('erases the sessions found in one step, keeps held ones and the rest, with a receipt', async () => {
  const hold = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/legal-holds`,
    headers: owner,
    payload: {
      target: { kind: 'session', sessionId: ids.attribute },
      reason: 'case 4',
      expiresAt: T0 + 86_400_000,
    },
  });
  expect(hold.statusCode).toBe(201);
  const started = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/content-scans`,
    headers: owner,
    payload: { value: LEAKED },
  });
  const scan = await scanUntilDone(started.json().scan.id);
  const erase = (headers: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${t.site.siteKey}/content-scans/${scan.id}/erase`,
      headers,
    });
  expect((await erase(analyst)).statusCode).toBe(403);
  const erased = await erase(owner);
  expect(erased.statusCode, erased.body).toBe(200);
  const receipt = erased.json().receipt;
  expect(receipt).toMatchObject({
    sessions: 2,
    chunks: 2,
    dataKeysDestroyed: 2,
    heldSessionIds: [ids.attribute],
  });
  expect([...receipt.sessionIds].sort()).toEqual([ids.text, ids.input].sort());
  expect(erased.json().scan).toMatchObject({ status: 'erased', erasure: { id: receipt.id } });
  expect((await erase(owner)).statusCode).toBe(409);

  const { store } = t.app.veil;
  for (const name of ['text', 'input']) {
    expect(await store.recordings.get(ids[name] ?? '')).toBeUndefined();
    expect(await store.recordings.wrappedKey(ids[name] ?? '')).toBeUndefined();
  }
  for (const name of ['attribute', 'nearMiss', 'clean', 'cleanInput'])
    expect(await store.recordings.get(ids[name] ?? '')).toBeDefined();

  const entries = [];
  for await (const e of store.audit.scan()) entries.push(e);
  const erasedEntry = entries.find((e) => e.action === 'erasure.content_erased');
  expect(erasedEntry?.details).toMatchObject({
    scanId: scan.id,
    receiptId: receipt.id,
    sessions: 2,
    held: 1,
  });
  expect(erasedEntry?.details.valueHash).toBe(scan.valueHash);
  expect(entries.filter((e) => e.action === 'erasure.content_scanned').length).toBeGreaterThanOrEqual(4);
  expect((await t.app.veil.audit.verify()).ok).toBe(true);
});

it('runs from the command line (value from the environment), with --help', async () => {
  const help = await veil({}, 'erase-content', '--help');
  expect(help.out).toContain('--value-env');
  const found = await veil(
    { LEAKED_VALUE: NEAR_MISS },
    'erase-content',
    '--site',
    t.site.siteKey,
    '--value-env',
    'LEAKED_VALUE',
    '--json',
  );
  expect(found.code, found.err).toBe(0);
  const result = JSON.parse(found.out);
  expect(result.scan.matches.map((m: { sessionId: string }) => m.sessionId)).toEqual([ids.nearMiss]);
  expect(result.receipt).toBeNull();
  const gone = await veil(
    { LEAKED_VALUE: NEAR_MISS },
    'erase-content',
    '--site',
    t.site.siteKey,
    '--value-env',
    'LEAKED_VALUE',
    '--erase',
  );
  expect(gone.code, gone.err).toBe(0);
  expect(gone.out).toMatch(/Erased: receipt cer_[0-9a-f-]+: 1 sessions/);
  expect(gone.out).not.toContain(NEAR_MISS);
  expect(await t.app.veil.store.recordings.get(ids.nearMiss ?? '')).toBeUndefined();
});

it('leaves the value in no log line, audit entry or database file', async () => {
  const entries = [];
  for await (const e of t.app.veil.store.audit.scan()) entries.push(JSON.stringify(e));
  for (const value of [LEAKED, LEAKED.toLowerCase(), NEAR_MISS]) {
    expect(t.logs.join('\n')).not.toContain(value);
    expect(entries.join('\n')).not.toContain(value);
  }
  const file = path.join(t.config.dataDir, 'veil.sqlite');
  const bytes = Buffer.concat([
    readFileSync(file),
    existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0),
  ]);
  for (const value of [LEAKED, LEAKED.toLowerCase(), NEAR_MISS]) expect(bytes.includes(value)).toBe(false);
});
