/**
 * Several Veil processes on one PostgreSQL: two real server processes share a database, a
 * session's consecutive batches land on different processes, and
 * - nothing acknowledged is lost or stored twice under sustained load spread over both;
 * - masking is as strong as on one process: a password input seen by one process in a full
 *   snapshot stays masked when the session's next batch, typing into it, reaches the other (its
 *   privacy state is rebuilt from storage), and the same after a process restart.
 */
import { gzipSync } from 'node:zlib';
import { EventType, IncrementalSource, NodeType, type RecordedEvent } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '../../../packages/server/src/crypto/EnvelopeCipher.js';
import { readEventArrays } from '../../../packages/server/src/recordings/readRecording.js';
import { openStore } from '../../../packages/server/src/storage/openStore.js';
import {
  createTestDatabase,
  postgresAvailable,
  type TestDatabase,
} from '../../../packages/server/test/support/postgres.js';
import { makeTempDir } from '../../../packages/server/test/support/tempDir.js';
import {
  addLoadSite,
  CLOSED_LOOP_ENV,
  freePort,
  grantLoadConsent,
  LOAD_ORIGIN,
  LOAD_RECEIPT_ID,
  lossReport,
  startLoad,
  startVeil,
  storedSeqsPostgres,
  type VeilProcess,
  veilEnv,
} from '../../support/veilProcess.js';

const PLANTED_PASSWORD = 'Tr0ub4dor-planted-9431';
const MASTER_KEY = veilEnv('', 0).VEIL_MASTER_KEY as string;

const available = await postgresAvailable();
const tempA = makeTempDir('veil-multi-a-');
const tempB = makeTempDir('veil-multi-b-');
let database: TestDatabase | undefined;
let a: VeilProcess | undefined;
let b: VeilProcess | undefined;
let envA: NodeJS.ProcessEnv;
let envB: NodeJS.ProcessEnv;
let siteKey = '';

beforeAll(async () => {
  if (!available) return;
  database = await createTestDatabase();
  envA = { ...veilEnv(tempA.dir, await freePort(), database.url), ...CLOSED_LOOP_ENV };
  envB = { ...veilEnv(tempB.dir, await freePort(), database.url), ...CLOSED_LOOP_ENV };
  siteKey = await addLoadSite(envA);
  // Both start at once: migrations and the owner bootstrap serialise on the database.
  [a, b] = await Promise.all([startVeil(envA), startVeil(envB)]);
  await grantLoadConsent(a.url, siteKey);
});

afterAll(async () => {
  for (const p of [a, b]) p?.child.kill('SIGKILL');
  await database?.drop();
  tempA.remove();
  tempB.remove();
});

async function post(url: string, sessionId: string, seq: number, events: RecordedEvent[]): Promise<number> {
  const body = {
    v: 1,
    siteKey,
    sessionId,
    seq,
    sentAt: Date.now(),
    consentReceiptId: LOAD_RECEIPT_ID,
    events,
  };
  const res = await fetch(`${url}/ingest/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip', origin: LOAD_ORIGIN },
    body: gzipSync(JSON.stringify(body)),
  });
  return res.status;
}

function loginPage(ts: number): RecordedEvent[] {
  return [
    { type: EventType.Meta, timestamp: ts, data: { href: `${LOAD_ORIGIN}/login`, width: 1280, height: 800 } },
    {
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
                  attributes: {},
                  childNodes: [
                    {
                      type: NodeType.Element,
                      id: 4,
                      tagName: 'input',
                      attributes: { type: 'password' },
                      childNodes: [],
                    },
                  ],
                },
              ],
            },
          ],
        },
        initialOffset: { left: 0, top: 0 },
      },
    },
  ];
}

const typing = (ts: number): RecordedEvent[] => [
  {
    type: EventType.IncrementalSnapshot,
    timestamp: ts,
    data: { source: IncrementalSource.Input, id: 4, text: PLANTED_PASSWORD, isChecked: false },
  },
];

async function storedText(sessionId: string): Promise<string> {
  if (!database) throw new Error('no database');
  const store = await openStore({ kind: 'postgres', url: database.url });
  try {
    const arrays = await readEventArrays(
      store,
      new EnvelopeCipher(Buffer.from(MASTER_KEY, 'base64')),
      sessionId,
    );
    return arrays.join('\n');
  } finally {
    await store.close();
  }
}

describe.skipIf(!available)('two Veil processes on one PostgreSQL', () => {
  it('keeps a password typed into a field the other process saw masked', async () => {
    if (!a || !b) throw new Error('servers not started');
    const now = Date.now();
    expect(await post(a.url, 'multi_pw_0001', 0, loginPage(now))).toBe(202);
    expect(await post(b.url, 'multi_pw_0001', 1, typing(now + 1_000))).toBe(202);
    // Back on the first process, which missed batch 1: it catches up from storage too.
    expect(await post(b.url, 'multi_pw_0001', 2, loginPage(now + 2_000))).toBe(202);
    expect(await post(a.url, 'multi_pw_0001', 3, typing(now + 3_000))).toBe(202);
    const stored = await storedText('multi_pw_0001');
    expect(stored).toContain('"type":"password"');
    expect(stored).not.toContain(PLANTED_PASSWORD);
  });

  it('keeps it masked after the process that saw the snapshot restarts', async () => {
    if (!a || !b) throw new Error('servers not started');
    const now = Date.now();
    expect(await post(a.url, 'multi_pw_0002', 0, loginPage(now))).toBe(202);
    a.child.kill('SIGKILL');
    await a.exited;
    a = await startVeil(envA);
    expect(await post(a.url, 'multi_pw_0002', 1, typing(now + 1_000))).toBe(202);
    expect(await storedText('multi_pw_0002')).not.toContain(PLANTED_PASSWORD);
  });

  it('stores every acknowledged batch exactly once when sessions alternate between processes', async () => {
    if (!a || !b || !database) throw new Error('servers not started');
    const load = startLoad({
      url: a.url,
      urls: [a.url, b.url],
      siteKey,
      consentReceiptId: LOAD_RECEIPT_ID,
      origin: LOAD_ORIGIN,
      sessions: 8,
      connections: 8,
      seconds: 8,
      sessionPrefix: 'multi_load',
      events: { syntheticJsonBytes: 32 * 1024 },
      retryDelayMs: 50,
    });
    const report = await load.report;
    process.stderr.write(
      `two processes: ${report.acknowledged} acknowledged in ${report.seconds.toFixed(1)} s, statuses ${JSON.stringify(report.statuses)}\n`,
    );
    expect(report.statuses).toEqual({});
    expect(report.networkErrors).toBe(0);
    expect(report.acknowledged).toBeGreaterThan(16);
    expect(lossReport(report.lastAck, await storedSeqsPostgres(database.url, 'multi_load_'))).toEqual([]);
  });
});
