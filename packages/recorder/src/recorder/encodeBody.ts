import { utf8Length } from './batchJson.js';

export interface EncodedBody {
  body: Uint8Array<ArrayBuffer> | string;
  bytes: number;
  gzip: boolean;
}

/**
 * gzip through the browser's `CompressionStream`, on the calling thread (Chromium compresses on
 * it); plain JSON when the browser has no `CompressionStream` or compression fails. The server
 * recognises gzip by its magic bytes.
 */
export async function encodeBody(json: string): Promise<EncodedBody> {
  if (typeof CompressionStream === 'function') {
    try {
      const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'));
      const body = new Uint8Array(await new Response(stream).arrayBuffer());
      return { body, bytes: body.byteLength, gzip: true };
    } catch {
      // Fall through to plain JSON: delivering uncompressed beats not delivering.
    }
  }
  return { body: json, bytes: utf8Length(json), gzip: false };
}
