/**
 * The layout chunk (`/r/v1/layout.js`): core's `textFreeSnapshot`, needed only on heatmap-only
 * pages (policy `heatmapOnly` / `heatmapOnlyPages`, off by default), so it is not in
 * `recorder.js`. The recorder loads it when such a page takes its layout snapshot.
 */
import { textFreeSnapshot } from '@veil/core';
import type { VeilWindow } from '../shared/bootContract.js';

try {
  (window as VeilWindow).veil?.chunk?.('layout', textFreeSnapshot);
} catch {
  // Never throw into the host page.
}
