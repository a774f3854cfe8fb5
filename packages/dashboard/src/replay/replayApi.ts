import { recordedEventSchema } from '@veil/core';
import { z } from 'zod';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

/** The time-limited grant a raw replay access runs under (its ticket reference and end). */
const grantSchema = z.object({ ticket: z.string().nullable().catch(null), expiresAt: z.number() });

/**
 * The answer of a raw replay access: decrypted rrweb events, logged with their purpose. Core's
 * `recordedEventSchema` keeps what a timeline needs (numeric `type` and `timestamp`); the rest of
 * an event is untrusted replay data that only the sandboxed replayer interprets.
 */
const sessionEventsSchema = z.object({
  sessionId: z.string(),
  purpose: z.string().catch(''),
  grant: z.preprocess(
    (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined),
    grantSchema.optional(),
  ),
  events: z.array(recordedEventSchema),
});
export type SessionEvents = z.infer<typeof sessionEventsSchema>;

/** The raw replay endpoint of docs/api.md. */
export function replayApi(api: ApiClient) {
  return {
    /** A raw replay access: the server logs it with `purpose` (and the optional `ticket`). */
    events(id: string, purpose: string, signal?: AbortSignal, ticket = ''): Promise<SessionEvents> {
      const query = new URLSearchParams({ purpose });
      if (ticket !== '') query.set('ticket', ticket);
      const path = `/sessions/${encodeURIComponent(id)}/events?${query.toString()}`;
      return api.request(path, decoder(sessionEventsSchema), { signal });
    },
  };
}
export type ReplayApi = ReturnType<typeof replayApi>;
