import { describe, expect, it } from 'vitest';
import type { OutgoingBatch } from '../../src/recorder/batchJson.js';
import {
  MAX_PERSISTED_PENDING_BYTES,
  persistPending,
  takePending,
} from '../../src/recorder/pendingBatches.js';
import { MemoryStorage } from './support/fakes.js';

const batch = (seq: number, pad = 0): OutgoingBatch => {
  const json = JSON.stringify({ seq, pad: 'x'.repeat(pad) });
  return { sessionId: 'session_abcdefgh', seq, final: seq === 2, json, bytes: json.length };
};

describe('pending batches across pages', () => {
  it('persists what a page could not deliver and hands it to the next page once', () => {
    const storage = new MemoryStorage();
    expect(persistPending(storage, [batch(1), batch(2)])).toBe(0);
    expect(takePending(storage)).toEqual([batch(1), batch(2)]);
    expect(takePending(storage)).toEqual([]);
  });

  it('keeps the newest batches within the cap and counts the rest', () => {
    const storage = new MemoryStorage();
    const big = MAX_PERSISTED_PENDING_BYTES / 2 - 100;
    expect(persistPending(storage, [batch(1, big), batch(2, big), batch(3, big)])).toBe(1);
    expect(takePending(storage).map((b) => b.seq)).toEqual([2, 3]);
  });

  it('clears the key when nothing is pending, and survives full or denied storage', () => {
    const storage = new MemoryStorage();
    persistPending(storage, [batch(1)]);
    persistPending(storage, []);
    expect(storage.getItem('veil:pending')).toBeNull();
    const full = new MemoryStorage();
    full.setItem = () => {
      throw new DOMException('quota', 'QuotaExceededError');
    };
    expect(persistPending(full, [batch(1)])).toBe(1);
    expect(persistPending(null, [batch(1)])).toBe(1);
    expect(takePending(null)).toEqual([]);
  });

  it('ignores malformed storage', () => {
    const storage = new MemoryStorage();
    for (const raw of ['nope', '{}', '[{"seq":1}]', '[{"sessionId":"bad id","seq":1,"json":"{}"}]']) {
      storage.setItem('veil:pending', raw);
      expect(takePending(storage)).toEqual([]);
    }
  });
});
