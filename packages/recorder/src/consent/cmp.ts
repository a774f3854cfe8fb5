/**
 * The consent-platform adapters chunk (`/r/v1/cmp.js`), loaded by the loader when the snippet's
 * `data-consent` names a platform (`tcf`, `gcm`, `onetrust`, `cookiebot`, `osano`). It only
 * listens: every decision goes through the page API, `veil('consent', {analytics, source})`.
 * No request, no storage of its own.
 */

import { findLoaderScript } from '../loader/scriptInfo.js';
import type { VeilWindow } from '../shared/bootContract.js';
import { type CmpWindow, watchConsentPlatforms } from './cmpAdapters.js';

try {
  const w = window as VeilWindow & { veilCmp?: true };
  const script = w === w.top && !w.veilCmp ? findLoaderScript(document) : null;
  if (script) {
    w.veilCmp = true;
    const attr = (name: string) => script.getAttribute(`data-${name}`) ?? '';
    const onError = (error: unknown, where: string) => {
      if (script.hasAttribute('data-debug')) console.warn('[veil]', where, error);
    };
    watchConsentPlatforms(
      w as unknown as CmpWindow,
      {
        consentSources: attr('consent').split(/[\s,]+/),
        tcfPurposes: attr('tcf-purposes'),
        consentCategory: attr('consent-category'),
      },
      (granted, source) => w.veil?.('consent', { analytics: granted, source }),
      onError,
    );
  }
} catch {
  // Never throw into the host page.
}
