/**
 * Graceful shutdown (issue 17, "No loss"): SIGTERM to the real server while batches are in flight.
 * Those batches are acknowledged and stored; requests that arrive afterwards, on a new connection
 * or on a kept-alive one, are answered 503 `unavailable` with `Retry-After` (the recorder keeps
 * them and sends them again), and the process exits 0 once the in-flight batches are done.
 */
import { Agent, type ClientRequest, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { syntheticStream } from '../../../bench/fixtures.js';
import { makeTempDir } from '../../../packages/server/test/support/tempDir.js';
import {
  addLoadSite,
  freePort,
  grantLoadConsent,
  LOAD_ORIGIN,
  LOAD_RECEIPT_ID,
  startVeil,
  storedSeqs,
  type VeilProcess,
  veilEnv,
} from '../../support/veilProcess.js';

const IN_FLIGHT = 4;
const temp = makeTempDir('veil-shutdown-');
let veil: VeilProcess | undefined;
afterAll(() => {
  veil?.child.kill('SIGKILL');
  temp.remove();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function answerOf(req: ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

it('drains in-flight batches on SIGTERM and answers new ones with 503 and Retry-After', async () => {
  const env = veilEnv(temp.dir, await freePort());
  const siteKey = await addLoadSite(env);
  const server = await startVeil(env);
  veil = server;
  await grantLoadConsent(server.url, siteKey);
  const target = new URL('/ingest/v1/batch', server.url);
  const batchBody = (sessionId: string) =>
    gzipSync(
      JSON.stringify({
        v: 1,
        siteKey,
        sessionId,
        seq: 0,
        sentAt: Date.now(),
        consentReceiptId: LOAD_RECEIPT_ID,
        events: syntheticStream(64 * 1024),
      }),
    );
  const post = (body: Buffer, agent: Agent | false): ClientRequest =>
    request(target, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'text/plain',
        'content-encoding': 'gzip',
        'content-length': body.length,
        origin: LOAD_ORIGIN,
      },
    });

  // A kept-alive connection, used once before the signal and idle when it comes.
  const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  const warmUp = request(new URL('/healthz', server.url), { agent: keptAlive });
  warmUp.end();
  expect((await answerOf(warmUp)).status).toBe(200);

  // Batches in flight: headers and half of each body sent before the signal, the rest after.
  const bodies = Array.from({ length: IN_FLIGHT }, (_, i) => batchBody(`drain_${i}_in_flight`));
  const inFlight = bodies.map((body) => {
    const req = post(body, false);
    req.write(body.subarray(0, body.length >> 1));
    return { req, body, answer: answerOf(req) };
  });
  await new Promise((r) => setTimeout(r, 500));
  server.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));

  // New requests while the server drains: on a new connection and on the kept-alive one.
  const lateBodies = [batchBody('drain_late_new_conn'), batchBody('drain_late_kept_alive')];
  const late = [post(lateBodies[0]!, false), post(lateBodies[1]!, keptAlive)];
  const lateAnswers = late.map(answerOf);
  for (const [i, req] of late.entries()) req.end(lateBodies[i]);
  for (const answer of await Promise.all(lateAnswers)) {
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
  }

  // The in-flight batches complete after the signal and are acknowledged.
  for (const { req, body } of inFlight) req.end(body.subarray(body.length >> 1));
  const answers = await Promise.all(inFlight.map((f) => f.answer));
  for (const [i, answer] of answers.entries()) {
    expect(answer.status, answer.body).toBe(202);
    expect(JSON.parse(answer.body)).toEqual({ sessionId: `drain_${i}_in_flight`, ack: 0, duplicate: false });
  }
  expect(await server.exited).toBe(0);
  keptAlive.destroy();

  const stored = storedSeqs(temp.dir, 'drain_');
  expect([...stored.keys()].sort()).toEqual(bodies.map((_, i) => `drain_${i}_in_flight`));
  for (const seqs of stored.values()) expect(seqs).toEqual([0]);
}, 120_000);
