/**
 * The recorder chunk (`/r/v1/recorder.js`), injected by the loader only once every gate has
 * passed. It registers its start function with the loader and does nothing on its own.
 */
import { detectorsModule, redactTextModule } from '@veil/core';
import type { VeilWindow } from '../shared/bootContract.js';
import { bootRecorder } from './bootRecorder.js';
import { createChunkLoader } from './loadChunk.js';

try {
  const w = window as VeilWindow;
  // rrweb's hidden same-origin iframe (and any framed copy of the page) must not record itself.
  if (w === w.top) {
    // Read while this script runs: its further chunks are beside it, with its nonce.
    const loadChunk = createChunkLoader(w, document.currentScript);
    // redact.js runs core's detectors too: it takes this chunk's copy (build.mjs).
    if (w.veil) w.veil.shared = { detectors: detectorsModule, redactText: redactTextModule };
    w.veil?.boot?.((ctx) => bootRecorder(ctx, loadChunk));
  }
} catch {
  // Never throw into the host page.
}
