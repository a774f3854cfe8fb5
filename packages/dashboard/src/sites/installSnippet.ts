import { type LawfulBasis, type Role, roleHasPermission } from '@veil/core';

/** The one script tag a site installs (DESIGN.md, stable surface). */
export function installSnippet(origin: string, siteKey: string): string {
  const base = origin.replace(/\/+$/, '');
  return `<script src="${base}/r/v1/loader.js" data-site="${escapeAttribute(siteKey)}" async></script>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export const LAWFUL_BASIS_LABELS: Readonly<Record<LawfulBasis, string>> = {
  consent: 'Consent',
  legitimate_interest: 'Legitimate interest',
};

/** `20 %` with a narrow no-break space, as the rest of Veil writes percentages. */
export function formatSampling(percent: number): string {
  const rounded = Math.round(percent * 10) / 10;
  return `${rounded}\u202f%`;
}

/**
 * Whether the user may add sites: `sites:write` and every site. A new site lies outside a
 * site-restricted admin's sites, so the API refuses it (403) and the page does not offer it.
 */
export function canAddSites(role: Role, sites: 'all' | readonly string[] | undefined): boolean {
  return roleHasPermission(role, 'sites:write') && sites === 'all';
}
