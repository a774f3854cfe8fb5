import { createMaskers, sanitizeUrl, VeilCustomTag } from '@veil/core';
import type { BootContext, RecorderHandle } from '../shared/bootContract.js';
import { storageOf } from '../shared/storage.js';
import { Batcher } from './Batcher.js';
import { browserClock, type ErrorReporter, type Teardown } from './clock.js';
import { createHttpTransport, KEEPALIVE_MAX_BODY_BYTES } from './httpTransport.js';
import { createCommandEvents } from './pageCommands.js';
import { listenPageLifecycle } from './pageLifecycle.js';
import { persistPending, takePending } from './pendingBatches.js';
import type { RecordedEventLike } from './rrwebOptions.js';
import { SendQueue } from './SendQueue.js';
import { SessionStore } from './SessionStore.js';
import { type Recording, startRecording } from './startRecording.js';
import { isUserActivity } from './userActivity.js';
import { visitorIdFrom } from './visitorId.js';

/**
 * Starts capture: session, batching, transport, rrweb and the page lifecycle, each with its own
 * teardown. Throws only while starting (the loader then records nothing); afterwards every
 * callback is guarded and reports to `ctx.onError`.
 */
export function startRecorder(ctx: BootContext): RecorderHandle {
  const { policy } = ctx.config;
  const clock = browserClock;
  const session = storageOf('sessionStorage');
  const onError: ErrorReporter = (error, where) => {
    try {
      ctx.onError(error, where);
    } catch {
      // The host's error hook failed too: nothing more to do without throwing into the page.
    }
  };
  const teardowns: Teardown[] = [];
  let stopped = false;

  const sessionStore = new SessionStore(session, clock.now());
  const queue = new SendQueue({
    transport: createHttpTransport({ url: ctx.ingestUrl }),
    clock,
    random: Math.random,
    onError,
    onDrained: () => persistPending(session, []),
  });
  teardowns.push(() => queue.stop());
  queue.enqueueFirst(takePending(session));

  const batcher = new Batcher({
    clock,
    session: sessionStore,
    siteKey: ctx.siteKey,
    visitorId: visitorIdFrom(storageOf('localStorage')),
    consentReceiptId: ctx.consentReceiptId,
    sink: (batch) => queue.enqueue(batch),
    onError,
  });
  teardowns.push(batcher.start(), () => batcher.discard());

  const maskTitle = createMaskers(policy).maskTextFn;
  const pageView = () => ({
    url: sanitizeUrl(location.href, policy.allowedUrlParams),
    title: maskTitle(document.title, null),
  });

  let recording: Recording | null = null;
  const rotateSession = () => {
    batcher.flush();
    sessionStore.rotate(clock.now());
    // A new session starts with its own full snapshot (outside rrweb's emit call).
    clock.setTimeout(() => {
      if (stopped || !recording) return;
      try {
        recording.takeFullSnapshot();
        recording.addCustomEvent(VeilCustomTag.PageView, pageView());
      } catch (error) {
        onError(error, 'rotate');
      }
    }, 0);
  };
  const onEvent = (event: RecordedEventLike) => {
    if (stopped) return;
    if (isUserActivity(event)) {
      const now = clock.now();
      if (sessionStore.expired(now)) {
        rotateSession();
        return;
      }
      sessionStore.touch(now);
    }
    batcher.add(event);
  };

  const flushForHide = (final: boolean) => {
    if (stopped) return;
    const unsent = queue.beaconAll(batcher.drain(final, KEEPALIVE_MAX_BODY_BYTES));
    persistPending(session, unsent);
    sessionStore.persist();
  };
  teardowns.push(listenPageLifecycle(flushForHide, onError));

  try {
    recording = startRecording(policy, onEvent, onError);
    recording.addCustomEvent(VeilCustomTag.PageView, pageView());
  } catch (error) {
    stopAll();
    throw error;
  }
  teardowns.push(recording.stop);

  const toCustomEvent = createCommandEvents(policy.customPatterns);

  function stopAll(): void {
    if (stopped) return;
    stopped = true;
    for (const teardown of teardowns.reverse()) {
      try {
        teardown();
      } catch (error) {
        onError(error, 'stop');
      }
    }
  }

  return {
    run(command) {
      if (stopped) return;
      try {
        if (command[0] === 'flush') {
          batcher.flush();
          queue.sendNow();
          return;
        }
        const custom = toCustomEvent(command);
        if (custom) recording?.addCustomEvent(custom.tag, custom.payload);
      } catch (error) {
        onError(error, 'command');
      }
    },
    stop: stopAll,
  };
}
