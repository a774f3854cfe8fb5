import {
  cardGroupingValid,
  cardNumberValid,
  nanpValid,
  redactText,
  vinCheckDigit,
  vinHasKnownNonCheckDigitMaker,
  vinValid,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

const labels = (text: string): string[] => [...new Set(redactText(text).findings.map((f) => f.label))];

describe('phone numbers', () => {
  it.each([
    ['international', '+49 30 90182034'],
    ['international with (0)', '+44 (0)20 7946 0958'],
    ['international, 00 prefix', '0049 30 12345678'],
    ['French pairs', '+33 6 12 34 56 78'],
    ['Japanese', '+81 3-1234-5678'],
    ['US, parentheses', '(415) 555-0199'],
    ['US, dashes', '415-555-0199'],
    ['US, dots', '415.555.0199'],
    ['US, spaces', '415 555 0199'],
    ['US, with 1', '1-800-555-0199'],
    ['German', '030 1234 5678'],
    ['German, slash', '030/1234567'],
    ['German mobile', '0171 2345678'],
    ['UK', '020 7946 0958'],
    ['UK mobile', '07700 900123'],
    ['French', '01 23 45 67 89'],
    ['Dutch', '06-12345678'],
    ['Japanese national', '03-1234-5678'],
    ['Australian', '(02) 9876 5432'],
    ['Spanish with keyword', 'Tel. 612 34 56 78'],
    ['bare digits with keyword', 'phone: 4155550142'],
  ])('%s: %s', (_, number) => {
    expect(labels(`Reach us at ${number} today`)).toContain('phone');
    const masked = redactText(`Reach us at ${number} today`).text;
    expect(masked).toHaveLength(`Reach us at ${number} today`.length);
    expect(masked).not.toMatch(/\d/);
  });

  it.each([
    'Model 123-456-7890',
    'Part no. 300-200-1000',
    'SKU 030-1234-567',
    'Date 01.02.2024',
    'Order no. 302-1234567-1234567',
    'ABC-555-123-4567',
    '2026-11-22 10:15:30',
    'Weight 1 234 567 g',
  ])('not a phone: %s', (text) => {
    expect(labels(text)).not.toContain('phone');
  });

  it('NANP area codes and exchanges start with 2-9 and are not N11', () => {
    expect(nanpValid('415', '555')).toBe(true);
    expect(nanpValid('123', '555')).toBe(false);
    expect(nanpValid('411', '555')).toBe(false);
    expect(nanpValid('415', '911')).toBe(false);
  });
});

describe('payment cards', () => {
  it('need an issuer range and its length, and the Luhn sum', () => {
    expect(cardNumberValid('4111111111111111')).toBe(true);
    expect(cardNumberValid('378282246310005')).toBe(true);
    expect(cardNumberValid('3782822463100050')).toBe(false); // Amex is 15 digits
    expect(cardNumberValid('9111111111111111')).toBe(false); // no issuer starts with 9
    expect(cardNumberValid('4444444444444448')).toBe(true);
    expect(cardNumberValid('0000000000000000')).toBe(false);
  });
  it('are written contiguous or in the issuers’ groupings', () => {
    expect(cardGroupingValid('4111 1111 1111 1111')).toBe(true);
    expect(cardGroupingValid('3782 822463 10005')).toBe(true);
    expect(cardGroupingValid('4111-1111-1111-1111')).toBe(true);
    expect(cardGroupingValid('411 1111 1111 11111')).toBe(false);
    expect(cardGroupingValid('4111 1111-1111 1111')).toBe(false);
  });
  it('are cards whatever context word stands before them, when issuer, length and Luhn hold', () => {
    expect(labels('card 4111 1111 1111 1111')).toEqual(['card']);
    expect(labels('Order #4111111111111111')).toEqual(['card']);
    expect(labels('Invoice no. 4111 1111 1111 1111')).toEqual(['card']);
    expect(labels('ref 5555-5555-5555-4444')).toEqual(['card']);
    expect(labels('Order ref: 378282246310005 paid')).toEqual(['card']);
    expect(redactText('Order #4111111111111111').text).toBe('Order #****************');
  });
  it('are not order, invoice or tracking numbers that fail a card check', () => {
    expect(labels('Order #4111111111111112')).toEqual([]); // Luhn fails
    expect(labels('Invoice no. 9111 1111 1111 1111')).toEqual([]); // no issuer starts with 9
    expect(labels('Order no. 411 1111 1111 11111')).toEqual([]); // not a card's grouping
    expect(labels('Timestamp 1700000000000')).toEqual([]);
    expect(labels('4222222222222')).toEqual([]); // 13-digit Visa only where the text says card
    expect(labels('Visa card 4222222222222')).toEqual(['card']);
  });
});

describe('other detectors', () => {
  it('VINs are capitals with a valid model-year position', () => {
    expect(vinValid('1M8GDM9AXKP042788')).toBe(true);
    expect(labels('vin 1m8gdm9axkp042788')).toEqual([]);
    expect(vinValid('1M8GDM9AXUP042788')).toBe(false);
  });
  it('European and Asian VINs without a check digit: by manufacturer code and numeric serial', () => {
    // None of these has a valid check digit in position 9 (vinCheckDigit differs).
    for (const vin of [
      'WVWZZZ1JZXW000001', // Volkswagen
      'WBA3A5C51CF256985', // BMW
      'VF1RFB00X56789012', // Renault
      'ZFA31200000123456', // Fiat
      'TMBJF73T0B9012345', // Škoda
      'YV1MS382062123456', // Volvo
      'SAJAA06E2HH123456', // Jaguar
      'JTDKB20U793512345', // Toyota
      'KMHDU41BP8U123456', // Hyundai
    ]) {
      expect(vinCheckDigit(vin), vin).not.toBe(vin[8]);
      expect(vinValid(vin), vin).toBe(true);
      expect(labels(`Fahrgestellnummer ${vin}`), vin).toEqual(['vin']);
    }
    // The check digit is used where one is required: North America (1-5) and China (L).
    expect(vinValid('1M8GDM9A1KP042788')).toBe(false);
    expect(vinValid('LSVAU2180N2123456')).toBe(false);
    expect(vinValid('LSVAU2187N2123456')).toBe(true);
    // A known maker code alone is not enough: positions 14-17 are the serial, numeric.
    expect(vinValid('WBA3A5C50CF25698A')).toBe(false);
    // An unknown maker code without the check digit is some other code.
    expect(vinValid('QRSZZZ1JZXW000001')).toBe(false);
    expect(vinHasKnownNonCheckDigitMaker('WBA3A5C50CF256985')).toBe(true);
    expect(vinHasKnownNonCheckDigitMaker('1M8GDM9AXKP042788')).toBe(false);
  });
  it('SSNs without separators need the word', () => {
    expect(labels('SSN: 123456789')).toEqual(['ssn']);
    expect(labels('Item 123456789')).toEqual([]);
  });
  it('IPv4: not versions, sections, loopback or this-network', () => {
    expect(labels('from 203.0.113.7.')).toEqual(['ipv4']);
    expect(labels('Version 4.2.1.0')).toEqual([]);
    expect(labels('see section 1.2.3.4')).toEqual([]);
    expect(labels('listening on 0.0.0.0:8080 and 127.0.0.1')).toEqual([]);
    expect(labels('OID 1.3.6.1.4.1')).toEqual([]);
  });
  it('IPv6: not code or loopback', () => {
    expect(labels('from 2001:db8::1')).toEqual(['ipv6']);
    expect(labels('std::vector and a::b and ::1')).toEqual([]);
    expect(labels('at 10:15:30')).toEqual([]);
  });
  it('e-mail: not image names', () => {
    expect(labels('logo@2x.png')).toEqual([]);
    expect(labels('write to jane@example.org')).toEqual(['email']);
  });
  it('keyword detectors mask only the number, not the word', () => {
    expect(redactText('Tel. 612 34 56 78').text).toBe('Tel. *** ** ** **');
    expect(redactText('SSN: 123456789').text).toBe('SSN: *********');
  });
});
