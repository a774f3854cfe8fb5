import type { LawfulBasis } from '@veil/core';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';

/** `Site` of docs/api.md. */
export interface SiteView {
  siteKey: string;
  name: string;
  origins: string[];
  lawfulBasis: LawfulBasis;
  samplingPercent: number;
  createdAt: number;
}

export function siteView(site: SiteRecord): SiteView {
  return {
    siteKey: site.siteKey,
    name: site.name,
    origins: [...site.origins],
    lawfulBasis: site.policy.lawfulBasis,
    samplingPercent: site.policy.samplingPercent,
    createdAt: site.createdAt,
  };
}
