import { describe, expect, it } from 'vitest';
import { loadSignatures, parseSignatures, SignatureFileError } from '../../src/signatures/loadSignatures.js';
import {
  hostMatches,
  nameMatches,
  pathMatches,
  urlMatchesHostPattern,
} from '../../src/signatures/patterns.js';

const REQUIRED = [
  'hotjar',
  'microsoft-clarity',
  'fullstory',
  'logrocket',
  'mouseflow',
  'smartlook',
  'inspectlet',
  'crazy-egg',
  'lucky-orange',
  'contentsquare',
  'quantum-metric',
  'glassbox',
  'yandex-metrica-webvisor',
  'posthog',
  'sentry-replay',
  'openreplay',
  'highlight',
  'heap',
  'veil',
];

describe('the bundled signature file', () => {
  const file = loadSignatures();

  it('is versioned and covers every recorder the issue names as a session recorder', () => {
    expect(file.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const id of REQUIRED) {
      expect(file.vendors.find((v) => v.id === id)?.category, id).toBe('session_recording');
    }
  });

  it('covers common analytics and advertising tags', () => {
    const ids = file.vendors.map((v) => v.id);
    for (const id of [
      'google-analytics',
      'google-tag-manager',
      'meta-pixel',
      'linkedin-insight',
      'tiktok-pixel',
      'matomo',
    ])
      expect(ids).toContain(id);
  });

  it("does not treat Veil's loader as recording, but its recorder, ingest and receipts are", () => {
    const veil = file.vendors.find((v) => v.id === 'veil')!;
    const matches = (path: string) => veil.paths.some((p) => pathMatches(path, p));
    expect(matches('/r/v1/loader.js')).toBe(false);
    expect(matches('/r/v1/banner.js')).toBe(false);
    expect(matches('/r/v1/recorder.js')).toBe(true);
    expect(matches('/veil/r/v1/recorder.js')).toBe(true);
    expect(matches('/ingest/v1/batch')).toBe(true);
    expect(matches('/r/v1/sites/site_abc12345/consent')).toBe(true);
    expect(veil.storage).not.toContain('veil:optout');
    expect(veil.storage).not.toContain('veil:choice');
  });
});

describe('signature file validation', () => {
  const vendor = { id: 'x', name: 'X', category: 'analytics', hosts: ['x.example.com'] };

  it('accepts a minimal file and fills the defaults', () => {
    const file = parseSignatures(
      JSON.stringify({ version: '1.0.0', updated: '2025-01-01', vendors: [vendor] }),
    );
    expect(file.vendors[0]).toMatchObject({
      paths: [],
      globals: [],
      cookies: [],
      storage: [],
      indexedDb: [],
    });
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['no version', JSON.stringify({ updated: '2025-01-01', vendors: [vendor] }), /version/],
    [
      'a duplicate id',
      JSON.stringify({ version: '1.0.0', updated: '2025-01-01', vendors: [vendor, vendor] }),
      /duplicate id x/,
    ],
    [
      'a vendor that matches nothing',
      JSON.stringify({ version: '1.0.0', updated: '2025-01-01', vendors: [{ ...vendor, hosts: [] }] }),
      /x matches nothing/,
    ],
    [
      'a host that is a URL',
      JSON.stringify({
        version: '1.0.0',
        updated: '2025-01-01',
        vendors: [{ ...vendor, hosts: ['https://x.com'] }],
      }),
      /host/,
    ],
    [
      'an unknown category',
      JSON.stringify({ version: '1.0.0', updated: '2025-01-01', vendors: [{ ...vendor, category: 'fun' }] }),
      /category/,
    ],
  ])('rejects %s', (_what, text, message) => {
    expect(() => parseSignatures(text)).toThrow(SignatureFileError);
    expect(() => parseSignatures(text)).toThrow(message);
  });
});

describe('patterns', () => {
  it('matches a host exactly, or a domain with its subdomains', () => {
    expect(hostMatches('static.hotjar.com', '*.hotjar.com')).toBe(true);
    expect(hostMatches('hotjar.com', '*.hotjar.com')).toBe(true);
    expect(hostMatches('nothotjar.com', '*.hotjar.com')).toBe(false);
    expect(hostMatches('hotjar.com.evil.example', '*.hotjar.com')).toBe(false);
    expect(hostMatches('CONNECT.facebook.net', 'connect.facebook.net')).toBe(true);
  });

  it('matches host/path patterns on both parts', () => {
    const gtag = 'www.googletagmanager.com/gtag/js';
    expect(urlMatchesHostPattern(new URL('https://www.googletagmanager.com/gtag/js?id=G-1'), gtag)).toBe(
      true,
    );
    expect(urlMatchesHostPattern(new URL('https://www.googletagmanager.com/gtm.js?id=GTM-1'), gtag)).toBe(
      false,
    );
    const replay = 'browser.sentry-cdn.com/*/bundle.*replay*.js';
    expect(
      urlMatchesHostPattern(
        new URL('https://browser.sentry-cdn.com/8.30.0/bundle.tracing.replay.min.js'),
        replay,
      ),
    ).toBe(true);
    expect(
      urlMatchesHostPattern(new URL('https://browser.sentry-cdn.com/8.30.0/bundle.tracing.min.js'), replay),
    ).toBe(false);
  });

  it('matches a leading /**/ at any depth, and nothing else', () => {
    expect(pathMatches('/matomo.js', '/**/matomo.js')).toBe(true);
    expect(pathMatches('/stats/a/matomo.js', '/**/matomo.js')).toBe(true);
    expect(pathMatches('/stats/notmatomo.js', '/**/matomo.js')).toBe(false);
    expect(pathMatches('/r/v1/sites/k/consent', '/r/v1/sites/*/consent')).toBe(true);
    expect(pathMatches('/r/v1/sites/k/config', '/r/v1/sites/*/consent')).toBe(false);
  });

  it('matches names with * as any text, literally otherwise', () => {
    expect(nameMatches('_hjSessionUser_3172631', '_hjSessionUser_*')).toBe(true);
    expect(nameMatches('_ce.s', '_ce.s')).toBe(true);
    expect(nameMatches('_cexs', '_ce.s')).toBe(false);
    expect(nameMatches('_cexs', '_ce.*')).toBe(false);
    expect(nameMatches('ph_phc_1_posthog', 'ph_*_posthog')).toBe(true);
  });
});
