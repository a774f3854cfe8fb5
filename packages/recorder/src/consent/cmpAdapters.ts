import { type CmpAdapter, DEFAULT_CMP_CATEGORY, DEFAULT_TCF_PURPOSES } from '@veil/core';

/** Reports a consent platform's decision for Veil's analytics category. */
export type ConsentReport = (granted: boolean, source: CmpAdapter) => void;

/** The page globals the adapters read: `window`, or a stand-in in unit tests. */
export type CmpWindow = Record<string, unknown> & Pick<Window, 'addEventListener'>;

type Fn = (...args: unknown[]) => unknown;
type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null ? (v as Json) : undefined);

/**
 * IAB TCF v2.2: `__tcfapi('addEventListener', 2, cb)`. A decision is the TC data of `tcloaded`
 * (stored consent) or `useractioncomplete` (the visitor just chose); every configured purpose
 * must be consented. `gdprApplies: false` carries no consent signal and counts as none.
 */
export function watchTcf(w: CmpWindow, purposes: readonly number[], report: ConsentReport): void {
  const api = w.__tcfapi;
  if (typeof api !== 'function') return;
  (api as Fn)('addEventListener', 2, (data: unknown, success: unknown) => {
    const d = obj(data);
    if (success !== true || !d || (d.eventStatus !== 'tcloaded' && d.eventStatus !== 'useractioncomplete'))
      return;
    const consents = obj(obj(d.purpose)?.consents) ?? {};
    report(d.gdprApplies !== false && purposes.every((p) => consents[p] === true), 'tcf');
  });
}

/**
 * Google Consent Mode v2: observes `gtag('consent', 'default' | 'update', {analytics_storage})`
 * through `dataLayer` (the entries already there, then every push). A `default` only ever grants,
 * and never with a `region` list (Veil cannot tell the visitor's region): on every page a CMP
 * sets the default to denied and then restores the stored choice with an `update`.
 */
export function watchGcm(w: CmpWindow, report: ConsentReport): void {
  w.dataLayer ??= [];
  const layer = w.dataLayer as unknown[];
  if (!Array.isArray(layer)) return;
  const seen = (entry: unknown) => {
    const e = obj(entry);
    const params = obj(e?.[2]);
    if (e?.[0] !== 'consent' || !params) return;
    const storage = params.analytics_storage;
    if (e[1] === 'update' && (storage === 'granted' || storage === 'denied'))
      report(storage === 'granted', 'gcm');
    else if (e[1] === 'default' && storage === 'granted' && params.region === undefined) report(true, 'gcm');
  };
  for (const entry of layer.slice()) seen(entry);
  const push = layer.push;
  // Google's dataLayer helper wraps `push` again and calls ours: every entry passes here once.
  layer.push = (...entries: unknown[]) => {
    for (const entry of entries) {
      try {
        seen(entry);
      } catch {
        // A malformed entry is not a decision.
      }
    }
    return push.apply(layer, entries);
  };
}

/**
 * OneTrust: the `OneTrustGroupsUpdated` event (on load and on every change, `detail` the active
 * group ids); `OnetrustActiveGroups` when OneTrust was there first (it can only grant here).
 */
export function watchOneTrust(w: CmpWindow, group: string, report: ConsentReport): void {
  const active = w.OnetrustActiveGroups;
  if (typeof active === 'string' && active.split(',').includes(group)) report(true, 'onetrust');
  w.addEventListener('OneTrustGroupsUpdated', (event) => {
    const groups = (event as CustomEvent<unknown>).detail;
    if (Array.isArray(groups)) report(groups.includes(group), 'onetrust');
  });
}

/** Cookiebot: `Cookiebot.consent[category]` once it has a response, and on `CookiebotOnAccept/OnDecline`. */
export function watchCookiebot(w: CmpWindow, category: string, report: ConsentReport): void {
  const read = () => {
    const cookiebot = obj(w.Cookiebot);
    if (cookiebot?.hasResponse) report(obj(cookiebot.consent)?.[category] === true, 'cookiebot');
  };
  read();
  w.addEventListener('CookiebotOnAccept', read);
  w.addEventListener('CookiebotOnDecline', read);
}

/**
 * Osano: `Osano.cm` events `osano-cm-initialized` and `osano-cm-consent-saved` with the consent
 * object (`{ANALYTICS: 'ACCEPT' | 'DENY', …}`); `getConsent()` when Osano was there first (it can
 * only grant here). Osano loads synchronously ahead of other scripts; if it is not there yet,
 * the adapter tries again on `load`.
 */
export function watchOsano(w: CmpWindow, category: string, report: ConsentReport): void {
  const read = (consent: unknown, initial?: boolean) => {
    const value = obj(consent)?.[category];
    if (value === 'ACCEPT' || (value === 'DENY' && !initial)) report(value === 'ACCEPT', 'osano');
  };
  let attached = false;
  const attach = () => {
    const cm = obj(obj(w.Osano)?.cm);
    if (attached || !cm || typeof cm.addEventListener !== 'function') return;
    attached = true;
    if (typeof cm.getConsent === 'function') read((cm.getConsent as Fn)(), true);
    for (const name of ['osano-cm-initialized', 'osano-cm-consent-saved'])
      (cm.addEventListener as Fn)(name, (consent: unknown) => read(consent));
  };
  attach();
  if (!attached) w.addEventListener('load', attach);
}

/** Starts the adapters the snippet's `data-consent` names. */
export function watchConsentPlatforms(
  w: CmpWindow,
  info: { consentSources: readonly string[]; tcfPurposes: string; consentCategory: string },
  report: ConsentReport,
  onError: (error: unknown, where: string) => void,
): void {
  const on = (name: CmpAdapter) => info.consentSources.includes(name);
  const category = (name: keyof typeof DEFAULT_CMP_CATEGORY) =>
    info.consentCategory || DEFAULT_CMP_CATEGORY[name];
  const purposes = info.tcfPurposes
    .split(',')
    .map(Number)
    .filter((p) => p > 0);
  const adapters: Array<[CmpAdapter, () => void]> = [
    ['tcf', () => watchTcf(w, purposes.length > 0 ? purposes : DEFAULT_TCF_PURPOSES, report)],
    ['gcm', () => watchGcm(w, report)],
    ['onetrust', () => watchOneTrust(w, category('onetrust'), report)],
    ['cookiebot', () => watchCookiebot(w, category('cookiebot'), report)],
    ['osano', () => watchOsano(w, category('osano'), report)],
  ];
  for (const [name, watch] of adapters) {
    try {
      if (on(name)) watch();
    } catch (error) {
      onError(error, name);
    }
  }
}
