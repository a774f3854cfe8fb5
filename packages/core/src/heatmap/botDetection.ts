/**
 * Bots and automated browsers never reach a heatmap: crawlers and scripted clients by their
 * user agent, automated real browsers by what the page reports (`navigator.webdriver`) and by
 * how they click.
 */

const BOT_USER_AGENT =
  /(?<!cu)bot\b|crawl|spider|slurp|scrap|headless|phantomjs|puppeteer|playwright|selenium|webdriver|lighthouse|pagespeed|pingdom|uptime|monitor|statuscake|site24x7|gtmetrix|curl\/|wget\/|python-|aiohttp|httpx|go-http-client|java\/|okhttp|axios\/|node-fetch|undici|libwww|httpclient|facebookexternalhit|embedly|bingpreview|preview|whatsapp|telegram|discord|slack|vkshare|ia_archiver|archive\.org|validator|check_http|nagios|zgrab|masscan|nmap/i;

/** True for crawlers, monitors, link previewers, HTTP libraries and headless browsers. An empty user agent is a bot. */
export function isBotUserAgent(userAgent: string | undefined | null): boolean {
  if (!userAgent || userAgent.trim() === '') return true;
  return BOT_USER_AGENT.test(userAgent);
}

/** How a session clicked, as far as automation detection looks at it. */
export interface AutomationSignals {
  /** `navigator.webdriver` as the page reported it. */
  webdriver?: boolean;
  /** Gaps between consecutive clicks that are not rage clicks, in ms. */
  clickGapsMs: readonly number[];
}

export type AutomationReason = 'webdriver' | 'superhuman_rate' | 'metronomic_clicks';

/** At least this many gaps before click timing is judged. */
export const MIN_CLICK_GAPS_FOR_TIMING = 10;
/** A median gap below this, over many clicks, is faster than a person clicks distinct targets. */
export const SUPERHUMAN_MEDIAN_GAP_MS = 80;
/** Coefficient of variation of the gaps below this: clicks like a metronome. */
export const METRONOMIC_MAX_VARIATION = 0.05;

/** Why a session looks automated, or null when it looks like a person. */
export function automationReason(signals: AutomationSignals): AutomationReason | null {
  if (signals.webdriver === true) return 'webdriver';
  const gaps = signals.clickGapsMs.filter((g) => Number.isFinite(g) && g >= 0);
  if (gaps.length < MIN_CLICK_GAPS_FOR_TIMING) return null;
  const sorted = [...gaps].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  if (median < SUPERHUMAN_MEDIAN_GAP_MS) return 'superhuman_rate';
  const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
  if (mean > 0 && sd / mean < METRONOMIC_MAX_VARIATION) return 'metronomic_clicks';
  return null;
}
