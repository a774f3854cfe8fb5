/**
 * The site under test for the privacy e2e tests: a plain node:http server on its own origin that
 * serves the generated corpus pages, either with Veil's snippet (`mode=veil`) or with raw
 * `@rrweb/record` and no masking at all, posting straight to Veil's ingest (`mode=raw`: the server
 * layer alone must then catch everything).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { corpusPageHtml } from './corpusPage.js';
import type { PiiCase } from './plantedPii.js';

const RRWEB_UMD = fileURLToPath(
  new URL('../../node_modules/@rrweb/record/dist/record.umd.min.cjs', import.meta.url),
);

export interface CorpusSite {
  /** `http://localhost:PORT` */
  origin: string;
  close(): Promise<void>;
}

export interface CorpusSiteOptions {
  cases: readonly PiiCase[];
  veilOrigin: string;
  siteKey: string;
  /** Markup added to the head in `veil` mode after the snippet (e.g. a canary element's style). */
  extraHead?: string;
  /** Extra markup at the start of the body (canary sentinels). */
  extraBody?: string;
}

/** Raw rrweb without any masking, batching to Veil's ingest like a recorder that lies. */
function rawRecorderHead(veilOrigin: string, siteKey: string): string {
  return `<script src="/rrweb-record.js"></script>
<script>
(function () {
  var buffer = [];
  var seq = 0;
  var sessionId = 'raw_' + Math.random().toString(36).slice(2, 14) + Date.now().toString(36);
  window.corpusSessionId = sessionId;
  window.rrwebRecord.record({
    emit: function (e) { buffer.push(e); },
    maskAllInputs: false,
    maskInputOptions: {},
    recordCanvas: false,
  });
  window.corpusFlush = function () {
    if (buffer.length === 0) return Promise.resolve(0);
    var events = buffer.splice(0);
    // keepalive bodies are capped at 64 KiB: a large first snapshot goes without it.
    var body = JSON.stringify({ v: 1, siteKey: ${JSON.stringify(siteKey)}, sessionId: sessionId, seq: seq++, sentAt: Date.now(), events: events });
    return fetch(${JSON.stringify(`${veilOrigin}/ingest/v1/batch`)}, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: body, keepalive: body.length < 60000, credentials: 'omit' })
      .then(function (r) { return r.status; });
  };
  setInterval(window.corpusFlush, 1000);
})();
</script>`;
}

function veilHead(veilOrigin: string, siteKey: string): string {
  return `<script>window.veil=window.veil||function(){(veil.q=veil.q||[]).push(arguments)};</script>
<script src="${veilOrigin}/r/v1/loader.js" data-site="${siteKey}" data-lawful-basis="legitimate_interest" data-debug async></script>`;
}

export async function startCorpusSite(options: CorpusSiteOptions): Promise<CorpusSite> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const mode = url.searchParams.get('mode') === 'raw' ? 'raw' : 'veil';
    if (url.pathname === '/rrweb-record.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(readFileSync(RRWEB_UMD));
      return;
    }
    const head =
      mode === 'raw'
        ? rawRecorderHead(options.veilOrigin, options.siteKey)
        : veilHead(options.veilOrigin, options.siteKey);
    if (url.pathname === '/corpus/page.html') {
      const html = corpusPageHtml(options.cases, { head: `${head}\n${options.extraHead ?? ''}` }).replace(
        '<h1>Planted PII corpus</h1>',
        `<h1>Planted PII corpus</h1>\n${options.extraBody ?? ''}`,
      );
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    const frame = /^\/corpus\/frame\/([a-z]+)\.html$/.exec(url.pathname);
    if (frame) {
      // A same-origin iframe's document: no snippet (the recorder never runs inside frames).
      const c = options.cases.find((x) => x.id === frame[1]);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html><head><meta charset="utf-8"></head><body><p>Contact ${(c?.value ?? '').replace(/</g, '&lt;')}</p></body></html>`,
      );
      return;
    }
    if (url.pathname.startsWith('/corpus/page/')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html><head><meta charset="utf-8"><title>Page</title>${head}</head><body><p>A page whose URL path holds a value.</p></body></html>`,
      );
      return;
    }
    // Links and images of the corpus point here; nothing to serve.
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
