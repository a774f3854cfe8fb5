/**
 * The embeddable opt-out control (`/r/v1/optout.js`) for a site's own privacy page:
 * `<script src="https://VEIL_HOST/r/v1/optout.js" data-site="SITE_KEY" async></script>` renders
 * into every `[data-veil-optout]` element, or right after its own tag when there is none.
 */
import { optOutTextsFor } from '@veil/core';
import type { VeilWindow } from '../shared/bootContract.js';
import { storageOf } from '../shared/storage.js';
import { renderOptOutControl } from './optOutControl.js';

const OPTOUT_PATH = /\/r\/v1\/optout\.js(?:[?#].*)?$/;

try {
  const current = document.currentScript;
  const script =
    current instanceof HTMLScriptElement && OPTOUT_PATH.test(current.src)
      ? current
      : Array.from(document.querySelectorAll<HTMLScriptElement>('script[data-site][src]')).find((s) =>
          OPTOUT_PATH.test(s.src),
        );
  const siteKey = script?.getAttribute('data-site') ?? '';
  if (script && /^[A-Za-z0-9_-]{8,64}$/.test(siteKey)) {
    const w = window as VeilWindow;
    const base = script.src.replace(OPTOUT_PATH, '');
    const lang = script.getAttribute('data-lang') || document.documentElement.lang || navigator.language;
    const env = {
      local: storageOf('localStorage'),
      session: storageOf('sessionStorage'),
      get veil() {
        return w.veil;
      },
      consentUrl: `${base}/r/v1/sites/${siteKey}/consent`,
      send: (url: string, body: object) => {
        fetch(url, {
          method: 'POST',
          body: JSON.stringify(body),
          keepalive: true,
          credentials: 'omit',
        }).catch((error: unknown) => {
          if (script.hasAttribute('data-debug')) console.warn('[veil]', 'optout', error);
        });
      },
    };
    const render = () => {
      const mounts = Array.from(document.querySelectorAll('[data-veil-optout]'));
      if (mounts.length === 0) {
        const mount = document.createElement('div');
        script.after(mount);
        mounts.push(mount);
      }
      for (const mount of mounts) renderOptOutControl(document, mount, optOutTextsFor(lang), env, lang);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', render);
    else render();
  }
} catch {
  // Never throw into the host page.
}
