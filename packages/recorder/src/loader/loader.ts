/**
 * The loader (`/r/v1/loader.js`), the snippet's target. It replaces the page's `veil` queue
 * function, replays what the page queued, and keeps every gate (see `createLoader`). Tiny on
 * purpose: the recorder chunk is fetched only once a lawful basis exists.
 */
import type { StartRecorder, VeilFunction, VeilWindow } from '../shared/bootContract.js';
import { randomId } from '../shared/randomId.js';
import { storageOf } from '../shared/storage.js';
import { createLoader } from './createLoader.js';
import { privacySignalSet, type SignalSource } from './privacySignals.js';
import { findLoaderScript, readScriptInfo } from './scriptInfo.js';

try {
  const w = window as VeilWindow;
  const existing = w.veil;
  // Once per page, and never inside frames (rrweb's hidden same-origin iframe included).
  const info = w === w.top && !existing?.loaded ? readScriptInfo(findLoaderScript(document)) : null;
  if (info) {
    const onError = (error: unknown, where: string) => {
      if (info.debug) console.warn('[veil]', where, error);
    };
    let registerStart: ((start: StartRecorder) => void) | undefined;
    let recorderRequest: Promise<StartRecorder> | undefined;
    /** Adds the chunk `name` (`recorder.js`, …) from the Veil host to the page. */
    const inject = (name: string, onerror = () => onError(name, 'load')) => {
      const script = document.createElement('script');
      script.src = info.chunkBase + name;
      script.async = true;
      if (info.nonce) script.nonce = info.nonce;
      script.onerror = onerror;
      (document.head ?? document.documentElement).appendChild(script);
    };
    const loadRecorder = () => {
      recorderRequest ??= new Promise<StartRecorder>((resolve, reject) => {
        registerStart = resolve;
        inject('recorder.js', () => reject(Error('recorder.js')));
      });
      return recorderRequest;
    };
    const loader = createLoader({
      info,
      local: storageOf('localStorage'),
      session: storageOf('sessionStorage'),
      privacySignal: () => privacySignalSet(navigator as SignalSource, w as SignalSource),
      path: () => location.pathname,
      now: Date.now,
      newId: randomId,
      fetchJson: async (url) => {
        // fetch's mode is 'cors' by default.
        const response = await fetch(url, { credentials: 'omit' });
        if (!response.ok) throw Error(`config ${response.status}`);
        return response.json();
      },
      loadRecorder,
      send: (url, body) => {
        // text/plain: no CORS preflight; no credentials: nothing of the Veil host's cookies.
        fetch(url, {
          method: 'POST',
          body: JSON.stringify(body),
          keepalive: true,
          credentials: 'omit',
        }).catch((error: unknown) => onError(error, 'send'));
      },
      showBanner: (open) => {
        if (veil.banner) veil.banner(open);
        else {
          if (veil.bannerOpen === undefined) inject('banner.js');
          veil.bannerOpen ||= open;
        }
      },
      loadCmp: () => inject('cmp.js'),
      onError,
    });
    const veil: VeilFunction = (...args: unknown[]) => {
      try {
        loader.command(args);
      } catch (error) {
        onError(error, 'command');
      }
    };
    veil.loaded = true;
    veil.boot = (start) => registerStart?.(start);
    w.veil = veil;
    for (const args of Array.from(existing?.q ?? [])) veil(...Array.from(args));
    loader.init();
  }
} catch {
  // Never throw into the host page.
}
