import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import { describe, expect, it, vi } from 'vitest';
import { createLoader, type LoaderEnv } from '../../src/loader/createLoader.js';
import type { LoaderBootContext, RecorderHandle } from '../../src/shared/bootContract.js';
import { MemoryStorage, settle } from './support/fakes.js';

// The loader's side of consent receipts: what it hands the recorder with a grant, what it sends
// on a withdrawal, an opt-out or a banner refusal, and when it loads the banner and CMP chunks.

const SITE = 'site_unit_01';
const CONSENT_URL = `https://veil.test/r/v1/sites/${SITE}/consent`;
const HASH = 'a'.repeat(64);

function setup(options: { signal?: boolean; consentSources?: string[]; local?: MemoryStorage } = {}) {
  const local = options.local ?? new MemoryStorage();
  const session = new MemoryStorage();
  const handle = { run: vi.fn<RecorderHandle['run']>(), stop: vi.fn<RecorderHandle['stop']>() };
  const start = vi.fn((_ctx: LoaderBootContext): RecorderHandle => handle);
  const env: LoaderEnv = {
    info: {
      siteKey: SITE,
      configUrl: `https://veil.test/r/v1/sites/${SITE}/config`,
      ingestUrl: 'https://veil.test/ingest/v1/batch',
      consentUrl: CONSENT_URL,
      consentSources: options.consentSources ?? [],
      legitimateInterestHint: false,
      gpcMayBeIgnored: false,
    },
    local,
    session,
    privacySignal: () => options.signal ?? false,
    path: () => '/',
    now: () => Date.UTC(2026, 0, 5, 9),
    newId: () => 'generated_id_0000000000',
    fetchJson: async () => ({
      siteKey: SITE,
      lawfulBasis: 'consent',
      samplingPercent: 100,
      policy: { ...DEFAULT_PRIVACY_POLICY, samplingPercent: 100 },
    }),
    loadRecorder: async () => start,
    send: vi.fn<LoaderEnv['send']>(),
    showBanner: vi.fn<LoaderEnv['showBanner']>(),
    loadCmp: vi.fn<LoaderEnv['loadCmp']>(),
    onError: vi.fn(),
  };
  return { loader: createLoader(env), env, local, session, start, handle };
}

describe('consent grants', () => {
  it('hands the recorder the receipt id, how consent was given and where to register it', async () => {
    const t = setup();
    t.loader.command([
      'consent',
      { analytics: true, source: 'banner', bannerTextHash: HASH, language: 'de' },
    ]);
    await settle();
    const ctx = t.start.mock.calls[0]![0];
    expect(ctx.consentReceiptId).toBe('generated_id_0000000000');
    expect(ctx.consent).toEqual({ source: 'banner', bannerTextHash: HASH, language: 'de' });
    expect(ctx.consentUrl).toBe(CONSENT_URL);
    // The receipt belongs to the visitor's decision, not to one tab: kept in localStorage.
    expect(t.local.getItem('veil:receipt')).toBe('generated_id_0000000000');
    expect(t.env.send).not.toHaveBeenCalled();
  });

  it('takes an unknown source as the page API', async () => {
    const t = setup();
    t.loader.command(['consent', { analytics: true, source: 'somewhere' }]);
    await settle();
    expect(t.start.mock.calls[0]![0].consent?.source).toBe('api');
  });

  it('keeps the receipt of the first grant when a CMP repeats itself', async () => {
    const t = setup();
    t.loader.command(['consent', { analytics: true, source: 'tcf' }]);
    t.loader.command(['consent', { analytics: true, source: 'gcm' }]);
    await settle();
    expect(t.start).toHaveBeenCalledTimes(1);
    expect(t.start.mock.calls[0]![0].consent?.source).toBe('tcf');
  });
});

