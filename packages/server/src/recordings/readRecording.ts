import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { MAX_BATCH_DECOMPRESSED_BYTES } from '@veil/core';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import type { Store } from '../storage/Store.js';
import { chunkEventsJson } from './chunkEvents.js';

const gunzipAsync = promisify(gunzip);

export interface PageViewOut {
  url: string;
  title: string | null;
  ts: number;
}

/**
 * The JSON text of each chunk's event array, in sequence order, decrypted and decompressed.
 * Throws when a chunk does not authenticate: a replay is never silently partial.
 */
export async function readEventArrays(
  store: Store,
  cipher: EnvelopeCipher,
  sessionId: string,
): Promise<string[]> {
  const chunks = await store.recordings.chunks(sessionId);
  if (chunks.length === 0) return [];
  const wrapped = await store.recordings.wrappedKey(sessionId);
  if (!wrapped) throw new Error('the session has chunks but no data key');
  const dataKey = cipher.unwrapDataKey(sessionId, wrapped);
  try {
    const texts: string[] = [];
    for (const chunk of chunks) {
      const gz = cipher.openChunk(dataKey, sessionId, chunk.seq, chunk.payload);
      const json = await gunzipAsync(gz, { maxOutputLength: MAX_BATCH_DECOMPRESSED_BYTES });
      texts.push(chunkEventsJson(json.toString('utf8')));
    }
    return texts;
  } finally {
    dataKey.fill(0);
  }
}

/** `[a,b]`, `[]`, `[c]` → `[a,b,c]` without parsing and re-serialising every event. */
export function concatJsonArrays(arrays: readonly string[]): string {
  const inner = arrays.map((a) => a.trim().slice(1, -1).trim()).filter((s) => s !== '');
  return `[${inner.join(',')}]`;
}

/** The session's page views with their titles decrypted. */
export async function readPageViews(
  store: Store,
  cipher: EnvelopeCipher,
  sessionId: string,
): Promise<PageViewOut[]> {
  const pages = await store.recordings.pages(sessionId);
  if (!pages.some((p) => p.sealedTitle !== null))
    return pages.map(({ url, ts }) => ({ url, title: null, ts }));
  const wrapped = await store.recordings.wrappedKey(sessionId);
  if (!wrapped) return pages.map(({ url, ts }) => ({ url, title: null, ts }));
  const dataKey = cipher.unwrapDataKey(sessionId, wrapped);
  try {
    return pages.map(({ url, ts, sealedTitle }) => ({
      url,
      ts,
      title: sealedTitle === null ? null : cipher.openTitle(dataKey, sessionId, sealedTitle),
    }));
  } finally {
    dataKey.fill(0);
  }
}
