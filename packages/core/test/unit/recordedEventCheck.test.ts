import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ingestBatchEnvelopeSchema,
  ingestBatchSchema,
  isRecordedEvent,
  recordedEventSchema,
} from '../../src/index.js';

/** Values near each field's edges, and of every other JSON type. */
const number = fc.oneof(
  fc.constantFrom(0, -0, 1, 6, 7, -1, 0.5, 6.5, 1e300, Number.MAX_SAFE_INTEGER, 1.7e12),
  fc.double(),
  fc.integer({ min: -3, max: 9 }),
);
const other = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.nat()),
);
const field = fc.oneof(number, other);

/** Events with each of `type`, `timestamp`, `data`, `delay` present or not, of any value. */
const eventLike = fc.oneof(
  fc
    .record(
      { type: field, timestamp: field, data: fc.oneof(fc.jsonValue(), fc.constant(undefined)), delay: field },
      { requiredKeys: [] },
    )
    .map((e) => e as unknown),
  fc.jsonValue(),
  // As JSON.parse makes them: `__proto__` an own key, not the prototype.
  fc.constantFrom(
    JSON.parse('{"type":1,"timestamp":1,"__proto__":{"data":1}}'),
    JSON.parse('{"type":1,"timestamp":1,"data":0,"__proto__":{"delay":"x"}}'),
    JSON.parse('{"type":2,"timestamp":3,"data":{"node":{}},"delay":-4}'),
  ),
);

describe('isRecordedEvent (ingest checks events without zod copying each one)', () => {
  it('accepts nothing the event schema refuses, and what it accepts from the recorder', () => {
    fc.assert(
      fc.property(eventLike, (e) => {
        if (isRecordedEvent(e)) expect(recordedEventSchema.safeParse(e).success).toBe(true);
      }),
      { numRuns: 50_000 },
    );
    for (const e of [
      { type: 0, timestamp: 0, data: {} },
      { type: 6, timestamp: 1.7e12, data: null, delay: 12.5 },
      { type: 3, timestamp: 5, data: undefined },
    ])
      expect(isRecordedEvent(e)).toBe(true);
  });

  it('the envelope schema with isRecordedEvent accepts exactly what the batch schema accepts', () => {
    const batch = fc.record(
      {
        v: fc.constantFrom(1, 2, '1'),
        siteKey: fc.constantFrom('site_key_0001', 'short', 'x'.repeat(70)),
        sessionId: fc.constantFrom('session_0001', '!bad id!'),
        seq: fc.oneof(fc.nat(), fc.constantFrom(-1, 0.5, 2_000_000)),
        sentAt: fc.oneof(fc.nat(), fc.constant(-1)),
        events: fc.oneof(fc.array(eventLike, { maxLength: 6 }), other),
      },
      { requiredKeys: ['v', 'siteKey', 'sessionId', 'seq', 'sentAt'] },
    );
    fc.assert(
      fc.property(batch, (b) => {
        const envelope = ingestBatchEnvelopeSchema.safeParse(b);
        const fast = envelope.success && envelope.data.events.every(isRecordedEvent);
        if (fast) expect(ingestBatchSchema.safeParse(b).success).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});
