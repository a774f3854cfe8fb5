import { DEFAULT_ALERT_POLICY } from '../alerts/alertKinds.js';
import { checkCustomPattern } from '../detectors/patternSafety.js';
import type { PrivacyPolicy } from './privacyPolicy.js';

/**
 * What a visitor's browser receives of a site's policy (`GET /r/v1/sites/{key}/config`): custom
 * patterns in their checked, bounded form (the recorder compiles them without a checker of its
 * own), and the fields only the server uses emptied: canary values, the IP block list, the
 * restricted regions and alert routing (nothing a visitor should learn about how the site filters). The shape stays
 * a valid policy.
 */
export function policyForBrowser(policy: PrivacyPolicy): PrivacyPolicy {
  return {
    ...policy,
    ipBlockList: [],
    restrictedRegions: [],
    canaries: [],
    alerts: { ...DEFAULT_ALERT_POLICY, routes: [] },
    customPatterns: policy.customPatterns.map((p) => {
      const check = checkCustomPattern(p.pattern, p.flags ?? '');
      // A stored policy passed the check when it was saved; fail closed if it somehow did not.
      if (!check.ok) throw new Error(`custom pattern "${p.label}" is refused: ${check.problem}`);
      return { ...p, pattern: check.source };
    }),
  };
}
