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
  /** The status the stand-in answered (set once the answer is sent). */
  status?: number;
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
  /** The JSON bodies of `POST /r/v1/sites/{siteKey}/consent` (receipts), in arrival order. */
  consentRegistrations(): Array<Record<string, unknown>>;
  /**
   * Sends the rest of every page held at its `<!--veil:hold-->` marker: until then the browser
   * has the part before it and the document is still loading.
   */
  releaseHeld(): void;
  close(): Promise<void>;
}

/** Where a test page stops streaming until `releaseHeld()`. */
export const HOLD_MARKER = '<!--veil:hold-->';

/** The consent side of the stand-in server (what the real server does, reduced to its rules). */
export interface ConsentOptions {
  /** Answer ingest `403 consent_required` unless the batch carries a registered, not withdrawn receipt. */
  enforce?: boolean;
  /** `GET /r/v1/sites/{siteKey}/banner?lang=`: the site's banner texts; null answers 404. */
  bannerTexts?: (lang: string) => unknown;
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
  consent?: ConsentOptions;
}): Promise<VeilTestServer> {
  const requests: CapturedRequest[] = [];
  let veilOrigin = '';
  const granted = new Set<string>();
  let held: Array<() => void> = [];
  const withdrawn = new Set<string>();

  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    const bundle = /^\/r\/v1\/(loader|recorder|banner|cmp|optout|layout|redact)\.js$/.exec(url.pathname);
    if (req.method === 'GET' && bundle) {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      res.end(readFileSync(join(options.distDir, `${bundle[1]}.js`)));
      return;
    }
    if (req.method === 'POST' && url.pathname === `/r/v1/sites/${options.siteKey}/consent`) {
      const body = JSON.parse(decodeBody(raw)) as { decision?: string; receiptId?: string };
      if (body.decision === 'granted' && body.receiptId) granted.add(body.receiptId);
      if (body.decision === 'withdrawn' && body.receiptId) withdrawn.add(body.receiptId);
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          receiptId: body.receiptId ?? 'anonymous',
          decision: body.decision,
          recordedAt: Date.now(),
        }),
      );
      return;
    }
    if (req.method === 'GET' && url.pathname === `/r/v1/sites/${options.siteKey}/banner`) {
      const texts = options.consent?.bannerTexts?.(url.searchParams.get('lang') ?? '') ?? null;
      res.writeHead(texts === null ? 404 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(texts ?? { error: { code: 'not_found', message: 'no banner texts' } }));
      return;
    }
    if (req.method === 'GET' && url.pathname === `/r/v1/sites/${options.siteKey}/config`) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(options.config()));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/ingest/v1/batch') {
      let body: { sessionId?: string; seq?: number; consentReceiptId?: string } = {};
      try {
        body = JSON.parse(decodeBody(raw));
      } catch {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end('{"error":{"code":"invalid_json","message":"not JSON"}}');
        return;
      }
      const receipt = body.consentReceiptId ?? '';
      if (options.consent?.enforce && (!granted.has(receipt) || withdrawn.has(receipt))) {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end('{"error":{"code":"consent_required","message":"no valid consent receipt"}}');
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
      const hold = html.indexOf(HOLD_MARKER);
      if (hold >= 0) {
        // Streamed in two parts: the document stays loading until the test releases the rest.
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.write(html.slice(0, hold));
        held.push(() => res.end(html.slice(hold)));
        return;
      }
      // A length the recorder's network metadata can report as the response size.
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(html),
      });
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
      const captured: CapturedRequest = {
        method: req.method ?? '',
        host: req.headers.host ?? '',
        path: req.url ?? '',
        at: Date.now(),
        contentType: req.headers['content-type'] ?? '',
        raw,
      };
      requests.push(captured);
      res.on('finish', () => {
        captured.status = res.statusCode;
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
    consentRegistrations() {
      return requests
        .filter((r) => r.method === 'POST' && r.path === `/r/v1/sites/${options.siteKey}/consent`)
        .map((r) => JSON.parse(decodeBody(r.raw)) as Record<string, unknown>);
    },
    releaseHeld() {
      for (const release of held.splice(0)) release();
    },
    close() {
      held = [];
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
