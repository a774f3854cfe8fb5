import { DEFAULT_PRIVACY_POLICY, isSessionSampled, SESSION_IDLE_TIMEOUT_MS } from '@veil/core';
import { describe, expect, it, vi } from 'vitest';
import { createLoader, type LoaderEnv } from '../../src/loader/createLoader.js';
import { privacySignalSet } from '../../src/loader/privacySignals.js';
import { readScriptInfo } from '../../src/loader/scriptInfo.js';
import type { LoaderBootContext, RecorderHandle } from '../../src/shared/bootContract.js';
import { MemoryStorage, settle } from './support/fakes.js';

const SITE = 'site_unit_01';
const T0 = Date.UTC(2026, 0, 5, 9);

/** Session ids of the recorder's shape, in or out of a 20 % sample (core's function decides). */
function idsSampled(inSample: boolean, n: number): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < n; i++) {
    const id = `sampling_unit_${String(i).padStart(8, '0')}`;
    if (isSessionSampled(id, 20) === inSample) ids.push(id);
  }
  return ids;
}

function siteConfig(overrides: Record<string, unknown> = {}, basis = 'consent') {
  return {
    siteKey: SITE,
    lawfulBasis: basis,
    samplingPercent: 100,
    policy: { ...DEFAULT_PRIVACY_POLICY, samplingPercent: 100, lawfulBasis: basis, ...overrides },
  };
}

function setup(
  options: {
    config?: unknown;
    signal?: boolean;
    path?: string;
    now?: number;
    /** The ids `newId` hands out, in turn (then `generated_id_0000000000`). */
    ids?: string[];
    hint?: boolean;
    gpcIgnorable?: boolean;
    local?: MemoryStorage;
    session?: MemoryStorage;
    consentSources?: string[];
  } = {},
) {
  const local = options.local ?? new MemoryStorage();
  const session = options.session ?? new MemoryStorage();
  const handle = { run: vi.fn<RecorderHandle['run']>(), stop: vi.fn<RecorderHandle['stop']>() };
  const start = vi.fn((_ctx: LoaderBootContext): RecorderHandle => handle);
  const fetchJson = vi.fn(async (_url: string): Promise<unknown> => {
    if (options.config === 'fail') throw new TypeError('Failed to fetch');
    return options.config ?? siteConfig();
  });
  const loadRecorder = vi.fn(async () => start);
  const env: LoaderEnv = {
    info: {
      siteKey: SITE,
      configUrl: `https://veil.test/r/v1/sites/${SITE}/config`,
      ingestUrl: 'https://veil.test/ingest/v1/batch',
      consentUrl: `https://veil.test/r/v1/sites/${SITE}/consent`,
      consentSources: options.consentSources ?? [],
      legitimateInterestHint: options.hint ?? false,
      gpcMayBeIgnored: options.gpcIgnorable ?? false,
    },
    local,
    session,
    privacySignal: () => options.signal ?? false,
    path: () => options.path ?? '/checkout',
    now: () => options.now ?? T0,
    newId: () => options.ids?.shift() ?? 'generated_id_0000000000',
    fetchJson,
    loadRecorder,
    send: vi.fn<LoaderEnv['send']>(),
    showBanner: vi.fn<LoaderEnv['showBanner']>(),
    loadCmp: vi.fn<LoaderEnv['loadCmp']>(),
    onError: vi.fn(),
  };
  const loader = createLoader(env);
  return { loader, env, local, session, handle, start, fetchJson, loadRecorder, send: env.send };
}

const consent = ['consent', { analytics: true }];

