import {
  disclosureNotice,
  type NoticeFormat,
  type NoticeLanguage,
  noticeToHtml,
  noticeToMarkdown,
} from '@veil/core';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import type { PolicyService } from './PolicyService.js';

export interface SiteNotice {
  siteKey: string;
  policyVersion: number;
  language: NoticeLanguage;
  format: NoticeFormat;
  text: string;
}

/**
 * The disclosure notice of `site` from its current policy version, for its privacy and cookie
 * policies. Generated on every request from the live configuration, so a policy change is
 * reflected at once and the notice names the version it reflects. `veilOrigin` is where Veil is
 * reached (`https://veil.example`): the recordings' destination and the opt-out page.
 */
export async function siteNotice(
  policies: PolicyService,
  site: SiteRecord,
  options: { language: NoticeLanguage; format: NoticeFormat; veilOrigin: string; now: number },
): Promise<SiteNotice> {
  const current = await policies.read(site);
  const veilOrigin = options.veilOrigin.replace(/\/+$/, '');
  const notice = disclosureNotice(
    {
      siteName: site.name,
      origins: site.origins,
      veilOrigin,
      policy: current.policy,
      policyVersion: current.version,
      optOutUrl: `${veilOrigin}/optout?site=${encodeURIComponent(site.siteKey)}`,
      generatedAt: options.now,
    },
    options.language,
  );
  return {
    siteKey: site.siteKey,
    policyVersion: current.version,
    language: options.language,
    format: options.format,
    text: options.format === 'html' ? noticeToHtml(notice) : noticeToMarkdown(notice),
  };
}
