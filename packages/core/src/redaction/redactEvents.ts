import type { Detector } from '../detectors/detectors.js';
import { type Finding, redactTextInto } from '../detectors/redactText.js';
import { HeatmapTag } from '../heatmap/heatmapEvents.js';
import { isNeverCapturedInputType, MASKED_INPUT_VALUE } from '../policy/captureSelectors.js';
import { sanitizeUrl } from '../url/sanitizeUrl.js';
import type { RecordedEvent } from '../wire/batch.js';
import { EventType, IncrementalSource, NodeType, VeilCustomTag } from '../wire/rrwebEvents.js';
import { isRunBoundaryTag, type RunFinding, redactRun } from './inlineText.js';
import { type CssPolicy, sanitizeCss } from './sanitizeCss.js';

/** Where in the rrweb stream a detector fired (never the value). */
export interface RedactionFinding {
  label: string;
  /** `text`, `attribute:<name>`, `input`, `url`, `title`, `custom`, `plugin`. */
  location: string;
  /** rrweb node id, when the finding sits on a node. */
  nodeId?: number;
  /** Text-free CSS path of the element (`RedactionContext.pathOf`), when the node is known. */
  elementPath?: string;
  /** The page the finding was on (URL already sanitised and redacted), when known. */
  page?: string;
  count: number;
}

export interface RedactEventsOptions {
  /** The policy's custom patterns, compiled. */
  detectors?: readonly Detector[];
  /** Query parameters that may stay in URLs. */
  allowedUrlParams?: readonly string[];
  /** The policy's "mask all text": CSS `content:` strings are masked whole. @default false */
  maskAllText?: boolean;
  /**
   * Redact the given events in place instead of a copy: what ingest does with a batch it has
   * just parsed (no second copy of a 16 MB batch). @default false
   */
  inPlace?: boolean;
  /**
   * What is known of the recording from earlier batches (node tree, password inputs, current
   * page); updated by this call. The server passes a `RedactionContext` per session (element
   * paths); the browser a `lightRedactionState()`. @default a fresh light state
   */
  context?: RedactionState;
}

/** What redaction remembers of a recording between calls (`RedactionContext` is the full one). */
export interface RedactionState {
  /** The current page URL, sanitised and redacted. */
  page: string | undefined;
  resetTree(): void;
  markPassword(id: number): void;
  isPassword(id: number): boolean;
  /** Records a node: an element (`tagName`), a text node (`isText`) or another node. */
  addNode(
    id: number,
    parentId: number | undefined,
    tagName: string | undefined,
    idAttribute: unknown,
    isShadow: boolean,
    nextId?: number | null,
    isText?: boolean,
  ): void;
  removeNode(id: number, parentId: number | undefined): void;
  pathOf(id: number | undefined): string | undefined;
  /** Remembers the recorded (already redacted) text of a text node. */
  setText(id: number, text: string): void;
  /** The remembered text of node `id` when it is remembered whole. */
  textOf(id: number): string | undefined;
  /**
   * Remembered inline text before (-1, nearest first) or after (1) node `id` in reading order,
   * until `minChars` characters or the end of the run (`RedactionContext.inlineNeighbours`).
   */
  inlineNeighbours(id: number, direction: -1 | 1, minChars: number, out: TextSlice[]): void;
}

/** A remembered piece of a text node's text: `text` starts at `offset` of its `length` characters. */
export interface TextSlice {
  id: number;
  text: string;
  offset: number;
  length: number;
}

/** A state that remembers password inputs and the page, not the node tree (no element paths). */
export function lightRedactionState(): RedactionState {
  const passwords = new Set<number>();
  return {
    page: undefined,
    resetTree: () => passwords.clear(),
    markPassword: (id) => void passwords.add(id),
    isPassword: (id) => passwords.has(id),
    addNode: () => {},
    removeNode: () => {},
    pathOf: () => undefined,
    setText: () => {},
    textOf: () => undefined,
    inlineNeighbours: () => {},
  };
}

