import { ibanValid, ipv4Valid, ipv6Valid, luhnValid, redactText, ssnValid, vinValid } from '@veil/core';
import { describe, expect, it } from 'vitest';

describe('validators', () => {
  it('Luhn accepts test card numbers and rejects a one-digit change', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
  it('IBAN needs the country length and mod 97', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(ibanValid('DE8937040044053201300')).toBe(false);
  });
  it('VIN check digit', () => {
    expect(vinValid('1M8GDM9AXKP042788')).toBe(true);
    expect(vinValid('1M8GDM9A1KP042788')).toBe(false);
    expect(vinValid('1M8GDM9AXKP04278O')).toBe(false);
  });
  it('SSN excludes never-issued ranges', () => {
    expect(ssnValid('123', '45', '6789')).toBe(true);
    expect(ssnValid('000', '45', '6789')).toBe(false);
    expect(ssnValid('666', '45', '6789')).toBe(false);
    expect(ssnValid('912', '45', '6789')).toBe(false);
    expect(ssnValid('123', '00', '6789')).toBe(false);
  });
  it('IP addresses', () => {
    expect(ipv4Valid('203.0.113.7')).toBe(true);
    expect(ipv4Valid('256.1.1.1')).toBe(false);
    expect(ipv6Valid('2001:db8::1')).toBe(true);
    expect(ipv6Valid('::ffff:192.0.2.1')).toBe(true);
    expect(ipv6Valid('2001:db8::1::2')).toBe(false);
  });
});

describe('redactText', () => {
  const planted: Array<[string, string]> = [
    ['email', 'write to jane.doe+intake@example.org today'],
    ['card', 'card 4111 1111 1111 1111 exp'],
    ['card', 'card 4111-1111-1111-1111'],
    ['iban', 'IBAN DE89 3704 0044 0532 0130 00.'],
    ['ssn', 'SSN 123-45-6789'],
    ['vin', 'vehicle 1M8GDM9AXKP042788'],
    ['phone', 'call +49 30 1234 5678 now'],
    ['phone', 'call (555) 123-4567'],
    ['ipv4', 'from 203.0.113.7'],
    ['ipv6', 'from 2001:db8::ff00:42:8329'],
  ];
  it.each(planted)('masks %s and keeps the length', (label, text) => {
    const result = redactText(text);
    expect(result.findings.map((f) => f.label)).toContain(label);
    expect(result.text).toHaveLength(text.length);
    expect(result.text).toMatch(/\*{3,}/);
  });

  it('never reports the value itself', () => {
    const result = redactText('mail jane@example.org');
    expect(JSON.stringify(result.findings)).not.toContain('jane');
    expect(result.text).toBe('mail ****************');
  });

  const benign = [
    'Order #100234 shipped on 2026-11-22 at 10:15',
    'Total: $1,234.56 incl. VAT',
    'Version 2.14.3 released',
    'Tracking 1Z999AA10123456784',
    'Product code 4000-1234',
    'Timestamp 1700000000000',
    'Invoice 4111111111111112',
  ];
  it.each(benign)('leaves "%s" alone', (text) => {
    expect(redactText(text).text).toBe(text);
  });

  it('uses custom patterns', () => {
    const result = redactText('student S-2024-00017 enrolled', [
      { label: 'student_id', candidate: /S-\d{4}-\d{5}/g },
    ]);
    expect(result.text).toBe('student ************ enrolled');
    expect(result.findings[0]?.label).toBe('student_id');
  });

  it('stays fast on adversarial input', () => {
    const hostile = `${'a'.repeat(50_000)}@${'b.'.repeat(20_000)}${'1 '.repeat(30_000)}`;
    const started = performance.now();
    redactText(hostile);
    // Generous bound: catastrophic backtracking would take minutes, not seconds.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
