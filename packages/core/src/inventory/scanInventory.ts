import { pagePattern } from '../heatmap/pagePattern.js';
import { isNeverCapturedInputType, MASKED_INPUT_VALUE } from '../policy/captureSelectors.js';
import { RedactionContext } from '../redaction/RedactionContext.js';
import { isNetworkPayloadEvent } from '../redaction/redactEvents.js';
import { urlPath } from '../url/sanitizeUrl.js';
import type { RecordedEvent } from '../wire/batch.js';
import { EventType, IncrementalSource, NodeType, VeilCustomTag } from '../wire/rrwebEvents.js';
import {
  type InventoryCapture,
  MAX_INVENTORY_LABEL_CHARS,
  MAX_INVENTORY_MARKUP_CHARS,
} from './inventorySchemas.js';
import { sensitiveFieldLabel } from './sensitiveFields.js';

/** A page a batch showed. */
export interface ObservedPage {
  pattern: string;
  networkPayloadEvents: number;
}

/** A field, iframe or sensitive-looking element a batch showed (markup and label, never a value). */
export interface ObservedElement {
  kind: 'field' | 'element' | 'iframe';
  pagePattern: string;
  path: string;
  tag: string;
  name: string | null;
  elementId: string | null;
  inputType: string | null;
  autocomplete: string | null;
  label: string | null;
  sensitive: string | null;
  capture: InventoryCapture;
  /**
   * The recording proves `capture` (a blocked box, a masked or a captured value, a password);
   * false when it is only what markup suggests (an empty field nobody typed into yet).
   */
  certain: boolean;
}

/** What an input event showed of a field seen in an earlier batch: masked or captured. */
export interface ObservedCapture {
  pagePattern: string;
  path: string;
  capture: InventoryCapture;
}

export interface InventoryScan {
  pages: ObservedPage[];
  elements: ObservedElement[];
  captures: ObservedCapture[];
  /** The page the session is on after the batch (carry it to the next batch). */
  page: string | undefined;
}

export interface InventoryScanOptions {
  /**
   * The session's node tree after this batch went through redaction: element paths of the batch's
   * last full snapshot and of mutations after it (or of every mutation, when there is none).
   */
  context: RedactionContext;
  /** The page the session was on before the batch (from the previous batch). */
  page: string | undefined;
  /** The site's own page patterns (`policy.heatmapPagePatterns`). */
  pagePatterns: readonly string[];
  /** The policy masks every text: elements' text is masked wherever it is. */
  maskAllText: boolean;
  /** Redacts a label again before it is kept (the site's detectors). */
  redactLabel: (text: string) => string;
}

type SerializedNode = {
  type?: unknown;
  id?: unknown;
  tagName?: unknown;
  attributes?: unknown;
  childNodes?: unknown;
  textContent?: unknown;
  isShadow?: unknown;
};

const FIELD_TAGS = new Set(['input', 'textarea', 'select']);
const FRAME_TAGS = new Set(['iframe', 'frame']);
/** Blocked by default, but media, not data: not listed. */
const MEDIA_TAGS = new Set(['canvas', 'video', 'audio', 'object', 'embed', 'img', 'svg', 'picture']);
/** Input types that are buttons, not data. */
const BUTTON_TYPES = new Set(['submit', 'button', 'reset', 'image']);
const MASK_CLASSES = /(?:^|\s)(?:veil-mask|rr-mask|fs-mask|sentry-mask|inspectlet-sensitive)(?:\s|$)/;
const UNMASK_CLASSES = /(?:^|\s)(?:veil-unmask|inspectlet-whitelist)(?:\s|$)/;
/** Elements a label's text does not include. */
const NOT_LABEL_TEXT = new Set(['input', 'textarea', 'select', 'option', 'script', 'style', 'button']);