export interface RedactEventsResult {
  events: RecordedEvent[];
  findings: RedactionFinding[];
  /** Values of password fields replaced (the browser should have masked them). */
  passwordValuesReplaced: number;
}

/** Attributes whose values are free text a person may have typed or a page may have templated. */
const TEXT_ATTRIBUTES = new Set([
  'value',
  'placeholder',
  'title',
  'alt',
  'label',
  'content',
  'name',
  'srcdoc',
  'summary',
  'abbr',
  'download',
]);
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'poster',
  'cite',
  'data',
  'background',
  'longdesc',
  'ping',
  'xlink:href',
]);

/** How an attribute's value is redacted. */
const AttributeKind = { Skip: 0, Text: 1, Url: 2, SrcSet: 3, Value: 4, Css: 5 } as const;
type AttributeKind = (typeof AttributeKind)[keyof typeof AttributeKind];

/** Attribute name → kind; names repeat endlessly in a stream, so each is classified once. */
const attributeKinds = new Map<string, AttributeKind>();
const MAX_CACHED_ATTRIBUTE_NAMES = 2_000;

function attributeKind(name: string): AttributeKind {
  let kind = attributeKinds.get(name);
  if (kind !== undefined) return kind;
  const lower = name.toLowerCase();
  kind =
    lower === 'value'
      ? AttributeKind.Value
      : URL_ATTRIBUTES.has(lower)
        ? AttributeKind.Url
        : lower === 'srcset' || lower === 'imagesrcset'
          ? AttributeKind.SrcSet
          : lower === 'style' || lower === '_csstext'
            ? AttributeKind.Css
            : TEXT_ATTRIBUTES.has(lower) || lower.startsWith('aria-') || lower.startsWith('data-')
              ? AttributeKind.Text
              : AttributeKind.Skip;
  if (attributeKinds.size < MAX_CACHED_ATTRIBUTE_NAMES) attributeKinds.set(name, kind);
  return kind;
}

/** Plugin events whose payload is a network request or response (rrweb's network plugin and kin). */
const NETWORK_PLUGIN = /network|xhr|fetch|request/i;

/** Most nesting of a custom or plugin payload that is walked; deeper values are dropped. */
const MAX_PAYLOAD_DEPTH = 8;

/**
 * Characters of remembered text joined on each side of text a mutation adds or changes: more
 * than any detector's match plus the context its validator reads.
 */
export const RUN_CONTEXT_CHARS = 160;

/** A text node of the event being walked, in the current run of inline text. */
interface RunPiece {
  node: Json;
  id: number | undefined;
}

/** A text of the mutation being walked: an added text node (`textContent`) or a `texts` entry (`value`). */
interface EventText {
  holder: Json;
  key: 'textContent' | 'value';
}

type Json = Record<string, unknown>;

/** rrweb serialises HTML tag names in lower case already: lower-case only when needed (no copy). */
function lowerTag(tag: string): string {
  for (let i = 0; i < tag.length; i++) {
    const c = tag.charCodeAt(i);
    if (c >= 65 && c <= 90) return tag.toLowerCase();
  }
  return tag;
}
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for an rrweb plugin event carrying network payloads (XHR/fetch bodies, headers). */
export function isNetworkPayloadEvent(event: RecordedEvent): boolean {
  if (event.type !== EventType.Plugin || !isObject(event.data)) return false;
  const plugin = event.data.plugin;
  return typeof plugin === 'string' && NETWORK_PLUGIN.test(plugin);
}

/**
 * The redaction layer: walks every place PII can hide in an rrweb stream (text nodes, text split
 * across sibling text nodes, attributes and URL attributes, input and change events, option
 * texts, contenteditable and shadow-DOM content, page URLs and titles, custom and plugin
 * payloads) and masks what the detectors validate, keeping length so replays keep their layout.
 * Console payloads are dropped. The same function runs in the recorder and again on the server.
 */
