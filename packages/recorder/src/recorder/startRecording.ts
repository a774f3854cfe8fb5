import { record } from '@rrweb/record';
import { EventType } from '@veil/core';
import type { ClientPolicy } from '../shared/siteConfig.js';
import type { ErrorReporter, Teardown } from './clock.js';
import { buildRecordOptions, type RecordedEventLike } from './rrwebOptions.js';

/** The running rrweb recording, as the rest of the recorder uses it. */
export interface Recording {
  /** A Veil custom event; one added before rrweb's first full snapshot follows that snapshot. */
  addCustomEvent(tag: string, payload: unknown): void;
  /** A new Meta and full snapshot (a new session needs its own); before the first one, nothing. */
  takeFullSnapshot(): void;
  stop: Teardown;
}

/**
 * Starts rrweb `record()` with Veil's options; throws when rrweb cannot start (the caller falls
 * back). `checkoutEveryMs` > 0 takes a new full snapshot that often (record-on-error's window).
 *
 * The recorder chunk may run while the document is still loading (a cached chunk on a long or
 * slowly streamed page): rrweb then takes its first snapshot at `DOMContentLoaded`, and refuses
 * custom events and snapshots until it has. Custom events added meanwhile wait and are emitted,
 * through the same redaction as rrweb's, right after that first snapshot; a snapshot asked for
 * meanwhile is the one rrweb is about to take.
 */
export function startRecording(
  policy: ClientPolicy,
  emit: (event: RecordedEventLike) => void,
  onError: ErrorReporter,
  checkoutEveryMs = 0,
): Recording {
  let snapshotTaken = false;
  let waiting: Array<{ tag: string; payload: unknown }> = [];
  const options = buildRecordOptions(policy, {
    emit,
    onError,
    nodeOf: (id) => record.mirror.getNode(id) as Node | null,
  });
  const customEvent = (tag: string, payload: unknown): RecordedEventLike => ({
    type: EventType.Custom,
    timestamp: Date.now(),
    data: { tag, payload },
  });
  const stopRecord = record({
    ...options,
    ...(checkoutEveryMs > 0 ? { checkoutEveryNms: checkoutEveryMs } : {}),
    recordAfter: 'DOMContentLoaded',
    emit(event: RecordedEventLike) {
      options.emit(event);
      if (snapshotTaken || event.type !== EventType.FullSnapshot) return;
      snapshotTaken = true;
      const held = waiting;
      waiting = [];
      for (const { tag, payload } of held) options.emit(customEvent(tag, payload));
    },
  });
  if (!stopRecord) throw new Error('rrweb record() did not start');
  return {
    addCustomEvent(tag, payload) {
      if (snapshotTaken) record.addCustomEvent(tag, payload);
      else waiting.push({ tag, payload });
    },
    takeFullSnapshot() {
      if (snapshotTaken) record.takeFullSnapshot(true);
    },
    stop: () => {
      waiting = [];
      stopRecord();
    },
  };
}
