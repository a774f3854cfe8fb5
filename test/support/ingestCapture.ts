import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One `POST /ingest/v1/batch` the browser sent, as bytes on the wire and decompressed. */
export interface CapturedBatch {
  url: string;
  contentType: string | undefined;
  /** Bytes as sent (gzip or plain). */
  wire: Buffer;
  /** Bytes after gunzip (the same as `wire` when the body was not gzipped). */
  body: Buffer;
  gzipped: boolean;
  /** Set when the body claimed gzip but did not decompress (`body` is then the wire bytes). */
  decodeError?: string;
  /** The server's answer. */
  status: number;
}

/** A forward HTTP proxy that hands every request on unchanged and keeps the bodies of ingest batches. */
export interface IngestTap {
  /** For `browser.newContext({ proxy: { server } })`. */
  server: string;
  batches: CapturedBatch[];
  close(): Promise<void>;
}

const INGEST_PATH = '/ingest/v1/batch';

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function decode(
  wire: Buffer,
  contentEncoding: string | undefined,
): Omit<CapturedBatch, 'url' | 'status' | 'contentType'> {
  const gzipped = isGzip(wire) || contentEncoding === 'gzip';
  if (!gzipped) return { wire, body: wire, gzipped };
  try {
    return { wire, body: gunzipSync(wire), gzipped };
  } catch (error) {
    return { wire, body: wire, gzipped, decodeError: String(error) };
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Why a proxy and not `page.on('request')`: the batches that matter most are sent by
 * `sendBeacon` / `fetch(keepalive)` from a page that is going away (navigation, `pagehide` on
 * close), and Playwright does not report requests of a document that has been unloaded. Every
 * byte the browser sends to the server passes here (Playwright proxies loopback too).
 */
export async function startIngestTap(): Promise<IngestTap> {
  const batches: CapturedBatch[] = [];
  const proxy = createServer(async (req, res) => {
    try {
      const target = new URL(req.url ?? '/'); // absolute-form: the browser talks to a proxy
      const body = await readBody(req);
      const headers = { ...req.headers };
      delete headers['proxy-connection'];
      const upstream = httpRequest(
        target,
        { method: req.method, headers: { ...headers, host: target.host } },
        (answer) => {
          if (req.method === 'POST' && target.pathname === INGEST_PATH) {
            batches.push({
              ...decode(body, req.headers['content-encoding']),
              contentType: req.headers['content-type'],
              url: target.href,
              status: answer.statusCode ?? 0,
            });
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    } catch {
      res.writeHead(400).end();
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    server: `http://127.0.0.1:${port}`,
    batches,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

/** rrweb's Meta event: one at the start of every recorded page view, with the page's `href`. */
const META_EVENT = 4;

/**
 * The pathnames of the page views in `batches` (one Meta event each), in the order they were
 * sent; a body that is not a batch counts for nothing.
 */
export function recordedPageViews(batches: readonly CapturedBatch[]): string[] {
  const paths: string[] = [];
  for (const batch of batches) {
    let events: unknown;
    try {
      events = (JSON.parse(batch.body.toString('utf8')) as { events?: unknown }).events;
    } catch {
      continue;
    }
    if (!Array.isArray(events)) continue;
    for (const event of events as Array<{ type?: unknown; data?: { href?: unknown } }>) {
      if (event.type === META_EVENT && typeof event.data?.href === 'string')
        paths.push(new URL(event.data.href, 'http://page.invalid').pathname);
    }
  }
  return paths;
}
