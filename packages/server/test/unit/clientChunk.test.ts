import { gunzipSync, gzipSync } from 'node:zlib';
import type { RecordedEvent } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { clientChunk, keepableWire, type WireBatch } from '../../src/ingest/clientChunk.js';
import { gunzipBody } from '../../src/ingest/gunzipBody.js';
import { MAX_BATCH_NESTING_DEPTH, scanJson } from '../../src/ingest/jsonNesting.js';
import { validate } from '../../src/ingest/steps/validate.js';
import { chunkEvents, chunkEventsJson } from '../../src/recordings/chunkEvents.js';

/** As rrweb writes them: `type, data, timestamp` (the schema's own copies would put `timestamp` second). */
const events = [
  { type: 4, data: { href: 'https://shop.example/', width: 1280, height: 800 }, timestamp: 1 },
  { type: 3, data: { source: 1, positions: [{ x: 1, y: 2, id: 5, timeOffset: 0 }] }, timestamp: 2 },
];
const eventsJson = JSON.stringify(events);
/** As the recorder builds it (batchJson.ts): the header's JSON, then the events last. */
const head =
  '{"v":1,"siteKey":"site_key_0001","sessionId":"session_0001","seq":3,"sentAt":1700000000000,"consentReceiptId":"receipt_0001"';
const text = `${head},"events":${eventsJson}}`;
const LIMITS = { maxOutputLength: 16 * 1024 * 1024, chunkSize: 64 * 1024 };
/**
 * The body as validate hands it on: its plain gzip members and parsed events (undefined for any
 * other gzip, or when the bytes could not stand for their parse).
 */
const wire = async (json: string, gzip: Buffer = gzipSync(json)): Promise<WireBatch | undefined> => {
  const { bytes, members } = await gunzipBody(gzip, LIMITS);
  expect(bytes.toString('utf8')).toBe(json);
  return members && keepableWire(members, scanJson(bytes, MAX_BATCH_NESTING_DEPTH), JSON.parse(json));
};
type Steps = (sent: readonly RecordedEvent[]) => readonly RecordedEvent[];
/** The very events the parse made, in a new list (as the steps hand them on when nothing changed). */
const unchanged: Steps = (sent) => [...sent];
/** What `store` keeps when the steps made `steps(sent)` of the events and redaction reported `changed`. */
const kept = async (json: string, steps: Steps = unchanged, gzip?: Buffer, changed = false) => {
  const w = await wire(json, gzip);
  return w && clientChunk(w, steps(w.events), changed);
};

