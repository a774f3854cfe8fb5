import { pagePattern } from '../heatmap/pagePattern.js';
import { urlPath } from '../url/sanitizeUrl.js';
import { CANARY_LABEL_PREFIX } from './canaries.js';
import type { RedactionFinding } from './redactEvents.js';

/**
 * A masking failure: the server redacted something the browser should already have masked. It
 * names where (page pattern, element path, position in the event) and what kind of data
 * (detector label), and how often; never the value.
 */
export interface MaskingFailure {
  /** `/orders/:id`; `''` when the page is unknown. */
  pagePattern: string;
  /**
   * Text-free CSS path of the element to fix (`RedactionContext.pathOf`), or where the slip was
   * when no element holds it (`RedactionFinding.elementPath`: `document`, `stylesheet`, an
   * `unknown:` place…); null only for findings made without a tracking context.
   */
  elementPath: string | null;
  /** Detector label: `email`, `card`, a custom pattern's label, `password`. */
  label: string;
  /** `text`, `attribute:title`, `input`, `url`, … */
  location: string;
  count: number;
}

/**
 * Masking failures from the server's redaction findings. The recorder runs the same detectors
 * and the same walk over every event before it sends them, so every server finding on a batch
 * the recorder produced is a failure of the browser layer (a page that bypasses Veil's masking,
 * a stale recorder, a new detector, markup that escaped the walk). Canary hits are alerts of
 * their own and are left out. Aggregated per page pattern, element, label and location.
 */
export function maskingFailuresFrom(
  findings: readonly RedactionFinding[],
  pagePatterns: readonly string[] = [],
  /**
   * Password values replaced, as a count without page or element; the server passes the walk's
   * `passwordFindings` among `findings` instead (they name both).
   */
  passwordValuesReplaced = 0,
): MaskingFailure[] {
  const out = new Map<string, MaskingFailure>();
  const add = (f: Omit<MaskingFailure, 'count'>, count: number): void => {
    const key = `${f.pagePattern}\u0000${f.elementPath ?? ''}\u0000${f.label}\u0000${f.location}`;
    const found = out.get(key);
    if (found) found.count += count;
    else out.set(key, { ...f, count });
  };
  for (const f of findings) {
    if (f.label.startsWith(CANARY_LABEL_PREFIX)) continue;
    const path = f.page ? urlPath(f.page) : '';
    add(
      {
        pagePattern: path ? pagePattern(path, pagePatterns) : '',
        elementPath: f.elementPath ?? null,
        label: f.label,
        location: f.location,
      },
      f.count,
    );
  }
  if (passwordValuesReplaced > 0) {
    add({ pagePattern: '', elementPath: null, label: 'password', location: 'input' }, passwordValuesReplaced);
  }
  return [...out.values()];
}
