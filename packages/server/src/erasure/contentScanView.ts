import type { ContentScan } from '@veil/core';
import type { ContentScanRecord } from '../storage/contentScans/ContentScanRepository.js';

/** The API's view of a content scan (no internal site id). */
export function contentScanView(s: ContentScanRecord): ContentScan {
  const { siteId: _siteId, ...view } = s;
  return view;
}
