import { SESSION_IDLE_TIMEOUT_MS } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { parseSessionState, SessionStore } from '../../src/recorder/SessionStore.js';
import { randomId } from '../../src/shared/randomId.js';
import { MemoryStorage } from './support/fakes.js';

const T0 = 1_700_000_000_000;
const stored = (s: MemoryStorage) => parseSessionState(s.getItem('veil:session'));

describe('SessionStore', () => {
  it('starts a session with a random 22-character url-safe id and seq 0', () => {
    const storage = new MemoryStorage();
    const session = new SessionStore(storage, T0);
    expect(session.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(stored(storage)).toEqual({ id: session.id, seq: 0, at: T0 });
    expect(randomId()).not.toBe(randomId());
  });

  it('survives a navigation within the idle timeout and continues seq', () => {
    const storage = new MemoryStorage();
    const first = new SessionStore(storage, T0);
    expect([first.nextSeq(), first.nextSeq(), first.nextSeq()]).toEqual([0, 1, 2]);
    first.touch(T0 + 1_000);
    first.persist(); // pagehide
    const next = new SessionStore(storage, T0 + 1_000 + SESSION_IDLE_TIMEOUT_MS - 1);
    expect(next.id).toBe(first.id);
    expect(next.nextSeq()).toBe(3);
  });

  it('rotates after the idle timeout: new id, seq from 0', () => {
    const storage = new MemoryStorage();
    const first = new SessionStore(storage, T0);
    first.nextSeq();
    const next = new SessionStore(storage, T0 + SESSION_IDLE_TIMEOUT_MS);
    expect(next.id).not.toBe(first.id);
    expect(next.nextSeq()).toBe(0);
  });

  it('measures idleness from the last activity, not from the last batch', () => {
    const storage = new MemoryStorage();
    const session = new SessionStore(storage, T0);
    session.touch(T0 + 10 * 60_000);
    session.nextSeq(); // a batch of DOM mutations later does not count as activity
    expect(session.expired(T0 + 10 * 60_000 + SESSION_IDLE_TIMEOUT_MS - 1)).toBe(false);
    expect(session.expired(T0 + 10 * 60_000 + SESSION_IDLE_TIMEOUT_MS)).toBe(true);
    const id = session.id;
    session.rotate(T0 + 50 * 60_000);
    expect(session.id).not.toBe(id);
    expect(stored(storage)).toMatchObject({ id: session.id, seq: 0, at: T0 + 50 * 60_000 });
  });

  it('treats a clock moved back beyond the timeout, or malformed storage, as no session', () => {
    const storage = new MemoryStorage();
    const first = new SessionStore(storage, T0);
    expect(new SessionStore(storage, T0 - SESSION_IDLE_TIMEOUT_MS).id).not.toBe(first.id);
    for (const bad of [
      'nope',
      '{"id":"short","seq":0,"at":1}',
      '{"id":"aaaaaaaaaaaa","seq":-1,"at":1}',
      '[]',
    ]) {
      storage.setItem('veil:session', bad);
      expect(new SessionStore(storage, T0).nextSeq()).toBe(0);
    }
  });

  it('works without storage (denied): ids still rotate per page', () => {
    const session = new SessionStore(null, T0);
    expect(session.nextSeq()).toBe(0);
    expect(session.nextSeq()).toBe(1);
  });
});
