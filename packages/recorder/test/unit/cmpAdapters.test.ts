import { describe, expect, it, vi } from 'vitest';
import {
  type CmpWindow,
  type ConsentReport,
  watchConsentPlatforms,
  watchCookiebot,
  watchGcm,
  watchOneTrust,
  watchOsano,
  watchTcf,
} from '../../src/consent/cmpAdapters.js';

// Each adapter against a stand-in that behaves like the platform's documented API. The browser
// tests drive the same adapters through real pages (test/e2e/consent).

function fakeWindow(globals: Record<string, unknown> = {}) {
  const events = new EventTarget();
  const w = { ...globals, addEventListener: events.addEventListener.bind(events) } as unknown as CmpWindow;
  const fire = (name: string, detail?: unknown) => events.dispatchEvent(new CustomEvent(name, { detail }));
  return { w, fire };
}

const reports = () => {
  const report = vi.fn<ConsentReport>();
  const decisions = () => report.mock.calls.map(([granted]) => granted);
  return { report, decisions };
};

/** `__tcfapi` as a CMP implements it: listeners get the current TC data at once and on changes. */
function tcfStub() {
  const listeners: Array<(data: unknown, success: boolean) => void> = [];
  let current: Record<string, unknown> | null = null;
  const api = (command: string, version: number, callback: (data: unknown, success: boolean) => void) => {
    if (command !== 'addEventListener' || version !== 2) return callback(null, false);
    listeners.push(callback);
    if (current) callback({ ...current, listenerId: listeners.length - 1 }, true);
  };
  const emit = (eventStatus: string, consents: Record<number, boolean>, gdprApplies = true) => {
    current = { eventStatus, gdprApplies, tcString: 'CP…', purpose: { consents, legitimateInterests: {} } };
    for (const l of listeners) l(current, true);
  };
  return { api, emit };
}

describe('IAB TCF v2.2', () => {
  it('grants when every configured purpose is consented, on tcloaded and useractioncomplete', () => {
    const tcf = tcfStub();
    const { w } = fakeWindow({ __tcfapi: tcf.api });
    const { report, decisions } = reports();
    watchTcf(w, [1, 10], report);
    tcf.emit('cmpuishown', {});
    tcf.emit('useractioncomplete', { 1: true, 10: false });
    tcf.emit('useractioncomplete', { 1: true, 10: true });
    tcf.emit('useractioncomplete', { 1: true, 10: true }, false);
    expect(decisions()).toEqual([false, true, false]);
    expect(report).toHaveBeenCalledWith(true, 'tcf');
  });

  it('reads a stored decision when the CMP loaded first', () => {
    const tcf = tcfStub();
    tcf.emit('tcloaded', { 1: true, 8: true, 10: true });
    const { w } = fakeWindow({ __tcfapi: tcf.api });
    const { report, decisions } = reports();
    watchTcf(w, [1, 8], report);
    expect(decisions()).toEqual([true]);
  });

  it('does nothing without __tcfapi', () => {
    const { report } = reports();
    watchTcf(fakeWindow().w, [1], report);
    expect(report).not.toHaveBeenCalled();
  });
});

describe('Google Consent Mode v2', () => {
  const gtag = (w: CmpWindow) =>
    function gtag(..._args: unknown[]) {
      // biome-ignore lint/complexity/noArguments: gtag pushes its arguments object, as Google's snippet does
      (w.dataLayer as unknown[]).push(arguments);
    };

  it('follows gtag("consent", "update") and ignores the per-page "default" denial', () => {
    const { w } = fakeWindow({ dataLayer: [] });
    const g = gtag(w);
    g('consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied' });
    const { report, decisions } = reports();
    watchGcm(w, report);
    g('js', new Date());
    g('consent', 'update', { ad_storage: 'granted' });
    g('consent', 'update', { analytics_storage: 'granted' });
    g('consent', 'default', { analytics_storage: 'denied' });
    g('consent', 'update', { analytics_storage: 'denied' });
    expect(decisions()).toEqual([true, false]);
    expect(report).toHaveBeenCalledWith(true, 'gcm');
  });

  it('replays what was pushed before it ran, and still lets other code wrap push', () => {
    const { w } = fakeWindow({ dataLayer: [] });
    gtag(w)('consent', 'default', { analytics_storage: 'granted' });
    gtag(w)('consent', 'default', { analytics_storage: 'granted', region: ['US'] });
    const { report, decisions } = reports();
    watchGcm(w, report);
    expect(decisions()).toEqual([true]);
    // Google's data layer helper wraps push and calls the previous one.
    const layer = w.dataLayer as unknown[] & { push: (...a: unknown[]) => number };
    const previous = layer.push;
    const processed: unknown[] = [];
    layer.push = (...entries: unknown[]) => {
      processed.push(...entries);
      return previous.apply(layer, entries);
    };
    gtag(w)('consent', 'update', { analytics_storage: 'denied' });
    expect(decisions()).toEqual([true, false]);
    expect(processed).toHaveLength(1);
    expect(layer).toHaveLength(3);
  });

  it('creates dataLayer when the page has none yet', () => {
    const { w } = fakeWindow();
    const { report } = reports();
    watchGcm(w, report);
    expect(Array.isArray(w.dataLayer)).toBe(true);
  });
});

