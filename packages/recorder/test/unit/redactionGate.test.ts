import { EventType, NodeType } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/recorder/Batcher.js';
import { createEventRedactor } from '../../src/recorder/eventRedactor.js';
import { persistPending, takePending } from '../../src/recorder/pendingBatches.js';
import {
  asCreateEventRedactor,
  type CreateEventRedactor,
  MAX_HELD_EVENTS,
  REDACT_CHUNK_TIMEOUT_MS,
  RedactionGate,
} from '../../src/recorder/RedactionGate.js';
import type { RecordedEventLike } from '../../src/recorder/rrwebOptions.js';
import { SessionStore } from '../../src/recorder/SessionStore.js';
import { FakeClock, MemoryStorage, settle } from './support/fakes.js';

const policy = { customPatterns: [], allowedUrlParams: [] };
const PLANTED = 'jane.roe@example.org';

/** A full snapshot whose attribute holds PII that only the redaction walk masks. */
const snapshot = (timestamp: number): RecordedEventLike => ({
  type: EventType.FullSnapshot,
  timestamp,
  data: {
    node: {
      type: NodeType.Document,
      id: 1,
      childNodes: [
        { type: NodeType.Element, id: 2, tagName: 'a', attributes: { title: PLANTED }, childNodes: [] },
      ],
    },
    initialOffset: { top: 0, left: 0 },
  },
});
const custom = (timestamp: number, tag = 'veil.test'): RecordedEventLike => ({
  type: EventType.Custom,
  timestamp,
  data: { tag, payload: { note: `write to ${PLANTED}` } },
});

/** A chunk request the test settles: the stand-in for `loadChunk('redact')`. */
function chunk() {
  let resolve: (exports: unknown) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const request = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { request: request.then(asCreateEventRedactor), resolve, reject };
}

/** A gate feeding a real Batcher whose batches go to `sent`; `pagehide()` does what startRecorder does. */
function wired() {
  const clock = new FakeClock();
  const session = new MemoryStorage();
  const sent: string[] = [];
  const errors: string[] = [];
  let failed = 0;
  const batcher = new Batcher({
    clock,
    session: new SessionStore(session, clock.now()),
    siteKey: 'site_unit_01',
    visitorId: 'v',
    sink: (batch) => sent.push(batch.json),
    onError: (error) => errors.push(String(error)),
  });
  const stopBatcher = batcher.start();
  const gate = new RedactionGate({
    policy,
    clock,
    timeoutMs: REDACT_CHUNK_TIMEOUT_MS,
    onError: (error, where) => errors.push(`${where}: ${(error as Error).message}`),
    onFailed: () => {
      failed++;
    },
  });
  const delivered: RecordedEventLike[] = [];
  const deliver = (event: RecordedEventLike) => {
    delivered.push(event);
    batcher.add(event);
  };
  const pagehide = () => {
    const unsent = batcher.drain(false, 60_000);
    persistPending(session, unsent);
    return unsent.map((b) => b.json);
  };
  return {
    clock,
    session,
    sent,
    errors,
    gate,
    delivered,
    deliver,
    batcher,
    pagehide,
    stopBatcher,
    failed: () => failed,
  };
}

