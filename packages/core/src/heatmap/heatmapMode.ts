import type { PrivacyPolicy } from '../policy/privacyPolicy.js';
import { pathMatchesPattern } from '../url/routePattern.js';

/** The policy fields that decide heatmap-only capture (what the browser SDK holds of them). */
export type HeatmapModePolicy = Pick<PrivacyPolicy, 'heatmapOnly' | 'heatmapOnlyPages'>;

/**
 * Whether a page is captured heatmap-only: interaction coordinates, element paths and one
 * text-free layout snapshot, and no replayable session. Applies to every page when the policy's
 * `heatmapOnly` is on, else to the pages matching `heatmapOnlyPages`.
 */
export function isHeatmapOnlyPage(policy: Partial<HeatmapModePolicy>, path: string): boolean {
  if (policy.heatmapOnly === true) return true;
  return (policy.heatmapOnlyPages ?? []).some((pattern) => pathMatchesPattern(path, pattern));
}
