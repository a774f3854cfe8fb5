/**
 * The shortest purpose a raw-replay grant accepts, in characters of text (after trimming and
 * collapsing whitespace): "x" or "bug" says nothing an auditor can check.
 */
export const MIN_REPLAY_PURPOSE_CHARS = 10;
/** Longer text belongs in the ticket the purpose points to. */
export const MAX_REPLAY_PURPOSE_CHARS = 500;
/** The longest ticket reference of a grant. */
export const MAX_REPLAY_TICKET_CHARS = 100;

/** A purpose as it is stored and shown: whitespace collapsed to single spaces, trimmed. */
export function normaliseReplayPurpose(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
