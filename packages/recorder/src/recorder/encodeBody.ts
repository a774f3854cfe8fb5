import { utf8Length } from './batchJson.js';

export interface EncodedBody {
  /** The gzip bytes, or the plain JSON. */
  body: Uint8Array<ArrayBuffer> | string;
  bytes: number;
  gzip: boolean;
}

/**
 * gzip through the browser's `CompressionStream`, on the calling thread (Chromium compresses on
 * it); plain JSON when the browser has no `CompressionStream` or compression fails. The server
 * recognises gzip by its magic bytes.
 *
 * The main thread's share is kept small (issue 17, measured in Chromium on the busy page's 11 MB
 * of batch JSON): the UTF-8 text goes into the compressor in one write (a `Blob`'s stream feeds
 * it 64 KB chunks through script promises). The result is bytes, not a `Blob`: a `Blob` body
 * looked cheaper to `fetch` only with DevTools attached (which copies byte bodies for the
 * inspector), and DevTools cannot show it, so tools that read what a page sent see nothing.
 */
export async function encodeBody(json: string): Promise<EncodedBody> {
  if (typeof CompressionStream === 'function') {
    try {
      const gzip = new CompressionStream('gzip');
      const writer = gzip.writable.getWriter();
      // A failed write also errors the readable side: the Response below rejects, and the
      // batch goes as plain JSON. These two promises are settled here so none is left unhandled.
      writer.write(new TextEncoder().encode(json)).catch(() => undefined);
      writer.close().catch(() => undefined);
      const body = new Uint8Array(await new Response(gzip.readable).arrayBuffer());
      return { body, bytes: body.byteLength, gzip: true };
    } catch {
      // Fall through to plain JSON: delivering uncompressed beats not delivering.
    }
  }
  return { body: json, bytes: utf8Length(json), gzip: false };
}
