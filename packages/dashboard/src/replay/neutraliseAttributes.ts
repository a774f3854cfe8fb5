import { neutraliseCss } from './neutraliseCss';
import { isReplayableUrl, PLACEHOLDER_IMAGE_URL } from './replayUrls';

/**
 * One recorded element's attributes as they may be replayed. What stays is presentation; what
 * could act or fetch is removed or replaced:
 * - event handlers (`on…`), `srcdoc`, `target`, `ping`, `http-equiv` meta content, `<base href>`:
 *   removed;
 * - links (`href` of `a`/`area`, `action`, `formaction`): pointing nowhere (`#`), keeping link
 *   styling;
 * - images (`src`, `poster`, input images, SVG `href`/`xlink:href` of `image`/`feImage`): a
 *   placeholder unless the URL is replayable (`isReplayableUrl`);
 * - everything else URL-valued (`data`, `background`, `<link href>`, `<use href>`, `codebase`,
 *   `cite`, …): removed unless replayable, candidate lists (`srcset`) always;
 * - SVG animations: they could set any attribute to any value, so they animate nothing;
 * - `style` and rrweb's `_cssText`: through `neutraliseCss`.
 * An attribute this function does not know keeps its value only when it holds no URL with a scheme
 * (fail closed); `url()` references in it (SVG `fill`, `filter`, …) go through `neutraliseCss`.
 *
 * `attributes` values are rrweb's: strings, `true`/`null` flags, numbers, or (in attribute
 * mutations of `style`) an object of declarations. The result is a new object.
 */
export function neutraliseAttributes(
  tagName: string,
  attributes: Readonly<Record<string, unknown>>,
  ownOrigin: string,
): Record<string, unknown> {
  const tag = tagName.toLowerCase();
  const out: Record<string, unknown> = {};
  const httpEquiv = Object.entries(attributes).some(([n]) => n.toLowerCase() === 'http-equiv');
  for (const [name, value] of Object.entries(attributes)) {
    const lower = name.toLowerCase();
    const kept = neutraliseAttribute(tag, lower, value, ownOrigin, httpEquiv);
    if (kept !== DROP) out[name] = kept;
  }
  return out;
}

const DROP = Symbol('drop');

/** Attributes removed from every element. */
const REMOVED = new Set([
  'srcdoc',
  'target',
  'formtarget',
  'ping',
  'http-equiv',
  'manifest',
  'integrity',
  'nonce',
  'csp',
  'csp-content',
  'allow',
  'sandbox',
  'is',
]);

/** Attributes that navigate when followed: kept pointing nowhere. */
const NAVIGATING = new Set(['action', 'formaction']);

/** Elements whose `src`-like attribute shows an image: replaced by the placeholder. */
const IMAGE_ELEMENTS = new Set(['img', 'image', 'feimage', 'input', 'picture']);

/** URL-valued attributes: removed (or, for images, a placeholder) unless replayable. */
const URL_ATTRIBUTES = new Set([
  'src',
  'lowsrc',
  'dynsrc',
  'poster',
  'background',
  'rr_dataurl',
  'href',
  'xlink:href',
  'data',
  'codebase',
  'classid',
  'archive',
  'cite',
  'longdesc',
  'profile',
  'icon',
  'itemtype',
  'usemap',
]);

/** Attributes that hold text, never something a browser fetches or runs. */
const TEXT_ATTRIBUTES = new Set([
  'value',
  'title',
  'alt',
  'placeholder',
  'label',
  'name',
  'id',
  'class',
  'content',
]);

/** Values that carry a URL scheme other than `data:` images, or a protocol-relative URL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: browsers skip leading control characters in URLs
const SCHEME = /^[\s\u0000-\u001f]*(?:[a-z][a-z0-9+.-]*:|\/\/|\\\\)/i;

function neutraliseAttribute(
  tag: string,
  name: string,
  value: unknown,
  ownOrigin: string,
  httpEquiv: boolean,
): unknown {
  if (name.startsWith('on') || REMOVED.has(name)) return DROP;
  if (value === null || value === true || value === false || typeof value === 'number') return value;
  if (name === 'style') return neutraliseStyleValue(value, ownOrigin);
  if (typeof value !== 'string') return DROP;
  if (name === '_csstext') return neutraliseCss(value, ownOrigin);
  if (tag === 'meta' && httpEquiv && name === 'content') return DROP;
  if (tag === 'base') return name === 'href' ? DROP : value;
  if (name === 'xmlns' || name === 'xmlns:xlink') return value;
  if ((tag === 'a' || tag === 'area') && name === 'href') return '#';
  if (NAVIGATING.has(name)) return '#';
  if (
    isSvgAnimation(tag) &&
    (name === 'attributename' || name === 'to' || name === 'from' || name === 'values' || name === 'by')
  ) {
    // SMIL can set any attribute (an href) to any value over time: animations keep only their timing.
    return name === 'attributename' ? 'veil-none' : '';
  }
  if (tag === 'link' && name === 'href') {
    return isReplayableUrl(value, 'style', ownOrigin) ? value : DROP;
  }
  // Candidate lists name several URLs each: the placeholder or `src` stands in for them.
  if (name === 'srcset' || name === 'imagesrcset' || name === 'imagesizes') return DROP;
  if (URL_ATTRIBUTES.has(name)) {
    if (isReplayableUrl(value, 'image', ownOrigin)) return value;
    const imageSource = name === 'src' || name === 'href' || name === 'xlink:href' || name === 'rr_dataurl';
    if (name === 'poster' || (imageSource && IMAGE_ELEMENTS.has(tag))) return PLACEHOLDER_IMAGE_URL;
    return DROP;
  }
  if (TEXT_ATTRIBUTES.has(name) || name.startsWith('aria-') || name.startsWith('data-')) return value;
  // Presentation attributes (`fill`, `filter`, `mask`, `cursor`, …) may reference url()s.
  if (/url\s*\(/i.test(value)) return neutraliseCss(value, ownOrigin);
  if (SCHEME.test(value) && !isReplayableUrl(value, 'image', ownOrigin)) return DROP;
  return value;
}

function isSvgAnimation(tag: string): boolean {
  return (
    tag === 'set' ||
    tag === 'animate' ||
    tag === 'animatetransform' ||
    tag === 'animatemotion' ||
    tag === 'animatecolor'
  );
}

/** A `style` attribute: a CSS string, or (in rrweb's attribute mutations) an object of declarations. */
function neutraliseStyleValue(value: unknown, ownOrigin: string): unknown {
  if (typeof value === 'string') return neutraliseCss(value, ownOrigin);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return DROP;
  const out: Record<string, unknown> = {};
  for (const [property, declaration] of Object.entries(value)) {
    if (declaration === false) out[property] = false;
    else if (typeof declaration === 'string') out[property] = neutraliseCss(declaration, ownOrigin);
    else if (Array.isArray(declaration) && typeof declaration[0] === 'string')
      out[property] = [
        neutraliseCss(declaration[0], ownOrigin),
        declaration[1] === 'important' ? 'important' : '',
      ];
  }
  return out;
}
