import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
  retryAfterMs,
} from '../../src/recorder/backoff.js';
import type { OutgoingBatch } from '../../src/recorder/batchJson.js';
import {
  DOUBTFUL_BEACON_MS,
  type SendOutcome,
  SendQueue,
  type SendQueueOptions,
  type Transport,
} from '../../src/recorder/SendQueue.js';
import { FakeClock, settle } from './support/fakes.js';

const batch = (seq: number, bytes = 100): OutgoingBatch => ({
  sessionId: 'session_abcdefgh',
  seq,
  final: false,
  json: `{"seq":${seq}}`,
  bytes,
});

/** A transport answering from a script: one outcome per send, then `ack`. */
function scriptedTransport(
  script: Array<SendOutcome | 'network-error'> = [],
  beaconOk: (b: OutgoingBatch) => boolean = () => true,
) {
  const sends: number[] = [];
  const beacons: number[] = [];
  const transport: Transport = {
    send(b) {
      sends.push(b.seq);
      const next = script.shift() ?? { kind: 'ack' };
      return next === 'network-error'
        ? Promise.reject(new TypeError('Failed to fetch'))
        : Promise.resolve(next);
    },
    beacon(b) {
      beacons.push(b.seq);
      return beaconOk(b);
    },
  };
  return { transport, sends, beacons };
}

function setup(
  t: ReturnType<typeof scriptedTransport>,
  options: Pick<SendQueueOptions, 'maxBatches' | 'maxBytes' | 'onRejected'> = {},
) {
  const clock = new FakeClock();
  const errors: string[] = [];
  let drained = 0;
  const queue = new SendQueue({
    transport: t.transport,
    clock,
    random: () => 0.5,
    onError: (e, where) => errors.push(`${where}: ${(e as Error).message}`),
    onDrained: () => drained++,
    ...options,
  });
  return { clock, queue, errors, drained: () => drained };
}

describe('backoff', () => {
  it('doubles from the base delay up to the cap, with jitter in the upper half', () => {
    expect(backoffDelay(1, 0)).toBe(RETRY_BASE_DELAY_MS / 2);
    expect(backoffDelay(1, 0.999999)).toBe(RETRY_BASE_DELAY_MS);
    expect(backoffDelay(2, 0)).toBe(RETRY_BASE_DELAY_MS);
    expect(backoffDelay(3, 0)).toBe(2 * RETRY_BASE_DELAY_MS);
    expect(backoffDelay(30, 0.999999)).toBe(RETRY_MAX_DELAY_MS);
    for (let attempt = 1; attempt < 12; attempt++) {
      const low = backoffDelay(attempt, 0);
      const high = backoffDelay(attempt, 0.999999);
      expect(high).toBeLessThanOrEqual(2 * low);
      expect(high).toBeLessThanOrEqual(RETRY_MAX_DELAY_MS);
    }
  });

  it('reads Retry-After in seconds, capped', () => {
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs('100000')).toBe(RETRY_MAX_DELAY_MS);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
  });
});

