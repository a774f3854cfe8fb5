/** First retry delay; each further attempt doubles it up to `RETRY_MAX_DELAY_MS`. */
export const RETRY_BASE_DELAY_MS = 1_000;
export const RETRY_MAX_DELAY_MS = 60_000;

/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed, the other half
 * random, so a fleet of tabs that failed together does not retry together.
 * `attempt` counts failures so far (1 for the first retry); `random` is in [0, 1).
 */
export function backoffDelay(attempt: number, random: number): number {
  const exp = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random);
}

/** `Retry-After` in seconds (the only form Veil's server sends) as milliseconds, capped. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(RETRY_MAX_DELAY_MS, seconds * 1000);
}
