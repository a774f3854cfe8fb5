/** Link targets that are not pages (downloads, media): never crawled. */
const NOT_A_PAGE =
  /\.(?:pdf|zip|gz|tgz|rar|7z|png|jpe?g|gif|webp|svg|ico|mp4|webm|mp3|wav|dmg|exe|msi|csv|xlsx?|docx?|pptx?)$/i;

/** A page URL as the crawl keys it: no fragment. Null for non-http URLs. */
export function normalisePageUrl(href: string): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    // Not a URL: not a page to crawl.
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  return url.href;
}

/** The links of a page that the crawl follows: same origin, http(s), pages, without fragments. */
export function sameOriginLinks(origin: string, hrefs: readonly string[]): string[] {
  const out: string[] = [];
  for (const href of hrefs) {
    const url = normalisePageUrl(href);
    if (!url || new URL(url).origin !== origin || NOT_A_PAGE.test(new URL(url).pathname)) continue;
    if (!out.includes(url)) out.push(url);
  }
  return out;
}