describe('OneTrust', () => {
  it('reads OnetrustActiveGroups and follows OneTrustGroupsUpdated', () => {
    const { w, fire } = fakeWindow({ OnetrustActiveGroups: ',C0001,C0002,' });
    const { report, decisions } = reports();
    watchOneTrust(w, 'C0002', report);
    fire('OneTrustGroupsUpdated', ['C0001']);
    fire('OneTrustGroupsUpdated', ['C0001', 'C0002', 'C0004']);
    fire('OneTrustGroupsUpdated', 'garbage');
    expect(decisions()).toEqual([true, false, true]);
    expect(report).toHaveBeenCalledWith(true, 'onetrust');
  });
});

describe('Cookiebot', () => {
  it('reads Cookiebot.consent once it has a response and on CookiebotOnAccept/OnDecline', () => {
    const cookiebot = { hasResponse: false, consent: { necessary: true, statistics: false } };
    const { w, fire } = fakeWindow({ Cookiebot: cookiebot });
    const { report, decisions } = reports();
    watchCookiebot(w, 'statistics', report);
    expect(report).not.toHaveBeenCalled();
    Object.assign(cookiebot, { hasResponse: true, consent: { necessary: true, statistics: true } });
    fire('CookiebotOnAccept');
    Object.assign(cookiebot, { consent: { necessary: true, statistics: false } });
    fire('CookiebotOnDecline');
    expect(decisions()).toEqual([true, false]);
    expect(report).toHaveBeenCalledWith(true, 'cookiebot');
  });
});

describe('Osano', () => {
  function osanoStub(initial: Record<string, string>) {
    const listeners = new Map<string, Array<(consent: unknown) => void>>();
    let consent = initial;
    const cm = {
      getConsent: () => consent,
      addEventListener: (name: string, cb: (consent: unknown) => void) =>
        listeners.set(name, [...(listeners.get(name) ?? []), cb]),
    };
    const emit = (name: string, next: Record<string, string>) => {
      consent = next;
      for (const cb of listeners.get(name) ?? []) cb(next);
    };
    return { Osano: { cm }, emit };
  }

  it('reads getConsent (grants only) and follows osano-cm-consent-saved', () => {
    const osano = osanoStub({ ESSENTIAL: 'ACCEPT', ANALYTICS: 'DENY' });
    const { w } = fakeWindow({ Osano: osano.Osano });
    const { report, decisions } = reports();
    watchOsano(w, 'ANALYTICS', report);
    expect(report).not.toHaveBeenCalled();
    osano.emit('osano-cm-consent-saved', { ESSENTIAL: 'ACCEPT', ANALYTICS: 'ACCEPT' });
    osano.emit('osano-cm-consent-saved', { ESSENTIAL: 'ACCEPT', ANALYTICS: 'DENY' });
    expect(decisions()).toEqual([true, false]);
    expect(report).toHaveBeenCalledWith(true, 'osano');
  });

  it('attaches on load when Osano arrives after Veil', () => {
    const osano = osanoStub({ ANALYTICS: 'ACCEPT' });
    const { w, fire } = fakeWindow();
    const { report, decisions } = reports();
    watchOsano(w, 'ANALYTICS', report);
    (w as Record<string, unknown>).Osano = osano.Osano;
    fire('load');
    expect(decisions()).toEqual([true]);
  });
});

describe('watchConsentPlatforms', () => {
  it('starts only the adapters data-consent names, with the configured purposes and category', () => {
    const tcf = tcfStub();
    tcf.emit('tcloaded', { 1: true, 7: true });
    const { w, fire } = fakeWindow({
      __tcfapi: tcf.api,
      Cookiebot: { hasResponse: true, consent: { marketing: true } },
    });
    const { report } = reports();
    const onError = vi.fn();
    watchConsentPlatforms(
      w,
      { consentSources: ['tcf', 'banner'], tcfPurposes: '1,7', consentCategory: '' },
      report,
      onError,
    );
    expect(report.mock.calls).toEqual([[true, 'tcf']]);
    fire('CookiebotOnAccept');
    expect(report).toHaveBeenCalledTimes(1);

    const other = reports();
    watchConsentPlatforms(
      fakeWindow({ Cookiebot: { hasResponse: true, consent: { marketing: true, statistics: false } } }).w,
      { consentSources: ['cookiebot'], tcfPurposes: '', consentCategory: 'marketing' },
      other.report,
      onError,
    );
    expect(other.report.mock.calls).toEqual([[true, 'cookiebot']]);
    expect(onError).not.toHaveBeenCalled();
  });

  it('keeps going when one platform throws', () => {
    const { w } = fakeWindow({
      __tcfapi: () => {
        throw new Error('broken CMP');
      },
      OnetrustActiveGroups: ',C0002,',
    });
    const { report } = reports();
    const onError = vi.fn();
    watchConsentPlatforms(
      w,
      { consentSources: ['tcf', 'onetrust'], tcfPurposes: '', consentCategory: '' },
      report,
      onError,
    );
    expect(onError).toHaveBeenCalledWith(expect.any(Error), 'tcf');
    expect(report).toHaveBeenCalledWith(true, 'onetrust');
  });
});
