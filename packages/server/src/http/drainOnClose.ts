import type { ErrorBody } from '@veil/core';
import type { FastifyInstance } from 'fastify';

/** What a client is told to wait (`Retry-After`, seconds) when this process is shutting down. */
export const SHUTDOWN_RETRY_AFTER_SECONDS = 5;
/** The longest a shutdown waits for requests in flight before it closes the store regardless. */
export const SHUTDOWN_DRAIN_MAX_MS = 8_000;

/**
 * Graceful shutdown (SIGTERM → `app.close()`): before the listener closes, requests already being
 * handled run to their end, so every batch in flight is stored and acknowledged; meanwhile each
 * new request, on a new or a kept-alive connection, is answered at once with 503 `unavailable`,
 * `Retry-After` and `Connection: close`, so the recorder keeps its batch and sends it again later
 * (to this process after a restart, or to another one). Every answer given while draining closes
 * its connection, so no idle keep-alive connection holds the shutdown open.
 *
 * Call before any route is registered, with Fastify's own `return503OnClosing` off (its 503 has
 * neither the envelope nor `Retry-After`, and comes only after the listener has closed).
 */
export function installDrainOnClose(app: FastifyInstance): void {
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  app.addHook('onRequest', async (request, reply) => {
    if (!draining) {
      inFlight += 1;
      // 'close' comes after the answer was sent and also when the client went away.
      reply.raw.once('close', () => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
      return;
    }
    request.log.info('refused while shutting down');
    const body: ErrorBody = { error: { code: 'unavailable', message: 'Veil is shutting down; retry later' } };
    return reply
      .status(503)
      .header('retry-after', String(SHUTDOWN_RETRY_AFTER_SECONDS))
      .type('application/json; charset=utf-8')
      .send(body);
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    if (draining) reply.header('connection', 'close');
    return payload;
  });

  app.addHook('preClose', async () => {
    draining = true;
    if (inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        app.log.warn({ inFlight }, 'shutdown: requests still in flight after the drain period');
        resolve();
      }, SHUTDOWN_DRAIN_MAX_MS);
      drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  });
}
