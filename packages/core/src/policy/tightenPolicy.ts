import type { PrivacyPolicy } from './privacyPolicy.js';

const union = <T>(a: readonly T[], b: readonly T[]): T[] => {
  const seen = new Set(a.map((x) => JSON.stringify(x)));
  return [...a, ...b.filter((x) => !seen.has(JSON.stringify(x)))];
};
/** Only what both allow (a loosening list: unmasking, allowed frames, kept URL parameters). */
const both = <T>(server: readonly T[], local: readonly T[] | undefined): T[] =>
  local === undefined ? [...server] : server.filter((s) => local.includes(s));
const orTrue = (server: boolean, local: boolean | undefined) => server || local === true;

type Rules = {
  [K in keyof PrivacyPolicy]?: (
    server: PrivacyPolicy[K],
    local: PrivacyPolicy[K] | undefined,
  ) => PrivacyPolicy[K];
};

/** How each field tightens; a field not listed keeps the server's value whatever `local` says. */
const RULES: Rules = {
  honourGlobalPrivacyControl: orTrue,
  eraseOnWithdrawal: orTrue,
  samplingPercent: (s, l) => Math.min(s, l ?? s),
  // An empty allow list allows every page: a local one narrows it; two lists intersect.
  pageAllowList: (s, l) => (s.length === 0 ? [...(l ?? [])] : l && l.length > 0 ? both(s, l) : [...s]),
  pageDenyList: (s, l) => union(s, l ?? []),
  blockSelectors: (s, l) => union(s, l ?? []),
  maskTextSelectors: (s, l) => union(s, l ?? []),
  // Unmasking and recording an iframe's content are loosenings: only what both allow.
  unmaskSelectors: both,
  allowIframes: both,
  maskAllText: orTrue,
  customPatterns: (s, l) => union(s, l ?? []),
  allowedUrlParams: both,
  ipBlockList: (s, l) => union(s, l ?? []),
  restrictedRegions: (s, l) => union(s, l ?? []),
  minSessionMs: (s, l) => Math.max(s, l ?? 0),
  captureNetworkPayloads: (s, l) => s && l !== false,
  captureErrors: (s, l) => s && l !== false,
  captureNetworkMetadata: (s, l) => s && l !== false,
  // Record-on-error sends less: a page may ask for it, with a shorter window and fewer triggers.
  recordOnError: (s, l) =>
    l === undefined
      ? { ...s, triggers: [...s.triggers] }
      : {
          enabled: s.enabled || l.enabled === true,
          windowSeconds: Math.min(s.windowSeconds, l.windowSeconds ?? s.windowSeconds),
          afterSeconds: Math.min(s.afterSeconds, l.afterSeconds ?? s.afterSeconds),
          triggers: both(s.triggers, l.triggers).length > 0 ? both(s.triggers, l.triggers) : [...s.triggers],
        },
  retentionDays: (s, l) => Math.min(s, l ?? s),
  // Heatmap-only capture records less: a page may ask for it, never opt out of it.
  heatmapOnly: orTrue,
  heatmapOnlyPages: (s, l) => union(s, l ?? []),
  heatmapMinSessions: (s, l) => Math.max(s, l ?? 0),
  // More canaries only add checks.
  canaries: (s, l) => union(s, l ?? []),
};

/**
 * Combines the server's policy with what a page configured locally. The server's policy always
 * wins: the result is never looser than `server`, whatever `local` says; local settings can only
 * tighten (more blocking and masking, less sampling, shorter retention, fewer URL parameters).
 * Works on any part of a policy (the browser SDK holds only the fields it reads): a field absent
 * from `server` stays absent.
 */
export function tightenPolicy<P extends Partial<PrivacyPolicy>>(
  server: P,
  local: Partial<PrivacyPolicy> = {},
): P {
  const out: Record<string, unknown> = { ...server };
  for (const key of Object.keys(RULES) as (keyof PrivacyPolicy)[]) {
    if (server[key] === undefined) continue;
    const rule = RULES[key] as (s: unknown, l: unknown) => unknown;
    out[key] = rule(server[key], local[key]);
  }
  return out as P;
}
