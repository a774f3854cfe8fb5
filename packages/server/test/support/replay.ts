import type { LightMyRequestResponse } from 'fastify';
import type { VeilApp } from '../../src/createApp.js';

/**
 * A raw replay read as a client makes it: `POST /sessions/{id}/replay-grants` with the purpose
 * (and ticket), then `GET /sessions/{id}/events?grant=…`. Returns the refusal when the grant is
 * refused, else the events response.
 */
export async function readReplay(
  app: VeilApp,
  headers: Record<string, string>,
  sessionId: string,
  purpose = 'test: read the raw replay',
  ticket?: string,
): Promise<LightMyRequestResponse> {
  const opened = await app.inject({
    method: 'POST',
    url: `/api/v1/sessions/${encodeURIComponent(sessionId)}/replay-grants`,
    headers,
    payload: ticket === undefined ? { purpose } : { purpose, ticket },
  });
  if (opened.statusCode !== 201) return opened;
  const grant = opened.json().grant.id as string;
  return app.inject({
    url: `/api/v1/sessions/${encodeURIComponent(sessionId)}/events?grant=${grant}`,
    headers,
  });
}
