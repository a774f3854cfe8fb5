/**
 * Drops the fragment and every query parameter not on the allow list (DESIGN.md: URLs).
 * Unparseable input becomes `''` rather than passing through unsanitised.
 */
export function sanitizeUrl(url: string, allowedParams: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '';
  }
  parsed.hash = '';
  parsed.username = '';
  parsed.password = '';
  if (parsed.search) {
    const kept = new URLSearchParams();
    for (const [key, value] of parsed.searchParams) {
      if (allowedParams.includes(key)) kept.append(key, value);
    }
    const qs = kept.toString();
    parsed.search = qs ? `?${qs}` : '';
  }
  return parsed.toString();
}

/** The path of a URL, or `''` when it cannot be parsed. */
export function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
