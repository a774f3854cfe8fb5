import { record } from '@rrweb/record';
import { EventType, maskPreservingLayout, type SerializedNodeLike, type textFreeSnapshot } from '@veil/core';
import type { ClientPolicy } from '../../shared/siteConfig.js';
import type { ErrorReporter, Teardown } from '../clock.js';
import { buildRecordOptions, type RecordedEventLike } from '../rrwebOptions.js';

/** Core's `textFreeSnapshot`, as the layout chunk (`layout.js`) registers it. */
export type TextFreeSnapshot = typeof textFreeSnapshot;

/** What `layout.js` registered, checked: anything else fails (and no layout is sent). */
export function asTextFreeSnapshot(exports: unknown): TextFreeSnapshot {
  if (typeof exports !== 'function') throw new Error('layout.js registered no function');
  return exports as TextFreeSnapshot;
}

/** Media and pictures become empty boxes of their size: layout without content. */
const LAYOUT_BLOCK_SELECTOR = 'img, picture, svg, video, audio, canvas, iframe, object, embed';

/**
 * Heatmap-only capture: one text-free layout snapshot of the page. rrweb serialises the page
 * once (every text masked while serialising, media blocked to boxes of their size) and stops at
 * once; `textFreeSnapshot`, loaded with the layout chunk (`loadTextFree`: heatmap-only pages are
 * rare, so it is not in recorder.js), then drops every attribute value that is not layout. Delivers
 * nothing when rrweb produced no snapshot or the chunk did not load (the serialised tree is never
 * sent as it is). Returns the teardown (rrweb may wait for the document to load).
 */
export function takeLayoutSnapshot(
  policy: ClientPolicy,
  deliver: (node: SerializedNodeLike) => void,
  onError: ErrorReporter,
  loadTextFree: () => Promise<TextFreeSnapshot>,
): Teardown {
  let done = false;
  let cancelled = false;
  let stopRecord: (() => void) | undefined;
  const stop = () => {
    const s = stopRecord;
    stopRecord = undefined;
    s?.();
  };
  const options = buildRecordOptions<RecordedEventLike>(policy, {
    emit(event) {
      if (done || event.type !== EventType.FullSnapshot) return;
      done = true;
      const node = (event.data as { node?: SerializedNodeLike } | undefined)?.node;
      if (node) {
        loadTextFree()
          .then((textFree) => {
            if (!cancelled) deliver(textFree(node));
          })
          .catch((error: unknown) => onError(error, 'layout'));
      }
      // rrweb is still inside record() on a synchronous first snapshot: stop it afterwards.
      setTimeout(stop, 0);
    },
    onError,
    nodeOf: (id) => record.mirror.getNode(id) as Node | null,
  });
  stopRecord = record({
    ...options,
    blockSelector: `${options.blockSelector}, ${LAYOUT_BLOCK_SELECTOR}`,
    maskTextFn: (text: string, el: HTMLElement | null) =>
      el?.tagName === 'STYLE' ? text : maskPreservingLayout(text),
    maskInputFn: () => '',
  });
  if (done) stop();
  return () => {
    done = true;
    cancelled = true;
    stop();
  };
}