describe('SendQueue', () => {
  it('sends one batch at a time in seq order and forgets acknowledged batches', async () => {
    const t = scriptedTransport();
    const { queue, drained } = setup(t);
    queue.enqueue(batch(0));
    queue.enqueue(batch(1));
    queue.enqueue(batch(2));
    expect(t.sends).toEqual([0]);
    expect(queue.pending.map((b) => b.seq)).toEqual([0, 1, 2]);
    await settle();
    expect(t.sends).toEqual([0, 1, 2]);
    expect(queue.pending).toEqual([]);
    expect(queue.stats.acked).toBe(3);
    expect(drained()).toBe(1);
  });

  it('retries network errors, 408, 429 and 5xx with exponential backoff', async () => {
    const t = scriptedTransport(['network-error', { kind: 'retry' }, { kind: 'retry' }]);
    const { clock, queue } = setup(t);
    queue.enqueue(batch(0));
    queue.enqueue(batch(1));
    await settle();
    expect(t.sends).toEqual([0]); // failed once; batch 1 waits behind it (order is kept)
    clock.advance(backoffDelay(1, 0.5) - 1);
    await settle();
    expect(t.sends).toEqual([0]);
    clock.advance(1);
    await settle();
    expect(t.sends).toEqual([0, 0]);
    clock.advance(backoffDelay(2, 0.5));
    await settle();
    expect(t.sends).toEqual([0, 0, 0]);
    clock.advance(backoffDelay(3, 0.5));
    await settle();
    expect(t.sends).toEqual([0, 0, 0, 0, 1]);
    expect(queue.stats).toMatchObject({ acked: 2, retries: 3, rejected: 0, dropped: 0 });
  });

  it('honours a server-given retry delay', async () => {
    const t = scriptedTransport([{ kind: 'retry', afterMs: 7_000 }]);
    const { clock, queue } = setup(t);
    queue.enqueue(batch(0));
    await settle();
    clock.advance(6_999);
    await settle();
    expect(t.sends).toEqual([0]);
    clock.advance(1);
    await settle();
    expect(t.sends).toEqual([0, 0]);
  });

  it('treats other 4xx as final: not retried, reported', async () => {
    const t = scriptedTransport([{ kind: 'reject', status: 413 }]);
    const { clock, queue, errors } = setup(t);
    queue.enqueue(batch(0));
    queue.enqueue(batch(1));
    await settle();
    clock.advance(RETRY_MAX_DELAY_MS * 2);
    await settle();
    expect(t.sends).toEqual([0, 1]);
    expect(queue.stats).toMatchObject({ rejected: 1, acked: 1, retries: 0 });
    expect(errors).toEqual(['send: batch 0 rejected (413)']);
  });

  it('tells its owner which batch was refused and with which code, and does not retry it', async () => {
    const t = scriptedTransport([{ kind: 'reject', status: 403, code: 'not_sampled' }]);
    const rejected: Array<[number, string | undefined]> = [];
    const { clock, queue } = setup(t, { onRejected: (b, code) => rejected.push([b.seq, code]) });
    queue.enqueue(batch(0));
    queue.enqueue(batch(1));
    await settle();
    clock.advance(RETRY_MAX_DELAY_MS * 2);
    await settle();
    expect(rejected).toEqual([[0, 'not_sampled']]);
    expect(t.sends).toEqual([0, 1]);
  });

  it('drops the oldest waiting batches beyond the caps and counts them', async () => {
    const t = scriptedTransport(['network-error']);
    const { queue } = setup(t, { maxBatches: 3 });
    queue.enqueue(batch(0));
    await settle(); // 0 failed and waits for its retry
    for (let seq = 1; seq <= 5; seq++) queue.enqueue(batch(seq));
    // 0 was dropped when 3 arrived, which let 1 go out; 2 was dropped when 5 arrived.
    expect(queue.pending.map((b) => b.seq)).toEqual([1, 3, 4, 5]);
    expect(queue.stats.dropped).toBe(2);

    const bytes = setup(scriptedTransport(['network-error']), { maxBytes: 250 });
    bytes.queue.enqueue(batch(0, 100));
    await settle();
    bytes.queue.enqueue(batch(1, 100));
    bytes.queue.enqueue(batch(2, 100));
    expect(bytes.queue.pending.map((b) => b.seq)).toEqual([1, 2]);
    // A single batch over the byte cap is still given its chance (1 is in flight by now).
    bytes.queue.enqueue(batch(3, 1_000));
    expect(bytes.queue.pending.map((b) => b.seq)).toEqual([1, 3]);
  });

  it('never drops the batch in flight', async () => {
    const t = scriptedTransport();
    let release: (o: SendOutcome) => void = () => {};
    t.transport.send = () => new Promise((resolve) => (release = resolve));
    const { queue } = setup(t, { maxBatches: 1 });
    queue.enqueue(batch(0));
    queue.enqueue(batch(1));
    queue.enqueue(batch(2));
    expect(queue.pending.map((b) => b.seq)).toEqual([0, 2]);
    release({ kind: 'ack' });
    await settle();
  });

  it('skips a backoff wait on an explicit flush', async () => {
    const t = scriptedTransport(['network-error']);
    const { queue } = setup(t);
    queue.enqueue(batch(0));
    await settle();
    queue.sendNow();
    await settle();
    expect(t.sends).toEqual([0, 0]);
  });

  it('on page hide beacons waiting batches in order, stops at the first refusal, returns the rest', async () => {
    const t = scriptedTransport([], (b) => b.seq < 3);
    let release: (o: SendOutcome) => void = () => {};
    const send = t.transport.send;
    t.transport.send = (b) => {
      if (b.seq !== 0) return send(b);
      t.sends.push(0);
      return new Promise((resolve) => (release = resolve));
    };
    const { queue } = setup(t);
    queue.enqueue(batch(0)); // in flight (a keepalive fetch survives the page)
    queue.enqueue(batch(1));
    const unsent = queue.beaconAll([batch(2), batch(3), batch(4)]);
    expect(t.beacons).toEqual([1, 2, 3]);
    // seq 0 has no answer yet (it may still be shed), so what was beaconed behind it is kept too.
    expect(unsent.map((b) => b.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(queue.stats.beaconed).toBe(2);
    release({ kind: 'ack' });
    await settle();
    // The page stayed (bfcache, tab switch): what is still in doubt or was refused is sent normally.
    expect(t.sends).toEqual([0, 1, 2, 3, 4]);
  });

  it('leaving while the first attempt has no answer keeps what it beacons (the server may shed them all)', async () => {
    // seq 0 is in flight on a busy server when the visitor leaves; the server sheds it and the beacons.
    const t = scriptedTransport();
    let release: (o: SendOutcome) => void = () => {};
    t.transport.send = (b) => {
      t.sends.push(b.seq);
      return b.seq === 0 && t.sends.length === 1
        ? new Promise((resolve) => (release = resolve))
        : Promise.resolve({ kind: 'ack' });
    };
    const { queue, clock } = setup(t);
    queue.enqueue(batch(0));
    queue.enqueue(batch(1));
    const unsent = queue.beaconAll([batch(2)]);
    expect(t.beacons).toEqual([1, 2]);
    expect(unsent.map((b) => b.seq)).toEqual([0, 1, 2]);
    // Answered now: shed. The page stayed, so all three go again, in order.
    release({ kind: 'retry', afterMs: 1_000 });
    await settle();
    clock.advance(1_000);
    await settle();
    expect(t.sends).toEqual([0, 0, 1, 2]);
    expect(queue.pending).toEqual([]);
  });

  it('a page going away beacons each batch in doubt once, not again at the second hide event', async () => {
    // pagehide then visibilitychange: two beaconAll calls moments apart, after a shed seq 0.
    const t = scriptedTransport([
      { kind: 'retry', afterMs: 5_000 },
      { kind: 'retry', afterMs: 5_000 },
    ]);
    const { queue, clock } = setup(t);
    queue.enqueue(batch(0));
    await settle();
    expect(queue.beaconAll([batch(1)]).map((b) => b.seq)).toEqual([0, 1]);
    expect(queue.beaconAll([batch(2)]).map((b) => b.seq)).toEqual([0, 1, 2]);
    expect(t.beacons).toEqual([0, 1, 2]);
    expect(queue.stats.beaconed).toBe(3);
    // The page stayed; seq 0 is refused again: a later hide beacons it once more (1 and 2 wait behind it).
    clock.advance(5_000);
    await settle();
    expect(t.sends).toEqual([0, 0]);
    expect(queue.beaconAll([]).map((b) => b.seq)).toEqual([0, 1, 2]);
    expect(t.beacons).toEqual([0, 1, 2, 0]);
  });

  it('after a shed batch keeps what it beacons, for the next page to resend (a beacon gets no answer)', async () => {
    // seq 0 is shed (503, retry after 1 s) and waits; the visitor leaves before the retry.
    const t = scriptedTransport([{ kind: 'retry', afterMs: 1_000 }]);
    const { queue, clock } = setup(t);
    queue.enqueue(batch(0));
    await settle();
    expect(t.sends).toEqual([0]);
    const unsent = queue.beaconAll([batch(1)]);
    expect(t.beacons).toEqual([0, 1]);
    // Both beaconed, and both still pending: the server that shed seq 0 may shed the beacons too.
    expect(unsent.map((b) => b.seq)).toEqual([0, 1]);
    // The page stayed: they are sent again after the wait, in order (duplicates at worst).
    clock.advance(1_000);
    await settle();
    expect(t.sends).toEqual([0, 0, 1]);
    // Long after the last failure, a beacon is trusted again.
    clock.advance(DOUBTFUL_BEACON_MS);
    expect(queue.beaconAll([batch(2)]).map((b) => b.seq)).toEqual([]);
  });

  it('sends nothing more once stopped, not even answers to what was in flight', async () => {
    const t = scriptedTransport(['network-error']);
    const { clock, queue, drained } = setup(t);
    queue.enqueue(batch(0));
    queue.stop();
    await settle();
    clock.advance(RETRY_MAX_DELAY_MS);
    queue.enqueue(batch(1));
    await settle();
    expect(t.sends).toEqual([0]);
    expect(queue.pending).toEqual([]);
    expect(queue.beaconAll([batch(2)])).toEqual([]);
    expect(t.beacons).toEqual([]);
    expect(drained()).toBe(0);
  });
});
