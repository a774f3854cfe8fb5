import { createHash } from 'node:crypto';
import {
  BANNER_LANGUAGES,
  bannerLanguage,
  bannerTextHash,
  bannerTextsOverrideSchema,
  CONSENT_RECEIPT_ID_PATTERN,
  canonicalBannerText,
  consentRegistrationSchema,
  DEFAULT_BANNER_TEXTS,
  DEFAULT_OPT_OUT_TEXTS,
  DEFAULT_PRIVACY_POLICY,
  optOutTextsFor,
  parsePrivacyPolicy,
  resolveBannerTexts,
  sha256Hex,
  siteBannerTextsSchema,
  tightenPolicy,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

const nodeSha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('sha256Hex', () => {
  it('matches node:crypto on the standard vectors and on multi-block, non-ASCII input', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (const s of [
      'a'.repeat(55),
      'a'.repeat(56),
      'a'.repeat(64),
      'Grüße 🍪 '.repeat(40),
      DEFAULT_BANNER_TEXTS.fr.body,
    ]) {
      expect(sha256Hex(s)).toBe(nodeSha256(s));
    }
  });
});

describe('banner texts', () => {
  it('every built-in language has every field', () => {
    const fields = Object.keys(DEFAULT_BANNER_TEXTS.en).sort();
    for (const lang of BANNER_LANGUAGES) {
      expect(Object.keys(DEFAULT_BANNER_TEXTS[lang]).sort()).toEqual(fields);
      for (const [field, text] of Object.entries(DEFAULT_BANNER_TEXTS[lang]))
        if (field !== 'privacyUrl') expect(text.length, `${lang}.${field}`).toBeGreaterThan(0);
      expect(Object.keys(DEFAULT_OPT_OUT_TEXTS[lang]).sort()).toEqual(
        Object.keys(DEFAULT_OPT_OUT_TEXTS.en).sort(),
      );
    }
    expect(DEFAULT_BANNER_TEXTS.en.reject).not.toBe('');
  });

  it('picks the language from a BCP 47 tag', () => {
    expect(bannerLanguage('de-AT')).toBe('de');
    expect(bannerLanguage('FR')).toBe('fr');
    expect(bannerLanguage('pt-BR')).toBe('en');
    expect(bannerLanguage(undefined)).toBe('en');
    expect(optOutTextsFor('de_CH').optOut).toBe(DEFAULT_OPT_OUT_TEXTS.de.optOut);
  });

  it("lays a site's overrides over Veil's texts and ignores anything else", () => {
    const texts = resolveBannerTexts('de', {
      accept: 'Einverstanden',
      reject: '',
      title: 42,
      privacyUrl: 'javascript:alert(1)',
      extra: 'x',
    });
    expect(texts.accept).toBe('Einverstanden');
    expect(texts.reject).toBe(DEFAULT_BANNER_TEXTS.de.reject);
    expect(texts.title).toBe(DEFAULT_BANNER_TEXTS.de.title);
    expect(texts.privacyUrl).toBe('');
    expect(texts).not.toHaveProperty('extra');
    expect(resolveBannerTexts('en', { privacyUrl: 'https://example.com/privacy' }).privacyUrl).toBe(
      'https://example.com/privacy',
    );
  });

  it('hashes a canonical form: the same texts give the same hash, any change another', () => {
    const a = resolveBannerTexts('en');
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(canonicalBannerText(reordered)).toBe(canonicalBannerText(a));
    expect(bannerTextHash(a)).toBe(nodeSha256(canonicalBannerText(a)));
    expect(bannerTextHash({ ...a, body: `${a.body} ` })).not.toBe(bannerTextHash(a));
    expect(bannerTextHash(resolveBannerTexts('de'))).not.toBe(bannerTextHash(a));
  });

  it('validates what the dashboard stores', () => {
    expect(siteBannerTextsSchema.safeParse({ de: { accept: 'Ja' }, it: { reject: 'No' } }).success).toBe(
      true,
    );
    expect(bannerTextsOverrideSchema.safeParse({ accept: '' }).success).toBe(false);
    expect(bannerTextsOverrideSchema.safeParse({ unknown: 'x' }).success).toBe(false);
    expect(bannerTextsOverrideSchema.safeParse({ privacyUrl: 'javascript:alert(1)' }).success).toBe(false);
    expect(bannerTextsOverrideSchema.safeParse({ privacyUrl: 'https://example.com/p' }).success).toBe(true);
    expect(siteBannerTextsSchema.safeParse({ 'de-AT': {} }).success).toBe(false);
  });
});

describe('consent registration', () => {
  const grant = {
    v: 1,
    decision: 'granted',
    receiptId: 'Xy3_abcdefghijklmnopqr',
    visitorId: 'visitor_abcdefgh',
    granted: ['analytics'],
    denied: [],
    source: 'tcf',
  };

  it('accepts grants, withdrawals and anonymous refusals', () => {
    expect(consentRegistrationSchema.parse(grant)).toEqual(grant);
    const optOut = { ...grant, decision: 'withdrawn', granted: [], denied: ['analytics'], optOut: true };
    expect(consentRegistrationSchema.parse(optOut)).toEqual(optOut);
    expect(
      consentRegistrationSchema.safeParse({
        v: 1,
        decision: 'denied',
        granted: [],
        denied: ['analytics'],
        source: 'banner',
        bannerTextHash: 'f'.repeat(64),
        language: 'de-AT',
      }).success,
    ).toBe(true);
  });

  it('refuses what would not be evidence of a decision', () => {
    const bad: unknown[] = [
      { ...grant, receiptId: undefined },
      { ...grant, granted: [] },
      { ...grant, source: 'guess' },
      { ...grant, receiptId: 'short' },
      { ...grant, bannerTextHash: 'ABC' },
      { ...grant, decision: 'withdrawn', receiptId: undefined, visitorId: undefined },
      {
        v: 1,
        decision: 'denied',
        visitorId: 'visitor_abcdefgh',
        granted: [],
        denied: ['analytics'],
        source: 'banner',
      },
      { ...grant, language: '<script>' },
      { ...grant, optOut: true },
    ];
    for (const b of bad)
      expect(consentRegistrationSchema.safeParse(b).success, JSON.stringify(b)).toBe(false);
  });

  it('receipt ids: Veil’s 22-character ids and a CMP’s own', () => {
    expect(CONSENT_RECEIPT_ID_PATTERN.test('Xy3_abcdefghijklmnopqr')).toBe(true);
    expect(CONSENT_RECEIPT_ID_PATTERN.test('cmp-receipt:42')).toBe(true);
    expect(CONSENT_RECEIPT_ID_PATTERN.test('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    expect(CONSENT_RECEIPT_ID_PATTERN.test('a b c d e f')).toBe(false);
  });
});

describe('eraseOnWithdrawal', () => {
  it('is on by default and only a server policy can turn it off', () => {
    expect(DEFAULT_PRIVACY_POLICY.eraseOnWithdrawal).toBe(true);
    expect(parsePrivacyPolicy({}).eraseOnWithdrawal).toBe(true);
    const off = parsePrivacyPolicy({ eraseOnWithdrawal: false });
    expect(tightenPolicy(off, { eraseOnWithdrawal: true }).eraseOnWithdrawal).toBe(true);
    expect(tightenPolicy(DEFAULT_PRIVACY_POLICY, { eraseOnWithdrawal: false }).eraseOnWithdrawal).toBe(true);
  });
});
