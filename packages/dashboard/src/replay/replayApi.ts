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

const grantResponseSchema = z.object({ grant: z.object({ id: z.string() }) });

/** The raw replay endpoints of docs/api.md. */
export function replayApi(api: ApiClient) {
  return {
    /**
     * A raw replay access: opens (or reuses) a grant for `purpose` and the optional `ticket` with a
     * POST — the server records it — then reads the events under that grant (the GET changes nothing).
     */
    async events(id: string, purpose: string, signal?: AbortSignal, ticket = ''): Promise<SessionEvents> {
      const session = `/sessions/${encodeURIComponent(id)}`;
      const { grant } = await api.request(`${session}/replay-grants`, decoder(grantResponseSchema), {
        method: 'POST',
        body: ticket === '' ? { purpose } : { purpose, ticket },
        signal,
      });
      const query = new URLSearchParams({ grant: grant.id });
      return api.request(`${session}/events?${query.toString()}`, decoder(sessionEventsSchema), { signal });
    },
  };
}
export type ReplayApi = ReturnType<typeof replayApi>;
