import { type Detector, maskPreservingLayout, redactText, sanitizeUrl } from '@veil/core';

/** What CSS sanitising needs of the policy. */
export interface CssPolicy {
  detectors: readonly Detector[];
  allowedUrlParams: readonly string[];
  /** Strings of `content:` declarations are text on screen: masked whole under "mask all text". */
  maskAllText: boolean;
}

/** `url(…)` (quoted or not), or a quoted string. */
const CSS_TOKEN =
  /url\(\s*(?:"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([^)"'\s]*))\s*\)|"((?:\\.|[^"\\\n])*)"|'((?:\\.|[^'\\\n])*)'/gi;

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A URL in CSS: absolute ones sanitised like page URLs, relative ones lose query and fragment. */
function cssUrl(url: string, policy: CssPolicy): string {
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
  // PII in the path (`/avatars/jane%40example.org.png`): the whole URL is masked.
  const redacted = redactText(decodeSafely(clean), policy.detectors).text;
  return redacted === decodeSafely(clean) ? clean : maskPreservingLayout(clean);
}

/** True when the string at `index` is a value of a `content:` declaration. */
function inContentDeclaration(css: string, index: number): boolean {
  const start = Math.max(css.lastIndexOf(';', index), css.lastIndexOf('{', index)) + 1;
  return /^\s*content\s*:/i.test(css.slice(start, index));
}

/**
 * Stylesheet text and `style` attributes, as rrweb inlines them: every `url()` loses its query
 * string and fragment (allow-listed parameters kept), quoted strings (`content: "…"`) are
 * PII-scanned, and under "mask all text" `content:` strings are masked whole. Anything the
 * tokenizer does not recognise stays CSS the browser accepted; the server's pass runs again.
 */
export function sanitizeCss(css: string, policy: CssPolicy): string {
  if (!css.includes('url(') && !css.includes('"') && !css.includes("'") && !/url\(/i.test(css)) return css;
  return css.replace(CSS_TOKEN, (token, dq, sq, bare, str2, str1, index: number) => {
    if (dq !== undefined || sq !== undefined || bare !== undefined) {
      const url = (dq ?? sq ?? bare) as string;
      const clean = cssUrl(url, policy);
      if (clean === url) return token;
      const quote = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
      return `url(${quote}${clean}${quote})`;
    }
    const text = (str2 ?? str1) as string;
    const quote = str2 !== undefined ? '"' : "'";
    if (policy.maskAllText && inContentDeclaration(css, index))
      return `${quote}${maskPreservingLayout(text)}${quote}`;
    const redacted = redactText(text, policy.detectors).text;
    return redacted === text ? token : `${quote}${redacted}${quote}`;
  });
}
