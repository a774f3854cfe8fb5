import { maskPreservingLayout } from '../detectors/redactText.js';
import { NodeType } from '../wire/rrwebEvents.js';
import { cssHasContentText, maskCssContentText } from './cssContentText.js';
import { isStableId } from './elementPath.js';
import type { SerializedNodeLike } from './heatmapEvents.js';

/**
 * Attributes a text-free layout keeps: presentation the site's own code sets, which the layout
 * needs and which carries no content. Every other attribute value (text, URLs, data-*, aria
 * labels, titles, alt texts, values, checked states) is dropped.
 */
const LAYOUT_ATTRIBUTES = new Set([
  'class',
  'style',
  'type',
  'rel',
  'media',
  'width',
  'height',
  'colspan',
  'rowspan',
  'span',
  'cols',
  'rows',
  'size',
  'dir',
  'hidden',
  'open',
  'align',
  'valign',
  'role',
  'aria-hidden',
  'aria-expanded',
  'viewbox',
  'preserveaspectratio',
  'xmlns',
  // rrweb's own: the site's stylesheet text, and the size of a blocked element's placeholder box.
  '_csstext',
  'rr_width',
  'rr_height',
]);

/** CSS-valued attributes: kept for the layout, with their displayable strings masked. */
const CSS_ATTRIBUTES = new Set(['style', '_csstext']);
/** Input types whose `value` is a button's label: masked to its length (the button keeps its width). */
const LABEL_INPUT_TYPES = new Set(['submit', 'button', 'reset']);

/** Element names whose text is CSS, kept (the site's code, not content) with its displayable strings masked. */
const CSS_PARENTS = new Set(['style']);
/** Element names whose content is dropped entirely. */
const DROPPED_CONTENT = new Set(['script', 'noscript', 'template']);

/** `url(...)` in inline styles may carry tokens or personal images: replaced by nothing. */
const CSS_URL = /url\(\s*(['"]?)[^)]*\1\s*\)/gi;

/**
 * A copy of an rrweb full-snapshot node tree with no content left: every text node masked
 * character by character (same length, so the layout holds), CSS kept but the strings it could
 * draw (`content:`, `quotes:`, custom properties) masked and its comments dropped, button labels
 * (`<input type=submit value>`) masked, form values gone, every attribute value outside a
 * short list of layout attributes dropped, ids kept only when stable (element paths use them),
 * images and links pointing nowhere, comments, scripts and templates emptied. What the heatmap
 * overlay is drawn on; an analyst can read no personal data from it.
 */
export function textFreeSnapshot(node: SerializedNodeLike): SerializedNodeLike {
  return copyNode(node, '');
}

function copyNode(n: SerializedNodeLike, parentTag: string): SerializedNodeLike {
  switch (n.type) {
    case NodeType.Text: {
      const text = typeof n.textContent === 'string' ? n.textContent : '';
      const keep = CSS_PARENTS.has(parentTag) || n.isStyle === true;
      return {
        type: n.type,
        id: n.id,
        textContent: keep ? maskCssContentText(text) : maskPreservingLayout(text),
        ...(n.isStyle === true ? { isStyle: true } : {}),
      };
    }
    case NodeType.CDATA:
    case NodeType.Comment:
      return { type: n.type, id: n.id, textContent: '' };
    case NodeType.DocumentType:
      // The doctype decides standards or quirks mode: its identifiers are the HTML spec's, not content.
      return { type: n.type, id: n.id, name: n.name, publicId: n.publicId, systemId: n.systemId };
    case NodeType.Document:
      return {
        type: n.type,
        id: n.id,
        ...(n.compatMode !== undefined ? { compatMode: n.compatMode } : {}),
        childNodes: (n.childNodes ?? []).map((c) => copyNode(c, '')),
      };
    case NodeType.Element: {
      const tag = typeof n.tagName === 'string' ? n.tagName.toLowerCase() : 'div';
      const attributes: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(n.attributes ?? {})) {
        const lower = name.toLowerCase();
        if (lower === 'id') {
          if (typeof value === 'string' && isStableId(value)) attributes.id = value;
        } else if (CSS_ATTRIBUTES.has(lower)) {
          if (typeof value === 'string')
            attributes[name] = maskCssContentText(lower === 'style' ? value.replace(CSS_URL, 'none') : value);
        } else if (LAYOUT_ATTRIBUTES.has(lower)) {
          attributes[name] = value;
        }
      }
      const inputType = typeof n.attributes?.type === 'string' ? n.attributes.type.toLowerCase() : '';
      const label = n.attributes?.value;
      if (tag === 'input' && LABEL_INPUT_TYPES.has(inputType) && typeof label === 'string')
        attributes.value = maskPreservingLayout(label);
      // Links keep their link styling, pointing nowhere.
      if ((tag === 'a' || tag === 'area') && n.attributes && 'href' in n.attributes) attributes.href = '#';
      const children = DROPPED_CONTENT.has(tag) ? [] : (n.childNodes ?? []).map((c) => copyNode(c, tag));
      const out: SerializedNodeLike = {
        type: n.type,
        id: n.id,
        tagName: n.tagName,
        attributes,
        childNodes: children,
      };
      for (const flag of ['isSVG', 'needBlock', 'isCustom', 'rootId'] as const) {
        if (n[flag] !== undefined) out[flag] = n[flag];
      }
      return out;
    }
    default:
      return { type: n.type, id: n.id };
  }
}

/**
 * True when a snapshot node tree holds no unmasked text (what the server checks before storing):
 * no text node, no CSS string that could be drawn, no CSS comment, no attribute outside the layout
 * list (a button label only masked).
 */
export function isTextFree(node: SerializedNodeLike): boolean {
  const stack: Array<[SerializedNodeLike, string]> = [[node, '']];
  while (stack.length > 0) {
    const [n, parentTag] = stack.pop()!;
    if (n.type === NodeType.Text) {
      const text = typeof n.textContent === 'string' ? n.textContent : '';
      const css = CSS_PARENTS.has(parentTag) || n.isStyle === true;
      if (css ? cssHasContentText(text) : /[^\s*]/.test(text)) return false;
    }
    for (const [name, value] of Object.entries(n.attributes ?? {})) {
      const lower = name.toLowerCase();
      if (CSS_ATTRIBUTES.has(lower)) {
        if (typeof value === 'string' && cssHasContentText(value)) return false;
      } else if (lower === 'value') {
        if (typeof value === 'string' && /[^\s*]/.test(value)) return false;
      } else if (lower === 'href') {
        if (value !== '#') return false;
      } else if (!LAYOUT_ATTRIBUTES.has(lower) && lower !== 'id') return false;
    }
    const tag = typeof n.tagName === 'string' ? n.tagName.toLowerCase() : '';
    for (const c of n.childNodes ?? []) stack.push([c, tag]);
  }
  return true;
}
