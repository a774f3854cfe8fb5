import type { Detector } from '../detectors/detectors.js';
import {
  type Finding,
  hasDigitOrMarker,
  maskPreservingLayout,
  mayHoldBuiltinPii,
  PiiScreen,
  redactTextInto,
} from '../detectors/redactText.js';
import { HeatmapTag } from '../heatmap/heatmapEvents.js';
import { isNeverCapturedInputType, MASKED_INPUT_VALUE } from '../policy/captureSelectors.js';
import { isStructuralAttribute } from '../policy/maskAllAttributes.js';
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
  /**
   * Where the finding sits, with a tracking context (`RedactionState.whereIs`): the text-free CSS
   * path of the element (`RedactionContext.pathOf`) when the node is known, else the place
   * (`document`, `stylesheet`, `custom event`, an `unknown:` place, with ` [node N]` when only
   * its nearest node's id is known). Undefined without one (the browser).
   */
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
  /**
   * The policy's "mask all text": every text a person reads or typed (text nodes, comments,
   * mutation texts, input values, attributes that are not structural, CSS `content:` strings) is
   * masked whole. Text the browser left unmasked is noted as an `unmasked_text` finding.
   * @default false
   */
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
  /**
   * Where a finding on node `id` (or on no node) at `place` sits: the element path when the node
   * is known, else `place` (with ` [node N]` when the id is); undefined when the state does not
   * track the tree (`lightRedactionState`).
   */
  whereIs(id: number | undefined, place: string): string | undefined;
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
    whereIs: () => undefined,
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
  /**
   * Where they were replaced: `password` findings with page and element path (kept apart from
   * `findings`, which are detector findings), for masking-failure records.
   */
  passwordFindings: RedactionFinding[];
  /**
   * True when the walk wrote anything into the events: a value masked or cut, a key renamed or
   * dropped, a list emptied, an entry added. A write of the value already there is not made, so
   * `false` means the events are exactly as they were (they serialise to the same JSON): ingest
   * then keeps the client's own bytes without serialising the events again.
   */
  changed: boolean;
}

/**
 * rrweb's pictures of pixels (a canvas or an inlined image as a data URL): no detector can read
 * text drawn into them, so they are never kept (Veil records canvas and images as boxes).
 */
const PIXEL_ATTRIBUTES = new Set(['rr_dataurl']);
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

/**
 * How an attribute's value is redacted. There is no "skip": an attribute Veil does not know is
 * scanned as text (`class="user-jane@example.org"` is still text a page templated).
 */
const AttributeKind = { Drop: 0, Text: 1, Url: 2, SrcSet: 3, Value: 4, Css: 5 } as const;
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
            : PIXEL_ATTRIBUTES.has(lower)
              ? AttributeKind.Drop
              : AttributeKind.Text;
  if (attributeKinds.size < MAX_CACHED_ATTRIBUTE_NAMES) attributeKinds.set(name, kind);
  return kind;
}

/** Plugin events whose payload is a network request or response (rrweb's network plugin and kin). */
const NETWORK_PLUGIN = /network|xhr|fetch|request/i;

/** Most nesting of a custom or plugin payload that is walked; deeper values are dropped. */
const MAX_PAYLOAD_DEPTH = 8;

/**
 * The keys the walk redacts itself, per shape. Every other key (ids, flags and numbers included:
 * a string where rrweb writes a number is a shape the walk does not know) is scanned string by
 * string with every detector (`deep`), never passed through.
 */
/**
 * A shape's keys: a short list compared with `===` (keys of parsed JSON are interned strings, so
 * that is a pointer comparison), cheaper than a hash lookup for the one to four keys of a shape.
 */
type Keys = readonly string[];
const keys = (list: string): Keys => list.split(' ');
function isKnown(known: Keys, k: string): boolean {
  for (let i = 0; i < known.length; i++) if (known[i] === k) return true;
  return false;
}
const EVENT_KEYS = keys('data');
/**
 * An event whose `timestamp` was read as a number by name first (`event`): `rest` then skips it.
 * A timestamp (1.7e12) is no small integer, so reading it through `obj[k]` boxes it: one heap
 * number per event, the walk's largest allocation on a stream.
 */
const EVENT_KEYS_NUMERIC_TIMESTAMP = keys('data timestamp');
const NODE_KEYS = keys('tagName attributes childNodes textContent');
/** A text, comment or CDATA node: its text only (children or attributes on one are scanned). */
const TEXT_NODE_KEYS = keys('textContent');
const SNAPSHOT_KEYS = keys('node');
const META_KEYS = keys('href');
const MUTATION_KEYS = keys('removes adds texts attributes');
const ADD_KEYS = keys('node');
const TEXT_KEYS = keys('value');
const ATTRIBUTE_MUTATION_KEYS = keys('attributes');
const INPUT_KEYS = keys('text');
const STYLE_SHEET_RULE_KEYS = keys('adds removes replace replaceSync');
const STYLE_DECLARATION_KEYS = keys('set remove');
const ADOPTED_KEYS = keys('styles');
const CUSTOM_KEYS = keys('tag payload');
const PAGE_VIEW_KEYS = keys('url title');
const IDENTIFY_KEYS = keys('userId');
const PLUGIN_KEYS = keys('plugin payload');
const SET_KEYS = keys('value');
const ADOPTED_STYLE_KEYS = keys('rules');
const RULE_KEYS = keys('rule');
const CANVAS_KEYS = keys('source id type');
const LAYOUT_KEYS = keys('node');
const NO_KEYS: Keys = [];
const NO_ITEMS: readonly unknown[] = [];
/** Shorter keys and tag names cannot hold a built-in detector's match (`mayHoldBuiltinPii`). */
const MIN_SCREENED_NAME_CHARS = 6;
/** Most node ids whose mutation texts are kept between mutations (`Walker.eventTexts`). */
const MAX_EVENT_TEXTS = 10_000;
/** Most distinct keys and tag names remembered as clean per walk. */
const MAX_CLEAN_KEYS = 10_000;
/** Style texts up to this length the CSS pass left unchanged are remembered, at most this many. */
const MAX_CLEAN_CSS_CHARS = 256;
const MAX_CLEAN_TEXTS = 20_000;

