/**
 * `store` keeps the client's gzip without serialising the events when nothing changed them
 * (redaction reports its writes, every other step makes new events, `scanJson` proves the bytes
 * hold exactly their parse). Checked against the path that always serialises: the same generated
 * batches sent as gzip (may be kept) to one session and as plain JSON (always serialised by the
 * server) to another store the same events, and no planted value is ever in a stored chunk's
 * bytes.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { EventType, IncrementalSource, type IngestBatch, NodeType, type RecordedEvent } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkEvents } from '../../src/recordings/chunkEvents.js';
import { makeBatch, sessionId, T0 } from '../support/batches.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

/** Values the built-in detectors mask anywhere (their digits and letters searched in stored bytes). */
const PLANTED = ['ada.lovelace.kept@example.org', '4111 1111 1111 1111', 'DE89370400440532013000'];
const needles = PLANTED.map((v) => v.replace(/\s/g, ''));
const CLEAN = ['Add to cart', 'Shipping', 'Total', 'Size M', 'Checkout', '', 'Read more', 'Jane'];

/** The batch's JSON as the recorder writes it (batchJson.ts): header fields first, events last. */
function recorderJson(batch: IngestBatch): string {
  const { events, ...header } = batch;
  return `${JSON.stringify(header).slice(0, -1)},"events":${JSON.stringify(events)}}`;
}

/** Deterministic pseudo-random numbers (mulberry32): the same batches every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A session's batches: mostly clean, now and then one planted value in one place. */
function sessionBatches(rnd: () => number, count: number): RecordedEvent[][] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  /** A clean text, or (one time in `odds`) a planted one. */
  const text = (odds = 12) => (rnd() * odds < 1 ? `${pick(CLEAN)} ${pick(PLANTED)}` : pick(CLEAN));
  const url = () =>
    `${SITE_ORIGIN}/${pick(['', 'cart', 'item/7'])}${rnd() < 0.1 ? '?u=jane' : ''}${rnd() < 0.05 ? '#x' : ''}`;
  let nextId = 10;
  let ts = T0;
  const batches: RecordedEvent[][] = [];
  for (let b = 0; b < count; b++) {
    const events: RecordedEvent[] = [];
    if (b === 0 || rnd() < 0.1) {
      events.push({ type: EventType.Meta, timestamp: ++ts, data: { href: url(), width: 1280, height: 800 } });
      events.push({
        type: EventType.FullSnapshot,
        timestamp: ++ts,
        data: {
          node: {
            type: NodeType.Document,
            id: 1,
            childNodes: [
              {
                type: NodeType.Element,
                id: 2,
                tagName: 'body',
                attributes: { class: rnd() < 0.05 ? `u-${pick(PLANTED)}` : 'page' },
                childNodes: [
                  { type: NodeType.Element, id: 3, tagName: 'input', attributes: { type: 'password' } },
                  {
                    type: NodeType.Element,
                    id: 4,
                    tagName: 'p',
                    attributes: { title: text(20) },
                    childNodes: [
                      { type: NodeType.Text, id: 5, textContent: text() },
                      { type: NodeType.Text, id: 6, textContent: text() },
                    ],
                  },
                  { type: NodeType.Element, id: 7, tagName: 'a', attributes: { href: url() } },
                ],
              },
            ],
          },
          initialOffset: { left: 0, top: 0 },
        },
      });
    }
    const n = 1 + Math.floor(rnd() * 6);
    for (let i = 0; i < n; i++) {
      const kind = rnd();
      ts += 1 + Math.floor(rnd() * 50);
      if (kind < 0.3) {
        events.push({
          type: EventType.IncrementalSnapshot,
          timestamp: ts,
          data: {
            source: IncrementalSource.MouseMove,
            positions: [{ x: Math.floor(rnd() * 900), y: Math.floor(rnd() * 700), id: 5, timeOffset: -3 }],
          },
        });
      } else if (kind < 0.55) {
        const id = nextId++;
        events.push({
          type: EventType.IncrementalSnapshot,
          timestamp: ts,
          data: {
            source: IncrementalSource.Mutation,
            texts: rnd() < 0.5 ? [{ id: 5, value: text() }] : [],
            attributes: rnd() < 0.3 ? [{ id: 4, attributes: { 'data-x': text(15) } }] : [],
            removes: [],
            adds: [
              {
                parentId: 4,
                nextId: null,
                node: { type: NodeType.Element, id, tagName: 'span', attributes: {}, childNodes: [] },
              },
              {
                parentId: id,
                nextId: null,
                node: { type: NodeType.Text, id: nextId++, textContent: text() },
              },
            ],
          },
        });
      } else if (kind < 0.7) {
        // Typed into the password input now and then: always masked by the server.
        const password = rnd() < 0.1;
        events.push({
          type: EventType.IncrementalSnapshot,
          timestamp: ts,
          data: {
            source: IncrementalSource.Input,
            id: password ? 3 : 4,
            text: password ? 'hunter2-kept' : rnd() < 0.7 ? '*****' : text(8),
            isChecked: false,
          },
        });
      } else if (kind < 0.8) {
        events.push({ type: EventType.Meta, timestamp: ts, data: { href: url(), width: 1280, height: 800 } });
      } else if (kind < 0.9) {
        events.push({
          type: EventType.IncrementalSnapshot,
          timestamp: ts,
          data: { source: IncrementalSource.Scroll, id: 1, x: 0, y: Math.floor(rnd() * 3000) },
        });
      } else {
        events.push({
          type: EventType.Custom,
          timestamp: ts,
          data: { tag: 'app.step', payload: { step: text(10), n: Math.floor(rnd() * 9) } },
        });
      }
    }
    batches.push(events);
  }
  return batches;
}

