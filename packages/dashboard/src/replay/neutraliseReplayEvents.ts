import { EventType, IncrementalSource, NodeType, type RecordedEvent } from '@veil/core';
import { neutraliseAttributes } from './neutraliseAttributes';
import { neutraliseCss } from './neutraliseCss';

/**
 * Recorded events as the dashboard replays them: a copy in which no element can run code, fetch
 * from outside Veil or navigate (`neutraliseAttributes`, `neutraliseCss`), for every place rrweb
 * builds DOM or CSS from: full snapshots, added nodes, attribute and text changes, stylesheet
 * rules and declarations, adopted stylesheets. Events that would load a resource by themselves
 * (web fonts by URL, canvas drawing, which Veil does not capture) are left out. Other events are
 * passed through unchanged. The input is not modified.
 *
 * This is the first of two layers: the replay frame's Content-Security-Policy
 * (`replayFramePolicy.ts`) refuses whatever this one misses.
 */
export function neutraliseReplayEvents(events: readonly RecordedEvent[], ownOrigin: string): RecordedEvent[] {
  const walker = new ReplayDomWalker(ownOrigin);
  const out: RecordedEvent[] = [];
  for (const event of events) {
    const safe = walker.event(event);
    if (safe !== null) out.push(safe);
  }
  return out;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Walks the events in order, remembering each node's tag (by rrweb id) so that attribute changes
 * are judged by their element, and text changes inside `<style>` as CSS.
 */
class ReplayDomWalker {
  /** rrweb node id → lower-case tag name, for elements. */
  private readonly tags = new Map<number, string>();
  /** rrweb node id → tag of the parent element, for text nodes. */
  private readonly textParents = new Map<number, string>();

  constructor(private readonly ownOrigin: string) {}

  event(event: RecordedEvent): RecordedEvent | null {
    const data = event.data;
    if (!isRecord(data)) return event;
    if (event.type === EventType.FullSnapshot) {
      this.tags.clear();
      this.textParents.clear();
      return isRecord(data.node) ? { ...event, data: { ...data, node: this.node(data.node, '') } } : null;
    }
    if (event.type !== EventType.IncrementalSnapshot) return event;
    switch (data.source) {
      case IncrementalSource.Mutation:
        return { ...event, data: this.mutation(data) };
      case IncrementalSource.StyleSheetRule:
        return { ...event, data: this.styleSheetRule(data) };
      case IncrementalSource.StyleDeclaration:
        return { ...event, data: this.styleDeclaration(data) };
      case IncrementalSource.AdoptedStyleSheet:
        return { ...event, data: this.adoptedStyleSheet(data) };
      case IncrementalSource.Font:
        // rrweb loads a font given by URL with `new FontFace(family, url)`; only inline buffers are kept.
        return data.buffer === true ? event : null;
      case IncrementalSource.CanvasMutation:
        // Drawing commands can load images (`drawImage` of a URL) in the dashboard's own document.
        return null;
      default:
        return event;
    }
  }

  /** A serialised node tree, copied with every element's attributes and every CSS text neutralised. */
  private node(node: Json, parentTag: string): Json {
    const id = typeof node.id === 'number' ? node.id : undefined;
    if (node.type === NodeType.Text || node.type === NodeType.CDATA) {
      if (id !== undefined) this.textParents.set(id, parentTag);
      const text = typeof node.textContent === 'string' ? node.textContent : '';
      const css = parentTag === 'style' || node.isStyle === true;
      return { ...node, textContent: css ? neutraliseCss(text, this.ownOrigin) : text };
    }
    if (node.type !== NodeType.Element && node.type !== NodeType.Document) return node;
    const tag = typeof node.tagName === 'string' ? node.tagName.toLowerCase() : '';
    if (id !== undefined && tag !== '') this.tags.set(id, tag);
    const children = Array.isArray(node.childNodes) ? node.childNodes.filter(isRecord) : [];
    return {
      ...node,
      ...(node.type === NodeType.Element
        ? {
            attributes: neutraliseAttributes(
              tag,
              isRecord(node.attributes) ? node.attributes : {},
              this.ownOrigin,
            ),
          }
        : {}),
      childNodes: children.map((child) => this.node(child, tag)),
    };
  }

  private mutation(data: Json): Json {
    const adds = Array.isArray(data.adds)
      ? data.adds.filter(isRecord).map((add) => {
          const parentTag = typeof add.parentId === 'number' ? (this.tags.get(add.parentId) ?? '') : '';
          return isRecord(add.node) ? { ...add, node: this.node(add.node, parentTag) } : add;
        })
      : [];
    const attributes = Array.isArray(data.attributes)
      ? data.attributes.filter(isRecord).map((change) => {
          const tag = typeof change.id === 'number' ? this.tags.get(change.id) : undefined;
          const values = isRecord(change.attributes) ? change.attributes : {};
          // A node seen nowhere before is judged as a link (the strictest rules for an href).
          return { ...change, attributes: neutraliseAttributes(tag ?? 'a', values, this.ownOrigin) };
        })
      : [];
    const texts = Array.isArray(data.texts)
      ? data.texts.filter(isRecord).map((change) => {
          const parent = typeof change.id === 'number' ? this.textParents.get(change.id) : undefined;
          // Unknown text nodes are treated as CSS: their text could be a stylesheet's.
          const css = parent === undefined || parent === 'style';
          return css && typeof change.value === 'string'
            ? { ...change, value: neutraliseCss(change.value, this.ownOrigin) }
            : change;
        })
      : [];
    return { ...data, adds, attributes, texts };
  }

  private styleSheetRule(data: Json): Json {
    const out: Json = { ...data };
    if (Array.isArray(data.adds)) {
      out.adds = data.adds
        .filter(isRecord)
        .map((add) =>
          typeof add.rule === 'string' ? { ...add, rule: neutraliseCss(add.rule, this.ownOrigin) } : add,
        );
    }
    for (const key of ['replace', 'replaceSync'] as const) {
      if (typeof data[key] === 'string') out[key] = neutraliseCss(data[key], this.ownOrigin);
    }
    return out;
  }

  private styleDeclaration(data: Json): Json {
    if (!isRecord(data.set)) return data;
    const { value } = data.set;
    return typeof value === 'string'
      ? { ...data, set: { ...data.set, value: neutraliseCss(value, this.ownOrigin) } }
      : data;
  }

  private adoptedStyleSheet(data: Json): Json {
    if (!Array.isArray(data.styles)) return data;
    const styles = data.styles.filter(isRecord).map((style) => ({
      ...style,
      rules: Array.isArray(style.rules)
        ? style.rules
            .filter(isRecord)
            .map((r) =>
              typeof r.rule === 'string' ? { ...r, rule: neutraliseCss(r.rule, this.ownOrigin) } : r,
            )
        : [],
    }));
    return { ...data, styles };
  }
}
