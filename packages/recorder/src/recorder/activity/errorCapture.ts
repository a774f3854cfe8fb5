import {
  ACTIVITY_TEXT_PRE_CAP_FACTOR,
  type ErrorEventPayload,
  type ErrorKind,
  MAX_ERROR_EVENTS_PER_VIEW,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_ERROR_STACK_CHARS,
  VeilCustomTag,
} from '@veil/core';
import type { ErrorReporter, Teardown } from '../clock.js';

/** Texts are cut to this many times their cap before redaction and to the cap after it. */
const PRE_CAP_FACTOR = ACTIVITY_TEXT_PRE_CAP_FACTOR;

export interface ActivityEmit {
  /** Hands one Veil custom event (tag + payload) on; the caller redacts and caps it. */
  (tag: string, payload: object): void;
}

function describe(value: unknown): { message: string; stack?: string } {
  if (value instanceof Error) {
    const stack = typeof value.stack === 'string' ? value.stack : undefined;
    return { message: `${value.name}: ${value.message}`, ...(stack ? { stack } : {}) };
  }
  if (typeof value === 'string') return { message: value };
  try {
    return { message: JSON.stringify(value) ?? String(value) };
  } catch {
    return { message: String(value) };
  }
}

/** Cuts an error payload's texts to their caps (after redaction, see `PRE_CAP_FACTOR`). */
export function capErrorPayload(payload: ErrorEventPayload): ErrorEventPayload {
  const message = payload.message.slice(0, MAX_ERROR_MESSAGE_CHARS);
  return payload.stack === undefined
    ? { ...payload, message }
    : { ...payload, message, stack: payload.stack.slice(0, MAX_ERROR_STACK_CHARS) };
}

/**
 * JavaScript errors as `veil.error` events: uncaught exceptions, unhandled rejections and
 * `console.error` calls (the page's own console keeps working). At most
 * `MAX_ERROR_EVENTS_PER_VIEW` per page load. The texts leave through the recorder's redaction
 * walk, like page text, and are capped after it.
 */
export function startErrorCapture(emit: ActivityEmit, path: () => string, onError: ErrorReporter): Teardown {
  let sent = 0;
  let inside = false;
  const report = (kind: ErrorKind, value: unknown) => {
    if (inside || sent >= MAX_ERROR_EVENTS_PER_VIEW) return;
    inside = true;
    try {
      const { message, stack } = describe(value);
      sent++;
      emit(VeilCustomTag.Error, {
        kind,
        message: message.slice(0, MAX_ERROR_MESSAGE_CHARS * PRE_CAP_FACTOR),
        ...(stack ? { stack: stack.slice(0, MAX_ERROR_STACK_CHARS * PRE_CAP_FACTOR) } : {}),
        path: path(),
      });
    } catch (error) {
      onError(error, 'errors');
    } finally {
      inside = false;
    }
  };
  const onWindowError = (e: ErrorEvent) => report('error', e.error ?? e.message);
  const onRejection = (e: PromiseRejectionEvent) => report('rejection', e.reason);
  window.addEventListener('error', onWindowError);
  window.addEventListener('unhandledrejection', onRejection);
  const original = console.error;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    report('console', args.length === 1 ? args[0] : args.map((a) => describe(a).message).join(' '));
    return original.apply(this, args);
  };
  console.error = wrapped;
  return () => {
    window.removeEventListener('error', onWindowError);
    window.removeEventListener('unhandledrejection', onRejection);
    if (console.error === wrapped) console.error = original;
  };
}
