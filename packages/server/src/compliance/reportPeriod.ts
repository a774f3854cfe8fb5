import { VeilError } from '../errors/VeilError.js';
import type { Period } from '../storage/compliance/ComplianceRepository.js';

const DAY_MS = 86_400_000;
/** The period when none is given: the 30 days up to now. */
export const DEFAULT_REPORT_DAYS = 30;
/** The longest period one pack covers. */
export const MAX_REPORT_DAYS = 366 * 3;

/**
 * A point in time from `YYYY-MM-DD` (UTC midnight; as an end, the end of that day), an ISO date-time
 * or milliseconds since the epoch. `undefined` when it does not parse.
 */
export function parseInstant(value: string, asEnd: boolean): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return Number.isFinite(start) ? start + (asEnd ? DAY_MS : 0) : undefined;
  }
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The half-open period `[from, to)` of a pack; throws `invalid_period` naming the problem. */
export function reportPeriod(from: string | undefined, to: string | undefined, now: number): Period {
  const end = to === undefined ? now : parseInstant(to, true);
  if (end === undefined)
    throw new VeilError('invalid_period', '"to" is not a date (YYYY-MM-DD), ISO time or milliseconds');
  const start = from === undefined ? end - DEFAULT_REPORT_DAYS * DAY_MS : parseInstant(from, false);
  if (start === undefined)
    throw new VeilError('invalid_period', '"from" is not a date (YYYY-MM-DD), ISO time or milliseconds');
  if (start >= end) throw new VeilError('invalid_period', '"from" must be before "to"');
  if (end - start > MAX_REPORT_DAYS * DAY_MS)
    throw new VeilError('invalid_period', `a pack covers at most ${MAX_REPORT_DAYS} days`);
  return { from: start, to: end };
}
