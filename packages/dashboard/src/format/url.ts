/** Splits a URL for a table cell: analysts scan paths, so the path leads and the host follows. */
export function displayUrl(url: string): { path: string; host: string } {
  try {
    const parsed = new URL(url);
    return { path: `${parsed.pathname}${parsed.search}${parsed.hash}` || '/', host: parsed.host };
  } catch {
    return { path: url, host: '' };
  }
}
