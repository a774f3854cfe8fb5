import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { IngestAck } from '@veil/core';
import type { Clock } from '../../clock.js';
import type { EnvelopeCipher } from '../../crypto/EnvelopeCipher.js';
import type { ChunkWrite, IngestOutcome } from '../../storage/recordings/RecordingRepository.js';
import type { Store } from '../../storage/Store.js';
import { clientChunk } from '../clientChunk.js';
import { type Drop, drop } from '../Drop.js';
import { summarizeBatch } from '../summarizeBatch.js';
import type { LocatedBatch } from './siteAndOrigin.js';

const gzipAsync = promisify(gzip);

export interface StoredBatch extends LocatedBatch {
  ack: IngestAck;
}

/**
 * Step 4: gzip the events (or keep the client's gzip when it holds exactly them, `clientChunk`), then in one transaction (the group commit's, shared with the batches
 * stored at the same moment; resolved after the commit) create the session and its data key when new,
 * seal and insert the chunk once per (session, seq), and fold a new chunk into the summary.
 */
export async function storeBatch(
  deps: {
    store: Store;
    cipher: EnvelopeCipher;
    clock: Clock;
    /** The group commit the chunk joins. @default its own transaction (`recordings.ingestChunk`) */
    commit?: (write: ChunkWrite) => Promise<IngestOutcome>;
  },
  input: LocatedBatch,
): Promise<StoredBatch | Drop> {
  const { batch, site } = input;
  const summary = summarizeBatch(batch.events, batch.sentAt);
  // The client's own gzip when it holds exactly these events: no second compression.
  const kept = input.wire ? await clientChunk(input.wire, batch.events) : undefined;
  const compressed = kept ?? (await gzipAsync(Buffer.from(JSON.stringify(batch.events), 'utf8')));
  const { cipher } = deps;
  const commit = deps.commit ?? ((w: ChunkWrite) => deps.store.recordings.ingestChunk(w.chunk, w.sealer));
  const outcome = await commit({
    chunk: {
      siteId: site.id,
      sessionId: batch.sessionId,
      visitorId: batch.visitorId,
      seq: batch.seq,
      receivedAt: deps.clock.now(),
      eventCount: summary.eventCount,
      firstTs: summary.firstTs,
      lastTs: summary.lastTs,
      pages: summary.pages.map(({ url, ts, viewportWidth }) => ({ url, ts, viewportWidth })),
      demo: site.demo === true,
    },
    sealer: {
      newWrappedDataKey: () => cipher.newWrappedDataKey(batch.sessionId),
      seal: (wrappedKey) => {
        const dataKey = cipher.unwrapDataKey(batch.sessionId, wrappedKey);
        try {
          return {
            payload: cipher.sealChunk(dataKey, batch.sessionId, batch.seq, compressed),
            titles: summary.pages.map((p) =>
              p.title === null ? null : cipher.sealTitle(dataKey, batch.sessionId, p.title),
            ),
          };
        } finally {
          dataKey.fill(0);
        }
      },
    },
  });
  if (outcome === 'conflict') return drop('conflict', 'this session id belongs to another site');
  return {
    ...input,
    ack: { sessionId: batch.sessionId, ack: batch.seq, duplicate: outcome === 'duplicate' },
  };
}
