import {
  ATTENTION_FLUSH_INTERVAL_MS,
  type CaptureMode,
  EventType,
  HeatmapTag,
  isAccidentalTap,
  MAX_PAGE_PATH_CHARS,
  recordPrivacyOptions,
} from '@veil/core';
import type { ClientPolicy } from '../../shared/siteConfig.js';
import type { KeyValueStorage } from '../../shared/storage.js';
import type { Clock, ErrorReporter, Teardown } from '../clock.js';
import type { LoadChunk } from '../loadChunk.js';
import type { RecordedEventLike } from '../rrwebOptions.js';
import { createAttentionTracker } from './AttentionTracker.js';
import { createClickTracker } from './ClickTracker.js';
import { clickTargetKind, clickTargetOf, pageGeometry, pathOf } from './clickTarget.js';
import { asTextFreeSnapshot, takeLayoutSnapshot } from './layoutSnapshot.js';
import { createScrollDepth } from './ScrollDepth.js';
import { sessionSegmentFacts } from './segmentFacts.js';

export interface HeatmapOptions {
  policy: ClientPolicy;
  clock: Clock;
  onError: ErrorReporter;
  /** `heatmap`: heatmap-only capture (no replay); the page's text-free layout is sent once per view. */
  mode: CaptureMode;
  /** The current session's id (it may rotate). */
  sessionId: () => string;
  sessionStorage: KeyValueStorage | null;
  /** The visitor id did not exist before this page: this session is the visitor's first. */
  firstSessionOfVisitor: boolean;
  /** Hands one heatmap event (an rrweb custom event) to the batcher. */
  emit: (event: RecordedEventLike) => void;
  /** Loads `layout.js` (heatmap-only pages: the text-free layout). */
  loadChunk: LoadChunk;
}

export interface HeatmapCapture {
  /** The page hides or goes away: emits waiting clicks, attention and scroll depth now. */
  flush(): void;
  /** A new session began on this page: its context is sent again. */
  sessionRotated(): void;
  stop: Teardown;
}

const clampUnit = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;
const currentPath = (): string => location.pathname.slice(0, MAX_PAGE_PATH_CHARS) || '/';

/**
 * Heatmap capture: clicks (element path, position in the element and on the page, rage and dead
 * flags), scroll depth per page view and pointer dwell, as Veil custom events. Text-free: it reads
 * positions, sizes, tag names and stable ids, never text or attribute values. Every listener is
 * guarded; the returned teardown removes them all.
 */
