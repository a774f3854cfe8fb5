import { ANALYTICS_CATEGORY } from '@veil/core';
import type { TrackerCategory } from '../signatures/signatureSchema.js';
import type { Detection, Evidence, Finding, Rule, ScanPhase, Severity } from './scanReport.js';

/** Evidence items listed per finding; the rest are counted in `moreEvidence`. */
export const MAX_EVIDENCE_PER_FINDING = 25;

export const RULES = {
  ePrivacy: {
    id: 'ePrivacy Art. 5(3)',
    title: 'Directive 2002/58/EC, Article 5(3)',
    text: 'Storing information on, or reading it from, the visitor\u2019s device (cookies, storage, scripts that fingerprint or record) needs the visitor\u2019s prior consent unless strictly necessary for the service the visitor asked for.',
  },
  gdprConsent: {
    id: 'GDPR Art. 6(1)(a)',
    title: 'Regulation (EU) 2016/679, Article 6(1)(a)',
    text: 'Processing personal data (the visitor\u2019s behaviour, identifiers, IP address) for analytics, recording or advertising is lawful only with the visitor\u2019s consent, given before the processing starts; a refusal leaves no basis at all.',
  },
} as const satisfies Record<string, Rule>;

const CATEGORY_LABEL: Record<TrackerCategory, string> = {
  session_recording: 'session recorder',
  analytics: 'analytics tag',
  advertising: 'advertising tag',
  tag_manager: 'tag manager',
};

/** A recorder without consent is the regulators' most common finding: high. Other tags: medium. */
export function severityOf(category: TrackerCategory): Severity {
  return category === 'session_recording' ? 'high' : 'medium';
}

/** Phases in which any tracker activity lacks a lawful basis. */
export const PHASES_WITHOUT_CONSENT: readonly ScanPhase[] = ['before_consent', 'after_reject'];

export function fixFor(vendorId: string, vendorName: string, category: TrackerCategory): string {
  if (vendorId === 'veil') {
    return (
      'Install only the loader snippet (/r/v1/loader.js) with the site in consent mode; never load recorder.js ' +
      "directly. Call veil('consent', {analytics: true}) only from the consent platform\u2019s accept callback (or " +
      'use data-consent="tcf|gcm|onetrust|cookiebot|osano|banner"), never on page load, and ' +
      "veil('consent', {analytics: false}) on refusal."
    );
  }
  const when = `Load ${vendorName} only after the visitor consents and never after a refusal`;
  switch (category) {
    case 'session_recording':
    case 'analytics':
      return (
        `${when}: fire its tag from the consent platform, mapped to the ${ANALYTICS_CATEGORY} (statistics) category, ` +
        'and remove any copy of the snippet hard-coded in the page template. Cookies it already set must not be read before consent either.'
      );
    case 'advertising':
      return (
        `${when}: fire its tag from the consent platform, mapped to the marketing (advertising) category, ` +
        'and remove any copy hard-coded in the page template.'
      );
    case 'tag_manager':
      return (
        `Load ${vendorName} before consent only if every tag in it waits for consent (consent triggers, or Consent Mode ` +
        `with analytics_storage and ad_storage denied by default); otherwise load it after consent, mapped to the ${ANALYTICS_CATEGORY} category.`
      );
  }
}

function titleOf(vendorName: string, category: TrackerCategory, phase: ScanPhase): string {
  const what = `${vendorName} (${CATEGORY_LABEL[category]})`;
  return phase === 'after_reject'
    ? `${what} is active after the visitor rejected consent`
    : `${what} fires before the visitor consents`;
}

/**
 * Findings from detections: one per vendor and phase without consent (before any choice, after a
 * refusal), with the evidence of every page. What is seen after acceptance is not a finding.
 */
export function buildFindings(detections: readonly Detection[]): Finding[] {
  const groups = new Map<string, Detection[]>();
  for (const d of detections) {
    if (!PHASES_WITHOUT_CONSENT.includes(d.phase)) continue;
    const key = `${d.phase}:${d.vendorId}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const findings: Finding[] = [];
  for (const [id, group] of groups) {
    const first = group[0]!;
    const evidence: Evidence[] = group.flatMap((d) => d.evidence);
    findings.push({
      id,
      severity: severityOf(first.category),
      vendorId: first.vendorId,
      vendorName: first.vendorName,
      category: first.category,
      phase: first.phase,
      title: titleOf(first.vendorName, first.category, first.phase),
      pages: [...new Set(group.map((d) => d.pageUrl))],
      evidence: evidence.slice(0, MAX_EVIDENCE_PER_FINDING),
      moreEvidence: Math.max(0, evidence.length - MAX_EVIDENCE_PER_FINDING),
      rules: [RULES.ePrivacy, RULES.gdprConsent],
      fix: fixFor(first.vendorId, first.vendorName, first.category),
    });
  }
  const rank = (f: Finding) => (f.severity === 'high' ? 0 : 1) * 10 + (f.phase === 'before_consent' ? 0 : 1);
  return findings.sort((a, b) => rank(a) - rank(b) || a.vendorName.localeCompare(b.vendorName));
}

/** Exit-status rule of `--fail-on`: a finding at or above `level`. */
export function failsAt(findings: readonly Pick<Finding, 'severity'>[], level: Severity): boolean {
  return findings.some((f) => level === 'medium' || f.severity === 'high');
}