describe('loader consent gate', () => {
  it('before consent does nothing: no fetch, no recorder, no storage write', async () => {
    const t = setup();
    t.loader.command(['identify', 'user-1']);
    t.loader.command(['tag', 'plan', 'pro']);
    t.loader.command(['flush']);
    t.loader.init();
    await settle();
    expect(t.fetchJson).not.toHaveBeenCalled();
    expect(t.loadRecorder).not.toHaveBeenCalled();
    expect(t.local.writes + t.session.writes).toBe(0);
  });

  it('after consent fetches the config, loads the recorder and replays queued commands', async () => {
    const t = setup();
    t.loader.command(['identify', 'user-1']);
    t.loader.command(consent);
    await settle();
    expect(t.fetchJson).toHaveBeenCalledWith(`https://veil.test/r/v1/sites/${SITE}/config`);
    expect(t.start).toHaveBeenCalledTimes(1);
    const ctx = t.start.mock.calls[0]![0];
    expect(ctx).toMatchObject({
      siteKey: SITE,
      ingestUrl: 'https://veil.test/ingest/v1/batch',
      consentReceiptId: 'generated_id_0000000000',
    });
    expect((ctx.config as { policy: { blockSelectors: string[] } }).policy.blockSelectors).toEqual([]);
    expect(t.handle.run).toHaveBeenCalledWith(['identify', 'user-1']);
    t.loader.command(['tag', 'k', 'v']);
    expect(t.handle.run).toHaveBeenLastCalledWith(['tag', 'k', 'v']);
    t.loader.command(consent); // a CMP repeating itself starts nothing twice
    await settle();
    expect(t.start).toHaveBeenCalledTimes(1);
  });

  it('uses the CMP receipt id when it gives one', async () => {
    const t = setup();
    t.loader.command(['consent', { analytics: true, receiptId: 'cmp-receipt:42' }]);
    await settle();
    expect(t.start.mock.calls[0]![0].consentReceiptId).toBe('cmp-receipt:42');
  });

  it('records nothing when the config cannot be fetched or its gate fields are malformed', async () => {
    // (The recorder chunk checks the other fields: see bootRecorder.)
    for (const config of ['fail', { siteKey: SITE }, siteConfig({ pageDenyList: 'nope' })]) {
      const t = setup({ config });
      t.loader.command(consent);
      await settle();
      expect(t.loadRecorder).not.toHaveBeenCalled();
    }
  });

  it('honours GPC/DNT before fetching anything', async () => {
    const t = setup({ signal: true });
    t.loader.command(consent);
    await settle();
    expect(t.fetchJson).not.toHaveBeenCalled();
    expect(t.loadRecorder).not.toHaveBeenCalled();
    expect(t.local.writes + t.session.writes).toBe(0);
  });

  it('ignores GPC only when both the snippet and the policy say so', async () => {
    const honoured = setup({ signal: true, gpcIgnorable: true });
    honoured.loader.command(consent);
    await settle();
    expect(honoured.fetchJson).toHaveBeenCalled();
    expect(honoured.loadRecorder).not.toHaveBeenCalled();

    const ignored = setup({
      signal: true,
      gpcIgnorable: true,
      config: siteConfig({ honourGlobalPrivacyControl: false }),
    });
    ignored.loader.command(consent);
    await settle();
    expect(ignored.start).toHaveBeenCalled();
  });

  it('respects the page allow and deny lists', async () => {
    const denied = setup({
      path: '/account/settings',
      config: siteConfig({ pageDenyList: ['/account/**'] }),
    });
    denied.loader.command(consent);
    await settle();
    expect(denied.loadRecorder).not.toHaveBeenCalled();

    const notAllowed = setup({ path: '/blog/1', config: siteConfig({ pageAllowList: ['/checkout'] }) });
    notAllowed.loader.command(consent);
    await settle();
    expect(notAllowed.loadRecorder).not.toHaveBeenCalled();

    const allowed = setup({ path: '/checkout', config: siteConfig({ pageAllowList: ['/checkout'] }) });
    allowed.loader.command(consent);
    await settle();
    expect(allowed.start).toHaveBeenCalled();
  });

  it("samples on the session id with core's function, the id it hands the recorder", async () => {
    const config = { ...siteConfig(), samplingPercent: 20 };
    const [outId] = idsSampled(false, 1);
    const [inId] = idsSampled(true, 1);
    const out = setup({ config, ids: [outId!] });
    out.loader.command(consent);
    await settle();
    expect(out.loadRecorder).not.toHaveBeenCalled();
    // The id stays stored (with the page load as activity): the tab keeps that session.
    expect(JSON.parse(out.session.getItem('veil:session')!)).toEqual({ id: outId, seq: 0, at: T0 });

    const inSample = setup({ config, ids: [inId!] });
    inSample.loader.command(consent);
    await settle();
    expect(inSample.start).toHaveBeenCalledTimes(1);
    expect(inSample.start.mock.calls[0]![0].session).toEqual({ id: inId, seq: 0, at: T0 });
  });

  it('keeps an out-of-sample session out on every page of its life, never drawing a new id', async () => {
    const config = { ...siteConfig(), samplingPercent: 20 };
    const [outId] = idsSampled(false, 1);
    const first = setup({ config, ids: [outId!] });
    first.loader.command(consent);
    await settle();
    // Later pages of the tab, each within the idle timeout of the last: in-sample ids on offer.
    let now = T0;
    for (let page = 0; page < 5; page++) {
      now += SESSION_IDLE_TIMEOUT_MS - 1_000;
      const next = setup({ config, session: first.session, now, ids: idsSampled(true, 3) });
      next.loader.command(consent);
      await settle();
      expect(next.loadRecorder).not.toHaveBeenCalled();
      expect(JSON.parse(first.session.getItem('veil:session')!)).toMatchObject({ id: outId, at: now });
    }
    // A new session after the idle timeout is a new draw (and a sampled one records).
    const [inId] = idsSampled(true, 1);
    const later = setup({ config, session: first.session, now: now + SESSION_IDLE_TIMEOUT_MS, ids: [inId!] });
    later.loader.command(consent);
    await settle();
    expect(later.start.mock.calls[0]![0].session?.id).toBe(inId);
  });

  it('continues a stored in-sample session (same id and seq) and follows a changed percent', async () => {
    const [inId] = idsSampled(true, 1);
    const session = new MemoryStorage();
    session.setItem('veil:session', JSON.stringify({ id: inId, seq: 7, at: T0 - 1_000 }));
    const at20 = setup({ config: { ...siteConfig(), samplingPercent: 20 }, session });
    at20.loader.command(consent);
    await settle();
    expect(at20.start.mock.calls[0]![0].session).toEqual({ id: inId, seq: 7, at: T0 });
    // The site now records nobody: the same session is out from its next page on.
    const at0 = setup({ config: { ...siteConfig(), samplingPercent: 0 }, session });
    at0.loader.command(consent);
    await settle();
    expect(at0.loadRecorder).not.toHaveBeenCalled();
  });

  it('on withdrawal stops the recorder and clears every veil: key', async () => {
    const t = setup();
    t.local.setItem('site:own', 'kept');
    t.loader.command(consent);
    await settle();
    t.local.setItem('veil:visitor', 'visitor_abcdefgh');
    t.session.setItem('veil:session', '{}');
    t.loader.command(['consent', { analytics: false }]);
    expect(t.handle.stop).toHaveBeenCalledTimes(1);
    expect([...t.local.map.keys()]).toEqual(['site:own']);
    expect([...t.session.map.keys()]).toEqual([]);
    t.loader.command(['tag', 'k', 'v']);
    expect(t.handle.run).not.toHaveBeenCalledWith(['tag', 'k', 'v']);
    // Consent given again starts a fresh recorder.
    t.loader.command(consent);
    await settle();
    expect(t.start).toHaveBeenCalledTimes(2);
  });

  it('a withdrawal during start-up wins over the start', async () => {
    const t = setup();
    t.loader.command(consent);
    t.loader.command(['consent', { analytics: false }]);
    await settle();
    expect(t.start).not.toHaveBeenCalled();
  });

  it('opt-out stops, stores only the flag, and keeps the visitor out for good', async () => {
    const t = setup();
    t.loader.command(consent);
    await settle();
    t.loader.command(['optout']);
    expect(t.handle.stop).toHaveBeenCalled();
    expect([...t.local.map.entries()]).toEqual([['veil:optout', '1']]);
    t.loader.command(['consent', { analytics: false }]);
    expect(t.local.getItem('veil:optout')).toBe('1'); // withdrawal does not erase the visitor's wish

    const nextPage = setup({ local: t.local, hint: true, config: siteConfig({}, 'legitimate_interest') });
    nextPage.loader.command(consent);
    nextPage.loader.init();
    await settle();
    expect(nextPage.fetchJson).not.toHaveBeenCalled();
  });

  it('under legitimate interest (snippet hint and config agree) starts without consent', async () => {
    const t = setup({ hint: true, config: siteConfig({}, 'legitimate_interest') });
    t.loader.init();
    await settle();
    expect(t.start).toHaveBeenCalled();
    expect(t.start.mock.calls[0]![0].consentReceiptId).toBeUndefined();
  });

  it('a legitimate-interest hint the config contradicts waits for consent', async () => {
    const t = setup({ hint: true });
    t.loader.init();
    await settle();
    expect(t.fetchJson).toHaveBeenCalledTimes(1);
    expect(t.loadRecorder).not.toHaveBeenCalled();
    expect(t.local.writes + t.session.writes).toBe(0);
    t.loader.command(consent);
    await settle();
    expect(t.start).toHaveBeenCalled();
    expect(t.fetchJson).toHaveBeenCalledTimes(1);
  });

  it('under legitimate interest still honours GPC', async () => {
    const t = setup({ hint: true, signal: true, config: siteConfig({}, 'legitimate_interest') });
    t.loader.init();
    await settle();
    expect(t.fetchJson).not.toHaveBeenCalled();
  });
});

