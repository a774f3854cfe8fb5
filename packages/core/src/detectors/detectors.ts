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
  /** Cheap pre-check on the whole text's profile: false means the detector cannot match. */
  mayMatch?: (profile: TextProfile) => boolean;
}

/** Character statistics of a text, computed once per text so most detectors can be skipped. */
export interface TextProfile {
  digits: number;
  at: number;
  colons: number;
  dots: number;
  /** Most digits in one chain of digits joined by at most two of ` -./()+`. */
  maxDigitChain: number;
  /** Longest run of ASCII letters and digits. */
  maxAlnumToken: number;
  /** Longest run of ASCII letters and digits joined by single spaces. */
  maxAlnumChain: number;
}

/** One pass over the text: the statistics the detectors' pre-checks need. */
export function profileText(text: string): TextProfile {
  let digits = 0;
  let at = 0;
  let colons = 0;
  let dots = 0;
  let chain = 0;
  let seps = 0;
  let maxDigitChain = 0;
  let token = 0;
  let maxAlnumToken = 0;
  let alnumChain = 0;
  let space = false;
  let maxAlnumChain = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const isDigit = c >= 48 && c <= 57;
    const isAlnum = isDigit || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (isDigit) {
      digits++;
      chain++;
      seps = 0;
      if (chain > maxDigitChain) maxDigitChain = chain;
    } else if (
      chain > 0 &&
      seps < 2 &&
      (c === 32 || c === 45 || c === 46 || c === 47 || c === 40 || c === 41 || c === 43)
    ) {
      seps++;
    } else {
      chain = 0;
      seps = 0;
    }
    if (isAlnum) {
      token++;
      alnumChain++;
      space = false;
      if (token > maxAlnumToken) maxAlnumToken = token;
      if (alnumChain > maxAlnumChain) maxAlnumChain = alnumChain;
    } else {
      token = 0;
      if (c === 32 && !space && alnumChain > 0) space = true;
      else {
        alnumChain = 0;
        space = false;
      }
    }
    if (c === 64) at++;
    else if (c === 58) colons++;
    else if (c === 46) dots++;
  }
  return { digits, at, colons, dots, maxDigitChain, maxAlnumToken, maxAlnumChain };
}

const digitsOnly = (s: string): string => s.replace(/\D/g, '');

/**
 * Built-in detectors. Every quantifier is bounded and every candidate is anchored on word
 * boundaries, so matching stays linear in the input length; validation keeps false positives low.
 */
export const BUILTIN_DETECTORS: readonly Detector[] = [
  {
    label: 'email',
    mayMatch: (p) => p.at > 0,
    candidate: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g,
  },
  {
    label: 'iban',
    mayMatch: (p) => p.maxAlnumChain >= 15,
    candidate: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g,
    validate: (m) => ibanValid(m[0].replace(/ /g, '')),
  },
  {
    label: 'card',
    mayMatch: (p) => p.maxDigitChain >= 13,
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
    mayMatch: (p) => p.maxDigitChain >= 9,
    candidate: /\b(\d{3})([- ])(\d{2})\2(\d{4})\b/g,
    validate: (m) => ssnValid(m[1]!, m[3]!, m[4]!),
  },
  {
    label: 'vin',
    mayMatch: (p) => p.maxAlnumToken >= 17,
    candidate: /\b[A-HJ-NPR-Za-hj-npr-z0-9]{17}\b/g,
    validate: (m) => /[A-Za-z]/.test(m[0]) && /\d/.test(m[0]) && vinValid(m[0]),
  },
  {
    label: 'phone',
    mayMatch: (p) => p.maxDigitChain >= 8,
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
    mayMatch: (p) => p.digits >= 4 && p.dots >= 3,
    candidate: /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])/g,
    validate: (m) => ipv4Valid(m[0]),
  },
  {
    label: 'ipv6',
    mayMatch: (p) => p.colons >= 2,
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
      throw new Error(
        `custom pattern "${p.label}" is not a valid regular expression: ${(err as Error).message}`,
      );
    }
  });
}
