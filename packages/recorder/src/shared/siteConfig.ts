import {
  type CustomPattern,
  type ErrorKind,
  type LawfulBasis,
  MAX_ERROR_AFTER_SECONDS,
  MAX_ERROR_WINDOW_SECONDS,
  MIN_ERROR_WINDOW_SECONDS,
  type PrivacyPolicy,
  type RecordOnError,
} from '@veil/core';

/** The policy fields the browser SDK reads; the server sends the site's full effective policy. */
export type ClientPolicy = Pick<
  PrivacyPolicy,
  | 'lawfulBasis'
  | 'honourGlobalPrivacyControl'
  | 'samplingPercent'
  | 'pageAllowList'
  | 'pageDenyList'
  | 'blockSelectors'
  | 'maskTextSelectors'
  | 'unmaskSelectors'
  | 'allowIframes'
  | 'maskAllText'
  | 'customPatterns'
  | 'allowedUrlParams'
  | 'heatmapOnly'
  | 'heatmapOnlyPages'
  | 'captureErrors'
  | 'captureNetworkMetadata'
  | 'recordOnError'
>;

/** `GET /r/v1/sites/{siteKey}/config` (docs/api.md), as far as the SDK reads it. */
export interface SiteConfig {
  siteKey: string;
  lawfulBasis: LawfulBasis;
  samplingPercent: number;
  policy: ClientPolicy;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isBasis = (v: unknown): v is LawfulBasis => v === 'consent' || v === 'legitimate_interest';
const isPercent = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 100;
const isPattern = (v: unknown): v is CustomPattern =>
  isObject(v) &&
  typeof v.label === 'string' &&
  typeof v.pattern === 'string' &&
  (v.flags === undefined || typeof v.flags === 'string');

const ERROR_TRIGGERS: readonly unknown[] = ['error', 'rejection', 'console'];
const isSeconds = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * Record-on-error as received: absent (a server from before it existed) is off; anything
 * malformed is `undefined`, and an undefined field refuses the whole config (fails closed: the
 * SDK would otherwise send a page view the site wanted kept in the browser).
 */
function parseRecordOnError(v: unknown): RecordOnError | undefined {
  // Not DEFAULT_PRIVACY_POLICY: importing it would bring zod into the bundle.
  if (v === undefined)
    return { enabled: false, windowSeconds: 30, afterSeconds: 10, triggers: ['error', 'rejection'] };
  if (!isObject(v) || typeof v.enabled !== 'boolean') return undefined;
  const { windowSeconds, afterSeconds, triggers } = v;
  if (
    !isSeconds(windowSeconds, MIN_ERROR_WINDOW_SECONDS, MAX_ERROR_WINDOW_SECONDS) ||
    !isSeconds(afterSeconds, 0, MAX_ERROR_AFTER_SECONDS) ||
    !Array.isArray(triggers) ||
    triggers.length === 0 ||
    !triggers.every((t) => ERROR_TRIGGERS.includes(t))
  ) {
    return undefined;
  }
  return { enabled: v.enabled, windowSeconds, afterSeconds, triggers: triggers as ErrorKind[] };
}

/** The fields the loader's gates read (lawful basis, GPC, page lists, sampling). */
export interface GateConfig {
  siteKey: string;
  lawfulBasis: LawfulBasis;
  samplingPercent: number;
  policy: Pick<ClientPolicy, 'honourGlobalPrivacyControl' | 'pageAllowList' | 'pageDenyList'>;
}

/**
 * The loader's check of the untrusted config: only what its gates read, so that the loader stays
 * small. The result keeps the policy object as received; the recorder chunk checks every other
 * field with `parseSiteConfig` before it records anything.
 */
export function parseGateConfig(input: unknown): GateConfig | null {
  if (!isObject(input) || !isObject(input.policy)) return null;
  const p = input.policy;
  const lawfulBasis = input.lawfulBasis ?? p.lawfulBasis;
  const samplingPercent = input.samplingPercent ?? p.samplingPercent;
  const ok =
    typeof input.siteKey === 'string' &&
    isBasis(lawfulBasis) &&
    isPercent(samplingPercent) &&
    typeof p.honourGlobalPrivacyControl === 'boolean' &&
    isStrings(p.pageAllowList) &&
    isStrings(p.pageDenyList);
  return ok
    ? { siteKey: input.siteKey as string, lawfulBasis, samplingPercent, policy: p as GateConfig['policy'] }
    : null;
}

/**
 * Checks the untrusted config answer field by field. Anything missing or malformed gives null,
 * and a null config records nothing (fails closed): the SDK never guesses a privacy setting.
 * (zod would double the loader's size, so the check is written out; the server validates with
 * the core schema before it answers.)
 */
export function parseSiteConfig(input: unknown): SiteConfig | null {
  const gate = parseGateConfig(input);
  if (!gate) return null;
  const { siteKey, lawfulBasis, samplingPercent } = gate;
  const p = gate.policy as Json;
  const recordOnError = parseRecordOnError(p.recordOnError);
  const ok =
    recordOnError !== undefined &&
    typeof p.maskAllText === 'boolean' &&
    isStrings(p.blockSelectors) &&
    isStrings(p.maskTextSelectors) &&
    isStrings(p.unmaskSelectors) &&
    isStrings(p.allowedUrlParams) &&
    Array.isArray(p.customPatterns) &&
    p.customPatterns.every(isPattern) &&
    // Heatmap-only capture: absent (a server from before it existed) means off, its default.
    (p.heatmapOnly === undefined || typeof p.heatmapOnly === 'boolean') &&
    (p.heatmapOnlyPages === undefined || isStrings(p.heatmapOnlyPages)) &&
    // Allowed iframes: absent (a server from before it existed) means none, its default.
    (p.allowIframes === undefined || isStrings(p.allowIframes));
  if (!ok) return null;
  return {
    siteKey,
    lawfulBasis,
    samplingPercent,
    policy: {
      lawfulBasis,
      samplingPercent,
      honourGlobalPrivacyControl: p.honourGlobalPrivacyControl as boolean,
      maskAllText: p.maskAllText as boolean,
      pageAllowList: p.pageAllowList as string[],
      pageDenyList: p.pageDenyList as string[],
      blockSelectors: p.blockSelectors as string[],
      maskTextSelectors: p.maskTextSelectors as string[],
      unmaskSelectors: p.unmaskSelectors as string[],
      allowIframes: (p.allowIframes as string[] | undefined) ?? [],
      allowedUrlParams: p.allowedUrlParams as string[],
      customPatterns: p.customPatterns as CustomPattern[],
      heatmapOnly: p.heatmapOnly === true,
      heatmapOnlyPages: (p.heatmapOnlyPages as string[] | undefined) ?? [],
      // Absent (a server from before they existed) or malformed means off.
      captureErrors: p.captureErrors === true,
      captureNetworkMetadata: p.captureNetworkMetadata === true,
      recordOnError,
    },
  };
}
