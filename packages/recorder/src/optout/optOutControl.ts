import { ANALYTICS_CATEGORY, type OptOutTexts } from '@veil/core';
import { clearVeilStorage, type KeyValueStorage, readKey, removeKey, writeKey } from '../shared/storage.js';
import { StorageKey } from '../shared/storageKeys.js';

/** Dispatched on the document when a control changed the opt-out state. */
export const OPT_OUT_CHANGED = 'veil-optout-change';

export interface OptOutEnv {
  local: KeyValueStorage | null;
  session: KeyValueStorage | null;
  /** The loader's page API when the loader runs on this page too. */
  veil?: ((...args: unknown[]) => void) & { loaded?: true };
  /** `…/r/v1/sites/{siteKey}/consent` */
  consentUrl: string;
  send(url: string, body: object): void;
}

/**
 * Opts the visitor out in first-party storage (the site's own origin: no third-party cookie
 * involved). With the loader on the page it is `veil('optout', {source: 'optout'})`; without, the
 * control does the same itself: registers the withdrawal with the opt-out flag when the server
 * may hold something of the visitor, clears every `veil:` key and stores `veil:optout`.
 */
export function optOut(env: OptOutEnv): void {
  if (env.veil?.loaded) {
    env.veil('optout', { source: 'optout' });
    return;
  }
  const receipt = readKey(env.local, StorageKey.Receipt);
  const visitor = readKey(env.local, StorageKey.Visitor);
  if (receipt || visitor) {
    env.send(env.consentUrl, {
      v: 1,
      decision: 'withdrawn',
      receiptId: receipt ?? undefined,
      visitorId: visitor ?? undefined,
      granted: [],
      denied: [ANALYTICS_CATEGORY],
      optOut: true,
      source: 'optout',
    });
  }
  clearVeilStorage(env.local);
  clearVeilStorage(env.session);
  writeKey(env.local, StorageKey.OptOut, '1');
}

/** Takes the opt-out back: Veil may ask for consent again (it records nothing without it). */
export function undoOptOut(env: Pick<OptOutEnv, 'local'>): void {
  removeKey(env.local, StorageKey.OptOut);
}

export function isOptedOut(local: KeyValueStorage | null): boolean {
  return readKey(local, StorageKey.OptOut) === '1';
}

/**
 * Renders the control into `mount`: a status line (`role="status"`, announced when it changes)
 * and one button. Unstyled on purpose (classes `veil-optout__*`): it lives on the site's own
 * privacy page and takes the site's styles.
 */
export function renderOptOutControl(
  doc: Document,
  mount: Element,
  texts: OptOutTexts,
  env: OptOutEnv,
  lang: string,
): void {
  const box = doc.createElement('div');
  box.className = 'veil-optout';
  box.lang = lang;
  const status = doc.createElement('p');
  status.className = 'veil-optout__status';
  status.setAttribute('role', 'status');
  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'veil-optout__button';
  const update = () => {
    const out = isOptedOut(env.local);
    status.textContent = out ? texts.statusOut : texts.statusIn;
    button.textContent = out ? texts.undo : texts.optOut;
    button.setAttribute('aria-pressed', String(out));
  };
  button.addEventListener('click', () => {
    if (isOptedOut(env.local)) undoOptOut(env);
    else optOut(env);
    // Every control on the page shows the new state.
    doc.dispatchEvent(new Event(OPT_OUT_CHANGED));
  });
  doc.addEventListener(OPT_OUT_CHANGED, update);
  update();
  box.append(status, button);
  mount.replaceChildren(box);
}