export function redactEvents(
  input: readonly RecordedEvent[],
  options: RedactEventsOptions = {},
): RedactEventsResult {
  const walker = new Walker(options);
  const events = options.inPlace ? (input as RecordedEvent[]) : structuredClone(input as RecordedEvent[]);
  for (const e of events) walker.event(e);
  return { events, findings: walker.findings(), passwordValuesReplaced: walker.passwordValuesReplaced };
}

class Walker {
  private readonly detectors: readonly Detector[];
  private readonly allowedParams: readonly string[];
  private readonly ctx: RedactionState;
  private readonly counts = new Map<string, RedactionFinding>();
  /** Reused for every string: empty between calls. */
  private readonly found: Finding[] = [];
  private readonly runFound: RunFinding[] = [];
  private readonly css: CssPolicy;
  /** Text nodes of the current run of inline text, in reading order (`flushRun`). */
  private readonly run: RunPiece[] = [];
  /**
   * While a mutation's adds are walked: boundary elements entered below the added node (0: its
   * text is at the added subtree's edge and may join the text around it).
   */
  private boundaryDepth = 0;
  private firstEdge: number | undefined;
  private lastEdge: number | undefined;
  /** The mutation's own texts by node id (added text nodes and `texts` entries). */
  private readonly eventTexts = new Map<number, EventText>();
  passwordValuesReplaced = 0;

  constructor(options: RedactEventsOptions) {
    this.detectors = options.detectors ?? [];
    this.allowedParams = options.allowedUrlParams ?? [];
    this.ctx = options.context ?? lightRedactionState();
    this.css = {
      detectors: this.detectors,
      allowedUrlParams: this.allowedParams,
      maskAllText: options.maskAllText === true,
    };
  }

  findings(): RedactionFinding[] {
    return [...this.counts.values()];
  }

  event(e: RecordedEvent): void {
    const data = e.data;
    if (!isObject(data)) return;
    switch (e.type) {
      case EventType.FullSnapshot:
        this.ctx.resetTree();
        if (isObject(data.node)) this.node(data.node, false, undefined, undefined);
        this.flushRun();
        return;
      case EventType.IncrementalSnapshot:
        this.incremental(data);
        return;
      case EventType.Meta:
        if (data.href !== undefined) {
          data.href = this.url(data.href);
          if (typeof data.href === 'string') this.ctx.page = data.href;
        }
        return;
      case EventType.Custom:
        this.custom(data);
        return;
      case EventType.Plugin:
        data.payload = this.deep(data.payload, 'plugin', 0);
        return;
    }
  }

  private note(label: string, location: string, nodeId: number | undefined): void {
    const page = this.ctx.page;
    const key = `${label}\u0000${location}\u0000${nodeId ?? ''}\u0000${page ?? ''}`;
    const found = this.counts.get(key);
    if (found) {
      found.count++;
      return;
    }
    const finding: RedactionFinding = { label, location, count: 1 };
    if (nodeId !== undefined) finding.nodeId = nodeId;
    const elementPath = this.ctx.pathOf(nodeId);
    if (elementPath !== undefined) finding.elementPath = elementPath;
    if (page !== undefined) finding.page = page;
    this.counts.set(key, finding);
  }

  /** Redacts one string; findings are noted at `location` (+ the attribute name, lower-cased). */
  private text(value: unknown, location: string, nodeId: number | undefined, attribute?: string): unknown {
    if (typeof value !== 'string' || value.length === 0) return value;
    const redacted = redactTextInto(value, this.detectors, this.found);
    if (this.found.length === 0) return value;
    const where = attribute === undefined ? location : location + attribute.toLowerCase();
    for (const f of this.found) this.note(f.label, where, nodeId);
    this.found.length = 0;
    return redacted;
  }

  private url(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    return this.urlText(sanitizeUrl(value, this.allowedParams), 'url', undefined);
  }

