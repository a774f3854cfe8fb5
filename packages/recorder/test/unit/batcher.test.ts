import { BATCH_FLUSH_INTERVAL_MS, BATCH_TARGET_BYTES, ingestBatchSchema } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/recorder/Batcher.js';
import { buildBatchJson, type OutgoingBatch, splitBySize, utf8Length } from '../../src/recorder/batchJson.js';
import { SessionStore } from '../../src/recorder/SessionStore.js';
import { FakeClock, MemoryStorage } from './support/fakes.js';

const event = (n: number, pad = 0) => ({
  type: 3,
  timestamp: 1_700_000_000_000 + n,
  data: { source: 1, n, pad: 'x'.repeat(pad) },
});

function setup(options: { targetBytes?: number } = {}) {
  const clock = new FakeClock();
  const storage = new MemoryStorage();
  const session = new SessionStore(storage, clock.now());
  const sent: OutgoingBatch[] = [];
  const batcher = new Batcher({
    clock,
    session,
    siteKey: 'site_unit_01',
    visitorId: 'visitor_abcdefgh',
    consentReceiptId: 'receipt_abcdefgh',
    sink: (b) => sent.push(b),
    ...options,
  });
  return { clock, storage, session, sent, batcher };
}

const parse = (b: OutgoingBatch) => ingestBatchSchema.parse(JSON.parse(b.json));

