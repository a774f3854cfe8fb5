import { z } from 'zod';
import { recordedEventSchema } from '../wire/batch.js';

/**
 * The answers of the raw replay endpoints (`/api/v1/sessions/{id}/replay-grants`, `/events`), in one
 * place: the server declares its routes with them, the dashboard decodes with them.
 */

/** The time-limited, purpose-bound grant a raw replay access runs under. */
export const replayGrantSchema = z
  .object({ id: z.string(), purpose: z.string(), ticket: z.string().nullable(), expiresAt: z.number() })
  .meta({ id: 'ReplayGrant' });
export type ReplayGrantResponse = z.output<typeof replayGrantSchema>;

/** `POST /sessions/{id}/replay-grants`. */
export const replayGrantEnvelopeSchema = z.object({ grant: replayGrantSchema });

/**
 * `GET /sessions/{id}/events?grant=…`: the decrypted rrweb events, in sequence order. Each event
 * passed `recordedEventSchema` at ingest (numeric `type` and `timestamp`); the rest of an event is
 * untrusted replay data that only the sandboxed replayer interprets.
 */
export const sessionEventsResponseSchema = z.object({
  sessionId: z.string(),
  purpose: z.string(),
  grant: replayGrantSchema,
  events: z.array(recordedEventSchema),
});
export type SessionEventsResponse = z.output<typeof sessionEventsResponseSchema>;
