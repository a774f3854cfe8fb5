import type { VeilWindow } from '../shared/bootContract.js';

/** Loads a further chunk of the recorder build and resolves with what it registered. */
export type LoadChunk = (name: string) => Promise<unknown>;

/** `…/r/v1/recorder.js`: its chunks live beside it (`…/r/v1/NAME.js`). */
const RECORDER_SRC = /recorder\.js(?:[?#].*)?$/;

/**
 * The chunk loader of the running `recorder.js` (`script`, read while it runs): a chunk is the
 * file `NAME.js` beside it, added with the same CSP nonce, requested once per page, and registers
 * its exports with `veil.chunk(NAME, exports)`. Rejects when it cannot load: callers of parts
 * that hold privacy decisions then send nothing of those parts (fail closed).
 */
export function createChunkLoader(w: VeilWindow, script: HTMLOrSVGScriptElement | null): LoadChunk {
  const src = script instanceof HTMLScriptElement ? script.src : '';
  const nonce = script?.nonce ?? '';
  const veil = w.veil;
  const waiting = new Map<string, (exports: unknown) => void>();
  const requests = new Map<string, Promise<unknown>>();
  if (veil) veil.chunk = (name, exports) => waiting.get(name)?.(exports);
  return (name) => {
    let request = requests.get(name);
    if (!request) {
      request = new Promise((resolve, reject) => {
        if (!veil || !RECORDER_SRC.test(src)) throw new Error(`${name}.js: no recorder script`);
        waiting.set(name, resolve);
        const el = document.createElement('script');
        el.src = src.replace(RECORDER_SRC, `${name}.js`);
        el.async = true;
        if (nonce) el.nonce = nonce;
        el.onerror = () => reject(new Error(`${name}.js did not load`));
        (document.head ?? document.documentElement).appendChild(el);
      });
      requests.set(name, request);
    }
    return request;
  };
}
