/**
 * The built-in consent banner chunk (`/r/v1/banner.js`), loaded by the loader when the snippet
 * says `data-consent="banner"`. Before the visitor answers it holds no storage and sends nothing
 * but the request for the site's banner texts (without credentials).
 */

import { findLoaderScript, readScriptInfo } from '../loader/scriptInfo.js';
import type { VeilWindow } from '../shared/bootContract.js';
import { storageOf } from '../shared/storage.js';
import { loadBannerTexts } from './loadBannerTexts.js';
import { renderBanner } from './renderBanner.js';
import { createBanner } from './startBanner.js';

try {
  const w = window as VeilWindow;
  const veil = w.veil;
  const script = w === w.top ? findLoaderScript(document) : null;
  const info = readScriptInfo(script);
  if (script && info && veil?.loaded && !veil.banner) {
    const onError = (error: unknown, where: string) => {
      if (info.debug) console.warn('[veil]', where, error);
    };
    const lang = script.getAttribute('data-lang') || document.documentElement.lang || navigator.language;
    const show = createBanner({
      local: storageOf('localStorage'),
      veil,
      loadTexts: () =>
        loadBannerTexts(info.configUrl.replace(/config$/, 'banner'), lang, async (url, signal) => {
          const response = await fetch(url, { credentials: 'omit', mode: 'cors', signal });
          if (!response.ok) throw new Error(`banner texts answered ${response.status}`);
          return response.json();
        }),
      render: (loaded, decide) => {
        const mount = () => renderBanner(document, { ...loaded, decide, nonce: info.nonce });
        if (document.body) return mount();
        let close = () => {};
        document.addEventListener('DOMContentLoaded', () => {
          close = mount();
        });
        return () => close();
      },
      onError,
    });
    veil.banner = show;
    show(veil.bannerOpen === true);
  }
} catch {
  // Never throw into the host page.
}
