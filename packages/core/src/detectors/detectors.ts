import type { CustomPattern } from '../policy/privacyPolicy.js';
import {
  cardGroupingValid,
  cardNumberValid,
  ibanValid,
  ipv4Valid,
  ipv6Valid,
  ssnValid,
  vinValid,
} from './validators.js';

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
  /**
   * The candidate's group 1 is context (a keyword such as "Tel.") and group 2 the PII: only
   * group 2 is masked.
   */
  prefixGroup?: true;
}

/** Character statistics of a text, computed once per text so most detectors can be skipped. */
export interface TextProfile {
  digits: number;
  /** ASCII capitals. */
  upper: number;
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

const isCollapsibleSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;

/**
 * `TextProfile` built a piece at a time: `add` continues the statistics where the last piece
 * ended, so pieces added one after another profile as their joined text would. With `asRun`,
 * pieces are read as a run of inline text reads on screen (`redactRun`: runs of white space
 * collapsed to one space, no-break spaces read as spaces), so the profile is the one of the text
 * `redactRun` would join, without joining it.
 */
export class TextProfiler implements TextProfile {
  digits = 0;
  upper = 0;
  at = 0;
  colons = 0;
  dots = 0;
  maxDigitChain = 0;
  maxAlnumToken = 0;
  maxAlnumChain = 0;
  /** Characters profiled (after collapsing, for a run). */
  length = 0;
  private chain = 0;
  private seps = 0;
  private token = 0;
  private alnumChain = 0;
  private space = false;
  /** The last character of a run was collapsible white space. */
  private lastSpace = false;

  reset(): void {
    this.digits = 0;
    this.upper = 0;
    this.at = 0;
    this.colons = 0;
    this.dots = 0;
    this.maxDigitChain = 0;
    this.maxAlnumToken = 0;
    this.maxAlnumChain = 0;
    this.length = 0;
    this.chain = 0;
    this.seps = 0;
    this.token = 0;
    this.alnumChain = 0;
    this.space = false;
    this.lastSpace = false;
  }

