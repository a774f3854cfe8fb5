import type { Detector } from '../detectors/detectors.js';
import { redactText } from '../detectors/redactText.js';
import { MASKED_INPUT_VALUE } from '../policy/captureSelectors.js';
import { sanitizeUrl } from '../url/sanitizeUrl.js';
import type { RecordedEvent } from '../wire/batch.js';
import { EventType, IncrementalSource, NodeType, VeilCustomTag } from '../wire/rrwebEvents.js';

/** Where in the rrweb stream a detector fired (never the value). */
export interface RedactionFinding {
  label: string;
  /** `text`, `attribute:<name>`, `input`, `url`, `title`, `custom`. */
  location: string;
  /** rrweb node id, when the finding sits on a node. */
  nodeId?: number;
  count: number;
}

export interface RedactEventsOptions {
  /** The policy's custom patterns, compiled. */
  detectors?: readonly Detector[];
  /** Query parameters that may stay in URLs. */
  allowedUrlParams?: readonly string[];
  /**
   * Redact the given events in place instead of a copy: what ingest does with a batch it has
   * just parsed (no second copy of a 16 MB batch). @default false
   */
  inPlace?: boolean;
}

export interface RedactEventsResult {
  events: RecordedEvent[];
  findings: RedactionFinding[];
  /** Values of password fields replaced on the server (the browser should have masked them). */
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
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The server's redaction layer: walks every place PII can hide in an rrweb stream (text nodes,
 * text split across sibling text nodes, attributes, input events, URLs and titles, console logs)
 * and masks what the detectors validate, keeping length so replays keep their layout.
 * Unless `inPlace`, the input is not modified.
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
  private readonly counts = new Map<string, RedactionFinding>();
  /** Node ids of password inputs seen in this stream: their input events are never kept. */
  private readonly passwordNodes = new Set<number>();
  passwordValuesReplaced = 0;

  constructor(options: RedactEventsOptions) {
    this.detectors = options.detectors ?? [];
    this.allowedParams = options.allowedUrlParams ?? [];
  }

  findings(): RedactionFinding[] {
    return [...this.counts.values()];
  }

  event(e: RecordedEvent): void {
    const data = e.data;
    if (!isObject(data)) return;
    if (e.type === EventType.FullSnapshot) {
      if (isObject(data.node)) this.node(data.node, false);
    } else if (e.type === EventType.IncrementalSnapshot) {
      this.incremental(data);
    } else if (e.type === EventType.Meta) {
      if (data.href !== undefined) data.href = this.url(data.href);
    } else if (e.type === EventType.Custom) {
      this.custom(data);
    }
  }

  private note(label: string, location: string, nodeId: number | undefined): void {
    const key = `${label}\u0000${location}\u0000${nodeId ?? ''}`;
    const found = this.counts.get(key);
    if (found) found.count++;
    else this.counts.set(key, { label, location, nodeId, count: 1 });
  }

  private text(value: unknown, location: string, nodeId: number | undefined): unknown {
    if (typeof value !== 'string' || value.length === 0) return value;
    const r = redactText(value, this.detectors);
    for (const f of r.findings) this.note(f.label, location, nodeId);
    return r.text;
  }

  private url(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    return this.text(sanitizeUrl(value, this.allowedParams), 'url', undefined);
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

  private attributes(attrs: Json, nodeId: number | undefined, tagName: string): void {
    const isPassword = tagName === 'input' && String(attrs.type ?? '').toLowerCase() === 'password';
    for (const name of Object.keys(attrs)) {
      const value = attrs[name];
      if (typeof value !== 'string') continue;
      const lower = name.toLowerCase();
      if (isPassword && lower === 'value') {
        if (value !== '' && value !== MASKED_INPUT_VALUE) this.passwordValuesReplaced++;
        attrs[name] = value === '' ? '' : MASKED_INPUT_VALUE;
      } else if (URL_ATTRIBUTES.has(lower)) {
        attrs[name] = this.text(this.attributeUrl(value), `attribute:${lower}`, nodeId);
      } else if (TEXT_ATTRIBUTES.has(lower) || lower.startsWith('aria-') || lower.startsWith('data-')) {
        attrs[name] = this.text(value, `attribute:${lower}`, nodeId);
      }
    }
  }

  /** A serialized node (full snapshot or mutation add), recursively; CSS and script text are skipped. */
  private node(n: Json, inStyle: boolean): void {
    const id = typeof n.id === 'number' ? n.id : undefined;
    if (n.type === NodeType.Text || n.type === NodeType.CDATA || n.type === NodeType.Comment) {
      if (!inStyle && n.isStyle !== true) n.textContent = this.text(n.textContent, 'text', id);
      return;
    }
    if (n.type !== NodeType.Element && n.type !== NodeType.Document) return;
    const tagName = typeof n.tagName === 'string' ? n.tagName.toLowerCase() : '';
    if (isObject(n.attributes)) {
      if (
        tagName === 'input' &&
        id !== undefined &&
        String(n.attributes.type ?? '').toLowerCase() === 'password'
      ) {
        this.passwordNodes.add(id);
      }
      this.attributes(n.attributes, id, tagName);
    }
    if (!Array.isArray(n.childNodes)) return;
    const childInStyle = inStyle || tagName === 'style' || tagName === 'script';
    let adjacentText = false;
    let previousWasText = false;
    for (const c of n.childNodes) {
      if (!isObject(c)) continue;
      this.node(c, childInStyle);
      const isText = c.type === NodeType.Text;
      if (isText && previousWasText) adjacentText = true;
      previousWasText = isText;
    }
    if (adjacentText && !childInStyle) this.splitText(n.childNodes, id);
  }

  /** PII split across adjacent text nodes (`jane@` + `example.org`): detect on the joined run. */
  private splitText(children: unknown[], parentId: number | undefined): void {
    let runStart = -1;
    const flush = (end: number): void => {
      if (runStart === -1 || end - runStart < 2) return;
      const parts = children.slice(runStart, end) as Json[];
      const joined = parts.map((p) => String(p.textContent ?? '')).join('');
      const r = redactText(joined, this.detectors);
      if (r.findings.length === 0) return;
      for (const f of r.findings) this.note(f.label, 'text', parentId);
      let offset = 0;
      for (const part of parts) {
        const len = String(part.textContent ?? '').length;
        part.textContent = r.text.slice(offset, offset + len);
        offset += len;
      }
    };
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      const isText = isObject(c) && c.type === NodeType.Text && typeof c.textContent === 'string';
      if (isText && runStart === -1) runStart = i;
      if (!isText && runStart !== -1) {
        flush(i);
        runStart = -1;
      }
    }
    flush(children.length);
  }

  private incremental(data: Json): void {
    if (data.source === IncrementalSource.Mutation) {
      if (Array.isArray(data.adds)) {
        for (const a of data.adds) if (isObject(a) && isObject(a.node)) this.node(a.node, false);
      }
      if (Array.isArray(data.texts)) {
        for (const t of data.texts) {
          if (isObject(t)) t.value = this.text(t.value, 'text', typeof t.id === 'number' ? t.id : undefined);
        }
      }
      if (Array.isArray(data.attributes)) {
        for (const a of data.attributes) {
          if (isObject(a) && isObject(a.attributes)) {
            this.attributes(a.attributes, typeof a.id === 'number' ? a.id : undefined, '');
          }
        }
      }
    } else if (data.source === IncrementalSource.Input) {
      const id = typeof data.id === 'number' ? data.id : undefined;
      if (id !== undefined && this.passwordNodes.has(id)) {
        if (data.text !== '' && data.text !== MASKED_INPUT_VALUE) this.passwordValuesReplaced++;
        data.text = data.text === '' ? '' : MASKED_INPUT_VALUE;
      } else {
        data.text = this.text(data.text, 'input', id);
      }
    } else if (data.source === IncrementalSource.Log) {
      // Console payloads are never kept: they are where debug traces leak.
      data.payload = [];
      data.trace = [];
    }
  }

  private custom(data: Json): void {
    const payload = data.payload;
    if (!isObject(payload)) return;
    if (data.tag === VeilCustomTag.PageView) {
      payload.url = this.url(payload.url);
      payload.title = this.text(payload.title, 'title', undefined);
      return;
    }
    for (const [k, v] of Object.entries(payload)) {
      if (typeof v === 'string') payload[k] = this.text(v, 'custom', undefined);
    }
  }
}
