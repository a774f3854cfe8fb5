import { consentRegistrationSchema } from '@veil/core';
import { describe, expect, it, vi } from 'vitest';
import type { OutgoingBatch } from '../../src/recorder/batchJson.js';
import { bootRecorder } from '../../src/recorder/bootRecorder.js';
import { gateOnConsentReceipt, grantRegistration } from '../../src/recorder/consentRegistration.js';
import type { SendOutcome, Transport } from '../../src/recorder/SendQueue.js';
import { MemoryStorage, settle } from './support/fakes.js';

const URL = 'https://veil.test/r/v1/sites/site_unit_01/consent';
const RECEIPT = 'receipt_000000000000001';
const batch: OutgoingBatch = { sessionId: 'session_0001', seq: 0, final: false, json: '{}', bytes: 2 };

function setup(answers: Array<number | Error>, storage = new MemoryStorage()) {
  const inner = {
    send: vi.fn(async (): Promise<SendOutcome> => ({ kind: 'ack' })),
    beacon: vi.fn(() => true),
  } satisfies Transport;
  const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => {
    const next = answers.shift() ?? 201;
    if (next instanceof Error) throw next;
    return new Response('{}', { status: next });
  });
  const onError = vi.fn();
  const gate = gateOnConsentReceipt(inner, {
    url: URL,
    receiptId: RECEIPT,
    visitorId: 'visitor_abcdefgh',
    consent: { source: 'banner', bannerTextHash: 'b'.repeat(64), language: 'de' },
    storage,
    fetch: fetch as unknown as typeof globalThis.fetch,
    onError,
  });
  return { gate, inner, fetch, storage, onError };
}

describe('consent receipt registration', () => {
  it('registers the grant at once, before any batch, once, and remembers it', async () => {
    const t = setup([201]);
    expect(t.fetch).toHaveBeenCalledTimes(1); // when the decision is made, not when a batch closes
    expect(t.gate.beacon(batch)).toBe(false); // nothing leaves before the server holds the receipt
    await expect(t.gate.send(batch)).resolves.toEqual({ kind: 'ack' });
    await t.gate.send({ ...batch, seq: 1 });
    expect(t.fetch).toHaveBeenCalledTimes(1);
    const [url, init] = t.fetch.mock.calls[0]!;
    expect(url).toBe(URL);
    expect(init).toMatchObject({
      method: 'POST',
      credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' },
    });
    const body = JSON.parse(String(init?.body));
    expect(consentRegistrationSchema.parse(body)).toEqual({
      v: 1,
      decision: 'granted',
      receiptId: RECEIPT,
      visitorId: 'visitor_abcdefgh',
      granted: ['analytics'],
      denied: [],
      source: 'banner',
      bannerTextHash: 'b'.repeat(64),
      language: 'de',
    });
    expect(t.inner.send).toHaveBeenCalledTimes(2);
    expect(t.storage.getItem('veil:receipt-ok')).toBe(RECEIPT);
    expect(t.gate.beacon(batch)).toBe(true);

    // The next page of the visitor does not register the same decision again.
    const next = setup([], t.storage);
    await next.gate.send(batch);
    expect(next.fetch).not.toHaveBeenCalled();
  });

  it('retries a registration that failed on the network or with 5xx, like a batch', async () => {
    const t = setup([new TypeError('Failed to fetch'), 503, new TypeError('Failed to fetch'), 201]);
    await settle();
    expect(t.onError).toHaveBeenCalledWith(expect.any(TypeError), 'consent');
    await expect(t.gate.send(batch)).resolves.toEqual({ kind: 'retry' });
    await expect(t.gate.send(batch)).rejects.toThrow('Failed to fetch'); // the queue retries it
    await expect(t.gate.send(batch)).resolves.toEqual({ kind: 'ack' });
    expect(t.inner.send).toHaveBeenCalledTimes(1);
    expect(t.fetch).toHaveBeenCalledTimes(4);
  });

  it('refuses every batch once the server refused the receipt', async () => {
    const t = setup([400]);
    await settle();
    await expect(t.gate.send(batch)).resolves.toEqual({ kind: 'reject', status: 400 });
    await expect(t.gate.send(batch)).resolves.toEqual({ kind: 'reject', status: 400 });
    expect(t.fetch).toHaveBeenCalledTimes(1);
    expect(t.inner.send).not.toHaveBeenCalled();
    expect(t.storage.getItem('veil:receipt-ok')).toBeNull();
  });

  it('drops a malformed banner hash or language instead of failing the grant', () => {
    const body = grantRegistration({
      receiptId: RECEIPT,
      consent: { source: 'api', bannerTextHash: 'not-a-hash', language: '<script>' },
    });
    expect(body.bannerTextHash).toBeUndefined();
    expect(body.language).toBeUndefined();
    expect(consentRegistrationSchema.safeParse(body).success).toBe(true);
  });
});

describe('bootRecorder', () => {
  it('refuses a config whose recorder fields are malformed (the loader checked only its gates)', () => {
    expect(() =>
      bootRecorder({
        siteKey: 'site_unit_01',
        ingestUrl: 'https://veil.test/ingest/v1/batch',
        config: { siteKey: 'site_unit_01', lawfulBasis: 'consent', samplingPercent: 100, policy: {} },
        onError: () => {},
      }),
    ).toThrow(/malformed/);
  });
});
