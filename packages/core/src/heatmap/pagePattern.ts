import { pathMatchesPattern } from '../url/routePattern.js';

/** The placeholder of an id-like path segment in a page pattern. */
export const ID_SEGMENT = ':id';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HEX_ID = /^(?=[0-9a-f]*\d)[0-9a-f]{8,}$/i;
const TOKEN = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9]{16,}$/;
const NUMBERED_SLUG = /^\d{3,}[-_.~]|[-_.~]\d{3,}$/;
const DATE = /^\d{4}-\d{2}(-\d{2})?$/;

/**
 * Whether one path segment identifies one record rather than a kind of page: numbers, UUIDs,
 * hashes and object ids, long tokens, dates, slugs carrying a number (`blue-shirt-4411`), and
 * anything redaction masked (`****`) or that holds an `@`.
 */
export function isIdLikeSegment(segment: string): boolean {
  if (segment === '') return false;
  let s = segment;
  try {
    s = decodeURIComponent(segment);
  } catch {
    // Malformed escapes: judge the raw segment.
  }
  return (
    /^\d+$/.test(s) ||
    UUID.test(s) ||
    HEX_ID.test(s) ||
    TOKEN.test(s) ||
    DATE.test(s) ||
    NUMBERED_SLUG.test(s) ||
    s.includes('@') ||
    /^\*+$/.test(s)
  );
}

/** `//a/b/` → `/a/b`: one leading slash, no empty segments, no trailing slash (except `/`). */
export function normalizePagePath(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  return `/${segments.join('/')}`;
}

/**
 * The page pattern a path aggregates under: the first of the site's own patterns that matches
 * (`/blog/:slug`, `/docs/**`, see `pathMatchesPattern`), else the path with every id-like segment
 * replaced by `:id`, so that `/orders/123` and `/orders/456` are both `/orders/:id`.
 */
export function pagePattern(path: string, overrides: readonly string[] = []): string {
  const normalized = normalizePagePath(path);
  for (const pattern of overrides) {
    if (pathMatchesPattern(normalized, pattern)) return pattern;
  }
  if (normalized === '/') return '/';
  return `/${normalized
    .slice(1)
    .split('/')
    .map((s) => (isIdLikeSegment(s) ? ID_SEGMENT : s))
    .join('/')}`;
}
