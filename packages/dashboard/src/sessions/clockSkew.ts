import { formatDuration } from '../format/duration';

/** Less than this between the page's clock and Veil's is ordinary latency, not worth a note. */
export const CLOCK_SKEW_NOTE_MS = 60_000;

/**
 * When the browser's clock (the session's `startedAt`) and Veil's (`receivedAt`, what retention
 * counts from) disagree by a minute or more: how far, and which way. Undefined otherwise.
 */
export function clockSkewNote(session: {
  startedAt: number;
  receivedAt?: number | undefined;
}): string | undefined {
  if (session.receivedAt === undefined) return undefined;
  const skew = session.startedAt - session.receivedAt;
  if (Math.abs(skew) < CLOCK_SKEW_NOTE_MS) return undefined;
  return `page clock ${formatDuration(Math.abs(skew))} ${skew > 0 ? 'ahead of' : 'behind'} Veil's`;
}
