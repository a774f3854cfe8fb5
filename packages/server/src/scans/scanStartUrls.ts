/** The start URLs of a site's scan: every path on every origin of the site. */
export function scanStartUrls(origins: readonly string[], paths: readonly string[]): string[] {
  const urls: string[] = [];
  for (const origin of origins) {
    for (const path of paths) {
      const url = new URL(path, `${origin}/`).href;
      if (!urls.includes(url)) urls.push(url);
    }
  }
  return urls;
}
