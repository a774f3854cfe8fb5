import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, pageViewEvent, sessionId, snapshotEvent, T0 } from '../support/batches.js';
import { readReplay } from '../support/replay.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

const PLANTED = 'Planted-Secret-Text-7f3a9c';
const PLANTED_TITLE = 'Order for Ada Lovelace 1815';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Every gzip stream that starts somewhere in `bytes`, decompressed (what a careless store would hold). */
function gunzipAll(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (
    let i = bytes.indexOf(Buffer.from([0x1f, 0x8b, 0x08]));
    i !== -1;
    i = bytes.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), i + 1)
  ) {
    try {
      out.push(gunzipSync(bytes.subarray(i), { finishFlush: 2 /* Z_SYNC_FLUSH: tolerate trailing bytes */ }));
    } catch {
      // not a gzip stream after all
    }
  }
  return out;
}

describe('encryption at rest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('leaves neither the planted text nor its gzip-free form anywhere in the data directory', async () => {
    const id = sessionId();
    const batch = makeBatch({
      siteKey: t.site.siteKey,
      sessionId: id,
      events: [
        metaEvent(T0, `${SITE_ORIGIN}/orders`),
        snapshotEvent(T0 + 1, `Dear customer: ${PLANTED}`),
        pageViewEvent(T0 + 2, `${SITE_ORIGIN}/orders`, PLANTED_TITLE),
      ],
    });
    expect((await t.ingest(batch)).statusCode).toBe(202);
    // The replay still reads back, so the text is stored, just not readably.
    const headers = await t.loginHeaders();
    const cookie = headers.cookie ?? '';
    const res = await readReplay(t.app, headers, id, 'verify the text reads back');
    expect(res.body).toContain(PLANTED);
    const detail = await t.app.inject({ url: `/api/v1/sessions/${id}`, headers: { cookie } });
    expect(detail.json().session.pages[0].title).toBe(PLANTED_TITLE);

    const files = filesUnder(t.config.dataDir);
    expect(files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['veil.sqlite', 'veil.sqlite-wal', 'master.key']),
    );
    for (const file of files) expect(statSync(file).mode & 0o077, `${file} is private`).toBe(0);
    let scanned = 0;
    for (const file of files) {
      const bytes = readFileSync(file);
      scanned += bytes.length;
      for (const needle of [PLANTED, PLANTED_TITLE]) {
        for (const encoding of ['utf8', 'utf16le'] as const) {
          expect(bytes.includes(Buffer.from(needle, encoding)), `${needle} (${encoding}) in ${file}`).toBe(
            false,
          );
        }
        for (const inflated of gunzipAll(bytes)) {
          expect(inflated.includes(Buffer.from(needle)), `${needle} gzipped in ${file}`).toBe(false);
        }
      }
    }
    expect(scanned).toBeGreaterThan(0);
  });
});
