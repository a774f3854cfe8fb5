/**
 * Which URLs recorded DOM may keep when it is replayed in the viewer's browser. Recorded pages are
 * untrusted replay data: every URL in them is the recorded site's (or a planted one), and fetching
 * it from the viewer's browser would tell that site (or a third party) who watched and when. So a
 * replay never fetches from anywhere but Veil's own origin: the recorded site's assets are shown as
 * placeholders, except inline `data:` images and fonts, and pages Veil itself serves (its demo).
 */

/**
 * Paths on Veil's own origin that serve site content a replay may load: the built-in demo site.
 * Nothing else of Veil's origin (its API above all) is ever loaded by a replayed page.
 */
export const VEIL_SERVED_SITE_PATHS: readonly string[] = ['/demo/'];

/** `data:` media types a replayed image may show (never HTML, never script). */
const DATA_IMAGE =
  /^data:image\/(?:png|gif|jpeg|jpg|webp|avif|bmp|x-icon|vnd\.microsoft\.icon|svg\+xml)[;,]/i;
/** `data:` media types a replayed font may load. */
const DATA_FONT =
  /^data:(?:font\/[a-z0-9.+-]+|application\/(?:font-woff2?|x-font-[a-z0-9-]+|vnd\.ms-fontobject))[;,]/i;

/**
 * A neutral placeholder shown where a recorded image was: a light grey box with a frame, as an
 * inline `data:` SVG (nothing is fetched for it).
 */
export const PLACEHOLDER_IMAGE_URL =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='16' height='16'%3E%3Crect width='16' height='16' fill='%23e5e7eb'/%3E%3Cpath d='M0 16L16 0' stroke='%23cbd5e1'/%3E%3C/svg%3E";

/** The kind of resource a URL would load, which decides the `data:` types it may have. */
export type ReplayResourceKind = 'image' | 'font' | 'style';

/** Control characters and spaces browsers ignore inside URLs (they would hide a scheme). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping exactly those characters is the point
const URL_IGNORED = /[\u0000-\u0020\u007f-\u009f]/g;

/**
 * Whether `url` (as recorded, absolute or not) may be loaded by a replayed page as `kind`:
 * a fragment of the replayed document, `data:` of that kind's media types, or a path Veil serves
 * itself on `ownOrigin`. Everything
 * else, including anything that does not parse, is refused (fails closed).
 */
export function isReplayableUrl(url: string, kind: ReplayResourceKind, ownOrigin: string): boolean {
  const compact = url.replace(URL_IGNORED, '');
  // A fragment alone refers to the replayed document itself (its URL is about:blank): no fetch.
  if (compact.startsWith('#')) return true;
  if (/^data:/i.test(compact)) {
    if (kind === 'image') return DATA_IMAGE.test(compact);
    if (kind === 'font') return DATA_FONT.test(compact);
    return false;
  }
  let parsed: URL;
  try {
    // Relative URLs resolve against Veil's origin: the replay frame's own base is about:blank.
    parsed = new URL(compact, ownOrigin);
  } catch {
    return false;
  }
  if (parsed.origin !== ownOrigin || parsed.username !== '' || parsed.password !== '') return false;
  // Dot segments are already resolved by URL; an encoded one could still climb out of the prefix.
  if (/%2e|%2f|%5c/i.test(parsed.pathname)) return false;
  return VEIL_SERVED_SITE_PATHS.some((prefix) => parsed.pathname.startsWith(prefix));
}
