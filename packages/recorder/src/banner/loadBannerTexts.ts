import { type BannerTexts, bannerLanguage, resolveBannerTexts } from '@veil/core';

/** How long the banner waits for the site's texts before it asks with Veil's own. */
export const BANNER_TEXTS_TIMEOUT_MS = 3_000;

export interface LoadedBannerTexts {
  /** The language of the texts (a site may add languages Veil has no texts for). */
  language: string;
  texts: BannerTexts;
}

const LANGUAGE = /^[a-z]{2}$/;

/**
 * The site's banner texts in the visitor's language (`GET …/r/v1/sites/{siteKey}/banner?lang=`,
 * without credentials), each field falling back to Veil's own; Veil's own texts when the server
 * does not answer in time.
 */
export async function loadBannerTexts(
  url: string,
  lang: string,
  fetchJson: (url: string, signal: AbortSignal) => Promise<unknown>,
  timeoutMs = BANNER_TEXTS_TIMEOUT_MS,
): Promise<LoadedBannerTexts> {
  const primary = lang.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  const wanted = LANGUAGE.test(primary) ? primary : 'en';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const answer = await fetchJson(`${url}?lang=${wanted}`, controller.signal);
    const o = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : {};
    const language = typeof o.language === 'string' && LANGUAGE.test(o.language) ? o.language : wanted;
    return { language, texts: resolveBannerTexts(bannerLanguage(language), o.texts) };
  } catch {
    // No answer: Veil's own texts in the nearest built-in language (the receipt's hash says which).
    const language = bannerLanguage(wanted);
    return { language, texts: resolveBannerTexts(language) };
  } finally {
    clearTimeout(timer);
  }
}
