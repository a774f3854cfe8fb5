import { crc32, gunzipSync, inflateRawSync } from 'node:zlib';

const inflateRawInfo = inflateRawSync as unknown as (
  buffer: Buffer,
  options: { info: true; maxOutputLength: number; chunkSize: number },
) => { buffer: Buffer; engine: { bytesWritten: number } };

const GZIP_HEADER_BYTES = 10;
const GZIP_TRAILER_BYTES = 8;
/**
 * Smallest output chunk of one inflate step: the body's last 4 bytes (the last member's size, as
 * the client claims it) only ever shrink the step from `chunkSize` down to this, so a forged size
 * cannot make a bomb take many round trips through the event loop.
 */
const MIN_CHUNK_BYTES = 256 * 1024;

/** A gzip body decompressed once. */
export interface GunzippedBody {
  /** The decompressed bytes. */
  bytes: Buffer;
  /**
   * A copy of the body with each member's MTIME/XFL/OS zeroed, when the body is plain gzip members
   * only: no optional header field (name, comment, extra), each member's CRC-32 and length checked,
   * each ending exactly where the next begins and nothing after the last. `undefined` otherwise.
   * The chunk `store` may keep as sent (`clientChunk`) without decompressing a second time.
   */
  members: Buffer | undefined;
}

/**
 * Gunzips `body` (throws as `zlib.gunzip` does: `ERR_BUFFER_TOO_LARGE` beyond `maxOutputLength`,
 * so a bomb stops there). Plain members are inflated one by one, so their bounds are known from
 * this one pass; any other shape of gzip is decompressed by `zlib.gunzip` as a whole, and its
 * members are not kept.
 *
 * Synchronous on the calling thread (an ingest worker, or the main thread without workers): a
 * batch inflates in well under a millisecond, and even a bomb stops at `maxOutputLength` within
 * milliseconds, while zlib's asynchronous form costs a stream, a thread-pool round trip and a turn
 * of the event loop per output step (profiled: more CPU than the inflate itself).
 */
export async function gunzipBody(
  body: Buffer,
  options: { maxOutputLength: number; chunkSize: number },
): Promise<GunzippedBody> {
  const plain = plainMembers(body, options);
  if (plain) return plain;
  return { bytes: gunzipSync(body, options), members: undefined };
}

function plainMembers(
  body: Buffer,
  { maxOutputLength, chunkSize }: { maxOutputLength: number; chunkSize: number },
): GunzippedBody | undefined {
  const members = Buffer.from(body);
  // One output buffer the size of the batch (the recorder sends one member), not `chunkSize` each.
  const claimed = body.length >= 4 ? body.readUInt32LE(body.length - 4) : 0;
  const stepBytes = Math.min(chunkSize, Math.max(MIN_CHUNK_BYTES, claimed + 1));
  const outputs: Buffer[] = [];
  let produced = 0;
  let pos = 0;
  while (pos < body.length) {
    if (
      body.length - pos < GZIP_HEADER_BYTES + GZIP_TRAILER_BYTES ||
      body[pos] !== 0x1f ||
      body[pos + 1] !== 0x8b ||
      body[pos + 2] !== 8 /* deflate */ ||
      body[pos + 3] !== 0 /* no FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT */ ||
      produced >= maxOutputLength
    )
      return undefined;
    let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      inflated = inflateRawInfo(body.subarray(pos + GZIP_HEADER_BYTES), {
        info: true,
        maxOutputLength: maxOutputLength - produced,
        chunkSize: stepBytes,
      });
    } catch (error) {
      // A bomb is refused here; anything else is left to `zlib.gunzip`'s own verdict.
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw error;
      return undefined;
    }
    const { buffer } = inflated;
    const trailer = pos + GZIP_HEADER_BYTES + inflated.engine.bytesWritten;
    if (
      trailer + GZIP_TRAILER_BYTES > body.length ||
      body.readUInt32LE(trailer) !== crc32(buffer) ||
      body.readUInt32LE(trailer + 4) !== buffer.length % 2 ** 32
    )
      return undefined;
    members.fill(0, pos + 4, pos + GZIP_HEADER_BYTES);
    outputs.push(buffer);
    produced += buffer.length;
    pos = trailer + GZIP_TRAILER_BYTES;
  }
  if (outputs.length === 0) return undefined;
  return { bytes: outputs.length === 1 ? (outputs[0] as Buffer) : Buffer.concat(outputs, produced), members };
}
