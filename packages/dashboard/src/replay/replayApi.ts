import {
  replayGrantEnvelopeSchema,
  type SessionEventsResponse,
  sessionEventsResponseSchema,
} from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

/** The answer of a raw replay access (the server's own schema, from @veil/core). */
export type SessionEvents = SessionEventsResponse;

/** The raw replay endpoints of docs/api.md. */
export function replayApi(api: ApiClient) {
  return {
    /**
     * A raw replay access: opens (or reuses) a grant for `purpose` and the optional `ticket` with a
     * POST — the server records it — then reads the events under that grant (the GET changes nothing).
     */
    async events(id: string, purpose: string, signal?: AbortSignal, ticket = ''): Promise<SessionEvents> {
      const session = `/sessions/${encodeURIComponent(id)}`;
      const { grant } = await api.request(`${session}/replay-grants`, decoder(replayGrantEnvelopeSchema), {
        method: 'POST',
        body: ticket === '' ? { purpose } : { purpose, ticket },
        signal,
      });
      const query = new URLSearchParams({ grant: grant.id });
      return api.request(`${session}/events?${query.toString()}`, decoder(sessionEventsResponseSchema), {
        signal,
      });
    },
  };
}
export type ReplayApi = ReturnType<typeof replayApi>;
