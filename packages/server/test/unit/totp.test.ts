import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  generateTotpSecret,
  hotp,
  otpauthUri,
  totp,
  totpStep,
  verifyTotp,
} from '../../src/auth/totp.js';

const ascii = (s: string) => Buffer.from(s, 'ascii');

describe('HOTP (RFC 4226 appendix D)', () => {
  it('matches the test vectors', () => {
    const secret = ascii('12345678901234567890');
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    expect(expected.map((_, i) => hotp(secret, i))).toEqual(expected);
  });
});

describe('TOTP (RFC 6238 appendix B)', () => {
  const seeds = {
    sha1: ascii('12345678901234567890'),
    sha256: ascii('12345678901234567890123456789012'),
    sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
  } as const;
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it.each(vectors)('at %i s', (seconds, sha1, sha256, sha512) => {
    const at = seconds * 1000;
    expect(totp(seeds.sha1, at, { digits: 8 })).toBe(sha1);
    expect(totp(seeds.sha256, at, { digits: 8, algorithm: 'sha256' })).toBe(sha256);
    expect(totp(seeds.sha512, at, { digits: 8, algorithm: 'sha512' })).toBe(sha512);
  });
});

describe('verifyTotp', () => {
  const secret = generateTotpSecret();
  const now = Date.UTC(2025, 0, 1, 12, 0, 10);

  it('accepts the current code and one step either side', () => {
    expect(verifyTotp(secret, totp(secret, now), now)).toBe(totpStep(now));
    expect(verifyTotp(secret, totp(secret, now - 30_000), now)).toBe(totpStep(now) - 1);
    expect(verifyTotp(secret, totp(secret, now + 30_000), now)).toBe(totpStep(now) + 1);
    expect(
      verifyTotp(secret, ` ${totp(secret, now).slice(0, 3)} ${totp(secret, now).slice(3)} `, now),
    ).toBeDefined();
  });

  it('refuses codes two steps away, wrong codes and junk', () => {
    expect(verifyTotp(secret, totp(secret, now - 60_000), now)).toBeUndefined();
    expect(verifyTotp(secret, totp(secret, now + 60_000), now)).toBeUndefined();
    const wrong = ((Number(totp(secret, now)) + 1) % 1_000_000).toString().padStart(6, '0');
    expect(verifyTotp(secret, wrong, now)).toBeUndefined();
    for (const junk of ['', '12345', '1234567', 'abcdef', '12345a'])
      expect(verifyTotp(secret, junk, now)).toBeUndefined();
  });

  it('refuses a code whose step was already used (replay)', () => {
    const step = verifyTotp(secret, totp(secret, now), now)!;
    expect(verifyTotp(secret, totp(secret, now), now, step)).toBeUndefined();
    expect(verifyTotp(secret, totp(secret, now - 30_000), now, step)).toBeUndefined();
    expect(verifyTotp(secret, totp(secret, now + 30_000), now, step)).toBe(step + 1);
  });
});

describe('base32 and otpauth URIs', () => {
  it('round-trips and matches RFC 4648 vectors', () => {
    expect(base32Encode(ascii('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Encode(ascii('fooba'))).toBe('MZXW6YTB');
    expect(base32Encode(ascii('f'))).toBe('MY');
    expect(base32Decode('mzxw6ytboi======').toString('ascii')).toBe('foobar');
    const secret = generateTotpSecret();
    expect(base32Decode(base32Encode(secret))).toEqual(secret);
    expect(() => base32Decode('MZ1')).toThrow();
  });

  it('builds the URI authenticator apps import', () => {
    const uri = otpauthUri(ascii('12345678901234567890'), 'ada@example.test');
    expect(uri).toBe(
      'otpauth://totp/Veil:ada%40example.test?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Veil&algorithm=SHA1&digits=6&period=30',
    );
  });
});