/**
 * Regular expressions of the hot paths, compiled once: a literal in a method is a new `RegExp`
 * object each time the method runs.
 */
const ABSOLUTE_URL = /^(?:https?:)?\/\//i;
const URL_KEY = /^(?:url|href|referrer|src)$/i;
const PATH_KEY = /path$/i;
const UNDERSCORES = /_/g;

/** A quote or a parenthesis: a string or a `url()` that `sanitizeCss` must read. */
const CSS_TOKEN_CHAR = /["'(]/;

/**
 * The place a finding at `location` names when no element holds it: the page's URL and title
 * belong to the document, CSS without an owning element to its stylesheet; custom and plugin
 * payloads, and `unknown:` places, are named as they are.
 */
function placeOf(location: string): string {
  if (location === 'url' || location === 'title') return 'document';
  if (location === 'css') return 'stylesheet';
  if (location === 'custom' || location === 'plugin') return `${location} event`;
  return location;
}

/** `unknown:incremental:<source>` for the sources rrweb numbers (no string built per event). */
const INCREMENTAL_LOCATIONS = new Map<unknown, string>();
for (let i = 0; i < 32; i++) INCREMENTAL_LOCATIONS.set(i, `unknown:incremental:${i}`);

/** A masked text: nothing but `*` and white space (what `maskPreservingLayout` leaves). */
function isMaskedText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 42 && c !== 32 && !(c >= 9 && c <= 13) && c !== 0xa0) return false;
  }
  return true;
}

/** rrweb's stand-in for the text of a `<script>` (the recorder's slimDOM drops scripts anyway). */
const SCRIPT_PLACEHOLDER = 'SCRIPT_PLACEHOLDER';

/**
 * Characters of remembered text joined on each side of text a mutation adds or changes: more
 * than any detector's match plus the context its validator reads.
 */
export const RUN_CONTEXT_CHARS = 160;

/** A text of the mutation being walked: an added text node (`textContent`) or a `texts` entry (`value`). */
interface EventText {
  holder: Json;
  key: 'textContent' | 'value';
  /** The mutation it belongs to (`Walker.mutations`). */
  mutation: number;
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
  walker.events(events);
  return {
    events,
    findings: walker.findings(),
    passwordValuesReplaced: walker.passwordValuesReplaced,
    passwordFindings: [...walker.passwordCounts.values()],
    changed: walker.changed,
  };
}

class Walker {
  private readonly detectors: readonly Detector[];
  private readonly allowedParams: readonly string[];
  private readonly ctx: RedactionState;
  private readonly counts = new Map<string, RedactionFinding>();
  /** Where password values were replaced (`passwordReplaced`). */
  readonly passwordCounts = new Map<string, RedactionFinding>();
  /** Reused for every string: empty between calls. */
  private readonly found: Finding[] = [];
  private readonly runFound: RunFinding[] = [];
  private readonly css: CssPolicy;
  private readonly maskAll: boolean;
  /** Keys and tag names the detectors found nothing in (`name`). */
  private readonly cleanNames = new Set<string>();
  /** Attribute names the detectors found nothing in (`isPiiAttributeName`). */
  private readonly cleanAttributeNames = new Set<string>();
  /** Style texts the CSS pass left as they were: style attributes repeat (`cssText`). */
  private readonly cleanTexts = new Set<string>();
  /** While a mutation's adds are walked (their texts may join remembered text, `joinAround`). */
  private inMutation = false;
  /** Text nodes of the current run of inline text, in reading order (`flushRun`), and their ids. */
  private readonly run: Json[] = [];
  private readonly runIds: (number | undefined)[] = [];
  /** Per piece of the run, when screened: it has a digit, an `@` or a `:` (`flushRun`). */
  private readonly runMarked: boolean[] = [];
  /**
   * Pieces in the run (`run` and `runIds` are reused, never truncated: a truncated array gives
   * its storage back and the next push allocates it again).
   */
  private runLength = 0;
  /** Reused by `flushRun` and `joinAround`: the screen of a run's pieces. */
  private readonly screen = new PiiScreen();
  /**
   * No custom patterns: only the built-in detectors run, and `mayHoldBuiltinPii` rules out a
   * string (or a run, `PiiScreen`) they cannot match before any detector or join is tried.
   */
  private readonly screened: boolean;
  /**
   * While a mutation's adds are walked: boundary elements entered below the added node (0: its
   * text is at the added subtree's edge and may join the text around it).
   */
  private boundaryDepth = 0;
  private firstEdge: number | undefined;
  private lastEdge: number | undefined;
  /**
   * The mutation's own texts by node id (added text nodes and `texts` entries): an entry counts
   * in the mutation that set it only (`eventText`). Entries are updated, not cleared, so that a
   * mutation allocates nothing for a node an earlier one changed.
   */
  private readonly eventTexts = new Map<number, EventText>();
  /** Mutations walked so far. */
  private mutations = 0;
  /** While a page URL is redacted: labels found in it (`pageUrl`). */
  private pageFindings: string[] | undefined;
  /** Reused by `mutation`: its texts to join with their neighbours. */
  private readonly edges: number[] = [];
  /** Reused by `joinAround`: remembered text before and after the text it joins. */
  private readonly before: TextSlice[] = [];
  private readonly after: TextSlice[] = [];
  passwordValuesReplaced = 0;
  /**
   * Set by every write into the events (`put`, and the writes of the hot paths that compare
   * first): nothing else in the walk may write to them.
   */
  changed = false;

  constructor(options: RedactEventsOptions) {
    this.detectors = options.detectors ?? [];
    this.allowedParams = options.allowedUrlParams ?? [];
    this.ctx = options.context ?? lightRedactionState();
    this.maskAll = options.maskAllText === true;
    this.screened = this.detectors.length === 0;
    this.css = {
      detectors: this.detectors,
      allowedUrlParams: this.allowedParams,
      maskAllText: options.maskAllText === true,
    };
  }

