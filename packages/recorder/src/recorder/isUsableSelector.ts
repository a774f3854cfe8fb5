/** A class no page uses: proves that a selector list still ends where it should. */
const SENTINEL = 'veil-selector-sentinel';

/**
 * True when this browser can use `selector` inside a joined list: it parses, and a selector
 * joined after it still takes effect (an unclosed comment or string would swallow the rest). A
 * selector that throws is unusable.
 */
export function isUsableSelector(selector: string): boolean {
  try {
    const probe = document.createElement('div');
    probe.className = SENTINEL;
    return probe.matches(`${selector}, .${SENTINEL}`);
  } catch {
    return false;
  }
}
