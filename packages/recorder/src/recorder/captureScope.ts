import { EventType, IncrementalSource, matchesAcrossRoots } from '@veil/core';
import type { RecordedEventLike } from './rrwebOptions.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null;

/** The element a node belongs to for blocking: itself, its parent, a shadow root's host, a frame's element. */
function elementOf(node: Node | null): Element | null {
  for (let n = node, hops = 0; n && hops < 64; hops++) {
    if (n.nodeType === 1) return n as Element;
    if (n.nodeType === 9) return (n as Document).defaultView?.frameElement ?? null;
    if (n.nodeType === 11) return (n as ShadowRoot).host ?? null;
    n = n.parentNode;
  }
  return null;
}

/**
 * rrweb blocks an element of the page's own DOM, but not what sits behind a document boundary:
 * it serialises a blocked iframe's same-origin document all the same (and observes it), and a
 * blocked shadow host's later shadow-root mutations pass, since `closest` stops at the shadow
 * root. This filter runs on every event before anything else: a node whose element, climbing
 * through shadow hosts and frame elements, matches the block selector is out of the recording
 * (mutation adds under it, its text and attribute changes, its input, scroll and style events).
 * A text, attribute or input change of a node rrweb no longer knows is dropped too (fails closed).
 */
export function createCaptureScope(blockSelector: string, nodeOf: (id: number) => Node | null) {
  /** Elements' answers during the current event (core's `matchesAcrossRoots`), emptied after it. */
  const known = new Map<Element, boolean>();
  const blocked = (id: unknown, unknownIsBlocked: boolean): boolean => {
    if (typeof id !== 'number') return unknownIsBlocked;
    const node = nodeOf(id);
    if (!node) return unknownIsBlocked;
    const el = elementOf(node);
    // A throwing match blocks (fails closed).
    try {
      return el !== null && matchesAcrossRoots(el, blockSelector, known);
    } catch {
      return true;
    }
  };
  const keep = (list: unknown, key: string, unknownIsBlocked: boolean): unknown[] =>
    Array.isArray(list) ? list.filter((item) => isObject(item) && !blocked(item[key], unknownIsBlocked)) : [];

  /** The event within scope (mutations pruned, in place), or null to drop it. */
  const inScope = <E extends RecordedEventLike>(event: E): E | null => {
    if (event.type !== EventType.IncrementalSnapshot || !isObject(event.data)) return event;
    const data = event.data;
    switch (data.source) {
      case IncrementalSource.Mutation: {
        const before = [data.adds, data.texts, data.attributes].reduce<number>(
          (n, l) => n + (Array.isArray(l) ? l.length : 0),
          0,
        );
        data.adds = keep(data.adds, 'parentId', true);
        data.texts = keep(data.texts, 'id', true);
        data.attributes = keep(data.attributes, 'id', true);
        const after =
          (data.adds as unknown[]).length +
          (data.texts as unknown[]).length +
          (data.attributes as unknown[]).length;
        const removes = Array.isArray(data.removes) ? data.removes.length : 0;
        return after === 0 && removes === 0 && before > 0 ? null : event;
      }
      case IncrementalSource.Input:
        return blocked(data.id, true) ? null : event;
      default:
        return 'id' in data && blocked(data.id, false) ? null : event;
    }
  };
  return <E extends RecordedEventLike>(event: E): E | null => {
    try {
      return inScope(event);
    } finally {
      // No element is held past its event (the next one asks about the DOM as it is then).
      if (known.size > 0) known.clear();
    }
  };
}