  /**
   * Every event, in order. The loop is a method of its own: a long stream optimises it while it
   * runs (on-stack replacement), and code after the loop that the optimiser has not seen run yet
   * would throw that optimised code away again at the end of every stream.
   */
  events(events: RecordedEvent[]): void {
    for (let i = 0; i < events.length; i++) this.event(events[i]!);
  }

  findings(): RedactionFinding[] {
    return [...this.counts.values()];
  }

  /**
   * One event. Every shape the walk knows is redacted position by position; whatever it does not
   * know (an event type, an incremental source, a key outside its shape, a payload that is not an
   * object) is scanned string by string with every detector under an `unknown:` location, so a
   * finding there is a masking failure like any other. Nothing passes through unread.
   */
  event(e: RecordedEvent): void {
    this.rest(
      e as Json,
      typeof e.timestamp === 'number' ? EVENT_KEYS_NUMERIC_TIMESTAMP : EVENT_KEYS,
      'unknown:event',
      undefined,
    );
    const data = e.data;
    if (!isObject(data)) {
      if (data !== undefined) this.put(e as Json, 'data', this.deep(data, `unknown:event:${e.type}`, 0));
      return;
    }
    switch (e.type) {
      case EventType.FullSnapshot:
        this.ctx.resetTree();
        this.rest(data, SNAPSHOT_KEYS, 'unknown:snapshot', undefined);
        if (isObject(data.node)) this.node(data.node, false, undefined, undefined);
        // A snapshot root of another shape is scanned as unknown data, never passed over.
        else if (data.node !== undefined && data.node !== null)
          this.put(data, 'node', this.deep(data.node, 'unknown:snapshot', 0, 'node'));
        this.flushRun();
        return;
      case EventType.IncrementalSnapshot:
        this.incremental(data);
        return;
      case EventType.Meta:
        this.rest(data, META_KEYS, 'unknown:meta', undefined);
        if (data.href !== undefined) {
          this.put(data, 'href', this.pageUrl(data.href));
        }
        return;
      case EventType.Custom:
        this.custom(data);
        return;
      case EventType.Plugin:
        this.rest(data, PLUGIN_KEYS, 'plugin', undefined);
        this.put(data, 'plugin', this.text(data.plugin, 'plugin', undefined));
        this.put(data, 'payload', this.deep(data.payload, 'plugin', 0));
        return;
      default:
        this.rest(data, NO_KEYS, `unknown:event:${e.type}`, undefined);
    }
  }

  /** A value where the walk expects a string: an object or array in it is scanned (`deep`). */
  private other(value: unknown, location: string, nodeId: number | undefined): unknown {
    return typeof value === 'object' && value !== null ? this.deep(value, location, 0, '', nodeId) : value;
  }

