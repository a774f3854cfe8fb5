import { compileServedPatterns, type RecordedEvent, RedactionContext, redactEvents } from '@veil/core';
import type { ClientPolicy } from '../shared/siteConfig.js';
import type { RecordedEventLike } from './rrwebOptions.js';

/** What the redaction walk reads of the policy. */
export type EventRedactorPolicy = Pick<ClientPolicy, 'customPatterns' | 'allowedUrlParams'> & {
  maskAllText?: boolean;
};

/** Redacts one event in place and returns it. */
export type EventRedactor = <E extends RecordedEventLike>(event: E) => E;

/**
 * Core's `redactEvents` for one event at a time, in place, with the policy's custom patterns and
 * URL parameters: the walk the server repeats. Its context remembers the recorded tree and text,
 * so text a later mutation adds is read with the text around it. It is the `redact.js` chunk
 * (`redact.ts`): `startRecorder` passes every event through it, rrweb's and Veil's own, by the
 * `RedactionGate`, which holds them until the chunk has arrived.
 */
export function createEventRedactor(policy: EventRedactorPolicy): EventRedactor {
  const detectors = compileServedPatterns(policy.customPatterns);
  const state = new RedactionContext();
  return <E extends RecordedEventLike>(event: E): E => {
    redactEvents([event as unknown as RecordedEvent], {
      inPlace: true,
      detectors,
      allowedUrlParams: policy.allowedUrlParams,
      maskAllText: policy.maskAllText === true,
      context: state,
    });
    return event;
  };
}