  /** Profiles `text` after what was added before (one pass, nothing allocated). */
  add(text: string, asRun: boolean): void {
    let { digits, upper, at, colons, dots, maxDigitChain, maxAlnumToken, maxAlnumChain, length } = this;
    let { chain, seps, token, alnumChain, space, lastSpace } = this;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (asRun) {
        if (isCollapsibleSpace(c)) {
          if (lastSpace) continue;
          c = 32;
          lastSpace = true;
        } else {
          if (c === 0xa0) c = 32;
          lastSpace = false;
        }
      }
      length++;
      const isDigit = c >= 48 && c <= 57;
      const isUpper = c >= 65 && c <= 90;
      if (isUpper) upper++;
      const isAlnum = isDigit || isUpper || (c >= 97 && c <= 122);
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
    this.digits = digits;
    this.upper = upper;
    this.at = at;
    this.colons = colons;
    this.dots = dots;
    this.maxDigitChain = maxDigitChain;
    this.maxAlnumToken = maxAlnumToken;
    this.maxAlnumChain = maxAlnumChain;
    this.length = length;
    this.chain = chain;
    this.seps = seps;
    this.token = token;
    this.alnumChain = alnumChain;
    this.space = space;
    this.lastSpace = lastSpace;
  }
}

const profiler = /* @__PURE__ */ new TextProfiler();

/** One pass over the text: the statistics the detectors' pre-checks need. */
export function profileText(text: string): TextProfile {
  profiler.reset();
  profiler.add(text, false);
  const { digits, upper, at, colons, dots, maxDigitChain, maxAlnumToken, maxAlnumChain } = profiler;
  return { digits, upper, at, colons, dots, maxDigitChain, maxAlnumToken, maxAlnumChain };
}

/**
 * False when no built-in detector's pre-check passes on `profile`: no built-in detector can
 * match the text profiled. Every built-in detector has a pre-check (`mayMatch`).
 */
export function builtinMayMatch(profile: TextProfile): boolean {
  for (let i = 0; i < BUILTIN_DETECTORS.length; i++) {
    const mayMatch = BUILTIN_DETECTORS[i]!.mayMatch;
    if (!mayMatch || mayMatch(profile)) return true;
  }
  return false;
}

const digitsOnly = (s: string): string => s.replace(/\D/g, '');

/** Up to `n` characters before the match (context for the validators; never stored). */
const before = (m: RegExpExecArray, n: number): string => m.input.slice(Math.max(0, m.index - n), m.index);
/** The character right before / after the match ('' at the edges). */
const charBefore = (m: RegExpExecArray): string => m.input.charAt(m.index - 1);
const charAfter = (m: RegExpExecArray): string => m.input.charAt(m.index + m[0].length);

/**
 * Words that name a number as something other than personal data: an order, an invoice, a
 * product. Digits right after them are not a phone number or an SSN (a card that passes its
 * issuer, length and Luhn checks still is a card: see the card detector).
 */
const NOT_PERSONAL_CONTEXT =
  /\b(?:order|invoice|tracking|shipment|parcel|ticket|sku|isbn|ean|gtin|upc|barcode|serial|article|art|item|part|model|cat|catalog(?:ue)?|product|ref|reference|transaction|txn|tx|confirmation|booking|case|build|batch|lot)[.\s-]{0,3}(?:no\.?|nr\.?|number|num|id|#|code)?[\s:#=.-]{0,3}$/i;
const notPersonal = (m: RegExpExecArray): boolean => NOT_PERSONAL_CONTEXT.test(before(m, 32));

const CARD_CONTEXT = /\b(?:card|visa|credit|debit|cc|pan|amex|mastercard|karte|carte|tarjeta)\b/i;
/** Parts of a file name or package that look like an e-mail's domain: `logo@2x.png`. */
const FILE_SUFFIX = /\.(?:png|jpe?g|gif|svg|webp|avif|ico|css|js|mjs|map|html?|json|woff2?|ttf|pdf)$/i;
/** Dotted quads that are versions or document sections, not addresses. */
const VERSION_CONTEXT =
  /(?:\b(?:version|ver\.?|v|release|rel\.?|build|firmware|fw|rev\.?|update|section|sect?\.?|chapter|ch\.?|clause|article|art\.?|oid)|§)\s{0,2}$/i;

/** Not part of a longer dotted number or word; a full stop after it is fine ("from 10.1.2.3."). */
const ipv4Edges = (m: RegExpExecArray): boolean =>
  !/[\w.]/.test(charBefore(m)) &&
  !/\w/.test(charAfter(m)) &&
  !(charAfter(m) === '.' && /\w/.test(m.input.charAt(m.index + m[0].length + 1)));

/**
 * Built-in detectors. Every quantifier is bounded and no candidate uses lookbehind (older Safari
 * cannot parse it), so matching stays linear in the input length; validation (check digits,
 * issuer ranges, numbering plans, context words) keeps false positives low.
 */
export const BUILTIN_DETECTORS: readonly Detector[] = [
  {
    label: 'email',
    mayMatch: (p) => p.at > 0,
    candidate: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g,
    // `logo@2x.png` is a file; `jane@example.org.png` still holds an address before the suffix.
    validate: (m) => !FILE_SUFFIX.test(m[0]) || /@[^@]+\.[A-Za-z]{2,24}$/.test(m[0].replace(FILE_SUFFIX, '')),
  },
  {
    label: 'iban',
    // Every IBAN's account part carries digits: two letters, check digits, at least 8 digits in all.
    mayMatch: (p) => p.maxAlnumChain >= 15 && p.upper >= 2 && p.digits >= 8,
    candidate: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g,
    validate: (m) => ibanValid(m[0].replace(/ /g, '')),
  },
  {
    label: 'card',
    mayMatch: (p) => p.maxDigitChain >= 13,
    candidate: /\b\d(?:[ -]?\d){12,18}\b/g,
    // An issuer's prefix and length, Luhn and a card's grouping make a card whatever word stands
    // before it: "Order #4111 1111 1111 1111" or "ref 5555…" still shows a card number.
    validate: (m) => {
      const d = digitsOnly(m[0]);
      if (!cardGroupingValid(m[0]) || !cardNumberValid(d)) return false;
      // 13-digit Visa numbers are rare today; without a word saying "card" it is some other number.
      return d.length !== 13 || CARD_CONTEXT.test(before(m, 32));
    },
  },
  {
    label: 'ssn',
    mayMatch: (p) => p.maxDigitChain >= 9,
    candidate: /\b(\d{3})([- ])(\d{2})\2(\d{4})\b/g,
    validate: (m) => ssnValid(m[1]!, m[3]!, m[4]!) && !notPersonal(m),
  },
  {
    // Nine digits without separators only where the text says it is a social security number.
    label: 'ssn',
    mayMatch: (p) => p.maxDigitChain >= 9,
    candidate:
      /(\b(?:ssn|social security(?: number| no\.?)?|soc\.? sec\.?(?: no\.?)?)\s{0,3}[:#=]?\s{0,3})(\d{9})\b/gi,
    prefixGroup: true,
    validate: (m) => ssnValid(m[2]!.slice(0, 3), m[2]!.slice(3, 5), m[2]!.slice(5)),
  },
  {
    label: 'vin',
    mayMatch: (p) => p.maxAlnumToken >= 17 && p.upper >= 1,
    // Uppercase only: VINs are printed in capitals, lowercase 17-character tokens are ids and hashes.
    candidate: /\b[A-HJ-NPR-Z0-9]{17}\b/g,
    validate: (m) => /[A-Z]/.test(m[0]) && /\d/.test(m[0]) && vinValid(m[0]),
  },
  {
    // International: +CC or 00CC, then groups; (0) and (area) allowed. E.164 has at most 15 digits.
    label: 'phone',
    mayMatch: (p) => p.maxDigitChain >= 8,
    candidate: /(?:\+|\b00)[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?[ .-]?\d{1,5}(?:[ .-]?\(?\d{1,5}\)?){1,5}/g,
    validate: (m) => {
      if (/\d/.test(charAfter(m)) || /[\d.,]/.test(charBefore(m))) return false;
      const d = digitsOnly(m[0]);
      const n = m[0].startsWith('+') ? d.length : d.length - 2;
      return n >= 8 && n <= 15;
    },
  },
  {
    // North America: (415) 555-0142, 415-555-0142, 415.555.0142, 415 555 0142, 1-800-555-0199.
    label: 'phone',
    mayMatch: (p) => p.maxDigitChain >= 10,
    candidate: /(?:\b1[ .-]?)?(?:\((\d{3})\) ?|\b(\d{3})([ .-]))(\d{3})[ .-]\d{4}\b/g,
    validate: (m) => {
      const area = m[1] ?? m[2]!;
      if (area[0]! < '2' || (area[1] === '1' && area[2] === '1')) return false;
      // 415-555 0142 mixes separators: a code, not a number someone wrote down.
      if (m[3] !== undefined && m[0].slice(-5, -4) !== m[3]) return false;
      if (/[\d.,/-]/.test(charBefore(m)) || /[\d-]/.test(charAfter(m))) return false;
      return !notPersonal(m);
    },
  },
  {
    // National with a trunk 0: 030 1234 5678, 020 7946 0958, 01 23 45 67 89, 06-12345678, 03-1234-5678, (030) 1234567.
    label: 'phone',
    mayMatch: (p) => p.maxDigitChain >= 9,
    candidate: /(?:\(0\d{1,4}\) ?|\b0\d{1,4}[ ./-])\d{2,8}(?:[ .-]\d{2,5}){0,3}\b/g,
    validate: (m) => {
      const d = digitsOnly(m[0]);
      if (d.length < 9 || d.length > 12) return false;
      if (/[\d.,/:-]/.test(charBefore(m)) || /[\d:/-]/.test(charAfter(m))) return false;
      // Dotted dates and times are not phone numbers: 01.02.2024, 02.03.2024 10.30.
      if (/^\d{2}\.\d{2}\.\d{2,4}\b/.test(m[0])) return false;
      return !notPersonal(m);
    },
  },
  {
    // Any format where the text says it is a phone number: "Tel. 612 34 56 78", "phone: 4155550142".
    label: 'phone',
    mayMatch: (p) => p.maxDigitChain >= 7,
    candidate:
      /(\b(?:tel|tél|phone|telephone|téléphone|telefon|telefono|teléfono|mobile|mobil|cell|fax|handy|whatsapp|call|ph)\.?\s{0,2}(?:no\.?|nr\.?|number|#)?\s{0,2}[:=]?\s{0,3})([+(]?\d[\d ()./-]{5,22}\d)/gi,
    prefixGroup: true,
    validate: (m) => {
      const d = digitsOnly(m[2]!);
      return d.length >= 7 && d.length <= 15 && !/\d/.test(charAfter(m));
    },
  },
  {
    label: 'ipv4',
    mayMatch: (p) => p.digits >= 4 && p.dots >= 3,
    candidate: /\d{1,3}(?:\.\d{1,3}){3}(?!\w|\.\w)/g,
    validate: (m) =>
      ipv4Edges(m) &&
      ipv4Valid(m[0]) &&
      // "this network", loopback and broadcast name no one: 0.0.0.0:8080, 127.0.0.1.
      !/^(?:0|127)\./.test(m[0]) &&
      m[0] !== '255.255.255.255' &&
      !VERSION_CONTEXT.test(before(m, 16)),
  },
  {
    label: 'ipv6',
    mayMatch: (p) => p.colons >= 2,
    candidate: /(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![\w:])/g,
    validate: (m) => {
      if (/[\w:]/.test(charBefore(m))) return false;
      const groups = m[0].split(':').filter((g) => g !== '');
      // `a::b` and `::1` are code and loopback, not a visitor's address.
      const hexDigits = groups.join('').replace(/\./g, '').length;
      return groups.length >= 2 && hexDigits >= 5 && ipv6Valid(m[0]);
    },
  },
];

/**
 * Compiles custom patterns as the site-config endpoint serves them: already checked for
 * linear-time matching and bounded by the server (`checkCustomPattern`, `policyForBrowser`), so
 * the browser bundle carries no checker. Anything else validates with `compileCustomPatterns`.
 * A source that does not compile throws with its label (the recorder then records nothing).
 */
export function compileServedPatterns(patterns: readonly CustomPattern[]): Detector[] {
  return patterns.map((p) => {
    try {
      return { label: p.label, candidate: new RegExp(p.pattern, `g${p.flags ?? ''}`) };
    } catch (error) {
      throw new Error(`custom pattern "${p.label}" does not compile: ${(error as Error).message}`);
    }
  });
}
