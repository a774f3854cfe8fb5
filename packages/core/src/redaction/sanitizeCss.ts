import type { Detector } from '../detectors/detectors.js';
import { type Finding, maskPreservingLayout, redactTextInto } from '../detectors/redactText.js';
import { sanitizeUrl } from '../url/sanitizeUrl.js';

/** What CSS sanitising needs of the policy. */
export interface CssPolicy {
  detectors: readonly Detector[];
  allowedUrlParams: readonly string[];
  /** Strings of `content:` declarations are text on screen: masked whole under "mask all text". */
  maskAllText: boolean;
}

/** Told the label of every piece of PII a detector found in CSS (never the value). */
export type CssFindingSink = (label: string) => void;

/** `url(…)` (quoted or not), or a quoted string. */
const CSS_TOKEN =
  /url\(\s*(?:"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([^)"'\s]*))\s*\)|"((?:\\.|[^"\\\n])*)"|'((?:\\.|[^'\\\n])*)'/gi;

/** Compiled once (a literal in a function is a new object per call). */
const CSS_URL = /url\(/i;

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Detector findings of `text`, reported to `sink`; the text redacted. */
function scan(text: string, policy: CssPolicy, sink: CssFindingSink | undefined): string {
  if (text === '') return text;
  const found: Finding[] = [];
  const redacted = redactTextInto(text, policy.detectors, found);
  if (sink) for (const f of found) sink(f.label);
  return redacted;
}

/** A URL in CSS: absolute ones sanitised like page URLs, relative ones lose query and fragment. */
function cssUrl(url: string, policy: CssPolicy, sink: CssFindingSink | undefined): string {
  if (/^data:/i.test(url) || /^blob:/i.test(url)) return url;
  let clean: string;
  if (/^(?:https?:)?\/\//i.test(url)) {
    const relativeScheme = url.startsWith('//');
    clean = sanitizeUrl(relativeScheme ? `https:${url}` : url, policy.allowedUrlParams);
    if (relativeScheme) clean = clean.replace(/^https:/, '');
  } else {
    const cut = url.search(/[?#]/);
    clean = cut === -1 ? url : url.slice(0, cut);
  }
  // What the query and fragment carried is gone either way; PII in it still counts as a finding.
  if (sink && clean.length < url.length) {
    const dropped = url.slice(url.search(/[?#]/) + 1);
    scan(decodeSafely(dropped.replace(/\+/g, ' ')), policy, sink);
  }
  // PII in the path (`/avatars/jane%40example.org.png`): the whole URL is masked.
  const decoded = decodeSafely(clean);
  return scan(decoded, policy, sink) === decoded ? clean : maskPreservingLayout(clean);
}

/** True when the string at `index` is a value of a `content:` declaration. */
function inContentDeclaration(css: string, index: number): boolean {
  const start = Math.max(css.lastIndexOf(';', index), css.lastIndexOf('{', index)) + 1;
  return /^\s*content\s*:/i.test(css.slice(start, index));
}

/**
 * Stylesheet text and `style` attributes, as rrweb inlines them: every `url()` loses its query
 * string and fragment (allow-listed parameters kept), quoted strings (`content: "…"`) are
 * PII-scanned, and under "mask all text" `content:` strings are masked whole. The CSS between
 * them (comments, custom property values, attribute selectors) is scanned as text too: CSS a
 * page generated can carry a value anywhere. `data:` URLs are kept (pictures, not text). Shared by
 * the recorder and the server's pass (`redactEvents`); `sink` hears the label of every finding.
 */
export function sanitizeCss(css: string, policy: CssPolicy, sink?: CssFindingSink): string {
  if (!css.includes('"') && !css.includes("'") && !CSS_URL.test(css)) return scan(css, policy, sink);
  let out = '';
  let last = 0;
  CSS_TOKEN.lastIndex = 0;
  for (let m = CSS_TOKEN.exec(css); m !== null; m = CSS_TOKEN.exec(css)) {
    const index = m.index;
    out += scan(css.slice(last, index), policy, sink);
    last = index + m[0].length;
    const [token, dq, sq, bare, str2, str1] = m;
    if (dq !== undefined || sq !== undefined || bare !== undefined) {
      const url = (dq ?? sq ?? bare) as string;
      const clean = cssUrl(url, policy, sink);
      const quote = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
      out += clean === url ? token : `url(${quote}${clean}${quote})`;
      continue;
    }
    const text = (str2 ?? str1) as string;
    const quote = str2 !== undefined ? '"' : "'";
    if (policy.maskAllText && inContentDeclaration(css, index)) {
      out += `${quote}${maskPreservingLayout(text)}${quote}`;
      continue;
    }
    const redacted = scan(text, policy, sink);
    out += redacted === text ? token : `${quote}${redacted}${quote}`;
  }
  return out + scan(css.slice(last), policy, sink);
}