  /**
   * The objects of `holder[key]`, a list the walk reads; anything else in it, or a value that is
   * not a list, is scanned string by string (`deep`) at `location`.
   */
  private objects(holder: Json, key: string, location: string, nodeId?: number): readonly unknown[] {
    const list = holder[key];
    if (list === undefined || list === null) return NO_ITEMS;
    if (!Array.isArray(list)) {
      this.put(holder, key, this.deep(list, location, 0, key, nodeId));
      return NO_ITEMS;
    }
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (typeof v === 'string' || Array.isArray(v)) this.put(list, i, this.deep(v, location, 0, '', nodeId));
    }
    return list;
  }

  /** Every key of `obj` outside `known` scanned string by string (`deep`) at `location`. */
  private rest(obj: Json, known: Keys, location: string, nodeId: number | undefined): void {
    for (const k in obj) {
      // A known key is read by the walk itself, and its name is Veil's own (clean).
      if (isKnown(known, k)) continue;
      const v = obj[k];
      if (typeof v === 'string' || (typeof v === 'object' && v !== null)) {
        this.setScanned(obj, k, this.deep(v, location, 0, k, nodeId), location, nodeId);
      } else if (!this.isCleanName(k)) {
        // A number or a flag: only its key is text.
        this.setScanned(obj, k, v, location, nodeId);
      }
    }
  }

  /**
   * Text a person reads or typed. Under "mask all text" it is masked whole, and text the browser
   * left unmasked is an `unmasked_text` finding; otherwise the detectors decide (`text`).
   */
  private readable(
    value: unknown,
    location: string,
    nodeId: number | undefined,
    attribute?: string,
  ): unknown {
    if (!this.maskAll) return this.text(value, location, nodeId, attribute);
    if (typeof value !== 'string') return this.other(value, location, nodeId);
    if (isMaskedText(value)) return value;
    this.note(
      'unmasked_text',
      attribute === undefined ? location : location + attribute.toLowerCase(),
      nodeId,
    );
    return maskPreservingLayout(value);
  }

  private note(
    label: string,
    location: string,
    nodeId: number | undefined,
    counts: Map<string, RedactionFinding> = this.counts,
  ): void {
    if (this.pageFindings !== undefined && location === 'url' && nodeId === undefined) {
      this.pageFindings.push(label); // noted once the page is known (`pageUrl`)
      return;
    }
    const page = this.ctx.page;
    const key = `${label}\u0000${location}\u0000${nodeId ?? ''}\u0000${page ?? ''}`;
    const found = counts.get(key);
    if (found) {
      found.count++;
      return;
    }
    const finding: RedactionFinding = { label, location, count: 1 };
    if (nodeId !== undefined) finding.nodeId = nodeId;
    const elementPath = this.ctx.whereIs(nodeId, placeOf(location));
    if (elementPath !== undefined) finding.elementPath = elementPath;
    if (page !== undefined) finding.page = page;
    counts.set(key, finding);
  }

  /** Redacts one string; findings are noted at `location` (+ the attribute name, lower-cased). */
  private text(value: unknown, location: string, nodeId: number | undefined, attribute?: string): unknown {
    if (typeof value !== 'string') return this.other(value, location, nodeId);
    if (this.screened ? !mayHoldBuiltinPii(value) : value.length === 0) return value;
    const redacted = redactTextInto(value, this.detectors, this.found, this.screened);
    if (this.found.length === 0) return value;
    const where = attribute === undefined ? location : location + attribute.toLowerCase();
    for (const f of this.found) this.note(f.label, where, nodeId);
    this.found.length = 0;
    return redacted;
  }

  private url(value: unknown, location = 'url'): unknown {
    if (typeof value !== 'string') return this.other(value, location, undefined);
    return this.urlText(sanitizeUrl(value, this.allowedParams), location, undefined);
  }

  /**
   * A new page's URL (Meta, page view): sanitised and redacted, then the current page. What the
   * detectors found in it is noted on that page (the one it names), not on the page before.
   */
  private pageUrl(value: unknown): unknown {
    const from = this.pageFindings;
    this.pageFindings = [];
    let url: unknown;
    try {
      url = this.url(value);
    } finally {
      const found = this.pageFindings;
      this.pageFindings = from;
      if (typeof url === 'string') this.ctx.page = url;
      for (const label of found) this.note(label, 'url', undefined);
    }
    return url;
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
    if (ABSOLUTE_URL.test(value)) {
      const protocolRelative = value.startsWith('//');
      const clean = sanitizeUrl(protocolRelative ? `https:${value}` : value, this.allowedParams);
      return protocolRelative ? clean.replace(/^https:/, '') : clean;
    }
    if (value.startsWith('data:') || value.startsWith('blob:')) return value;
    const q = value.indexOf('?');
    const h = value.indexOf('#');
    const cut = q === -1 ? h : h === -1 ? q : Math.min(q, h);
    return cut === -1 ? value : value.slice(0, cut);
  }

  private attributes(attrs: Json, nodeId: number | undefined, isPassword: boolean): void {
    for (const name in attrs) {
      // A name is page content too (`data-jane.doe@example.org="1"`): one that holds a match is
      // dropped with its value (a masked name could collide with a real attribute, and the name
      // would otherwise reach finding locations below).
      if (this.isPiiAttributeName(name, nodeId)) {
        delete attrs[name];
        this.changed = true;
        continue;
      }
      const kind = attributeKind(name);
      const value = attrs[name];
      if (kind === AttributeKind.Drop) {
        if (value !== null && value !== undefined && value !== false)
          this.note('pixels', `attribute:${name.toLowerCase()}`, nodeId);
        delete attrs[name];
        this.changed = true;
        continue;
      }
      if (kind === AttributeKind.Css && isObject(value)) {
        this.styleMutation(value, nodeId);
        continue;
      }
      if (typeof value !== 'string') {
        // rrweb writes strings, `null` (removed) or `true`/numbers; an object or array here is a
        // shape the walk does not know.
        if (typeof value === 'object' && value !== null)
          this.put(attrs, name, this.deep(value, 'unknown:attribute:', 0, name, nodeId));
        continue;
      }
      if (value === '') continue;
      let safe: unknown;
      if (kind === AttributeKind.Css) {
        safe = this.cssText(value, 'attribute:', nodeId, name);
      } else if (kind === AttributeKind.Value && isPassword) {
        if (value !== MASKED_INPUT_VALUE) this.passwordReplaced(`attribute:${name.toLowerCase()}`, nodeId);
        safe = MASKED_INPUT_VALUE;
      } else if (kind === AttributeKind.Url) {
        safe = this.urlText(this.attributeUrl(value), 'attribute:', nodeId, name);
      } else if (kind === AttributeKind.SrcSet) {
        safe = this.urlText(this.srcset(value), 'attribute:', nodeId, name);
      } else if (this.maskAll && (kind === AttributeKind.Value || !isStructuralAttribute(name))) {
        safe = this.readable(value, 'attribute:', nodeId, name);
      } else {
        safe = this.text(value, 'attribute:', nodeId, name);
      }
      if (safe !== value) {
        attrs[name] = safe;
        this.changed = true;
      }
    }
  }

  /**
   * True when an attribute name holds a detector match (`scanName`), also read in capitals: the
   * HTML parser and `setAttribute` lower-case names, so `data-GB82WEST12345698765432` reaches
   * the walk as `data-gb82west…`, which detectors of capital-letter formats (IBAN, VIN, a custom
   * pattern) would miss. Counted as an `attribute-name` finding (never the name). Clean names are
   * remembered: names repeat endlessly in a stream.
   */
  private isPiiAttributeName(name: string, nodeId: number | undefined): boolean {
    if ((this.screened && name.length < MIN_SCREENED_NAME_CHARS) || this.cleanAttributeNames.has(name))
      return false;
    if (this.scanName(name, 'attribute-name', nodeId) !== name) return true;
    const upper = name.toUpperCase();
    if (upper !== name && this.scanName(upper, 'attribute-name', nodeId) !== upper) return true;
    if (this.cleanAttributeNames.size < MAX_CLEAN_KEYS) this.cleanAttributeNames.add(name);
    return false;
  }

  /**
   * A style mutation: `{property: value | [value, priority] | false}`. Apart from `attributes`:
   * a closure there would make every call allocate its context.
   */
  private styleMutation(value: Json, nodeId: number | undefined): void {
    for (const k in value) {
      const v = value[k];
      const css = Array.isArray(v)
        ? v.map((x) => this.cssText(x, 'attribute:style', nodeId))
        : this.cssText(v, 'attribute:style', nodeId);
      this.setScanned(value, k, css, 'attribute:style', nodeId);
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

  /**
   * Stylesheet text or a `style` value (`sanitizeCss`); findings noted at `location` (+ the
   * attribute name, lower-cased).
   */
  private cssText(value: unknown, location: string, nodeId: number | undefined, attribute?: string): unknown {
    if (typeof value !== 'string') return this.other(value, location, nodeId);
    if (value === '') return value;
    // Style attributes repeat from element to element: clean short ones are remembered (looked up
    // first: a remembered one needs no screen).
    const short = value.length <= MAX_CLEAN_CSS_CHARS;
    if (short && this.cleanTexts.has(value)) return value;
    // No quoted string, no `url(`, nothing a detector could match: `sanitizeCss` would keep it.
    if (this.screened && !CSS_TOKEN_CHAR.test(value) && !mayHoldBuiltinPii(value)) return value;
    return this.sanitizeCss(
      value,
      attribute === undefined ? location : location + attribute.toLowerCase(),
      nodeId,
      short,
    );
  }

  /** `cssText`'s scan, apart so that the common cases above allocate nothing (no closure). */
  private sanitizeCss(value: string, location: string, nodeId: number | undefined, short: boolean): string {
    let found = false;
    const clean = sanitizeCss(value, this.css, (label) => {
      found = true;
      this.note(label, location, nodeId);
    });
    if (!found && clean === value && short && this.cleanTexts.size < MAX_CLEAN_TEXTS)
      this.cleanTexts.add(value);
    return clean;
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
    if (
      type !== NodeType.Text &&
      type !== NodeType.Element &&
      type !== NodeType.Document &&
      type !== NodeType.DocumentType &&
      type !== NodeType.Comment &&
      type !== NodeType.CDATA
    ) {
      // A node type the walk does not know (or a `type` that is not a number): every key and every
      // string in it scanned, its children and its `type` and `id` included (only numbers pass).
      this.rest(n, NO_KEYS, 'unknown:node', id);
      return;
    }
    this.rest(
      n,
      type === NodeType.Element || type === NodeType.Document
        ? NODE_KEYS
        : type === NodeType.DocumentType
          ? NO_KEYS
          : TEXT_NODE_KEYS,
      type === NodeType.DocumentType ? 'doctype' : 'unknown:node',
      id,
    );
    if (type === NodeType.Text) {
      const isShadow = n.isShadow === true;
      if (id !== undefined) this.ctx.addNode(id, parentId, undefined, undefined, isShadow, nextId, true);
      if (inStyle === 'script') {
        // Never replayed, never shown: a script's text (inline JSON of a framework's state, say)
        // is not kept.
        if (n.textContent !== undefined && n.textContent !== SCRIPT_PLACEHOLDER)
          this.put(n, 'textContent', '');
        return;
      }
      if (inStyle || n.isStyle === true) {
        this.put(n, 'textContent', this.cssText(n.textContent, 'css', id));
        return;
      }
      if (typeof n.textContent !== 'string') {
        this.put(n, 'textContent', this.other(n.textContent, 'unknown:node', id));
        return;
      }
      if (isShadow) this.flushRun();
      this.run[this.runLength] = n;
      this.runIds[this.runLength] = id;
      this.runLength++;
      if (id !== undefined && this.inMutation) {
        this.setEventText(id, n, 'textContent');
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
      const value = n.textContent;
      const redacted = this.readable(value, 'text', id);
      if (redacted !== value) {
        n.textContent = redacted;
        this.changed = true;
      }
      return;
    }
    if (type === NodeType.DocumentType) {
      if (id !== undefined) this.ctx.addNode(id, parentId, undefined, undefined, false, nextId);
      return;
    }
    if (typeof n.tagName === 'string') {
      const safe = this.name(n.tagName, 'unknown:node', id);
      if (safe !== n.tagName) {
        n.tagName = safe;
        this.changed = true;
      }
    } else if (n.tagName !== undefined)
      this.put(n, 'tagName', this.deep(n.tagName, 'unknown:node', 0, 'tagName', id));
    const tagName = typeof n.tagName === 'string' ? lowerTag(n.tagName) : '';
    if (n.attributes !== undefined && !isObject(n.attributes)) {
      this.put(n, 'attributes', this.deep(n.attributes, 'unknown:node', 0, 'attributes', id));
    }
    if (n.textContent !== undefined)
      this.put(n, 'textContent', this.readable(n.textContent, 'unknown:node', id));
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
      for (let i = 0; i < children.length; i++) {
        const c = children[i];
        if (isObject(c)) this.node(c, childInStyle, id, undefined);
        else if (typeof c === 'string' || Array.isArray(c))
          this.put(children, i, this.deep(c, 'unknown:node', 0, '', id));
      }
    } else if (children !== undefined && children !== null) {
      this.put(n, 'childNodes', this.deep(children, 'unknown:node', 0, 'childNodes', id));
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
    const ids = this.runIds;
    const n = this.runLength;
    if (n === 0) return;
    this.runLength = 0;
    if (this.maskAll) {
      for (let i = 0; i < n; i++) {
        const node = run[i]!;
        const value = node.textContent as string;
        const masked = this.readable(value, 'text', ids[i]) as string;
        if (masked !== value) {
          node.textContent = masked;
          this.changed = true;
        }
        const id = ids[i];
        if (id !== undefined) this.ctx.setText(id, masked);
      }
    } else if (n === 1) {
      const node = run[0]!;
      const value = node.textContent as string;
      const redacted = this.text(value, 'text', ids[0]) as string;
      if (redacted !== value) {
        node.textContent = redacted;
        this.changed = true;
      }
      const id = ids[0];
      if (id !== undefined) this.ctx.setText(id, redacted);
    } else {
      let candidate = !this.screened;
      const marked = this.runMarked;
      if (this.screened) {
        // Every built-in detector needs a digit, an `@` or a `:` somewhere in the run (most runs
        // have none: the counts are not even taken). Kept per piece for the scan of each piece
        // on its own below.
        for (let i = 0; i < n; i++) {
          const m = hasDigitOrMarker(run[i]!.textContent as string);
          marked[i] = m;
          if (m) candidate = true;
        }
      }
      if (candidate && this.screened) {
        const screen = this.screen;
        screen.reset();
        for (let i = 0; i < n; i++) screen.add(run[i]!.textContent as string);
        candidate = screen.mayMatch();
        if (candidate) {
          // Counts are coarse (seven digits anywhere): the joined text's profile decides.
          for (let i = 0; i < n; i++) screen.refine(run[i]!.textContent as string);
          candidate = screen.mayMatchJoined();
        }
      }
      // The joined run is only built and scanned when a detector could match it.
      let changed: (string | undefined)[] | undefined;
      if (candidate) {
        const texts: string[] = new Array(n);
        for (let i = 0; i < n; i++) texts[i] = run[i]!.textContent as string;
        changed = redactRun(texts, this.detectors, this.runFound);
      }
      if (changed) {
        for (const f of this.runFound) this.note(f.label, 'text', ids[f.piece]);
        this.runFound.length = 0;
        for (let i = 0; i < n; i++) {
          const text = changed[i];
          if (text !== undefined) this.put(run[i]!, 'textContent', text);
        }
      }
      for (let i = 0; i < n; i++) {
        // Each piece on its own too: joining can hide a match (a card number followed by a
        // letter in the next span reads `…1111a`, and the number's boundary is gone).
        const node = run[i]!;
        const value = node.textContent as string;
        const id = ids[i];
        // A piece without a digit, an `@` or a `:` (screened above; masking only takes them
        // away) cannot hold a built-in detector's match: `text` would return it as it is.
        const redacted = this.screened && !marked[i] ? value : (this.text(value, 'text', id) as string);
        if (redacted !== value) {
          node.textContent = redacted;
          this.changed = true;
        }
        if (id !== undefined) this.ctx.setText(id, redacted);
      }
    }
  }

  /**
   * Text a mutation added or changed, joined with the remembered text around it (up to
   * `RUN_CONTEXT_CHARS` each side): the second half of an address added after the first. Pieces
   * of this mutation are masked in place; earlier text nodes a match covers get a `texts` entry
   * with their masked text (a long node only remembered by its ends is masked whole).
   */
  private joinAround(data: Json, id: number): void {
    if (this.maskAll) return; // every text is masked whole already
    // Reused: most mutation texts have no remembered neighbour, and then nothing is allocated.
    const before = this.before;
    const after = this.after;
    if (before.length > 0) before.length = 0;
    if (after.length > 0) after.length = 0;
    this.ctx.inlineNeighbours(id, -1, RUN_CONTEXT_CHARS, before);
    this.ctx.inlineNeighbours(id, 1, RUN_CONTEXT_CHARS, after);
    if (before.length === 0 && after.length === 0) return;
    const self = this.eventText(id);
    const selfText = self ? self.holder[self.key] : this.ctx.textOf(id);
    if (typeof selfText !== 'string') return;
    const slices = [
      ...before.reverse(),
      { id, text: selfText, offset: 0, length: selfText.length },
      ...after,
    ];
    before.length = 0;
    after.length = 0;
    if (this.screened) {
      // As in `flushRun`: counts, then the joined text's profile, before anything is joined.
      const screen = this.screen;
      screen.reset();
      for (const slice of slices) screen.add(slice.text);
      if (!screen.mayMatch()) return;
      for (const slice of slices) screen.refine(slice.text);
      if (!screen.mayMatchJoined()) return;
    }
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
      const own = this.eventText(slice.id);
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
        this.put(own.holder, own.key, value);
      } else {
        this.changed = true;
        if (!Array.isArray(data.texts)) data.texts = [];
        const entry = { id: slice.id, value };
        (data.texts as unknown[]).push(entry);
        this.setEventText(slice.id, entry, 'value');
      }
    }
  }

  /** A password value the browser sent: replaced, counted, and a `password` finding where it was. */
  private passwordReplaced(location: string, nodeId: number | undefined): void {
    this.passwordValuesReplaced++;
    this.note('password', location, nodeId, this.passwordCounts);
  }

  private setEventText(id: number, holder: Json, key: EventText['key']): void {
    const known = this.eventTexts.get(id);
    if (known === undefined) {
      this.eventTexts.set(id, { holder, key, mutation: this.mutations });
      return;
    }
    known.holder = holder;
    known.key = key;
    known.mutation = this.mutations;
  }

  /** The current mutation's own text of node `id`. */
  private eventText(id: number): EventText | undefined {
    const known = this.eventTexts.get(id);
    return known !== undefined && known.mutation === this.mutations ? known : undefined;
  }

  private incremental(data: Json): void {
    const id = typeof data.id === 'number' ? data.id : undefined;
    switch (data.source) {
      case IncrementalSource.Mutation:
        this.mutation(data);
        return;
      case IncrementalSource.Input: {
        this.rest(data, INPUT_KEYS, 'unknown:input', id);
        if (id !== undefined && this.ctx.isPassword(id)) {
          if (data.text !== '' && data.text !== MASKED_INPUT_VALUE) this.passwordReplaced('input', id);
          this.put(data, 'text', data.text === '' ? '' : MASKED_INPUT_VALUE);
        } else {
          this.put(data, 'text', this.readable(data.text, 'input', id));
        }
        return;
      }
      case IncrementalSource.Log:
        // Console payloads are never kept: they are where debug traces leak.
        for (const k in data) {
          if (k === 'source' || k === 'level') continue;
          delete data[k];
          this.changed = true;
        }
        this.put(
          data,
          'level',
          typeof data.level === 'string' && /^[a-z]{1,10}$/.test(data.level) ? data.level : 'log',
        );
        // Deleted just above: new lists, a change.
        data.payload = [];
        data.trace = [];
        this.changed = true;
        return;
      case IncrementalSource.StyleSheetRule:
        // `id`: the <style> or <link> element owning the sheet (absent for a constructed one).
        this.rest(data, STYLE_SHEET_RULE_KEYS, 'unknown:css', id);
        this.cssRules(data, 'adds', id);
        if (data.removes !== undefined)
          this.put(data, 'removes', this.deep(data.removes, 'unknown:css', 0, '', id));
        this.put(data, 'replace', this.cssText(data.replace, 'css', id));
        this.put(data, 'replaceSync', this.cssText(data.replaceSync, 'css', id));
        return;
      case IncrementalSource.StyleDeclaration:
        this.rest(data, STYLE_DECLARATION_KEYS, 'unknown:css', id);
        if (isObject(data.set)) {
          this.rest(data.set, SET_KEYS, 'css', id);
          this.put(data.set, 'value', this.cssText(data.set.value, 'css', id));
        } else if (data.set !== undefined && data.set !== null) {
          // A declaration of another shape (a string, a list) is scanned, never passed over.
          this.put(data, 'set', this.deep(data.set, 'unknown:css', 0, 'set', id));
        }
        if (data.remove !== undefined) this.put(data, 'remove', this.deep(data.remove, 'css', 0, '', id));
        return;
      case IncrementalSource.AdoptedStyleSheet:
        this.rest(data, ADOPTED_KEYS, 'unknown:css', id);
        {
          for (const st of this.objects(data, 'styles', 'unknown:css')) {
            if (!isObject(st)) continue;
            this.rest(st, ADOPTED_STYLE_KEYS, 'unknown:css', id);
            this.cssRules(st, 'rules', id);
          }
        }
        return;
      case IncrementalSource.CanvasMutation: {
        // Pixels and drawing commands (`fillText` of a name) no detector can read: Veil records
        // canvases as boxes, so what a recorder sent of one is dropped.
        let dropped = false;
        for (const k in data) {
          if (isKnown(CANVAS_KEYS, k)) continue;
          delete data[k];
          dropped = true;
          this.changed = true;
        }
        if (dropped) this.note('pixels', 'canvas', id);
        this.rest(data, NO_KEYS, 'unknown:canvas', id);
        if (!Array.isArray(data.commands) || data.commands.length > 0) this.put(data, 'commands', []);
        return;
      }
      default:
        // Pointer, scroll, media, selection, font and custom-element events, and sources rrweb may
        // add: positions and ids are numbers; any string in them is scanned.
        this.rest(
          data,
          NO_KEYS,
          INCREMENTAL_LOCATIONS.get(data.source) ?? `unknown:incremental:${String(data.source)}`,
          id,
        );
    }
  }

  /** CSSOM rules inserted through `insertRule` or adopted: `[{rule, index}]`. */
  private cssRules(holder: Json, key: string, ownerId: number | undefined): void {
    for (const r of this.objects(holder, key, 'unknown:css', ownerId)) {
      if (!isObject(r)) continue;
      this.rest(r, RULE_KEYS, 'unknown:css', ownerId);
      this.put(r, 'rule', this.cssText(r.rule, 'css', ownerId));
    }
  }

  private mutation(data: Json): void {
    this.rest(data, MUTATION_KEYS, 'unknown:mutation', undefined);
    for (const r of this.objects(data, 'removes', 'unknown:mutation')) {
      if (!isObject(r)) continue;
      this.rest(r, NO_KEYS, 'unknown:mutation', typeof r.id === 'number' ? r.id : undefined);
      if (typeof r.id === 'number') {
        this.ctx.removeNode(r.id, typeof r.parentId === 'number' ? r.parentId : undefined);
      }
    }
    this.mutations++;
    if (this.eventTexts.size > MAX_EVENT_TEXTS) this.eventTexts.clear();
    /** Text at the edges of added inline content, and changed text: joined with their neighbours. */
    const edges = this.edges;
    let edgeCount = 0;
    this.inMutation = true;
    for (const a of this.objects(data, 'adds', 'unknown:mutation')) {
      if (!isObject(a)) continue;
      const parentId = typeof a.parentId === 'number' ? a.parentId : undefined;
      this.rest(a, ADD_KEYS, 'unknown:mutation', parentId);
      if (!isObject(a.node)) {
        if (a.node !== undefined) this.put(a, 'node', this.deep(a.node, 'unknown:mutation', 0, '', parentId));
        continue;
      }
      const nextId = typeof a.nextId === 'number' ? a.nextId : null;
      this.boundaryDepth = 0;
      this.firstEdge = undefined;
      this.lastEdge = undefined;
      this.node(a.node, false, parentId, nextId);
      this.flushRun();
      if (this.firstEdge !== undefined) edges[edgeCount++] = this.firstEdge;
      if (this.lastEdge !== undefined && this.lastEdge !== this.firstEdge) edges[edgeCount++] = this.lastEdge;
    }
    this.inMutation = false;
    this.boundaryDepth = 0;
    for (const t of this.objects(data, 'texts', 'unknown:mutation')) {
      if (!isObject(t)) continue;
      const id = typeof t.id === 'number' ? t.id : undefined;
      this.rest(t, TEXT_KEYS, 'unknown:mutation', id);
      this.put(t, 'value', this.readable(t.value, 'text', id));
      if (id !== undefined && typeof t.value === 'string') {
        this.ctx.setText(id, t.value);
        this.setEventText(id, t, 'value');
        edges[edgeCount++] = id;
      }
    }
    for (let i = 0; i < edgeCount; i++) this.joinAround(data, edges[i]!);
    this.mutations++;
    for (const a of this.objects(data, 'attributes', 'unknown:mutation')) {
      if (!isObject(a)) continue;
      const id = typeof a.id === 'number' ? a.id : undefined;
      // Every key but `attributes` scanned, whatever shape `attributes` has.
      this.rest(a, ATTRIBUTE_MUTATION_KEYS, 'unknown:mutation', id);
      if (!isObject(a.attributes)) {
        if (a.attributes !== undefined && a.attributes !== null)
          this.put(a, 'attributes', this.deep(a.attributes, 'unknown:mutation', 0, 'attributes', id));
      } else {
        // An input that is, or has just become, a password input: its value is never kept.
        const becamePassword = isNeverCapturedInputType(a.attributes.type);
        if (becamePassword && id !== undefined) this.ctx.markPassword(id);
        const isPassword = becamePassword || (id !== undefined && this.ctx.isPassword(id));
        this.attributes(a.attributes, id, isPassword);
      }
    }
  }

  private custom(data: Json): void {
    this.rest(data, CUSTOM_KEYS, 'custom', undefined);
    this.put(data, 'tag', this.text(data.tag, 'custom', undefined));
    const payload = data.payload;
    if (!isObject(payload)) {
      // A string or an array is scanned like any other payload.
      this.put(data, 'payload', this.deep(payload, 'custom', 0));
      return;
    }
    if (data.tag === VeilCustomTag.PageView) {
      this.rest(payload, PAGE_VIEW_KEYS, 'custom', undefined);
      this.put(payload, 'url', this.pageUrl(payload.url));
      this.put(payload, 'title', this.text(payload.title, 'title', undefined));
      return;
    }
    // `veil('identify', userId)`: the server replaces the id by its keyed hash before anything is
    // stored (ingest step `identify`); masking it here would make every e-mail id hash alike.
    if (data.tag === VeilCustomTag.Identify && typeof payload.userId === 'string') {
      this.rest(payload, IDENTIFY_KEYS, 'custom', undefined);
      return;
    }
    // A heatmap-only layout is a serialised DOM already made text-free (`textFreeSnapshot`, which
    // the server applies again before it keeps one): only its page path is text to redact, and
    // its node tree must not be cut at the payload depth limit.
    if (data.tag === HeatmapTag.Layout && isObject(payload.node)) {
      this.rest(payload, LAYOUT_KEYS, 'custom', undefined);
      // Text-free as the recorder sends it, but a client is not trusted: every key and string of
      // the tree is scanned, at any depth.
      this.layoutTree(payload.node);
      return;
    }
    this.put(data, 'payload', this.deep(payload, 'custom', 0));
  }

  /**
   * A heatmap layout's node tree: every key and every string scanned like unknown data (`deep`),
   * without `deep`'s depth bound (a page's tree is deeper than a payload may be), iteratively.
   */
  private layoutTree(root: Json): void {
    const stack: Array<Json | unknown[]> = [root];
    for (let holder = stack.pop(); holder !== undefined; holder = stack.pop()) {
      if (Array.isArray(holder)) {
        for (let i = 0; i < holder.length; i++) {
          const v = holder[i];
          if (typeof v === 'string') this.put(holder, i, this.deep(v, 'custom', 0));
          else if (typeof v === 'object' && v !== null) stack.push(v as Json | unknown[]);
        }
        continue;
      }
      for (const k in holder) {
        const v = holder[k];
        if (typeof v === 'string')
          // A layout's links point nowhere (`#`): any other URL is sanitised like any other.
          this.setScanned(holder, k, v === '#' ? v : this.deep(v, 'custom', 0, k), 'custom', undefined);
        else {
          if (typeof v === 'object' && v !== null) stack.push(v as Json | unknown[]);
          if (!this.isCleanName(k)) this.setScanned(holder, k, v, 'custom', undefined);
        }
      }
    }
  }

  /**
   * Any JSON value: strings redacted, depth bounded. URL-named keys are sanitised as URLs; paths
   * (`path`, heatmap events' page path) are scanned decoded too (`/people/jane%40example.org`).
   */
  private deep(value: unknown, location: string, depth: number, key = '', nodeId?: number): unknown {
    if (typeof value === 'string') {
      if (URL_KEY.test(key)) return this.url(value, location);
      if (PATH_KEY.test(key)) return this.urlText(value, location, nodeId);
      return this.text(value, location, nodeId);
    }
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_PAYLOAD_DEPTH) {
      this.note('too_deep', location, nodeId);
      return null;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        // Numbers and flags (pointer positions, ids) are kept as they are, without a store.
        if (typeof item !== 'string' && (typeof item !== 'object' || item === null)) continue;
        const safe = this.deep(item, location, depth + 1, '', nodeId);
        if (safe !== item) {
          value[i] = safe;
          this.changed = true;
        }
      }
      return value;
    }
    const obj = value as Json;
    for (const k in obj) {
      const v = obj[k];
      if (typeof v === 'string' || (typeof v === 'object' && v !== null)) {
        this.setScanned(obj, k, this.deep(v, location, depth + 1, k, nodeId), location, nodeId);
      } else if (!this.isCleanName(k)) {
        this.setScanned(obj, k, v, location, nodeId);
      }
    }
    return obj;
  }

  /** `holder[key] = value` when it is another value, noted in `changed`. */
  private put(holder: Json | unknown[], key: string | number, value: unknown): void {
    const h = holder as Record<string | number, unknown>;
    if (h[key] === value) return;
    h[key] = value;
    this.changed = true;
  }

  /** `obj[k] = value`, the key scanned too: a key is a string a page chose (`{"jane@example.org": 1}`). */
  private setScanned(
    obj: Json,
    k: string,
    value: unknown,
    location: string,
    nodeId: number | undefined,
  ): void {
    const safeKey = this.name(k, location, nodeId);
    if (safeKey === k) {
      if (obj[k] !== value) {
        obj[k] = value;
        this.changed = true;
      }
      return;
    }
    delete obj[k];
    obj[safeKey] = value;
    this.changed = true;
  }

  /** True for a key or tag name no detector can match (screened, or found clean before). */
  private isCleanName(k: string): boolean {
    return (this.screened && k.length < MIN_SCREENED_NAME_CHARS) || this.cleanNames.has(k);
  }

  /** A key or a tag name, scanned; names repeat endlessly in a stream, so clean ones are remembered. */
  private name(k: string, location: string, nodeId: number | undefined): string {
    if (this.isCleanName(k)) return k;
    const safe = this.scanName(k, location, nodeId);
    if (safe === k && this.cleanNames.size < MAX_CLEAN_KEYS) this.cleanNames.add(k);
    return safe;
  }

  /**
   * A name (key, tag or attribute name) redacted as written, then with `_` read as a separator:
   * `_` is a word character, so `data-user_4111111111111111` hides a card from a scan that needs
   * a word boundary; names are identifiers, where `_` usually is one. A match found that way
   * leaves the name with spaces for the underscores, masked.
   */
  private scanName(k: string, location: string, nodeId: number | undefined): string {
    const safe = this.text(k, location, nodeId) as string;
    if (safe !== k || !k.includes('_')) return safe;
    const spaced = k.replace(UNDERSCORES, ' ');
    const masked = this.text(spaced, location, nodeId) as string;
    return masked === spaced ? k : masked;
  }
}