/** Element paths start at `html` or at an element with a stable id (`form#checkout>…`). */
const COMPLETE_PATH = /^(?:html(?:>|$)|[^>\s]+#)/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function attr(attributes: Record<string, unknown>, name: string): string | null {
  const v = attributes[name];
  if (typeof v !== 'string' || v === '') return null;
  return v.slice(0, MAX_INVENTORY_MARKUP_CHARS);
}

function isMaskMarked(attributes: Record<string, unknown>): boolean {
  const cls = attributes.class;
  if (typeof cls === 'string' && MASK_CLASSES.test(cls)) return true;
  return (
    attributes['data-veil'] === 'mask' ||
    attributes['data-hj-suppress'] !== undefined ||
    attributes['data-clarity-mask'] !== undefined
  );
}

function isUnmaskMarked(attributes: Record<string, unknown>): boolean {
  const cls = attributes.class;
  return (typeof cls === 'string' && UNMASK_CLASSES.test(cls)) || attributes['data-veil'] === 'unmask';
}

/** One element found during a walk, its label resolved once the walk is done. */
interface Pending {
  observed: ObservedElement;
  nodeId: number;
  labelFor: string | null;
  wrappingLabel: number | null;
  fallbackLabel: string | null;
  placeholder: string | null;
}

/**
 * Scans one batch (already redacted) for the data inventory: the pages it shows, their form
 * fields, iframes and sensitive-looking elements (masked or blocked regions, elements whose
 * markup names sensitive data), each with its element path and whether the recording holds it
 * masked, blocked or captured; and input events that prove a known field masked or captured.
 * Reads tags, markup attributes and label text; never an input's value (only whether it is the
 * mask). Label text is page text, passed through `redactLabel` again.
 */
export function scanInventory(
  events: readonly RecordedEvent[],
  options: InventoryScanOptions,
): InventoryScan {
  const pages = new Map<string, ObservedPage>();
  const elements: ObservedElement[] = [];
  const captures: ObservedCapture[] = [];
  let page = options.page;
  let pattern = page === undefined ? undefined : pagePattern(urlPath(page), options.pagePatterns);
  const enterPage = (href: string) => {
    page = href;
    pattern = pagePattern(urlPath(href), options.pagePatterns);
    if (!pages.has(pattern)) pages.set(pattern, { pattern, networkPayloadEvents: 0 });
  };
  // Paths of events before the batch's last full snapshot come from a tree of their own.
  let lastFull = -1;
  for (let i = 0; i < events.length; i++) if (events[i]!.type === EventType.FullSnapshot) lastFull = i;
  let tree: RedactionContext = lastFull > 0 ? new RedactionContext() : options.context;
  const useOwnTree = (i: number) => i < lastFull;

  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const data = event.data;
    if (!isRecord(data)) continue;
    if (event.type === EventType.Meta && typeof data.href === 'string') {
      enterPage(data.href);
      continue;
    }
    if (event.type === EventType.Custom) {
      if (
        data.tag === VeilCustomTag.PageView &&
        isRecord(data.payload) &&
        typeof data.payload.url === 'string'
      )
        enterPage(data.payload.url);
      continue;
    }
    if (pattern === undefined) continue; // no page known yet: nothing to file it under
    if (!pages.has(pattern)) pages.set(pattern, { pattern, networkPayloadEvents: 0 });
    if (isNetworkPayloadEvent(event)) {
      pages.get(pattern)!.networkPayloadEvents += 1;
      continue;
    }
    if (event.type === EventType.FullSnapshot && isRecord(data.node)) {
      tree = useOwnTree(i) ? new RedactionContext() : options.context;
      const walk = new Walk(tree, pattern, options, useOwnTree(i));
      walk.node(data.node as SerializedNode, undefined, false, false, null);
      elements.push(...walk.finish());
      continue;
    }
    if (event.type !== EventType.IncrementalSnapshot) continue;
    if (data.source === IncrementalSource.Mutation && Array.isArray(data.adds)) {
      const walk = new Walk(tree, pattern, options, useOwnTree(i));
      for (const add of data.adds) {
        if (!isRecord(add) || !isRecord(add.node)) continue;
        const parentId = typeof add.parentId === 'number' ? add.parentId : undefined;
        const nextId = typeof add.nextId === 'number' ? add.nextId : null;
        walk.node(add.node as SerializedNode, parentId, false, false, null, nextId);
      }
      elements.push(...walk.finish());
    } else if (data.source === IncrementalSource.Input && typeof data.id === 'number') {
      if (typeof data.text !== 'string' || data.text === '') continue;
      const path = tree.pathOf(data.id, false);
      if (path === undefined || !COMPLETE_PATH.test(path)) continue;
      captures.push({
        pagePattern: pattern,
        path,
        capture: data.text === MASKED_INPUT_VALUE ? 'masked' : 'captured',
      });
    }
  }
  return { pages: [...pages.values()], elements, captures, page };
}

