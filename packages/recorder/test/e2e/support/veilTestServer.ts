import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One request as the browser sent it: the raw body bytes, before any decoding. */
export interface CapturedRequest {
  method: string;
  /** The Host header: tells requests to Veil (127.0.0.1) from requests to the page (localhost). */
  host: string;
  path: string;
  /** Arrival time, ms since epoch. */
  at: number;
  contentType: string;
  raw: Buffer;
}

/** A decoded ingest batch with the request it came in. */
export interface CapturedBatch {
  request: CapturedRequest;
  gzip: boolean;
  text: string;
  batch: {
    sessionId: string;
    seq: number;
    final?: boolean;
    visitorId?: string;
    consentReceiptId?: string;
    events: Array<{ type: number; timestamp: number; data: Record<string, unknown> }>;
  };
}

export interface VeilTestServer {
  /** Where Veil lives: loader, recorder, config, ingest (`http://127.0.0.1:PORT`). */
  veilOrigin: string;
  /** Where the test pages live: another origin on the same server (`http://localhost:PORT`). */
  pageOrigin: string;
  siteKey: string;
  requests: CapturedRequest[];
  batches(): CapturedBatch[];
  close(): Promise<void>;
}

export function isGzip(raw: Buffer): boolean {
  return raw.length > 2 && raw[0] === 0x1f && raw[1] === 0x8b;
}

export function decodeBody(raw: Buffer): string {
  return (isGzip(raw) ? gunzipSync(raw) : raw).toString('utf8');
}

/**
 * The network the recorder talks to, played by a plain node:http server: it serves the built
 * bundles, the test pages and a site config, and captures every request body byte for byte.
 */
export async function startVeilTestServer(options: {
  distDir: string;
  pagesDir: string;
  siteKey: string;
  config: () => unknown;
}): Promise<VeilTestServer> {
  const requests: CapturedRequest[] = [];
  let veilOrigin = '';

  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'GET' && /^\/r\/v1\/(loader|recorder)\.js$/.test(url.pathname)) {
      const file = url.pathname.endsWith('loader.js') ? 'loader.js' : 'recorder.js';
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      res.end(readFileSync(join(options.distDir, file)));
      return;
    }
    if (req.method === 'GET' && url.pathname === `/r/v1/sites/${options.siteKey}/config`) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(options.config()));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/ingest/v1/batch') {
      let body: { sessionId?: string; seq?: number } = {};
      try {
        body = JSON.parse(decodeBody(raw));
      } catch {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end('{"error":{"code":"invalid_json","message":"not JSON"}}');
        return;
      }
      res.writeHead(202, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ sessionId: body.sessionId, ack: body.seq, duplicate: false }));
      return;
    }
    const page = /^\/pages\/([\w-]+\.html)$/.exec(url.pathname);
    if (req.method === 'GET' && page) {
      const html = readFileSync(join(options.pagesDir, page[1]!), 'utf8')
        .replaceAll('{{VEIL_ORIGIN}}', veilOrigin)
        .replaceAll('{{SITE_KEY}}', options.siteKey);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    res.writeHead(404).end();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      requests.push({
        method: req.method ?? '',
        host: req.headers.host ?? '',
        path: req.url ?? '',
        at: Date.now(),
        contentType: req.headers['content-type'] ?? '',
        raw,
      });
      handle(req, res, raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  veilOrigin = `http://127.0.0.1:${port}`;

  return {
    veilOrigin,
    pageOrigin: `http://localhost:${port}`,
    siteKey: options.siteKey,
    requests,
    batches() {
      return requests
        .filter((r) => r.method === 'POST' && r.path === '/ingest/v1/batch')
        .map((request) => {
          const text = decodeBody(request.raw);
          return { request, gzip: isGzip(request.raw), text, batch: JSON.parse(text) };
        });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
