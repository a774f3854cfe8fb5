import type { LawfulBasis } from '@veil/core';

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