/** One walk over a full snapshot or a mutation's added nodes. */
class Walk {
  readonly #found: Pending[] = [];
  /** Label text by the label's node id, and by its `for` attribute. */
  readonly #labelText = new Map<number, string>();
  readonly #labelFor = new Map<string, string>();

  constructor(
    private readonly tree: RedactionContext,
    private readonly pattern: string,
    private readonly options: InventoryScanOptions,
    /** Nodes are added to `tree` here (a tree of the walk's own, not the session's). */
    private readonly build: boolean,
  ) {}

  node(
    n: SerializedNode,
    parentId: number | undefined,
    inMasked: boolean,
    inBlocked: boolean,
    label: number | null,
    nextId?: number | null,
  ): void {
    const id = typeof n.id === 'number' ? n.id : undefined;
    if (n.type === NodeType.Document) {
      if (this.build) this.tree.resetTree();
    } else if (n.type !== NodeType.Element || typeof n.tagName !== 'string') {
      if (this.build && id !== undefined)
        this.tree.addNode(
          id,
          parentId,
          undefined,
          undefined,
          n.isShadow === true,
          nextId,
          n.type === NodeType.Text,
        );
      return;
    }
    const tag = typeof n.tagName === 'string' ? n.tagName.toLowerCase() : undefined;
    const attributes = isRecord(n.attributes) ? n.attributes : {};
    if (this.build && id !== undefined)
      this.tree.addNode(id, parentId, tag, attributes.id, n.isShadow === true, nextId);
    let masked = inMasked;
    let wrapping = label;
    if (tag !== undefined && id !== undefined && !inBlocked) {
      masked = inMasked || isMaskMarked(attributes);
      if (tag === 'label') {
        const text = this.#cleanLabel(labelText(n));
        if (text !== null) {
          this.#labelText.set(id, text);
          const forId = attr(attributes, 'for');
          if (forId !== null) this.#labelFor.set(forId, text);
        }
        wrapping = id;
      } else {
        this.#classify(tag, id, attributes, masked, inMasked, wrapping);
      }
    }
    const blocked = inBlocked || typeof attributes.rr_width === 'string';
    if (Array.isArray(n.childNodes)) {
      for (const child of n.childNodes)
        if (isRecord(child)) this.node(child as SerializedNode, id, masked, blocked, wrapping);
    }
  }

