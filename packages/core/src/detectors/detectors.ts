import type { CustomPattern } from '../policy/privacyPolicy.js';
import { ibanValid, ipv4Valid, ipv6Valid, luhnValid, ssnValid, vinValid } from './validators.js';

/** Labels of the built-in detectors; custom patterns use their own labels. */
export type DetectorLabel = 'email' | 'card' | 'iban' | 'ssn' | 'phone' | 'vin' | 'ipv4' | 'ipv6';

/** One detector: a bounded candidate regex (linear on hostile input) and a validator. */
export interface Detector {
  label: string;
  /** Global regex with only bounded quantifiers. */
  candidate: RegExp;
  /** Decides whether a candidate is PII; defaults to yes. */
  validate?: (match: RegExpExecArray) => boolean;
}

const digitsOnly = (s: string): string => s.replace(/\D/g, '');

/**
 * Built-in detectors. Every quantifier is bounded and every candidate is anchored on word
 * boundaries, so matching stays linear in the input length; validation keeps false positives low.
 */
export const BUILTIN_DETECTORS: readonly Detector[] = [
  {
    label: 'email',
    candidate: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g,
  },
  {
    label: 'iban',
    candidate: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g,
    validate: (m) => ibanValid(m[0].replace(/ /g, '')),
  },
  {
    label: 'card',
    candidate: /\b\d(?:[ -]?\d){12,18}\b/g,
    validate: (m) => {
      const d = digitsOnly(m[0]);
      if (d.length < 13 || d.length > 19) return false;
      if (/^(\d)\1+$/.test(d)) return false;
      // Issuer prefixes in use (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro, Mir).
      if (!/^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6|35|62|50|5[6-9]|220)/.test(d)) return false;
      return luhnValid(d);
    },
  },
  {
    label: 'ssn',
    candidate: /\b(\d{3})([- ])(\d{2})\2(\d{4})\b/g,
    validate: (m) => ssnValid(m[1]!, m[3]!, m[4]!),
  },
  {
    label: 'vin',
    candidate: /\b[A-HJ-NPR-Za-hj-npr-z0-9]{17}\b/g,
    validate: (m) => /[A-Za-z]/.test(m[0]) && /\d/.test(m[0]) && vinValid(m[0]),
  },
  {
    label: 'phone',
    // International (+CC …) or national formats with separators: (555) 123-4567, 555-123-4567, 030 1234 5678.
    candidate:
      /(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{2,5}\)[ .-]?\d{3,4}[ .-]?\d{3,4}|\b0\d{2,4}[ /-]\d{3,4}[ -]?\d{2,5}\b|\b\d{3}[.-]\d{3}[.-]\d{4}\b)/g,
    validate: (m) => {
      const d = digitsOnly(m[0]);
      return d.length >= 8 && d.length <= 15;
    },
  },
  {
    label: 'ipv4',
    candidate: /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])/g,
    validate: (m) => ipv4Valid(m[0]),
  },
  {
    label: 'ipv6',
    candidate: /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![\w:])/g,
    validate: (m) => m[0].length >= 3 && /[0-9A-Fa-f]/.test(m[0]) && ipv6Valid(m[0]),
  },
];

/** Longest input scanned by a custom pattern at once, so a site's own regex cannot stall ingest. */
export const MAX_CUSTOM_PATTERN_INPUT_CHARS = 64 * 1024;

/** Turns a policy's custom patterns into detectors. Invalid sources throw with the label. */
export function compileCustomPatterns(patterns: readonly CustomPattern[]): Detector[] {
  return patterns.map((p) => {
    try {
      return { label: p.label, candidate: new RegExp(p.pattern, `g${p.flags ?? ''}`) };
    } catch (err) {
      throw new Error(`custom pattern "${p.label}" is not a valid regular expression: ${(err as Error).message}`);
    }
  });
}
