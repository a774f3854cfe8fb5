import { bannerTextHash, DEFAULT_BANNER_TEXTS, resolveBannerTexts } from '@veil/core';
import { describe, expect, it, vi } from 'vitest';
import { loadBannerTexts } from '../../src/banner/loadBannerTexts.js';
import type { BannerDecision } from '../../src/banner/renderBanner.js';
import { type BannerEnv, createBanner } from '../../src/banner/startBanner.js';
import { isOptedOut, type OptOutEnv, optOut, undoOptOut } from '../../src/optout/optOutControl.js';
import { MemoryStorage, settle } from './support/fakes.js';

// The banner's and the opt-out control's logic without a DOM; their rendering is checked in
// Chromium (test/e2e/consent.test.ts).

function bannerSetup(local = new MemoryStorage()) {
  let decide: BannerDecision | undefined;
  const env: BannerEnv = {
    local,
    veil: vi.fn(),
    loadTexts: vi.fn(async () => ({ language: 'de', texts: resolveBannerTexts('de') })),
    render: vi.fn((_loaded, d: BannerDecision) => {
      decide = d;
      return () => {};
    }),
    onError: vi.fn(),
  };
  const show = createBanner(env);
  return { env, show, local, decide: (analytics: boolean) => decide?.(analytics) };
}

describe('built-in banner', () => {
  it('asks, then grants through veil("consent") with the hash of the texts shown and remembers it', async () => {
    const t = bannerSetup();
    t.show(false);
    await settle();
    expect(t.env.render).toHaveBeenCalledTimes(1);
    expect(t.local.writes).toBe(0); // nothing stored while the visitor has not answered
    t.decide(true);
    expect(t.env.veil).toHaveBeenCalledWith('consent', {
      analytics: true,
      source: 'banner',
      bannerTextHash: bannerTextHash(resolveBannerTexts('de')),
      language: 'de',
    });
    expect(t.local.getItem('veil:choice')).toBe('1');

    // The next page replays the stored "yes" without asking.
    const next = bannerSetup(t.local);
    next.show(false);
    expect(next.env.render).not.toHaveBeenCalled();
    expect(next.env.veil).toHaveBeenCalledWith('consent', { analytics: true, source: 'banner' });
  });

  it('remembers a refusal and stays quiet until the visitor opens it again', async () => {
    const t = bannerSetup();
    t.show(false);
    await settle();
    t.decide(false);
    expect(t.env.veil).toHaveBeenCalledWith(
      'consent',
      expect.objectContaining({ analytics: false, source: 'banner' }),
    );
    expect(t.local.getItem('veil:choice')).toBe('0');
    const next = bannerSetup(t.local);
    next.show(false);
    await settle();
    expect(next.env.render).not.toHaveBeenCalled();
    expect(next.env.veil).not.toHaveBeenCalled();
    next.show(true);
    await settle();
    expect(next.env.render).toHaveBeenCalledTimes(1);
  });

  it('does not stack a second banner while one is showing', async () => {
    const t = bannerSetup();
    t.show(false);
    t.show(true);
    await settle();
    expect(t.env.render).toHaveBeenCalledTimes(1);
  });
});

describe('banner texts', () => {
  it("takes the site's texts for the language, field by field over Veil's", async () => {
    const fetchJson = vi.fn(async (_url: string, _signal: AbortSignal) => ({
      language: 'it',
      texts: { accept: 'Accetto', reject: 'Rifiuto', body: 7 },
    }));
    const loaded = await loadBannerTexts('https://veil.test/r/v1/sites/s/banner', 'it-IT', fetchJson);
    expect(fetchJson.mock.calls[0]![0]).toBe('https://veil.test/r/v1/sites/s/banner?lang=it');
    expect(loaded.language).toBe('it');
    expect(loaded.texts.accept).toBe('Accetto');
    expect(loaded.texts.reject).toBe('Rifiuto');
    expect(loaded.texts.body).toBe(DEFAULT_BANNER_TEXTS.en.body);
  });

  it("falls back to Veil's own texts when the server does not answer", async () => {
    const loaded = await loadBannerTexts('https://veil.test/x', 'fr-CA', async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(loaded).toEqual({ language: 'fr', texts: resolveBannerTexts('fr') });
  });

  it('gives up waiting after the timeout', async () => {
    const never = (_url: string, signal: AbortSignal) =>
      new Promise<unknown>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason)),
      );
    const loaded = await loadBannerTexts('https://veil.test/x', 'de', never, 5);
    expect(loaded.language).toBe('de');
  });
});

describe('opt-out control', () => {
  const env = (over: Partial<OptOutEnv> = {}): OptOutEnv & { send: ReturnType<typeof vi.fn> } =>
    ({
      local: new MemoryStorage(),
      session: new MemoryStorage(),
      consentUrl: 'https://veil.test/r/v1/sites/s/consent',
      send: vi.fn(),
      ...over,
    }) as OptOutEnv & { send: ReturnType<typeof vi.fn> };

  it('without the loader: registers the opt-out, clears veil: keys, keeps the flag', () => {
    const e = env();
    e.local?.setItem('veil:visitor', 'visitor_abcdefgh');
    e.local?.setItem('veil:receipt', 'receipt_00000001');
    e.local?.setItem('site:own', 'kept');
    e.session?.setItem('veil:session', '{}');
    optOut(e);
    expect(e.send).toHaveBeenCalledWith(e.consentUrl, {
      v: 1,
      decision: 'withdrawn',
      receiptId: 'receipt_00000001',
      visitorId: 'visitor_abcdefgh',
      granted: [],
      denied: ['analytics'],
      optOut: true,
      source: 'optout',
    });
    expect([...(e.local as MemoryStorage).map.keys()].sort()).toEqual(['site:own', 'veil:optout']);
    expect((e.session as MemoryStorage).map.size).toBe(0);
    expect(isOptedOut(e.local)).toBe(true);
    undoOptOut(e);
    expect(isOptedOut(e.local)).toBe(false);
  });

  it('sends nothing for a visitor Veil never recorded', () => {
    const e = env();
    optOut(e);
    expect(e.send).not.toHaveBeenCalled();
    expect(isOptedOut(e.local)).toBe(true);
  });

  it('with the loader on the page: goes through veil("optout")', () => {
    const veil = Object.assign(vi.fn(), { loaded: true as const });
    const e = env({ veil });
    optOut(e);
    expect(veil).toHaveBeenCalledWith('optout', { source: 'optout' });
    expect(e.send).not.toHaveBeenCalled();
  });
});
