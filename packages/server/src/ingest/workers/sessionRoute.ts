import { constants, gunzipSync } from 'node:zlib';

/** Compressed bytes read to find the session id (the head of the batch comes first). */
const PEEK_INPUT_BYTES = 512;
/** Most decompressed bytes the peek looks at (a bomb stops here and is routed by turn). */
const PEEK_OUTPUT_BYTES = 64 * 1024;
const SESSION_ID = /"sessionId"\s*:\s*"([A-Za-z0-9_-]{1,128})"/;

/**
 * The session id at the head of a batch body (plain or gzip), read without decompressing or parsing
 * the whole body; undefined when it is not in the first bytes. Only used to send a session's
 * batches to the same ingest worker: a wrong or missing answer costs a rebuild of the session's
 * privacy state from storage on the worker that gets the batch (`resumePrivacyState`), never
 * weaker masking, and the batch is validated in full there.
 */
export function peekSessionId(body: Buffer | undefined): string | undefined {
  if (!body || body.length === 0) return undefined;
  let head: Buffer;
  if (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b) {
    try {
      head = gunzipSync(body.subarray(0, PEEK_INPUT_BYTES), {
        finishFlush: constants.Z_SYNC_FLUSH,
        maxOutputLength: PEEK_OUTPUT_BYTES,
      });
    } catch {
      return undefined;
    }
  } else {
    head = body.subarray(0, PEEK_OUTPUT_BYTES);
  }
  return SESSION_ID.exec(head.toString('latin1'))?.[1];
}

/** FNV-1a of the session id: the same session always lands on the same of `workers` workers. */
export function workerForSession(sessionId: string, workers: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    h ^= sessionId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % workers;
}
