import { EventType, IncrementalSource, maskTextAttributes, NodeType } from '@veil/core';
import type { RecordedEventLike } from './rrwebOptions.js';
import { type CssPolicy, sanitizeCss } from './sanitizeCss.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null;

/** Most nesting of a serialized node tree walked; deeper nodes are cut (fails closed). */
const MAX_DEPTH = 500;

/**
 * The browser-side pass over serialized DOM that rrweb's mask callbacks never see: attribute
 * text under "mask all text" (`maskTextAttributes`), and CSS everywhere (`style` attributes,
 * inlined stylesheets, `<style>` text, CSSOM rule and declaration events, adopted stylesheets:
 * `sanitizeCss`). In place, before core's redaction walk.
 */
export function createSerializedMasker(policy: CssPolicy) {
  const css = (v: unknown): unknown => (typeof v === 'string' ? sanitizeCss(v, policy) : v);

  const attributes = (attrs: Json): void => {
    if (policy.maskAllText) maskTextAttributes(attrs);
    if ('_cssText' in attrs) attrs._cssText = css(attrs._cssText);
    const style = attrs.style;
    if (typeof style === 'string') attrs.style = css(style);
    else if (isObject(style)) {
      // A style mutation: `{property: value | [value, priority] | false}`.
      for (const k in style) {
        const v = style[k];
        style[k] = Array.isArray(v) ? v.map(css) : css(v);
      }
    }
  };

  const node = (n: Json, inStyle: boolean, depth: number): void => {
    if (n.type === NodeType.Text) {
      if (inStyle || n.isStyle === true) n.textContent = css(n.textContent);
      return;
    }
    if (isObject(n.attributes)) attributes(n.attributes);
    if (!Array.isArray(n.childNodes)) return;
    if (depth >= MAX_DEPTH) {
      n.childNodes = [];
      return;
    }
    const style = inStyle || (typeof n.tagName === 'string' && n.tagName.toLowerCase() === 'style');
    for (const c of n.childNodes) if (isObject(c)) node(c, style, depth + 1);
  };

  const rules = (list: unknown): void => {
    if (Array.isArray(list)) for (const r of list) if (isObject(r)) r.rule = css(r.rule);
  };

  return <E extends RecordedEventLike>(event: E): E => {
    const data = event.data;
    if (!isObject(data)) return event;
    if (event.type === EventType.FullSnapshot && isObject(data.node)) node(data.node, false, 0);
    if (event.type !== EventType.IncrementalSnapshot) return event;
    switch (data.source) {
      case IncrementalSource.Mutation:
        if (Array.isArray(data.adds))
          for (const a of data.adds) if (isObject(a) && isObject(a.node)) node(a.node, false, 0);
        if (Array.isArray(data.attributes))
          for (const a of data.attributes)
            if (isObject(a) && isObject(a.attributes)) attributes(a.attributes);
        break;
      case IncrementalSource.StyleSheetRule:
        rules(data.adds);
        data.replace = css(data.replace);
        data.replaceSync = css(data.replaceSync);
        break;
      case IncrementalSource.StyleDeclaration:
        if (isObject(data.set)) data.set.value = css(data.set.value);
        break;
      case IncrementalSource.AdoptedStyleSheet:
        if (Array.isArray(data.styles)) for (const s of data.styles) if (isObject(s)) rules(s.rules);
        break;
    }
    return event;
  };
}