  #cleanLabel(text: string | null): string | null {
    if (text === null) return null;
    const clean = this.options
      .redactLabel(text.replace(/\s+/g, ' ').trim())
      .slice(0, MAX_INVENTORY_LABEL_CHARS);
    // A label masked whole (`maskAllText`, a masked region) says nothing.
    return /[^*\s]/.test(clean) ? clean : null;
  }

  #classify(
    tag: string,
    id: number,
    attributes: Record<string, unknown>,
    masked: boolean,
    inMasked: boolean,
    label: number | null,
  ): void {
    const blocked = typeof attributes.rr_width === 'string';
    const inputType =
      tag === 'input' ? (attr(attributes, 'type')?.toLowerCase() ?? (blocked ? null : 'text')) : null;
    let kind: ObservedElement['kind'] | undefined;
    let capture: InventoryCapture;
    let certain = true;
    const name = attr(attributes, 'name');
    const elementId = attr(attributes, 'id');
    const autocomplete = attr(attributes, 'autocomplete');
    const ariaLabel = attr(attributes, 'aria-label');
    if (FIELD_TAGS.has(tag)) {
      if (inputType !== null && BUTTON_TYPES.has(inputType)) return;
      kind = 'field';
      const value = attributes.value;
      if (blocked) capture = 'blocked';
      else if (isNeverCapturedInputType(inputType) || masked) capture = 'masked';
      else if (inputType === 'checkbox' || inputType === 'radio') capture = 'captured';
      else if (typeof value === 'string' && value !== '')
        capture = value === MASKED_INPUT_VALUE ? 'masked' : 'captured';
      else {
        capture = isUnmaskMarked(attributes) ? 'captured' : 'masked';
        certain = false;
      }
    } else if (FRAME_TAGS.has(tag)) {
      kind = 'iframe';
      capture = blocked ? 'blocked' : 'captured';
    } else {
      if (MEDIA_TAGS.has(tag)) return;
      const markedHere = masked && !inMasked;
      const sensitive = sensitiveFieldLabel({ name, elementId, label: ariaLabel });
      if (!blocked && !markedHere && sensitive === null) return;
      kind = 'element';
      capture = blocked ? 'blocked' : masked || this.options.maskAllText ? 'masked' : 'captured';
    }
    const path = this.tree.pathOf(id, false);
    // A path that does not reach `html` or an element with a stable id is a guess: left out.
    if (path === undefined || !COMPLETE_PATH.test(path)) return;
    this.#found.push({
      observed: {
        kind,
        pagePattern: this.pattern,
        path,
        tag,
        name,
        elementId,
        inputType,
        autocomplete,
        label: null,
        sensitive: null,
        capture,
        certain,
      },
      nodeId: id,
      labelFor: elementId,
      wrappingLabel: label,
      fallbackLabel: this.#cleanLabel(ariaLabel ?? attr(attributes, 'title')),
      placeholder: this.#cleanLabel(attr(attributes, 'placeholder')),
    });
  }

  /** The walk's elements with their labels: a wrapping `<label>`, `<label for>`, aria-label/title, placeholder. */
  finish(): ObservedElement[] {
    return this.#found.map((p) => {
      const label =
        (p.wrappingLabel !== null ? this.#labelText.get(p.wrappingLabel) : undefined) ??
        (p.labelFor !== null ? this.#labelFor.get(p.labelFor) : undefined) ??
        p.fallbackLabel ??
        p.placeholder;
      const o = p.observed;
      const sensitive = sensitiveFieldLabel({
        name: o.name,
        elementId: o.elementId,
        label,
        placeholder: p.placeholder,
        autocomplete: o.autocomplete,
      });
      return { ...o, label, sensitive };
    });
  }
}

/** The text of a label element, without the text of the fields and options inside it. */
function labelText(n: SerializedNode): string | null {
  const parts: string[] = [];
  let chars = 0;
  const visit = (node: SerializedNode, depth: number) => {
    if (depth > 16 || chars > MAX_INVENTORY_LABEL_CHARS * 4) return;
    if (node.type === NodeType.Text && typeof node.textContent === 'string') {
      parts.push(node.textContent);
      chars += node.textContent.length;
      return;
    }
    if (typeof node.tagName === 'string' && NOT_LABEL_TEXT.has(node.tagName.toLowerCase())) return;
    if (Array.isArray(node.childNodes))
      for (const c of node.childNodes) if (isRecord(c)) visit(c as SerializedNode, depth + 1);
  };
  visit(n, 0);
  const text = parts.join(' ');
  return text.trim() === '' ? null : text;
}
