import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { IngestAck } from '@veil/core';
import type { Clock } from '../../clock.js';
import { clientChunk } from '../clientChunk.js';
import { type Drop, drop } from '../Drop.js';
import type { BatchSignals, IngestWrites } from '../IngestWrites.js';
import { summarizeBatch } from '../summarizeBatch.js';
import type { LocatedBatch } from './siteAndOrigin.js';

const gzipAsync = promisify(gzip);

export interface StoredBatch extends LocatedBatch {
  ack: IngestAck;
}

/**
 * Step 4: gzip the events (or keep the client's gzip when it provably holds exactly them, `clientChunk`), then
 * hand the chunk to `writes.chunk`: in one transaction (the group commit's, shared with the batches
 * stored at the same moment; resolved after the commit) it creates the session and its data key when
 * new, seals and inserts the chunk once per (session, seq), folds a new chunk into the summary, and
 * counts the batch's signals (step `signals`) once per (session, seq).
 */
export async function storeBatch(
  deps: {
    clock: Clock;
    /** Writes the chunk (the group commit's transaction; resolved after the commit). */
    writes: Pick<IngestWrites, 'chunk'>;
  },
  input: LocatedBatch & { signals?: BatchSignals; redaction?: { changed: boolean } },
): Promise<StoredBatch | Drop> {
  const { batch, site } = input;
  const summary = summarizeBatch(batch.events, batch.sentAt);
  // The client's own gzip when it holds exactly these events (proven without serialising them);
  // else the events serialised and compressed.
  const kept = input.wire ? clientChunk(input.wire, batch.events, input.redaction?.changed) : undefined;
  const compressed = kept ?? (await gzipAsync(Buffer.from(JSON.stringify(batch.events), 'utf8')));
  const outcome = await deps.writes.chunk({
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
    compressed,
    titles: summary.pages.map((p) => p.title),
    signals: input.signals,
  });
  if (outcome === 'conflict') return drop('conflict', 'this session id belongs to another site');
  return {
    ...input,
    ack: { sessionId: batch.sessionId, ack: batch.seq, duplicate: outcome === 'duplicate' },
  };
}
