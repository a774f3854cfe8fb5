import { type CustomPattern, compileServedPatterns, redactText, VeilCustomTag } from '@veil/core';

export const MAX_TAG_KEY_CHARS = 64;
export const MAX_TAG_VALUE_CHARS = 500;
export const MAX_USER_ID_CHARS = 256;

/** A Veil custom event for rrweb: its tag and payload. */
export interface CustomEventSpec {
  tag: string;
  payload: Record<string, unknown>;
}

/**
 * Turns the page API's `identify` and `tag` commands into custom events; null for anything
 * malformed. Tag values are PII-redacted like page text; the user id travels only in the identify
 * event, and the server replaces it with its keyed hash.
 */
export function createCommandEvents(customPatterns: readonly CustomPattern[]) {
  const detectors = compileServedPatterns(customPatterns);
  return (command: readonly unknown[]): CustomEventSpec | null => {
    const [name, a, b] = command;
    if (name === 'identify') {
      const userId = typeof a === 'number' && Number.isFinite(a) ? String(a) : a;
      if (typeof userId !== 'string' || userId === '' || userId.length > MAX_USER_ID_CHARS) return null;
      return { tag: VeilCustomTag.Identify, payload: { userId } };
    }
    if (name === 'tag') {
      if (typeof a !== 'string' || a === '' || a.length > MAX_TAG_KEY_CHARS) return null;
      let value: string | number | boolean | null;
      if (typeof b === 'string') value = redactText(b.slice(0, MAX_TAG_VALUE_CHARS), detectors).text;
      else if (typeof b === 'boolean' || b === null || b === undefined) value = b ?? null;
      else if (typeof b === 'number' && Number.isFinite(b)) value = b;
      else return null;
      return { tag: VeilCustomTag.Tag, payload: { key: redactText(a, detectors).text, value } };
    }
    return null;
  };
}
