import {
  compileServedPatterns,
  createMaskers,
  EventType,
  lightRedactionState,
  type RecordedEvent,
  recordPrivacyOptions,
  redactEvents,
  sanitizeUrl,
} from '@veil/core';
import type { ClientPolicy } from '../shared/siteConfig.js';
import type { ErrorReporter } from './clock.js';

/** The part of an rrweb event the recorder looks at. */
export interface RecordedEventLike {
  type: number;
  timestamp: number;
  data?: unknown;
}

/** rrweb's Meta event carries `location.href`: it is recorded sanitised like every other URL. */
export function sanitizeMetaHref<E extends RecordedEventLike>(event: E, allowedParams: readonly string[]): E {
  if (event.type === EventType.Meta && typeof event.data === 'object' && event.data !== null) {
    const data = event.data as { href?: unknown };
    if (typeof data.href === 'string') data.href = sanitizeUrl(data.href, allowedParams);
  }
  return event;
}

export interface RecordHooks<E> {
  /** Receives every event, Meta `href` already sanitised. */
  emit(event: E): void;
  onError: ErrorReporter;
}

/**
 * Core's `redactEvents` for one event at a time, in place, with the policy's custom patterns and
 * URL parameters: the walk the server repeats. rrweb's events go through it in `emit`; Veil's own
 * events (heatmaps) before they are batched.
 */
export function createEventRedactor(policy: Pick<ClientPolicy, 'customPatterns' | 'allowedUrlParams'>) {
  const detectors = compileServedPatterns(policy.customPatterns);
  const state = lightRedactionState();
  return <E extends RecordedEventLike>(event: E): E => {
    redactEvents([event as unknown as RecordedEvent], {
      inPlace: true,
      detectors,
      allowedUrlParams: policy.allowedUrlParams,
      context: state,
    });
    return event;
  };
}

/**
 * The options Veil passes to rrweb `record()`: core's pure policy → rrweb options, core's
 * maskers, and guarded callbacks. Every event then goes through core's `redactEvents`, the walk
 * the server repeats: rrweb's mask callbacks see only text nodes and input values, the walk also
 * attributes, URLs, text split across nodes and custom payloads. An event whose handling throws
 * is dropped, not sent raw.
 */
export function buildRecordOptions<E extends RecordedEventLike>(policy: ClientPolicy, hooks: RecordHooks<E>) {
  const maskers = createMaskers(policy);
  const redact = createEventRedactor(policy);
  return {
    ...recordPrivacyOptions(policy),
    maskInputFn: maskers.maskInputFn,
    maskTextFn: maskers.maskTextFn,
    emit(event: E): void {
      try {
        hooks.emit(redact(sanitizeMetaHref(event, policy.allowedUrlParams)));
      } catch (error) {
        hooks.onError(error, 'emit');
      }
    },
    errorHandler(error: unknown): boolean {
      hooks.onError(error, 'rrweb');
      return true;
    },
  };
}