describe('withdrawal', () => {
  it('registers a withdrawal receipt naming the grant and the visitor, then clears storage', async () => {
    const t = setup();
    t.loader.command(['consent', { analytics: true, source: 'tcf' }]);
    await settle();
    t.local.setItem('veil:visitor', 'visitor_abcdefgh');
    t.local.setItem('veil:receipt-ok', 'generated_id_0000000000');
    t.loader.command(['consent', { analytics: false, source: 'tcf' }]);
    expect(t.handle.stop).toHaveBeenCalled();
    expect(t.env.send).toHaveBeenCalledExactlyOnceWith(CONSENT_URL, {
      v: 1,
      decision: 'withdrawn',
      receiptId: 'generated_id_0000000000',
      visitorId: 'visitor_abcdefgh',
      granted: [],
      denied: ['analytics'],
      optOut: undefined,
      source: 'tcf',
    });
    expect(t.local.map.size + t.session.map.size).toBe(0);
  });

  it('sends nothing for a refusal when nothing was ever recorded (no request before consent)', () => {
    const t = setup();
    t.loader.command(['consent', { analytics: false, source: 'gcm' }]);
    t.loader.command(['consent', { analytics: false }]);
    expect(t.env.send).not.toHaveBeenCalled();
    expect(t.local.writes + t.session.writes).toBe(0);
  });

  it('counts a refusal in the built-in banner without any identifier', () => {
    const t = setup();
    t.loader.command([
      'consent',
      { analytics: false, source: 'banner', bannerTextHash: HASH, language: 'fr' },
    ]);
    const [url, body] = vi.mocked(t.env.send).mock.calls[0]!;
    expect(url).toBe(CONSENT_URL);
    expect(body).toEqual({
      v: 1,
      decision: 'denied',
      granted: [],
      denied: ['analytics'],
      source: 'banner',
      bannerTextHash: HASH,
      language: 'fr',
    });
    expect(JSON.stringify(body)).not.toMatch(/visitor|receiptId/);
    expect(t.local.writes + t.session.writes).toBe(0);
  });

  it('an opt-out registers the visitor for the server-side opt-out registry', async () => {
    const t = setup();
    t.loader.command(['consent', { analytics: true }]);
    await settle();
    t.local.setItem('veil:visitor', 'visitor_abcdefgh');
    t.loader.command(['optout', { source: 'optout' }]);
    expect(t.env.send).toHaveBeenCalledWith(
      CONSENT_URL,
      expect.objectContaining({
        decision: 'withdrawn',
        visitorId: 'visitor_abcdefgh',
        optOut: true,
        source: 'optout',
      }),
    );
    expect([...t.local.map.entries()]).toEqual([['veil:optout', '1']]);
  });
});

describe('consent chunks', () => {
  it('loads the banner and the CMP adapters only when the snippet names them', () => {
    const none = setup();
    none.loader.init();
    expect(none.env.showBanner).not.toHaveBeenCalled();
    expect(none.env.loadCmp).not.toHaveBeenCalled();

    const banner = setup({ consentSources: ['banner'] });
    banner.loader.init();
    expect(banner.env.showBanner).toHaveBeenCalledExactlyOnceWith(false);
    expect(banner.env.loadCmp).not.toHaveBeenCalled();

    const cmp = setup({ consentSources: ['tcf', 'gcm'] });
    cmp.loader.init();
    expect(cmp.env.loadCmp).toHaveBeenCalledTimes(1);
    expect(cmp.env.showBanner).not.toHaveBeenCalled();
  });

  it('asks nobody under GPC/DNT or after an opt-out', () => {
    const gpc = setup({ signal: true, consentSources: ['banner', 'tcf'] });
    gpc.loader.init();
    const local = new MemoryStorage();
    local.setItem('veil:optout', '1');
    const optedOut = setup({ local, consentSources: ['banner', 'osano'] });
    optedOut.loader.init();
    for (const t of [gpc, optedOut]) {
      expect(t.env.showBanner).not.toHaveBeenCalled();
      expect(t.env.loadCmp).not.toHaveBeenCalled();
    }
  });

  it('veil("banner") opens the banner even after an answer', () => {
    const t = setup();
    t.loader.command(['banner']);
    expect(t.env.showBanner).toHaveBeenCalledWith(true);
  });

  it('does not show the banner when the page consented before the loader ran', () => {
    const t = setup({ consentSources: ['banner'] });
    t.loader.command(['consent', { analytics: true }]);
    t.loader.init();
    expect(t.env.showBanner).not.toHaveBeenCalled();
  });
});