  /**
   * A URL's text: the detectors run on it as written and on every percent-encoded piece decoded
   * (`/people/jane%40example.org/` hides an e-mail from a scan of the raw string). A piece with
   * PII is replaced by `*` of its encoded length.
   */
  private urlText(url: string, location: string, nodeId: number | undefined, attribute?: string): string {
    const raw = this.text(url, location, nodeId, attribute) as string;
    if (!raw.includes('%')) return raw;
    const pieces = raw.split(/([/?&=#;])/);
    let changed = false;
    for (let i = 0; i < pieces.length; i += 2) {
      const piece = pieces[i]!;
      if (!piece.includes('%')) continue;
      let decoded: string;
      try {
        decoded = decodeURIComponent(piece.replace(/\+/g, ' '));
      } catch {
        continue; // malformed escapes: the raw scan above is all there is
      }
      if (this.text(decoded, location, nodeId, attribute) !== decoded) {
        pieces[i] = '*'.repeat(piece.length);
        changed = true;
      }
    }
    return changed ? pieces.join('') : raw;
  }

  /** Attribute URLs: absolute ones sanitised like page URLs, relative ones lose query and fragment. */
  private attributeUrl(value: string): string {
    if (/^(?:https?:)?\/\//i.test(value)) {
      const protocolRelative = value.startsWith('//');
      const clean = sanitizeUrl(protocolRelative ? `https:${value}` : value, this.allowedParams);
      return protocolRelative ? clean.replace(/^https:/, '') : clean;
    }
    if (value.startsWith('data:') || value.startsWith('blob:')) return value;
    const cut = value.search(/[?#]/);
    return cut === -1 ? value : value.slice(0, cut);
  }

  private attributes(attrs: Json, nodeId: number | undefined, isPassword: boolean): void {
    for (const name in attrs) {
      const kind = attributeKind(name);
      if (kind === AttributeKind.Skip) continue;
      const value = attrs[name];
      if (kind === AttributeKind.Css && isObject(value)) {
        // A style mutation: `{property: value | [value, priority] | false}`.
        for (const k in value) {
          const v = value[k];
          value[k] = Array.isArray(v)
            ? v.map((x) => this.cssText(x, 'attribute:style', nodeId))
            : this.cssText(v, 'attribute:style', nodeId);
        }
        continue;
      }
      if (typeof value !== 'string' || value === '') continue;
      if (kind === AttributeKind.Css) {
        attrs[name] = this.cssText(value, `attribute:${name.toLowerCase()}`, nodeId);
      } else if (kind === AttributeKind.Value && isPassword) {
        if (value !== MASKED_INPUT_VALUE) this.passwordValuesReplaced++;
        attrs[name] = MASKED_INPUT_VALUE;
      } else if (kind === AttributeKind.Url) {
        attrs[name] = this.urlText(this.attributeUrl(value), 'attribute:', nodeId, name);
      } else if (kind === AttributeKind.SrcSet) {
        attrs[name] = this.urlText(this.srcset(value), 'attribute:', nodeId, name);
      } else {
        attrs[name] = this.text(value, 'attribute:', nodeId, name);
      }
    }
  }

  /** `a.png?u=jane 1x, b.png 2x`: every candidate URL without its query and fragment. */
  private srcset(value: string): string {
    return value
      .split(',')
      .map((part) => {
        const lead = part.length - part.trimStart().length;
        const trimmed = part.trim();
        const space = trimmed.search(/\s/);
        const url = space === -1 ? trimmed : trimmed.slice(0, space);
        const rest = space === -1 ? '' : trimmed.slice(space);
        return `${part.slice(0, lead)}${this.attributeUrl(url)}${rest}`;
      })
      .join(',');
  }

  /** Stylesheet text or a `style` value (`sanitizeCss`); findings noted at `location`. */
  private cssText(value: unknown, location: string, nodeId: number | undefined): unknown {
    if (typeof value !== 'string' || value === '') return value;
    return sanitizeCss(value, this.css, (label) => this.note(label, location, nodeId));
  }

  /**
   * A serialised node (full snapshot or mutation add), recursively. Text nodes join the current
   * run of inline text (`flushRun` scans it as it reads on screen); a block, replaced or form
   * element (`isRunBoundaryTag`), a document and a shadow tree's edge end the run. CSS text is
   * sanitised, script text skipped. Shadow roots are serialised as children flagged `isShadow`
   * and walked the same way.
   */
  private node(
    n: Json,
    inStyle: false | 'style' | 'script',
    parentId: number | undefined,
    nextId: number | null | undefined,
  ): void {
    const id = typeof n.id === 'number' ? n.id : undefined;
    const type = n.type;
    if (type === NodeType.Text) {
      const isShadow = n.isShadow === true;
      if (id !== undefined) this.ctx.addNode(id, parentId, undefined, undefined, isShadow, nextId, true);
      if (inStyle || n.isStyle === true) {
        if (inStyle !== 'script') n.textContent = this.cssText(n.textContent, 'css', id);
        return;
      }
      if (typeof n.textContent !== 'string') return;
      if (isShadow) this.flushRun();
      this.run.push({ node: n, id });
      if (id !== undefined) {
        this.eventTexts.set(id, { holder: n, key: 'textContent' });
        if (this.boundaryDepth === 0) {
          this.firstEdge ??= id;
          this.lastEdge = id;
        }
      }
      if (isShadow) this.flushRun();
      return;
    }
    if (type === NodeType.CDATA || type === NodeType.Comment) {
      // Not on screen (no run), but stored: scanned on its own.
      if (id !== undefined) this.ctx.addNode(id, parentId, undefined, undefined, n.isShadow === true, nextId);
      if (!inStyle) {
        const value = n.textContent;
        const redacted = this.text(value, 'text', id);
        if (redacted !== value) n.textContent = redacted;
      }
      return;
    }
    if (type !== NodeType.Element && type !== NodeType.Document) return;
    const tagName = typeof n.tagName === 'string' ? lowerTag(n.tagName) : '';
    const attrs = isObject(n.attributes) ? n.attributes : undefined;
    if (id !== undefined) {
      this.ctx.addNode(
        id,
        parentId,
        type === NodeType.Element ? tagName : undefined,
        attrs?.id,
        n.isShadow === true,
        nextId,
      );
    }
    if (attrs) {
      const isPassword = tagName === 'input' && isNeverCapturedInputType(attrs.type);
      if (isPassword && id !== undefined) this.ctx.markPassword(id);
      this.attributes(attrs, id, isPassword);
    }
    const boundary = type === NodeType.Document || n.isShadow === true || isRunBoundaryTag(tagName);
    if (boundary) {
      this.flushRun();
      this.boundaryDepth++;
    }
    const children = n.childNodes;
    if (Array.isArray(children)) {
      const childInStyle =
        inStyle || (tagName === 'style' ? 'style' : tagName === 'script' ? 'script' : false);
      for (const c of children) if (isObject(c)) this.node(c, childInStyle, id, undefined);
    }
    if (boundary) {
      this.flushRun();
      this.boundaryDepth--;
    }
  }

  /**
   * Scans the current run of inline text: one text alone as it is; several joined as they read
   * on screen (`redactRun`: `jane@` + `example.org`, card groups in spans), every piece a match
   * overlaps masked. The recorded text is remembered for later mutations.
   */
  private flushRun(): void {
    const run = this.run;
    if (run.length === 0) return;
    if (run.length === 1) {
      const piece = run[0]!;
      const value = piece.node.textContent as string;
      const redacted = this.text(value, 'text', piece.id) as string;
      if (redacted !== value) piece.node.textContent = redacted;
      if (piece.id !== undefined) this.ctx.setText(piece.id, redacted);
      run.length = 0;
      return;
    }
    const texts = run.map((p) => p.node.textContent as string);
    const changed = redactRun(texts, this.detectors, this.runFound);
    if (changed) {
      for (const f of this.runFound) this.note(f.label, 'text', run[f.piece]!.id);
      this.runFound.length = 0;
      for (let i = 0; i < run.length; i++) {
        const text = changed[i];
        if (text !== undefined) run[i]!.node.textContent = text;
      }
    }
    for (const piece of run) {
      if (piece.id !== undefined) this.ctx.setText(piece.id, piece.node.textContent as string);
    }
    run.length = 0;
  }

  /**
   * Text a mutation added or changed, joined with the remembered text around it (up to
   * `RUN_CONTEXT_CHARS` each side): the second half of an address added after the first. Pieces
   * of this mutation are masked in place; earlier text nodes a match covers get a `texts` entry
   * with their masked text (a long node only remembered by its ends is masked whole).
   */
  private joinAround(data: Json, id: number): void {
    const self = this.eventTexts.get(id);
    const selfText = self ? self.holder[self.key] : this.ctx.textOf(id);
    if (typeof selfText !== 'string') return;
    const before: TextSlice[] = [];
    const after: TextSlice[] = [];
    this.ctx.inlineNeighbours(id, -1, RUN_CONTEXT_CHARS, before);
    this.ctx.inlineNeighbours(id, 1, RUN_CONTEXT_CHARS, after);
    if (before.length === 0 && after.length === 0) return;
    const slices = [
      ...before.reverse(),
      { id, text: selfText, offset: 0, length: selfText.length },
      ...after,
    ];
    const changed = redactRun(
      slices.map((p) => p.text),
      this.detectors,
      this.runFound,
    );
    if (!changed) return;
    for (const f of this.runFound) this.note(f.label, 'text', slices[f.piece]!.id);
    this.runFound.length = 0;
    for (let i = 0; i < slices.length; i++) {
      const masked = changed[i];
      if (masked === undefined) continue;
      const slice = slices[i]!;
      const own = this.eventTexts.get(slice.id);
      const full = own ? own.holder[own.key] : undefined;
      let value: string;
      if (typeof full === 'string') {
        value = full.slice(0, slice.offset) + masked + full.slice(slice.offset + slice.text.length);
      } else if (slice.text.length === slice.length) {
        value = masked;
      } else {
        value = '*'.repeat(slice.length); // only its ends are known: fails closed
      }
      this.ctx.setText(slice.id, value);
      if (own) {
        own.holder[own.key] = value;
      } else {
        if (!Array.isArray(data.texts)) data.texts = [];
        const entry = { id: slice.id, value };
        (data.texts as unknown[]).push(entry);
        this.eventTexts.set(slice.id, { holder: entry, key: 'value' });
      }
    }
  }

  private incremental(data: Json): void {
    switch (data.source) {
      case IncrementalSource.Mutation:
        this.mutation(data);
        return;
      case IncrementalSource.Input: {
        const id = typeof data.id === 'number' ? data.id : undefined;
        if (id !== undefined && this.ctx.isPassword(id)) {
          if (data.text !== '' && data.text !== MASKED_INPUT_VALUE) this.passwordValuesReplaced++;
          data.text = data.text === '' ? '' : MASKED_INPUT_VALUE;
        } else {
          data.text = this.text(data.text, 'input', id);
        }
        return;
      }
      case IncrementalSource.Log:
        // Console payloads are never kept: they are where debug traces leak.
        data.payload = [];
        data.trace = [];
        return;
      case IncrementalSource.StyleSheetRule:
        this.cssRules(data.adds);
        data.replace = this.cssText(data.replace, 'css', undefined);
        data.replaceSync = this.cssText(data.replaceSync, 'css', undefined);
        return;
      case IncrementalSource.StyleDeclaration:
        if (isObject(data.set)) data.set.value = this.cssText(data.set.value, 'css', undefined);
        return;
      case IncrementalSource.AdoptedStyleSheet:
        if (Array.isArray(data.styles))
          for (const st of data.styles) if (isObject(st)) this.cssRules(st.rules);
        return;
    }
  }

  /** CSSOM rules inserted through `insertRule` or adopted: `[{rule, index}]`. */
  private cssRules(list: unknown): void {
    if (!Array.isArray(list)) return;
    for (const r of list) if (isObject(r)) r.rule = this.cssText(r.rule, 'css', undefined);
  }

  private mutation(data: Json): void {
    if (Array.isArray(data.removes)) {
      for (const r of data.removes) {
        if (isObject(r) && typeof r.id === 'number') {
          this.ctx.removeNode(r.id, typeof r.parentId === 'number' ? r.parentId : undefined);
        }
      }
    }
    this.eventTexts.clear();
    /** Text at the edges of added inline content, and changed text: joined with their neighbours. */
    const edges: number[] = [];
    if (Array.isArray(data.adds)) {
      for (const a of data.adds) {
        if (!isObject(a) || !isObject(a.node)) continue;
        const parentId = typeof a.parentId === 'number' ? a.parentId : undefined;
        const nextId = typeof a.nextId === 'number' ? a.nextId : null;
        this.boundaryDepth = 0;
        this.firstEdge = undefined;
        this.lastEdge = undefined;
        this.node(a.node, false, parentId, nextId);
        this.flushRun();
        if (this.firstEdge !== undefined) edges.push(this.firstEdge);
        if (this.lastEdge !== undefined && this.lastEdge !== this.firstEdge) edges.push(this.lastEdge);
      }
      this.boundaryDepth = 0;
    }
    if (Array.isArray(data.texts)) {
      for (const t of data.texts) {
        if (!isObject(t)) continue;
        const id = typeof t.id === 'number' ? t.id : undefined;
        t.value = this.text(t.value, 'text', id);
        if (id !== undefined && typeof t.value === 'string') {
          this.ctx.setText(id, t.value);
          this.eventTexts.set(id, { holder: t, key: 'value' });
          edges.push(id);
        }
      }
    }
    for (const id of edges) this.joinAround(data, id);
    this.eventTexts.clear();
    if (Array.isArray(data.attributes)) {
      for (const a of data.attributes) {
        if (isObject(a) && isObject(a.attributes)) {
          const id = typeof a.id === 'number' ? a.id : undefined;
          // An input that is, or has just become, a password input: its value is never kept.
          const becamePassword = isNeverCapturedInputType(a.attributes.type);
          if (becamePassword && id !== undefined) this.ctx.markPassword(id);
          const isPassword = becamePassword || (id !== undefined && this.ctx.isPassword(id));
          this.attributes(a.attributes, id, isPassword);
        }
      }
    }
  }

  private custom(data: Json): void {
    const payload = data.payload;
    if (!isObject(payload)) return;
    if (data.tag === VeilCustomTag.PageView) {
      payload.url = this.url(payload.url);
      if (typeof payload.url === 'string') this.ctx.page = payload.url;
      payload.title = this.text(payload.title, 'title', undefined);
      return;
    }
    // `veil('identify', userId)`: the server replaces the id by its keyed hash before anything is
    // stored (ingest step `identify`); masking it here would make every e-mail id hash alike.
    if (data.tag === VeilCustomTag.Identify && typeof payload.userId === 'string') return;
    // A heatmap-only layout is a serialised DOM already made text-free (`textFreeSnapshot`, which
    // the server applies again before it keeps one): only its page path is text to redact, and
    // its node tree must not be cut at the payload depth limit.
    if (data.tag === HeatmapTag.Layout && isObject(payload.node)) {
      payload.path = this.deep(payload.path, 'custom', 0, 'path');
      return;
    }
    data.payload = this.deep(payload, 'custom', 0);
  }

  /**
   * Any JSON value: strings redacted, depth bounded. URL-named keys are sanitised as URLs; paths
   * (`path`, heatmap events' page path) are scanned decoded too (`/people/jane%40example.org`).
   */
  private deep(value: unknown, location: string, depth: number, key = ''): unknown {
    if (typeof value === 'string') {
      if (/^(?:url|href|referrer|src)$/i.test(key)) return this.url(value);
      if (/path$/i.test(key)) return this.urlText(value, location, undefined);
      return this.text(value, location, undefined);
    }
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_PAYLOAD_DEPTH) return null;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.deep(value[i], location, depth + 1);
      return value;
    }
    const obj = value as Json;
    for (const k in obj) obj[k] = this.deep(obj[k], location, depth + 1, k);
    return obj;
  }
}
