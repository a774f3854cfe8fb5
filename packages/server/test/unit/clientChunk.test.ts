import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clientChunk } from '../../src/ingest/clientChunk.js';
import { chunkEvents, chunkEventsJson } from '../../src/recordings/chunkEvents.js';

/** As rrweb writes them: `type, data, timestamp` (the server's schema copies put `timestamp` second). */
const events = [
  { type: 4, data: { href: 'https://shop.example/', width: 1280, height: 800 }, timestamp: 1 },
  { type: 3, data: { source: 1, positions: [{ x: 1, y: 2, id: 5, timeOffset: 0 }] }, timestamp: 2 },
];
/** The events as they reach `store`: the schema's copies, keys reordered. */
const stored = events.map(({ type, timestamp, data }) => ({ type, timestamp, data }));
const eventsJson = JSON.stringify(events);
/** As the recorder builds it (batchJson.ts): the header's JSON, then the events last. */
const head =
  '{"v":1,"siteKey":"site_key_0001","sessionId":"session_0001","seq":3,"sentAt":1700000000000,"consentReceiptId":"receipt_0001"';
const text = `${head},"events":${eventsJson}}`;
const wire = (json: string, gzip: Buffer = gzipSync(json)) => {
  let rawEvents: unknown[] = [];
  try {
    rawEvents = (JSON.parse(json) as { events?: unknown[] }).events ?? [];
  } catch {
    // not JSON: nothing to compare with
  }
  return { gzip, json, rawEvents };
};

describe('clientChunk: the client gzip kept as the stored chunk', () => {
  it('keeps a recorder body whose events the server stores unchanged, and reads its events back', async () => {
    const kept = await clientChunk(wire(text), stored);
    expect(kept).toBeInstanceOf(Buffer);
    const storedText = gunzipSync(kept as Buffer).toString('utf8');
    expect(storedText).toBe(text);
    expect(chunkEventsJson(storedText)).toBe(eventsJson);
    expect(chunkEvents(storedText)).toEqual(events);
    // A chunk the server compressed itself reads as before.
    expect(chunkEventsJson(eventsJson)).toBe(eventsJson);
    expect(chunkEvents(eventsJson)).toEqual(events);
  });

  it('keeps several plain members (a header member and an events member) and zeroes their time stamps', async () => {
    const first = gzipSync(`${head},`);
    const second = gzipSync(`"events":${eventsJson}}`);
    first.writeUInt32LE(0x5f5e0ff1, 4);
    second[9] = 3; // OS: Unix
    const kept = await clientChunk(wire(text, Buffer.concat([first, second])), stored);
    expect(kept).toBeInstanceOf(Buffer);
    expect(gunzipSync(kept as Buffer).toString('utf8')).toBe(text);
    expect((kept as Buffer).readUInt32LE(4)).toBe(0);
    expect((kept as Buffer)[first.length + 9]).toBe(0);
  });

  it('compresses again when a step changed the events', async () => {
    const masked = [{ ...stored[0], data: { href: 'https://shop.example/', width: 1280 } }, stored[1]];
    expect(await clientChunk(wire(text), masked as object[])).toBeUndefined();
    // An event dropped, or a key added.
    expect(await clientChunk(wire(text), [stored[0] as object])).toBeUndefined();
    expect(await clientChunk(wire(text), [{ ...stored[0], delay: 5 }, stored[1] as object])).toBeUndefined();
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
    ];
    for (const body of bodies) expect(await clientChunk(wire(body), stored), body).toBeUndefined();
  });

  it('compresses again when the gzip carries a file name, a comment, extra bytes or trailing bytes', async () => {
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
    for (const gzip of [named, trailing, commented])
      expect(await clientChunk(wire(text, gzip), stored)).toBeUndefined();
  });
});
