/**
 * Text that CSS itself can put on screen: strings of the `content` and `quotes` properties (what
 * `::before` / `::after` draw) and of custom properties (`--label: "Jane"`, shown through
 * `content: var(--label)`), plus comments. The text-free heatmap snapshot keeps the site's CSS for
 * its layout, so these strings are masked character by character (the pseudo-element keeps its
 * width) and comments are dropped.
 */

/** Properties whose string values are drawn as text. */
const TEXT_PROPERTIES = new Set(['content', 'quotes']);

/** True when a string at this position of a declaration is text the page could show. */
function isTextDeclaration(beforeString: string): boolean {
  const start = Math.max(
    beforeString.lastIndexOf(';'),
    beforeString.lastIndexOf('{'),
    beforeString.lastIndexOf('}'),
  );
  const declaration = beforeString.slice(start + 1);
  const match = /^\s*(-?-?[A-Za-z_][\w-]*)\s*:/.exec(declaration);
  if (!match) return false;
  const property = match[1]!.toLowerCase();
  return TEXT_PROPERTIES.has(property) || property.startsWith('--');
}

/**
 * `css` with every displayable string masked (`"Hi Jane"` → `"** ****"`) and comments removed.
 * Works on a style sheet and on a `style` attribute alike. An unterminated string is masked to the
 * end (fails closed).
 */
export function maskCssContentText(css: string): string {
  let out = '';
  let i = 0;
  while (i < css.length) {
    const c = css[i]!;
    if (c === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      i = end < 0 ? css.length : end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let body = '';
      while (j < css.length && css[j] !== c && css[j] !== '\n') {
        if (css[j] === '\\' && j + 1 < css.length) {
          body += css.slice(j, j + 2);
          j += 2;
        } else {
          body += css[j];
          j++;
        }
      }
      const closed = j < css.length && css[j] === c;
      const masked = isTextDeclaration(out) || !closed ? body.replace(/\S/g, '*') : body;
      out += `${c}${masked}${closed ? c : ''}`;
      i = closed ? j + 1 : j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** True when `css` still holds a displayable string with text or a comment (what `isTextFree` checks). */
export function cssHasContentText(css: string): boolean {
  return maskCssContentText(css) !== css;
}
