import { MIN_REPLAY_PURPOSE_CHARS } from '@veil/core';

/** A purpose shorter than this says nothing ("x"); the audit log needs a reason a reader can check. */
export const MIN_PURPOSE_LENGTH = MIN_REPLAY_PURPOSE_CHARS;
/** Longer text belongs in the ticket the purpose points to. */
export const MAX_PURPOSE_LENGTH = 300;

/** Ready-made starts of a purpose; the viewer completes them. */
export const PURPOSE_SUGGESTIONS = [
  'Investigating bug #',
  'Customer support request #',
  'Usability review of ',
] as const;

/** Collapses whitespace so the logged purpose reads as one line. */
export function normalisePurpose(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Why a purpose cannot be used, or null when it can. */
export function purposeProblem(text: string): string | null {
  const purpose = normalisePurpose(text);
  if (purpose === '') return 'State why you need to see this recording.';
  if (purpose.length < MIN_PURPOSE_LENGTH) return `Write at least ${MIN_PURPOSE_LENGTH} characters.`;
  if (!/\p{L}/u.test(purpose)) return 'Say in words why you need to see this recording.';
  if (purpose.length > MAX_PURPOSE_LENGTH) return `Keep it under ${MAX_PURPOSE_LENGTH} characters.`;
  if (PURPOSE_SUGGESTIONS.some((s) => normalisePurpose(s) === purpose))
    return 'Complete the purpose (add the reference).';
  return null;
}
