import type { PrivacyPolicy } from './privacyPolicy.js';

const union = <T>(a: readonly T[], b: readonly T[]): T[] => {
  const seen = new Set(a.map((x) => JSON.stringify(x)));
  return [...a, ...b.filter((x) => !seen.has(JSON.stringify(x)))];
};

/**
 * Combines the server's policy with what a page configured locally. The server's policy always
 * wins: the result is never looser than `server`, whatever `local` says; local settings can only
 * tighten (more blocking and masking, less sampling, shorter retention, fewer URL parameters).
 */
export function tightenPolicy(server: PrivacyPolicy, local: Partial<PrivacyPolicy> = {}): PrivacyPolicy {
  return {
    ...server,
    honourGlobalPrivacyControl:
      server.honourGlobalPrivacyControl || local.honourGlobalPrivacyControl === true,
    eraseOnWithdrawal: server.eraseOnWithdrawal || local.eraseOnWithdrawal === true,
    samplingPercent: Math.min(server.samplingPercent, local.samplingPercent ?? server.samplingPercent),
    pageAllowList:
      server.pageAllowList.length === 0
        ? [...(local.pageAllowList ?? [])]
        : local.pageAllowList && local.pageAllowList.length > 0
          ? server.pageAllowList.filter((p) => local.pageAllowList?.includes(p))
          : [...server.pageAllowList],
    pageDenyList: union(server.pageDenyList, local.pageDenyList ?? []),
    blockSelectors: union(server.blockSelectors, local.blockSelectors ?? []),
    maskTextSelectors: union(server.maskTextSelectors, local.maskTextSelectors ?? []),
    // Unmasking is a loosening: only what both allow.
    unmaskSelectors: server.unmaskSelectors.filter((s) =>
      (local.unmaskSelectors ?? server.unmaskSelectors).includes(s),
    ),
    maskAllText: server.maskAllText || local.maskAllText === true,
    customPatterns: union(server.customPatterns, local.customPatterns ?? []),
    allowedUrlParams: server.allowedUrlParams.filter((p) =>
      (local.allowedUrlParams ?? server.allowedUrlParams).includes(p),
    ),
    ipBlockList: union(server.ipBlockList, local.ipBlockList ?? []),
    restrictedRegions: union(server.restrictedRegions, local.restrictedRegions ?? []),
    minSessionMs: Math.max(server.minSessionMs, local.minSessionMs ?? 0),
    captureNetworkPayloads: server.captureNetworkPayloads && local.captureNetworkPayloads !== false,
    retentionDays: Math.min(server.retentionDays, local.retentionDays ?? server.retentionDays),
    // Heatmap-only capture records less: a page may ask for it, never opt out of it.
    heatmapOnly: server.heatmapOnly || local.heatmapOnly === true,
    heatmapOnlyPages: union(server.heatmapOnlyPages, local.heatmapOnlyPages ?? []),
    heatmapMinSessions: Math.max(server.heatmapMinSessions, local.heatmapMinSessions ?? 0),
    // More canaries only add checks.
    canaries: union(server.canaries, local.canaries ?? []),
  };
}
