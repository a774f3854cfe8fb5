import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Paths requested so far (what reached this server; third-party requests never do). */
  hits: string[];
  close(): Promise<void>;
}

/**
 * A tiny HTTP server on 127.0.0.1 for fixture pages: `pages` maps a path to its HTML (or a function
 * of the server's origin, for pages that link or load from it). Anything else is 404.
 */
export async function startFixtureServer(
  pages: Record<string, string | ((origin: string) => string)>,
): Promise<FixtureServer> {
  const hits: string[] = [];
  let origin = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.push(path);
    const page = pages[path];
    if (page === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const body = typeof page === 'function' ? page(origin) : page;
    const type = path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8';
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    hits,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A scan's page-watch times, short enough for tests and long enough for inline trackers. */
export const TEST_SETTLE = { minDwellMs: 250, quietMs: 200, maxMs: 4_000 } as const;
