import { EventType, IncrementalSource, maskTextAttributes, NodeType } from '@veil/core';
import type { RecordedEventLike } from './rrwebOptions.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null;

/** Most nesting of a serialized node tree walked; deeper nodes are cut (fails closed). */
const MAX_DEPTH = 500;

/**
 * The browser-side pass over serialized DOM that rrweb's mask callbacks never see: attribute
 * text under "mask all text" (`maskTextAttributes`). In place, before core's redaction walk
 * (which sanitises CSS, `sanitizeCss`, here and on the server alike).
 */
export function createSerializedMasker(policy: { maskAllText: boolean }) {
  const node = (n: Json, depth: number): void => {
    if (n.type === NodeType.Text) return;
    if (isObject(n.attributes)) maskTextAttributes(n.attributes);
    if (!Array.isArray(n.childNodes)) return;
    if (depth >= MAX_DEPTH) {
      n.childNodes = [];
      return;
    }
    for (const c of n.childNodes) if (isObject(c)) node(c, depth + 1);
  };

  return <E extends RecordedEventLike>(event: E): E => {
    if (!policy.maskAllText) return event;
    const data = event.data;
    if (!isObject(data)) return event;
    if (event.type === EventType.FullSnapshot && isObject(data.node)) node(data.node, 0);
    if (event.type !== EventType.IncrementalSnapshot || data.source !== IncrementalSource.Mutation)
      return event;
    if (Array.isArray(data.adds))
      for (const a of data.adds) if (isObject(a) && isObject(a.node)) node(a.node, 0);
    if (Array.isArray(data.attributes))
      for (const a of data.attributes)
        if (isObject(a) && isObject(a.attributes)) maskTextAttributes(a.attributes);
    return event;
  };
}
