/**
 * The canonical form of a web origin, `scheme://host[:port]` (lower-case, default port dropped),
 * or `undefined` for anything that is not an http(s) origin. Paths are ignored, so a full page URL
 * (a Referer) yields its origin.
 */
export function normalizeOrigin(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'null') return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.origin;
}

/** Normalises an origin a human typed (`--origin`, the sites API): only scheme, host and port allowed. */
export function parseSiteOrigin(value: string): string | undefined {
  const origin = normalizeOrigin(value);
  if (origin === undefined) return undefined;
  const url = new URL(value.trim());
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return origin;
}

/** The request's origin: the `Origin` header, or else the origin of the `Referer`. */
export function requestOrigin(headers: {
  origin?: string | undefined;
  referer?: string | undefined;
}): string | undefined {
  return normalizeOrigin(headers.origin) ?? normalizeOrigin(headers.referer);
}
