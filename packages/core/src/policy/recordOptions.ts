import { compileServedPatterns, type Detector } from '../detectors/detectors.js';
import { maskPreservingLayout, redactText } from '../detectors/redactText.js';
import {
  BLOCK_SELECTORS,
  isNeverCapturedInputType,
  MASK_TEXT_SELECTORS,
  MASKED_INPUT_VALUE,
  NEVER_CAPTURED_INPUT_TYPES,
  UNMASK_SELECTORS,
} from './captureSelectors.js';
import type { PrivacyPolicy } from './privacyPolicy.js';

/** The policy fields `recordPrivacyOptions` reads (the browser SDK holds only these, without zod). */
export type RecordOptionsPolicy = Pick<PrivacyPolicy, 'blockSelectors'>;

/** The policy fields `createMaskers` reads. */
export type MaskersPolicy = Pick<
  PrivacyPolicy,
  'customPatterns' | 'maskTextSelectors' | 'unmaskSelectors' | 'maskAllText'
>;

/** The serialisable part of rrweb `record()` options that carries Veil's privacy decisions. */
export interface RecordPrivacyOptions {
  blockSelector: string;
  /** `*`: every text node goes through `maskTextFn`, which decides (mask, PII-redact, keep). */
  maskTextSelector: string;
  maskAllInputs: true;
  maskInputOptions: Readonly<Record<string, true>>;
  recordCanvas: false;
  recordCrossOriginIframes: false;
  collectFonts: false;
  inlineImages: false;
  inlineStylesheet: true;
  slimDOMOptions: Readonly<Record<string, true>>;
  sampling: { mousemove: number; scroll: number; input: 'last' };
}

const ALL_INPUT_TYPES = [
  'color',
  'date',
  'datetime-local',
  'email',
  'month',
  'number',
  'range',
  'search',
  'tel',
  'text',
  'time',
  'url',
  'week',
  'textarea',
  'select',
  'password',
] as const;

/**
 * Policy → rrweb options. Pure and pinned by a test: every input type is masked (password is
 * merged back in explicitly, since a caller's `maskInputOptions` replaces rrweb's own), media and
 * frames are blocked, fonts and canvas are never collected.
 */
export function recordPrivacyOptions(policy: RecordOptionsPolicy): RecordPrivacyOptions {
  const maskInputOptions: Record<string, true> = {};
  for (const t of ALL_INPUT_TYPES) maskInputOptions[t] = true;
  for (const t of NEVER_CAPTURED_INPUT_TYPES) maskInputOptions[t] = true;
  return {
    blockSelector: [...BLOCK_SELECTORS, ...policy.blockSelectors].join(', '),
    maskTextSelector: '*',
    maskAllInputs: true,
    maskInputOptions,
    recordCanvas: false,
    recordCrossOriginIframes: false,
    collectFonts: false,
    inlineImages: false,
    inlineStylesheet: true,
    slimDOMOptions: {
      script: true,
      comment: true,
      headFavicon: true,
      headWhitespace: true,
      headMetaSocial: true,
      headMetaRobots: true,
      headMetaHttpEquiv: true,
      headMetaAuthorship: true,
      headMetaVerification: true,
    },
    sampling: { mousemove: 50, scroll: 150, input: 'last' },
  };
}

/** What the maskers need of a DOM element (structural, so core needs no DOM at run time). */
export interface MaskableElement {
  readonly tagName: string;
  closest(selector: string): unknown;
  getAttribute(name: string): string | null;
}

export interface Maskers {
  /** rrweb `maskInputFn`: fixed-length mask unless the input is explicitly unmasked (then PII-redacted). */
  maskInputFn(text: string, element: MaskableElement | null): string;
  /** rrweb `maskTextFn`: same-length mask in masked regions, detected PII masked everywhere else. */
  maskTextFn(text: string, element: MaskableElement | null): string;
}

const SENSITIVE_AUTOCOMPLETE = /^(?:current-password|new-password|one-time-code|cc-)/;

/** Builds rrweb's mask callbacks from a policy. Any error while deciding masks (fails closed). */
export function createMaskers(policy: MaskersPolicy): Maskers {
  const custom: Detector[] = compileServedPatterns(policy.customPatterns);
  const maskSelector = [...MASK_TEXT_SELECTORS, ...policy.maskTextSelectors].join(', ');
  const unmaskSelector = [...UNMASK_SELECTORS, ...policy.unmaskSelectors].join(', ');
  return {
    maskInputFn(text, element) {
      if (text === '') return '';
      try {
        if (!element) return MASKED_INPUT_VALUE;
        const autocomplete = (element.getAttribute('autocomplete') ?? '').toLowerCase();
        if (
          isNeverCapturedInputType(element.getAttribute('type')) ||
          SENSITIVE_AUTOCOMPLETE.test(autocomplete)
        )
          return MASKED_INPUT_VALUE;
        if (element.closest(maskSelector)) return MASKED_INPUT_VALUE;
        if (element.closest(unmaskSelector)) return redactText(text, custom).text;
        return MASKED_INPUT_VALUE;
      } catch {
        return MASKED_INPUT_VALUE;
      }
    },
    maskTextFn(text, element) {
      try {
        if (element && (element.tagName === 'STYLE' || element.tagName === 'style')) return text;
        if (policy.maskAllText) return maskPreservingLayout(text);
        if (element?.closest(maskSelector)) return maskPreservingLayout(text);
        return redactText(text, custom).text;
      } catch {
        return maskPreservingLayout(text);
      }
    },
  };
}
