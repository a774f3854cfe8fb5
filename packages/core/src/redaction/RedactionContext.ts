import { isStableId } from '../heatmap/elementPath.js';
import { MAX_ELEMENT_PATH_CHARS } from '../heatmap/heatmapConstants.js';
import { isRunBoundaryTag } from './inlineText.js';
import type { RedactionState, TextSlice } from './redactEvents.js';

/** Joins the path of a shadow host and the path inside its shadow root. */
export const SHADOW_PATH_SEPARATOR = ' >>> ';

/**
 * Node ids tracked per snapshot, counted from its lowest id: beyond, element paths are unknown.
 * Bounds the memory of one session's tree (about 18 bytes per id).
 */
export const MAX_TRACKED_NODE_IDS = 65_536;

/**
 * Characters of recorded text remembered per recording (for text a later mutation joins, see
 * `inlineNeighbours`). Beyond, text nodes are remembered as unknown: runs stop at them.
 */
export const MAX_REMEMBERED_TEXT_CHARS = 256 * 1024;
/** A text node longer than this is remembered by its first and last `TEXT_EDGE_CHARS` only. */
export const MAX_REMEMBERED_NODE_TEXT_CHARS = 2_048;
/** Characters kept of each end of a long text node: more than any detector's match and context. */
export const TEXT_EDGE_CHARS = 256;

const NONE = -1;
/** Tag code of a node that is not an element (text, comment, document) or was never seen. */
const NO_TAG = 0;
const INITIAL_CAPACITY = 1_024;
/** Node kinds (`kind` array). */
const UNKNOWN = 0;
const ELEMENT = 1;
const TEXT = 2;
const OTHER = 3;
/** Most nodes a walk along a run visits on each side (empty inline elements, comments). */
const MAX_RUN_STEPS = 256;

/**
 * What redaction remembers of one recording between batches: the node tree's shape (parents,
 * tag names, stable ids, element order; never text or other attribute values) so that a finding
 * on node 42 can name the element to fix, the password inputs whose typing is never kept, and
 * the current page. One per session on the server (the browser uses `lightRedactionState`).
 *
 * Stored in typed arrays indexed by `id - base` (rrweb ids keep counting across snapshots, so a
 * snapshot's ids form one dense range): writes on the ingest path stay cheap.
 */
export class RedactionContext implements RedactionState {
  /** The current page URL, sanitised and redacted (from Meta and page-view events). */
  page: string | undefined;
  private readonly passwordNodes = new Set<number>();
  /** Interned tag names: code → name (code 0 is "no tag"). */
  private readonly tagNames: string[] = [''];
  private readonly tagCodes = new Map<string, number>();
  private capacity = 0;
  /** Absolute ids (NONE for none). */
  private parent = new Int32Array(0);
  private prevSibling = new Int32Array(0);
  private nextSibling = new Int32Array(0);
  private lastChild = new Int32Array(0);
  private firstChild = new Int32Array(0);
  private tag = new Uint16Array(0);
  /** `UNKNOWN`, `ELEMENT`, `TEXT` or `OTHER`. */
  private kind = new Uint8Array(0);
  /** Per tag code: 1 when the element ends a run of inline text (`isRunBoundaryTag`). */
  private readonly boundaryByCode: number[] = [1];
  /**
   * Recorded text of text nodes by slot (whole, or head + tail when `longText` has the slot). An
   * array, kept from snapshot to snapshot: a Map rebuilt per snapshot allocates per text node.
   */
  private texts: (string | undefined)[] = [];
  /** Slot → full length, for text remembered by its ends only. */
  private longText = new Map<number, number>();
  private textChars = 0;
  /** 1 when the node is a child of a shadow root. */
  private shadow = new Uint8Array(0);
  /** Stable ids (rare): slot → id attribute. */
  private stableIds = new Map<number, string>();
  /** Lowest id of the current snapshot, or NONE before its first node. */
  private base = NONE;
  /** Slots in use: `[0, used)`. */
  private used = 0;

  /** A new full snapshot: rrweb numbers the nodes afresh. */
  resetTree(): void {
    if (this.passwordNodes.size > 0) this.passwordNodes.clear();
    // Only when used: a new (or cleared) Map allocates its table, and stable ids are rare.
    if (this.stableIds.size > 0) this.stableIds = new Map();
    // A loop, not `fill`: `fill` gives the array new storage, which then grows again.
    const texts = this.texts;
    for (let s = Math.min(this.used, texts.length) - 1; s >= 0; s--) texts[s] = undefined;
    if (this.longText.size > 0) this.longText = new Map();
    this.textChars = 0;
    this.base = NONE;
    this.used = 0;
    // Arrays are kept (and refilled as slots are used) rather than reallocated per snapshot.
  }