describe('ingest keeps the client gzip only for events nothing changed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** The decompressed plaintext of each stored chunk, by seq. */
  async function storedTexts(id: string): Promise<Map<number, string>> {
    const chunks = await t.app.veil.store.recordings.chunks(id);
    const wrapped = await t.app.veil.store.recordings.wrappedKey(id);
    const key = t.app.veil.cipher.unwrapDataKey(id, wrapped as Buffer);
    return new Map(
      chunks.map((c) => [
        c.seq,
        gunzipSync(t.app.veil.cipher.openChunk(key, id, c.seq, c.payload)).toString('utf8'),
      ]),
    );
  }

  const gz = { 'content-type': 'text/plain', 'content-encoding': 'gzip' };
  const leaked = (text: string) => {
    const flat = text.replace(/\s/g, '');
    return [...needles, 'hunter2-kept'].filter((v) => flat.includes(v));
  };

  it('stores what the always-serialising path stores, keeps many batches as sent, and never a planted value', async () => {
    let kept = 0;
    let serialised = 0;
    for (let s = 0; s < 12; s++) {
      const batches = sessionBatches(random(1000 + s), 15);
      const viaGzip = sessionId();
      const viaJson = sessionId();
      for (const [seq, events] of batches.entries()) {
        const fields = { siteKey: t.site.siteKey, seq, sentAt: T0 + seq, events };
        const a = await t.ingest(gzipSync(recorderJson(makeBatch({ ...fields, sessionId: viaGzip }))), gz);
        expect(a.statusCode, a.body).toBe(202);
        const b = await t.ingest(makeBatch({ ...fields, sessionId: viaJson }));
        expect(b.statusCode, b.body).toBe(202);
      }
      const gzipped = await storedTexts(viaGzip);
      const reference = await storedTexts(viaJson);
      expect([...gzipped.keys()].sort()).toEqual([...reference.keys()].sort());
      for (const [seq, text] of gzipped) {
        const ref = reference.get(seq) as string;
        expect(ref.startsWith('['), 'a plain JSON body is serialised by the server').toBe(true);
        expect(JSON.stringify(chunkEvents(text)), `session ${s} seq ${seq}`).toBe(
          JSON.stringify(chunkEvents(ref)),
        );
        expect(leaked(text), `session ${s} seq ${seq}`).toEqual([]);
        if (text.startsWith('{')) kept++;
        else serialised++;
      }
    }
    // Both paths were taken, many times.
    expect(kept).toBeGreaterThan(40);
    expect(serialised).toBeGreaterThan(20);
  });

  it('never keeps the bytes of a batch with planted PII, wherever the server masks it', async () => {
    const snapshot = (attributes: Record<string, unknown>, textContent: string): RecordedEvent => ({
      type: EventType.FullSnapshot,
      timestamp: T0 + 1,
      data: {
        node: {
          type: NodeType.Document,
          id: 1,
          childNodes: [
            {
              type: NodeType.Element,
              id: 2,
              tagName: 'p',
              attributes,
              childNodes: [{ type: NodeType.Text, id: 3, textContent }],
            },
          ],
        },
        initialOffset: { left: 0, top: 0 },
      },
    });
    const email = PLANTED[0] as string;
    const planted: Array<{ name: string; events?: RecordedEvent[]; json?: (clean: string) => string }> = [
      { name: 'text', events: [snapshot({}, `mail ${email}`)] },
      { name: 'attribute value', events: [snapshot({ title: email }, 'hi')] },
      { name: 'attribute name', events: [snapshot({ [`data-${email}`]: '1' }, 'hi')] },
      {
        name: 'page URL query',
        events: [{ type: EventType.Meta, timestamp: T0, data: { href: `${SITE_ORIGIN}/?e=${email}` } }],
      },
      {
        name: 'custom payload key',
        events: [{ type: EventType.Custom, timestamp: T0, data: { tag: 'x', payload: { [email]: 1 } } }],
      },
      // Bytes whose parse drops the planted value (a repeated key, the earlier one escaped).
      {
        name: 'repeated key',
        json: (clean) => clean.replace('"title":"hi"', `"title":"${email}","title":"hi"`),
      },
      {
        name: 'repeated escaped key',
        json: (clean) => clean.replace('"title":"hi"', `"titl\\u0065":"${email}","title":"hi"`),
      },
    ];
    for (const p of planted) {
      const id = sessionId();
      const batch = makeBatch({
        siteKey: t.site.siteKey,
        sessionId: id,
        events: p.events ?? [snapshot({ title: 'hi' }, 'hello')],
      });
      const clean = recorderJson(batch);
      const body = p.json ? p.json(clean) : clean;
      expect(body, p.name).toContain(email);
      const res = await t.ingest(gzipSync(body), gz);
      expect(res.statusCode, `${p.name}: ${res.body}`).toBe(202);
      const text = (await storedTexts(id)).get(0) as string;
      expect(text.startsWith('['), `${p.name}: serialised by the server`).toBe(true);
      expect(text, p.name).not.toContain(email);
    }
  });
});