export function startHeatmap(o: HeatmapOptions): HeatmapCapture {
  const { clock, onError } = o;
  const blockSelector = recordPrivacyOptions(o.policy).blockSelector;
  const teardowns: Teardown[] = [];
  const guard =
    <A extends unknown[]>(where: string, fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch (error) {
        onError(error, `heatmap.${where}`);
      }
    };
  const custom = (tag: string, payload: object, timestamp = clock.now()) =>
    o.emit({ type: EventType.Custom, timestamp, data: { tag, payload } });

  let path = currentPath();
  let firstSession = o.firstSessionOfVisitor;
  let scroll = createScrollDepth(path);
  const attention = createAttentionTracker();
  const clicks = createClickTracker(clock, (payload, t) => custom(HeatmapTag.Click, payload, t), onError);
  let lastScrollAt = Number.NEGATIVE_INFINITY;
  let lastPointerType = 'mouse';
  let pointer: { clientX: number; clientY: number; el: string | null } | null = null;
  let hoverPaths = new WeakMap<EventTarget, string | null>();
  /** A click on a label is forwarded to its control as a second click: counted once. */
  let forwardedTo: Element | null = null;

  const scrollSample = () => ({ scrollY: window.scrollY, ...pageGeometry() });

  const startView = () => {
    const facts = sessionSegmentFacts(
      o.sessionStorage,
      o.sessionId(),
      firstSession,
      document.referrer,
      location.href,
    );
    const geometry = pageGeometry();
    custom(HeatmapTag.View, {
      path,
      mode: o.mode,
      ...geometry,
      ref: facts.ref,
      nv: facts.nv,
      ...(navigator.webdriver ? { wd: true } : {}),
    });
    scroll = createScrollDepth(path);
    scroll.update(scrollSample());
    if (o.mode === 'heatmap') {
      const viewPath = path;
      teardowns.push(
        takeLayoutSnapshot(
          o.policy,
          (node) => custom(HeatmapTag.Layout, { path: viewPath, ...pageGeometry(), node }),
          onError,
          () => o.loadChunk('layout').then(asTextFreeSnapshot),
        ),
      );
    }
  };

  const endView = () => {
    const now = clock.now();
    const dwell = attention.take(now, path, window.innerWidth);
    if (dwell) custom(HeatmapTag.Attention, dwell);
    const depth = scroll.report();
    if (depth) custom(HeatmapTag.Scroll, depth);
  };

  /** Single-page apps change the path without a new document: a new page view. */
  const checkPath = (): boolean => {
    const next = currentPath();
    if (next === path) return false;
    endView();
    path = next;
    startView();
    return true;
  };

  const hoverPath = (target: EventTarget | null): string | null => {
    if (!(target instanceof Element)) return null;
    let p = hoverPaths.get(target);
    if (p === undefined) {
      p = pathOf(clickTargetOf(target, blockSelector));
      hoverPaths.set(target, p);
    }
    return p;
  };

  const onPointerDown = guard('pointerdown', (e: PointerEvent) => {
    lastPointerType = e.pointerType || 'mouse';
    clicks.pointerDown(clock.now());
  });

  const onClick = guard('click', (e: MouseEvent) => {
    // Keyboard activations, label-forwarded and script clicks carry no pointer position.
    if (!e.isTrusted || e.detail === 0 || !(e.target instanceof Element)) return;
    const forwarded = e.target === forwardedTo;
    forwardedTo = e.target.closest('label')?.control ?? null;
    if (forwarded) return;
    const now = clock.now();
    checkPath();
    const pointerType = (e as PointerEvent).pointerType || lastPointerType;
    const touch = pointerType !== 'mouse';
    if (isAccidentalTap(touch, now - lastScrollAt)) return;
    const el = clickTargetOf(e.target, blockSelector);
    const box = el.getBoundingClientRect();
    clicks.add({
      path,
      el: pathOf(el),
      rx: box.width > 0 ? clampUnit((e.clientX - box.left) / box.width) : 0.5,
      ry: box.height > 0 ? clampUnit((e.clientY - box.top) / box.height) : 0.5,
      x: Math.max(0, Math.round(e.pageX)),
      y: Math.max(0, Math.round(e.pageY)),
      ...pageGeometry(),
      ...(touch ? { touch: true } : {}),
      kind: clickTargetKind(el),
      t: now,
    });
  });

  const onScroll = guard('scroll', (e: Event) => {
    const now = clock.now();
    lastScrollAt = now;
    clicks.respond(now);
    if (e.target === document || e.target === document.documentElement) scroll.update(scrollSample());
    // A resting pointer over a scrolling page rests over other content now.
    if (pointer) {
      const under = hoverPath(document.elementFromPoint(pointer.clientX, pointer.clientY));
      attention.move(now, pointer.clientX + window.scrollX, pointer.clientY + window.scrollY, under);
    }
  });

  const onPointerMove = guard('pointermove', (e: PointerEvent) => {
    if (e.pointerType !== 'mouse') return;
    const el = hoverPath(e.target);
    pointer = { clientX: e.clientX, clientY: e.clientY, el };
    attention.move(clock.now(), e.pageX, e.pageY, el);
  });

  const onPointerOut = guard('pointerout', (e: PointerEvent) => {
    if (e.relatedTarget !== null) return;
    pointer = null;
    attention.pause(clock.now());
  });

  const onResponse = guard('response', () => clicks.respond(clock.now()));
  const onNavigation = guard('navigation', () => {
    clicks.respond(clock.now());
    checkPath();
  });
  const onVisibility = guard('visibility', () => {
    if (document.visibilityState !== 'hidden') return;
    clicks.respond(clock.now());
    pointer = null;
    attention.pause(clock.now());
  });

  const listen = (target: EventTarget, type: string, fn: EventListener, capture = true) => {
    target.addEventListener(type, fn, { capture, passive: true });
    teardowns.push(() => target.removeEventListener(type, fn, { capture }));
  };
  listen(window, 'pointerdown', onPointerDown as EventListener);
  listen(window, 'click', onClick as EventListener);
  listen(window, 'scroll', onScroll);
  listen(window, 'pointermove', onPointerMove as EventListener);
  listen(window, 'pointerout', onPointerOut as EventListener);
  listen(window, 'invalid', onResponse);
  listen(window, 'popstate', onNavigation);
  listen(window, 'hashchange', onNavigation);
  listen(document, 'visibilitychange', onVisibility);

  const observer = new MutationObserver(onResponse);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  teardowns.push(() => observer.disconnect());

  let interval = 0;
  const periodic = guard('periodic', () => {
    interval = clock.setTimeout(periodic, ATTENTION_FLUSH_INTERVAL_MS);
    if (checkPath()) return;
    hoverPaths = new WeakMap(); // paths follow the DOM as it changes
    const dwell = attention.take(clock.now(), path, window.innerWidth);
    if (dwell) custom(HeatmapTag.Attention, dwell);
  });
  interval = clock.setTimeout(periodic, ATTENTION_FLUSH_INTERVAL_MS);
  teardowns.push(() => clock.clearTimeout(interval));
  teardowns.push(() => clicks.discard());

  startView();

  return {
    flush: guard('flush', () => {
      clicks.flush();
      endView();
    }),
    sessionRotated: guard('session', () => {
      firstSession = false;
      startView();
    }),
    stop() {
      for (const teardown of teardowns.splice(0).reverse()) {
        try {
          teardown();
        } catch (error) {
          onError(error, 'heatmap.stop');
        }
      }
    },
  };
}
