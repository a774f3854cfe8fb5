import { bannerTextHash } from '@veil/core';
import { type KeyValueStorage, readKey, writeKey } from '../shared/storage.js';
import { StorageKey } from '../shared/storageKeys.js';
import type { LoadedBannerTexts } from './loadBannerTexts.js';
import type { BannerDecision } from './renderBanner.js';

export interface BannerEnv {
  /** localStorage: `veil:choice` remembers the answer. */
  local: KeyValueStorage | null;
  /** The page API (`window.veil`). */
  veil: (...args: unknown[]) => void;
  loadTexts(): Promise<LoadedBannerTexts>;
  render(loaded: LoadedBannerTexts, decide: BannerDecision): () => void;
  onError(error: unknown, where: string): void;
}

/**
 * The banner's logic, apart from the DOM: asks once; afterwards a stored "yes" is replayed as
 * consent on every page (the receipt was registered when the visitor said it) and a stored "no"
 * keeps it quiet, until the visitor opens it again (`open`, from `veil('banner')`). Every answer
 * goes through `veil('consent', …)` with the hash of the texts shown, then is remembered: a "yes"
 * after consent, a "no" after the loader has cleared Veil's storage (the one key kept before
 * consent, so that a refusal is not asked again on every page).
 */
export function createBanner(env: BannerEnv): (open: boolean) => void {
  let showing = false;
  return (open) => {
    const choice = readKey(env.local, StorageKey.Choice);
    if (!open && choice === '1') {
      env.veil('consent', { analytics: true, source: 'banner' });
      return;
    }
    if ((!open && choice === '0') || showing) return;
    showing = true;
    env
      .loadTexts()
      .then((loaded) => {
        const bannerTextHashValue = bannerTextHash(loaded.texts);
        env.render(loaded, (analytics) => {
          showing = false;
          env.veil('consent', {
            analytics,
            source: 'banner',
            bannerTextHash: bannerTextHashValue,
            language: loaded.language,
          });
          writeKey(env.local, StorageKey.Choice, analytics ? '1' : '0');
        });
      })
      .catch((error: unknown) => {
        showing = false;
        env.onError(error, 'banner');
      });
  };
}
