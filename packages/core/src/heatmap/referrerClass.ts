import type { ReferrerClass } from './heatmapEvents.js';

const SEARCH =
  /(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|qwant|startpage|kagi|naver|search\.brave)\./;
const SOCIAL =
  /(^|\.)(facebook|fb|instagram|t|twitter|x|linkedin|lnkd|reddit|pinterest|youtube|tiktok|threads|bsky|snapchat|vk|tumblr|mastodon)\.[a-z]+$/;
const WEBMAIL = /^(mail\.(google|yahoo|proton|aol)|outlook\.(live|office|office365))\./;
const EMAIL_MEDIUM = /^(e-?mail|newsletter)$/i;
const PAID_MEDIUM = /^(cpc|ppc|cpm|paid.*|display|ads?)$/i;
const CLICK_IDS = /[?&](gclid|gbraid|wbraid|msclkid|fbclid|dclid|ttclid)=/;

const bare = (host: string): string => host.toLowerCase().replace(/^www\./, '');

/**
 * Classifies where a session came from, in the browser: the referrer and the landing page's
 * campaign parameters are read there and only the class is sent. `pageUrl` is the full landing
 * URL (its `utm_medium` and ad click ids count; nothing of it leaves the page).
 */
export function referrerClass(referrer: string, pageUrl: string): ReferrerClass {
  let page: URL | null = null;
  try {
    page = new URL(pageUrl);
  } catch {
    page = null;
  }
  const medium = page?.searchParams.get('utm_medium') ?? '';
  if (EMAIL_MEDIUM.test(medium)) return 'email';
  if (PAID_MEDIUM.test(medium) || (page !== null && CLICK_IDS.test(page.search))) return 'paid';
  if (!referrer) return 'direct';
  let host: string;
  try {
    host = bare(new URL(referrer).hostname);
  } catch {
    return 'other';
  }
  const own = page ? bare(page.hostname) : '';
  if (own && (host === own || host.endsWith(`.${own}`) || own.endsWith(`.${host}`))) return 'internal';
  if (WEBMAIL.test(host)) return 'email';
  if (SEARCH.test(host)) return 'search';
  if (SOCIAL.test(host)) return 'social';
  return 'other';
}
