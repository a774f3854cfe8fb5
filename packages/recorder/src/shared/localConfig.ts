import { type PrivacyPolicy, tightenPolicy } from '@veil/core';
import type { ClientPolicy } from './siteConfig.js';

/** The policy fields a page may set locally (`veil('config', …)`), each only tightening. */
const LIST_FIELDS = [
  'blockSelectors',
  'maskTextSelectors',
  'unmaskSelectors',
  'allowIframes',
  'allowedUrlParams',
  'pageAllowList',
  'pageDenyList',
  'heatmapOnlyPages',
] as const;
const FLAG_FIELDS = ['maskAllText', 'heatmapOnly'] as const;

export type LocalPolicy = Partial<
  Pick<PrivacyPolicy, (typeof LIST_FIELDS)[number] | (typeof FLAG_FIELDS)[number] | 'samplingPercent'>
>;

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Checks one `veil('config', …)` object. A field Veil does not take locally, or a value of the
 * wrong type, throws: a page that asked for more masking and made a typo must not be recorded
 * as if it had not asked (the recorder then does not start).
 */
export function parseLocalPolicy(input: unknown): LocalPolicy {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new Error("veil('config'): not an object");
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const ok = (LIST_FIELDS as readonly string[]).includes(key)
      ? isStrings(value)
      : (FLAG_FIELDS as readonly string[]).includes(key)
        ? typeof value === 'boolean'
        : key === 'samplingPercent' && typeof value === 'number' && value >= 0 && value <= 100;
    if (!ok) throw new Error(`veil('config'): bad ${key}`);
    out[key] = value;
  }
  return out as LocalPolicy;
}

/**
 * The server's policy tightened by the page's local configuration, call by call, through core's
 * `tightenPolicy` (the result is never looser than the server's policy). Throws on a malformed
 * local configuration.
 */
export function applyLocalConfig(server: ClientPolicy, local: readonly unknown[]): ClientPolicy {
  let policy = server;
  for (const l of local) policy = tightenPolicy(policy, parseLocalPolicy(l));
  return policy;
}
