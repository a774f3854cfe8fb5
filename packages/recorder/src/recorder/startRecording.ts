import { record } from '@rrweb/record';
import type { ClientPolicy } from '../shared/siteConfig.js';
import type { ErrorReporter, Teardown } from './clock.js';
import { buildRecordOptions, type RecordedEventLike } from './rrwebOptions.js';

/** The running rrweb recording, as the rest of the recorder uses it. */
export interface Recording {
  addCustomEvent(tag: string, payload: unknown): void;
  /** A new Meta and full snapshot (a new session needs its own). */
  takeFullSnapshot(): void;
  stop: Teardown;
}

/**
 * Starts rrweb `record()` with Veil's options; throws when rrweb cannot start (the caller falls
 * back). `checkoutEveryMs` > 0 takes a new full snapshot that often (record-on-error's window).
 */
export function startRecording(
  policy: ClientPolicy,
  emit: (event: RecordedEventLike) => void,
  onError: ErrorReporter,
  checkoutEveryMs = 0,
): Recording {
  const options = buildRecordOptions(policy, {
    emit,
    onError,
    nodeOf: (id) => record.mirror.getNode(id) as Node | null,
  });
  const stopRecord = record(
    checkoutEveryMs > 0 ? { ...options, checkoutEveryNms: checkoutEveryMs } : options,
  );
  if (!stopRecord) throw new Error('rrweb record() did not start');
  return {
    addCustomEvent(tag, payload) {
      record.addCustomEvent(tag, payload);
    },
    takeFullSnapshot() {
      record.takeFullSnapshot(true);
    },
    stop: stopRecord,
  };
}
