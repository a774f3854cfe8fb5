/** Check-digit validators used by the detectors: they keep false positives low. */
import { vinHasKnownNonCheckDigitMaker } from './vinManufacturers.js';

/** Luhn (mod 10) over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Card issuers in use (ISO/IEC 7812 issuer identification numbers) and the lengths they issue.
 * A digit run that no issuer hands out is not a card, however its Luhn sum comes out.
 */
const CARD_ISSUERS: ReadonlyArray<readonly [RegExp, readonly number[]]> = [
  [/^4/, [13, 16, 19]], // Visa
  [/^(?:5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720))/, [16]], // Mastercard
  [/^3[47]/, [15]], // American Express
  [/^3(?:0[0-5]|095|[689])/, [14, 15, 16, 17, 18, 19]], // Diners Club
  [/^6(?:011|4[4-9]|5|22)/, [16, 17, 18, 19]], // Discover
  [/^35(?:2[89]|[3-8])/, [16, 17, 18, 19]], // JCB
  [/^62/, [16, 17, 18, 19]], // UnionPay
  [/^(?:5018|5020|5038|5893|6304|6759|676[1-3])/, [13, 14, 15, 16, 17, 18, 19]], // Maestro
  [/^220[0-4]/, [16, 17, 18, 19]], // Mir
];

/** A payment card number (digits only): an issuer's prefix and length, not one repeated digit, Luhn. */
export function cardNumberValid(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  const issued = CARD_ISSUERS.some(
    ([prefix, lengths]) => prefix.test(digits) && lengths.includes(digits.length),
  );
  return issued && luhnValid(digits);
}

/**
 * Card numbers are written contiguous or in the issuers' groupings: fours (the last group may be
 * shorter) or 4-6-5 / 4-6-4. One kind of separator throughout. `3-7-7` is an order number.
 */
export function cardGroupingValid(text: string): boolean {
  const separator = text.includes(' ') ? ' ' : text.includes('-') ? '-' : '';
  if (separator === '') return true;
  if (separator === ' ' && text.includes('-')) return false;
  const groups = text.split(separator).map((g) => g.length);
  if (groups.length === 3 && groups[0] === 4 && groups[1] === 6 && (groups[2] === 5 || groups[2] === 4)) {
    return true;
  }
  const last = groups[groups.length - 1]!;
  return last >= 1 && last <= 4 && groups.slice(0, -1).every((g) => g === 4);
}

/**
 * North American Numbering Plan: area code and exchange start with 2-9 and are not `N11`
 * service codes (411, 911).
 */
export function nanpValid(area: string, exchange: string): boolean {
  if (area.length !== 3 || exchange.length !== 3) return false;
  if (area[0]! < '2' || exchange[0]! < '2') return false;
  if (area[1] === '1' && area[2] === '1') return false;
  return !(exchange[1] === '1' && exchange[2] === '1');
}

/** IBAN lengths by country (ISO 13616 registry, the common ones). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** IBAN: known country, its length, and ISO 7064 mod 97-10 equal to 1. */
export function ibanValid(compact: string): boolean {
  const iban = compact.toUpperCase();
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected === undefined || iban.length !== expected) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    if (code >= 48 && code <= 57) {
      remainder = (remainder * 10 + (code - 48)) % 97;
    } else if (code >= 65 && code <= 90) {
      remainder = (remainder * 100 + (code - 55)) % 97;
    } else {
      return false;
    }
  }
  return remainder === 1;
}

const VIN_TRANSLITERATION: Readonly<Record<string, number>> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/**
 * The ISO 3779 check digit (`0`-`9` or `X`) of a 17-character VIN in upper case, computed over
 * every position (position 9 weighs 0), or `null` when a character is not allowed in a VIN.
 */
export function vinCheckDigit(vin: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const ch = vin[i];
    if (ch === undefined) return null;
    const value = ch >= '0' && ch <= '9' ? ch.charCodeAt(0) - 48 : VIN_TRANSLITERATION[ch];
    if (value === undefined) return null;
    sum += value * VIN_WEIGHTS[i]!;
  }
  const check = sum % 11;
  return check === 10 ? 'X' : String(check);
}

/**
 * VIN (ISO 3779 / FMVSS 115): 17 characters without I, O, Q, and either
 * - a valid check digit in position 9 and a model-year code in position 10 (never U, Z or 0), as
 *   every North American and Chinese VIN carries; or
 * - without a check digit (ISO 3779 makes it optional): a European or Asian maker's
 *   manufacturer code (`vinHasKnownNonCheckDigitMaker`) and a numeric serial in positions 14-17,
 *   as ISO 3779 requires of makers of 500 or more vehicles a year.
 */
export function vinValid(vin: string): boolean {
  const v = vin.toUpperCase();
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(v)) return false;
  if (v[8] === vinCheckDigit(v) && v[9] !== 'U' && v[9] !== 'Z' && v[9] !== '0') return true;
  return vinHasKnownNonCheckDigitMaker(v) && /^\d{4}$/.test(v.slice(13));
}

/** US SSN ranges that are never issued: area 000, 666, 900-999; group 00; serial 0000. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (group === '00' || serial === '0000') return false;
  // Well-known advertising numbers.
  if (`${area}${group}${serial}` === '078051120' || `${area}${group}${serial}` === '219099999') return false;
  return true;
}

/** Dotted-quad IPv4 with each octet 0-255 and no leading zeros. */
export function ipv4Valid(text: string): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** IPv6 in full, compressed (`::`) or IPv4-suffixed form. */
export function ipv6Valid(text: string): boolean {
  if (text.length < 2 || text.length > 45) return false;
  let head = text;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!ipv4Valid(tail)) return false;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const doubleColon = head.indexOf('::');
  if (doubleColon !== head.lastIndexOf('::')) return false;
  const groupOk = (g: string): boolean => /^[0-9A-Fa-f]{1,4}$/.test(g);
  if (doubleColon === -1) {
    const groups = head.split(':');
    return groups.length === 8 && groups.every(groupOk);
  }
  const left = head.slice(0, doubleColon);
  const right = head.slice(doubleColon + 2);
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === '' ? [] : right.split(':');
  return leftGroups.length + rightGroups.length <= 7 && [...leftGroups, ...rightGroups].every(groupOk);
}
