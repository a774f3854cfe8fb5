import type { LawfulBasis, PrivacyPolicy } from '../policy/privacyPolicy.js';

/**
 * The basis Veil acts on: `legitimate_interest` only when the policy documents its assessment
 * (purpose, necessity, balancing, safeguards, none blank); anything less is treated as `consent`
 * (fails closed: no receipt, no recording).
 */
export function effectiveLawfulBasis(
  policy: Pick<PrivacyPolicy, 'lawfulBasis' | 'legitimateInterestAssessment'>,
): LawfulBasis {
  if (policy.lawfulBasis !== 'legitimate_interest') return 'consent';
  const a = policy.legitimateInterestAssessment;
  const complete =
    a !== undefined && [a.purpose, a.necessity, a.balancing, a.safeguards].every((t) => t.trim() !== '');
  return complete ? 'legitimate_interest' : 'consent';
}