describe('RedactionGate', () => {
  it('holds every event, unredacted, in memory until redact.js arrives: nothing batched, sent or stored', async () => {
    const w = wired();
    const c = chunk();
    w.gate.start(c.request);
    w.gate.pass('page', snapshot(1), w.deliver);
    w.gate.pass('own', custom(2), w.deliver);
    w.clock.advance(REDACT_CHUNK_TIMEOUT_MS - 1);
    w.batcher.flush();
    expect(w.gate.waiting).toBe(2);
    expect(w.delivered).toEqual([]);
    expect(w.sent).toEqual([]);
    // A pagehide now loses the held events: they were never redacted, so never stored.
    expect(w.pagehide()).toEqual([]);
    expect(takePending(w.session)).toEqual([]);
    expect(JSON.stringify([...w.session.map.values()])).not.toContain(PLANTED);
    expect(w.errors).toEqual([]);
  });

  it('redacts the held events in their order through one context per stream, then passes later ones straight on', async () => {
    const w = wired();
    const c = chunk();
    const created: string[] = [];
    const counting: CreateEventRedactor = (p) => {
      const redact = createEventRedactor(p);
      const id = `redactor ${created.length + 1}`;
      created.push(id);
      return (event) => {
        (event as { redactedBy?: string }).redactedBy = id;
        return redact(event);
      };
    };
    w.gate.start(c.request);
    for (let t = 1; t <= 6; t++)
      w.gate.pass(t % 2 ? 'page' : 'own', t === 1 ? snapshot(t) : custom(t), w.deliver);
    c.resolve(counting);
    await settle();
    w.gate.pass('page', custom(7), w.deliver);
    expect(w.delivered.map((e) => e.timestamp)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(w.delivered.map((e) => (e as { redactedBy?: string }).redactedBy)).toEqual([
      'redactor 1',
      'redactor 2',
      'redactor 1',
      'redactor 2',
      'redactor 1',
      'redactor 2',
      'redactor 1',
    ]);
    expect(created).toHaveLength(2);
    w.batcher.flush();
    expect(w.sent).toHaveLength(1);
    expect(w.sent.join('')).not.toContain(PLANTED);
    expect(w.sent.join('')).toContain('"timestamp":7');
    expect(w.gate.waiting).toBe(0);
    // The timeout no longer applies once the chunk arrived.
    w.clock.advance(REDACT_CHUNK_TIMEOUT_MS);
    expect(w.failed()).toBe(0);
  });

  it('keeps the order when an event is passed while the held ones are released', async () => {
    const w = wired();
    const c = chunk();
    w.gate.start(c.request);
    let reentered = false;
    const deliverAndEmit = (event: RecordedEventLike) => {
      w.deliver(event);
      // A consumer that emits again while it handles an event (a flush emitting heatmap events).
      if (!reentered) {
        reentered = true;
        w.gate.pass('own', custom(99), w.deliver);
      }
    };
    w.gate.pass('page', custom(1), deliverAndEmit);
    w.gate.pass('page', custom(2), w.deliver);
    c.resolve(createEventRedactor);
    await settle();
    expect(w.delivered.map((e) => e.timestamp)).toEqual([1, 2, 99]);
  });

  it.each([
    [
      'the chunk fails to load (network, CSP)',
      (c: ReturnType<typeof chunk>) => c.reject(new Error('redact.js did not load')),
    ],
    ['the chunk registers something else', (c: ReturnType<typeof chunk>) => c.resolve({ not: 'a function' })],
    [
      'the redactor cannot be created',
      (c: ReturnType<typeof chunk>) =>
        c.resolve(() => {
          throw new Error('broken chunk');
        }),
    ],
  ])(
    'fails closed when %s: held events dropped, reported, capture stopped, nothing sent later',
    async (_, settleChunk) => {
      const w = wired();
      const c = chunk();
      w.gate.start(c.request);
      w.gate.pass('page', snapshot(1), w.deliver);
      settleChunk(c);
      await settle();
      expect(w.failed()).toBe(1);
      expect(w.errors).toHaveLength(1);
      expect(w.errors[0]).toMatch(/^redact: /);
      w.gate.pass('own', custom(2), w.deliver);
      w.batcher.flush();
      expect(w.gate.waiting).toBe(0);
      expect(w.delivered).toEqual([]);
      expect(w.sent).toEqual([]);
      expect(w.pagehide()).toEqual([]);
    },
  );

  it('fails closed when the chunk takes longer than the timeout, and ignores it when it arrives later', async () => {
    const w = wired();
    const c = chunk();
    w.gate.start(c.request);
    w.gate.pass('page', snapshot(1), w.deliver);
    w.clock.advance(REDACT_CHUNK_TIMEOUT_MS);
    expect(w.failed()).toBe(1);
    expect(w.errors).toEqual([`redact: redact.js did not arrive within ${REDACT_CHUNK_TIMEOUT_MS} ms`]);
    c.resolve(createEventRedactor);
    await settle();
    w.gate.pass('page', custom(2), w.deliver);
    expect(w.delivered).toEqual([]);
    expect(w.failed()).toBe(1);
  });

  it('fails closed when more events wait than it holds', () => {
    const w = wired();
    w.gate.start(chunk().request);
    for (let t = 0; t <= MAX_HELD_EVENTS; t++) w.gate.pass('page', custom(t), w.deliver);
    expect(w.failed()).toBe(1);
    expect(w.gate.waiting).toBe(0);
    expect(w.errors).toEqual([`redact: more than ${MAX_HELD_EVENTS} events waited for redact.js`]);
  });

  it('drops (and reports) an event whose redaction or handling throws, never passes it raw', async () => {
    const w = wired();
    const c = chunk();
    w.gate.start(c.request);
    const throwing: CreateEventRedactor = () => (event) => {
      if (event.timestamp === 1) throw new Error('walk broke');
      return event;
    };
    w.gate.pass('page', custom(1), w.deliver);
    w.gate.pass('page', custom(2), w.deliver);
    c.resolve(throwing);
    await settle();
    expect(w.delivered.map((e) => e.timestamp)).toEqual([2]);
    expect(w.errors).toEqual(['redact: walk broke']);
  });

  it('drops whatever waits when the recorder stops', async () => {
    const w = wired();
    const c = chunk();
    const stop = w.gate.start(c.request);
    w.gate.pass('page', custom(1), w.deliver);
    stop();
    c.resolve(createEventRedactor);
    await settle();
    expect(w.delivered).toEqual([]);
    expect(w.failed()).toBe(0);
    w.stopBatcher();
    expect(w.clock.pendingTimers).toBe(0);
  });
});
