import { DEFAULT_PRIVACY_POLICY, type PresetName, type PrivacyPolicy } from './privacyPolicy.js';

/** Engineering identifiers TISAX sites treat as confidential (VINs are a built-in detector). */
const TISAX_PATTERNS = [
  { label: 'part_number', pattern: '\\b[A-Z]{1,3}\\d{3}[ .-]?\\d{3}[ .-]?\\d{2,3}(?:[ .-]?[A-Z]{1,2})?\\b' },
  { label: 'calibration_id', pattern: '\\bCAL[-_ ]?\\d{4,10}\\b', flags: 'i' },
  { label: 'traceability_number', pattern: '\\bTRC[-_ ]?[A-Z0-9]{6,20}\\b', flags: 'i' },
] as const;

/**
 * Presets a site starts from and may tighten. Each is the strict default plus what the regime
 * asks for; the dashboard shows a site's difference to its preset.
 */
export const PRIVACY_PRESETS: Readonly<Record<PresetName, Readonly<PrivacyPolicy>>> = Object.freeze({
  strict: { ...DEFAULT_PRIVACY_POLICY, preset: 'strict' },
  'gdpr-consent': {
    ...DEFAULT_PRIVACY_POLICY,
    preset: 'gdpr-consent',
    lawfulBasis: 'consent',
    honourGlobalPrivacyControl: true,
    retentionDays: 30,
  },
  ferpa: {
    ...DEFAULT_PRIVACY_POLICY,
    preset: 'ferpa',
    maskAllText: true,
    // Error messages are text of the page's own making: every one would be masked anyway.
    captureErrors: false,
    pageDenyList: ['/grades/**', '/records/**', '/transcripts/**', '/**/grades*', '/**/records*'],
    retentionDays: 30,
  },
  hipaa: {
    ...DEFAULT_PRIVACY_POLICY,
    preset: 'hipaa',
    maskAllText: true,
    captureNetworkPayloads: false,
    captureErrors: false,
    retentionDays: 14,
  },
  'pci-dss': {
    ...DEFAULT_PRIVACY_POLICY,
    preset: 'pci-dss',
    blockSelectors: [
      '[autocomplete^="cc-"]',
      'input[name*="card" i]',
      'input[name*="cvv" i]',
      'input[name*="cvc" i]',
      '[data-payment]',
      'form[action*="pay" i]',
      'iframe[src*="pay" i]',
      'iframe[name*="card" i]',
    ],
    pageDenyList: ['/checkout/payment/**', '/payment/**'],
    retentionDays: 30,
  },
  tisax: {
    ...DEFAULT_PRIVACY_POLICY,
    preset: 'tisax',
    customPatterns: TISAX_PATTERNS.map((p) => ({ ...p })),
    retentionDays: 7,
  },
});

/** The preset's policy, as a fresh object the caller may change. */
export function presetPolicy(name: PresetName): PrivacyPolicy {
  return structuredClone(PRIVACY_PRESETS[name]) as PrivacyPolicy;
}
