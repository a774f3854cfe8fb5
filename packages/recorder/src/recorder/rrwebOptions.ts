import { createMaskers, EventType, recordPrivacyOptions, sanitizeUrl, usableSelectors } from '@veil/core';
import type { ClientPolicy } from '../shared/siteConfig.js';
import { createCaptureScope } from './captureScope.js';
import type { ErrorReporter } from './clock.js';
import { isUsableSelector } from './isUsableSelector.js';
import { createSerializedMasker } from './maskSerialized.js';

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
  /**
   * Receives every event in scope, Meta `href` sanitised and serialized DOM masked, not yet
   * through core's redaction walk: the caller passes it on through the `RedactionGate`.
   */
  emit(event: E): void;
  onError: ErrorReporter;
  /** rrweb's mirror: the DOM node of a serialized node id (null when unknown). */
  nodeOf(id: number): Node | null;
}

/**
 * The policy as this browser can apply it (`usableSelectors`): a selector the browser refuses is
 * left out and, for block and mask selectors, the strictest fallback applies. Reported once.
 */
export function browserPolicy(policy: ClientPolicy, onError: ErrorReporter): ClientPolicy {
  const usable = usableSelectors(policy, isUsableSelector);
  if (usable.refused.length > 0) {
    onError(
      new Error(
        `selectors refused${usable.failClosed ? ', failing closed' : ''}: ${usable.refused.join(' | ')}`,
      ),
      'policy',
    );
  }
  return usable.policy;
}

/**
 * The options Veil passes to rrweb `record()`: core's pure policy → rrweb options, core's
 * maskers, and guarded callbacks, for a policy already made usable in this browser
 * (`browserPolicy`). Everything that decides what rrweb serialises is here and synchronous (mask
 * and block selectors, `maskInputFn`, `maskTextFn` with the detectors). Every event then goes
 * through, in order: the capture scope (nothing behind a blocked iframe or shadow host) and the
 * serialized-DOM pass (attribute text under "mask all text"), then to `hooks.emit`, whose
 * caller runs core's `redactEvents` (the walk the server repeats: attributes, URLs, text split
 * across nodes, CSS, custom payloads) by the `RedactionGate` before anything is batched. An
 * event whose handling throws is dropped, not sent raw.
 */
export function buildRecordOptions<E extends RecordedEventLike>(policy: ClientPolicy, hooks: RecordHooks<E>) {
  const maskers = createMaskers(policy);
  const options = recordPrivacyOptions(policy);
  const inScope = createCaptureScope(options.blockSelector, hooks.nodeOf);
  const maskSerialized = createSerializedMasker({ maskAllText: policy.maskAllText });
  return {
    ...options,
    maskInputFn: maskers.maskInputFn,
    maskTextFn: maskers.maskTextFn,
    emit(event: E): void {
      try {
        const scoped = inScope(event);
        if (scoped) hooks.emit(maskSerialized(sanitizeMetaHref(scoped, policy.allowedUrlParams)));
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
