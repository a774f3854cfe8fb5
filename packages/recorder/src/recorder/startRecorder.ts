import {
  createMaskers,
  type ErrorEventPayload,
  EventType,
  isHeatmapOnlyPage,
  isSessionSampled,
  sanitizeUrl,
  VeilCustomTag,
} from '@veil/core';
import type { BootContext, RecorderHandle } from '../shared/bootContract.js';
import { randomId } from '../shared/randomId.js';
import { readKey, storageOf } from '../shared/storage.js';
import { StorageKey } from '../shared/storageKeys.js';
import { type ActivityEmit, capErrorPayload, startErrorCapture } from './activity/errorCapture.js';
import { startNetworkCapture } from './activity/networkCapture.js';
import { Batcher } from './Batcher.js';
import { browserClock, type ErrorReporter, type Teardown } from './clock.js';
import { gateOnConsentReceipt } from './consentRegistration.js';
import { ErrorWindow } from './ErrorWindow.js';
import { type HeatmapCapture, startHeatmap } from './heatmap/startHeatmap.js';
import { createHttpTransport, KEEPALIVE_MAX_BODY_BYTES } from './httpTransport.js';
import type { LoadChunk } from './loadChunk.js';
import { createCommandEvents } from './pageCommands.js';
import { listenPageLifecycle } from './pageLifecycle.js';
import { persistPending, takePending } from './pendingBatches.js';
import { asCreateEventRedactor, REDACT_CHUNK_TIMEOUT_MS, RedactionGate } from './RedactionGate.js';
import { browserPolicy, type RecordedEventLike } from './rrwebOptions.js';
import { SendQueue, type Transport } from './SendQueue.js';
import { SessionStore } from './SessionStore.js';
import { type Recording, startRecording } from './startRecording.js';
import { isUserActivity } from './userActivity.js';
import { visitorIdFrom } from './visitorId.js';

/**
 * Starts capture: session, batching, transport, rrweb and the page lifecycle, each with its own
 * teardown. Throws only while starting (the loader then records nothing); afterwards every
 * callback is guarded and reports to `ctx.onError`.
 */
