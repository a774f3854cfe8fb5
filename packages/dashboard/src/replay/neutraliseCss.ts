import { isReplayableUrl, PLACEHOLDER_IMAGE_URL } from './replayUrls';

/**
 * Recorded CSS (stylesheets, `<style>` text, `style` attributes, rule and declaration changes) as
 * it may be replayed: every `url()` that would fetch from outside Veil becomes an inline
 * placeholder, `@import` rules are removed, and `image-set()`, `expression()` and bindings are
 * disabled. The replay frame's Content-Security-Policy refuses such fetches anyway; this keeps the
 * frame from even trying, and shows a placeholder where an image was.
 */
export function neutraliseCss(css: string, ownOrigin: string): string {
  let out = unescapeLetters(css);
  // `@import` (with url() or a bare string) loads another stylesheet: removed up to its `;`.
  out = out.replace(/@import\b(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^;"'])*;?/gi, '');
  out = out.replace(URL_FUNCTION, (_match, quoted: string | undefined, bare: string | undefined) => {
    const raw = quoted !== undefined ? unquote(quoted) : (bare ?? '').trim();
    if (isReplayableUrl(raw, 'image', ownOrigin) || isReplayableUrl(raw, 'font', ownOrigin)) {
      return `url(${JSON.stringify(raw)})`;
    }
    return `url("${PLACEHOLDER_IMAGE_URL}")`;
  });
  // image-set() takes bare strings as URLs: replaced whole by `none`. expression() and bindings
  // are legacy code hooks.
  out = replaceFunction(out, /(?:-webkit-)?image-set\s*\(/gi, 'none');
  out = out.replace(/\bexpression\s*\(/gi, 'veil-blocked(');
  out = out.replace(/(?:-moz-binding|behavior)\s*:/gi, 'veil-blocked:');
  return out;
}

/**
 * `url(` with a quoted argument (group 1, quotes included) or a bare one (group 2). CSS also
 * accepts `src(` for URLs; it is matched the same way.
 */
const URL_FUNCTION = /\b(?:url|src)\s*\(\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*|([^)]*))\)/gi;

function unquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(.)/g, '$1');
}

/**
 * Resolves CSS escapes that stand for ASCII letters (`\75 rl(` is `url(`, `@\69mport` is
 * `@import`), so no escaped spelling hides a function or rule from the rewrites above. Escapes of
 * anything else are left as written: resolving a letter changes nothing the browser would read.
 */
function unescapeLetters(css: string): string {
  return css
    .replace(/\\([0-9a-fA-F]{1,6})(?:\r\n|[ \t\n\r\f])?/g, (match, hex: string) => {
      const code = Number.parseInt(hex, 16);
      return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)
        ? String.fromCharCode(code)
        : match;
    })
    .replace(/\\([g-zG-Z])/g, '$1');
}

/** Replaces each call matched by `opening` (through its balanced closing parenthesis) by `by`. */
function replaceFunction(css: string, opening: RegExp, by: string): string {
  let out = '';
  let from = 0;
  for (const match of css.matchAll(opening)) {
    const start = match.index;
    if (start < from) continue;
    let depth = 1;
    let i = start + match[0].length;
    let quote = '';
    for (; i < css.length && depth > 0; i++) {
      const c = css[i];
      if (quote !== '') {
        if (c === '\\') i++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
    }
    out += css.slice(from, start) + by;
    from = i;
  }
  return out + css.slice(from);
}