  markPassword(id: number): void {
    this.passwordNodes.add(id);
  }

  isPassword(id: number): boolean {
    return this.passwordNodes.has(id);
  }

  /** Slot of a known node id, or NONE. */
  private slot(id: number | undefined): number {
    if (id === undefined || this.base === NONE) return NONE;
    const i = id - this.base;
    return i >= 0 && i < this.used ? i : NONE;
  }

  private grow(min: number): void {
    let capacity = Math.max(INITIAL_CAPACITY, this.capacity);
    while (capacity < min) capacity *= 2;
    capacity = Math.min(capacity, MAX_TRACKED_NODE_IDS);
    if (capacity === this.capacity) return;
    const widen = <A extends Int32Array | Uint16Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(capacity);
      b.set(a.subarray(0, this.used));
      return b;
    };
    this.parent = widen(this.parent, (n) => new Int32Array(n));
    this.prevSibling = widen(this.prevSibling, (n) => new Int32Array(n));
    this.nextSibling = widen(this.nextSibling, (n) => new Int32Array(n));
    this.lastChild = widen(this.lastChild, (n) => new Int32Array(n));
    this.firstChild = widen(this.firstChild, (n) => new Int32Array(n));
    this.tag = widen(this.tag, (n) => new Uint16Array(n));
    this.kind = widen(this.kind, (n) => new Uint8Array(n));
    this.shadow = widen(this.shadow, (n) => new Uint8Array(n));
    this.capacity = capacity;
  }

  /** Clears slots `[from, to)` to "unknown node". */
  private clear(from: number, to: number): void {
    if (to - from <= 4) {
      // The usual case, one new node: plain stores beat six `fill` calls.
      for (let s = from; s < to; s++) {
        this.parent[s] = NONE;
        this.prevSibling[s] = NONE;
        this.nextSibling[s] = NONE;
        this.lastChild[s] = NONE;
        this.firstChild[s] = NONE;
        this.tag[s] = NO_TAG;
        this.kind[s] = UNKNOWN;
        this.shadow[s] = 0;
      }
      return;
    }
    this.parent.fill(NONE, from, to);
    this.prevSibling.fill(NONE, from, to);
    this.nextSibling.fill(NONE, from, to);
    this.lastChild.fill(NONE, from, to);
    this.firstChild.fill(NONE, from, to);
    this.tag.fill(NO_TAG, from, to);
    this.kind.fill(UNKNOWN, from, to);
    this.shadow.fill(0, from, to);
  }

  /** The slot for a new node id; moves the base down for a lower id; NONE when out of range. */
  private slotFor(id: number): number {
    if (!(id >= 0) || id !== Math.floor(id)) return NONE;
    if (this.base === NONE) this.base = id;
    if (id < this.base) {
      const shift = this.base - id;
      if (shift + this.used > MAX_TRACKED_NODE_IDS) return NONE;
      this.grow(shift + this.used);
      for (const a of [
        this.parent,
        this.prevSibling,
        this.nextSibling,
        this.lastChild,
        this.firstChild,
        this.tag,
        this.kind,
        this.shadow,
      ]) {
        a.copyWithin(shift, 0, this.used);
      }
      // Moved in place, from the end: the array keeps the storage it grew to in earlier snapshots.
      const texts = this.texts;
      for (let s = Math.min(this.used, texts.length) - 1; s >= 0; s--) texts[s + shift] = texts[s];
      for (let s = Math.min(shift, texts.length) - 1; s >= 0; s--) texts[s] = undefined;
      this.clear(0, shift);
      if (this.stableIds.size > 0)
        this.stableIds = new Map([...this.stableIds].map(([s, v]) => [s + shift, v]));
      if (this.longText.size > 0) this.longText = new Map([...this.longText].map(([s, v]) => [s + shift, v]));
      this.used += shift;
      this.base = id;
    }
    const i = id - this.base;
    if (i >= MAX_TRACKED_NODE_IDS) return NONE;
    if (i >= this.used) {
      if (i >= this.capacity) this.grow(i + 1);
      this.clear(this.used, i + 1);
      this.used = i + 1;
    }
    return i;
  }

  private tagCode(name: string): number {
    let code = this.tagCodes.get(name);
    if (code === undefined) {
      if (this.tagNames.length >= 0xffff) return NO_TAG;
      code = this.tagNames.length;
      this.tagNames.push(name);
      this.tagCodes.set(name, code);
      this.boundaryByCode.push(isRunBoundaryTag(name) ? 1 : 0);
    }
    return code;
  }

  /**
   * Records one serialised node under `parentId`, before `nextId` among its element siblings
   * when given (mutation adds), else after the last.
   */
  addNode(
    id: number,
    parentId: number | undefined,
    tagName: string | undefined,
    idAttribute: unknown,
    isShadow: boolean,
    nextId?: number | null,
    isText = false,
  ): void {
    const i = this.slotFor(id);
    if (i === NONE) return;
    this.parent[i] = parentId ?? NONE;
    if (isShadow) this.shadow[i] = 1;
    if (tagName !== undefined) {
      this.kind[i] = ELEMENT;
      this.tag[i] = this.tagCode(tagName);
      if (typeof idAttribute === 'string' && isStableId(idAttribute)) this.stableIds.set(i, idAttribute);
    } else {
      this.kind[i] = isText ? TEXT : OTHER;
    }
    const p = this.slot(parentId);
    if (p === NONE) return;
    const next = nextId == null ? NONE : this.slot(nextId);
    if (next !== NONE && this.kind[next] !== UNKNOWN && this.parent[next] === parentId) {
      // Inserted before a sibling.
      const prev = this.prevSibling[next]!;
      this.prevSibling[i] = prev;
      this.nextSibling[i] = nextId as number;
      this.prevSibling[next] = id;
      const prevSlot = this.slot(prev);
      if (prevSlot !== NONE) this.nextSibling[prevSlot] = id;
      else this.firstChild[p] = id;
      return;
    }
    // Appended.
    const last = this.lastChild[p]!;
    this.prevSibling[i] = last;
    this.nextSibling[i] = NONE;
    const lastSlot = this.slot(last);
    if (lastSlot !== NONE) this.nextSibling[lastSlot] = id;
    else this.firstChild[p] = id;
    this.lastChild[p] = id;
  }

  removeNode(id: number, parentId: number | undefined): void {
    const i = this.slot(id);
    if (i === NONE || this.kind[i] === UNKNOWN) return;
    const prev = this.prevSibling[i]!;
    const next = this.nextSibling[i]!;
    const prevSlot = this.slot(prev);
    const nextSlot = this.slot(next);
    if (prevSlot !== NONE) this.nextSibling[prevSlot] = next;
    if (nextSlot !== NONE) this.prevSibling[nextSlot] = prev;
    const p = this.slot(parentId);
    if (p !== NONE && this.lastChild[p] === id) this.lastChild[p] = prev;
    if (p !== NONE && this.firstChild[p] === id) this.firstChild[p] = next;
    this.prevSibling[i] = NONE;
    this.nextSibling[i] = NONE;
  }

  /** Remembers the recorded (already redacted) text of text node `id`, within the text budget. */
  setText(id: number, text: string): void {
    const i = this.slot(id);
    if (i === NONE) return;
    const old = this.texts[i];
    if (old !== undefined) this.textChars -= old.length;
    if (this.longText.size > 0) this.longText.delete(i);
    let kept = text;
    if (text.length > MAX_REMEMBERED_NODE_TEXT_CHARS) {
      kept = text.slice(0, TEXT_EDGE_CHARS) + text.slice(-TEXT_EDGE_CHARS);
      this.longText.set(i, text.length);
    }
    if (this.textChars + kept.length > MAX_REMEMBERED_TEXT_CHARS) {
      this.texts[i] = undefined;
      this.longText.delete(i);
      return;
    }
    this.texts[i] = kept;
    this.textChars += kept.length;
  }

  /**
   * The remembered text of inline content next to node `id` in reading order (`direction` -1:
   * before it, nearest first; 1: after it), until `minChars` characters were collected or the
   * run ends: at a block, replaced or form element, a shadow tree's edge, or a node whose text is
   * not remembered. A long text node gives only its end that faces `id`.
   */
  inlineNeighbours(id: number, direction: -1 | 1, minChars: number, out: TextSlice[]): void {
    let s = this.slot(id);
    if (s === NONE) return;
    let chars = 0;
    for (let steps = 0; steps < MAX_RUN_STEPS && chars < minChars; steps++) {
      // The next node in reading order, or NONE at the end of the run.
      let sibling = this.slot(direction === -1 ? this.prevSibling[s] : this.nextSibling[s]);
      while (sibling === NONE) {
        // No sibling that way: the parent's, if the parent is inline content of the same tree.
        if (this.shadow[s] === 1) return;
        const parent = this.slot(this.parent[s]);
        if (parent === NONE || this.endsRun(parent)) return;
        s = parent;
        sibling = this.slot(direction === -1 ? this.prevSibling[s] : this.nextSibling[s]);
        if (++steps >= MAX_RUN_STEPS) return;
      }
      if (this.shadow[sibling] !== this.shadow[s]) return; // a shadow tree and its host's children
      s = sibling;
      // Into it, to its nearest text.
      for (;;) {
        if (this.endsRun(s)) return;
        if (this.kind[s] !== ELEMENT) break;
        const child = this.slot(direction === -1 ? this.lastChild[s] : this.firstChild[s]);
        if (child === NONE) break;
        if (this.shadow[child] === 1) return; // into a shadow tree
        s = child;
        if (++steps >= MAX_RUN_STEPS) return;
      }
      if (this.kind[s] !== TEXT) continue; // a comment, or an empty inline element
      const text = this.texts[s];
      if (text === undefined) return; // not remembered: nothing to join with
      const long = this.longText.get(s);
      if (long === undefined) out.push({ id: this.base + s, text, length: text.length, offset: 0 });
      else if (direction === -1)
        out.push({
          id: this.base + s,
          text: text.slice(TEXT_EDGE_CHARS),
          length: long,
          offset: long - TEXT_EDGE_CHARS,
        });
      else out.push({ id: this.base + s, text: text.slice(0, TEXT_EDGE_CHARS), length: long, offset: 0 });
      chars += long === undefined ? text.length : TEXT_EDGE_CHARS;
    }
  }

  /** The remembered text of node `id` when it is remembered whole. */
  textOf(id: number): string | undefined {
    const i = this.slot(id);
    return i === NONE || this.longText.has(i) ? undefined : this.texts[i];
  }

  /** True for a node a run of inline text does not cross: unknown, or a boundary element. */
  private endsRun(s: number): boolean {
    const kind = this.kind[s];
    return kind === UNKNOWN || (kind === ELEMENT && this.boundaryByCode[this.tag[s]!] === 1);
  }

  /**
   * The text-free CSS path of the element holding node `id` (a text node's parent element), in
   * the format of heatmap element paths: `tag:nth-of-type(n)` steps from the nearest ancestor with
   * a stable id or from `html`; a shadow tree adds ` >>> ` after its host's path.
   * `ownId: false` leaves the element's own id out (its position names it): the data inventory's
   * field paths, which must stay the same once the element is blocked and rrweb drops its id.
   */
  pathOf(id: number | undefined, ownId = true): string | undefined {
    const i = this.slot(id);
    if (i === NONE) return undefined;
    let at = this.tag[i] === NO_TAG ? this.slot(this.parent[i]) : i;
    const self = at;
    // One list of steps per tree: the element's own, then each shadow host's, innermost first.
    const trees: string[][] = [[]];
    let chars = 0;
    for (let guard = 0; at !== NONE && guard < 256; guard++) {
      const code = this.tag[at]!;
      if (code === NO_TAG) break; // the document, or a node we never saw
      const tag = this.tagNames[code]!;
      const stable = !ownId && at === self ? undefined : this.stableIds.get(at);
      const step =
        tag === 'html'
          ? 'html'
          : stable !== undefined
            ? `${tag}#${stable}`
            : tag === 'body' || tag === 'head'
              ? tag
              : `${tag}:nth-of-type(${this.nthOfType(at)})`;
      chars += step.length + 1;
      if (chars > MAX_ELEMENT_PATH_CHARS) break;
      trees[trees.length - 1]!.push(step);
      const parentSlot = this.slot(this.parent[at]);
      if (this.shadow[at] === 1 && parentSlot !== NONE) {
        trees.push([]);
      } else if (tag === 'html') {
        break;
      } else if (stable !== undefined) {
        // This tree's path starts here; inside a shadow tree, go on from its host.
        const top = this.shadowTop(at);
        if (top === NONE) break;
        trees.push([]);
        at = this.slot(this.parent[top]);
        continue;
      }
      at = parentSlot;
    }
    const path = trees
      .filter((t) => t.length > 0)
      .map((t) => t.reverse().join('>'))
      .reverse()
      .join(SHADOW_PATH_SEPARATOR);
    return path === '' ? undefined : path;
  }

  whereIs(id: number | undefined, place: string): string {
    return this.pathOf(id) ?? (id === undefined ? place : `${place} [node ${id}]`);
  }

  /** The slot of the topmost node of the shadow tree `at` is in (a child of its host), or NONE. */
  private shadowTop(at: number): number {
    for (let s = at, guard = 0; s !== NONE && guard < 256; guard++) {
      if (this.shadow[s] === 1) return s;
      s = this.slot(this.parent[s]);
    }
    return NONE;
  }

  /** 1-based position among the element siblings of the same tag (in the same tree). */
  private nthOfType(at: number): number {
    const code = this.tag[at];
    const inShadow = this.shadow[at];
    let n = 1;
    let s = this.slot(this.prevSibling[at]);
    for (let guard = 0; s !== NONE && guard < MAX_TRACKED_NODE_IDS; guard++) {
      if (this.tag[s] === code && this.shadow[s] === inShadow) n++;
      s = this.slot(this.prevSibling[s]);
    }
    return n;
  }
}