describe('privacy signals', () => {
  it('reads GPC and the DNT variants', () => {
    expect(privacySignalSet({}, {})).toBe(false);
    expect(privacySignalSet({ globalPrivacyControl: true }, {})).toBe(true);
    expect(privacySignalSet({ globalPrivacyControl: false, doNotTrack: '0' }, {})).toBe(false);
    expect(privacySignalSet({ doNotTrack: '1' }, {})).toBe(true);
    expect(privacySignalSet({ msDoNotTrack: '1' }, {})).toBe(true);
    expect(privacySignalSet({}, { doNotTrack: '1' })).toBe(true);
  });
});

describe('script tag', () => {
  const script = (src: string, attrs: Record<string, string>) =>
    ({
      src,
      nonce: attrs.nonce ?? '',
      getAttribute: (n: string) => attrs[n] ?? null,
      hasAttribute: (n: string) => n in attrs,
    }) as unknown as HTMLScriptElement;

  it('derives every Veil URL from its own src, behind a path prefix too', () => {
    expect(readScriptInfo(script('https://veil.example/r/v1/loader.js', { 'data-site': SITE }))).toEqual({
      siteKey: SITE,
      configUrl: `https://veil.example/r/v1/sites/${SITE}/config`,
      chunkBase: 'https://veil.example/r/v1/',
      ingestUrl: 'https://veil.example/ingest/v1/batch',
      consentUrl: `https://veil.example/r/v1/sites/${SITE}/consent`,
      consentSources: [],
      legitimateInterestHint: false,
      gpcMayBeIgnored: false,
      debug: false,
      nonce: '',
    });
    const info = readScriptInfo(
      script('https://example.com/veil/r/v1/loader.js?v=3', {
        'data-site': SITE,
        'data-lawful-basis': 'legitimate_interest',
        nonce: 'n0nce',
      }),
    );
    expect(info).toMatchObject({
      ingestUrl: 'https://example.com/veil/ingest/v1/batch',
      legitimateInterestHint: true,
      nonce: 'n0nce',
    });
  });

  it('stands down without a valid site key or loader src', () => {
    expect(readScriptInfo(null)).toBeNull();
    expect(readScriptInfo(script('https://veil.example/r/v1/loader.js', {}))).toBeNull();
    expect(
      readScriptInfo(script('https://veil.example/r/v1/loader.js', { 'data-site': 'bad key!' })),
    ).toBeNull();
    expect(readScriptInfo(script('https://veil.example/other.js', { 'data-site': SITE }))).toBeNull();
  });
});