describe('Batcher', () => {
  it('closes a batch every flush interval, and only when there is something to send', () => {
    const { clock, sent, batcher } = setup();
    const stop = batcher.start();
    batcher.add(event(1));
    batcher.add(event(2));
    clock.advance(BATCH_FLUSH_INTERVAL_MS - 1);
    expect(sent).toHaveLength(0);
    clock.advance(1);
    expect(sent).toHaveLength(1);
    clock.advance(BATCH_FLUSH_INTERVAL_MS * 3);
    expect(sent).toHaveLength(1);
    batcher.add(event(3));
    clock.advance(BATCH_FLUSH_INTERVAL_MS);
    expect(sent.map((b) => parse(b).events.length)).toEqual([2, 1]);
    stop();
    batcher.add(event(4));
    clock.advance(BATCH_FLUSH_INTERVAL_MS * 2);
    expect(sent).toHaveLength(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('closes a batch as soon as the buffer reaches the target size', () => {
    const { sent, batcher } = setup();
    batcher.add(event(1, BATCH_TARGET_BYTES / 2));
    expect(sent).toHaveLength(0);
    batcher.add(event(2, BATCH_TARGET_BYTES / 2));
    expect(sent).toHaveLength(1);
    expect(parse(sent[0]!).events).toHaveLength(2);
  });

  it('numbers batches 0, 1, 2… and writes a valid IngestBatch', () => {
    const { clock, sent, batcher, session } = setup();
    for (let i = 0; i < 3; i++) {
      batcher.add(event(i));
      batcher.flush();
    }
    expect(sent.map((b) => b.seq)).toEqual([0, 1, 2]);
    const first = parse(sent[0]!);
    expect(first).toEqual({
      v: 1,
      siteKey: 'site_unit_01',
      sessionId: session.id,
      visitorId: 'visitor_abcdefgh',
      consentReceiptId: 'receipt_abcdefgh',
      seq: 0,
      sentAt: clock.now(),
      events: [event(0)],
    });
    expect(sent[0]!.bytes).toBe(utf8Length(sent[0]!.json));
  });

  it('continues seq on the next page of the same session', () => {
    const a = setup();
    a.batcher.add(event(1));
    a.batcher.flush();
    a.batcher.add(event(2));
    a.batcher.flush();
    const nextPage = new SessionStore(a.storage, a.clock.now() + 1_000);
    const sent: OutgoingBatch[] = [];
    const b = new Batcher({
      clock: a.clock,
      session: nextPage,
      siteKey: 'site_unit_01',
      sink: (x) => sent.push(x),
    });
    b.add(event(3));
    b.flush();
    expect(sent[0]!.seq).toBe(2);
    expect(sent[0]!.sessionId).toBe(a.session.id);
  });

  it('drains for a page going away in batches under the beacon limit, marked final', () => {
    const { batcher } = setup();
    for (let i = 0; i < 10; i++) batcher.add(event(i, 3_000));
    const batches = batcher.drain(true, 10_000);
    expect(batches.length).toBeGreaterThan(3);
    for (const b of batches) {
      expect(b.bytes).toBeLessThanOrEqual(10_000);
      expect(parse(b).final).toBe(true);
    }
    expect(batches.flatMap((b) => parse(b).events.map((e) => (e.data as { n: number }).n))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i));
    expect(batcher.bufferedEvents).toBe(0);
  });

  it('sends one empty final batch on pagehide with an empty buffer, nothing when merely hidden', () => {
    const { batcher } = setup();
    expect(batcher.drain(false, 10_000)).toEqual([]);
    const [final] = batcher.drain(true, 10_000);
    expect(parse(final!)).toMatchObject({ final: true, events: [] });
  });

  it('reports a failing periodic flush instead of throwing from the timer, and keeps ticking', () => {
    const clock = new FakeClock();
    const errors: string[] = [];
    let calls = 0;
    const batcher = new Batcher({
      clock,
      session: new SessionStore(null, clock.now()),
      siteKey: 'site_unit_01',
      sink: () => {
        calls++;
        throw new Error('sink broke');
      },
      onError: (e, where) => errors.push(`${where}: ${(e as Error).message}`),
    });
    batcher.start();
    batcher.add(event(1));
    expect(() => clock.advance(BATCH_FLUSH_INTERVAL_MS)).not.toThrow();
    batcher.add(event(2));
    clock.advance(BATCH_FLUSH_INTERVAL_MS);
    expect(calls).toBe(2);
    expect(errors).toEqual(['flush: sink broke', 'flush: sink broke']);
  });

  it('discards the buffer on withdrawal', () => {
    const { sent, batcher } = setup();
    batcher.add(event(1));
    batcher.discard();
    batcher.flush();
    expect(sent).toEqual([]);
  });
});

describe('batch JSON helpers', () => {
  it('builds the JSON of header plus pre-serialised events', () => {
    const json = buildBatchJson({ v: 1, siteKey: 'k', sessionId: 's', seq: 4, sentAt: 9 }, [
      '{"a":1}',
      '{"b":2}',
    ]);
    expect(JSON.parse(json)).toEqual({
      v: 1,
      siteKey: 'k',
      sessionId: 's',
      seq: 4,
      sentAt: 9,
      events: [{ a: 1 }, { b: 2 }],
    });
  });

  it('never counts fewer UTF-8 bytes than there are', () => {
    for (const s of ['abc', 'é', '€uro', '😀', 'mixed ü 😀 €']) {
      expect(utf8Length(s)).toBeGreaterThanOrEqual(Buffer.byteLength(s));
    }
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('€')).toBe(3);
  });

  it('counts every character whatever comes before it (ASCII, then others, at any position)', () => {
    // The count a character at a time: 1 for ASCII, 2 up to U+07FF, 3 above (a surrogate half too).
    const reference = (s: string) => {
      let n = 0;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        n += c <= 0x7f ? 1 : c <= 0x7ff ? 2 : 3;
      }
      return n;
    };
    const pieces = ['', 'a', '{"x":1}', '\u007f', '\u0080', 'é', '\u07ff', '\u0800', '€', '😀', '\uffff'];
    for (const a of pieces)
      for (const b of pieces)
        for (const pad of [0, 1, 300]) {
          const s = `${'x'.repeat(pad)}${a}${'y'.repeat(pad)}${b}`;
          expect(utf8Length(s), JSON.stringify(s)).toBe(reference(s));
        }
  });

  it('splits greedily by size; an oversized event travels alone', () => {
    expect(splitBySize([10, 10, 10, 10], 35, 5)).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(splitBySize([10, 100, 10], 50, 5)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(splitBySize([], 50, 5)).toEqual([]);
  });
});
