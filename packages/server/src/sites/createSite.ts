import { DEFAULT_PRIVACY_POLICY, type LawfulBasis, privacyPolicySchema } from '@veil/core';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { parseOrThrow } from '../errors/validationError.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { parseSiteOrigin } from './origins.js';
import { newSiteKey } from './siteKeys.js';

export const MAX_ORIGINS_PER_SITE = 50;

/** Input of `POST /api/v1/sites` and `veil sites add`. */
export const newSiteSchema = z.object({
  name: z.string().trim().min(1).max(200),
  origins: z
    .array(
      z
        .string()
        .max(2048)
        .refine(
          (s) => parseSiteOrigin(s) !== undefined,
          'must be an http(s) origin such as https://shop.example',
        ),
    )
    .min(1)
    .max(MAX_ORIGINS_PER_SITE),
  samplingPercent: z.number().min(0).max(100).optional(),
  lawfulBasis: z.enum(['consent', 'legitimate_interest']).optional(),
});
export type NewSiteInput = z.input<typeof newSiteSchema>;

/**
 * Creates a site with the default privacy policy, adjusted by its sampling rate and lawful basis.
 * A `legitimate_interest` site still needs its documented assessment before the policy is complete.
 */
export async function createSite(store: Store, clock: Clock, input: NewSiteInput): Promise<SiteRecord> {
  const parsed = parseOrThrow(newSiteSchema, input);
  const lawfulBasis: LawfulBasis = parsed.lawfulBasis ?? DEFAULT_PRIVACY_POLICY.lawfulBasis;
  const policy = privacyPolicySchema.parse({
    ...DEFAULT_PRIVACY_POLICY,
    lawfulBasis,
    samplingPercent: parsed.samplingPercent ?? DEFAULT_PRIVACY_POLICY.samplingPercent,
  });
  const origins = parsed.origins.map((o) => parseSiteOrigin(o)).filter((o): o is string => o !== undefined);
  return store.sites.create({
    siteKey: newSiteKey(),
    name: parsed.name,
    origins,
    policy,
    createdAt: clock.now(),
  });
}