export function startRecorder(ctx: BootContext, loadChunk: LoadChunk): RecorderHandle {
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
  /** Set once the session rotated to an id outside the sample: capture ends, the queue delivers. */
  let unsampled = false;
  /** Set when `redact.js` did not arrive: capture ends, nothing of this page view is sent. */
  let redactionFailed = false;
  // The policy as this browser can apply it: refused selectors fail closed.
  const policy = browserPolicy(ctx.config.policy, onError);

  const sessionStore = new SessionStore(session, clock.now(), randomId, ctx.session);
  // The loader sampled this id under the server's percent; a page's `veil('config', …)` may have
  // lowered it (a subset of the same sample), and a chunk that arrived after the idle timeout
  // started a new id: either way the recorder asks core's function again before anything runs.
  if (!isSessionSampled(sessionStore.id, ctx.config.policy.samplingPercent)) {
    return { run: () => {}, stop: () => {} };
  }
  const local = storageOf('localStorage');
  // Heatmap segments: a session is the visitor's first when the visitor id does not exist yet.
  const firstSessionOfVisitor = readKey(local, StorageKey.Visitor) === null;
  const visitorId = visitorIdFrom(local);
  // Heatmap-only capture: heatmap events and one text-free layout, no replayable recording.
  const heatmapOnly = isHeatmapOnlyPage(policy, location.pathname);
  const network = createHttpTransport({ url: ctx.ingestUrl });
  // The consent gate awaits the receipt's registration before it sends: a withdrawal during that
  // wait stops the queue but not the awaiting send, so nothing leaves once the recorder stopped.
  const http: Transport = {
    send: (batch) => (stopped ? Promise.resolve({ kind: 'reject', status: 0 }) : network.send(batch)),
    beacon: (batch) => !stopped && network.beacon(batch),
  };
  const queue = new SendQueue({
    // Under consent, batches wait until the server holds the visitor's consent receipt.
    transport:
      ctx.consentReceiptId && ctx.consentUrl
        ? gateOnConsentReceipt(http, {
            url: ctx.consentUrl,
            receiptId: ctx.consentReceiptId,
            visitorId,
            consent: ctx.consent,
            storage: local,
            onError,
          })
        : http,
    clock,
    random: Math.random,
    onError,
    onDrained: () => persistPending(session, []),
    // The server refused this session as outside the site's sample (its percent may have been
    // lowered since this page loaded): stop recording it, and send nothing more of it.
    onRejected: (batch, code) => {
      if (code === 'not_sampled' && batch.sessionId === sessionStore.id) stopAll();
    },
  });
  teardowns.push(() => queue.stop());
  queue.enqueueFirst(takePending(session));

  const batcher = new Batcher({
    clock,
    session: sessionStore,
    siteKey: ctx.siteKey,
    visitorId,
    consentReceiptId: ctx.consentReceiptId,
    sink: (batch) => queue.enqueue(batch),
    onError,
  });
  teardowns.push(batcher.start(), () => batcher.discard());

  // Record-on-error: events wait in browser memory and leave only when an error opens the window.
  const onErrorMode = policy.recordOnError;
  const errorWindow = onErrorMode.enabled
    ? new ErrorWindow({
        windowMs: onErrorMode.windowSeconds * 1000,
        afterMs: onErrorMode.afterSeconds * 1000,
        clock,
        cutAtSnapshots: !heatmapOnly,
        send: (events) => {
          for (const event of events) batcher.add(event);
          batcher.flush();
        },
        snapshot: () => {
          if (stopped || !recording) return;
          try {
            recording.takeFullSnapshot();
          } catch (error) {
            onError(error, 'snapshot');
          }
        },
      })
    : null;
  if (errorWindow) teardowns.push(errorWindow.stop);
  const deliver = (event: RecordedEventLike) => {
    if (errorWindow) errorWindow.add(event);
    else batcher.add(event);
  };
  // Core's redaction walk is the `redact.js` chunk, fetched now while rrweb starts: every event,
  // rrweb's and Veil's own, waits for it in memory (never batched, sent or stored unredacted).
  // When it does not arrive, capture ends and nothing of this page view leaves (fails closed);
  // batches of earlier page views, redacted when they were taken, are still delivered.
  const gate = new RedactionGate({
    policy,
    clock,
    timeoutMs: REDACT_CHUNK_TIMEOUT_MS,
    onError,
    onFailed: () => {
      redactionFailed = true;
      stopCapture();
    },
  });
  teardowns.push(gate.start(loadChunk('redact').then(asCreateEventRedactor)));

  const maskTitle = createMaskers(policy).maskTextFn;
  const pageView = () => ({
    url: sanitizeUrl(location.href, policy.allowedUrlParams),
    title: maskTitle(document.title, null),
  });

  let recording: Recording | null = null;
  let heatmap: HeatmapCapture | null = null;
  const rotateSession = () => {
    batcher.flush();
    errorWindow?.reset();
    sessionStore.rotate(clock.now());
    if (!isSessionSampled(sessionStore.id, policy.samplingPercent)) {
      // The new session is outside the sample: nothing of it is captured (its id stays stored, so
      // the next pages of the tab skip it too); the last session's batches are still delivered.
      unsampled = true;
      stopCapture();
      return;
    }
    heatmap?.sessionRotated();
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
    if (stopped || unsampled) return;
    gate.pass('page', event, onRedactedEvent);
  };
  const onRedactedEvent = (event: RecordedEventLike) => {
    if (stopped || unsampled) return;
    if (isUserActivity(event)) {
      const now = clock.now();
      if (sessionStore.expired(now)) {
        rotateSession();
        return;
      }
      sessionStore.touch(now);
    }
    deliver(event);
  };
  const onHeatmapEvent = (event: RecordedEventLike) => {
    if (stopped || unsampled) return;
    // Without rrweb, heatmap events are the visitor's activity that keeps the session alive.
    if (heatmapOnly) {
      const now = clock.now();
      if (sessionStore.expired(now)) rotateSession();
      else sessionStore.touch(now);
    }
    // Page paths can hold PII (`/people/jane%40example.org`): the same walk as rrweb's events.
    gate.pass('own', event, deliver);
  };

  const flushForHide = (final: boolean) => {
    if (stopped) return;
    // Outside the sample only the last session's waiting batches leave: no (final) batch of this one.
    if (!unsampled) heatmap?.flush();
    // Record-on-error without an error in this page view: no batch of it, not even a final one.
    // Without redact.js nothing of this page view was batched: no final batch of it either.
    const quiet = unsampled || redactionFailed || (errorWindow !== null && !errorWindow.sentAny);
    const unsent = queue.beaconAll(quiet ? [] : batcher.drain(final, KEEPALIVE_MAX_BODY_BYTES));
    persistPending(session, unsent);
    sessionStore.persist();
  };
  teardowns.push(listenPageLifecycle(flushForHide, onError));
  /** What captures the page (rrweb, heatmaps, errors, network metadata); stopped once. */
  const capture: Teardown[] = [];
  function stopCapture(): void {
    for (const teardown of capture.splice(0).reverse()) {
      try {
        teardown();
      } catch (error) {
        onError(error, 'stop');
      }
    }
  }
  teardowns.push(stopCapture);

  try {
    if (!heatmapOnly) {
      recording = startRecording(
        policy,
        onEvent,
        onError,
        errorWindow ? onErrorMode.windowSeconds * 1000 : 0,
      );
      recording.addCustomEvent(VeilCustomTag.PageView, pageView());
      capture.push(recording.stop);
    }
    try {
      heatmap = startHeatmap({
        policy,
        clock,
        onError,
        mode: heatmapOnly ? 'heatmap' : 'replay',
        sessionId: () => sessionStore.id,
        sessionStorage: session,
        firstSessionOfVisitor,
        emit: onHeatmapEvent,
        loadChunk,
      });
      capture.push(heatmap.stop);
    } catch (error) {
      // Heatmaps are an addition to a replay; without a replay they are all there is.
      if (heatmapOnly) throw error;
      onError(error, 'heatmap');
    }
    if (!heatmapOnly) startActivityCapture();
  } catch (error) {
    stopAll();
    throw error;
  }

  /** Errors and network metadata, each when the policy says so; never in heatmap-only capture. */
  function startActivityCapture(): void {
    const emit: ActivityEmit = (tag, payload) => {
      if (stopped || unsampled) return;
      // The same walk as rrweb's events and heatmap events: error texts are redacted like page text.
      const captured = { type: EventType.Custom, timestamp: clock.now(), data: { tag, payload } };
      gate.pass('own', captured, (event) => {
        const data = event.data as { payload: unknown };
        if (tag === VeilCustomTag.Error) {
          const payload = capErrorPayload(data.payload as ErrorEventPayload);
          data.payload = payload;
          if (errorWindow && policy.recordOnError.triggers.includes(payload.kind)) {
            errorWindow.error(event);
            return;
          }
        }
        deliver(event);
      });
    };
    const path = () => location.pathname || '/';
    try {
      if (policy.captureErrors) capture.push(startErrorCapture(emit, path, onError));
      if (policy.captureNetworkMetadata) {
        const veil = new URL(ctx.ingestUrl, location.href).origin;
        // Veil's own requests (batches, consent, config) are not the site's traffic.
        const ignore = (u: URL) => u.origin === veil && /^\/(?:ingest|r)\//.test(u.pathname);
        capture.push(startNetworkCapture(emit, path, clock, ignore, onError));
      }
    } catch (error) {
      // An addition to the replay: the replay goes on without it.
      onError(error, 'activity');
    }
  }

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
        if (command[0] === 'config') {
          onError(new Error("veil('config') after start: stopped"), 'config');
          stopAll();
          return;
        }
        if (command[0] === 'flush') {
          batcher.flush();
          queue.sendNow();
          return;
        }
        const custom = toCustomEvent(command);
        if (custom && recording) recording.addCustomEvent(custom.tag, custom.payload);
        // Heatmap-only: tags still segment heatmaps; an identity has no place in aggregates.
        else if (custom?.tag === VeilCustomTag.Tag) {
          onHeatmapEvent({ type: EventType.Custom, timestamp: clock.now(), data: custom });
        }
      } catch (error) {
        onError(error, 'command');
      }
    },
    stop: stopAll,
  };
}
