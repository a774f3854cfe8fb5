/**
 * Consent vocabulary shared by the browser SDK and the server. No zod here: the loader and the
 * banner import these constants, and the page must not carry a schema library.
 */

/**
 * Where a consent decision came from (the receipt's `source`): the page API, Veil's banner, a
 * consent platform, or the opt-out control / page (`optout`).
 */
export const CONSENT_SOURCES = [
  'api',
  'banner',
  'tcf',
  'gcm',
  'onetrust',
  'cookiebot',
  'osano',
  'optout',
] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/** Consent platforms the loader can listen to (`data-consent` on the snippet), plus the banner. */
export const CMP_ADAPTERS = ['tcf', 'gcm', 'onetrust', 'cookiebot', 'osano'] as const;
export type CmpAdapter = (typeof CMP_ADAPTERS)[number];

/** The one category Veil records under: session recordings and heatmaps. */
export const ANALYTICS_CATEGORY = 'analytics';

/**
 * IAB TCF v2.2 purposes that must all be consented before Veil records, unless the snippet's
 * `data-tcf-purposes` names others: 1 (store and/or access information on a device) and
 * 10 (develop and improve services).
 */
export const DEFAULT_TCF_PURPOSES: readonly number[] = [1, 10];

/** The category each consent platform uses for analytics unless `data-consent-category` says otherwise. */
export const DEFAULT_CMP_CATEGORY: Readonly<Record<'onetrust' | 'cookiebot' | 'osano', string>> = {
  /** OneTrust's "Performance Cookies" group. */
  onetrust: 'C0002',
  /** `Cookiebot.consent.statistics`. */
  cookiebot: 'statistics',
  /** Osano's `ANALYTICS` category. */
  osano: 'ANALYTICS',
};

/**
 * Receipt ids: Veil's own are 22 random url-safe characters; a consent platform may supply its
 * own (a UUID, `cmp:1234…`). Same rule in the loader, the wire format and the server.
 */
export const CONSENT_RECEIPT_ID_PATTERN = /^[\w.:-]{8,128}$/;

/** Lowercase hex SHA-256 of the banner text a visitor was shown. */
export const BANNER_TEXT_HASH_PATTERN = /^[0-9a-f]{64}$/;