describe('clientChunk: the client gzip kept as the stored chunk', () => {
  it('keeps a recorder body whose events the server stores unchanged, and reads its events back', async () => {
    const chunk = await kept(text);
    expect(chunk).toBeInstanceOf(Buffer);
    const storedText = gunzipSync(chunk as Buffer).toString('utf8');
    expect(storedText).toBe(text);
    expect(chunkEventsJson(storedText)).toBe(eventsJson);
    expect(chunkEvents(storedText)).toEqual(events);
    // A chunk the server compressed itself reads as before.
    expect(chunkEventsJson(eventsJson)).toBe(eventsJson);
    expect(chunkEvents(eventsJson)).toEqual(events);
  });

  it('validate hands on the events in the client key order, so an unchanged batch is kept', async () => {
    const body = gzipSync(text);
    const validated = await validate({
      contentType: 'application/json',
      contentEncoding: 'gzip',
      origin: undefined,
      referer: undefined,
      body,
    });
    if (!('batch' in validated) || !validated.wire) throw new Error('not validated with its members');
    const storedJson = JSON.stringify(validated.batch.events);
    expect(storedJson).toBe(eventsJson);
    // The body itself, its time stamp and OS bytes zeroed.
    const canonical = Buffer.from(body);
    canonical.fill(0, 4, 10);
    expect(clientChunk(validated.wire, validated.batch.events, false)).toEqual(canonical);
    // Redaction that wrote into the events, or did not say, keeps nothing.
    expect(clientChunk(validated.wire, validated.batch.events, true)).toBeUndefined();
    expect(clientChunk(validated.wire, validated.batch.events, undefined)).toBeUndefined();
  });

  it('keeps several plain members (a header member and an events member) and zeroes their time stamps', async () => {
    const first = gzipSync(`${head},`);
    const second = gzipSync(`"events":${eventsJson}}`);
    first.writeUInt32LE(0x5f5e0ff1, 4);
    second[9] = 3; // OS: Unix
    const chunk = await kept(text, unchanged, Buffer.concat([first, second]));
    expect(chunk).toBeInstanceOf(Buffer);
    expect(gunzipSync(chunk as Buffer).toString('utf8')).toBe(text);
    expect((chunk as Buffer).readUInt32LE(4)).toBe(0);
    expect((chunk as Buffer)[first.length + 9]).toBe(0);
  });

  it('compresses again when a step changed the events', async () => {
    const masked: Steps = (sent) => [
      { ...sent[0], data: { href: 'https://shop.example/', width: 1280 } } as RecordedEvent,
      sent[1] as RecordedEvent,
    ];
    expect(await kept(text, masked)).toBeUndefined();
    // An event dropped, a key added, keys reordered, events swapped, an event added.
    expect(await kept(text, (sent) => [sent[0] as RecordedEvent])).toBeUndefined();
    expect(
      await kept(text, (sent) => [{ ...sent[0], delay: 5 } as RecordedEvent, sent[1] as RecordedEvent]),
    ).toBeUndefined();
    const reordered: Steps = (sent) => sent.map(({ type, timestamp, data }) => ({ type, timestamp, data }));
    expect(await kept(text, reordered)).toBeUndefined();
    expect(await kept(text, (sent) => [...sent].reverse())).toBeUndefined();
    expect(await kept(text, (sent) => [...sent, sent[0] as RecordedEvent])).toBeUndefined();
    // Changed in place (the redaction walk): only its own report shows it.
    expect(await kept(text, unchanged, undefined, true)).toBeUndefined();
  });

  it('compresses again when the head carries anything else than known id fields, or is not canonical', async () => {
    const bodies = [
      `{"v":1,"note":"jane.doe@example.org","events":${eventsJson}}`,
      `{"v":1,"consentReceiptId":"jane.doe@example.org","events":${eventsJson}}`,
      `{"v":1,"visitorId":{"name":"Jane"},"events":${eventsJson}}`,
      `{"v":1, "sessionId":"session_0001","events":${eventsJson}}`,
      // A first events array JSON.parse would drop, with the stored one after it.
      `{"events":[{"secret":"4111 1111 1111 1111"}],"v":1,"events":${eventsJson}}`,
      `[${eventsJson}]`,
      // Inside the events: a repeated key whose first value the parse drops (escaped or not), white
      // space, and the events not last.
      `{"v":1,"events":[{"type":3,"data":{"text":"4111 1111 1111 1111","text":"****"},"timestamp":1}]}`,
      `{"v":1,"events":[{"type":3,"data":{"te\\u0078t":"4111 1111 1111 1111","text":"****"},"timestamp":1}]}`,
      `{"v":1,"events":[{"type":3,"data":{"a":{"text":"4111 1111 1111 1111","text":"x"}},"timestamp":1}]}`,
      `{"v":1,"events":[ ${eventsJson.slice(1)}}`,
      `{"events":${eventsJson},"v":1}`,
    ];
    // The same without the repeat or the space is kept.
    expect(
      await kept(`{"v":1,"events":[{"type":3,"data":{"text":"****","tex":"x"},"timestamp":1}]}`),
    ).toBeInstanceOf(Buffer);
    for (const body of bodies) expect(await kept(body), body).toBeUndefined();
  });

  it('keeps no members of a gzip with a file name, a comment, trailing bytes or a wrong CRC, yet gunzips it once', async () => {
    const plain = gzipSync(text);
    const named = Buffer.concat([
      plain.subarray(0, 10),
      Buffer.from('jane.doe@example.org\0'),
      plain.subarray(10),
    ]);
    named[3] = 0x08; // FNAME
    const trailing = Buffer.concat([plain, Buffer.from([0, 0, 0, 0])]);
    const commented = Buffer.from(plain);
    commented[3] = 0x10; // FCOMMENT
    for (const gzip of [named, trailing]) expect(await wire(text, gzip)).toBeUndefined();
    const badCrc = Buffer.from(plain);
    badCrc.writeUInt32LE((badCrc.readUInt32LE(badCrc.length - 8) + 1) >>> 0, badCrc.length - 8);
    for (const gzip of [commented, badCrc]) {
      const gunzipped = await gunzipBody(gzip, LIMITS).catch(() => undefined);
      expect(gunzipped?.members).toBeUndefined();
    }
    // zlib.gunzip's verdict stands for what is not plain members: a wrong CRC is refused.
    await expect(gunzipBody(badCrc, LIMITS)).rejects.toThrow();
  });

  it('refuses a bomb in any member at the output limit', async () => {
    const bomb = Buffer.concat([gzipSync(`${head},`), gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x20))]);
    await expect(
      gunzipBody(bomb, { maxOutputLength: 1024 * 1024, chunkSize: 64 * 1024 }),
    ).rejects.toMatchObject({
      code: 'ERR_BUFFER_TOO_LARGE',
    });
  });
});
